/**
 * A bulletin as an .xlsx a 督查室 prints: one sheet, 督查通报, with the title, the date, the summary, the ranked
 * table with its 合计 row, each unit's deductions and the scoring rules, set up for A4 landscape, one page wide.
 *
 * Kept apart from bulletin.ts, which the cycle workflow imports to compute its bulletins: exceljs in the workflow
 * bundle would triple its size (2.7 MB → 8.1 MB, measured with bundleWorkflowCode) for code no workflow runs.
 */
import ExcelJS from 'exceljs';
import {
  DEDUCTION_NAMES,
  PARAGRAPH_INDENT,
  bulletinColumns,
  bulletinDate,
  bulletinRows,
  bulletinSummary,
  bulletinTitle,
  displayWidth,
  scoringText,
  type Bulletin,
} from './bulletin';

export const BULLETIN_SHEET = '督查通报';
/** The deductions table's headers, from the ranked table's second column on; 涉及任务 spans the rest. */
export const DEDUCTION_HEADERS = ['单位', '得分', '扣分事项', '数量', '每项（次）扣分', '扣分', '涉及任务'] as const;

const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/**
 * The workbook's bytes. Counts, rates and points are numbers (the rate formatted 0.0%, '—' when nothing was due), so
 * the sheet can be sorted and summed; the layout is the text bulletin's, so both read the same.
 */
export async function bulletinToXlsx(b: Bulletin): Promise<Buffer> {
  const columns = bulletinColumns(b);
  const last = columns.length;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'duban';
  const ws = wb.addWorksheet(BULLETIN_SHEET, {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
    },
  });
  const unitWidth = Math.min(30, Math.max(12, ...b.units.map((u) => displayWidth(u.unit) + 2)));
  ws.columns = columns.map((c) => ({
    width: c.header === '单位' ? unitWidth : Math.max(8, displayWidth(c.header) + 2),
  }));
  const totalWidth = columns.reduce((w, _, i) => w + (ws.getColumn(i + 1).width ?? 8), 0);

  const wide = (text: string, style: Partial<ExcelJS.Style> = {}, wrap = false): ExcelJS.Row => {
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, last);
    const cell = row.getCell(1);
    cell.style = { ...style, alignment: { vertical: 'top', wrapText: wrap, ...style.alignment } };
    if (wrap) row.height = 16 * Math.max(1, Math.ceil(displayWidth(text) / (totalWidth * 0.95)));
    return row;
  };

  wide(bulletinTitle(b), { font: { bold: true, size: 16 }, alignment: { horizontal: 'center' } }).height = 28;
  wide(bulletinDate(b), { alignment: { horizontal: 'right' } });
  wide(`${PARAGRAPH_INDENT}${bulletinSummary(b)}`, {}, true);
  ws.addRow([]);

  wide('一、报送情况及排名', { font: { bold: true } });
  const header = ws.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = thin;
  });
  const rows = bulletinRows(b);
  rows.forEach((r, n) => {
    const row = ws.addRow(columns.map((c) => c.cell(r) ?? (c.kind === 'rate' ? '—' : '')));
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.border = thin;
      cell.alignment = { horizontal: c.kind === 'text' ? 'left' : 'center', vertical: 'middle' };
      if (c.kind === 'rate' && typeof cell.value === 'number') cell.numFmt = '0.0%';
    });
    if (n === rows.length - 1) row.font = { bold: true };
  });
  ws.addRow([]);

  wide('二、扣分情况', { font: { bold: true } });
  const deducted = b.units.filter((u) => u.deductions.length > 0);
  if (deducted.length === 0) wide('本期各单位均未扣分。');
  else {
    const span = (row: ExcelJS.Row) => ws.mergeCells(row.number, DEDUCTION_HEADERS.length + 1, row.number, last);
    const head = ws.addRow(['', ...DEDUCTION_HEADERS]);
    span(head);
    head.eachCell((cell, i) => {
      if (i === 1) return;
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = thin;
    });
    for (const u of deducted) {
      for (const d of u.deductions) {
        const refs = d.refs.join('、') + (d.items > d.refs.length ? ` 等 ${d.items} 项` : '');
        const row = ws.addRow(['', u.unit, u.score, DEDUCTION_NAMES[d.reason], d.count, d.pointsEach, -d.points, refs]);
        span(row);
        const refsWidth = columns.slice(DEDUCTION_HEADERS.length).reduce((w, _, i) => {
          return w + (ws.getColumn(DEDUCTION_HEADERS.length + 1 + i).width ?? 8);
        }, 0);
        row.height = 16 * Math.max(1, Math.ceil(displayWidth(refs) / (refsWidth * 0.95)));
        row.eachCell((cell, i) => {
          if (i === 1) return;
          cell.border = thin;
          cell.alignment = { vertical: 'top', wrapText: i === DEDUCTION_HEADERS.length + 1, horizontal: 'left' };
        });
      }
    }
    if (deducted.length < b.units.length) wide('其余单位未扣分。');
  }
  ws.addRow([]);
  wide('三、评分办法', { font: { bold: true } });
  wide(`${PARAGRAPH_INDENT}${scoringText(b.scoring)}`, {}, true);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
