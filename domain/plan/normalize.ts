/**
 * Text normalisation. Two views of every line, character for character the same length: `text` (simplified
 * characters, punctuation as written — what we show) and `norm` (full-width punctuation and digits folded to ASCII —
 * what the grammar reads). Seeds are stored with ASCII punctuation, originals use full-width; both read the same.
 */
import * as OpenCC from 'opencc-js/t2cn';
import { TRADITIONAL_CHARS } from './traditional-chars';

export interface SourceLine {
  /** 1-based line number in the input. */
  no: number;
  /** Simplified, trimmed, punctuation as written. */
  text: string;
  /** Same length as `text`, punctuation and digits folded to ASCII. */
  norm: string;
  /** The line as written before traditional→simplified conversion, when that changed it (same trim). */
  original: string | null;
  /**
   * A line with tabs: its cells (simplified, trimmed), the way a Word table row reads as text. Absent otherwise.
   * A row a table ends with a tab ("序号\t工作任务\t…\t", as Word's row mark reads) has `rowEnd`.
   */
  cells?: string[];
  rowEnd?: boolean;
}

let toSimplified: ((s: string) => string) | null = null;
let traditional: RegExp | null = null;

/**
 * Traditional → simplified (繁→简) with OpenCC's dictionaries. Building the converter is the slow part of a first
 * parse, so it is built only for a text that holds a traditional character; a simplified text is returned as it is.
 */
export function simplify(s: string): string {
  traditional ??= new RegExp(`[${TRADITIONAL_CHARS}]`, 'u');
  if (!traditional.test(s)) return s;
  toSimplified ??= OpenCC.Converter({ from: 't', to: 'cn' });
  return toSimplified(s);
}

const FOLD: Record<string, string> = {
  '（': '(',
  '）': ')',
  '：': ':',
  '，': ',',
  '；': ';',
  '．': '.',
  '\u3000': ' ',
  '\u00a0': ' ',
  '\t': ' ',
  '［': '[',
  '］': ']',
  '｛': '{',
  '｝': '}',
  '！': '!',
  '？': '?',
  '＂': '"',
  '－': '-',
  '／': '/',
  '％': '%',
  '＋': '+',
  '＜': '<',
  '＞': '>',
  '＝': '=',
  '﹙': '(',
  '﹚': ')',
};

/* Every character `fold` changes: full-width digits and letters, and the punctuation of FOLD. */
const FOLDABLE = new RegExp(
  `[\uFF10-\uFF19\uFF21-\uFF5A${Object.keys(FOLD)
    .join('')
    .replace(/[\]\\^-]/g, '\\$&')}]`,
  'g',
);

function foldChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff5a)) return String.fromCharCode(c - 0xfee0);
  return FOLD[ch] ?? ch;
}

/** Fold full-width punctuation and digits to ASCII, one character for one, so offsets agree with the shown text. */
export function fold(s: string): string {
  return s.replace(FOLDABLE, foldChar);
}

/** Split the document into lines in both views; a document in traditional characters is converted here. */
export function toSourceLines(raw: string): SourceLine[] {
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const simplified = simplify(text);
  const rawLines = text.split('\n');
  const simpLines = simplified.split('\n');
  const normLines = fold(simplified).split('\n'); // fold keeps every character's place, newlines included
  const aligned = rawLines.length === simpLines.length;
  const out: SourceLine[] = [];
  for (let i = 0; i < simpLines.length; i++) {
    const s = simpLines[i]!;
    const n = normLines[i]!;
    const start = n.length - n.trimStart().length;
    const end = n.trimEnd().length;
    const orig = aligned ? rawLines[i]! : null;
    const original = orig !== null && orig !== s && orig.length === s.length ? orig.slice(start, end) : null;
    const line: SourceLine = { no: i + 1, text: s.slice(start, end), norm: n.slice(start, end), original };
    if (s.includes('\t')) {
      const cells = s.split('\t').map((c) => c.trim());
      line.rowEnd = /\t\s*$/.test(s);
      if (line.rowEnd) cells.pop();
      line.cells = cells;
    }
    out.push(line);
  }
  return out;
}
