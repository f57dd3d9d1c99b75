/**
 * Launch planning rule by rule, on small plans: what a coordinator would check in `cycle launch --dry-run` — one
 * assignment per task × lead unit, collectives expanded through the directory, each refusal naming the task, its row
 * and the fix, and the reporting periods each assignment gets from the plan's rules and its deadline.
 */
import { formatDryRun, planLaunch, type LaunchInput, type LaunchPlan } from '../../domain/cycle';
import type { ParsedPlan, ReportFrequency, ReportingRule, Task } from '../../domain/plan';
import { UnitDirectory } from '../../domain/units';

function task(ref: string, over: Partial<Task> = {}): Task {
  return {
    ref,
    title: `任务${ref}`,
    text: `任务${ref}的内容。`,
    line: 0,
    lead: ['市质监局'],
    cooperating: [],
    deadline: { text: '', kind: 'default', due: '2017-12-31' },
    targets: [],
    ...over,
  };
}

const COLLECTIVE = /^各|成员单位$|成员部门$/;

function plan(tasks: Task[], over: Partial<ParsedPlan> = {}): ParsedPlan {
  const names = [...new Set(tasks.flatMap((t) => [...t.lead, ...t.cooperating]))];
  return {
    title: '测试计划',
    docNumber: null,
    issuer: null,
    issuedOn: null,
    planYear: 2017,
    units: names.map((name) => ({ name, aliases: [], collective: COLLECTIVE.test(name) })),
    reportingRules: [],
    phases: [],
    tasks,
    indicators: [],
    warnings: [],
    ...over,
  };
}

function rule(frequency: ReportFrequency, dueDates: string[], text = '报送要求'): ReportingRule {
  return { text, line: 90, frequency, dueDates, recipient: null, stamped: false, electronic: false };
}

const directory = new UnitDirectory([
  { name: '鄂城区人民政府', aliases: ['鄂城区'], groups: ['各区人民政府'] },
  {
    name: '华容区人民政府',
    aliases: ['华容区'],
    groups: ['各区人民政府'],
    contacts: {
      liaisons: [],
      webhooks: [{ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc' }],
      digest: false,
    },
  },
  {
    name: '市质监局',
    aliases: ['市质量技术监督局'],
    groups: ['市质强委成员单位'],
    contacts: { liaisons: [{ name: '王五', email: 'ww@zj.ezhou.gov.cn' }], webhooks: [], digest: false },
  },
  { name: '市工商局', aliases: [], groups: ['市质强委成员单位'] },
  { name: '市农委', aliases: [], groups: ['市质强委成员单位'] },
  { name: '市商务局', aliases: [], groups: [] },
]);

function launch(p: ParsedPlan, over: Partial<LaunchInput> = {}): LaunchPlan {
  return planLaunch({ plan: p, directory, cycleId: 'c1', today: '2017-01-01', ...over });
}

const codes = (problems: LaunchPlan['warnings']) => problems.map((p) => p.code);
const keys = (l: LaunchPlan, i = 0) => l.items[i]!.periods.map((p) => `${p.key}@${p.due}`);

describe('one assignment per task × lead unit', () => {
  it('gives a task with one lead one item carrying the task as the plan states it', () => {
    const target = { indicator: '合格率', comparator: '>=' as const, value: 90, unit: '%', text: '合格率达到90%以上' };
    const l = launch(
      plan([
        task('一.(一)', { deadline: { text: '2017年9月底前', kind: 'date', due: '2017-09-30' }, targets: [target] }),
      ]),
    );
    expect(l.errors).toEqual([]);
    expect(l.items).toEqual([
      {
        assignmentId: 'c1:一.(一):市质监局',
        ref: '一.(一)',
        title: '任务一.(一)',
        text: '任务一.(一)的内容。',
        unit: '市质监局',
        cooperating: [],
        deadlineText: '2017年9月底前',
        due: '2017-09-30',
        periods: [
          { key: '2017-Q1', label: '2017年第一季度', due: '2017-03-31' },
          { key: '2017-Q2', label: '2017年第二季度', due: '2017-06-30' },
          { key: '2017-Q3', label: '2017年第三季度', due: '2017-09-30' },
        ],
        targets: [target],
      },
    ]);
  });

  it('gives each unit of a shared lead (按职责分工负责) its own item, cooperating units recorded on each', () => {
    const l = launch(plan([task('二.(三)', { lead: ['市质监局', '市工商局'], cooperating: ['市商务局'] })]));
    expect(l.items.map((i) => [i.assignmentId, i.unit, i.cooperating])).toEqual([
      ['c1:二.(三):市质监局', '市质监局', ['市商务局']],
      ['c1:二.(三):市工商局', '市工商局', ['市商务局']],
    ]);
  });

  it('expands collectives among leads and cooperating units; a lead never cooperates on its own task', () => {
    const l = launch(
      plan([
        task('三.(一)', { lead: ['各区人民政府', '市质监局'], cooperating: ['市质强委相关成员单位', '市商务局'] }),
      ]),
    );
    expect(l.errors).toEqual([]);
    expect(l.items.map((i) => i.unit)).toEqual(['鄂城区人民政府', '华容区人民政府', '市质监局']);
    expect(l.items[0]!.cooperating).toEqual(['市工商局', '市农委', '市商务局']);
    expect(l.warnings.filter((w) => w.code === 'COLLECTIVE_EXPANDED').map((w) => w.message)).toEqual([
      '“各区人民政府”按单位名录展开为分组“各区人民政府”的全部 2 个单位（鄂城区人民政府、华容区人民政府）',
      '“市质强委相关成员单位”按单位名录展开为分组“市质强委成员单位”的全部 3 个单位（市质监局、市工商局、市农委）；' +
        '“相关”若只指其中一部分，在任务表中直接写出这些单位',
    ]);
  });

  it('gives a unit listed both by name and through its group one item only', () => {
    const l = launch(plan([task('四', { lead: ['市质监局', '市质强委各成员单位'] })]));
    expect(l.items.map((i) => i.unit)).toEqual(['市质监局', '市工商局', '市农委']);
  });

  it('names each unit as the directory does, and says which names it changed and which it did not know', () => {
    const l = launch(plan([task('五', { lead: ['鄂城区', '市质量技术监督局', '市旅游局'] })]));
    expect(l.items.map((i) => i.assignmentId)).toEqual(['c1:五:鄂城区人民政府', 'c1:五:市质监局', 'c1:五:市旅游局']);
    expect(l.warnings.filter((w) => /UNITS_/.test(w.code))).toEqual([
      {
        code: 'UNITS_MATCHED_BY_ALIAS',
        message: '2 个单位按单位名录中的名称建立收件箱：鄂城区 → 鄂城区人民政府、市质量技术监督局 → 市质监局',
      },
      {
        code: 'UNITS_NOT_IN_DIRECTORY',
        message:
          '1 个单位不在单位名录中，按计划中的写法建立收件箱：市旅游局。若名录中另有名称，把计划中的写法加为该单位的别名后重新导入',
      },
      {
        code: 'UNITS_WITHOUT_CHANNEL',
        message:
          '2 个单位没有通知渠道：鄂城区人民政府、市旅游局，其通知只在系统收件箱中可见。要发邮件或群消息，在单位名录中补上' +
          '联络员邮箱或钉钉、企业微信机器人、Webhook 地址，用 duban units import 导入（已启动的督办此后的通知即按新名录发送）',
      },
    ]);
    const empty = launch(plan([task('五')]), { directory: new UnitDirectory() });
    expect(codes(empty.warnings)).toContain('DIRECTORY_EMPTY');
    expect(empty.items.map((i) => i.unit)).toEqual(['市质监局']);
  });
});

describe('a launch is refused, nothing starting, with the row, the problem and the fix', () => {
  it('when a collective has no group: one error listing every name to define and the tasks using it', () => {
    const l = launch(
      plan([
        task('一', { lead: ['各县级市'] }),
        task('二', { lead: ['市质监局'], cooperating: ['开发区管委会', '各县级市'] }),
        task('三', { lead: ['各区人民政府'] }),
      ]),
    );
    // 开发区管委会 is marked collective by the plan (the parser does so after 各…): here by the test's own flag
    expect(l.items).toEqual([]);
    expect(l.errors).toEqual([
      {
        code: 'COLLECTIVE_WITHOUT_GROUP',
        message:
          '1 个集合名称在单位名录中没有对应的分组，无法展开到具体单位：\n  各县级市（任务 一、二）\n' +
          '在单位名录文件中，为每个成员单位的“所属分组”列写上这个名称（“各区人民政府”“各区政府”“各区”都可对应同一分组），' +
          '用 duban units import 导入后再启动',
      },
    ]);
  });

  it('when items have no lead unit: each named with its ref and row', () => {
    const l = launch(plan([task('一.(一)', { lead: [], line: 11 }), task('一.(二)'), task('一.(三)', { lead: [] })]));
    expect(l.items).toEqual([]);
    expect(l.errors).toEqual([
      {
        ref: '一.(一)',
        row: 2,
        code: 'MISSING_LEAD',
        message:
          '任务 一.(一)（任务表第2行，原文第11行）没有牵头单位：在任务表“牵头单位”列写上负责的单位（多个用、分隔），重新导入后再启动',
      },
      {
        ref: '一.(三)',
        row: 4,
        code: 'MISSING_LEAD',
        message:
          '任务 一.(三)（任务表第4行）没有牵头单位：在任务表“牵头单位”列写上负责的单位（多个用、分隔），重新导入后再启动',
      },
    ]);
  });

  it('when two tasks share a ref', () => {
    const l = launch(plan([task('一'), task('二'), task('一')]));
    expect(l.errors).toEqual([
      {
        ref: '一',
        row: 4,
        code: 'DUPLICATE_REF',
        message: '编号 一 在任务表第2行和第4行各用了一次：给每项任务一个不同的编号',
      },
    ]);
    expect(l.items).toEqual([]);
  });

  it('when a deadline kind is unknown or a date unreadable', () => {
    const l = launch(
      plan(
        [
          task('一', { deadline: { text: '适时', kind: 'someday' as never, due: '2017-12-31' } }),
          task('二', { deadline: { text: '2017年2月30日前', kind: 'date', due: '2017-02-30' } }),
          task('三', { deadline: { text: '', kind: 'date', due: null } }),
          task('四', { deadline: { text: '', kind: 'date', due: '2017-12-31', milestones: ['2017-13-01'] } }),
        ],
        { reportingRules: [rule('half-yearly', ['2017-07-15', '2017-7-15'], '于7月15日前报送上半年进展')] },
      ),
    );
    expect(l.items).toEqual([]);
    expect(l.errors.map((e) => [e.ref, e.row, e.code, e.message])).toEqual([
      [
        undefined,
        undefined,
        'UNREADABLE_DATE',
        '报送要求（原文第90行“于7月15日前报送上半年进展”）的日期“2017-7-15”不是有效日期：在计划 JSON 的 reportingRules 中改为 YYYY-MM-DD，或删去这条要求',
      ],
      [
        '一',
        2,
        'UNKNOWN_DEADLINE_KIND',
        '任务 一（任务表第2行）的时限类型“someday”无法识别：改为 限期、周期、持续、阶段、默认 之一',
      ],
      [
        '二',
        3,
        'UNREADABLE_DATE',
        '任务 二（任务表第3行）的截止日期“2017-02-30”不是有效日期：写成 YYYY-MM-DD，如 2017-12-31',
      ],
      [
        '三',
        4,
        'UNREADABLE_DATE',
        '任务 三（任务表第4行）没有截止日期：在“截止日期”列写上日期（YYYY-MM-DD），或把时限类型改为“持续”',
      ],
      [
        '四',
        5,
        'UNREADABLE_DATE',
        '任务 四（任务表第5行）的日期“2017-13-01”不是有效日期：在计划 JSON 中改为 YYYY-MM-DD，或删去',
      ],
    ]);
  });

  it('with every problem of the table at once: a task refused for its date still names its collective', () => {
    const l = launch(
      plan([task('一', { lead: [], cooperating: ['各县级市'], deadline: { text: '', kind: 'date', due: null } })]),
    );
    expect(l.errors.map((e) => [e.code, e.ref])).toEqual([
      ['MISSING_LEAD', '一'],
      ['UNREADABLE_DATE', '一'],
      ['COLLECTIVE_WITHOUT_GROUP', undefined],
    ]);
  });

  it('when the cycle name cannot begin an assignment id', () => {
    for (const cycleId of ['', 'ezhou 2017', 'ezhou:2017']) {
      expect(codes(launch(plan([task('一')]), { cycleId }).errors)).toEqual(['INVALID_CYCLE_ID']);
    }
    expect(launch(plan([task('一')]), { cycleId: '鄂州2017-Q' }).errors).toEqual([]);
  });

  it("when a real cycle's name takes the prefix of simulated ones; a simulation's launch takes it", () => {
    for (const cycleId of ['sim-2027-ezhou', 'SIM-2027']) {
      const refused = launch(plan([task('一')]), { cycleId });
      expect(codes(refused.errors)).toEqual(['RESERVED_CYCLE_ID']);
      expect(refused.errors[0]!.message).toContain('留给模拟运行（duban simulate），请换一个');
    }
    expect(launch(plan([task('一')]), { cycleId: 'sim-2017-abc', simulation: true }).errors).toEqual([]);
    expect(launch(plan([task('一')]), { cycleId: 'simulated-2027' }).errors).toEqual([]);
  });

  it('when every date of the table is past, saying so and how --year moves the plan', () => {
    const l = launch(plan([task('一'), task('二', { deadline: { text: '', kind: 'date', due: '2017-06-30' } })]), {
      today: '2026-03-02',
    });
    expect(l.items).toEqual([]);
    expect(l.errors).toEqual([
      {
        code: 'PLAN_IN_PAST',
        message:
          '这份计划的日期都已过去：最晚的截止日期是 2017-12-31，今天是 2026-03-02。' +
          '要按这份计划督办今年的工作，加 --year 2026，把全部日期整体移到该年（月、日不变）',
      },
    ]);
    const still = launch(plan([task('一')]), { today: '2026-03-02', year: 2025 });
    expect(still.errors.map((e) => e.message)).toEqual([
      '按 --year 2025 移动后，最晚的截止日期 2025-12-31 仍早于今天 2026-03-02：选一个更晚的年份',
    ]);
  });
});

describe('--year moves every date of the plan by whole years', () => {
  it('moves due dates, milestones and reporting rules, keeps the words, and says so', () => {
    const l = launch(
      plan(
        [
          task('一', { deadline: { text: '2017年9月底前', kind: 'date', due: '2017-09-30' } }),
          task('二', {
            deadline: {
              text: '2017年7月15日和2018年1月15日前',
              kind: 'date',
              due: '2018-01-15',
              milestones: ['2017-07-15', '2018-01-15'],
            },
          }),
        ],
        { reportingRules: [rule('half-yearly', ['2017-07-15']), rule('annual', ['2018-01-15'])] },
      ),
      { today: '2026-03-02', year: 2026 },
    );
    expect(l.errors).toEqual([]);
    expect(l.yearShift).toBe(9);
    expect(l.warnings[0]).toEqual({
      code: 'YEAR_SHIFTED',
      message:
        '计划年度 2017 的全部日期已整体后移 9 年到 2026 年（月、日不变，2月29日改为2月28日）；完成时限的原文照旧显示',
    });
    expect(l.items.map((i) => [i.deadlineText, i.due])).toEqual([
      ['2017年9月底前', '2026-09-30'],
      ['2017年7月15日和2018年1月15日前', '2027-01-15'],
    ]);
    expect(keys(l, 0)).toEqual(['2026-H1@2026-07-15', '2026-09-30@2026-09-30']);
    expect(keys(l, 1)).toEqual(['2026-H1@2026-07-15', '2026@2027-01-15']);
  });

  it('turns 2月29日 into 2月28日 in a year without it', () => {
    const l = launch(
      plan([task('一', { deadline: { text: '', kind: 'date', due: '2016-02-29' } })], { planYear: 2016 }),
      {
        today: '2017-01-01',
        year: 2017,
      },
    );
    expect(l.items[0]!.due).toBe('2017-02-28');
    expect(l.items[0]!.periods).toEqual([{ key: '2017-02-28', label: '2017年2月28日', due: '2017-02-28' }]);
  });
});

describe('reporting periods', () => {
  it('are the quarter ends when the plan states no reporting rule, said once', () => {
    const l = launch(plan([task('一'), task('二')]));
    expect(keys(l)).toEqual(['2017-Q1@2017-03-31', '2017-Q2@2017-06-30', '2017-Q3@2017-09-30', '2017-Q4@2017-12-31']);
    expect(l.items[0]!.periods[3]!.label).toBe('2017年第四季度');
    expect(codes(l.warnings).filter((c) => c === 'REPORTING_DEFAULT_QUARTERLY')).toHaveLength(1);
  });

  it('fall within [today, due], the due date added when no period falls on it', () => {
    const l = launch(plan([task('一', { deadline: { text: '11月15日前', kind: 'date', due: '2017-11-15' } })]), {
      today: '2017-05-10',
    });
    expect(l.items[0]!.periods).toEqual([
      { key: '2017-Q2', label: '2017年第二季度', due: '2017-06-30' },
      { key: '2017-Q3', label: '2017年第三季度', due: '2017-09-30' },
      { key: '2017-11-15', label: '2017年11月15日', due: '2017-11-15' },
    ]);
  });

  it('come round every year for work of several years', () => {
    const l = launch(plan([task('一', { deadline: { text: '2019年4月底之前', kind: 'date', due: '2019-04-30' } })]));
    expect(keys(l)).toEqual([
      '2017-Q1@2017-03-31',
      '2017-Q2@2017-06-30',
      '2017-Q3@2017-09-30',
      '2017-Q4@2017-12-31',
      '2018-Q1@2018-03-31',
      '2018-Q2@2018-06-30',
      '2018-Q3@2018-09-30',
      '2018-Q4@2018-12-31',
      '2019-Q1@2019-03-31',
      '2019-04-30@2019-04-30',
    ]);
  });

  it('季度结束后10日内: each report names the quarter that ended, and a report after the due date is said', () => {
    const l = launch(
      plan([task('一'), task('二')], {
        reportingRules: [rule('quarterly', ['2017-04-10', '2017-07-10', '2017-10-10', '2018-01-10'])],
      }),
    );
    expect(keys(l)).toEqual([
      '2017-Q1@2017-04-10',
      '2017-Q2@2017-07-10',
      '2017-Q3@2017-10-10',
      '2017-12-31@2017-12-31',
    ]);
    expect(l.warnings.filter((w) => w.code === 'RULE_DATE_AFTER_DUE').map((w) => w.message)).toEqual([
      '报送日 2018-01-10（2017年第四季度）晚于 2 项任务的截止日期（一、二），这些任务不设该期，改在截止日报送最后一次；' +
        '如要按该日报送，在任务表中把它们的截止日期改为 2018-01-10',
    ]);
  });

  it('7月15日 and 次年1月15日 (Tianjin): the first half-year and the year', () => {
    const l = launch(
      plan(
        [
          task('一', { deadline: { text: '2013年7月15日和2014年1月15日前', kind: 'date', due: '2014-01-15' } }),
          task('二', { deadline: { text: '', kind: 'default', due: '2013-12-31' } }),
        ],
        { planYear: 2013, reportingRules: [rule('half-yearly', ['2013-07-15']), rule('annual', ['2014-01-15'])] },
      ),
      { today: '2013-04-01' },
    );
    expect(l.items[0]!.periods).toEqual([
      { key: '2013-H1', label: '2013年上半年', due: '2013-07-15' },
      { key: '2013', label: '2013年度', due: '2014-01-15' },
    ]);
    expect(keys(l, 1)).toEqual(['2013-H1@2013-07-15', '2013-12-31@2013-12-31']);
    expect(codes(l.warnings)).toEqual(['RULE_DATE_AFTER_DUE']);
  });

  it('monthly: one period per month', () => {
    const ends = Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(2017, m + 1, 0)).toISOString().slice(0, 10));
    const l = launch(
      plan([task('一', { deadline: { text: '', kind: 'date', due: '2017-04-30' } })], {
        reportingRules: [rule('monthly', ends)],
      }),
    );
    expect(l.items[0]!.periods).toEqual([
      { key: '2017-01', label: '2017年1月', due: '2017-01-31' },
      { key: '2017-02', label: '2017年2月', due: '2017-02-28' },
      { key: '2017-03', label: '2017年3月', due: '2017-03-31' },
      { key: '2017-04', label: '2017年4月', due: '2017-04-30' },
    ]);
  });

  it("merge the plan's rules with the item's own: one report a day, the finest period kept", () => {
    const l = launch(
      plan([
        task('一', {
          deadline: { text: '', kind: 'default', due: '2017-12-31' },
          reporting: rule('annual', ['2017-12-31'], '每年专题研究质量工作1次以上'),
        }),
        task('二', { reporting: rule('half-yearly', ['2017-06-30', '2017-12-31'], '每半年开展一次') }),
      ]),
    );
    expect(keys(l, 0)).toEqual([
      '2017-Q1@2017-03-31',
      '2017-Q2@2017-06-30',
      '2017-Q3@2017-09-30',
      '2017-Q4@2017-12-31',
    ]);
    expect(keys(l, 1)).toEqual(keys(l, 0));
  });

  it('keep the later of two report days in one period, said once for the plan', () => {
    const l = launch(
      plan([task('一'), task('二')], {
        reportingRules: [
          rule('quarterly', ['2017-03-31', '2017-06-30', '2017-09-30', '2017-12-31'], '每季度末报送'),
          rule('quarterly', ['2017-04-10', '2017-07-10', '2017-10-10', '2018-01-10'], '季度结束后10日内报送'),
        ],
      }),
    );
    expect(keys(l)).toEqual(['2017-Q1@2017-04-10', '2017-Q2@2017-07-10', '2017-Q3@2017-10-10', '2017-Q4@2017-12-31']);
    expect(l.warnings.filter((w) => w.code === 'PERIOD_KEY_COLLISION').map((w) => w.message)).toEqual([
      '报送要求中有两个日期落在同一报送期（如任务 一 的 2017-Q1：2017-03-31 与 2017-04-10），每期只报一次，取较晚的日期；' +
        '共 6 处。如需分开报送，修改计划的报送要求',
    ]);
  });

  it("include a deadline's milestones as dates of their own", () => {
    const l = launch(
      plan([
        task('一', {
          deadline: {
            text: '5月20日和年底前',
            kind: 'date',
            due: '2017-12-31',
            milestones: ['2017-05-20', '2017-12-31'],
          },
        }),
      ]),
    );
    expect(keys(l)).toEqual([
      '2017-Q1@2017-03-31',
      '2017-05-20@2017-05-20',
      '2017-Q2@2017-06-30',
      '2017-Q3@2017-09-30',
      '2017-Q4@2017-12-31',
    ]);
  });

  it('run continuous work (持续推进) to the end of the plan year, said once', () => {
    const continuous = { text: '持续推进', kind: 'continuous' as const, due: null, every: 'quarter' as const };
    const l = launch(plan([task('一', { deadline: continuous }), task('二', { deadline: continuous })]), {
      today: '2017-08-01',
    });
    expect(l.items.map((i) => i.due)).toEqual(['2017-12-31', '2017-12-31']);
    expect(keys(l)).toEqual(['2017-Q3@2017-09-30', '2017-Q4@2017-12-31']);
    expect(l.warnings.filter((w) => w.code === 'CONTINUOUS_TO_YEAR_END').map((w) => w.message)).toEqual([
      '2 项持续性任务（持续推进、长期坚持）没有截止日期：本轮督办到 2017年12月31日为止，按期报送进展（一、二）；下一年度另启一轮',
    ]);
  });

  it('run recurring work of a quarter (每季度) to its last occurrence in the plan year', () => {
    const l = launch(
      plan([task('一', { deadline: { text: '每季度', kind: 'recurring', due: '2017-03-31', every: 'quarter' } })]),
    );
    expect(l.items[0]!.due).toBe('2017-12-31');
    expect(keys(l)).toEqual(['2017-Q1@2017-03-31', '2017-Q2@2017-06-30', '2017-Q3@2017-09-30', '2017-Q4@2017-12-31']);
    expect(codes(l.warnings)).toContain('RECURRING_TO_YEAR_END');
    // 每年4月底之前: a yearly occurrence is the deadline itself
    const yearly = launch(
      plan([task('二', { deadline: { text: '每年4月底之前', kind: 'recurring', due: '2017-04-30', every: 'year' } })]),
    );
    expect(keys(yearly)).toEqual(['2017-Q1@2017-03-31', '2017-04-30@2017-04-30']);
  });

  it('of work already past due: its due date alone, and the coordinator told', () => {
    const l = launch(plan([task('一', { deadline: { text: '', kind: 'date', due: '2017-03-31' } }), task('二')]), {
      today: '2017-05-01',
    });
    expect(l.items[0]!.periods).toEqual([{ key: '2017-Q1', label: '2017年第一季度', due: '2017-03-31' }]);
    expect(l.warnings.find((w) => w.code === 'ITEMS_PAST_DUE')?.message).toBe(
      '1 项任务的截止日期早于今天（2017-05-01）：一。启动后只设截止日一期，随即计为逾期；若非本意，在任务表中改正截止日期，或用 --year 移动计划',
    );
  });
});

describe('formatDryRun', () => {
  it('prints the counts per unit with each first report day, then the warnings', () => {
    const l = launch(
      plan([
        task('一', { lead: ['各区人民政府', '市质监局'] }),
        task('二', { deadline: { text: '', kind: 'date', due: '2017-02-15' } }),
      ]),
    );
    expect(formatDryRun(l)).toBe(
      [
        '试运行：不启动任何督办事项。',
        '将启动 4 项督办（2 项任务，每个牵头单位一项），涉及 3 个单位；报送日 5 个，最早 2017-02-15，最晚 2017-12-31。',
        '',
        '各单位（督办项数、首个报送日）：',
        '  2 项  2017-02-15 2017年2月15日   市质监局',
        '  1 项  2017-03-31 2017年第一季度  鄂城区人民政府',
        '  1 项  2017-03-31 2017年第一季度  华容区人民政府',
        '',
        '提示（3 条）：',
        '  [REPORTING_DEFAULT_QUARTERLY] 没有报送要求（计划原文的报送要求随 XLSX 的“报送要求”表或计划 JSON 带入，CSV 不带）：各单位按季度末（3月31日、6月30日、9月30日、12月31日）报送进展',
        '  [COLLECTIVE_EXPANDED] “各区人民政府”按单位名录展开为分组“各区人民政府”的全部 2 个单位（鄂城区人民政府、华容区人民政府）',
        '  [UNITS_WITHOUT_CHANNEL] 1 个单位没有通知渠道：鄂城区人民政府，其通知只在系统收件箱中可见。要发邮件或群消息，' +
          '在单位名录中补上联络员邮箱或钉钉、企业微信机器人、Webhook 地址，用 duban units import 导入（已启动的督办此后的通知即按新名录发送）',
        '',
      ].join('\n'),
    );
  });

  it('prints the errors and that nothing can start', () => {
    const l = launch(plan([task('一', { lead: [] }), task('二', { lead: ['各县级市'] })]), {
      today: '2017-01-01',
      year: 2018,
    });
    expect(formatDryRun(l)).toBe(
      [
        '试运行：不启动任何督办事项。',
        '计划日期已整体后移 1 年（月、日不变）。',
        '',
        '有 2 个错误，不能启动；改正后再运行：',
        '  [MISSING_LEAD] 任务 一（任务表第2行）没有牵头单位：在任务表“牵头单位”列写上负责的单位（多个用、分隔），重新导入后再启动',
        '  [COLLECTIVE_WITHOUT_GROUP] 1 个集合名称在单位名录中没有对应的分组，无法展开到具体单位：',
        '      各县级市（任务 二）',
        '    在单位名录文件中，为每个成员单位的“所属分组”列写上这个名称（“各区人民政府”“各区政府”“各区”都可对应同一分组），用 duban units import 导入后再启动',
        '',
        '提示（2 条）：',
        '  [YEAR_SHIFTED] 计划年度 2017 的全部日期已整体后移 1 年到 2018 年（月、日不变，2月29日改为2月28日）；完成时限的原文照旧显示',
        '  [REPORTING_DEFAULT_QUARTERLY] 没有报送要求（计划原文的报送要求随 XLSX 的“报送要求”表或计划 JSON 带入，CSV 不带）：各单位按季度末（3月31日、6月30日、9月30日、12月31日）报送进展',
        '',
      ].join('\n'),
    );
  });
});
