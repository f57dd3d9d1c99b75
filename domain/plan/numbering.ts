/**
 * The numbering grammar (编号层级): 一、 → (一) → 一是 / 1. → (1) → ①. A marker's kind, not its position, decides its
 * level: the first kind met under a parent becomes that parent's child kind, as the documents use them.
 */
import { chineseToNumber } from './chinese-numerals';

export type MarkerKind = 'cn' | 'paren-cn' | 'shi' | 'arabic' | 'paren-arabic' | 'circled';

export interface Marker {
  kind: MarkerKind;
  /** The number it counts (一 → 1); null when a lost character hides it. */
  n: number | null;
  /** How the ref writes it: "二", "(三)", "一是", "29", "(1)", "①". */
  label: string;
  /** Characters the marker takes at the start of the line. */
  length: number;
  /** The number was lost in copying (")优化钢铁产能…" for "(三)优化…"). */
  broken: boolean;
}

const CN = '[一二三四五六七八九十百零〇]+';
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
const CN_MARKER = new RegExp(`^(${CN})\\s*[、.]`);
const PAREN_CN_MARKER = new RegExp(`^\\(\\s*(${CN})\\s*\\)`);
const BROKEN_MARKER = new RegExp(`^(${CN})?\\)\\s*(?=[\\u4e00-\\u9fff])`);

/* What every marker below starts with: a numeral, a bracket, a digit or a circled number. */
const MARKER_START = /^[一二三四五六七八九十百零〇()\d①-⑳]/;

/** The numbering marker at the start of a (normalised, trimmed) line, or null. */
export function readMarker(norm: string): Marker | null {
  // asked of every line: most lines start otherwise, and one test turns them away instead of seven (the empty
  // string still goes through to the circled-number test below, which has always answered ① for it)
  if (norm !== '' && !MARKER_START.test(norm)) return null;
  let m = CN_MARKER.exec(norm);
  if (m) return { kind: 'cn', n: chineseToNumber(m[1]!), label: m[1]!, length: m[0].length, broken: false };
  m = PAREN_CN_MARKER.exec(norm);
  if (m)
    return { kind: 'paren-cn', n: chineseToNumber(m[1]!), label: `(${m[1]!})`, length: m[0].length, broken: false };
  m = /^([一二三四五六七八九十]{1,3})是(?=\S)/.exec(norm);
  if (m) return { kind: 'shi', n: chineseToNumber(m[1]!), label: `${m[1]!}是`, length: m[0].length, broken: false };
  m = /^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*(?=\S)/.exec(norm);
  if (m) return { kind: 'arabic', n: Number(m[1]), label: m[1]!, length: m[0].length, broken: false };
  m = /^\(\s*(\d{1,3})\s*\)/.exec(norm);
  if (m) return { kind: 'paren-arabic', n: Number(m[1]), label: `(${m[1]!})`, length: m[0].length, broken: false };
  const c = CIRCLED.indexOf(norm[0] ?? '');
  if (c >= 0) return { kind: 'circled', n: c + 1, label: norm[0]!, length: 1, broken: false };
  // a heading whose "(三" was lost: ")优化钢铁产能…" — or "三)…" whose "(" was lost
  m = BROKEN_MARKER.exec(norm);
  if (m) {
    const n = m[1] !== undefined ? chineseToNumber(m[1]) : null;
    return { kind: 'paren-cn', n, label: m[1] !== undefined ? `(${m[1]})` : '', length: m[0].length, broken: true };
  }
  return null;
}

/** The number of a top-level heading ("三、…" → 3), or null: readMarker's answer for 'cn' markers, without the rest. */
export function topLevelNumber(norm: string): number | null {
  const m = CN_MARKER.exec(norm);
  return m ? chineseToNumber(m[1]!) : null;
}

/**
 * An arabic item number glued to the digits its title starts with: "11.121人才梯队项目" is item 11 titled
 * "121人才梯队项目", "7.4S店…" item 7. The dot between digits also writes decimals ("3.5万户"), so the number counts
 * only when it is one the numbering expects next (`expected`); otherwise the line is the prose it looks like.
 */
export function readGluedMarker(norm: string, expected: number[]): Marker | null {
  const m = /^(\d{1,3})\s*\.\s*(?=\d)/.exec(norm);
  if (!m || !expected.includes(Number(m[1]))) return null;
  return { kind: 'arabic', n: Number(m[1]), label: m[1]!, length: m[0].length, broken: false };
}

/** "--组织保障" / "——经费保障": a group label inside a list; it does not take part in the numbering path. */
export function isGroupLabel(norm: string): boolean {
  return /^(--|——|—|－－)\s*[\u4e00-\u9fff]/.test(norm) && norm.length <= 40 && !/[。]/.test(norm);
}

const CN_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 3 → "三", 21 → "二十一": to write the label of a heading whose number was lost. */
export function numberToChinese(n: number): string {
  if (n <= 0 || n >= 100) return String(n);
  if (n < 10) return CN_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : CN_DIGITS[tens]!}十${CN_DIGITS[n % 10]!}`;
}
