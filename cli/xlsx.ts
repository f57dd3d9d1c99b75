/**
 * XLSX for the task table, through exceljs: sheet 任务分解表 holds the rows, sheet 计划信息 the plan's metadata so an
 * imported workbook keeps its title, 文号 and plan year, sheet 报送要求 the plan's reporting rules (a header alone when
 * it states none, so a coordinator sees where to add one), and sheet 实施步骤 the plan's phases when it names any.
 */
import ExcelJS from 'exceljs';
import {
  REPORTING_COLUMNS,
  REPORTING_SHEET,
  TASK_TABLE_COLUMNS,
  readDateCell,
  reportingRulesToRows,
  rowsToReportingRules,
  type ParsedPlan,
  type Phase,
  type TableMetadata,
} from '../domain/plan';

export const TASK_SHEET = '任务分解表';
export const META_SHEET = '计划信息';
export const PHASE_SHEET = '实施步骤';
const PHASE_COLUMNS = ['阶段', '开始日期', '结束日期', '内容', '行号'] as const;

const WIDTHS: Record<string, number> = {
  序号: 6,
  编号: 16,
  任务: 30,
  任务内容: 60,
  牵头单位: 28,
  配合单位: 28,
  完成时限: 18,
  时限类型: 9,
  截止日期: 12,
  行号: 7,
  备注: 30,
};

const RULE_WIDTHS: Record<string, number> = { 报送日期: 36, 接收单位: 28, 原文: 60 };

/** The task table and metadata as an .xlsx file. */
export async function writeXlsx(rows: string[][], plan: ParsedPlan): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'duban';
  const ws = wb.addWorksheet(TASK_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = (rows[0] ?? []).map((h) => ({ header: h, key: h, width: WIDTHS[h] ?? 14 }));
  for (const r of rows.slice(1)) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.eachRow((row, n) => {
    if (n > 1) row.alignment = { vertical: 'top', wrapText: true };
  });
  const meta = wb.addWorksheet(META_SHEET);
  meta.columns = [
    { header: '字段', key: 'k', width: 12 },
    { header: '值', key: 'v', width: 60 },
  ];
  meta.addRows([
    ['标题', plan.title],
    ['文号', plan.docNumber ?? ''],
    ['发文机关', plan.issuer ?? ''],
    ['成文日期', plan.issuedOn ?? ''],
    ['计划年度', String(plan.planYear)],
  ]);
  meta.getRow(1).font = { bold: true };
  const rules = wb.addWorksheet(REPORTING_SHEET);
  const [header, ...ruleRows] = reportingRulesToRows(plan.reportingRules);
  rules.columns = header!.map((h) => ({ header: h, key: h, width: RULE_WIDTHS[h] ?? 10 }));
  for (const r of ruleRows) rules.addRow(r);
  rules.getRow(1).font = { bold: true };
  if (plan.phases.length > 0) {
    const ps = wb.addWorksheet(PHASE_SHEET);
    ps.columns = PHASE_COLUMNS.map((h) => ({ header: h, key: h, width: h === '内容' ? 60 : h === '阶段' ? 20 : 12 }));
    for (const ph of plan.phases) ps.addRow([ph.name, ph.start ?? '', ph.end ?? '', ph.text, String(ph.line)]);
    ps.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Any exceljs cell value as the text a person sees (dates as YYYY-MM-DD). */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

export interface XlsxTable {
  rows: string[][];
  meta: TableMetadata;
}

/** Read the task table (sheet 任务分解表, else the first sheet) and the metadata sheet when present. */
export async function readXlsx(bytes: Uint8Array): Promise<XlsxTable> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(TASK_SHEET) ?? wb.worksheets[0];
  if (!ws) return { rows: [], meta: {} };
  const rows = sheetRows(ws, TASK_TABLE_COLUMNS.length);
  const meta: TableMetadata = {};
  const ms = wb.getWorksheet(META_SHEET);
  ms?.eachRow((row, n) => {
    if (n === 1) return;
    const k = cellText(row.getCell(1).value).trim();
    const v = cellText(row.getCell(2).value).trim();
    if (k === '标题') meta.title = v;
    else if (k === '文号') meta.docNumber = v || null;
    else if (k === '发文机关') meta.issuer = v || null;
    else if (k === '成文日期') meta.issuedOn = v || null;
    else if (k === '计划年度' && /^\d{4}$/.test(v)) meta.planYear = Number(v);
  });
  const ps = wb.getWorksheet(PHASE_SHEET);
  if (ps) meta.phases = readPhases(ps);
  const rs = wb.getWorksheet(REPORTING_SHEET);
  if (rs) meta.reportingRules = rowsToReportingRules(sheetRows(rs, REPORTING_COLUMNS.length));
  return { rows, meta };
}

/** Every row of a sheet as text cells, at least `columns` wide, trailing blanks dropped. */
function sheetRows(ws: ExcelJS.Worksheet, columns: number): string[][] {
  const width = Math.max(ws.columnCount, columns);
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    rows.push(cells);
  });
  return rows;
}

/** The phases sheet back: a row without a name is skipped; dates in any form a spreadsheet writes them. */
function readPhases(ws: ExcelJS.Worksheet): Phase[] {
  const phases: Phase[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const [name, start, end, text, line] = [1, 2, 3, 4, 5].map((c) => cellText(row.getCell(c).value).trim());
    if (!name) return;
    phases.push({
      name,
      text: text ?? '',
      start: start ? readDateCell(start) : null,
      end: end ? readDateCell(end) : null,
      line: /^\d+$/.test(line ?? '') ? Number(line) : 0,
    });
  });
  return phases;
}
