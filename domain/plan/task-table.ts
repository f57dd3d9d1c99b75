/**
 * The task table (任务分解表) a coordinator reviews in a spreadsheet: one row per task. `planToRows` writes it,
 * `rowsToPlan` reads a reviewed copy back and validates every cell, so a cycle is launched from the reviewed table and
 * a mistake is named by row and column before anything starts.
 */
import { isoDate, isRealDate } from '../calendar';
import { parseDeadline } from './deadline';
import { PlanError } from './errors';
import { isCollectiveName } from './responsibility';
import {
  parsedPlanSchema,
  type Deadline,
  type DeadlineKind,
  type ParsedPlan,
  type Phase,
  type ReportingRule,
  type Task,
} from './schema';
import { reportingOfText, targetsOfText } from './task-text';

export const TASK_TABLE_COLUMNS = [
  '序号',
  '编号',
  '任务',
  '任务内容',
  '牵头单位',
  '配合单位',
  '完成时限',
  '时限类型',
  '截止日期',
  '行号',
  '备注',
] as const;
export type TaskTableColumn = (typeof TASK_TABLE_COLUMNS)[number];

/** Other headings a coordinator may have typed for the same column. */
const COLUMN_ALIASES: Record<string, TaskTableColumn> = {
  序号: '序号',
  编号: '编号',
  ref: '编号',
  任务编号: '编号',
  任务: '任务',
  任务名称: '任务',
  title: '任务',
  任务内容: '任务内容',
  内容: '任务内容',
  工作任务: '任务内容',
  text: '任务内容',
  牵头单位: '牵头单位',
  责任单位: '牵头单位',
  lead: '牵头单位',
  配合单位: '配合单位',
  参与单位: '配合单位',
  cooperating: '配合单位',
  完成时限: '完成时限',
  deadline: '完成时限',
  时限类型: '时限类型',
  kind: '时限类型',
  截止日期: '截止日期',
  due: '截止日期',
  完成日期: '截止日期',
  行号: '行号',
  line: '行号',
  备注: '备注',
  说明: '备注',
  notes: '备注',
};

/** Deadline kinds as the table shows them; import accepts these or the English codes. */
export const KIND_LABELS: Record<DeadlineKind, string> = {
  date: '限期',
  recurring: '周期',
  continuous: '持续',
  staged: '阶段',
  default: '默认',
};

/** Units are joined with 、 in one cell, as the documents write lists. */
export const UNIT_SEPARATOR = '、';

/** Header plus one row per task, every cell a string. */
export function planToRows(plan: ParsedPlan): string[][] {
  const rows: string[][] = [[...TASK_TABLE_COLUMNS]];
  plan.tasks.forEach((t, i) => {
    rows.push([
      String(i + 1),
      t.ref,
      t.title,
      t.text,
      t.lead.join(UNIT_SEPARATOR),
      t.cooperating.join(UNIT_SEPARATOR),
      t.deadline.text,
      KIND_LABELS[t.deadline.kind],
      t.deadline.due ?? '',
      String(t.line),
      (t.notes ?? []).join('\n'),
    ]);
  });
  return rows;
}

export interface TableMetadata {
  title?: string;
  docNumber?: string | null;
  issuer?: string | null;
  issuedOn?: string | null;
  planYear?: number;
  phases?: Phase[];
  /** The plan's reporting rules (sheet 报送要求 of a workbook); none when the table carries none (a CSV). */
  reportingRules?: ReportingRule[];
}

interface CellError {
  row: number;
  column: string;
  message: string;
}

/** A spreadsheet date cell → YYYY-MM-DD: 2017-12-31, 2017/12/31, 2017.12.31, 2017年12月31日, or an Excel serial. */
export function readDateCell(s: string): string | null {
  const t = s.trim();
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isRealDate(y, mo, d) ? isoDate(y, mo, d) : null;
  }
  m = /^(\d{5})(?:\.0+)?$/.exec(t);
  if (m) {
    const dt = new Date(Date.UTC(1899, 11, 30) + Number(m[1]) * 86_400_000);
    return isoDate(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
  }
  return null;
}

function readKind(s: string): DeadlineKind | null {
  const t = s.trim();
  for (const [kind, label] of Object.entries(KIND_LABELS) as [DeadlineKind, string][]) {
    if (t === label || t === kind) return kind;
  }
  return null;
}

function splitUnitCell(s: string): string[] {
  return s
    .split(/[、,，;；\n]/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
}

/** The plan year when the table alone must tell it: the year most default deadlines fall in, else most due dates. */
function inferPlanYear(rows: Record<TaskTableColumn, string>[]): number | null {
  const count = new Map<number, number>();
  for (const r of rows) {
    const due = readDateCell(r.截止日期);
    if (!due) continue;
    const y = Number(due.slice(0, 4));
    const kind = readKind(r.时限类型);
    // default and recurring deadlines fall in the plan year itself; dated ones may run years beyond it
    const weight = kind === 'default' || kind === 'recurring' ? 100 : 1;
    count.set(y, (count.get(y) ?? 0) + weight);
  }
  if (count.size === 0) {
    for (const r of rows) {
      const m = /((?:19|20)\d{2})\s*年/.exec(r.完成时限);
      if (m) count.set(Number(m[1]), (count.get(Number(m[1])) ?? 0) + 1);
    }
  }
  let best: number | null = null;
  let n = 0;
  for (const [y, c] of count) {
    if (c > n || (c === n && best !== null && y < best)) {
      best = y;
      n = c;
    }
  }
  return best;
}

/**
 * Read a reviewed table (header row first) back into a plan. Every bad cell is reported, each naming its row (as the
 * spreadsheet numbers it), its column and the fix; nothing is launched from a table with errors.
 */
export function rowsToPlan(table: string[][], meta: TableMetadata = {}): ParsedPlan {
  const errors: CellError[] = [];
  const header = table[0];
  if (!header || header.every((h) => h.trim() === '')) {
    throw new PlanError('INVALID_TABLE', `表格是空的：第一行应为表头（${TASK_TABLE_COLUMNS.join('、')}）`);
  }
  const columns: (TaskTableColumn | null)[] = header.map((h, i) => {
    const name = h.trim();
    if (name === '') return null;
    const col = COLUMN_ALIASES[name] ?? null;
    if (col === null) {
      errors.push({
        row: 1,
        column: name,
        message: `未知的列名（第 ${i + 1} 列），请改为 ${TASK_TABLE_COLUMNS.join('/')} 之一，或删除该列`,
      });
    }
    return col;
  });
  for (const required of ['编号', '牵头单位'] as const) {
    if (!columns.includes(required)) {
      errors.push({ row: 1, column: required, message: '表头缺少这一列，请补上' });
    }
  }
  if (!columns.includes('任务') && !columns.includes('任务内容')) {
    errors.push({ row: 1, column: '任务', message: '表头既没有“任务”列，也没有“任务内容”列，请至少补上其中一列' });
  }
  if (errors.length > 0) throw tableError(errors);

  const records: { row: number; r: Record<TaskTableColumn, string> }[] = [];
  table.slice(1).forEach((cells, k) => {
    if (cells.every((c) => c.trim() === '')) return;
    const r = Object.fromEntries(TASK_TABLE_COLUMNS.map((c) => [c, ''])) as Record<TaskTableColumn, string>;
    columns.forEach((col, i) => {
      if (col !== null) r[col] = cells[i] ?? '';
    });
    records.push({ row: k + 2, r });
  });
  if (records.length === 0) throw new PlanError('INVALID_TABLE', '表格只有表头，没有任务行：请至少填写一项任务');

  const planYear = meta.planYear ?? inferPlanYear(records.map((x) => x.r));
  if (planYear === null) {
    throw new PlanError('INVALID_TABLE', '无法从表格确定计划年度：请填写截止日期，或用 --plan-year YYYY 指定');
  }
  const tasks: Task[] = [];
  const refs = new Map<string, number>();
  for (const { row, r } of records) {
    const task = readRow(row, r, planYear, errors);
    if (!task) continue;
    const first = refs.get(task.ref);
    if (first !== undefined) {
      errors.push({
        row,
        column: '编号',
        message: `编号 ${task.ref} 已在第 ${first} 行用过，请给每项任务各自的编号`,
      });
      continue;
    }
    refs.set(task.ref, row);
    tasks.push(task);
  }
  if (errors.length > 0) throw tableError(errors);

  const names: string[] = [];
  for (const t of tasks) for (const u of [...t.lead, ...t.cooperating]) if (!names.includes(u)) names.push(u);
  const plan: ParsedPlan = {
    title: meta.title ?? '',
    docNumber: meta.docNumber ?? null,
    issuer: meta.issuer ?? null,
    issuedOn: meta.issuedOn ?? null,
    planYear,
    units: names.map((name) => ({ name, aliases: [], collective: isCollectiveName(name) })),
    reportingRules: meta.reportingRules ?? [],
    phases: meta.phases ?? [],
    tasks,
    indicators: [],
    warnings: [],
  };
  return parsedPlanSchema.parse(plan);
}

function readRow(row: number, r: Record<TaskTableColumn, string>, planYear: number, errors: CellError[]): Task | null {
  const before = errors.length;
  const ref = r.编号.trim();
  if (ref === '')
    errors.push({ row, column: '编号', message: '为空，请给每项任务填写编号，如 一.(一) 或 五.(二).29.(1)' });
  const text = r.任务内容.replace(/\r\n?/g, '\n').trim();
  const title = r.任务.trim() || text.split(/[。\n]/)[0]!.trim();
  if (title === '' && text === '') errors.push({ row, column: '任务', message: '为空，请写明任务是什么' });
  const lead = splitUnitCell(r.牵头单位);
  const cooperating = splitUnitCell(r.配合单位).filter((u) => !lead.includes(u));
  if (lead.length === 0) {
    errors.push({ row, column: '牵头单位', message: '没有牵头单位，请至少填写一个（多个单位用“、”分隔）' });
  }
  const deadline = readDeadline(row, r, planYear, errors);
  let line = 0;
  if (r.行号.trim() !== '') {
    line = Number(r.行号.trim());
    if (!Number.isInteger(line) || line < 0) {
      errors.push({
        row,
        column: '行号',
        message: `“${r.行号}”不是行号，请填写整数，或留空`,
      });
    }
  }
  if (errors.length > before || deadline === null) return null;
  const task: Task = {
    ref,
    title,
    text: text || title,
    line,
    lead,
    cooperating,
    deadline,
    targets: targetsOfText(text || title),
  };
  const notes = r.备注
    .split(/\r?\n/)
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (notes.length > 0) task.notes = notes;
  const reporting = reportingOfText(text || title, line, planYear, deadline.due);
  if (reporting) task.reporting = reporting;
  return task;
}

function readDeadline(
  row: number,
  r: Record<TaskTableColumn, string>,
  planYear: number,
  errors: CellError[],
): Deadline | null {
  const text = r.完成时限.trim();
  const kindCell = r.时限类型.trim();
  const dueCell = r.截止日期.trim();
  const derived = parseDeadline(text, planYear);
  let kind: DeadlineKind | null =
    kindCell === '' ? (derived?.kind ?? (dueCell ? 'date' : 'default')) : readKind(kindCell);
  if (kind === null) {
    errors.push({
      row,
      column: '时限类型',
      message: `“${kindCell}”不是时限类型，请填写 ${Object.values(KIND_LABELS).join('/')} 之一`,
    });
    kind = 'date';
  }
  let due: string | null = null;
  if (dueCell !== '') {
    due = readDateCell(dueCell);
    if (due === null) {
      errors.push({
        row,
        column: '截止日期',
        message: `“${dueCell}”不是有效日期，请写作 YYYY-MM-DD，如 ${planYear}-12-31`,
      });
      return null;
    }
  } else if (kind !== 'continuous') {
    due = derived?.due ?? (kind === 'default' ? isoDate(planYear, 12, 31) : null);
    if (due === null) {
      errors.push({
        row,
        column: '截止日期',
        message: `为空，完成时限“${text}”中也没有日期，请按 YYYY-MM-DD 填写截止日期，或把时限类型改为“持续”`,
      });
      return null;
    }
  }
  const d: Deadline = { text, kind, due };
  if (derived && derived.kind === kind) {
    if (derived.every !== undefined) d.every = derived.every;
    if (derived.milestones !== undefined) d.milestones = derived.milestones;
    if (derived.stage !== undefined) d.stage = derived.stage;
  } else if (kind === 'continuous') {
    d.every = 'quarter';
  }
  return d;
}

function tableError(errors: CellError[]): PlanError {
  const shown = errors.slice(0, 30).map((e) => `  第 ${e.row} 行“${e.column}”列：${e.message}`);
  const more = errors.length > 30 ? [`  ……另有 ${errors.length - 30} 处`] : [];
  return new PlanError(
    'INVALID_TABLE',
    `任务分解表有 ${errors.length} 处错误，请改正后重新导入：\n${[...shown, ...more].join('\n')}`,
  );
}
