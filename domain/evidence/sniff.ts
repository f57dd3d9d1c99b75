/**
 * What a file of evidence (佐证材料) is, told from its bytes alone: a name ending in .pdf says what the uploader hoped,
 * not what the file is, and the type stored here is the Content-Type every later download is served with. What is
 * accepted is what a coordinator can open and read: PDF and OFD, photographs and scans, Word, Excel and PowerPoint
 * (new and 97-2003, and WPS's files, which use the same formats), OpenDocument, plain text. Refused, each with a
 * stable code and a Chinese message that names the problem and the fix: an empty file, one over the limit, programs,
 * archives (their content is unseen: unpack and upload the documents), documents with macros or a password, and
 * anything else.
 */
import { compoundFile, zipEntries, zipEntryContent, type ZipEntry } from './containers';

export type EvidenceRefusalCode =
  'EVIDENCE_EMPTY' | 'EVIDENCE_TOO_LARGE' | 'EVIDENCE_TYPE_REFUSED' | 'EVIDENCE_NAME_INVALID';

export class EvidenceRefused extends Error {
  constructor(
    readonly code: EvidenceRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'EvidenceRefused';
  }
}

export interface EvidenceLimits {
  /** The largest file accepted, in bytes (EVIDENCE_MAX_BYTES, 20 MB by default). */
  maxBytes: number;
}

const ACCEPTED = '请上传 PDF、OFD、图片（JPG、PNG）或 Office/WPS 文档';

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
export const DOC = 'application/msword';
export const XLS = 'application/vnd.ms-excel';
export const PPT = 'application/vnd.ms-powerpoint';
export const OFD = 'application/ofd';

/** Sizes as people read them: 20 MB, 512 KB. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} 字节`;
}

/** Refusal for a file over the limit, also used by the API before the whole body has arrived. */
export function tooLarge(size: number | undefined, { maxBytes }: EvidenceLimits): EvidenceRefused {
  const what = size === undefined ? '文件' : `文件大小 ${formatSize(size)}，`;
  return new EvidenceRefused(
    'EVIDENCE_TOO_LARGE',
    `${what}超过每个文件 ${formatSize(maxBytes)} 的上限；请压缩图片、拆分文档或另存为较小的 PDF 后再上传`,
  );
}

/**
 * The media type of these bytes, or EvidenceRefused. Pure and bounded: the containers are read through their
 * directories only (containers.ts), a manifest is inflated to at most 1 MB, the text check reads every byte once.
 */
export function sniffEvidence(bytes: Uint8Array, limits: EvidenceLimits): string {
  if (bytes.length === 0) {
    return refuse('EVIDENCE_EMPTY', '文件为空（0 字节）；请检查文件是否完整保存后重新上传');
  }
  if (bytes.length > limits.maxBytes) throw tooLarge(bytes.length, limits);
  const type = magic(bytes) ?? zipped(bytes) ?? compound(bytes) ?? text(bytes);
  if (type !== undefined) return type;
  return refuse('EVIDENCE_TYPE_REFUSED', `无法识别文件类型，不能作为佐证材料；${ACCEPTED}`);
}

function refuse(code: EvidenceRefusalCode, message: string): never {
  throw new EvidenceRefused(code, message);
}

const startsWith = (b: Uint8Array, signature: ReadonlyArray<number> | string, at = 0): boolean => {
  const sig = typeof signature === 'string' ? [...signature].map((c) => c.charCodeAt(0)) : signature;
  return b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
};

const program = () => refuse('EVIDENCE_TYPE_REFUSED', `这是可执行程序或脚本，不能作为佐证材料；${ACCEPTED}`);
const archive = (kind: string) =>
  refuse(
    'EVIDENCE_TYPE_REFUSED',
    `这是${kind}压缩包，其中的文件无法查看；请解压后逐个上传其中的 PDF、图片或 Office 文档`,
  );

/** Formats with a fixed signature at the start: documents and images accepted, programs and archives refused. */
function magic(b: Uint8Array): string | undefined {
  if (startsWith(b, '%PDF-')) return 'application/pdf';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a')) return 'image/gif';
  if (startsWith(b, 'RIFF') && startsWith(b, 'WEBP', 8)) return 'image/webp';
  if (startsWith(b, 'II*\0') || startsWith(b, 'MM\0*')) return 'image/tiff';
  if (startsWith(b, 'BM') && [12, 40, 52, 56, 108, 124].includes(u32le(b, 14))) return 'image/bmp'; // by header size
  // Phone photographs (iPhone): an ISO media file whose brand is HEIF's.
  if (startsWith(b, 'ftyp', 4) && /^(heic|heix|mif1|msf1|heim|heis)$/.test(ascii(b, 8, 4))) return 'image/heic';

  if (startsWith(b, 'MZ') || startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return program(); // Windows PE, ELF
  const mach = u32le(b, 0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xbebafeca].includes(mach)) return program(); // Mach-O
  if (startsWith(b, '#!')) return program();

  if (startsWith(b, 'Rar!\x1a\x07')) return archive(' RAR ');
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return archive(' 7z ');
  if (startsWith(b, [0x1f, 0x8b])) return archive(' gzip ');
  if (startsWith(b, 'BZh')) return archive(' bzip2 ');
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return archive(' xz ');
  if (startsWith(b, 'MSCF')) return archive(' CAB ');
  if (startsWith(b, 'ustar', 257)) return archive(' tar ');
  return undefined;
}

const u32le = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
const ascii = (b: Uint8Array, at: number, length: number): string =>
  String.fromCharCode(...b.subarray(at, at + length));

/** The main part's content type in an OOXML package, and the type the package is stored under. */
const OOXML: ReadonlyArray<{ main: string; type: string; macros?: true }> = [
  { main: 'wordprocessingml.document.main+xml', type: DOCX },
  { main: 'wordprocessingml.template.main+xml', type: DOCX },
  { main: 'spreadsheetml.sheet.main+xml', type: XLSX },
  { main: 'spreadsheetml.template.main+xml', type: XLSX },
  { main: 'presentationml.presentation.main+xml', type: PPTX },
  { main: 'presentationml.slideshow.main+xml', type: PPTX },
  { main: 'presentationml.template.main+xml', type: PPTX },
  { main: 'ms-word.document.macroEnabled.main+xml', type: DOCX, macros: true },
  { main: 'ms-word.template.macroEnabledTemplate.main+xml', type: DOCX, macros: true },
  { main: 'ms-excel.sheet.macroEnabled.main+xml', type: XLSX, macros: true },
  { main: 'ms-excel.template.macroEnabled.main+xml', type: XLSX, macros: true },
  { main: 'ms-excel.sheet.binary.macroEnabled.main', type: XLSX, macros: true },
  { main: 'ms-powerpoint.presentation.macroEnabled.main+xml', type: PPTX, macros: true },
  { main: 'ms-powerpoint.slideshow.macroEnabled.main+xml', type: PPTX, macros: true },
];

const ODF = [
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
];

const withMacros = () =>
  refuse(
    'EVIDENCE_TYPE_REFUSED',
    '文档含有宏，打开时可能运行程序，不能作为佐证材料；请另存为不含宏的 .docx/.xlsx/.pptx 或 PDF 后再上传',
  );

/** A ZIP: an OOXML package, an OFD, an OpenDocument, or an archive (refused). */
function zipped(b: Uint8Array): string | undefined {
  if (!startsWith(b, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return undefined;
  const entries = zipEntries(b);
  if (entries === undefined) {
    return refuse('EVIDENCE_TYPE_REFUSED', `文件像是 ZIP 格式但已损坏，无法识别；请重新保存后上传。${ACCEPTED}`);
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const manifest = byName.get('[Content_Types].xml');
  if (manifest !== undefined) {
    const main = officeMain(b, manifest, byName);
    if (main !== undefined) {
      if (main.macros || entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name))) return withMacros();
      return main.type;
    }
  }
  // OFD (GB/T 33190): the package's entry point OFD.xml at its root.
  if (byName.has('OFD.xml')) return OFD;
  const mimetype = byName.get('mimetype');
  if (mimetype !== undefined) {
    const declared = new TextDecoder().decode(zipEntryContent(b, mimetype, 256) ?? new Uint8Array()).trim();
    if (ODF.includes(declared) && byName.has('content.xml')) return declared;
  }
  return archive(' ZIP ');
}

/** The OOXML main part the manifest names, provided the package holds that part. */
function officeMain(b: Uint8Array, manifest: ZipEntry, byName: Map<string, ZipEntry>) {
  const xml = zipEntryContent(b, manifest);
  if (xml === undefined) return undefined;
  for (const override of new TextDecoder().decode(xml).match(/<Override\b[^>]*>/g) ?? []) {
    const part = /\bPartName="\/?([^"]+)"/.exec(override)?.[1];
    const contentType = /\bContentType="application\/vnd\.(?:openxmlformats-officedocument\.)?([^"]+)"/.exec(
      override,
    )?.[1];
    const known = OOXML.find((o) => o.main === contentType);
    if (known !== undefined && part !== undefined && byName.has(part)) return known;
  }
  return undefined;
}

/** Windows Installer packages and patches are OLE files too; their root storage's class id says which. */
const INSTALLERS = ['{000C1084-0000-0000-C000-000000000046}', '{000C1086-0000-0000-C000-000000000046}'];

/**
 * An OLE compound file: Word, Excel or PowerPoint 97-2003 — and WPS's .wps/.et/.dps, which since WPS Office 2005 are
 * the same binary formats and hold the same streams — or an installer, an encrypted document, or something else.
 */
function compound(b: Uint8Array): string | undefined {
  if (!startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return undefined;
  const file = compoundFile(b);
  if (file === undefined) {
    return refuse('EVIDENCE_TYPE_REFUSED', `文件像是 Office 97-2003 格式但已损坏，无法识别；请重新保存后上传`);
  }
  if (INSTALLERS.includes(file.rootClassId)) return program();
  const names = new Set(file.names);
  // A password-protected .docx/.xlsx/.pptx is an OLE file holding the encrypted package.
  if (names.has('EncryptedPackage') || names.has('EncryptionInfo')) {
    return refuse(
      'EVIDENCE_TYPE_REFUSED',
      '文档设有打开密码，督办单位无法查看；请取消密码（文件 → 信息 → 保护文档）后再上传',
    );
  }
  if (names.has('Macros') || names.has('_VBA_PROJECT_CUR') || names.has('VBA')) return withMacros();
  if (names.has('WordDocument')) return DOC;
  if (names.has('Workbook') || names.has('Book')) return XLS;
  if (names.has('PowerPoint Document')) return PPT;
  return refuse(
    'EVIDENCE_TYPE_REFUSED',
    `这是无法识别的 OLE 复合文件（如 Outlook 邮件、Visio 图），不能作为佐证材料；请另存为 PDF 后上传`,
  );
}

/**
 * Plain text, in UTF-8 (with or without a byte-order mark) or in GB18030 (GBK), as Chinese Windows saves .txt: no
 * control characters but tab, line breaks and form feed. The charset is part of the type, so the download shows.
 */
function text(b: Uint8Array): string | undefined {
  for (const byte of b) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return undefined;
    if (byte === 0x7f) return undefined;
  }
  for (const [charset, label] of [
    ['utf-8', 'utf-8'],
    ['gb18030', 'gb18030'],
  ] as const) {
    try {
      new TextDecoder(charset, { fatal: true }).decode(b);
      return `text/plain; charset=${label}`;
    } catch {
      // not this charset
    }
  }
  return undefined;
}
