/**
 * The name an uploaded file of evidence goes by: what a coordinator sees in the report and gets on download. Only
 * the last part of a path counts (a browser may send C:\fakepath\报告.pdf), and what could not travel in an event
 * or a header is refused with the fix: control characters, a name too long, no name at all.
 */
import { EvidenceRefused } from './sniff';

/** As long as file systems allow (255), in characters: a Chinese name is well within it. */
export const MAX_NAME_CHARS = 255;

/** The name to store, or EvidenceRefused (EVIDENCE_NAME_INVALID) saying what is wrong with it. */
export function evidenceName(raw: string): string {
  const name = (raw.split(/[\\/]/).at(-1) ?? '').normalize('NFC').trim();
  if (name === '' || name === '.' || name === '..') {
    throw new EvidenceRefused('EVIDENCE_NAME_INVALID', '缺少文件名；请给出上传文件的名称，如「整改报告.pdf」');
  }
  if (/[\p{Cc}\p{Cs}\u2028\u2029]/u.test(name)) {
    throw new EvidenceRefused('EVIDENCE_NAME_INVALID', `文件名含有控制字符或无效字符；请重命名文件后再上传`);
  }
  if ([...name].length > MAX_NAME_CHARS) {
    throw new EvidenceRefused('EVIDENCE_NAME_INVALID', `文件名超过 ${MAX_NAME_CHARS} 个字符；请缩短文件名后再上传`);
  }
  return name;
}
