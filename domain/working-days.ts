/**
 * Chinese working days (工作日) in Asia/Shanghai: Saturdays and Sundays off, except the weekend days the State
 * Council's yearly notice makes working days (调休上班), and the public holidays (法定节假日) off even on weekdays.
 *
 * Pure: no I/O, no clock, no data package. This module is bundled into the Temporal workflow, which carries its
 * calendar as data (a `WorkingCalendar` slice embedded in the assignment's spec), so a schedule computed on replay is
 * the schedule computed the first time, whatever calendar years were imported since. Where the slice says nothing (a
 * date outside it, or a year whose notice is not known), weekends alone decide, and `unknownYears` says so.
 */
import { addDays, epochDayOf, isCalendarDate, isoDate, type CalendarDate } from './calendar';

/** A working-day calendar slice, embedded in each assignment's spec so its schedule never changes on replay. */
export interface WorkingCalendar {
  /** First and last day the slice covers (inclusive). Outside it: weekends only. */
  from: CalendarDate;
  to: CalendarDate;
  /** Weekdays that are not working days (法定节假日), ascending, within [from, to]. */
  holidays: CalendarDate[];
  /** Weekend days that are working days (调休上班), ascending, within [from, to]. */
  workdays: CalendarDate[];
  /** Years within [from, to] whose official dates are not known: weekends only there, and said loudly. */
  unknownYears: number[];
}

/**
 * One year's official dates, as the State Council's notice for that year lists them (国务院办公厅关于…年部分节假日
 * 安排的通知). `holidays` are the days off as the notice gives them, weekend days of a holiday run included;
 * `workdays` the weekend days worked instead. A notice's 元旦 arrangement may reach back into the last days of the
 * year before (the 2019 notice: 2018-12-29 worked, 2018-12-30 to 2019-01-01 off); those dates belong to `year`'s
 * notice all the same.
 */
export interface YearDates {
  year: number;
  holidays: CalendarDate[];
  workdays: CalendarDate[];
  /** Where the dates come from, for people: the notice's title, or the data package and its version. */
  source: string;
  /** The holiday a date belongs to (春节, 国庆节), for a date of `holidays` or `workdays`, when known. */
  names?: Record<CalendarDate, string>;
}

/** 0 Sunday … 6 Saturday, for a Shanghai calendar date (a date has no time zone: its weekday is the same everywhere). */
export function weekdayOf(date: CalendarDate): number {
  return (((epochDayOf(date) + THURSDAY) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

const THURSDAY = 4;

export function isWeekend(date: CalendarDate): boolean {
  const day = weekdayOf(date);
  return day === 0 || day === 6;
}

/** Whether a sorted array holds `date`: the slice's lists are ascending, so a lookup costs a few comparisons. */
function sortedHas(sorted: readonly CalendarDate[], date: CalendarDate): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = sorted[mid]!;
    if (at === date) return true;
    if (at < date) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Whether offices work on `date`: a make-up Saturday (调休上班) is a working day, a weekday holiday is not. Outside
 * the slice, and in its unknown years, only weekends are off.
 */
export function isWorkingDay(cal: WorkingCalendar, date: CalendarDate): boolean {
  const weekend = isWeekend(date);
  if (date < cal.from || date > cal.to) return !weekend;
  return weekend ? sortedHas(cal.workdays, date) : !sortedHas(cal.holidays, date);
}

function step(cal: WorkingCalendar, date: CalendarDate, direction: 1 | -1): CalendarDate {
  return remembered(cal, `${date}~${direction}`, () => {
    let d = date;
    while (!isWorkingDay(cal, d)) d = addDays(d, direction);
    return d;
  });
}

/**
 * Answers already worked out, per calendar. An assignment asks its calendar the same few questions (the working day
 * N days before each due date) at every workflow task, and a replay asks them again for every task of the history;
 * the answers are pure, so keeping them changes nothing but the time. Held weakly: they go with their calendar.
 */
const answers = new WeakMap<WorkingCalendar, Map<string, CalendarDate>>();

function remembered(cal: WorkingCalendar, question: string, work: () => CalendarDate): CalendarDate {
  let known = answers.get(cal);
  if (!known) answers.set(cal, (known = new Map()));
  let answer = known.get(question);
  if (answer === undefined) known.set(question, (answer = work()));
  return answer;
}

/**
 * `date` itself when it is a working day, else the first working day after it: where a notice that would fall on a
 * holiday goes instead (a reminder due on 2017-10-01 goes on 2017-10-09).
 */
export function nextWorkingDay(cal: WorkingCalendar, date: CalendarDate): CalendarDate {
  return step(cal, date, 1);
}

/** `date` itself when it is a working day, else the last working day before it. */
export function previousWorkingDay(cal: WorkingCalendar, date: CalendarDate): CalendarDate {
  return step(cal, date, -1);
}

/**
 * The n-th working day after `date` (n > 0) or before it (n < 0), `date` itself not counted; n = 0 gives `date`
 * unchanged, working day or not. "Remind 5 working days before the due date" is `addWorkingDays(cal, due, -5)`;
 * "督办 3 working days after 催办" is `addWorkingDays(cal, urgedOn, 3)`.
 */
export function addWorkingDays(cal: WorkingCalendar, date: CalendarDate, n: number): CalendarDate {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date} (expected YYYY-MM-DD)`);
  if (!Number.isInteger(n)) throw new RangeError(`working days must be a whole number, not ${n}`);
  return remembered(cal, `${date}${n < 0 ? '' : '+'}${n}`, () => {
    const direction = n < 0 ? -1 : 1;
    let d = date;
    for (let left = Math.abs(n); left > 0;) {
      d = addDays(d, direction);
      if (isWorkingDay(cal, d)) left -= 1;
    }
    return d;
  });
}

/**
 * Working days from `from` to `to`, the inverse of `addWorkingDays`: for a working day `to`,
 * `addWorkingDays(cal, from, workingDaysBetween(cal, from, to)) === to`. Counts the working days in (from, to] when
 * `to` is later, and minus those in [to, from) when it is earlier; 0 when they are the same day. How late a report
 * is, in the days offices count.
 */
export function workingDaysBetween(cal: WorkingCalendar, from: CalendarDate, to: CalendarDate): number {
  if (!isCalendarDate(from)) throw new RangeError(`not a calendar date: ${from} (expected YYYY-MM-DD)`);
  if (!isCalendarDate(to)) throw new RangeError(`not a calendar date: ${to} (expected YYYY-MM-DD)`);
  let count = 0;
  if (to >= from) {
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(cal, d)) count += 1;
    return count;
  }
  for (let d = to; d < from; d = addDays(d, 1)) if (isWorkingDay(cal, d)) count -= 1;
  return count;
}

/** The years whose official dates are known, ascending: the ones a slice will not call unknown. */
export function knownYears(years: readonly YearDates[]): number[] {
  return [...new Set(years.map((y) => y.year))].sort((a, b) => a - b);
}

/**
 * The calendar for [range.from, range.to], cut from the known years, to embed in an assignment's spec: small (the
 * weekday holidays and the make-up weekend days of those years, a few dozen dates a year) and frozen, so the
 * assignment keeps the schedule it was launched with.
 *
 * Years are applied in ascending order and a later year's notice wins for a date it names: the 元旦 arrangement of
 * year Y+1 may change the last days of year Y. A year of the range that no entry of `years` names is listed in
 * `unknownYears`, and counts weekends only.
 */
export function calendarSlice(
  range: { from: CalendarDate; to: CalendarDate },
  years: readonly YearDates[],
): WorkingCalendar {
  const { from, to } = range;
  for (const d of [from, to]) {
    if (!isCalendarDate(d)) throw new RangeError(`not a calendar date: ${d} (expected YYYY-MM-DD)`);
  }
  if (from > to) throw new RangeError(`calendar slice from ${from} to ${to}: the start is after the end`);
  const seen = new Set<number>();
  for (const y of years) {
    if (seen.has(y.year)) throw new RangeError(`calendar year ${y.year} given twice: pass each year once`);
    seen.add(y.year);
  }

  const status = new Map<CalendarDate, 'holiday' | 'workday'>();
  for (const y of [...years].sort((a, b) => a.year - b.year)) {
    for (const d of y.holidays) if (d >= from && d <= to) status.set(d, 'holiday');
    for (const d of y.workdays) if (d >= from && d <= to) status.set(d, 'workday');
  }
  const holidays: CalendarDate[] = [];
  const workdays: CalendarDate[] = [];
  for (const [d, kind] of status) {
    // A holiday on a weekend changes nothing (the day was off already), nor does a "make-up" weekday.
    if (kind === 'holiday' && !isWeekend(d)) holidays.push(d);
    if (kind === 'workday' && isWeekend(d)) workdays.push(d);
  }
  holidays.sort();
  workdays.sort();

  const unknownYears: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!seen.has(y)) unknownYears.push(y);
  return { from, to, holidays, workdays, unknownYears };
}

/**
 * What is wrong with a slice as `calendarSlice` would never make it, or undefined: the arithmetic relies on its lists
 * being ascending (a binary search) and within its span, holidays on weekdays and make-up days on weekends. A slice
 * that comes from outside (an update's payload) is checked with this before any clock counts on it.
 */
export function calendarSliceProblem(cal: WorkingCalendar): string | undefined {
  if (cal.from > cal.to) return `起始日期 ${cal.from} 晚于结束日期 ${cal.to}`;
  for (const [name, list, weekend] of [
    ['holidays（放假）', cal.holidays, false],
    ['workdays（调休上班）', cal.workdays, true],
  ] as const) {
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if (d < cal.from || d > cal.to) return `${name} 的 ${d} 不在 ${cal.from} 至 ${cal.to} 之内`;
      if (i > 0 && list[i - 1]! >= d) return `${name} 须按日期升序排列且不重复（${list[i - 1]} 在 ${d} 之前）`;
      if (isWeekend(d) !== weekend) return `${name} 的 ${d} 是${weekend ? '工作日' : '周末'}，不应列入`;
    }
  }
  const first = Number(cal.from.slice(0, 4));
  const last = Number(cal.to.slice(0, 4));
  for (let i = 0; i < cal.unknownYears.length; i++) {
    const y = cal.unknownYears[i]!;
    if (y < first || y > last) return `unknownYears 的 ${y} 不在 ${first}–${last} 年之内`;
    if (i > 0 && cal.unknownYears[i - 1]! >= y) return 'unknownYears 须按年份升序排列且不重复';
  }
  return undefined;
}

/**
 * The days a year's notice speaks of: from its first date (the 元旦 arrangement may begin in the December before) to
 * the year's last day. A slice that overlaps them is one the notice can change.
 */
export function noticeSpan(year: YearDates): { from: CalendarDate; to: CalendarDate } {
  return {
    from: [isoDate(year.year, 1, 1), ...year.holidays, ...year.workdays].sort()[0]!,
    to: isoDate(year.year, 12, 31),
  };
}

/** Whether two slices count the same days: the same span, holidays, make-up days and unknown years. */
export function sameCalendar(a: WorkingCalendar, b: WorkingCalendar): boolean {
  const same = <T>(x: readonly T[], y: readonly T[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.from === b.from &&
    a.to === b.to &&
    same(a.holidays, b.holidays) &&
    same(a.workdays, b.workdays) &&
    same(a.unknownYears, b.unknownYears)
  );
}

/**
 * What a launch and an assignment say, loudly, when part of their calendar is not known: which years count weekends
 * only, and how to fix it. Undefined when every year of the slice is known.
 */
export function describeUnknownYears(cal: WorkingCalendar): string | undefined {
  if (cal.unknownYears.length === 0) return undefined;
  const years = cal.unknownYears.map((y) => `${y}年`).join('、');
  return (
    `注意：${years}的法定节假日和调休安排尚未知晓，这些年份暂时只按周末计算工作日（节假日照常发送提醒和催办）。` +
    `国务院办公厅发布当年节假日安排通知后，请用 duban calendar import FILE 导入：运行中的督办周期随即按新日历重新排期，` +
    '之后启动的任务也按新日历排期。'
  );
}
