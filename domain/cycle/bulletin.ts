/**
 * The quarterly 督查通报 of a supervision cycle: per lead unit, how many of its tasks reported on time, late or not
 * at all in one reporting period, how far the silent ones were escalated, a score with the deductions that made it,
 * and the units ranked by it.
 *
 * Pure: no I/O, no clock (the issuing instant is an input), no Intl, so the cycle workflow may compute a bulletin in
 * its own code and replay it exactly. The XLSX writer lives beside it, in `bulletin-xlsx.ts`: exceljs would make the
 * workflow bundle of a workflow importing this file three times as large (measured: 2.7 MB → 8.1 MB).
 *
 * A `Bulletin` is the payload of the stored and published `BulletinIssued` event, so it is compact and bounded:
 * deductions are aggregated per unit and reason, with counts and at most `MAX_REFS` item refs each.
 */
import { z } from 'zod';
import { isCalendarDate, shanghaiDate, type CalendarDate } from '../calendar';
import { boundedText } from '../text';

// ---------------------------------------------------------------------------------------------------------------
// input

/** The escalation ladder's levels, lowest first: 催办 urge the unit → 督办 notify its head → 通报 report it. */
export const BULLETIN_LEVELS = ['urge', 'notify-head', 'report-coordinator'] as const;
export type BulletinLevel = (typeof BULLETIN_LEVELS)[number];
export const LEVEL_NAMES: Record<BulletinLevel, string> = {
  urge: '催办',
  'notify-head': '督办',
  'report-coordinator': '通报',
};

/** One assignment (task item × lead unit) of the cycle, as its own state shows it when the bulletin is issued. */
export interface BulletinAssignment {
  assignmentId: string;
  ref: string;
  title: string;
  unit: string;
  status: 'assigned' | 'acknowledged' | 'completed' | 'cancelled';
  /** The assignment's period with the bulletin's key; an assignment without one is not counted in the bulletin. */
  period?: {
    key: string;
    due: CalendarDate;
    /** The period closed without a report (逾期): set by the assignment when its due day is over. */
    overdue: boolean;
    report?: { at: string /* ISO */; late: boolean };
    escalations: BulletinLevel[];
  };
  /** Extensions granted to this assignment (issue 8); 0 when absent. Shown, never deducted. */
  extensionsGranted?: number;
  /** The values its period's report gave for the item's targets (量化指标): how many, and how many met. */
  targets?: { reported: number; met: number };
}

// ---------------------------------------------------------------------------------------------------------------
// scoring rules: part of a cycle's configuration, so they have a schema that refuses a bad file field by field

const halfPoints = (label: string, max: number) =>
  z
    .number({ error: `${label}必须是数字（如 2）` })
    .min(0, `${label}不能为负数：写扣掉的分数，如 2 表示每项扣 2 分`)
    .max(max, `${label}最多 ${max} 分`)
    .multipleOf(0.5, `${label}须为 0.5 分的整数倍（如 2 或 0.5）`);

/**
 * Points a unit starts from and loses per late report, missing report and escalation step. Deductions are written
 * as positive numbers of points taken off. Whole and half points only, so every score is exact in binary floating
 * point and two units with the same record never differ by a rounding error.
 */
export const scoringRulesSchema = z.strictObject({
  /** 基础分: every unit starts from it. */
  base: halfPoints('基础分（base）', 1000),
  /** 逾期报送: per report that came after its due day. */
  lateReport: halfPoints('逾期报送扣分（lateReport）', 100),
  /** 未报送: per period that closed without a report. */
  missingReport: halfPoints('未报送扣分（missingReport）', 100),
  /** Per escalation step, by level: the higher the step reaches, the more it costs. */
  escalation: z.strictObject({
    urge: halfPoints('催办扣分（escalation.urge）', 100),
    'notify-head': halfPoints('督办扣分（escalation.notify-head）', 100),
    'report-coordinator': halfPoints('通报扣分（escalation.report-coordinator）', 100),
  }),
});
export type ScoringRules = z.infer<typeof scoringRulesSchema>;

/**
 * The defaults (README, "Bulletins and scores"): from 100, a late report −2, a missing one −5 (silence costs more
 * than lateness), and each escalation step more than the one below it — 催办 −1, 督办 −2, 通报 −3 — so a task left
 * silent all the way up the ladder costs 5 + 1 + 2 + 3 = 11 points, and one reported after the 催办 costs 2 + 1 = 3.
 */
export const DEFAULT_SCORING: ScoringRules = {
  base: 100,
  lateReport: 2,
  missingReport: 5,
  escalation: { urge: 1, 'notify-head': 2, 'report-coordinator': 3 },
};

// ---------------------------------------------------------------------------------------------------------------
// the bulletin: the BulletinIssued event's payload

/** At most this many item refs are kept per unit and reason; `items` says how many there were. */
export const MAX_REFS = 20;
const MAX_COUNT = 1_000_000;

const count = z.number().int().min(0).max(MAX_COUNT);
const unitName = boundedText('单位名称', 64);
const refText = boundedText('任务编号', 64);
const levelCounts = z.strictObject({ urge: count, 'notify-head': count, 'report-coordinator': count });
export type LevelCounts = z.infer<typeof levelCounts>;

export const DEDUCTION_REASONS = ['late', 'missing', ...BULLETIN_LEVELS] as const;
export type DeductionReason = (typeof DEDUCTION_REASONS)[number];
export const DEDUCTION_NAMES: Record<DeductionReason, string> = {
  late: '逾期报送',
  missing: '未报送',
  ...LEVEL_NAMES,
};

export const deductionSchema = z.strictObject({
  reason: z.enum(DEDUCTION_REASONS),
  /** Reports (late, missing) or escalation steps (one item may be escalated twice at one level by a long ladder). */
  count: count.min(1),
  pointsEach: z.number().min(0).max(100),
  /** count × pointsEach, taken off the base. */
  points: z.number().min(0),
  /** How many distinct items; `refs` holds the first MAX_REFS of them in the order the assignments came. */
  items: count.min(1),
  refs: z.array(refText).min(1).max(MAX_REFS),
});
export type Deduction = z.infer<typeof deductionSchema>;

const counts = {
  /** Assignments with the bulletin's period, cancelled ones included (任务数). */
  assigned: count,
  /** Reported on or before the due day (按时报送). */
  onTime: count,
  /** Reported after the due day (逾期报送). */
  late: count,
  /** The due day passed with no report (未报送). */
  missing: count,
  /** Not yet due when the bulletin was issued (未到期): neither on time nor late nor missing. */
  pending: count,
  /** 办结: completed; one completed before the due day with no report is not missing. */
  closed: count,
  /** 已取消: counted only here, never late or missing, no points lost. */
  cancelled: count,
  /** 准予延期: extensions granted, shown and never deducted. */
  extensionsGranted: count,
  /** 量化指标: target values reported, and those meeting their targets; absent when none was reported. */
  targetsReported: count.optional(),
  targetsMet: count.optional(),
  /** Escalation steps by level, cancelled items not included. */
  escalations: levelCounts,
  /** onTime / (onTime + late + missing); null when nothing was due. */
  onTimeRate: z.number().min(0).max(1).nullable(),
};

export const bulletinUnitSchema = z.strictObject({
  /** 1-based; units equal in score, on-time rate and escalations share a rank (并列), the next rank skips. */
  rank: z.number().int().min(1),
  unit: unitName,
  ...counts,
  score: z.number(),
  /** What was taken off the base, in the order late, missing, 催办, 督办, 通报; only reasons that cost points. */
  deductions: z.array(deductionSchema).max(DEDUCTION_REASONS.length),
});
export type BulletinUnit = z.infer<typeof bulletinUnitSchema>;

export const bulletinSchema = z.strictObject({
  cycleId: boundedText('督查周期编号', 200),
  cycleTitle: boundedText('督查周期名称', 500),
  period: z.strictObject({ key: boundedText('报送周期', 32), label: boundedText('报送周期名称', 64) }),
  issuedAt: z.iso.datetime(),
  scoring: scoringRulesSchema,
  /** In ranking order. */
  units: z.array(bulletinUnitSchema).max(MAX_COUNT),
  totals: z.strictObject({
    units: count,
    ...counts,
    /** Items that reached each level at least once. */
    escalatedItems: levelCounts,
  }),
  /** 表扬: reports were due, every one on time, nothing escalated. In ranking order. */
  praised: z.array(unitName),
  /** 通报批评: a report missing, or an item escalated to 通报. In ranking order. */
  criticized: z.array(unitName),
});
export type Bulletin = z.infer<typeof bulletinSchema>;

// ---------------------------------------------------------------------------------------------------------------
// computing it

export interface BulletinInput {
  cycleId: string;
  cycleTitle: string;
  period: { key: string; label: string };
  /** When the bulletin is issued: an instant (ISO string or Date); its Shanghai date is the bulletin's date. */
  issuedAt: string | Date;
  /** The cycle's assignments; those without a period of `period.key` are left out. */
  assignments: readonly BulletinAssignment[];
  scoring: ScoringRules;
}

type Outcome = 'onTime' | 'late' | 'missing' | 'pending' | 'closedUndue' | 'cancelled';

/**
 * What one assignment's period comes to. Lateness is read from the calendar as well as from the recorded flags (a
 * report dated after the due day is late; a due day before the bulletin's day is overdue) so that a bulletin issued
 * while an assignment's clock lags behind still says what the calendar says, as the decider does for reports.
 */
function outcome(a: BulletinAssignment, period: NonNullable<BulletinAssignment['period']>, issuedOn: string): Outcome {
  if (a.status === 'cancelled') return 'cancelled';
  if (period.report) {
    return period.report.late || shanghaiDate(new Date(period.report.at)) > period.due ? 'late' : 'onTime';
  }
  // A completed assignment closes no more periods: if its period never became overdue, it was closed before the
  // due day, and a task done needs no progress report.
  if (a.status === 'completed' && !period.overdue) return 'closedUndue';
  if (period.overdue || period.due < issuedOn) return 'missing';
  return 'pending';
}

interface Tally {
  unit: string;
  assigned: number;
  onTime: number;
  late: number;
  missing: number;
  pending: number;
  closed: number;
  cancelled: number;
  extensionsGranted: number;
  targetsReported: number;
  targetsMet: number;
  escalations: LevelCounts;
  /** Per reason: occurrences and the distinct refs, in input order. */
  reasons: Map<DeductionReason, { count: number; refs: string[] }>;
}

const noLevels = (): LevelCounts => ({ urge: 0, 'notify-head': 0, 'report-coordinator': 0 });

/**
 * One period's bulletin from the cycle's assignments: counts, scores with their deductions, and the ranking. Why it
 * is computed from each assignment's own state rather than from a running tally: a bulletin must agree with what
 * every assignment says about itself, and recomputing it from the same states gives the same bulletin.
 *
 * Ranking: score (high first), then on-time rate (high first; a unit with nothing due after any rate), then fewer
 * escalation steps, then the unit's name in Unicode code-point order — for Chinese names the order of the first
 * character's radical and stroke count, and the same on every runtime (no locale collation, which changes with ICU
 * versions and would break a workflow's replay). Units equal in the first three share a rank.
 *
 * Throws when two records share an assignment id, when the issuing instant is not a date, or when a period's due
 * date is not a calendar date: a caller error, said with the fix.
 */
export function computeBulletin(input: BulletinInput): Bulletin {
  const { period, scoring } = input;
  const issued = typeof input.issuedAt === 'string' ? new Date(input.issuedAt) : input.issuedAt;
  if (Number.isNaN(issued.getTime())) {
    throw new RangeError(
      `通报的印发时间 ${String(input.issuedAt)} 不是有效时刻；请用 ISO 8601 写法，如 2017-07-10T09:00:00+08:00`,
    );
  }
  const issuedOn = shanghaiDate(issued);
  const seen = new Set<string>();
  const tallies = new Map<string, Tally>();
  const escalatedItems = noLevels();

  for (const a of input.assignments) {
    if (seen.has(a.assignmentId)) {
      throw new RangeError(`任务记录 ${a.assignmentId} 出现了两次；每个交办任务只能给出一条记录`);
    }
    seen.add(a.assignmentId);
    const p = a.period;
    if (!p || p.key !== period.key) continue;
    if (!isCalendarDate(p.due)) {
      throw new RangeError(`任务 ${a.ref}（${a.unit}）的报送截止日期 ${p.due} 不是有效日期；请写成 YYYY-MM-DD`);
    }
    const t = tallyOf(tallies, a.unit);
    t.assigned += 1;
    const result = outcome(a, p, issuedOn);
    if (result === 'cancelled') {
      t.cancelled += 1;
      continue;
    }
    if (result === 'closedUndue') t.closed += 1;
    else {
      t[result] += 1;
      if (a.status === 'completed') t.closed += 1;
    }
    if (result === 'late' || result === 'missing') note(t, result, a.ref, 1);
    t.extensionsGranted += a.extensionsGranted ?? 0;
    t.targetsReported += a.targets?.reported ?? 0;
    t.targetsMet += a.targets?.met ?? 0;
    for (const level of BULLETIN_LEVELS) {
      const steps = p.escalations.filter((l) => l === level).length;
      if (steps === 0) continue;
      t.escalations[level] += steps;
      escalatedItems[level] += 1;
      note(t, level, a.ref, steps);
    }
  }

  const scored = [...tallies.values()].map((t) => toUnit(t, scoring));
  const units = scored.sort(compareUnits);
  units.forEach((u, i) => {
    const prev = units[i - 1];
    u.rank = prev && rankKeyEqual(prev, u) ? prev.rank : i + 1;
  });

  const sum = (pick: (u: BulletinUnit) => number) => units.reduce((s, u) => s + pick(u), 0);
  const onTime = sum((u) => u.onTime);
  const late = sum((u) => u.late);
  const missing = sum((u) => u.missing);
  return {
    cycleId: input.cycleId,
    cycleTitle: input.cycleTitle,
    period: { key: period.key, label: period.label },
    issuedAt: issued.toISOString(),
    scoring,
    units,
    totals: {
      units: units.length,
      assigned: sum((u) => u.assigned),
      onTime,
      late,
      missing,
      pending: sum((u) => u.pending),
      closed: sum((u) => u.closed),
      cancelled: sum((u) => u.cancelled),
      extensionsGranted: sum((u) => u.extensionsGranted),
      ...targetCounts(
        sum((u) => u.targetsReported ?? 0),
        sum((u) => u.targetsMet ?? 0),
      ),
      escalations: {
        urge: sum((u) => u.escalations.urge),
        'notify-head': sum((u) => u.escalations['notify-head']),
        'report-coordinator': sum((u) => u.escalations['report-coordinator']),
      },
      onTimeRate: rate(onTime, late, missing),
      escalatedItems,
    },
    praised: units.filter(isPraised).map((u) => u.unit),
    criticized: units.filter(isCriticized).map((u) => u.unit),
  };
}

function tallyOf(tallies: Map<string, Tally>, unit: string): Tally {
  let t = tallies.get(unit);
  if (!t) {
    t = {
      unit,
      assigned: 0,
      onTime: 0,
      late: 0,
      missing: 0,
      pending: 0,
      closed: 0,
      cancelled: 0,
      extensionsGranted: 0,
      targetsReported: 0,
      targetsMet: 0,
      escalations: noLevels(),
      reasons: new Map(),
    };
    tallies.set(unit, t);
  }
  return t;
}

function note(t: Tally, reason: DeductionReason, ref: string, times: number): void {
  const r = t.reasons.get(reason) ?? { count: 0, refs: [] };
  r.count += times;
  if (!r.refs.includes(ref)) r.refs.push(ref);
  t.reasons.set(reason, r);
}

function pointsFor(reason: DeductionReason, scoring: ScoringRules): number {
  switch (reason) {
    case 'late':
      return scoring.lateReport;
    case 'missing':
      return scoring.missingReport;
    case 'urge':
    case 'notify-head':
    case 'report-coordinator':
      return scoring.escalation[reason];
    default: {
      const never: never = reason;
      return never;
    }
  }
}

function toUnit(t: Tally, scoring: ScoringRules): BulletinUnit {
  const deductions: Deduction[] = [];
  for (const reason of DEDUCTION_REASONS) {
    const r = t.reasons.get(reason);
    const pointsEach = pointsFor(reason, scoring);
    if (!r || pointsEach === 0) continue;
    deductions.push({
      reason,
      count: r.count,
      pointsEach,
      points: r.count * pointsEach,
      items: r.refs.length,
      refs: r.refs.slice(0, MAX_REFS),
    });
  }
  return {
    rank: 0,
    unit: t.unit,
    assigned: t.assigned,
    onTime: t.onTime,
    late: t.late,
    missing: t.missing,
    pending: t.pending,
    closed: t.closed,
    cancelled: t.cancelled,
    extensionsGranted: t.extensionsGranted,
    ...targetCounts(t.targetsReported, t.targetsMet),
    escalations: t.escalations,
    onTimeRate: rate(t.onTime, t.late, t.missing),
    score: deductions.reduce((s, d) => s - d.points, scoring.base),
    deductions,
  };
}

function rate(onTime: number, late: number, missing: number): number | null {
  const due = onTime + late + missing;
  return due === 0 ? null : onTime / due;
}

const stepsOf = (u: BulletinUnit) => BULLETIN_LEVELS.reduce((s, l) => s + u.escalations[l], 0);

function compareRankKey(a: BulletinUnit, b: BulletinUnit): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.onTimeRate !== b.onTimeRate) {
    if (a.onTimeRate === null) return 1;
    if (b.onTimeRate === null) return -1;
    return b.onTimeRate - a.onTimeRate;
  }
  return stepsOf(a) - stepsOf(b);
}

const rankKeyEqual = (a: BulletinUnit, b: BulletinUnit) => compareRankKey(a, b) === 0;

function compareUnits(a: BulletinUnit, b: BulletinUnit): number {
  return compareRankKey(a, b) || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0);
}

function isPraised(u: BulletinUnit): boolean {
  return u.onTime > 0 && u.late === 0 && u.missing === 0 && stepsOf(u) === 0;
}

function isCriticized(u: BulletinUnit): boolean {
  return u.missing > 0 || u.escalations['report-coordinator'] > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// printing it: the pieces every format shares (text, Markdown, and the XLSX in bulletin-xlsx.ts)

/** Two ideographic spaces (U+3000): how a Chinese paragraph begins. */
export const PARAGRAPH_INDENT = '\u3000\u3000';

/** '2017年7月10日': the issuing date as a 公文 writes it (GB/T 9704: Arabic numerals, no leading zeros). */
export function bulletinDate(b: Bulletin): string {
  const [y, m, d] = shanghaiDate(new Date(b.issuedAt)).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * '关于2017年第二季度重点工作任务推进情况的督查通报'. A year the period's label already names is not said twice: a cycle
 * titled '2017年重点工作任务' gives the same title.
 */
export function bulletinTitle(b: Bulletin): string {
  const year = /^(\d{4})年/.exec(b.period.label)?.[1];
  const subject = year && b.cycleTitle.startsWith(`${year}年`) ? b.cycleTitle.slice(year.length + 1) : b.cycleTitle;
  return `关于${b.period.label}${subject}推进情况的督查通报`;
}

/** An on-time rate as people read it: '66.7%', or '—' when nothing was due. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** Points with a true minus sign (−4), as a printed notice writes them. */
export function formatPoints(points: number): string {
  return points < 0 ? `−${-points}` : String(points);
}

/** '逾期报送 2 项 × 2 分 = −4 分（五.(二).29、六.(一)）': one deduction, with the items it came from. */
export function deductionLine(d: Deduction): string {
  const measure = d.reason === 'late' || d.reason === 'missing' ? '项' : '次';
  const more = d.items > d.refs.length ? ` 等 ${d.items} 项` : '';
  return (
    `${DEDUCTION_NAMES[d.reason]} ${d.count} ${measure} × ${d.pointsEach} 分 = ${formatPoints(-d.points)} 分` +
    `（${d.refs.join('、')}${more}）`
  );
}

/** The opening paragraph: how many units and tasks, the on-time rate, escalations, praise and criticism. */
export function bulletinSummary(b: Bulletin): string {
  const t = b.totals;
  const due = t.onTime + t.late + t.missing;
  const parts = [
    `本期共督查 ${t.units} 个责任单位的 ${t.assigned} 项任务${t.cancelled > 0 ? `（其中已取消 ${t.cancelled} 项）` : ''}。`,
    due === 0
      ? '本期没有到期应报送的任务。'
      : `应报送 ${due} 项，按时报送 ${t.onTime} 项，逾期报送 ${t.late} 项，未报送 ${t.missing} 项，` +
        `按时报送率 ${formatRate(t.onTimeRate)}。`,
  ];
  if (t.pending > 0) parts.push(`另有 ${t.pending} 项尚未到期。`);
  if (t.closed > 0) parts.push(`已办结 ${t.closed} 项。`);
  const e = t.escalatedItems;
  parts.push(
    BULLETIN_LEVELS.some((l) => e[l] > 0)
      ? `被${BULLETIN_LEVELS.map((l) => `${LEVEL_NAMES[l]} ${e[l]} 项`).join('、')}。`
      : '本期没有任务被催办、督办或通报。',
  );
  if (t.extensionsGranted > 0) parts.push(`准予延期 ${t.extensionsGranted} 次，不扣分。`);
  if (t.targetsReported) parts.push(`报送量化指标 ${t.targetsReported} 项，达标 ${t.targetsMet ?? 0} 项。`);
  if (b.praised.length > 0) parts.push(`${b.praised.join('、')}按时报送且未被催办，予以表扬。`);
  if (b.criticized.length > 0) parts.push(`${b.criticized.join('、')}有任务未报送或被通报，予以通报批评。`);
  return parts.join('');
}

/** The scoring rules in words, so a reader can check every score. */
export function scoringText(s: ScoringRules): string {
  const e = s.escalation;
  return (
    `基础分 ${s.base} 分；逾期报送每项扣 ${s.lateReport} 分，未报送每项扣 ${s.missingReport} 分；` +
    `催办每次扣 ${e.urge} 分，督办每次扣 ${e['notify-head']} 分，通报每次扣 ${e['report-coordinator']} 分；` +
    '已取消的任务不计逾期、未报送，不扣分；准予延期不扣分。' +
    '得分相同的，按时报送率高者在前；再相同的，被催办、督办、通报次数少者在前；仍相同的并列同一名次，按单位名称排列。'
  );
}

/** A row of the ranked table: a unit, or the totals (no rank, no score). */
export interface BulletinRow extends Omit<BulletinUnit, 'rank' | 'score' | 'deductions'> {
  rank: number | null;
  score: number | null;
}

export interface BulletinColumn {
  header: string;
  /** How the cell is shown: text as is, counts and points as numbers, the rate as a percentage. */
  kind: 'text' | 'count' | 'rate' | 'points';
  cell(row: BulletinRow): string | number | null;
}

/**
 * The ranked table's columns. 未到期, 已取消 and 准予延期 appear only when some unit has one, so the usual bulletin
 * keeps the columns a 督查室 prints; every format takes its columns from here and they always agree.
 */
export function bulletinColumns(b: Bulletin): BulletinColumn[] {
  const t = b.totals;
  const count = (header: string, pick: (r: BulletinRow) => number): BulletinColumn => ({
    header,
    kind: 'count',
    cell: pick,
  });
  return [
    { header: '排名', kind: 'count', cell: (r) => r.rank },
    { header: '单位', kind: 'text', cell: (r) => r.unit },
    count('任务数', (r) => r.assigned),
    count('按时报送', (r) => r.onTime),
    count('逾期报送', (r) => r.late),
    count('未报送', (r) => r.missing),
    ...(t.pending > 0 ? [count('未到期', (r) => r.pending)] : []),
    ...BULLETIN_LEVELS.map((l) => count(LEVEL_NAMES[l], (r) => r.escalations[l])),
    count('办结', (r) => r.closed),
    ...(t.cancelled > 0 ? [count('已取消', (r) => r.cancelled)] : []),
    ...(t.extensionsGranted > 0 ? [count('准予延期', (r) => r.extensionsGranted)] : []),
    { header: '按时报送率', kind: 'rate', cell: (r) => r.onTimeRate },
    { header: '得分', kind: 'points', cell: (r) => r.score },
  ];
}

/** The table's rows: the units in ranking order, then 合计. */
/** Target counts only when some value was reported, so a bulletin without them reads as it always did. */
function targetCounts(reported: number, met: number): { targetsReported?: number; targetsMet?: number } {
  return reported > 0 ? { targetsReported: reported, targetsMet: met } : {};
}

export function bulletinRows(b: Bulletin): BulletinRow[] {
  const t = b.totals;
  const totals: BulletinRow = {
    rank: null,
    unit: '合计',
    assigned: t.assigned,
    onTime: t.onTime,
    late: t.late,
    missing: t.missing,
    pending: t.pending,
    closed: t.closed,
    cancelled: t.cancelled,
    extensionsGranted: t.extensionsGranted,
    escalations: t.escalations,
    onTimeRate: t.onTimeRate,
    score: null,
  };
  return [...b.units, totals];
}

function cellText(c: BulletinColumn, row: BulletinRow): string {
  const v = c.cell(row);
  if (v === null) return c.kind === 'rate' ? '—' : '';
  if (c.kind === 'rate') return formatRate(v as number);
  if (c.kind === 'points') return formatPoints(v as number);
  return String(v);
}

/** Columns a terminal (or a spreadsheet's width unit) gives a text: two per CJK or full-width character, one else. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

const MD_SPECIAL = /[\\`*_[\]<>|#]/g;
const md = (s: string) => s.replace(MD_SPECIAL, (c) => `\\${c}`);

/**
 * The bulletin as a 督查通报 to read or paste: title, date, summary, the ranked table, each unit's deductions and the
 * scoring rules. 'text' aligns the table for a terminal (CJK characters two columns wide); 'md' writes a Markdown
 * table, escaping what Markdown would read as markup.
 */
export function formatBulletin(b: Bulletin, format: 'text' | 'md'): string {
  const columns = bulletinColumns(b);
  const rows = bulletinRows(b);
  const table = rows.map((r) => columns.map((c) => cellText(c, r)));
  const deducted = b.units.filter((u) => u.deductions.length > 0);
  const rest = deducted.length > 0 && deducted.length < b.units.length ? ['其余单位未扣分。'] : [];
  const lines: string[] = [];
  if (format === 'md') {
    lines.push(`# ${md(bulletinTitle(b))}`, '', bulletinDate(b), '', md(bulletinSummary(b)), '');
    lines.push('## 一、报送情况及排名', '');
    lines.push(`| ${columns.map((c) => c.header).join(' | ')} |`);
    lines.push(`|${columns.map((c) => (c.kind === 'text' ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const cells of table) lines.push(`| ${cells.map(md).join(' | ')} |`);
    lines.push('', '## 二、扣分情况', '');
    if (deducted.length === 0) lines.push('本期各单位均未扣分。');
    for (const u of deducted) {
      lines.push(`- **${md(u.unit)}**（得分 ${formatPoints(u.score)} 分）`);
      for (const d of u.deductions) lines.push(`  - ${md(deductionLine(d))}`);
    }
    if (rest.length > 0) lines.push('', ...rest);
    lines.push('', '## 三、评分办法', '', md(scoringText(b.scoring)));
  } else {
    const all = [columns.map((c) => c.header), ...table];
    const widths = columns.map((_, i) => Math.max(...all.map((cells) => displayWidth(cells[i] ?? ''))));
    const line = (cells: string[]) =>
      cells
        .map((s, i) => pad(s, widths[i] ?? 0, columns[i]?.kind !== 'text'))
        .join('  ')
        .trimEnd();
    lines.push(bulletinTitle(b), '', bulletinDate(b), '', `${PARAGRAPH_INDENT}${bulletinSummary(b)}`, '');
    lines.push('一、报送情况及排名', '', line(columns.map((c) => c.header)));
    for (const cells of table) lines.push(line(cells));
    lines.push('', '二、扣分情况', '');
    if (deducted.length === 0) lines.push('本期各单位均未扣分。');
    for (const u of deducted) {
      lines.push(`${u.unit}（得分 ${formatPoints(u.score)} 分）`);
      for (const d of u.deductions) lines.push(`  ${deductionLine(d)}`);
    }
    lines.push(...rest);
    lines.push('', '三、评分办法', '', `${PARAGRAPH_INDENT}${scoringText(b.scoring)}`);
  }
  return `${lines.join('\n')}\n`;
}
