/** Tables flattened one cell per line: the indicator table and the attachment task table. */
import { parsePlan } from '../../domain/plan';
import { TABLE_PLAN } from './fixtures';

describe('attachment task table (任务分解表)', () => {
  it('turns rows into tasks, carrying category cells into the ref and empty cells into the right columns', () => {
    const p = parsePlan(TABLE_PLAN).plan;
    expect(
      p.tasks.map((t) => [t.ref, t.title, t.lead, t.cooperating, t.deadline.kind, t.deadline.due, t.line]),
    ).toEqual([
      ['一.1', '开展重点产品质量专项整治', ['市市场监管局'], ['市公安局', '市商务局'], 'date', '2018-06-30', 8],
      ['一.2', '推进食品安全城市创建', ['市食品药品监管局'], [], 'date', '2018-12-31', 13],
      ['二.3', '加强计量基础建设', ['市市场监管局', '市科技局'], [], 'continuous', null, 18],
    ]);
    expect(p.tasks[2]!.targets).toMatchObject([{ indicator: '新建计量标准', value: 20, unit: '项' }]);
  });

  it('prefixes table refs with 附件 when the body has numbered tasks too', () => {
    const body = '某市2018年行动计划\n一、任务\n(一)甲。(市甲局负责)\n附件\n';
    const table = TABLE_PLAN.split('\n').slice(1).join('\n');
    const p = parsePlan(body + table).plan;
    expect(p.tasks.map((t) => t.ref)).toEqual(['一.(一)', '附件.一.1', '附件.一.2', '附件.二.3']);
  });
});

describe('indicator table (具体指标)', () => {
  const text = `某市2017年创建方案
一、发展目标
(一)具体指标
序号
指标
单位
目标值
一、
产品
质量
1
生产企业产品质量监督合格率*
%
94
产品质量国家监督抽查合格率*
%
90
2
本市出口商品遭境外通报比例 *
/
低于全
国水平
工程质量
3
其他工程一次验收合格率 *
%
98
注:标记*指标来源于考核细则。
二、工作任务
(一)甲。(市甲局负责)
`;

  it('reads rows, sub-rows, split values and category cells, and keeps them out of the numbering', () => {
    const p = parsePlan(text).plan;
    expect(p.indicators.map((i) => [i.seq, i.category, i.indicator, i.unit, i.value])).toEqual([
      [1, '产品质量', '生产企业产品质量监督合格率', '%', '94'],
      [1, '产品质量', '产品质量国家监督抽查合格率', '%', '90'],
      [2, '产品质量', '本市出口商品遭境外通报比例', '', '低于全国水平'],
      [3, '工程质量', '其他工程一次验收合格率', '%', '98'],
    ]);
    expect(p.tasks.map((t) => t.ref)).toEqual(['二.(一)']);
    expect(p.warnings).toEqual([]);
  });
});
