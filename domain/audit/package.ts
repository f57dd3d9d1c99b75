/**
 * The audit package (`duban audit export`) and its offline check (`duban audit verify --package`): what it holds, the
 * manifest of SHA-256 checksums signed with the deployment's Ed25519 key, and a check an auditor runs on their own
 * machine with no server — every file's checksum, no file missing or added, the signature, and each event stream's
 * hash chain, naming any file or event that was changed. Pure over the package's bytes (node:crypto only).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { firstBreak, type StoredLink } from './chain';

export const PACKAGE_FORMAT = 'duban-audit-package/1';
export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const PUBLIC_KEY = 'public-key.pem';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ManifestStream {
  stream: string;
  /** The JSON-lines file of its events. */
  events: string;
  /** Its Temporal history (every run), or null when Temporal no longer had it. */
  history: string | null;
  count: number;
  /** The hash of its last event: a tail cut off the events file leaves a chain that is intact but shorter. */
  lastHash: string | null;
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  cycleId: string;
  title: string;
  exportedAt: string;
  /** SHA-256 of the signing key's public key (DER, SPKI): what the deployment publishes for auditors to compare. */
  keyFingerprint: string;
  streams: ManifestStream[];
  files: ManifestFile[];
  /** What the package lacks and why (a plan not kept for cycles launched before it was; a history past retention). */
  notes: string[];
}

/** One line of an events file: the event as stored, with its metadata and its link in the chain. */
export interface PackageEventLine {
  assignmentId: string;
  seq: number;
  event: unknown;
  meta: unknown;
  prevHash: string | null;
  hash: string | null;
  recordedAt: string;
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The fingerprint auditors compare with the one the deployment publishes. */
export function keyFingerprint(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

export function manifestFile(path: string, bytes: Buffer): ManifestFile {
  return { path, bytes: bytes.length, sha256: sha256Hex(bytes) };
}

export type PackageProblemCode =
  | 'PACKAGE_MANIFEST_MISSING'
  | 'PACKAGE_MANIFEST_INVALID'
  | 'PACKAGE_SIGNATURE_MISSING'
  | 'PACKAGE_SIGNATURE_INVALID'
  | 'PACKAGE_KEY_MISMATCH'
  | 'PACKAGE_FILE_MISSING'
  | 'PACKAGE_FILE_EXTRA'
  | 'PACKAGE_FILE_CHANGED'
  | 'PACKAGE_LINE_INVALID'
  | 'PACKAGE_CHAIN_BROKEN'
  | 'PACKAGE_STREAM_INCOMPLETE'
  | 'PACKAGE_HISTORY_MISMATCH'
  | 'PACKAGE_TABLE_MISMATCH';

export interface PackageProblem {
  code: PackageProblemCode;
  file?: string;
  seq?: number;
  message: string;
}

export interface PackageReport {
  ok: boolean;
  manifest?: Manifest;
  keyFingerprint?: string;
  /** Files checked against the manifest, streams whose chain was walked, events in them. */
  files: number;
  streams: number;
  events: number;
  problems: PackageProblem[];
}

/**
 * Checks a package given as its files (path relative to the package → bytes). `pinnedKey`, when the auditor has the
 * deployment's public key from elsewhere, must be the key that signed: a package signed by whoever altered it
 * carries that person's key, valid against itself.
 */
export function checkPackage(files: ReadonlyMap<string, Buffer>, pinnedKey?: KeyObject): PackageReport {
  const problems: PackageProblem[] = [];
  const report = (): PackageReport => ({
    ok: problems.length === 0,
    ...(manifest && { manifest }),
    ...(fingerprint && { keyFingerprint: fingerprint }),
    files: checked,
    streams: streams,
    events,
    problems,
  });
  let manifest: Manifest | undefined;
  let fingerprint: string | undefined;
  let checked = 0;
  let streams = 0;
  let events = 0;

  const manifestBytes = files.get(MANIFEST);
  if (!manifestBytes) {
    problems.push({
      code: 'PACKAGE_MANIFEST_MISSING',
      file: MANIFEST,
      message: `缺少 ${MANIFEST}：这不是一个完整的审计包`,
    });
    return report();
  }
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (manifest.format !== PACKAGE_FORMAT || !Array.isArray(manifest.files) || !Array.isArray(manifest.streams)) {
      throw new Error(`格式应为 ${PACKAGE_FORMAT}`);
    }
  } catch (error) {
    manifest = undefined;
    problems.push({
      code: 'PACKAGE_MANIFEST_INVALID',
      file: MANIFEST,
      message: `${MANIFEST} 不是有效的审计包清单（${(error as Error).message}）`,
    });
    return report();
  }

  // The signature over the manifest's exact bytes.
  const signature = files.get(SIGNATURE);
  const keyPem = files.get(PUBLIC_KEY);
  if (!signature || !keyPem) {
    problems.push({
      code: 'PACKAGE_SIGNATURE_MISSING',
      file: !signature ? SIGNATURE : PUBLIC_KEY,
      message: `缺少 ${!signature ? SIGNATURE : PUBLIC_KEY}：无法核验清单的签名`,
    });
  } else {
    let key: KeyObject | undefined;
    try {
      key = createPublicKey(keyPem);
    } catch {
      problems.push({ code: 'PACKAGE_SIGNATURE_INVALID', file: PUBLIC_KEY, message: `${PUBLIC_KEY} 不是有效的公钥` });
    }
    if (key) {
      fingerprint = keyFingerprint(key);
      const valid = safeVerify(manifestBytes, key, Buffer.from(signature.toString('utf8').trim(), 'base64'));
      if (!valid) {
        problems.push({
          code: 'PACKAGE_SIGNATURE_INVALID',
          file: SIGNATURE,
          message: `签名不符：${MANIFEST} 在签名后被改动，或 ${SIGNATURE} 不是 ${PUBLIC_KEY} 这把密钥所签`,
        });
      }
      if (fingerprint !== manifest.keyFingerprint) {
        problems.push({
          code: 'PACKAGE_KEY_MISMATCH',
          file: PUBLIC_KEY,
          message: `${PUBLIC_KEY} 的指纹 ${fingerprint.slice(0, 16)}… 与清单所记 ${String(manifest.keyFingerprint).slice(0, 16)}… 不同：公钥被替换`,
        });
      }
      if (pinnedKey && keyFingerprint(pinnedKey) !== fingerprint) {
        problems.push({
          code: 'PACKAGE_KEY_MISMATCH',
          file: PUBLIC_KEY,
          message: `本包由指纹 ${fingerprint.slice(0, 16)}… 的密钥签名，不是所给部署公钥（${keyFingerprint(pinnedKey).slice(0, 16)}…）：包不是该部署导出的，或已被重新签名`,
        });
      }
    }
  }

  // Every file the manifest lists, as listed; nothing it does not list.
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const bytes = files.get(f.path);
    if (!bytes) {
      problems.push({ code: 'PACKAGE_FILE_MISSING', file: f.path, message: `缺少文件 ${f.path}（清单中有）` });
      continue;
    }
    checked++;
    const actual = sha256Hex(bytes);
    if (actual !== f.sha256 || bytes.length !== f.bytes) {
      problems.push({
        code: 'PACKAGE_FILE_CHANGED',
        file: f.path,
        message: `文件 ${f.path} 被改动：SHA-256 应为 ${f.sha256.slice(0, 16)}…（${f.bytes} 字节），实为 ${actual.slice(0, 16)}…（${bytes.length} 字节）`,
      });
    }
  }
  for (const path of [...files.keys()].sort()) {
    if (!listed.has(path) && path !== MANIFEST && path !== SIGNATURE && path !== PUBLIC_KEY) {
      problems.push({
        code: 'PACKAGE_FILE_EXTRA',
        file: path,
        message: `多出文件 ${path}：清单中没有，不属于导出的审计包`,
      });
    }
  }

  // Each stream's chain, from its own lines: names the event that was changed, even when the manifest was redone.
  for (const s of manifest.streams) {
    const bytes = files.get(s.events);
    if (!bytes) continue;
    streams++;
    const links: StoredLink[] = [];
    const lines = bytes.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let unreadable = false;
    lines.forEach((text, i) => {
      try {
        const line = JSON.parse(text) as PackageEventLine;
        links.push({
          assignmentId: line.assignmentId,
          seq: line.seq,
          event: line.event,
          meta: (line.meta ?? null) as StoredLink['meta'],
          prevHash: line.prevHash ?? '',
          hash: line.hash ?? '',
        });
      } catch {
        unreadable = true;
        problems.push({
          code: 'PACKAGE_LINE_INVALID',
          file: s.events,
          message: `${s.events} 第 ${i + 1} 行不是完整的 JSON（被截断或改动）：${text.slice(0, 40)}${text.length > 40 ? '…' : ''}`,
        });
      }
    });
    events += links.length;
    if (unreadable) continue;
    const foreign = links.find((l) => l.assignmentId !== s.stream);
    if (foreign) {
      problems.push({
        code: 'PACKAGE_CHAIN_BROKEN',
        file: s.events,
        seq: foreign.seq,
        message: `${s.events} 中第 ${foreign.seq} 条事件属于 ${foreign.assignmentId}，不属于 ${s.stream}`,
      });
      continue;
    }
    const broken = firstBreak(links);
    if (broken) {
      problems.push({
        code: 'PACKAGE_CHAIN_BROKEN',
        file: s.events,
        seq: broken.seq,
        message: `${s.events}（${s.stream}）${broken.message}`,
      });
      continue;
    }
    const last = links[links.length - 1];
    if (links.length !== s.count || (last?.hash ?? null) !== s.lastHash) {
      problems.push({
        code: 'PACKAGE_STREAM_INCOMPLETE',
        file: s.events,
        message: `${s.events}（${s.stream}）有 ${links.length} 条事件，清单记为 ${s.count} 条：文件末尾的事件被删去或添加`,
      });
    }
  }
  return report();
}

function safeVerify(data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}
