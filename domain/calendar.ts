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
  return readDate(text) !== undefined;
}

/** The calendar date of year, month and day, 'YYYY-MM-DD'. */
export function isoDate(year: number, month: number, day: number): CalendarDate {
  const yyyy = year >= 1000 && year <= 9999 ? String(year) : String(year).padStart(4, '0');
  return `${yyyy}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The last day of a month: what "6月底" means. */
export function monthEnd(year: number, month: number): CalendarDate {
  return isoDate(year, month, daysInMonth(year, month));
}

/**
 * Year, month and day of 'YYYY-MM-DD' when it names a real day, read digit by digit: a workflow works out its
 * schedule from dates many times per workflow task, and a replay does it again for every task in the history, so this
 * and the day arithmetic below avoid regular expressions and `Date` (the workflow sandbox wraps `Date`).
 */
function readDate(text: string): [number, number, number] | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  return year >= 0 && month >= 0 && day >= 0 && isRealDate(year, month, day) ? [year, month, day] : undefined;
}

const DASH = 0x2d;
const ZERO = 0x30;

/** The number written by text[from, to) in ASCII digits, or -1 when any of them is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Year, month and day of a date, or a RangeError naming it. */
function parts(date: CalendarDate): [number, number, number] {
  const ymd = readDate(date);
  if (!ymd) throw new RangeError(`not a calendar date: ${date} (expected YYYY-MM-DD)`);
  return ymd;
}

/**
 * Days from 1970-01-01 to a day of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil): whole-number
 * arithmetic, the same for every year including 0–99, which `Date.UTC` would read as 1900–1999.
 */
function epochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

/** The date `days` after 1970-01-01 (civil_from_days, the inverse of epochDay). */
function dateOfEpochDay(days: number): CalendarDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return isoDate(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

/** Days from 1970-01-01 to `date`: what weekdays and whole-day differences are worked out from. */
export function epochDayOf(date: CalendarDate): number {
  return epochDay(...parts(date));
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
  if (!Number.isFinite(days)) throw new RangeError(`days must be a number, not ${days}`);
  return dateOfEpochDay(epochDayOf(date) + Math.floor(days)); // a part day counts as none, as it always has
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return epochDayOf(to) - epochDayOf(from);
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
