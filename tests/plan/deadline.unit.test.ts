/** Deadlines: every kind, Chinese numerals, deadlines inside the text, and what cannot be placed. */
import { parseDeadline, parsePlan } from '../../domain/plan';
import { findDeadlineInText } from '../../domain/plan/deadline';

describe('parseDeadline', () => {
  it.each([
    ['2017年12月底之前', { kind: 'date', due: '2017-12-31' }],
    ['2018年6月底前', { kind: 'date', due: '2018-06-30' }],
    ['2019年4月底以前', { kind: 'date', due: '2019-04-30' }],
    ['2018年底前', { kind: 'date', due: '2018-12-31' }],
    ['2017年6月30日前', { kind: 'date', due: '2017-06-30' }],
    ['二〇一六年三月十八日前', { kind: 'date', due: '2016-03-18' }],
    ['二〇一六年十二月底前', { kind: 'date', due: '2016-12-31' }],
    ['6月底前', { kind: 'date', due: '2017-06-30' }],
    ['年底前', { kind: 'date', due: '2017-12-31' }],
    ['上半年', { kind: 'date', due: '2017-06-30' }],
    ['第三季度', { kind: 'date', due: '2017-09-30' }],
    ['2016年2月底', { kind: 'date', due: '2016-02-29' }],
    ['每年4月底之前', { kind: 'recurring', due: '2017-04-30', every: 'year' }],
    ['每年', { kind: 'recurring', due: '2017-12-31', every: 'year' }],
    ['每年7月', { kind: 'recurring', due: '2017-07-31', every: 'year' }],
    ['每季度', { kind: 'recurring', due: '2017-03-31', every: 'quarter' }],
    ['每月', { kind: 'recurring', due: '2017-01-31', every: 'month' }],
    ['持续推进', { kind: 'continuous', due: null, every: 'quarter' }],
    ['长期坚持', { kind: 'continuous', due: null, every: 'quarter' }],
    ['2019年4月底前取得阶段性成果', { kind: 'staged', due: '2019-04-30', stage: '取得阶段性成果' }],
    ['2018年底前取得阶段性成果', { kind: 'staged', due: '2018-12-31' }],
  ])('%s', (text, expected) => {
    expect(parseDeadline(text, 2017)).toMatchObject({ text, ...expected });
  });

  it('keeps several dates as milestones, due on the last', () => {
    expect(parseDeadline('2013年7月15日和2014年1月15日前', 2013)).toEqual({
      text: '2013年7月15日和2014年1月15日前',
      kind: 'date',
      due: '2014-01-15',
      milestones: ['2013-07-15', '2014-01-15'],
    });
  });

  it('gives the plan year end to an empty deadline, and null to words it cannot place', () => {
    expect(parseDeadline('', 2017)).toEqual({ text: '', kind: 'default', due: '2017-12-31' });
    expect(parseDeadline('按上级要求', 2017)).toBeNull();
    expect(parseDeadline('2017年2月30日', 2017)).toBeNull();
  });

  it('finds a deadline phrase inside running text only when it says 前', () => {
    expect(findDeadlineInText('力争于2017年6月底前完成全部改造', 2017)).toMatchObject({ due: '2017-06-30' });
    expect(findDeadlineInText('2017年全面建设地铁1号线', 2017)).toBeNull();
  });
});

describe('deadlines of tasks', () => {
  const tasks = (items: string) => parsePlan(`某市2017年行动计划\n一、任务\n${items}`).plan;

  it('defaults to the plan year end, marked default', () => {
    expect(tasks('(一)甲。(市甲局负责)\n').tasks[0]!.deadline).toEqual({
      text: '',
      kind: 'default',
      due: '2017-12-31',
    });
  });

  it('reads a 完成时限 line of its own and a deadline in the text', () => {
    const p = tasks('(一)甲。\n责任单位:市甲局\n完成时限:2018年3月底前\n(二)乙,于2017年9月底前完成。(市乙局负责)\n');
    expect(p.tasks.map((t) => t.deadline.due)).toEqual(['2018-03-31', '2017-09-30']);
  });

  it('warns about a deadline it cannot place, keeping the words', () => {
    const p = tasks('(一)甲。(责任单位:市甲局;完成时限:按省里部署)\n');
    expect(p.tasks[0]!.deadline).toEqual({ text: '按省里部署', kind: 'default', due: '2017-12-31' });
    expect(p.warnings).toEqual([
      {
        line: 3,
        message: '任务 一.(一) 的完成时限“按省里部署”无法换算成日期，暂按 2017-12-31 计；请在任务分解表中核定截止日期',
      },
    ]);
  });
});
