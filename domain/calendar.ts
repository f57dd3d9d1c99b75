/**
 * Calendar arithmetic in Asia/Shanghai, the only time zone the supervised governments use.
 *
 * China has kept UTC+8 without daylight saving since 1991, so a Shanghai wall-clock time maps to exactly one
 * instant by a fixed offset. A deadline is a calendar date ('2017-03-31'); the instant a reminder goes out is that
 * date at a wall-clock time. Nothing here reads a clock: callers pass the dates and instants in.
 */

/** A calendar date in Asia/Shanghai, ISO form 'YYYY-MM-DD'. */
export type CalendarDate = string;

/** A wall-clock time of day in Asia/Shanghai, 'HH:MM'. */
export type ClockTime = string;

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether year, month and day name a day that exists (2017-02-29 does not). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(day) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isCalendarDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The calendar date of year, month and day, 'YYYY-MM-DD'. */
export function isoDate(year: number, month: number, day: number): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The last day of a month: what "6月底" means. */
export function monthEnd(year: number, month: number): CalendarDate {
  return isoDate(year, month, daysInMonth(year, month));
}

/** Year, month and day of a date; the schedule asks this many times a day per assignment, so it parses once. */
function parts(date: CalendarDate): [number, number, number] {
  const m = DATE_RE.exec(date);
  const ymd: [number, number, number] | undefined = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  if (!ymd || !isRealDate(...ymd)) throw new RangeError(`not a calendar date: ${date} (expected YYYY-MM-DD)`);
  return ymd;
}

/** The instant at which the Shanghai wall clock shows `time` on `date`. */
export function shanghaiInstant(date: CalendarDate, time: ClockTime = '00:00'): Date {
  const [year, month, day] = parts(date);
  const m = TIME_RE.exec(time);
  if (!m) throw new RangeError(`not a clock time: ${time} (expected HH:MM)`);
  return new Date(Date.UTC(year, month - 1, day, Number(m[1]), Number(m[2])) - SHANGHAI_OFFSET_MS);
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date): CalendarDate {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai wall-clock time of an instant, 'YYYY-MM-DD HH:MM', for people and logs. */
export function formatShanghai(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [year, month, day] = parts(date);
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}

export type Quarter = 1 | 2 | 3 | 4;

export function quarterOf(date: CalendarDate): { year: number; quarter: Quarter } {
  const [year, month] = parts(date);
  return { year, quarter: (Math.floor((month - 1) / 3) + 1) as Quarter };
}

/** The last day of a quarter: 03-31, 06-30, 09-30, 12-31. */
export function quarterEnd(year: number, quarter: Quarter): CalendarDate {
  const ends = { 1: '03-31', 2: '06-30', 3: '09-30', 4: '12-31' } as const;
  return `${String(year).padStart(4, '0')}-${ends[quarter]}`;
}

/** Every quarter end on or after `from` and on or before `to`, in order. */
export function quarterEndsBetween(from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const ends: CalendarDate[] = [];
  let { year, quarter } = quarterOf(from);
  for (;;) {
    const end = quarterEnd(year, quarter);
    if (end > to) return ends;
    if (end >= from) ends.push(end);
    quarter = quarter === 4 ? 1 : ((quarter + 1) as Quarter);
    if (quarter === 1) year += 1;
  }
}

/** A reporting period's key, '2017-Q1', from the quarter its due date falls in. */
export function quarterKey(due: CalendarDate): string {
  const { year, quarter } = quarterOf(due);
  return `${year}-Q${quarter}`;
}

const QUARTER_NAMES = ['一', '二', '三', '四'] as const;

/** '2017年第一季度', the way a notice names a quarter. */
export function quarterLabel(due: CalendarDate): string {
  const { year, quarter } = quarterOf(due);
  return `${year}年第${QUARTER_NAMES[quarter - 1]}季度`;
}

/** '3月31日', the way a notice names a day of the current year. */
export function chineseMonthDay(date: CalendarDate): string {
  const [, month, day] = parts(date);
  return `${month}月${day}日`;
}

/**
 * When progress reports fall due for work assigned on `from` and due on `due`: every quarter end in between, and
 * the due date itself when it is not a quarter end. Work already past due still reports once, on its due date.
 */
export function reportDueDates(from: CalendarDate, due: CalendarDate): CalendarDate[] {
  const ends = quarterEndsBetween(from, due);
  return ends.at(-1) === due ? ends : [...ends, due];
}
