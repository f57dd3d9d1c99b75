/**
 * The plan's reporting rules (报送要求) as rows of a sheet beside the task table, so a reviewed workbook launches with
 * the report days the plan set (天津: 7月15日前 and 次年1月15日前; 西安: each quarter end to its 推进委员会办公室) instead of
 * quarter ends. `reportingRulesToRows` writes them; `rowsToReportingRules` reads a reviewed sheet back and names every
 * bad cell by its row and column.
 */
import { PlanError } from './errors';
import type { ReportFrequency, ReportingRule } from './schema';
import { readDateCell } from './task-table';

export const REPORTING_SHEET = '报送要求';
export const REPORTING_COLUMNS = ['频次', '报送日期', '接收单位', '加盖公章', '电子文档', '原文', '行号'] as const;

/** Frequencies as the sheet and the text summary show them; import accepts these or the English codes. */
export const FREQUENCY_LABELS: Record<ReportFrequency, string> = {
  monthly: '每月',
  quarterly: '每季度',
  'half-yearly': '每半年',
  annual: '每年',
  once: '一次',
};

/** Header plus one row per rule, every cell a string; report days joined with 、. */
export function reportingRulesToRows(rules: readonly ReportingRule[]): string[][] {
  return [
    [...REPORTING_COLUMNS],
    ...rules.map((r) => [
      FREQUENCY_LABELS[r.frequency],
      r.dueDates.join('、'),
      r.recipient ?? '',
      r.stamped ? '是' : '否',
      r.electronic ? '是' : '否',
      r.text,
      String(r.line),
    ]),
  ];
}

/**
 * The rules of a reviewed sheet (header row first; columns found by their headings, in any order, 频次 and 报送日期
 * required). A row left blank is skipped; a sheet with only its header states no rule, and the launch then reports at
 * quarter ends.
 */
export function rowsToReportingRules(rows: readonly string[][]): ReportingRule[] {
  const errors: string[] = [];
  const rules: ReportingRule[] = [];
  const at = columnsOf(rows[0] ?? [], errors);
  if (errors.length > 0) throw sheetError(errors);
  rows.slice(1).forEach((cells, k) => {
    const row = k + 2;
    const [freq, days, recipient, stamped, electronic, text, line] = REPORTING_COLUMNS.map((c) =>
      at.has(c) ? (cells[at.get(c)!] ?? '').trim() : '',
    ) as [string, string, string, string, string, string, string];
    if ([freq, days, recipient, stamped, electronic, text, line].every((c) => c === '')) return;
    const bad = (column: string, message: string) => errors.push(`  第 ${row} 行“${column}”列：${message}`);

    const frequency = readFrequency(freq);
    if (frequency === null) {
      bad('频次', `“${freq}”不是报送频次，请填写 ${Object.values(FREQUENCY_LABELS).join('/')} 之一`);
    }
    const dayCells = days.split(/[、,，;；\s]+/).filter((d) => d !== '');
    const dueDates = dayCells.map(readDateCell);
    if (dayCells.length === 0) {
      bad('报送日期', '为空，请填写报送日期（YYYY-MM-DD，多个用“、”分隔），或删去这一行');
    }
    dayCells.forEach((d, i) => {
      if (dueDates[i] === null) bad('报送日期', `“${d}”不是有效日期，请写作 YYYY-MM-DD`);
    });
    const flags = [stamped, electronic].map((v, i) => {
      const b = readYesNo(v);
      if (b === null) bad(REPORTING_COLUMNS[3 + i]!, `“${v}”请填写“是”或“否”（留空为否）`);
      return b ?? false;
    });
    if (line !== '' && !/^\d+$/.test(line)) bad('行号', `“${line}”不是行号，请填写整数，或留空`);
    if (frequency === null || dueDates.includes(null) || dayCells.length === 0) return;
    rules.push({
      text,
      line: line === '' ? 0 : Number(line),
      frequency,
      dueDates: [...new Set(dueDates as string[])].sort(),
      recipient: recipient === '' ? null : recipient,
      stamped: flags[0]!,
      electronic: flags[1]!,
    });
  });
  if (errors.length > 0) throw sheetError(errors);
  return rules;
}

/** Where each column is, by its heading in row 1: an unknown heading, or 频次 or 报送日期 missing, is an error. */
function columnsOf(header: readonly string[], errors: string[]): Map<string, number> {
  const at = new Map<string, number>();
  header.forEach((cell, i) => {
    const name = cell.trim();
    if (name === '') return;
    if (!(REPORTING_COLUMNS as readonly string[]).includes(name)) {
      errors.push(
        `  第 1 行：未知的列名“${name}”（第 ${i + 1} 列），请改为 ${REPORTING_COLUMNS.join('/')} 之一，或删除该列`,
      );
    } else if (at.has(name)) {
      errors.push(`  第 1 行：列名“${name}”出现了两次（第 ${at.get(name)! + 1} 列和第 ${i + 1} 列），请只保留一列`);
    } else {
      at.set(name, i);
    }
  });
  for (const required of ['频次', '报送日期']) {
    if (!at.has(required)) errors.push(`  第 1 行：表头缺少“${required}”列，请补上`);
  }
  return at;
}

function sheetError(errors: readonly string[]): PlanError {
  const shown = errors.slice(0, 30);
  if (errors.length > 30) shown.push(`  ……另有 ${errors.length - 30} 处`);
  return new PlanError(
    'INVALID_TABLE',
    `“${REPORTING_SHEET}”表有 ${errors.length} 处错误，请改正后重新导入：\n${shown.join('\n')}`,
  );
}

function readFrequency(s: string): ReportFrequency | null {
  for (const [code, label] of Object.entries(FREQUENCY_LABELS) as [ReportFrequency, string][]) {
    if (s === label || s === code) return code;
  }
  return null;
}

function readYesNo(s: string): boolean | null {
  if (/^(是|y|yes|true|1|√)$/i.test(s)) return true;
  if (s === '' || /^(否|n|no|false|0|×)$/i.test(s)) return false;
  return null;
}
