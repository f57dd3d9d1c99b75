/**
 * Working days (工作日) in Asia/Shanghai: weekends, public holidays and 调休 make-up working days, from a calendar
 * slice embedded in each assignment's spec, so that an assignment's schedule never changes on replay. Pure: it is
 * bundled into the workflow.
 */
import { addDays, type CalendarDate } from './calendar';

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

function weekday(date: CalendarDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWorkingDay(cal: WorkingCalendar, date: CalendarDate): boolean {
  if (cal.holidays.includes(date)) return false;
  if (cal.workdays.includes(date)) return true;
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

export function nextWorkingDay(cal: WorkingCalendar, date: CalendarDate): CalendarDate {
  let d = date;
  while (!isWorkingDay(cal, d)) d = addDays(d, 1);
  return d;
}

export function previousWorkingDay(cal: WorkingCalendar, date: CalendarDate): CalendarDate {
  let d = date;
  while (!isWorkingDay(cal, d)) d = addDays(d, -1);
  return d;
}

export function addWorkingDays(cal: WorkingCalendar, date: CalendarDate, n: number): CalendarDate {
  let d = date;
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0; ) {
    d = addDays(d, step);
    if (isWorkingDay(cal, d)) left--;
  }
  return d;
}
