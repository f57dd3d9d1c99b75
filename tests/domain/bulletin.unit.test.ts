/**
 * The quarterly 督查通报: a small cycle of ten units whose every figure was worked out by hand (below), then the
 * text, Markdown and XLSX a 督查室 reads, checked line by line and cell by cell.
 */
import ExcelJS from 'exceljs';
import {
  BULLETIN_LEVELS,
  DEFAULT_SCORING,
  MAX_REFS,
  bulletinSchema,
  computeBulletin,
  displayWidth,
  formatBulletin,
  scoringRulesSchema,
  type Bulletin,
  type BulletinAssignment,
  type BulletinInput,
  type BulletinLevel,
} from '../../domain/cycle/bulletin';
import { BULLETIN_SHEET, bulletinToXlsx } from '../../domain/cycle/bulletin-xlsx';
import { escalationLevelSchema } from '../../workflows/assignment/events';

const Q2 = { key: '2017-Q2', label: '2017年第二季度' };
const DUE = '2017-06-30';
/** 2017-07-12 09:00 in Shanghai. */
const ISSUED = '2017-07-12T01:00:00.000Z';

interface ItemOptions {
  status?: BulletinAssignment['status'];
  key?: string;
  due?: string;
  overdue?: boolean;
  /** Report instant (ISO) and the late flag the assignment recorded. */
  report?: [string, boolean];
  escalations?: BulletinLevel[];
  extensionsGranted?: number;
  noPeriod?: boolean;
}

function item(unit: string, ref: string, o: ItemOptions = {}): BulletinAssignment {
  return {
    assignmentId: `c1:${ref}:${unit}`,
    ref,
    title: `任务 ${ref}`,
    unit,
    status: o.status ?? 'acknowledged',
    ...(o.noPeriod
      ? {}
      : {
          period: {
            key: o.key ?? Q2.key,
            due: o.due ?? DUE,
            overdue: o.overdue ?? false,
            ...(o.report ? { report: { at: o.report[0], late: o.report[1] } } : {}),
            escalations: o.escalations ?? [],
          },
        }),
    ...(o.extensionsGranted !== undefined ? { extensionsGranted: o.extensionsGranted } : {}),
  };
}

const onTime = (at = '2017-06-28T02:00:00Z'): [string, boolean] => [at, false];
const late = (at = '2017-07-03T02:00:00Z'): [string, boolean] => [at, true];

/*
 * The cycle, by unit (due 2017-06-30, issued 2017-07-12), and what each comes to with the default rules:
 *
 *   市城管局     一.1 on time; 一.2 on time and 办结; 一.3 办结 before the due day, no report (not missing)
 *                → 3 tasks, 2 on time, 2 closed, 100 %, 100 points
 *   市交通运输局 二.1 late (flag) after a 催办; 二.(一) reported 06-30 23:59 Shanghai, the due day itself (on time)
 *                → 1 on time, 1 late, 1 催办, 50 %, 100 − 2 − 1 = 97
 *   市水务局     五.(二).29 reported 07-01 09:00, flag not set: late by the calendar; 六.(一) late after a 催办;
 *                七.3 silent all the way up the ladder
 *                → 0 on time, 2 late, 1 missing, 催办 2, 督办 1, 通报 1, 0.0 %,
 *                  100 − 2×2 − 5 − 2×1 − 2 − 3 = 84
 *   市教育局     八.1 cancelled after it went overdue and was urged; 八.2 cancelled → 2 tasks, 2 cancelled, —, 100
 *   市民政局     九.1 on time, one extension granted → 100 %, 100 (extension shown, not deducted)
 *   市商务局     十.1 on time; 十.2 late after 催办 and 督办 → 50 %, 100 − 2 − 1 − 2 = 95, 2 escalations
 *   市卫健委     十一.1 on time; 十一.2 overdue, no step yet → 50 %, 100 − 5 = 95, 0 escalations
 *   市林业局     十二.1–3 on time; 十二.4 late → 75 %, 98
 *   市农业局     十三.1 on time; 十三.2 late → 50 %, 98
 *   市审计局     十四.1 due 07-15 (季度结束后15日内), nothing yet: not yet due; 十四.2 due 06-30, no report and the
 *                overdue flag not yet set, but the bulletin is issued after the due day: missing → 0.0 %, 95
 *   市统计局     only a Q1 item and an item with no period: not in this bulletin
 *
 * Ranking: 100 — 市城管局 and 市民政局 (100 %, 0 escalations: tied, rank 1, 城 U+57CE before 民 U+6C11), then
 * 市教育局 (nothing due: after any rate, rank 3); 98 — 市林业局 (75 %) 4, 市农业局 (50 %) 5; 97 — 市交通运输局 6;
 * 95 — 市卫健委 (50 %, 0 steps) 7, 市商务局 (50 %, 2 steps) 8, 市审计局 (0 %, fewer steps but a lower rate) 9;
 * 84 — 市水务局 10.
 *
 * Totals: 23 tasks; on time 10, late 6, missing 3 (19 due, 10/19 = 52.6 %), not yet due 1, closed 2, cancelled 2,
 * extensions 1; 催办 4, 督办 2, 通报 1 (steps and items alike).
 */
const assignments: BulletinAssignment[] = [
  item('市城管局', '一.1', { report: onTime() }),
  item('市城管局', '一.2', { status: 'completed', report: onTime('2017-06-20T02:00:00Z') }),
  item('市城管局', '一.3', { status: 'completed' }),
  item('市交通运输局', '二.1', { report: late(), overdue: true, escalations: ['urge'] }),
  item('市交通运输局', '二.(一)', { report: ['2017-06-30T15:59:00Z', false] }),
  item('市水务局', '五.(二).29', { report: ['2017-07-01T01:00:00Z', false] }),
  item('市水务局', '六.(一)', { report: late(), overdue: true, escalations: ['urge'] }),
  item('市水务局', '七.3', { overdue: true, escalations: ['urge', 'notify-head', 'report-coordinator'] }),
  item('市教育局', '八.1', { status: 'cancelled', overdue: true, escalations: ['urge'] }),
  item('市教育局', '八.2', { status: 'cancelled' }),
  item('市民政局', '九.1', { report: onTime(), extensionsGranted: 1 }),
  item('市商务局', '十.1', { report: onTime() }),
  item('市商务局', '十.2', { report: late(), overdue: true, escalations: ['urge', 'notify-head'] }),
  item('市卫健委', '十一.1', { report: onTime() }),
  item('市卫健委', '十一.2', { overdue: true }),
  item('市林业局', '十二.1', { report: onTime() }),
  item('市林业局', '十二.2', { report: onTime() }),
  item('市林业局', '十二.3', { report: onTime() }),
  item('市林业局', '十二.4', { report: late() }),
  item('市农业局', '十三.1', { report: onTime() }),
  item('市农业局', '十三.2', { report: late() }),
  item('市审计局', '十四.1', { due: '2017-07-15' }),
  item('市审计局', '十四.2', {}),
  item('市统计局', '十五.1', { key: '2017-Q1', due: '2017-03-31', overdue: true }),
  item('市统计局', '十五.2', { noPeriod: true, status: 'cancelled' }),
];

const input = (over: Partial<BulletinInput> = {}): BulletinInput => ({
  cycleId: 'c1',
  cycleTitle: '2017年重点工作任务',
  period: Q2,
  issuedAt: ISSUED,
  assignments,
  scoring: DEFAULT_SCORING,
  ...over,
});

const bulletin = computeBulletin(input());
const unit = (b: Bulletin, name: string) => {
  const u = b.units.find((x) => x.unit === name);
  if (!u) throw new Error(`${name} is not in the bulletin`);
  return u;
};

describe('computeBulletin: counts per unit', () => {
  test('on time, 办结 with and without a report, and a 办结 before the due day that is not missing', () => {
    expect(unit(bulletin, '市城管局')).toMatchObject({
      assigned: 3,
      onTime: 2,
      late: 0,
      missing: 0,
      closed: 2,
      onTimeRate: 1,
      score: 100,
      deductions: [],
    });
  });

  test('a report on the due day at 23:59 Shanghai is on time; one the next morning is late even unflagged', () => {
    expect(unit(bulletin, '市交通运输局')).toMatchObject({ onTime: 1, late: 1, onTimeRate: 0.5, score: 97 });
    expect(unit(bulletin, '市水务局')).toMatchObject({ onTime: 0, late: 2, missing: 1, onTimeRate: 0 });
  });

  test('escalations are counted by level and each score shows the deductions that made it', () => {
    const water = unit(bulletin, '市水务局');
    expect(water.escalations).toEqual({ urge: 2, 'notify-head': 1, 'report-coordinator': 1 });
    expect(water.score).toBe(84);
    expect(water.deductions).toEqual([
      { reason: 'late', count: 2, pointsEach: 2, points: 4, items: 2, refs: ['五.(二).29', '六.(一)'] },
      { reason: 'missing', count: 1, pointsEach: 5, points: 5, items: 1, refs: ['七.3'] },
      { reason: 'urge', count: 2, pointsEach: 1, points: 2, items: 2, refs: ['六.(一)', '七.3'] },
      { reason: 'notify-head', count: 1, pointsEach: 2, points: 2, items: 1, refs: ['七.3'] },
      { reason: 'report-coordinator', count: 1, pointsEach: 3, points: 3, items: 1, refs: ['七.3'] },
    ]);
  });

  test('a unit with only cancelled items: counted as cancelled, never late or missing, no points lost', () => {
    expect(unit(bulletin, '市教育局')).toMatchObject({
      assigned: 2,
      cancelled: 2,
      onTime: 0,
      late: 0,
      missing: 0,
      escalations: { urge: 0, 'notify-head': 0, 'report-coordinator': 0 },
      onTimeRate: null,
      score: 100,
      deductions: [],
    });
  });

  test('a granted extension is shown and costs nothing', () => {
    expect(unit(bulletin, '市民政局')).toMatchObject({ extensionsGranted: 1, score: 100, deductions: [] });
  });

  test('a period due later than the issuing day is not yet due; one due before it is missing without the flag', () => {
    expect(unit(bulletin, '市审计局')).toMatchObject({ assigned: 2, pending: 1, missing: 1, onTimeRate: 0, score: 95 });
  });

  test('an assignment without the period is not counted, nor is a unit that has only such assignments', () => {
    expect(bulletin.units.map((u) => u.unit)).not.toContain('市统计局');
  });
});

describe('computeBulletin: ranking and totals', () => {
  test('score, then on-time rate (nothing due last), then fewer escalations, then name; full ties share a rank', () => {
    expect(bulletin.units.map((u) => [u.rank, u.unit, u.score])).toEqual([
      [1, '市城管局', 100],
      [1, '市民政局', 100],
      [3, '市教育局', 100],
      [4, '市林业局', 98],
      [5, '市农业局', 98],
      [6, '市交通运输局', 97],
      [7, '市卫健委', 95],
      [8, '市商务局', 95],
      [9, '市审计局', 95],
      [10, '市水务局', 84],
    ]);
  });

  test('the ranking does not depend on the order the assignments come in', () => {
    const reversed = computeBulletin(input({ assignments: [...assignments].reverse() }));
    expect(reversed.units.map((u) => [u.rank, u.unit])).toEqual(bulletin.units.map((u) => [u.rank, u.unit]));
  });

  test('totals add up over the units, and every counted item has exactly one outcome', () => {
    const t = bulletin.totals;
    expect(t).toEqual({
      units: 10,
      assigned: 23,
      onTime: 10,
      late: 6,
      missing: 3,
      pending: 1,
      closed: 2,
      cancelled: 2,
      extensionsGranted: 1,
      escalations: { urge: 4, 'notify-head': 2, 'report-coordinator': 1 },
      escalatedItems: { urge: 4, 'notify-head': 2, 'report-coordinator': 1 },
      onTimeRate: 10 / 19,
    });
    // 一.3 is the one item closed before its due day without a report.
    expect(t.onTime + t.late + t.missing + t.pending + t.cancelled + 1).toBe(t.assigned);
  });

  test('praise for units all on time and never escalated; criticism for a missing report or a 通报', () => {
    expect(bulletin.praised).toEqual(['市城管局', '市民政局']);
    expect(bulletin.criticized).toEqual(['市卫健委', '市审计局', '市水务局']);
  });

  test('the bulletin is its own event payload: it parses with its schema and survives JSON unchanged', () => {
    expect(bulletinSchema.parse(bulletin)).toEqual(bulletin);
    expect(JSON.parse(JSON.stringify(bulletin))).toEqual(bulletin);
  });

  test('the ladder levels are the assignment workflow’s', () => {
    expect([...BULLETIN_LEVELS]).toEqual(escalationLevelSchema.options);
  });
});

describe('computeBulletin: edge cases', () => {
  test('an empty period: no units, zero totals, no rate', () => {
    const empty = computeBulletin(input({ period: { key: '2017-Q3', label: '2017年第三季度' } }));
    expect(empty.units).toEqual([]);
    expect(empty.totals).toMatchObject({ units: 0, assigned: 0, onTime: 0, onTimeRate: null });
    expect(empty.praised).toEqual([]);
    expect(formatBulletin(empty, 'text')).toContain('本期共督查 0 个责任单位的 0 项任务。本期没有到期应报送的任务。');
  });

  test('the issuing date is the Shanghai date: 00:30 on 7 July in Shanghai is still 6 July in UTC', () => {
    const b = computeBulletin(input({ issuedAt: new Date('2017-07-06T16:30:00Z') }));
    expect(formatBulletin(b, 'text').split('\n')[2]).toBe('2017年7月7日');
  });

  test('custom rules with half points, and a level that costs nothing leaves no deduction line', () => {
    const scoring = {
      base: 10,
      lateReport: 0.5,
      missingReport: 1.5,
      escalation: { urge: 0, 'notify-head': 1, 'report-coordinator': 2 },
    };
    const water = unit(computeBulletin(input({ scoring })), '市水务局');
    expect(water.score).toBe(10 - 2 * 0.5 - 1.5 - 1 - 2);
    expect(water.deductions.map((d) => d.reason)).toEqual(['late', 'missing', 'notify-head', 'report-coordinator']);
  });

  test('a unit with many items keeps the first 20 refs and says how many there were', () => {
    const many = Array.from({ length: 25 }, (_, i) => item('市住建局', `九.${i + 1}`, { overdue: true }));
    const b = computeBulletin(input({ assignments: many }));
    const missing = unit(b, '市住建局').deductions[0]!;
    expect(missing).toMatchObject({ reason: 'missing', count: 25, points: 125, items: 25 });
    expect(missing.refs).toHaveLength(MAX_REFS);
    expect(unit(b, '市住建局').score).toBe(-25);
    expect(formatBulletin(b, 'text')).toContain('  未报送 25 项 × 5 分 = −125 分（九.1、九.2、');
    expect(formatBulletin(b, 'text')).toContain('九.19、九.20 等 25 项）');
  });

  test('10,000 silent assignments over 100 units make a bulletin well under Kafka’s 1 MB record', () => {
    const units = Array.from({ length: 100 }, (_, u) => `第${u + 1}区人民政府`);
    const all = Array.from({ length: 10_000 }, (_, i) =>
      item(units[i % 100]!, `${Math.floor(i / 100) + 1}.(${i % 7}).${i}`, {
        overdue: true,
        escalations: ['urge', 'notify-head', 'report-coordinator'],
      }),
    );
    const b = computeBulletin(input({ assignments: all }));
    expect(b.totals).toMatchObject({ assigned: 10_000, missing: 10_000 });
    expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(300_000);
  });

  test('the same assignment twice is refused, naming it', () => {
    const twice = [assignments[0]!, assignments[0]!];
    expect(() => computeBulletin(input({ assignments: twice }))).toThrow('任务记录 c1:一.1:市城管局 出现了两次');
  });

  test('an issuing time that is not an instant is refused with the form to use', () => {
    expect(() => computeBulletin(input({ issuedAt: '7月12日' }))).toThrow('请用 ISO 8601 写法');
  });
});

describe('scoring rules in a cycle’s configuration', () => {
  test('the defaults are 100, late −2, missing −5, 催办 −1, 督办 −2, 通报 −3', () => {
    expect(scoringRulesSchema.parse(DEFAULT_SCORING)).toEqual({
      base: 100,
      lateReport: 2,
      missingReport: 5,
      escalation: { urge: 1, 'notify-head': 2, 'report-coordinator': 3 },
    });
  });

  test('a negative deduction, a third of a point or an unknown field is refused, naming the field', () => {
    const bad = (v: unknown) =>
      scoringRulesSchema.safeParse(v).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(bad({ ...DEFAULT_SCORING, lateReport: -2 })).toEqual([
      'lateReport: 逾期报送扣分（lateReport）不能为负数：写扣掉的分数，如 2 表示每项扣 2 分',
    ]);
    expect(bad({ ...DEFAULT_SCORING, escalation: { ...DEFAULT_SCORING.escalation, urge: 0.3 } })).toEqual([
      'escalation.urge: 催办扣分（escalation.urge）须为 0.5 分的整数倍（如 2 或 0.5）',
    ]);
    expect(bad({ ...DEFAULT_SCORING, lateness: 2 })?.[0]).toContain('lateness');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// what a reader checks in the printed bulletin

const HEADER = [
  '排名',
  '单位',
  '任务数',
  '按时报送',
  '逾期报送',
  '未报送',
  '未到期',
  '催办',
  '督办',
  '通报',
  '办结',
  '已取消',
  '准予延期',
  '按时报送率',
  '得分',
];

describe('formatBulletin: text', () => {
  const text = formatBulletin(bulletin, 'text');
  const lines = text.split('\n');

  test('title, date and the summary paragraph', () => {
    expect(lines.slice(0, 3)).toEqual(['关于2017年第二季度重点工作任务推进情况的督查通报', '', '2017年7月12日']);
    expect(lines[4]).toBe(
      '　　本期共督查 10 个责任单位的 23 项任务（其中已取消 2 项）。应报送 19 项，按时报送 10 项，逾期报送 6 项，' +
        '未报送 3 项，按时报送率 52.6%。另有 1 项尚未到期。已办结 2 项。被催办 4 项、督办 2 项、通报 1 项。' +
        '准予延期 1 次，不扣分。市城管局、市民政局按时报送且未被催办，予以表扬。' +
        '市卫健委、市审计局、市水务局有任务未报送或被通报，予以通报批评。',
    );
  });

  test('the ranked table: every row, aligned so the scores end in one column', () => {
    const start = lines.indexOf('一、报送情况及排名') + 2;
    const table = lines.slice(start, start + 12);
    expect(table.map((l) => l.trim().split(/\s+/))).toEqual([
      HEADER,
      ['1', '市城管局', '3', '2', '0', '0', '0', '0', '0', '0', '2', '0', '0', '100.0%', '100'],
      ['1', '市民政局', '1', '1', '0', '0', '0', '0', '0', '0', '0', '0', '1', '100.0%', '100'],
      ['3', '市教育局', '2', '0', '0', '0', '0', '0', '0', '0', '0', '2', '0', '—', '100'],
      ['4', '市林业局', '4', '3', '1', '0', '0', '0', '0', '0', '0', '0', '0', '75.0%', '98'],
      ['5', '市农业局', '2', '1', '1', '0', '0', '0', '0', '0', '0', '0', '0', '50.0%', '98'],
      ['6', '市交通运输局', '2', '1', '1', '0', '0', '1', '0', '0', '0', '0', '0', '50.0%', '97'],
      ['7', '市卫健委', '2', '1', '0', '1', '0', '0', '0', '0', '0', '0', '0', '50.0%', '95'],
      ['8', '市商务局', '2', '1', '1', '0', '0', '1', '1', '0', '0', '0', '0', '50.0%', '95'],
      ['9', '市审计局', '2', '0', '0', '1', '1', '0', '0', '0', '0', '0', '0', '0.0%', '95'],
      ['10', '市水务局', '3', '0', '2', '1', '0', '2', '1', '1', '0', '0', '0', '0.0%', '84'],
      ['合计', '23', '10', '6', '3', '1', '4', '2', '1', '2', '2', '1', '52.6%'],
    ]);
    // the 合计 row has no score: the header and the units end in the score column
    expect(new Set(table.slice(0, 11).map(displayWidth)).size).toBe(1);
  });

  test('each deducted score with its deductions, and the units that lost nothing', () => {
    const start = lines.indexOf('二、扣分情况');
    const end = lines.indexOf('三、评分办法');
    const section = lines.slice(start, end);
    expect(section).toContain('市水务局（得分 84 分）');
    const water = section.indexOf('市水务局（得分 84 分）');
    expect(section.slice(water + 1, water + 6)).toEqual([
      '  逾期报送 2 项 × 2 分 = −4 分（五.(二).29、六.(一)）',
      '  未报送 1 项 × 5 分 = −5 分（七.3）',
      '  催办 2 次 × 1 分 = −2 分（六.(一)、七.3）',
      '  督办 1 次 × 2 分 = −2 分（七.3）',
      '  通报 1 次 × 3 分 = −3 分（七.3）',
    ]);
    expect(section).toContain('市交通运输局（得分 97 分）');
    expect(section).not.toContain('市城管局（得分 100 分）');
    expect(section).toContain('其余单位未扣分。');
  });

  test('the scoring rules, so every score can be checked', () => {
    expect(text).toContain(
      '基础分 100 分；逾期报送每项扣 2 分，未报送每项扣 5 分；催办每次扣 1 分，督办每次扣 2 分，通报每次扣 3 分；',
    );
  });

  test('the optional columns are left out when no unit has one', () => {
    const plain = computeBulletin(input({ assignments: assignments.filter((a) => a.unit === '市水务局') }));
    const header = formatBulletin(plain, 'text')
      .split('\n')
      .find((l) => l.startsWith('排名'));
    expect(header?.trim().split(/\s+/)).toEqual(HEADER.filter((h) => !['未到期', '已取消', '准予延期'].includes(h)));
  });
});

describe('formatBulletin: Markdown', () => {
  const lines = formatBulletin(bulletin, 'md').split('\n');

  test('a heading, the date, and a table with right-aligned figures', () => {
    expect(lines[0]).toBe('# 关于2017年第二季度重点工作任务推进情况的督查通报');
    expect(lines[2]).toBe('2017年7月12日');
    const head = lines.indexOf(`| ${HEADER.join(' | ')} |`);
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toBe('| ---: | --- |' + ' ---: |'.repeat(HEADER.length - 2));
    expect(lines[head + 11]).toBe('| 10 | 市水务局 | 3 | 0 | 2 | 1 | 0 | 2 | 1 | 1 | 0 | 0 | 0 | 0.0% | 84 |');
    expect(lines[head + 12]).toBe('|  | 合计 | 23 | 10 | 6 | 3 | 1 | 4 | 2 | 1 | 2 | 2 | 1 | 52.6% |  |');
    expect(lines).toContain('| 3 | 市教育局 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | 0 | — | 100 |');
  });

  test('deductions as a list under each unit', () => {
    const water = lines.indexOf('- **市水务局**（得分 84 分）');
    expect(lines.slice(water + 1, water + 3)).toEqual([
      '  - 逾期报送 2 项 × 2 分 = −4 分（五.(二).29、六.(一)）',
      '  - 未报送 1 项 × 5 分 = −5 分（七.3）',
    ]);
  });

  test('a unit name with Markdown markup is escaped, so the table keeps its columns', () => {
    const odd = computeBulletin(input({ assignments: [item('市|直*单位', '一.1', { report: onTime() })] }));
    expect(formatBulletin(odd, 'md')).toContain('| 1 | 市\\|直\\*单位 | 1 | 1 |');
  });
});

describe('bulletinToXlsx', () => {
  const text = (v: ExcelJS.CellValue) => (v === null || v === undefined ? '' : v);

  async function sheet(b: Bulletin): Promise<ExcelJS.Worksheet> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bulletinToXlsx(b)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(BULLETIN_SHEET);
    if (!ws) throw new Error(`no sheet ${BULLETIN_SHEET}`);
    return ws;
  }

  function rowsFrom(ws: ExcelJS.Worksheet, first: number, width: number, offset = 1): unknown[][] {
    const rows: unknown[][] = [];
    for (let n = first; ; n++) {
      const row = ws.getRow(n);
      if (row.cellCount === 0 || text(row.getCell(offset + 1).value) === '') return rows;
      rows.push(Array.from({ length: width }, (_, i) => text(row.getCell(offset + i).value)));
    }
  }

  test('title, date and the ranked table read back as numbers, the rate formatted as a percentage', async () => {
    const ws = await sheet(bulletin);
    expect(ws.getCell('A1').value).toBe('关于2017年第二季度重点工作任务推进情况的督查通报');
    expect(ws.getCell('A2').value).toBe('2017年7月12日');
    expect(String(ws.getCell('A3').value)).toContain('按时报送率 52.6%');
    let header = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === '排名') header = n;
    });
    expect(rowsFrom(ws, header, HEADER.length)).toEqual([
      HEADER,
      [1, '市城管局', 3, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 100],
      [1, '市民政局', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 100],
      [3, '市教育局', 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, '—', 100],
      [4, '市林业局', 4, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0.75, 98],
      [5, '市农业局', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 98],
      [6, '市交通运输局', 2, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0.5, 97],
      [7, '市卫健委', 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0.5, 95],
      [8, '市商务局', 2, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0.5, 95],
      [9, '市审计局', 2, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 95],
      [10, '市水务局', 3, 0, 2, 1, 0, 2, 1, 1, 0, 0, 0, 0, 84],
      ['', '合计', 23, 10, 6, 3, 1, 4, 2, 1, 2, 2, 1, 10 / 19, ''],
    ]);
    expect(ws.getRow(header + 1).getCell(14).numFmt).toBe('0.0%');
    expect(ws.pageSetup.orientation).toBe('landscape');
  });

  test('the deductions, one row per unit and reason, with the items they came from', async () => {
    const ws = await sheet(bulletin);
    let header = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(2).value === '单位' && row.getCell(3).value === '得分') header = n;
    });
    const rows = rowsFrom(ws, header, 7, 2);
    expect(rows[0]).toEqual(['单位', '得分', '扣分事项', '数量', '每项（次）扣分', '扣分', '涉及任务']);
    expect(rows.filter((r) => r[0] === '市水务局')).toEqual([
      ['市水务局', 84, '逾期报送', 2, 2, -4, '五.(二).29、六.(一)'],
      ['市水务局', 84, '未报送', 1, 5, -5, '七.3'],
      ['市水务局', 84, '催办', 2, 1, -2, '六.(一)、七.3'],
      ['市水务局', 84, '督办', 1, 2, -2, '七.3'],
      ['市水务局', 84, '通报', 1, 3, -3, '七.3'],
    ]);
    expect(rows.map((r) => r[0])).not.toContain('市城管局');
  });
});
