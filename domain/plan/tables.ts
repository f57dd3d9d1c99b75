/**
 * Tables flattened by copying from a web page or a .doc: one cell per line. Two kinds occur in this family — the
 * plan's indicator table (序号/指标/单位/目标值) and the attachment task table (序号/工作任务/责任单位/配合单位/完成时限).
 * Regions are found first so their cells ("一、", "二、质量发展") are not mistaken for headings.
 */
import { isAttachmentList, isEndMatter } from './end-matter';
import { topLevelNumber } from './numbering';
import { fold, type SourceLine } from './normalize';
import type { Indicator } from './schema';

export type ColumnRole =
  'seq' | 'text' | 'lead' | 'cooperating' | 'deadline' | 'note' | 'unit' | 'value' | 'indicator' | 'other';

export interface TableRegion {
  kind: 'indicator' | 'task';
  /** Index (into the line array) of the first header cell, and one past the last cell. */
  start: number;
  end: number;
  columns: ColumnRole[];
  /** Index of the first data cell. */
  dataStart: number;
  /**
   * Empty cells are kept as empty lines: the header cells stand on consecutive lines, so a blank line among the data
   * is a cell with nothing in it, not a gap between cells.
   */
  blankCells: boolean;
  /** A table whose rows are tab-separated lines (a Word table as text): its rows, cells in the header's columns. */
  rows?: TableRow[];
}

export interface TableRow {
  /** The row's first line. */
  line: SourceLine;
  /** Its lines: a cell of several paragraphs breaks a row over lines. */
  lines: SourceLine[];
  /** Cells as written; a cell's paragraphs are joined with "\n". */
  cells: string[];
}

const HEADER_WORD =
  /^(序号|编号|指标|指标名称|具体指标|主要指标|单位|计量单位|目标值|指标值|目标|预期目标|\d{4}年目标值?|工作任务|主要任务|重点任务|具体任务|任务|任务内容|工作内容|工作措施|主要措施|具体措施|重点工作|责任单位|牵头单位|主要责任单位|负责单位|牵头部门|责任部门|配合单位|参与单位|协办单位|配合部门|完成时限|完成时间|时间要求|时限要求|进度安排|时限|备注|说明|类别|领域|分类|属性|指标属性)$/;

function roleOf(header: string): ColumnRole {
  if (/序号|编号/.test(header)) return 'seq';
  if (/^(备注|说明)$/.test(header)) return 'note';
  if (/配合|参与|协办|协助/.test(header)) return 'cooperating';
  if (/牵头|责任|负责|主责/.test(header)) return 'lead';
  if (/时限|时间|期限|进度/.test(header)) return 'deadline';
  if (/任务|内容|措施|重点工作/.test(header)) return 'text';
  if (/^(单位|计量单位)$/.test(header)) return 'unit';
  if (/目标|指标值/.test(header)) return 'value';
  if (/指标/.test(header)) return 'indicator';
  return 'other';
}

const cell = (l: SourceLine) => l.norm.replace(/\s+/g, '');
/* A line whose cell is 序号: where a flattened table starts. */
const SEQ_CELL = /^\s*序\s*号\s*$/;

/** Find flattened tables: a run of header cells starting with 序号, then cells until the table ends. */
export function findTableRegions(lines: SourceLine[]): TableRegion[] {
  const regions: TableRegion[] = [];
  let lastTopNumber = 0;
  for (let i = 0; i < lines.length; i++) {
    const tabbed = lines[i]!.cells ? readTabbedTable(lines, i) : null;
    if (tabbed) {
      regions.push(tabbed);
      i = tabbed.end - 1;
      continue;
    }
    // every line is looked at, so only with the two cheap questions: a top-level heading? a 序号 cell?
    const top = topLevelNumber(lines[i]!.norm);
    if (top !== null && cell(lines[i]!).length > 3) lastTopNumber = top;
    if (!SEQ_CELL.test(lines[i]!.norm)) continue;
    const headers: string[] = ['序号'];
    let j = i + 1;
    for (; j < lines.length && j < i + 16; j++) {
      const h = cell(lines[j]!);
      if (h === '') continue;
      if (!HEADER_WORD.test(h)) break;
      headers.push(h);
    }
    // the blank lines just before the first data cell belong to no header
    let lastHeader = j - 1;
    while (lastHeader > i && cell(lines[lastHeader]!) === '') lastHeader--;
    const gaps = lines.slice(i, lastHeader + 1).some((l) => cell(l) === '');
    if (headers.length < 2) continue;
    const columns = headers.map(roleOf);
    const kind =
      columns.includes('text') && (columns.includes('lead') || columns.includes('cooperating')) ? 'task' : 'indicator';
    let end = j;
    for (; end < lines.length; end++) {
      const l = lines[end]!;
      const t = cell(l);
      if (t === '') continue;
      // the next top-level heading of the body ends an indicator table; a task table's own "二、…" rows do not
      if (kind === 'indicator' && lastTopNumber > 0 && t.length > 3 && topLevelNumber(l.norm) === lastTopNumber + 1)
        break;
      if (kind === 'indicator' && (/^注[:：]?/.test(t) || t.includes('。'))) {
        if (/^注/.test(t)) end++;
        break;
      }
      if (kind === 'task' && /^(附件\d*[:：]?$|扫描二维码|扫一扫|打印|关闭窗口|【|分享到)/.test(t)) break;
      if (isEndMatter(l.norm) || isAttachmentList(l.norm)) break;
    }
    regions.push({ kind, start: i, end, columns, dataStart: lastHeader + 1, blankCells: !gaps });
    i = end - 1;
  }
  return regions;
}

const squeeze = (s: string) => fold(s).replace(/\s+/g, '');
const CATEGORY_CELL = /^([一二三四五六七八九十]+)、/;

/**
 * A task table written as tab-separated rows, the way a Word table reads as text (and what the reader makes of .docx,
 * .doc and PDF tables): a header row of header words, then rows. A row ends with a tab (Word's row mark) or when it
 * has as many cells as the header; a cell of several paragraphs continues the row on the next line. A merged
 * category row ("一、质量安全") may stand alone. The table ends at the first line that is neither.
 */
function readTabbedTable(lines: SourceLine[], i: number): TableRegion | null {
  const header = lines[i]!.cells!.map(squeeze);
  const named = header.filter((h) => h !== '');
  if (named.length < 2 || !named.every((h) => HEADER_WORD.test(h))) return null;
  const columns = header.map((h) => (h === '' ? 'other' : roleOf(h)));
  if (!columns.includes('text') || !(columns.includes('lead') || columns.includes('cooperating'))) return null;
  const width = header.length;
  const rows: TableRow[] = [];
  let open: TableRow | null = null;
  let j = i + 1;
  for (; j < lines.length; j++) {
    const l = lines[j]!;
    if (l.norm === '') continue;
    if (isEndMatter(l.norm) || isAttachmentList(l.norm)) break;
    if (!l.cells) {
      if (open) {
        // a further paragraph of the row's last cell
        open.cells[open.cells.length - 1] += `\n${l.text}`;
        open.lines.push(l);
        continue;
      }
      const next = lines.slice(j + 1).find((n) => n.norm !== '');
      // a merged category row ("一、质量安全") heads further rows; a heading followed by prose ends the table
      if (CATEGORY_CELL.test(l.norm) && l.norm.length <= 40 && !l.norm.includes('。') && next?.cells) {
        rows.push({ line: l, lines: [l], cells: [l.text] });
        continue;
      }
      // the first paragraph of a row whose first cell has several
      if (next?.cells && next === lines[j + 1]) {
        open = { line: l, lines: [l], cells: [l.text] };
        continue;
      }
      break;
    }
    if (open) {
      open.cells[open.cells.length - 1] += `\n${l.cells[0]}`;
      open.cells.push(...l.cells.slice(1));
      open.lines.push(l);
    } else {
      open = { line: l, lines: [l], cells: [...l.cells] };
    }
    if (l.rowEnd || open.cells.length >= width) {
      rows.push(open);
      open = null;
    }
  }
  if (open) rows.push(open);
  const kind = 'task';
  return { kind, start: i, end: j, columns, dataStart: i + 1, blankCells: true, rows };
}

/** Rows of a tab-separated task table: every cell in its header's column. */
function tabbedTaskRows(region: TableRegion): TaskTableRow[] {
  const out: TaskTableRow[] = [];
  let lastSeq = 0;
  let categoryLabel: string | null = null;
  const seqAt = region.columns.indexOf('seq');
  for (const r of region.rows ?? []) {
    const filled = r.cells.filter((c) => c !== '');
    const mk = filled.length === 1 ? CATEGORY_CELL.exec(squeeze(filled[0]!)) : null;
    if (mk && r.cells.findIndex((c) => c !== '') <= Math.max(0, seqAt)) {
      categoryLabel = mk[1]!;
      continue;
    }
    if (filled.length === 0) continue;
    const written = seqAt >= 0 ? squeeze(r.cells[seqAt] ?? '') : '';
    const seq = /^\d{1,3}$/.test(written) ? Number(written) : lastSeq + 1;
    lastSeq = seq;
    const row: TaskTableRow = {
      seq,
      categoryLabel,
      text: '',
      lead: '',
      cooperating: '',
      deadline: '',
      note: '',
      line: r.line.no,
      lines: r.lines,
    };
    r.cells.forEach((value, k) => {
      const role = region.columns[k] ?? 'text';
      const v = value.trim();
      if (v === '') return;
      // a cell listing units (or dates) one per paragraph is one list
      put(row, role, role === 'text' || role === 'note' ? v : v.split(/\s*\n\s*/).join('、'));
    });
    out.push(row);
  }
  return out;
}

const isNumber = (s: string) => /^\d{1,3}$/.test(s);
const UNIT_CELL =
  /^(%|‰|\/|-|—|个|项|家|天|次|人|所|座|亿元|万元|元|批次|台|户|倍|年|小时|万亩|亩|吨|万吨|[A-Za-zμ/\d.]{1,8})$/;

/** Rows of a flattened indicator table (具体指标), category cells carried down. */
export function parseIndicatorTable(lines: SourceLine[], region: TableRegion): Indicator[] {
  const cells = lines.slice(region.dataStart, region.end).filter((l) => cell(l) !== '' && !/^注[:：]/.test(cell(l)));
  const out: Indicator[] = [];
  let lastSeq = 0;
  let pendingSeq: number | null = null;
  let major = '';
  let minor = '';
  let minorFresh = false;
  let row: Indicator | null = null;
  let state: 'between' | 'name' | 'unit' | 'value' = 'between';
  let fragments = 0;
  const texts = cells.map(cell); // each cell's text is asked for again and again below: squeezed once
  const text = (k: number) => texts[k] ?? '';
  const isNextSeq = (k: number) => isNumber(text(k)) && Number(text(k)) === lastSeq + 1;
  const looksCategory = (k: number) => {
    const c = text(k);
    if (isNumber(c) || c.length > 8 || c === '') return false;
    return isNextSeq(k + 1) || (!isNumber(text(k + 1)) && text(k + 1).length <= 8 && isNextSeq(k + 2));
  };
  const close = () => {
    if (row) out.push(row);
    row = null;
    state = 'between';
  };
  const category = () => [major, minor].filter((s) => s !== '').join('/');
  for (let k = 0; k < cells.length; k++) {
    const c = text(k);
    const l = cells[k]!;
    const mk = /^([一二三四五六七八九十]+)、(.*)$/.exec(c);
    if (mk) {
      close();
      major = mk[2]!;
      minor = '';
      minorFresh = false;
      continue;
    }
    if (isNextSeq(k) && (state === 'between' || state === 'value')) {
      close();
      lastSeq++;
      pendingSeq = lastSeq;
      minorFresh = false;
      continue;
    }
    if (state === 'value' && row !== null) {
      const r: Indicator = row;
      const short = (s: string) => s.length <= 3 && !/\d/.test(s);
      if (fragments === 0 && short(r.value) && short(c)) {
        r.value += c;
        fragments++;
        continue;
      }
      if (looksCategory(k)) {
        close();
      } else {
        close();
        row = { seq: lastSeq || null, category: category(), indicator: clean(c), unit: '', value: '', line: l.no };
        state = 'name';
        continue;
      }
    }
    if (state === 'between') {
      if (pendingSeq === null && looksCategory(k)) {
        minor = minorFresh ? minor + c : c;
        minorFresh = true;
        continue;
      }
      row = {
        seq: pendingSeq ?? (lastSeq || null),
        category: category(),
        indicator: clean(c),
        unit: '',
        value: '',
        line: l.no,
      };
      pendingSeq = null;
      minorFresh = false;
      state = 'name';
      continue;
    }
    if (row === null) continue;
    const r: Indicator = row;
    if (state === 'name' && UNIT_CELL.test(c) && !/^[\d.]+$/.test(c)) {
      r.unit = c === '/' || c === '-' || c === '—' ? '' : c;
      state = 'unit';
      continue;
    }
    r.value = c;
    fragments = 0;
    state = 'value';
  }
  close();
  return out;
}

function clean(name: string): string {
  return name.replace(/[*＊▲◇△◆]+/g, '').trim();
}

export interface TaskTableRow {
  seq: number;
  /** "一" when the row sits under a "一、…" category cell. */
  categoryLabel: string | null;
  text: string;
  lead: string;
  cooperating: string;
  deadline: string;
  /** The row's 备注 cell. */
  note: string;
  line: number;
  lines: SourceLine[];
}

const DEADLINE_CELL =
  /(\d{4}|[〇一二三四五六七八九十]{4})\s*年|\d{1,2}\s*月|每(年|季|月|半年)|年底|年内|持续|长期|常态/;

/**
 * Rows of a flattened task table (任务分解表). The header row fixes the columns; each row's cells are fitted to them
 * by shape (a list of units, a deadline, free text), so a row without 配合单位 or 完成时限, or with a task cell broken
 * over several lines, keeps every cell in its column. When the copy keeps empty cells as blank lines, they count.
 */
export function parseTaskTable(lines: SourceLine[], region: TableRegion): TaskTableRow[] {
  if (region.rows) return tabbedTaskRows(region);
  let last = region.end;
  while (last > region.dataStart && cell(lines[last - 1]!) === '') last--;
  const all = lines.slice(region.dataStart, last);
  const cells = region.blankCells ? all : all.filter((l) => cell(l) !== '');
  const columns = region.columns.filter((c) => c !== 'seq');
  const rows: TaskTableRow[] = [];
  let lastSeq = 0;
  let categoryLabel: string | null = null;
  let current: { seq: number; cells: SourceLine[]; label: string | null; line: number } | null = null;
  const flush = () => {
    if (current) rows.push(assign(current.seq, current.label, current.cells, columns, region.blankCells, current.line));
    current = null;
  };
  for (const l of cells) {
    const c = cell(l);
    const mk = /^([一二三四五六七八九十]+)、/.exec(c);
    if (mk && c.length <= 40 && !c.includes('。')) {
      flush();
      categoryLabel = mk[1]!;
      continue;
    }
    if (isNumber(c) && Number(c) === lastSeq + 1) {
      flush();
      lastSeq++;
      current = { seq: lastSeq, cells: [], label: categoryLabel, line: l.no };
      continue;
    }
    current?.cells.push(l);
  }
  flush();
  return rows;
}

type Shape = 'empty' | 'units' | 'deadline' | 'text';

const UNIT_END =
  /(局|委|厅|办|部|府|院|会|室|中心|政府|公司|集团|团|联|社|行|所|站|队|处|科|组|署|馆|协|总局|单位|部门|机构|街道|乡镇)$/;

/** What a cell looks like: nothing, a list of units, a deadline, or the task's words. */
function shapeOf(value: string): Shape {
  const v = value.replace(/\s+/g, '');
  if (v === '' || /^[/／\-—－无]$/.test(v)) return 'empty';
  if (v.length <= 30 && !/[。;；]/.test(v) && DEADLINE_CELL.test(v)) return 'deadline';
  const parts = v.split(/[、,，;；]/).filter((p) => p !== '');
  if (
    v.length <= 120 &&
    !/[。]/.test(v) &&
    parts.length > 0 &&
    parts.every((p) => p.length <= 30 && (UNIT_END.test(p.replace(/[(（][^)）]*[)）]$/, '')) || /^各/.test(p)))
  ) {
    return 'units';
  }
  return 'text';
}

/* What fitting a cell of a shape into a column costs; a text or note column may take several cells. */
const FIT: Record<'text' | 'units' | 'deadline' | 'note', Record<Shape, number>> = {
  text: { text: 0, units: 3, deadline: 3, empty: 2 },
  units: { units: 0, empty: 0, text: 4, deadline: 4 },
  deadline: { deadline: 0, empty: 0, text: 3, units: 5 },
  note: { empty: 0, text: 1, units: 1, deadline: 1 },
};

function fitOf(role: ColumnRole): keyof typeof FIT {
  if (role === 'text') return 'text';
  if (role === 'lead' || role === 'cooperating') return 'units';
  if (role === 'deadline') return 'deadline';
  return 'note';
}

/* A column left without a cell: its cell was empty and vanished in copying. A task without words is the worst. */
function skipCost(role: ColumnRole, blankCells: boolean): number {
  const base = role === 'text' ? 6 : role === 'lead' ? 1.5 : role === 'cooperating' || role === 'deadline' ? 1 : 0.5;
  return blankCells ? base + 2 : base;
}

/** Fit one row's cells to the header's columns in order, at the least cost (each cell goes to exactly one column). */
function fitCells(shapes: Shape[], columns: ColumnRole[], blankCells: boolean): number[][] {
  const n = shapes.length;
  const m = columns.length;
  const cost: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  // cells the column before this stage took, or -1: the empty cell before was passed over as a gap
  const take: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  cost[0]![0] = 0;
  for (let i = 0; i <= m; i++) {
    const role = columns[i];
    for (let j = 0; j <= n; j++) {
      const here = cost[i]![j]!;
      if (here === Infinity) continue;
      // an empty cell may also be a gap between cells rather than a cell: pass over it
      if (j < n && shapes[j] === 'empty' && here + 0.75 < cost[i]![j + 1]!) {
        cost[i]![j + 1] = here + 0.75;
        take[i]![j + 1] = -1;
      }
      if (role === undefined) continue;
      const fit = FIT[fitOf(role)];
      const multi = role === 'text' || fitOf(role) === 'note';
      const maxTake = multi ? n - j : Math.min(1, n - j);
      let sum = 0;
      for (let k = 0; k <= maxTake; k++) {
        if (k > 0) sum += fit[shapes[j + k - 1]!];
        const c = here + (k === 0 ? skipCost(role, blankCells) : sum + (k - 1) * 0.25);
        if (c < cost[i + 1]![j + k]!) {
          cost[i + 1]![j + k] = c;
          take[i + 1]![j + k] = k;
        }
      }
    }
  }
  // no fit (no column takes several cells): everything to the first column, nothing lost
  if (cost[m]![n] === Infinity) return columns.map((_, i) => (i === 0 ? shapes.map((_s, k) => k) : []));
  const out: number[][] = [];
  let j = n;
  for (let i = m; i > 0; i--) {
    while (take[i]![j] === -1) j--;
    const k = take[i]![j]!;
    out.unshift(Array.from({ length: k }, (_, x) => j - k + x));
    j -= k;
  }
  return out;
}

function assign(
  seq: number,
  label: string | null,
  cells: SourceLine[],
  columns: ColumnRole[],
  blankCells: boolean,
  line: number,
): TaskTableRow {
  const row: TaskTableRow = {
    seq,
    categoryLabel: label,
    text: '',
    lead: '',
    cooperating: '',
    deadline: '',
    note: '',
    line,
    lines: cells.filter((l) => cell(l) !== ''),
  };
  // blank lines past the header's width are gaps between rows, not cells
  let kept = cells;
  while (kept.length > columns.length && kept.length > 0 && cell(kept[kept.length - 1]!) === '')
    kept = kept.slice(0, -1);
  const texts = kept.map((l) => l.text.trim());
  const plan = fitCells(
    texts.map((t) => shapeOf(t)),
    columns,
    blankCells,
  );
  plan.forEach((indexes, i) => {
    for (const k of indexes) if (texts[k] !== '') put(row, columns[i]!, texts[k]!);
  });
  return row;
}

function put(row: TaskTableRow, role: ColumnRole, value: string): void {
  switch (role) {
    case 'text':
      row.text = row.text ? `${row.text}\n${value}` : value;
      return;
    case 'lead':
      row.lead = value;
      return;
    case 'cooperating':
      row.cooperating = value;
      return;
    case 'deadline':
      row.deadline = value;
      return;
    case 'note':
      row.note = row.note ? `${row.note}\n${value}` : value;
      return;
    case 'seq':
    case 'unit':
    case 'value':
    case 'indicator':
    case 'other':
      return;
    default: {
      const never: never = role;
      return never;
    }
  }
}
