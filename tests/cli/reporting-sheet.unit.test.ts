/**
 * The plan's reporting rules (报送要求) through the reviewed workbook: `plan parse --format xlsx` writes them in sheet
 * 报送要求, the launch reads them back, so a plan that reports half-yearly (天津) is not launched as quarterly.
 */
import ExcelJS from 'exceljs';
import { planLaunch, type LaunchPlan } from '../../domain/cycle';
import { parsePlan, planToRows, PlanError, rowsToReportingRules, type ParsedPlan } from '../../domain/plan';
import { UnitDirectory } from '../../domain/units';
import { parseTaskTable } from '../../cli/task-table';
import { writeXlsx } from '../../cli/xlsx';
import { readSeed } from '../plan/seeds';

const tianjin = parsePlan(readSeed('tianjin-2013')).plan;
const xian = parsePlan(readSeed('xian-2017')).plan;

/** The plan as reviewed: the items the document gives no lead unit get the coordinator's office. */
function reviewed(plan: ParsedPlan): ParsedPlan {
  const office = '市质量办';
  return {
    ...plan,
    units: [...plan.units, { name: office, aliases: [], collective: false }],
    tasks: plan.tasks.map((t) => (t.lead.length > 0 ? t : { ...t, lead: [office] })),
  };
}

async function workbook(plan: ParsedPlan): Promise<Buffer> {
  return writeXlsx(planToRows(reviewed(plan)), reviewed(plan));
}

/** The workbook with its 报送要求 sheet's rows (header kept) replaced by `rows`, as a coordinator edits it. */
async function withRuleRows(bytes: Buffer, rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const header = wb.getWorksheet('报送要求')!.getRow(1).values as string[];
  wb.removeWorksheet('报送要求');
  const ws = wb.addWorksheet('报送要求');
  ws.addRow(header.slice(1));
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function read(bytes: Buffer, file = '任务分解表.xlsx'): Promise<ParsedPlan> {
  return (await parseTaskTable(bytes, file))!;
}

/** A directory that gives each collective the plan names (各区县人民政府) one member office. */
function directoryFor(plan: ParsedPlan): UnitDirectory {
  const collectives = plan.units.filter((u) => u.collective).map((u) => u.name);
  return new UnitDirectory(collectives.map((c, i) => ({ name: `成员单位${i + 1}`, aliases: [], groups: [c] })));
}

function launch(plan: ParsedPlan, today: string): LaunchPlan {
  const l = planLaunch({ plan, directory: directoryFor(plan), cycleId: 'c1', today });
  expect(l.errors).toEqual([]);
  return l;
}

const dueDays = (l: LaunchPlan) => [...new Set(l.items.flatMap((i) => i.periods.map((p) => p.due)))].sort();
const codes = (l: LaunchPlan) => l.warnings.map((w) => w.code);

describe('the reporting rules in the reviewed workbook', () => {
  it('the Tianjin plan reports half-yearly and yearly, read back from the workbook as parsed', async () => {
    expect(tianjin.reportingRules.map((r) => [r.frequency, r.dueDates])).toEqual([
      ['half-yearly', ['2013-07-15']],
      ['annual', ['2014-01-15']],
    ]);
    const back = await read(await workbook(tianjin));
    expect(back.reportingRules).toEqual(tianjin.reportingRules);
  });

  it('a launch from the Tianjin workbook reports on 7月15日 and 次年1月15日, not at quarter ends', async () => {
    const fromTable = launch(await read(await workbook(tianjin)), '2013-01-01');
    const fromPlan = launch(reviewed(tianjin), '2013-01-01');
    expect(codes(fromTable)).not.toContain('REPORTING_DEFAULT_QUARTERLY');
    expect(dueDays(fromTable)).toContain('2013-07-15');
    expect(dueDays(fromTable)).not.toContain('2013-03-31');
    expect(fromTable.items.map((i) => i.periods)).toEqual(fromPlan.items.map((i) => i.periods));
  });

  it('the Xi’an rule keeps its recipient, and a rule typed in by hand is launched with', async () => {
    const back = await read(await workbook(xian));
    expect(back.reportingRules[0]).toMatchObject({
      frequency: 'quarterly',
      recipient: '市质量强市工作推进委员会办公室',
    });
    const edited = await withRuleRows(await workbook(xian), [
      ['每月', '2017-01-25、2017-02-25、2017-03-25', '市质量办', '是', '', '每月25日前报送进展', ''],
    ]);
    const monthly = await read(edited);
    expect(monthly.reportingRules).toEqual([
      {
        text: '每月25日前报送进展',
        line: 0,
        frequency: 'monthly',
        dueDates: ['2017-01-25', '2017-02-25', '2017-03-25'],
        recipient: '市质量办',
        stamped: true,
        electronic: false,
      },
    ]);
    expect(dueDays(launch(monthly, '2017-01-01'))).toEqual(
      expect.arrayContaining(['2017-01-25', '2017-02-25', '2017-03-25']),
    );
  });

  it('a sheet emptied to its header states no rule: quarter ends, and the warning says where rules come from', async () => {
    const plan = await read(await withRuleRows(await workbook(tianjin), []));
    expect(plan.reportingRules).toEqual([]);
    const l = launch(plan, '2013-01-01');
    expect(dueDays(l)).toContain('2013-03-31');
    expect(l.warnings.find((w) => w.code === 'REPORTING_DEFAULT_QUARTERLY')?.message).toMatch(
      /XLSX 的“报送要求”表或计划 JSON 带入，CSV 不带/,
    );
  });

  it('bad cells are refused by sheet, row and column, with the fix', async () => {
    const edited = await withRuleRows(await workbook(tianjin), [
      ['每两周', '2013-07-15', '', '否', '否', '', ''],
      ['每年', '2014-13-15、明年', '', '也许', '否', '', '第五行'],
      ['每半年', '', '', '', '', '', ''],
    ]);
    const error = await read(edited).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toBe(
      [
        '“报送要求”表有 6 处错误，请改正后重新导入：',
        '  第 2 行“频次”列：“每两周”不是报送频次，请填写 每月/每季度/每半年/每年/一次 之一',
        '  第 3 行“报送日期”列：“2014-13-15”不是有效日期，请写作 YYYY-MM-DD',
        '  第 3 行“报送日期”列：“明年”不是有效日期，请写作 YYYY-MM-DD',
        '  第 3 行“加盖公章”列：“也许”请填写“是”或“否”（留空为否）',
        '  第 3 行“行号”列：“第五行”不是行号，请填写整数，或留空',
        '  第 4 行“报送日期”列：为空，请填写报送日期（YYYY-MM-DD，多个用“、”分隔），或删去这一行',
      ].join('\n'),
    );
  });

  it('columns are found by their headings, in any order; an unknown or missing heading is refused', () => {
    const reordered = rowsToReportingRules([
      ['报送日期', '频次', '接收单位'],
      ['2017-07-15', '每半年', '市质量办'],
    ]);
    expect(reordered).toEqual([
      {
        text: '',
        line: 0,
        frequency: 'half-yearly',
        dueDates: ['2017-07-15'],
        recipient: '市质量办',
        stamped: false,
        electronic: false,
      },
    ]);
    expect(() =>
      rowsToReportingRules([
        ['频次', '日期', '频次'],
        ['每年', '2017-12-31'],
      ]),
    ).toThrow(
      [
        '“报送要求”表有 3 处错误，请改正后重新导入：',
        '  第 1 行：未知的列名“日期”（第 2 列），请改为 频次/报送日期/接收单位/加盖公章/电子文档/原文/行号 之一，或删除该列',
        '  第 1 行：列名“频次”出现了两次（第 1 列和第 3 列），请只保留一列',
        '  第 1 行：表头缺少“报送日期”列，请补上',
      ].join('\n'),
    );
  });

  it('a CSV carries no rules: its launch reports at quarter ends and says so', async () => {
    const csv = Buffer.from(
      planToRows(reviewed(tianjin))
        .map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))
        .join('\n'),
    );
    const l = launch(await read(csv, '任务分解表.csv'), '2013-01-01');
    expect(codes(l)).toContain('REPORTING_DEFAULT_QUARTERLY');
  });
});
