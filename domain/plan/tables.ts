/**
 * Tables flattened by copying from a web page or a .doc: one cell per line. Two kinds occur in this family — the
 * plan's indicator table (序号/指标/单位/目标值) and the attachment task table (序号/工作任务/责任单位/配合单位/完成时限).
 * Regions are found first so their cells ("一、", "二、质量发展") are not mistaken for headings.
 */
import { isAttachmentList, isEndMatter } from './end-matter';
import { readMarker } from './numbering';
import type { SourceLine } from './normalize';
import type { Indicator } from './schema';

export type ColumnRole =
  'seq' | 'text' | 'lead' | 'cooperating' | 'deadline' | 'unit' | 'value' | 'indicator' | 'other';

export interface TableRegion {
  kind: 'indicator' | 'task';
  /** Index (into the line array) of the first header cell, and one past the last cell. */
  start: number;
  end: number;
  columns: ColumnRole[];
  /** Index of the first data cell. */
  dataStart: number;
}

const HEADER_WORD =
  /^(序号|编号|指标|指标名称|具体指标|主要指标|单位|计量单位|目标值|指标值|目标|预期目标|\d{4}年目标值?|工作任务|主要任务|重点任务|具体任务|任务|任务内容|工作内容|工作措施|主要措施|具体措施|重点工作|责任单位|牵头单位|主要责任单位|负责单位|牵头部门|责任部门|配合单位|参与单位|协办单位|配合部门|完成时限|完成时间|时间要求|时限要求|进度安排|时限|备注|类别|领域|分类|属性|指标属性)$/;

function roleOf(header: string): ColumnRole {
  if (/序号|编号/.test(header)) return 'seq';
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

/** Find flattened tables: a run of header cells starting with 序号, then cells until the table ends. */
export function findTableRegions(lines: SourceLine[]): TableRegion[] {
  const regions: TableRegion[] = [];
  let lastTopNumber = 0;
  for (let i = 0; i < lines.length; i++) {
    const c = cell(lines[i]!);
    const mk = readMarker(lines[i]!.norm);
    if (mk?.kind === 'cn' && mk.n !== null && c.length > 3) lastTopNumber = mk.n;
    if (c !== '序号') continue;
    const headers: string[] = ['序号'];
    let j = i + 1;
    for (; j < lines.length && j < i + 16; j++) {
      const h = cell(lines[j]!);
      if (h === '') continue;
      if (!HEADER_WORD.test(h)) break;
      headers.push(h);
    }
    if (headers.length < 2) continue;
    const columns = headers.map(roleOf);
    const kind =
      columns.includes('text') && (columns.includes('lead') || columns.includes('cooperating')) ? 'task' : 'indicator';
    let end = j;
    for (; end < lines.length; end++) {
      const l = lines[end]!;
      const t = cell(l);
      if (t === '') continue;
      const m = readMarker(l.norm);
      // the next top-level heading of the body ends an indicator table; a task table's own "二、…" rows do not
      if (kind === 'indicator' && m?.kind === 'cn' && m.n === lastTopNumber + 1 && t.length > 3 && lastTopNumber > 0)
        break;
      if (kind === 'indicator' && (/^注[:：]?/.test(t) || t.includes('。'))) {
        if (/^注/.test(t)) end++;
        break;
      }
      if (kind === 'task' && /^(附件\d*[:：]?$|扫描二维码|扫一扫|打印|关闭窗口|【|分享到)/.test(t)) break;
      if (isEndMatter(l.norm) || isAttachmentList(l.norm)) break;
    }
    regions.push({ kind, start: i, end, columns, dataStart: j });
    i = end - 1;
  }
  return regions;
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
  const text = (k: number) => (cells[k] ? cell(cells[k]!) : '');
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
  line: number;
  lines: SourceLine[];
}

const DEADLINE_CELL =
  /(\d{4}|[〇一二三四五六七八九十]{4})\s*年|\d{1,2}\s*月|每(年|季|月|半年)|年底|年内|持续|长期|常态/;

/** Rows of a flattened task table (任务分解表). Empty cells vanish in flattening, so cells are assigned by shape. */
export function parseTaskTable(lines: SourceLine[], region: TableRegion): TaskTableRow[] {
  const cells = lines.slice(region.dataStart, region.end).filter((l) => cell(l) !== '');
  const columns = region.columns.filter((c) => c !== 'seq');
  const rows: TaskTableRow[] = [];
  let lastSeq = 0;
  let categoryLabel: string | null = null;
  let current: { seq: number; cells: SourceLine[]; label: string | null; line: number } | null = null;
  const flush = () => {
    if (current) rows.push(assign(current.seq, current.label, current.cells, columns, current.line));
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

function assign(
  seq: number,
  label: string | null,
  cells: SourceLine[],
  columns: ColumnRole[],
  line: number,
): TaskTableRow {
  const texts = cells.map((l) => l.text.trim());
  const row: TaskTableRow = {
    seq,
    categoryLabel: label,
    text: '',
    lead: '',
    cooperating: '',
    deadline: '',
    line,
    lines: cells,
  };
  if (texts.length === columns.length) {
    columns.forEach((role, i) => put(row, role, texts[i]!));
    return row;
  }
  const rest = [...texts];
  if (columns.includes('deadline') && rest.length > 1 && DEADLINE_CELL.test(rest[rest.length - 1]!)) {
    row.deadline = rest.pop()!;
  }
  const unitColumns = columns.filter((c) => c === 'lead' || c === 'cooperating').length;
  const units = rest.length > 1 ? rest.splice(Math.max(1, rest.length - unitColumns), unitColumns) : [];
  row.text = rest.join('\n');
  if (units[0] !== undefined) row.lead = units[0];
  if (units[1] !== undefined) row.cooperating = units[1];
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
