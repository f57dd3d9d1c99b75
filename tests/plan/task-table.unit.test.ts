/** The reviewed task table read back: every bad cell named by row and column, with the fix. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlan, planToRows, PlanError, rowsToPlan, TASK_TABLE_COLUMNS } from '../../domain/plan';
import { NOTICE_PLAN } from './fixtures';
import { readSeed } from './seeds';

const header = [...TASK_TABLE_COLUMNS];
const row = (over: Partial<Record<(typeof TASK_TABLE_COLUMNS)[number], string>> = {}) => {
  const base: Record<string, string> = {
    序号: '1',
    编号: '一.(一)',
    任务: '甲',
    任务内容: '甲。',
    牵头单位: '市甲局',
    配合单位: '',
    完成时限: '2017年12月底之前',
    时限类型: '限期',
    截止日期: '2017-12-31',
    行号: '3',
    备注: '',
  };
  return header.map((h) => over[h] ?? base[h]!);
};

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a PlanError');
}

describe('task table round trip', () => {
  it('gives back the same tasks', () => {
    for (const plan of [parsePlan(NOTICE_PLAN).plan, parsePlan(readSeed('ezhou-2017')).plan]) {
      expect(rowsToPlan(planToRows(plan), { planYear: plan.planYear }).tasks).toEqual(plan.tasks);
    }
  });

  it('keeps the notes in the 备注 column and reads the item reporting rules again from the text', () => {
    const plan = parsePlan(readFileSync(path.join(__dirname, 'unseen', 'guoban-2014-web.txt'), 'utf8')).plan;
    const rows = planToRows(plan);
    expect(rows[0]!.at(-1)).toBe('备注');
    expect(rows.find((r) => r[1] === '三.(七)')!.at(-1)).toBe('配合单位还写有“有关部门和单位”（泛指，不作为单位）');
    expect(rowsToPlan(rows, { planYear: 2014 }).tasks).toEqual(plan.tasks);
  });

  it('infers the plan year from default and recurring deadlines when not told', () => {
    const plan = parsePlan(readSeed('ezhou-2017')).plan;
    expect(rowsToPlan(planToRows(plan)).planYear).toBe(2017);
  });
});

describe('task table validation', () => {
  it('names an unknown column and the fix', () => {
    expect(messageOf(() => rowsToPlan([[...header, '备注x'], row()]))).toMatch(
      /^INVALID_TABLE: 任务分解表有 1 处错误，请改正后重新导入：\n {2}第 1 行“备注x”列：未知的列名（第 12 列），请改为 序号\/编号\/.*之一，或删除该列$/,
    );
  });

  it('names an empty lead unit by row', () => {
    expect(messageOf(() => rowsToPlan([header, row(), row({ 编号: '一.(二)', 牵头单位: ' ' })]))).toMatch(
      /第 3 行“牵头单位”列：没有牵头单位，请至少填写一个（多个单位用“、”分隔）/,
    );
  });

  it('names an unparseable date and shows the format', () => {
    expect(messageOf(() => rowsToPlan([header, row({ 截止日期: '2017-13-45' })]))).toMatch(
      /第 2 行“截止日期”列：“2017-13-45”不是有效日期，请写作 YYYY-MM-DD，如 2017-12-31/,
    );
  });

  it('names an unknown deadline kind, an empty ref and a duplicate ref', () => {
    const msg = messageOf(() =>
      rowsToPlan([header, row({ 时限类型: '很急' }), row({ 编号: '' }), row(), row()], { planYear: 2017 }),
    );
    expect(msg).toBe(
      [
        'INVALID_TABLE: 任务分解表有 3 处错误，请改正后重新导入：',
        '  第 2 行“时限类型”列：“很急”不是时限类型，请填写 限期/周期/持续/阶段/默认 之一',
        '  第 3 行“编号”列：为空，请给每项任务填写编号，如 一.(一) 或 五.(二).29.(1)',
        '  第 5 行“编号”列：编号 一.(一) 已在第 4 行用过，请给每项任务各自的编号',
      ].join('\n'),
    );
  });

  it('accepts other date spellings and English kind codes, and continuous work without a date', () => {
    const plan = rowsToPlan(
      [
        header,
        row({ 截止日期: '2017/6/30', 时限类型: 'date' }),
        row({ 编号: '一.(二)', 截止日期: '', 时限类型: '持续', 完成时限: '持续推进' }),
        row({ 编号: '一.(三)', 截止日期: '43100' }),
      ],
      { planYear: 2017 },
    );
    expect(plan.tasks.map((t) => [t.deadline.kind, t.deadline.due])).toEqual([
      ['date', '2017-06-30'],
      ['continuous', null],
      ['date', '2017-12-31'],
    ]);
  });

  it('refuses a table without rows or header', () => {
    expect(messageOf(() => rowsToPlan([]))).toMatch(/^INVALID_TABLE: 表格是空的：第一行应为表头（序号、编号、/);
    expect(messageOf(() => rowsToPlan([header]))).toBe('INVALID_TABLE: 表格只有表头，没有任务行：请至少填写一项任务');
  });
});
