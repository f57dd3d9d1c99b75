import {
  addDays,
  daysBetween,
  formatShanghai,
  isCalendarDate,
  quarterEndsBetween,
  quarterKey,
  quarterLabel,
  shanghaiDate,
  shanghaiInstant,
} from '../../domain/calendar';
import { weekdayOf } from '../../domain/working-days';

describe('Asia/Shanghai dates', () => {
  test('09:00 in Shanghai is 01:00 UTC the same day', () => {
    expect(shanghaiInstant('2017-03-31', '09:00').toISOString()).toBe('2017-03-31T01:00:00.000Z');
  });

  test('midnight in Shanghai is the previous day in UTC, and maps back to its own date', () => {
    const midnight = shanghaiInstant('2018-01-01');
    expect(midnight.toISOString()).toBe('2017-12-31T16:00:00.000Z');
    expect(shanghaiDate(midnight)).toBe('2018-01-01');
    expect(shanghaiDate(new Date(midnight.getTime() - 1))).toBe('2017-12-31');
    expect(formatShanghai(midnight)).toBe('2018-01-01 00:00');
  });

  test('day arithmetic crosses month, year and leap-day boundaries', () => {
    expect(addDays('2017-03-31', 1)).toBe('2017-04-01');
    expect(addDays('2016-03-01', -1)).toBe('2016-02-29');
    expect(addDays('2017-12-31', 9)).toBe('2018-01-09');
    expect(daysBetween('2017-03-31', '2017-04-04')).toBe(4);
    expect(daysBetween('2017-04-04', '2017-03-31')).toBe(-4);
  });

  test('impossible dates are refused, with the expected form in the message', () => {
    expect(isCalendarDate('2017-02-29')).toBe(false);
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(() => addDays('2017-13-01', 1)).toThrow('not a calendar date: 2017-13-01 (expected YYYY-MM-DD)');
    expect(() => shanghaiInstant('2017-01-01', '24:00')).toThrow('not a clock time');
    for (const text of ['2017-2-01', '2017-02-1 ', '２０１７-02-01', '2017/02/01', '2017-00-10', '2017-04-31', '']) {
      expect(isCalendarDate(text)).toBe(false);
    }
  });

  test('day arithmetic and weekdays agree with the JavaScript Date on every day from 1900 to 2200', () => {
    const ms = Date.UTC(1900, 0, 1);
    const DAY = 86_400_000;
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    const wrong: string[] = [];
    let days = 0;
    for (let t = ms; t <= Date.UTC(2200, 11, 31); t += DAY, days++) {
      const date = iso(t);
      if (!isCalendarDate(date)) wrong.push(`${date} not a date`);
      if (addDays(date, 1) !== iso(t + DAY)) wrong.push(`${date} + 1 = ${addDays(date, 1)}`);
      if (addDays(date, -400) !== iso(t - 400 * DAY)) wrong.push(`${date} - 400 = ${addDays(date, -400)}`);
      const between = Math.round((t - Date.UTC(2017, 0, 1)) / DAY);
      if (daysBetween('2017-01-01', date) !== between) wrong.push(`2017-01-01 → ${date}: ${between}`);
      if (weekdayOf(date) !== new Date(t).getUTCDay()) wrong.push(`${date} weekday ${weekdayOf(date)}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(days).toBe(301 * 365 + 73); // 73 leap days: 1904 to 2196, but not 2100
  });
});

describe('quarters', () => {
  test('a plan year has four quarter ends', () => {
    expect(quarterEndsBetween('2017-01-01', '2017-12-31')).toEqual([
      '2017-03-31',
      '2017-06-30',
      '2017-09-30',
      '2017-12-31',
    ]);
  });

  test('a task assigned mid-quarter reports from that quarter on, across the year end', () => {
    expect(quarterEndsBetween('2017-11-20', '2018-06-30')).toEqual(['2017-12-31', '2018-03-31', '2018-06-30']);
    expect(quarterEndsBetween('2017-04-01', '2017-06-29')).toEqual([]);
  });

  test('periods are named as notices name them', () => {
    expect(quarterKey('2017-09-30')).toBe('2017-Q3');
    expect(quarterLabel('2017-09-30')).toBe('2017年第三季度');
  });
});
