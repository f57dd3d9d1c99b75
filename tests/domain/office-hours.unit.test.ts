/**
 * When a notice may go out by email or webhook, against the real 2017 and 2024 calendars (the chinese-days package):
 * what an office's IT staff would check — a Sunday evening's notice goes on Monday at opening, a Friday night's
 * skips the weekend, the National Day week is stepped over to the make-up Saturday, and a digest gathers the night's
 * notices into the morning's message.
 */
import { formatShanghai, shanghaiInstant } from '../../domain/calendar';
import { packageCalendarYears } from '../../domain/calendar-years';
import {
  calendarAround,
  DEFAULT_OFFICE_HOURS,
  digestTime,
  heldUntil,
  parseOfficeHours,
} from '../../domain/notify/hours';

const years = packageCalendarYears();
const at = (date: string, time: string) => shanghaiInstant(date, time);
const held = (date: string, time: string, hours = DEFAULT_OFFICE_HOURS) => {
  const instant = at(date, time);
  const until = heldUntil(instant, hours, calendarAround(instant, years));
  return until && formatShanghai(until);
};
const digest = (date: string, time: string) => {
  const instant = at(date, time);
  return formatShanghai(digestTime(instant, DEFAULT_OFFICE_HOURS, calendarAround(instant, years)));
};

test('inside office hours on a working day a notice goes at once', () => {
  expect(held('2024-03-04', '09:00')).toBeUndefined(); // Monday, the opening minute
  expect(held('2024-03-04', '17:59')).toBeUndefined();
});

test('a Sunday evening notice is held to Monday at the opening hour', () => {
  expect(held('2024-03-03', '20:15')).toBe('2024-03-04 09:00');
});

test('before opening it waits for the same morning; at closing, for the next working morning', () => {
  expect(held('2024-03-05', '07:30')).toBe('2024-03-05 09:00');
  expect(held('2024-03-05', '18:00')).toBe('2024-03-06 09:00');
  expect(held('2024-03-08', '22:00')).toBe('2024-03-11 09:00'); // Friday night → Monday
});

test('a holiday week is stepped over, and a make-up Saturday (调休) is a working day', () => {
  // 2017: National Day holiday 10-01 … 10-08, with Saturday 09-30 worked.
  expect(held('2017-09-29', '19:00')).toBe('2017-09-30 09:00');
  expect(held('2017-09-30', '18:30')).toBe('2017-10-09 09:00');
  // 2024 Spring Festival: Friday 02-09 worked, 02-10 … 02-17 off, Sunday 02-18 worked.
  expect(held('2024-02-09', '12:00')).toBeUndefined();
  expect(held('2024-02-09', '19:00')).toBe('2024-02-18 09:00');
});

test('configured hours are honoured', () => {
  const hours = parseOfficeHours('08:30-17:30');
  expect(held('2024-03-04', '08:45', hours)).toBeUndefined();
  expect(held('2024-03-04', '17:30', hours)).toBe('2024-03-05 08:30');
});

test('a daily digest goes at the next opening: this morning before opening, else the next working day', () => {
  expect(digest('2024-03-04', '06:00')).toBe('2024-03-04 09:00');
  expect(digest('2024-03-04', '10:00')).toBe('2024-03-05 09:00');
  expect(digest('2024-03-08', '10:00')).toBe('2024-03-11 09:00');
});

test('always: nothing is held, weekends and holidays included', () => {
  const always = parseOfficeHours('always');
  expect(held('2017-10-01', '03:00', always)).toBeUndefined();
});

test('bad office hours are refused with the form to use', () => {
  expect(() => parseOfficeHours('9-18')).toThrow('HH:MM-HH:MM');
  expect(() => parseOfficeHours('18:00-09:00')).toThrow('开始不早于结束');
});
