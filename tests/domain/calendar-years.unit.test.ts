/**
 * The data package's years, converted, against the State Council's notices as published (国办发明电〔2016〕3号 for
 * 2017, 国办发明电〔2018〕15号 for 2019's 元旦, which reaches into 2018), and the rule that an imported year takes the
 * package's place.
 */
import { addDays } from '../../domain/calendar';
import {
  CALENDAR_PACKAGE,
  mergeCalendarYears,
  packageCalendarYears,
  packageCoverage,
} from '../../domain/calendar-years';
import { calendarSlice, isWeekend, knownYears, workingDaysBetween, type YearDates } from '../../domain/working-days';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const installed = require('chinese-days/package.json') as { version: string };

const year = (n: number): YearDates => {
  const found = packageCalendarYears().find((y) => y.year === n);
  if (!found) throw new Error(`the package has no ${n}`);
  return found;
};

const range = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

test('the package covers 2004 to 2026, one entry a year, named with its version', () => {
  expect(CALENDAR_PACKAGE).toBe(`chinese-days ${installed.version}`);
  expect(packageCoverage()).toEqual({ first: 2004, last: 2026 });
  expect(knownYears(packageCalendarYears())).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  expect(year(2017).source).toBe(`chinese-days ${installed.version} 数据包（据国务院办公厅历年节假日安排通知）`);
});

test('2017 is the notice, date for date: every day off of each holiday, and the five make-up days', () => {
  const y = year(2017);
  expect(y.holidays).toEqual([
    ...range('2017-01-01', '2017-01-02'), // 元旦：1月1日放假，1月2日（星期一）补休
    ...range('2017-01-27', '2017-02-02'), // 春节：1月27日至2月2日放假调休，共7天
    ...range('2017-04-02', '2017-04-04'), // 清明节：4月2日至4日放假调休，共3天
    '2017-05-01', // 劳动节：5月1日放假，与周末连休
    ...range('2017-05-28', '2017-05-30'), // 端午节：5月28日至30日放假调休，共3天
    ...range('2017-10-01', '2017-10-08'), // 中秋节、国庆节：10月1日至8日放假调休，共8天
  ]);
  expect(y.workdays).toEqual(['2017-01-22', '2017-02-04', '2017-04-01', '2017-05-27', '2017-09-30']);
  expect(y.names?.['2017-01-27']).toBe('春节');
  expect(y.names?.['2017-10-04']).toBe('中秋节');
  expect(y.names?.['2017-10-05']).toBe('国庆节');
  expect(y.names?.['2017-04-01']).toBe('清明节');
  expect(y.names?.['2017-05-27']).toBe('端午节');
});

test('元旦 2018 is one Monday off, and 2019 元旦 arrangement is filed under 2018 by date', () => {
  expect(year(2018).holidays.filter((d) => d < '2018-01-10')).toEqual(['2018-01-01']);
  expect(year(2018).holidays.filter((d) => d > '2018-12-01')).toEqual(['2018-12-30', '2018-12-31']);
  expect(year(2018).workdays.filter((d) => d > '2018-12-01')).toEqual(['2018-12-29']);
  const cal = calendarSlice({ from: '2017-01-01', to: '2019-12-31' }, packageCalendarYears());
  expect(cal.unknownYears).toEqual([]);
  expect(workingDaysBetween(cal, '2016-12-31', '2017-12-31')).toBe(249);
  expect(workingDaysBetween(cal, '2017-12-29', '2018-01-02')).toBe(1);
  expect(workingDaysBetween(cal, '2018-12-28', '2019-01-02')).toBe(2); // 12月29日（星期六）上班, then 1月2日
});

test("the package's data holds what the calendar assumes: make-up days on weekends, no day both off and worked", () => {
  for (const y of packageCalendarYears()) {
    expect([y.year, y.workdays.filter((d) => !isWeekend(d))]).toEqual([y.year, []]);
    expect([y.year, y.holidays.filter((d) => y.workdays.includes(d))]).toEqual([y.year, []]);
    expect([y.year, [...y.holidays, ...y.workdays].filter((d) => !d.startsWith(String(y.year)))]).toEqual([y.year, []]);
  }
});

test("an imported year takes the package's place for that year only", () => {
  const imported: YearDates = { year: 2017, holidays: ['2017-10-02'], workdays: [], source: '更正' };
  const future: YearDates = { year: 2027, holidays: ['2027-10-01'], workdays: [], source: '2027年通知' };
  const merged = mergeCalendarYears(packageCalendarYears(), [future, imported]);
  expect(merged.find((y) => y.year === 2017)).toBe(imported);
  expect(merged.find((y) => y.year === 2016)).toBe(year(2016));
  expect(merged.at(-1)).toBe(future);
  expect(knownYears(merged)).toHaveLength(24);
});
