/**
 * Reporting periods (报送期): the days an assignment's unit reports progress, each named by the span of work it
 * reports on ("2017年第一季度"), so reminders, escalations and the quarterly bulletin all speak of the same period.
 * Pure: the launch planner computes them once and they travel in the assignment's spec.
 */
import { daysBetween, daysInMonth, isoDate, monthEnd, quarterKey, quarterLabel, type CalendarDate } from '../calendar';
import type { ReportFrequency } from '../plan';

/** One reporting period of an assignment. */
export interface ReportingPeriod {
  /** Stable key: '2017-Q1' (quarterly), '2017-07' (monthly), '2017-H1' (half-yearly), '2017' (annual), or the
   *  due date 'YYYY-MM-DD' for a one-off date. Distinct within an assignment. */
  key: string;
  /** For people: '2017年第一季度', '2017年7月', '2017年上半年', '2017年度', '2017年9月30日'. */
  label: string;
  /** The day the report is due, as the plan states it (kept as written, even on a non-working day). */
  due: CalendarDate;
}

/** The span of work a periodic report covers. */
export type PeriodSpan = 'month' | 'quarter' | 'half-year' | 'year';

/** The span each reporting frequency covers; a one-off report covers none. */
export const SPAN_OF_FREQUENCY: Record<ReportFrequency, PeriodSpan | null> = {
  monthly: 'month',
  quarterly: 'quarter',
  'half-yearly': 'half-year',
  annual: 'year',
  once: null,
};

const SPAN_MONTHS: Record<PeriodSpan, number> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };

function ymd(date: CalendarDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** '2017年9月30日': a one-off date as a notice writes it. */
export function dateLabel(date: CalendarDate): string {
  const [y, m, d] = ymd(date);
  return `${y}年${m}月${d}日`;
}

/**
 * The same month and day `years` later (or earlier): how `--year` moves a plan. 2月29日 becomes 2月28日 in a
 * year without it, the only day that does not exist every year.
 */
export function shiftYears(date: CalendarDate, years: number): CalendarDate {
  if (years === 0) return date;
  const [y, m, d] = ymd(date);
  return isoDate(y + years, m, Math.min(d, daysInMonth(y + years, m)));
}

/** `n` months later; a month end stays a month end (01-31 → 04-30), another day keeps its day where it exists. */
export function addMonths(date: CalendarDate, n: number): CalendarDate {
  const [y, m, d] = ymd(date);
  const index = y * 12 + (m - 1) + n;
  const [ty, tm] = [Math.floor(index / 12), (index % 12) + 1];
  return d === daysInMonth(y, m) ? monthEnd(ty, tm) : isoDate(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** A span of the calendar: its first and last day, key and label. */
interface Span {
  key: string;
  label: string;
  start: CalendarDate;
  end: CalendarDate;
}

function spanStarting(span: PeriodSpan, year: number, month: number): Span {
  const start = isoDate(year, month, 1);
  const end = addMonths(monthEnd(year, month), SPAN_MONTHS[span] - 1);
  switch (span) {
    case 'month':
      return { key: `${year}-${String(month).padStart(2, '0')}`, label: `${year}年${month}月`, start, end };
    case 'quarter':
      return { key: quarterKey(start), label: quarterLabel(start), start, end };
    case 'half-year':
      return month === 1
        ? { key: `${year}-H1`, label: `${year}年上半年`, start, end }
        : { key: `${year}-H2`, label: `${year}年下半年`, start, end };
    case 'year':
      return { key: String(year), label: `${year}年度`, start, end };
    default: {
      const never: never = span;
      return never;
    }
  }
}

function spanContaining(span: PeriodSpan, date: CalendarDate): Span {
  const [y, m] = ymd(date);
  const months = SPAN_MONTHS[span];
  return spanStarting(span, y, Math.floor((m - 1) / months) * months + 1);
}

function spanBefore(span: PeriodSpan, s: Span): Span {
  const [y, m] = ymd(addMonths(s.start, -SPAN_MONTHS[span]));
  return spanStarting(span, y, m);
}

/**
 * The span a report of `span` due on `date` covers: of the span containing the day and the one before it, the one
 * whose end lies nearer.
 */
function coveredSpan(span: PeriodSpan, date: CalendarDate): Span {
  const own = spanContaining(span, date);
  const before = spanBefore(span, own);
  return daysBetween(before.end, date) < daysBetween(date, own.end) ? before : own;
}

/**
 * The period a report of `span` due on `date` reports on: of the span containing the day and the one before it,
 * the one whose end lies nearer. So 3月31日 and 季度结束后10日内 (4月10日) both report on the first quarter, 7月15日
 * on the first half-year, 次年1月15日 on the year before, while 12月15日 reports on its own year and 每月5日 on the
 * month before.
 */
export function periodOn(span: PeriodSpan, date: CalendarDate): ReportingPeriod {
  const covered = coveredSpan(span, date);
  return { key: covered.key, label: covered.label, due: date };
}

/** A report on a day of its own: keyed and labelled by the date. */
export function oneOffPeriod(date: CalendarDate): ReportingPeriod {
  return { key: date, label: dateLabel(date), due: date };
}

/** Where report days come from: a rule's days in the plan year, repeated each later year unless one-off. */
export interface PeriodSource {
  span: PeriodSpan | null;
  dates: CalendarDate[];
  /** Periodic rules come round every year: the same days in each later year up to the item's due date. */
  repeat: boolean;
}

export interface ItemPeriods {
  periods: ReportingPeriod[];
  /** Keys two report days fell in (the later day was kept). */
  collisions: Array<{ key: string; kept: CalendarDate; dropped: CalendarDate }>;
  /** Rule days after the item's due date whose period the item's work still covers (次年1月15日 for a 12-31 item). */
  afterDue: ReportingPeriod[];
}

/* When two reports fall on one day, the one of the finest span is kept (its bulletin comes round most often), a
   named period before a one-off date. */
const SAME_DAY_RANK: Record<PeriodSpan | 'once', number> = { month: 0, quarter: 1, 'half-year': 2, year: 3, once: 4 };

const MAX_YEARS = 100;

/**
 * An item's reporting periods: every report day of `sources` within [today, due], one per key (two days in one key:
 * the later kept) and one per day (see SAME_DAY_RANK), ascending, plus the due date itself when no period falls on
 * it, so the last report is the completion report. Work already past due reports once, on its due date (named by
 * its rule's period when one falls on it).
 */
export function itemPeriods(sources: readonly PeriodSource[], due: CalendarDate, today: CalendarDate): ItemPeriods {
  const byKey = new Map<string, { period: ReportingPeriod; rank: number }>();
  const collisions: ItemPeriods['collisions'] = [];
  const afterDue: ReportingPeriod[] = [];
  for (const source of sources) {
    const rank = SAME_DAY_RANK[source.span ?? 'once'];
    for (let k = 0; k <= (source.repeat ? MAX_YEARS : 0); k++) {
      const dates = source.dates.map((d) => shiftYears(d, k));
      for (const d of dates) {
        const period = source.span === null ? oneOffPeriod(d) : periodOn(source.span, d);
        if (d > due) {
          if (source.span !== null && coveredSpan(source.span, d).end <= due) afterDue.push(period);
          continue;
        }
        if (d < today && d !== due) continue; // the due date's own period is kept: work past due reports once
        const held = byKey.get(period.key);
        if (held === undefined) byKey.set(period.key, { period, rank });
        else if (held.period.due !== d) {
          const later = d > held.period.due;
          collisions.push({ key: period.key, kept: later ? d : held.period.due, dropped: later ? held.period.due : d });
          if (later) byKey.set(period.key, { period, rank });
        }
      }
      if (dates.every((d) => d > due)) break;
    }
  }
  const byDay = new Map<CalendarDate, { period: ReportingPeriod; rank: number }>();
  for (const entry of byKey.values()) {
    const held = byDay.get(entry.period.due);
    if (!held || entry.rank < held.rank) byDay.set(entry.period.due, entry);
  }
  const periods = [...byDay.values()].map((e) => e.period).sort((a, b) => (a.due < b.due ? -1 : 1));
  if (!periods.some((p) => p.due === due)) periods.push(oneOffPeriod(due));
  return { periods, collisions, afterDue };
}
