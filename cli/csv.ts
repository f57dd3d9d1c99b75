/**
 * CSV for the task table (RFC 4180). Written with a UTF-8 BOM and CRLF so Excel on a Chinese desktop opens it without
 * mojibake; read back from UTF-8 or GBK (what Excel saves "CSV" as there).
 */
import { decodePlanBytes } from '../domain/plan';

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) || /^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Rows → CSV bytes. */
export function writeCsv(rows: string[][]): Buffer {
  const body = rows.map((r) => r.map(quote).join(',')).join('\r\n');
  return Buffer.from(`\uFEFF${body}\r\n`, 'utf8');
}

/** CSV text → rows; quoted cells may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV bytes (UTF-8 or GBK) → rows. */
export function readCsv(bytes: Uint8Array): string[][] {
  return parseCsv(decodePlanBytes(bytes).text);
}
