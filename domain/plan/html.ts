/**
 * HTML → the plan's text: a web page saved from a browser, and what mammoth makes of a .docx. Paragraphs and headings
 * become lines; a table becomes tab-separated rows ending with a tab (the way a Word table reads as text), a cell's
 * paragraphs on lines of their own, merged cells as empty ones, so the header row keeps fixing the columns. Scripts,
 * styles and tags go; entities are decoded.
 */

const BLOCK = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'ul',
  'ol',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'title',
  'dt',
  'dd',
  'center',
  'form',
]);

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: '\u3000',
  middot: '·',
  mdash: '—',
  ndash: '–',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  hellip: '…',
  times: '×',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

interface Cell {
  paragraphs: string[];
  colspan: number;
  rowspan: number;
}

interface Table {
  rows: Cell[][];
  row: Cell[] | null;
  cell: Cell | null;
}

function attr(attrs: string, name: string): number {
  const m = new RegExp(`${name}\\s*=\\s*["']?(\\d+)`, 'i').exec(attrs);
  return m ? Math.max(1, Number(m[1])) : 1;
}

/** A table's rows as text lines: merged cells written as empty cells in every column and row they cover. */
function tableLines(rows: Cell[][]): string[] {
  const out: string[] = [];
  const covered: number[] = []; // rows still covered by a rowspan, per column
  for (const row of rows) {
    const cells: string[][] = [];
    let col = 0;
    const place = (paragraphs: string[]) => {
      while ((covered[col] ?? 0) > 0) {
        covered[col]!--;
        cells.push([]);
        col++;
      }
      cells.push(paragraphs);
      col++;
    };
    for (const c of row) {
      const start = col;
      place(c.paragraphs);
      for (let k = 1; k < c.colspan; k++) place([]);
      if (c.rowspan > 1) for (let k = start; k < start + c.colspan; k++) covered[k] = c.rowspan - 1;
    }
    // cells still covered at the row's end
    while (col < covered.length && (covered[col] ?? 0) > 0) {
      covered[col]!--;
      cells.push([]);
      col++;
    }
    const filled = cells.filter((p) => p.length > 0);
    // a row merged into one cell ("一、质量安全") stands alone, like the category rows of a copied table
    if (filled.length === 1 && row.length === 1) {
      out.push(filled[0]!.join(''));
      continue;
    }
    // a cell's paragraphs on lines of their own; the row's cells between tabs, a tab at its end
    out.push(`${cells.map((p) => p.join('\n')).join('\t')}\t`);
  }
  return out;
}

/** The text of an HTML document or fragment, one paragraph a line, tables as tab-separated rows. */
export function htmlToText(html: string): string {
  const body = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<![^>]*>|<\?[^>]*\?>/g, '')
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<head\b[\s\S]*?<\/head\s*>/i, (m) => {
      const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(m);
      return title ? `<p>${title[1]}</p>` : '';
    });
  const lines: string[] = [];
  const tables: Table[] = [];
  // numbered lists (a .docx's automatic numbering): their numbers are not in the text, so they are written back
  const lists: { ordered: boolean; n: number }[] = [];
  let text = '';
  const flush = () => {
    const t = decodeEntities(text)
      .replace(/[ \t\r\n]+/g, ' ')
      .replace(/ *\u2028 */g, '\n')
      .trim();
    text = '';
    if (t === '') return;
    const table = tables[tables.length - 1];
    if (table?.cell) table.cell.paragraphs.push(...t.split('\n'));
    else lines.push(...t.split('\n'));
  };
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)/g)) {
    if (m[4] !== undefined) {
      text += m[4];
      continue;
    }
    const closing = m[1] === '/';
    const tag = m[2]!.toLowerCase();
    if (tag === 'br') {
      text += '\u2028';
      continue;
    }
    if (BLOCK.has(tag)) {
      flush();
      if (tag === 'ol' || tag === 'ul') {
        if (closing) lists.pop();
        else lists.push({ ordered: tag === 'ol', n: 0 });
      } else if (tag === 'li' && !closing) {
        const list = lists[lists.length - 1];
        if (list?.ordered) text += lists.filter((l) => l.ordered).length > 1 ? `(${++list.n})` : `${++list.n}.`;
      }
      continue;
    }
    const table = tables[tables.length - 1];
    if (tag === 'table') {
      flush();
      if (!closing) {
        tables.push({ rows: [], row: null, cell: null });
        continue;
      }
      const done = tables.pop();
      if (!done) continue;
      if (done.row) done.rows.push(done.row);
      const rendered = tableLines(done.rows);
      const outer = tables[tables.length - 1];
      // a table inside a cell: its rows become paragraphs of that cell
      if (outer?.cell) outer.cell.paragraphs.push(...rendered.map((r) => r.replace(/\t+/g, ' ').trim()));
      else lines.push('', ...rendered, '');
      continue;
    }
    if (!table) continue;
    if (tag === 'tr') {
      flush();
      if (table.row) table.rows.push(table.row);
      table.row = closing ? null : [];
      table.cell = null;
    } else if (tag === 'td' || tag === 'th') {
      flush();
      if (closing) {
        table.cell = null;
      } else {
        table.row ??= [];
        table.cell = { paragraphs: [], colspan: attr(m[3]!, 'colspan'), rowspan: attr(m[3]!, 'rowspan') };
        table.row.push(table.cell);
      }
    }
  }
  flush();
  while (tables.length > 0) {
    const t = tables.pop()!;
    if (t.row) t.rows.push(t.row);
    lines.push(...tableLines(t.rows));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
