/**
 * A PDF's text layer → the plan's text. A PDF holds positioned runs of text, not paragraphs: lines are rebuilt from
 * the runs' heights, a paragraph from lines that run to the right margin and go on unindented, and a task table from
 * its header row, whose cells give the columns' positions — every later run falls in the column it stands under, a
 * row begins where the 序号 column holds a number, and a line with nothing there continues the row's cells. Tables come
 * out as tab-separated rows ending with a tab, as the reader takes Word tables.
 */
import { readMarker } from './numbering';
import { fold } from './normalize';

/** One run of text as the PDF places it: left x, baseline y (upwards), width and font height, in points. */
export interface PdfRun {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PdfPage {
  runs: PdfRun[];
}

interface Segment {
  text: string;
  x: number;
  end: number;
}

interface Line {
  segments: Segment[];
  x: number;
  end: number;
  size: number;
}

/** Runs → lines, top to bottom; runs far apart on one line stay separate segments (columns, a right-aligned date). */
function linesOf(page: PdfPage): Line[] {
  const runs = page.runs.filter((r) => r.str.trim() !== '').sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: PdfRun[][] = [];
  for (const r of runs) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0]!.y - r.y) <= Math.max(2, 0.4 * Math.max(r.height, row[0]!.height))) row.push(r);
    else rows.push([r]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.x - b.x);
    const size = Math.max(...row.map((r) => r.height), 1);
    const segments: Segment[] = [];
    for (const r of row) {
      const last = segments[segments.length - 1];
      if (last && r.x - last.end <= 1.5 * size) {
        last.text += r.str;
        last.end = Math.max(last.end, r.x + r.width);
      } else {
        segments.push({ text: r.str, x: r.x, end: r.x + r.width });
      }
    }
    for (const s of segments) s.text = s.text.trim();
    return { segments, x: segments[0]!.x, end: segments[segments.length - 1]!.end, size };
  });
}

const squeeze = (s: string) => fold(s).replace(/\s+/g, '');
const PAGE_NUMBER = /^(?:[-—–－]?\s*\d{1,3}\s*[-—–－]?|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)$/;
const CATEGORY = /^[一二三四五六七八九十]+、/;

/* A unit's name ends so; the next line of a cell that starts a new name lists one unit a line. */
const UNIT_END = /(局|委|厅|办|府|院|会|室|中心|部|署|社|团|联|协)$/;

/** A cell's next line: the words go on ("专项" + "整治。"), or a list of units goes on one a line ("…局" + "市…"). */
function joinCellLines(before: string, next: string): string {
  if (before === '') return next;
  return UNIT_END.test(before) && /^[省市县区州各]/.test(next) ? `${before}、${next}` : `${before}${next}`;
}

/** The text of a PDF's pages: paragraphs one a line, task tables as tab-separated rows. */
export function pdfPagesToText(pages: PdfPage[]): string {
  const out: string[] = [];
  let columns: number[] | null = null;
  let headerText = '';
  let row: string[] | null = null;
  let para: { text: string; end: number; right: number; left: number; size: number } | null = null;
  const flushRow = () => {
    if (row) out.push(`${row.join('\t')}\t`);
    row = null;
  };
  const flushPara = () => {
    if (para) out.push(para.text);
    para = null;
  };
  for (const page of pages) {
    const lines = linesOf(page).filter((l) => !PAGE_NUMBER.test(squeeze(l.segments.map((s) => s.text).join(''))));
    const left = Math.min(...lines.map((l) => l.x));
    const right = Math.max(...lines.map((l) => l.end));
    for (const line of lines) {
      const texts = line.segments.map((s) => s.text);
      // a task table's header row: its cells give the columns
      if (squeeze(texts[0] ?? '') === '序号' && texts.length >= 3) {
        const header = texts.join('\t');
        if (columns && header === headerText) continue; // the header repeated on a new page
        flushPara();
        flushRow();
        columns = line.segments.map((s) => s.x);
        headerText = header;
        out.push(`${header}\t`);
        continue;
      }
      if (columns) {
        const cells: string[] = columns.map(() => '');
        for (const s of line.segments) {
          let k = 0;
          while (k + 1 < columns.length && s.x >= columns[k + 1]! - 0.5 * line.size) k++;
          cells[k] += s.text;
        }
        const filled = cells.filter((c) => c !== '');
        if (filled.length === 1 && CATEGORY.test(squeeze(filled[0]!)) && cells.indexOf(filled[0]!) <= 1) {
          flushRow();
          out.push(filled[0]!);
          continue;
        }
        if (/^\d{1,3}$/.test(squeeze(cells[0]!))) {
          flushRow();
          row = cells;
          continue;
        }
        if (cells[0] === '' && row) {
          const r: string[] = row;
          cells.forEach((c, k) => {
            if (c !== '') r[k] = joinCellLines(r[k] ?? '', c);
          });
          continue;
        }
        // a line that is no row of the table: the table has ended
        flushRow();
        columns = null;
      }
      const text = texts.join('  ');
      const continues =
        para !== null &&
        para.end >= para.right - 2 * line.size &&
        line.x <= para.left + 0.8 * line.size &&
        readMarker(fold(text)) === null;
      if (continues && para) {
        const p: { text: string } = para;
        p.text += /[A-Za-z0-9]$/.test(p.text) && /^[A-Za-z0-9]/.test(text) ? ` ${text}` : text;
        para!.end = line.end;
        para!.right = right;
        para!.left = left;
      } else {
        flushPara();
        para = { text, end: line.end, right, left, size: line.size };
      }
    }
  }
  flushRow();
  flushPara();
  return `${out.join('\n')}\n`;
}
