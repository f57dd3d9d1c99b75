/**
 * When a notice may go out: on working days (the Chinese calendar: weekends, public holidays and 调休 make-up days,
 * Asia/Shanghai) between the office's opening and closing hours. One that falls outside is held to the next opening;
 * a daily digest goes at an opening. Pure, so the delivery workflow's activity and the tests share one answer.
 */
import { addDays, shanghaiDate, shanghaiInstant, type CalendarDate, type ClockTime } from '../calendar';
import { calendarSlice, isWorkingDay, nextWorkingDay, type WorkingCalendar, type YearDates } from '../working-days';

export interface OfficeHours {
  /** 'HH:MM', Beijing time: the first minute a notice may go out. */
  open: ClockTime;
  /** 'HH:MM', Beijing time: from this minute on, notices wait for the next opening. */
  close: ClockTime;
  /** Every minute of every day (DELIVERY_HOURS=always): nothing is held, and a digest goes at `open` each day. */
  always?: boolean;
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { open: '09:00', close: '18:00' };

const HOURS_RE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * 'HH:MM-HH:MM' (DELIVERY_HOURS) as office hours; the opening must come before the closing. 'always' sends at any
 * hour of any day (a deployment whose people want everything at once; the tests that run on the real clock).
 */
export function parseOfficeHours(text: string): OfficeHours {
  if (text.trim() === 'always') return { open: '00:00', close: '23:59', always: true };
  const m = HOURS_RE.exec(text.trim());
  if (!m) throw new RangeError(`办公时间应写作 HH:MM-HH:MM（北京时间），如 09:00-18:00，而不是 “${text}”`);
  const open = `${m[1]}:${m[2]}`;
  const close = `${m[3]}:${m[4]}`;
  if (open >= close) throw new RangeError(`办公时间 ${text} 的开始不早于结束：请写成如 09:00-18:00`);
  return { open, close };
}

/**
 * How far ahead of a notice its delivery may look up working days: past the longest break (the Spring Festival and
 * National Day weeks are 8–9 days) and the longest a delivery keeps trying. Beyond it only weekends are off.
 */
const DAYS_AHEAD = 40;

/** The calendar a delivery carries: cut from the known years, from the day before `at` to DAYS_AHEAD after it. */
export function calendarAround(at: Date, years: readonly YearDates[]): WorkingCalendar {
  const day = shanghaiDate(at);
  return calendarSlice({ from: addDays(day, -1), to: addDays(day, DAYS_AHEAD) }, years);
}

function openingOn(day: CalendarDate, hours: OfficeHours): Date {
  return shanghaiInstant(day, hours.open);
}

/**
 * Whether a notice may go out at `at`, and if not, when: undefined inside office hours of a working day, otherwise
 * the next opening (a Sunday evening's notice goes on Monday at the opening hour; one after closing, the next
 * working morning).
 */
export function heldUntil(at: Date, hours: OfficeHours, cal: WorkingCalendar): Date | undefined {
  if (hours.always) return undefined;
  const today = shanghaiDate(at);
  if (isWorkingDay(cal, today)) {
    if (at < openingOn(today, hours)) return openingOn(today, hours);
    if (at < shanghaiInstant(today, hours.close)) return undefined;
  }
  return openingOn(nextWorkingDay(cal, addDays(today, 1)), hours);
}

/**
 * When the daily digest that takes a notice arriving at `at` goes out: the opening of the next working day — today's
 * when the office has not opened yet, so what came overnight is in the morning's digest.
 */
export function digestTime(at: Date, hours: OfficeHours, cal: WorkingCalendar): Date {
  const today = shanghaiDate(at);
  if (hours.always) return at < openingOn(today, hours) ? openingOn(today, hours) : openingOn(addDays(today, 1), hours);
  if (isWorkingDay(cal, today) && at < openingOn(today, hours)) return openingOn(today, hours);
  return openingOn(nextWorkingDay(cal, addDays(today, 1)), hours);
}
