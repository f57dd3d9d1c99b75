/**
 * Bytes → text. Plans come from web pages and old desktops: UTF-8 with or without BOM, GBK/GB18030, now and then
 * UTF-16. We decode them all and refuse what is not text, so the parser never sees mojibake. Refusals are in Chinese
 * and say what the file seems to be and what to do (Word and PDF files are read by the CLI before they get here).
 */
import { PlanError } from './errors';
import { adviceFor, DOCUMENT_KIND_LABEL, sniffDocument } from './sniff';

export type SourceEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: SourceEncoding;
}

/**
 * Decode a plan file. Throws {@link PlanError} for empty and binary input and for bytes that are neither UTF-8 nor
 * GB18030 (the superset of GBK and GB2312), naming the fix.
 */
export function decodePlanBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0 || isOnlyWhitespace(bytes)) {
    throw new PlanError('EMPTY_INPUT', '文件是空的：请导出计划正文（.docx、.doc、.pdf 或 .txt）后重试');
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  if (looksBinary(bytes)) {
    const kind = sniffDocument(bytes);
    const label = kind === 'text' || kind === 'html' ? DOCUMENT_KIND_LABEL.binary : DOCUMENT_KIND_LABEL[kind];
    throw new PlanError('BINARY_INPUT', `文件看起来是${label}，不是文字：${adviceFor(kind)}`);
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // not UTF-8: GBK is the usual encoding of these documents
  }
  try {
    const text = new TextDecoder('gb18030', { fatal: true }).decode(body);
    if (cjkShare(text) >= 0.2) return { text, encoding: 'gb18030' };
  } catch {
    // fall through to the refusal
  }
  throw new PlanError(
    'UNKNOWN_ENCODING',
    '文件既不是 UTF-8 也不是 GBK/GB18030 编码的文字（可能是 Big5、Latin-1 或其他编码）：' +
      '请另存为 UTF-8（如 iconv -f BIG5 -t UTF-8 原文件 > 新文件.txt）后重试',
  );
}

function isOnlyWhitespace(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  }
  return true;
}

/** NUL bytes or many C0 control characters mean a binary format, whatever the extension says. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
  }
  return controls / n > 0.05;
}

/** Share of Han characters among non-ASCII ones: a wrong legacy decoding yields rare symbols instead. */
function cjkShare(text: string): number {
  let nonAscii = 0;
  let han = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    nonAscii++;
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) han++;
  }
  return nonAscii === 0 ? 1 : han / nonAscii;
}
