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
