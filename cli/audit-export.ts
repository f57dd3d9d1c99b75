/**
 * `duban audit export --cycle CYCLE DIR` and `duban audit verify --package DIR`: a package an auditor takes away — the
 * cycle's events as JSON lines (with their metadata and hash chain), the Temporal histories, the plan and the task
 * table the cycle was launched from, the notices sent, and a manifest of SHA-256 checksums signed with the
 * deployment's Ed25519 key — and its check on the auditor's own machine, with no server running.
 */
import { createPublicKey, sign } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Pool } from 'pg';
import { AuditError } from '../domain/audit/errors';
import {
  checkPackage,
  MANIFEST,
  manifestFile,
  PACKAGE_FORMAT,
  PUBLIC_KEY,
  SIGNATURE,
  sha256Hex,
  type Manifest,
  type ManifestStream,
  type PackageEventLine,
  type PackageProblem,
  type PackageReport,
} from '../domain/audit/package';
import { compareWithHistory } from '../domain/audit/history';
import type { StoredEvent } from '../domain/audit/records';
import { canonicalJson } from '../domain/canonical-json';
import { shanghaiTime } from '../domain/audit/timeline';
import { cycleRecord, noticesOf, streamsEvents } from '../infra/audit-store';
import { eachLimited } from '../infra/each-limited';
import type { SigningKey } from '../infra/signing-key';
import { fetchRuns, isOpen, recordCalls, type WorkflowRun } from '../infra/workflow-history';
import { cycleStream } from '../workflows/cycle/events';

/** Refuses a DIR that holds anything: an export never mixes with, or overwrites, other files. */
export function requireEmptyDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory() || readdirSync(dir).length > 0) {
    throw new AuditError(
      'EXPORT_DIR_NOT_EMPTY',
      `${dir} 已存在且不是空目录：请给出一个新的或空的目录，审计包不与其他文件混放`,
    );
  }
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const jsonLines = (values: readonly unknown[]) => Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''));

/**
 * Builds the package in memory, then writes it to a sibling directory and renames that into place: a failure on the
 * way (Temporal down, a disk full) leaves no half package under DIR.
 */
export async function exportCycle(
  pool: Pool,
  client: Client,
  { cycleId, dir, key, now = new Date() }: { cycleId: string; dir: string; key: SigningKey; now?: Date },
): Promise<Manifest> {
  requireEmptyDir(dir);
  const record = await cycleRecord(pool, cycleId);
  const streamIds = [cycleStream(cycleId), ...record.table.map((row) => row.assignmentId)];
  // The histories first, then the events (as verify reads them): what a running workflow stores in between is after
  // the end of its packaged history, where the package's check leaves it.
  const runsOf = new Map<string, WorkflowRun[] | undefined>();
  await eachLimited(streamIds, 8, async (id) => {
    runsOf.set(id, await fetchRuns(client, id));
  });
  const events = await streamsEvents(pool, streamIds);
  const notices = await noticesOf(pool, streamIds);

  const files = new Map<string, Buffer>();
  const notes: string[] = [];
  const { plan, table, ...launch } = record;
  files.set('cycle.json', json(launch));
  if (plan !== null && plan !== undefined) files.set('plan.json', json(plan));
  else {
    notes.push(
      '本周期发布于系统保存发布所用计划之前（迁移 011 之前），包中没有 plan.json；task-table.json 是发布时的任务分解表' +
        '（每项督办交办时的完整内容），其 SHA-256 即 cycle.json 的 tableHash',
    );
  }
  files.set('task-table.json', json(table));
  const streams: ManifestStream[] = streamIds.map((stream, i) => {
    const name = String(i).padStart(4, '0');
    const stored = events.get(stream) ?? [];
    const lines: PackageEventLine[] = stored.map((s) => ({
      assignmentId: s.assignmentId,
      seq: s.seq,
      event: s.event,
      meta: s.meta,
      prevHash: s.prevHash,
      hash: s.hash,
      recordedAt: s.recordedAt,
    }));
    files.set(`events/${name}.jsonl`, jsonLines(lines));
    const runs = runsOf.get(stream);
    if (runs) {
      files.set(
        `histories/${name}.json`,
        json({
          workflowId: stream,
          runs: runs.map((r) => ({ runId: r.runId, history: JSON.parse(historyToJSON(r.history)) as unknown })),
        }),
      );
    } else {
      notes.push(`${stream} 的 Temporal 历史已不在服务器上（超过保留期，或未在此部署运行），包中没有它的历史`);
    }
    return {
      stream,
      events: `events/${name}.jsonl`,
      history: runs ? `histories/${name}.json` : null,
      count: stored.length,
      lastHash: stored[stored.length - 1]?.hash ?? null,
    };
  });
  files.set('notices.jsonl', jsonLines(notices));

  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    cycleId,
    title: record.title,
    exportedAt: now.toISOString(),
    keyFingerprint: key.fingerprint,
    streams,
    files: [...files.entries()].map(([path, bytes]) => manifestFile(path, bytes)),
    notes,
  };
  const manifestBytes = json(manifest);
  files.set(MANIFEST, manifestBytes);
  files.set(SIGNATURE, Buffer.from(`${sign(null, manifestBytes, key.privateKey).toString('base64')}\n`));
  files.set(PUBLIC_KEY, Buffer.from(key.publicKeyPem));

  const staging = `${dir}.partial-${process.pid}-${Date.now()}`;
  try {
    for (const [path, bytes] of files) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), bytes);
    }
    requireEmptyDir(dir);
    if (existsSync(dir)) rmdirSync(dir); // empty, checked just above
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

/** Every file under a package directory, by its path inside it ('/'-separated). */
export function readPackage(dir: string): Map<string, Buffer> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AuditError('PACKAGE_UNREADABLE', `${dir} 不存在或不是目录：请给出 duban audit export 导出的审计包目录`);
  }
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (!statSync(path).isFile()) continue;
    files.set(relative(dir, path).split(sep).join('/'), readFileSync(path));
  }
  if (!files.has(MANIFEST) && files.size === 0) {
    throw new AuditError('PACKAGE_UNREADABLE', `${dir} 是空目录，不是审计包`);
  }
  return files;
}

export function formatPackageReport(dir: string, report: PackageReport): string {
  const m = report.manifest;
  const lines = [
    m
      ? `审计包 ${dir}：督办周期 ${m.cycleId}「${m.title}」，导出于 ${shanghaiTime(m.exportedAt)}（北京时间）` +
        `${report.keyFingerprint ? `，签名密钥指纹 ${report.keyFingerprint}` : ''}`
      : `审计包 ${dir}`,
    `  核对文件 ${report.files} 个，事件流 ${report.streams} 个，事件 ${report.events} 条`,
    ...(m?.notes ?? []).map((n) => `  说明：${n}`),
    ...report.problems.map((p) => `  ✗ ${p.message} [${p.code}]`),
    report.ok
      ? '结论：通过——每个文件与清单相符，无缺少、无多出，签名有效，每个事件流的哈希链完整，事件与 Temporal 历史一致，任务分解表与发布时的哈希一致'
      : `结论：未通过——${report.problems.length} 处问题`,
  ];
  return `${lines.join('\n')}\n`;
}

export function verifyPackageDir(dir: string, pinned?: string): PackageReport {
  const files = readPackage(resolve(dir));
  const report = checkPackage(files, pinned === undefined ? undefined : readPinnedKey(pinned));
  if (!report.manifest) return report;
  const problems = [...report.problems, ...crossChecks(files, report.manifest)];
  return { ...report, problems, ok: problems.length === 0 };
}

/**
 * What the package says twice must agree, offline too: each stream's events with the recordEvents inputs of its
 * Temporal history, and the task table with the hash the launch recorded (cycle.json, and the CycleLaunched event).
 * Only for files that are there and readable: a missing or broken one is reported already.
 */
function crossChecks(files: ReadonlyMap<string, Buffer>, manifest: Manifest): PackageProblem[] {
  const problems: PackageProblem[] = [];
  const readJson = (path: string): unknown => {
    const bytes = files.get(path);
    if (!bytes) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch {
      return undefined;
    }
  };
  for (const s of manifest.streams) {
    if (!s.history) continue;
    const recorded = readJson(s.history) as { runs?: Array<{ runId: string; history: unknown }> } | undefined;
    const bytes = files.get(s.events);
    if (!recorded?.runs || !bytes) continue;
    let stored: StoredEvent[];
    try {
      stored = bytes
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as StoredEvent);
    } catch {
      continue;
    }
    let calls;
    let open;
    try {
      const runs = recorded.runs.map((r) => ({ runId: r.runId, history: historyFromJSON(r.history) }));
      calls = recordCalls(runs);
      open = isOpen(runs);
    } catch (error) {
      problems.push({
        code: 'PACKAGE_HISTORY_MISMATCH',
        file: s.history,
        message: `${s.history} 不是可读的 Temporal 历史（${(error as Error).message}）`,
      });
      continue;
    }
    const mismatch = compareWithHistory(s.stream, stored, calls, open);
    if (mismatch) {
      problems.push({
        code: 'PACKAGE_HISTORY_MISMATCH',
        file: s.events,
        seq: mismatch.seq,
        message: `${s.events}（${s.stream}）与 ${s.history} 不符：${mismatch.message}`,
      });
    }
  }
  const cycle = readJson('cycle.json') as { tableHash?: string; items?: number } | undefined;
  const table = readJson('task-table.json') as Array<{ spec: unknown }> | undefined;
  if (cycle?.tableHash && Array.isArray(table)) {
    const launched = table.slice(0, cycle.items ?? table.length).map((row) => row.spec);
    const hash = sha256Hex(canonicalJson(launched));
    if (hash !== cycle.tableHash) {
      problems.push({
        code: 'PACKAGE_TABLE_MISMATCH',
        file: 'task-table.json',
        message: `task-table.json 的前 ${launched.length} 行与发布时记录的任务分解表哈希（cycle.json 的 tableHash）不符`,
      });
    }
  }
  return problems;
}

function readPinnedKey(path: string) {
  try {
    return createPublicKey(readFileSync(path));
  } catch (error) {
    throw new AuditError('SIGNING_KEY_UNREADABLE', `无法读取部署公钥 ${path}（${(error as Error).message}）`);
  }
}
