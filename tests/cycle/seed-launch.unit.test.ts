/**
 * The five seed plans launched, as a coordinator would on the first day of each plan's year: each plan as the reader
 * makes it (the golden files, checked by hand) with a unit directory written for its collectives
 * (tests/cycle/directories/*.csv, read through the same table reader as `duban units import`). The counts were worked
 * out by hand from the plans' lead units and the directories' groups (shown per seed); a few items per seed are
 * checked in full. Xi'an and Tianjin name no lead for some items: the launch is refused with their refs, and the
 * tests fix the table as a coordinator would and launch again.
 */
import { formatDryRun, planLaunch, type LaunchItem, type LaunchPlan } from '../../domain/cycle';
import type { ParsedPlan } from '../../domain/plan';
import { prepareLaunch } from '../../api/cycle-launch';
import { specOf } from '../../api/cycles';
import { packageCalendarYears } from '../../domain/calendar-years';
import {
  directoryOf,
  directoryUnitsOf,
  fillLeads,
  launchablePlanOf,
  planOf,
  withTianjinLeads,
  XIAN_LEADS,
  type SeedName,
} from './seed-plans';

function launch(seed: SeedName, plan: ParsedPlan = planOf(seed)): LaunchPlan {
  return planLaunch({ plan, directory: directoryOf(seed), cycleId: seed, today: `${plan.planYear}-01-01` });
}

const itemsOf = (l: LaunchPlan, ref: string) => l.items.filter((i) => i.ref === ref);
const periodKeys = (i: LaunchItem) => i.periods.map((p) => `${p.key}@${p.due}`);
const codes = (l: LaunchPlan) => l.warnings.map((w) => w.code);
const QUARTERS = (y: number) => [
  `${y}-Q1@${y}-03-31`,
  `${y}-Q2@${y}-06-30`,
  `${y}-Q3@${y}-09-30`,
  `${y}-Q4@${y}-12-31`,
];

/** What holds for every item of every launch: one id each, periods ascending, distinct, within the due date. */
function expectWellFormed(l: LaunchPlan): void {
  expect(new Set(l.items.map((i) => i.assignmentId)).size).toBe(l.items.length);
  for (const item of l.items) {
    expect(item.assignmentId).toBe(`${item.assignmentId.split(':')[0]}:${item.ref}:${item.unit}`);
    expect(item.periods.length).toBeGreaterThan(0);
    expect(new Set(item.periods.map((p) => p.key)).size).toBe(item.periods.length);
    expect(item.periods.map((p) => p.due)).toEqual(item.periods.map((p) => p.due).sort());
    expect(item.periods.at(-1)!.due).toBe(item.due);
    expect(item.cooperating).not.toContain(item.unit);
  }
}

describe('Ezhou 2017 (97 items; 各区人民政府, 开发区管委会 and 市质强委相关成员单位 as units)', () => {
  const l = launch('ezhou-2017');

  it('starts 212 assignments: 167 lead units, of which 9 collectives expand to 3 + 3 + 30 units', () => {
    // 五.(一).4: 2 collectives → 6; 五.(一).5: 2 → 6 (+市财政局); 五.(一).6: 3 → 36; 五.(二).44: 2 → 6 (+3 offices)
    expect(l.errors).toEqual([]);
    expect(l.items).toHaveLength(212);
    expectWellFormed(l);
    expect(codes(l)).toEqual([
      'REPORTING_DEFAULT_QUARTERLY',
      'CONTINUOUS_TO_YEAR_END',
      'COLLECTIVE_EXPANDED',
      'COLLECTIVE_EXPANDED',
      'COLLECTIVE_EXPANDED',
      'UNITS_MATCHED_BY_ALIAS',
      'UNITS_NOT_IN_DIRECTORY',
      // The seed directories give no unit a channel: the launch says so.
      'UNITS_WITHOUT_CHANNEL',
    ]);
  });

  it('五.(一).4 开展质量强区活动: one assignment per district and development zone, quarterly until 2018年9月底', () => {
    const items = itemsOf(l, '五.(一).4');
    expect(items.map((i) => i.unit)).toEqual([
      '鄂城区人民政府',
      '华容区人民政府',
      '梁子湖区人民政府',
      '葛店经济技术开发区管委会',
      '鄂州经济开发区管委会',
      '红莲湖旅游度假区管委会',
    ]);
    expect(items[0]!.due).toBe('2018-09-30');
    expect(periodKeys(items[0]!)).toEqual([
      ...QUARTERS(2017),
      '2018-Q1@2018-03-31',
      '2018-Q2@2018-06-30',
      '2018-Q3@2018-09-30',
    ]);
  });

  it('五.(二).29.(1) 有机产品认证示范区: 梁子湖区 by its directory name, 28 members of 市质强委 cooperating', () => {
    const items = itemsOf(l, '五.(二).29.(1)');
    expect(items.map((i) => i.assignmentId)).toEqual([
      'ezhou-2017:五.(二).29.(1):梁子湖区人民政府',
      'ezhou-2017:五.(二).29.(1):市农委',
      'ezhou-2017:五.(二).29.(1):市质监局',
    ]);
    expect(items[0]!.cooperating).toHaveLength(28);
    expect(items[0]!.cooperating).not.toContain('市农委');
    expect(items[0]!.deadlineText).toBe('2019年4月底前取得阶段性成果');
    expect(periodKeys(items[0]!)).toEqual([
      ...QUARTERS(2017),
      ...QUARTERS(2018),
      '2019-Q1@2019-03-31',
      '2019-04-30@2019-04-30',
    ]);
    expect(items[0]!.periods.at(-1)!.label).toBe('2019年4月30日');
  });

  it('五.(一).2 每年4月底之前 and 五.(一).1 长期坚持: a first quarter then 4月30日; the quarters of 2017', () => {
    const [second] = itemsOf(l, '五.(一).2');
    expect(second!.unit).toBe('市质量强市工作委员会办公室');
    expect(second!.cooperating).toHaveLength(30);
    expect(periodKeys(second!)).toEqual(['2017-Q1@2017-03-31', '2017-04-30@2017-04-30']);
    const [first] = itemsOf(l, '五.(一).1');
    expect(first!.due).toBe('2017-12-31');
    // its own rule (每年专题研究…, annual on 12-31) falls on the fourth quarter's day: one report
    expect(periodKeys(first!)).toEqual(QUARTERS(2017));
  });
});

describe('Harbin 2017 (32 items; 质量强市各/有关成员单位, 市打击侵权假冒工作领导小组成员部门)', () => {
  const l = launch('harbin-2017');

  it('starts 68 assignments: 38 lead units, 一.(一) expanding to 17 and 五.(三) to 18', () => {
    expect(l.errors).toEqual([]);
    expect(l.items).toHaveLength(68);
    expectWellFormed(l);
    expect(codes(l)).toEqual([
      'REPORTING_DEFAULT_QUARTERLY',
      'COLLECTIVE_EXPANDED',
      'COLLECTIVE_EXPANDED',
      'COLLECTIVE_EXPANDED',
      'UNITS_NOT_IN_DIRECTORY',
      'UNITS_WITHOUT_CHANNEL',
    ]);
  });

  it('质量强市各成员单位 and 质量强市有关成员单位 both find the group 质量强市成员单位 by their normalised form', () => {
    expect(itemsOf(l, '一.(一)')).toHaveLength(17);
    const fifth = itemsOf(l, '五.(三)').map((i) => i.unit);
    expect(fifth).toHaveLength(18);
    expect(fifth.slice(0, 3)).toEqual(['市市场监管局', '市建委', '地铁集团']);
  });

  it('三.(一) 打击侵权假冒: its cooperating 成员部门 expand to the group’s members, not the lead 市商务局', () => {
    const [item] = itemsOf(l, '三.(一)');
    expect(item!.unit).toBe('市商务局');
    expect(item!.cooperating).toEqual(['市市场监管局', '市农委', '市文广新局', '市公安局', '哈尔滨海关']);
    expect(periodKeys(item!)).toEqual(QUARTERS(2017));
  });
});

describe('Hebei 2015 (15 items; 省质量与名牌战略领导小组成员单位)', () => {
  const l = launch('hebei-2015');

  it('starts 162 assignments: 93 lead units, the group of 24 leading 一.(一), 一.(二) and 三.(一)', () => {
    expect(l.errors).toEqual([]);
    expect(l.items).toHaveLength(162);
    expectWellFormed(l);
    for (const ref of ['一.(一)', '一.(二)', '三.(一)']) expect(itemsOf(l, ref)).toHaveLength(24);
  });

  it('一.(三) 全面推动品牌建设: seven provincial departments, each its own assignment, the quarters of 2015', () => {
    const items = itemsOf(l, '一.(三)');
    expect(items.map((i) => i.unit)).toEqual([
      '省科技厅',
      '省工业和信息化厅',
      '省国资委',
      '省财政厅',
      '省商务厅',
      '省质监局',
      '省工商局',
    ]);
    expect(items.every((i) => i.due === '2015-12-31' && periodKeys(i).join() === QUARTERS(2015).join())).toBe(true);
  });
});

describe("Xi'an 2017 (21 items, four with no lead unit; 各区县政府, 开发区管委会)", () => {
  it('is refused with the refs of the items without a lead, and nothing starts', () => {
    const l = launch('xian-2017');
    expect(l.items).toEqual([]);
    expect(l.errors.map((e) => [e.code, e.ref, e.row])).toEqual([
      ['MISSING_LEAD', '一.(一)', 2],
      ['MISSING_LEAD', '一.(二)', 3],
      ['MISSING_LEAD', '六.(十九)', 20],
      ['MISSING_LEAD', '六.(二十)', 21],
    ]);
    const dry = formatDryRun(l);
    expect(dry).toContain('有 4 个错误，不能启动；改正后再运行：');
    expect(dry).toContain('[MISSING_LEAD] 任务 六.(二十)（任务表第21行，原文第35行）没有牵头单位');
  });

  it('launches once the coordinator fills the lead units in the table: 436 assignments', () => {
    const fixed = fillLeads(planOf('xian-2017'), XIAN_LEADS);
    expect(fixed).toEqual(launchablePlanOf('xian-2017'));
    const l = launch('xian-2017', fixed);
    expect(l.errors).toEqual([]);
    // 17 items led by 各区县政府 (13) and 开发区管委会 (7): 15 × 20 + 69 named offices, 2 × (20 + 11 成员单位);
    // and the 5 lead units filled in. (The table keeps no reporting rules: quarterly, as this plan's 每季度末 says.)
    expect(l.items).toHaveLength(436);
    expectWellFormed(l);
    expect(itemsOf(l, '一.(三)')).toHaveLength(31);
    expect(itemsOf(l, '六.(二十)').map((i) => i.assignmentId)).toEqual([
      'xian-2017:六.(二十):市质监局',
      'xian-2017:六.(二十):市委宣传部',
    ]);
    expect(periodKeys(itemsOf(l, '六.(二十)')[0]!)).toEqual(QUARTERS(2017));
  });
});

describe('Tianjin 2013 (21 items, three with no lead; reports by 7月15日 and 次年1月15日)', () => {
  it('is refused with the refs of the items without a lead', () => {
    expect(launch('tianjin-2013').errors.map((e) => [e.code, e.ref])).toEqual([
      ['MISSING_LEAD', '七.(十九)'],
      ['MISSING_LEAD', '七.(二十)'],
      ['MISSING_LEAD', '七.(二十一)'],
    ]);
  });

  describe('with the lead units filled in the plan JSON (keeping its reporting rules)', () => {
    const plan = withTianjinLeads(planOf('tianjin-2013'));
    const l = launch('tianjin-2013', plan);

    it('starts 173 assignments: 107 lead units, 有关企业总公司 → 4, 各区县人民政府 → 16 in four items, 2 more', () => {
      expect(launchablePlanOf('tianjin-2013')).toEqual(plan);
      expect(l.errors).toEqual([]);
      expect(l.items).toHaveLength(173);
      expectWellFormed(l);
      expect(itemsOf(l, '四.(十三)')).toHaveLength(26);
      expect(
        itemsOf(l, '二.(八)')
          .map((i) => i.unit)
          .slice(-4),
      ).toEqual([
        '天津渤海化工集团有限责任公司',
        '天津百利机械装备集团有限公司',
        '天津市医药集团有限公司',
        '天津一商集团有限公司',
      ]);
    });

    it('reports on the first half-year by 7月15日; an item due at the year end reports then, not on 次年1月15日', () => {
      expect(itemsOf(l, '一.(一)')[0]!.periods).toEqual([
        { key: '2013-H1', label: '2013年上半年', due: '2013-07-15' },
        { key: '2013-12-31', label: '2013年12月31日', due: '2013-12-31' },
      ]);
      expect(l.warnings.filter((w) => w.code === 'RULE_DATE_AFTER_DUE')).toHaveLength(1);
    });

    it('七.(二十一) 加强信息统计报送, due 2014年1月15日: the half-year and the year', () => {
      expect(itemsOf(l, '七.(二十一)')[0]!.periods).toEqual([
        { key: '2013-H1', label: '2013年上半年', due: '2013-07-15' },
        { key: '2013', label: '2013年度', due: '2014-01-15' },
      ]);
    });
  });
});

/** What `cycle launch` prepares the Ezhou plan of 2017 from, on the plan's first working day. */
function ezhouLaunch() {
  return {
    plan: launchablePlanOf('ezhou-2017'),
    directory: directoryUnitsOf('ezhou-2017'),
    calendarYears: packageCalendarYears(),
    cycleId: 'ezhou-2017',
    today: '2017-01-03',
    coordinator: '市质强委办公室',
  };
}

test('a cycle sets its assignments’ 签收 and 协办 days, and carries each item’s targets into its version-3 spec', () => {
  const input = ezhouLaunch();
  const prepared = prepareLaunch({ ...input, conversation: { acknowledgeWithinDays: 3, cooperationReminderDays: 0 } });
  expect(prepared.config.conversation).toEqual({ acknowledgeWithinDays: 3, cooperationReminderDays: 0 });
  const withTargets = prepared.launch.items.find((item) => item.targets.length > 0)!;
  expect(specOf(withTargets, 'ezhou-2017', prepared.config)).toMatchObject({
    acknowledgeWithinDays: 3,
    cooperationReminderDays: 0,
    targets: withTargets.targets,
  });
  expect(prepareLaunch(input).config.conversation).toEqual({ acknowledgeWithinDays: 2, cooperationReminderDays: 3 });
});

test("a cycle is titled as asked, else by its plan's title, else (a task table names none) by its name", () => {
  const input = ezhouLaunch();
  expect(prepareLaunch({ ...input, title: '2017年质量工作督办' }).config.title).toBe('2017年质量工作督办');
  expect(prepareLaunch(input).config.title).toBe(input.plan.title);
  expect(prepareLaunch({ ...input, plan: { ...input.plan, title: '' } }).config.title).toBe('ezhou-2017');
});
