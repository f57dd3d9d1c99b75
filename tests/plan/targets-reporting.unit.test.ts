/** Quantitative targets in task text, and reporting rules anywhere in the document. */
import { findTargets, parsePlan } from '../../domain/plan';
import { NOTICE_PLAN } from './fixtures';

describe('targets', () => {
  it.each([
    [
      '力争上述产品质量市级监督抽查合格率达到90%以上',
      { indicator: '上述产品质量市级监督抽查合格率', comparator: '>=', value: 90, unit: '%' },
    ],
    ['新建计量标准100项', { indicator: '新建计量标准', comparator: '=', value: 100, unit: '项' }],
    [
      '月机场航班放行正常率最低值≥70%',
      { indicator: '月机场航班放行正常率最低值', comparator: '>=', value: 70, unit: '%' },
    ],
    ['竣工验收合格率100%', { indicator: '竣工验收合格率', comparator: '=', value: 100, unit: '%' }],
    ['单位GDP能耗年均下降4%', { indicator: '单位GDP能耗年均', comparator: 'decrease', value: 4, unit: '%' }],
    ['投诉处理时间不超过7天', { indicator: '投诉处理时间', comparator: '<=', value: 7, unit: '天' }],
  ])('%s', (text, expected) => {
    expect(findTargets(text)).toEqual([{ ...expected, text: expect.any(String) }]);
  });

  it('reads the PM2.5 pair, the second value restating the first indicator', () => {
    const t = findTargets('全市细颗粒物(PM2.5)年均浓度在2015年70微克/立方米的基础上降低15%,即达到60微克/立方米左右');
    expect(t.map((x) => [x.indicator, x.comparator, x.value, x.unit])).toEqual([
      ['细颗粒物(PM2.5)年均浓度', 'decrease', 15, '%'],
      ['细颗粒物(PM2.5)年均浓度', '~', 60, '微克/立方米'],
    ]);
  });

  it('finds none in prose without numbers', () => {
    expect(findTargets('加强质量宣传,营造良好氛围。')).toEqual([]);
  });

  it('are attached to tasks, not read from the responsibility clause', () => {
    const p = parsePlan(
      '某市2017年行动计划\n一、任务\n(一)合格率达到95%以上。(责任单位:市甲局;完成时限:2017年12月底之前)\n',
    ).plan;
    expect(p.tasks[0]!.targets).toHaveLength(1);
  });
});

describe('reporting rules', () => {
  it('reads monthly and half-year reports asked for in the cover notice', () => {
    const rules = parsePlan(NOTICE_PLAN).plan.reportingRules;
    expect(rules.map((r) => [r.frequency, r.dueDates.length, r.dueDates[0], r.recipient, r.line])).toEqual([
      ['monthly', 12, '2016-01-05', '省质量办', 4],
      ['half-yearly', 2, '2016-06-30', '省质量办', 4],
    ]);
  });

  it('reads quarter-end reports to an office', () => {
    const text =
      '某市2017年行动计划\n一、任务\n(一)甲。(市甲局负责)\n各单位每季度末将任务完成情况报市质量强市工作推进委员会办公室。\n';
    expect(parsePlan(text).plan.reportingRules).toEqual([
      {
        text: '各单位每季度末将任务完成情况报市质量强市工作推进委员会办公室。',
        line: 4,
        frequency: 'quarterly',
        dueDates: ['2017-03-31', '2017-06-30', '2017-09-30', '2017-12-31'],
        recipient: '市质量强市工作推进委员会办公室',
        stamped: false,
        electronic: false,
      },
    ]);
  });

  it('pairs dates with periods after 分别, next-year dates included, stamped and electronic', () => {
    const text =
      '某市2013年行动计划\n一、任务\n(一)甲。(市甲局负责)\n' +
      '各单位要于7月15日和次年1月15日前,分别将上半年完成情况和全年工作总结报市质量办,报送材料需加盖单位公章,同时报送电子文档。\n';
    expect(parsePlan(text).plan.reportingRules.map((r) => [r.frequency, r.dueDates, r.stamped, r.electronic])).toEqual([
      ['half-yearly', ['2013-07-15'], true, true],
      ['annual', ['2014-01-15'], true, true],
    ]);
  });

  it('offsets quarter ends by "结束后N日内" and reads annual reports', () => {
    const text =
      '某市2017年行动计划\n一、任务\n(一)甲。(市甲局负责)\n' +
      '请于每季度结束后10日内将进展情况报送市质量办。每年12月底前报送年度总结。\n';
    expect(parsePlan(text).plan.reportingRules.map((r) => [r.frequency, r.dueDates])).toEqual([
      ['quarterly', ['2017-04-10', '2017-07-10', '2017-10-10', '2018-01-10']],
      ['annual', ['2017-12-31']],
    ]);
  });

  it('ignores 报告 as a noun and 报 without a schedule', () => {
    const text =
      '某市2017年行动计划\n一、任务\n(一)定期发布质量状况分析报告。(市甲局负责)\n并及时将有关进展情况报市质强委办公室。\n';
    expect(parsePlan(text).plan.reportingRules).toEqual([]);
  });
});
