/**
 * Working-day arithmetic on dates checked by hand against the State Council's notices (国办发明电〔2016〕3号 for
 * 2017, 国办发明电〔2017〕12号 for 2018) and a wall calendar: 2017-01-01 and 2017-10-01 were Sundays, 2018-01-01 a
 * Monday. The calendar years here are written out from those notices, not taken from the data package (its
 * conversion is checked against the same notice in calendar-years.unit.test.ts).
 */
import { updateCalendarPayloadSchema } from '../../workflows/assignment/payloads';
import {
  addWorkingDays,
  calendarSlice,
  calendarSliceProblem,
  describeUnknownYears,
  isWorkingDay,
  knownYears,
  nextWorkingDay,
  previousWorkingDay,
  weekdayOf,
  workingDaysBetween,
  type WorkingCalendar,
  type YearDates,
} from '../../domain/working-days';

/** 2017: the notice's days off (weekend days of each run included, as the notice counts them) and make-up days. */
const YEAR_2017: YearDates = {
  year: 2017,
  holidays: [
    ...['2017-01-01', '2017-01-02'], // 元旦
    ...['2017-01-27', '2017-01-28', '2017-01-29', '2017-01-30', '2017-01-31', '2017-02-01', '2017-02-02'], // 春节
    ...['2017-04-02', '2017-04-03', '2017-04-04'], // 清明节
    '2017-05-01', // 劳动节
    ...['2017-05-28', '2017-05-29', '2017-05-30'], // 端午节
    ...['2017-10-01', '2017-10-02', '2017-10-03', '2017-10-04', '2017-10-05', '2017-10-06', '2017-10-07', '2017-10-08'],
  ],
  workdays: ['2017-01-22', '2017-02-04', '2017-04-01', '2017-05-27', '2017-09-30'],
  source: '国务院办公厅关于2017年部分节假日安排的通知',
};

/** 2018, as far as these tests need it: 元旦 (2017-12-30 to 2018-01-01, no make-up day) and 春节. */
const YEAR_2018: YearDates = {
  year: 2018,
  holidays: ['2018-01-01', '2018-02-15', '2018-02-16', '2018-02-19', '2018-02-20', '2018-02-21'],
  workdays: ['2018-02-11', '2018-02-24'],
  source: '国务院办公厅关于2018年部分节假日安排的通知',
};

const cal2017 = calendarSlice({ from: '2017-01-01', to: '2018-12-31' }, [YEAR_2017, YEAR_2018]);

test('weekdays as on the wall calendar', () => {
  expect(weekdayOf('2017-01-01')).toBe(0);
  expect(weekdayOf('2017-09-30')).toBe(6);
  expect(weekdayOf('2018-01-01')).toBe(1);
  expect(() => weekdayOf('2017-02-29')).toThrow('not a calendar date: 2017-02-29');
});

describe('2017 National Day: 10月1日至8日放假，9月30日（星期六）上班', () => {
  test('the make-up Saturday is a working day, the whole week is not, the Monday after is', () => {
    expect(isWorkingDay(cal2017, '2017-09-29')).toBe(true);
    expect(isWorkingDay(cal2017, '2017-09-30')).toBe(true);
    for (const d of ['01', '02', '03', '04', '05', '06', '07', '08']) {
      expect([`2017-10-${d}`, isWorkingDay(cal2017, `2017-10-${d}`)]).toEqual([`2017-10-${d}`, false]);
    }
    expect(isWorkingDay(cal2017, '2017-10-09')).toBe(true);
    expect(isWorkingDay(cal2017, '2017-09-24')).toBe(false); // an ordinary Sunday
  });

  test('a notice due on a day of the week off goes on 10月9日; looking back lands on the make-up Saturday', () => {
    expect(nextWorkingDay(cal2017, '2017-10-01')).toBe('2017-10-09');
    expect(nextWorkingDay(cal2017, '2017-10-06')).toBe('2017-10-09');
    expect(nextWorkingDay(cal2017, '2017-09-30')).toBe('2017-09-30');
    expect(previousWorkingDay(cal2017, '2017-10-08')).toBe('2017-09-30');
    expect(previousWorkingDay(cal2017, '2017-10-09')).toBe('2017-10-09');
  });

  test('counting working days across the week', () => {
    expect(addWorkingDays(cal2017, '2017-09-29', 1)).toBe('2017-09-30');
    expect(addWorkingDays(cal2017, '2017-09-29', 2)).toBe('2017-10-09');
    expect(addWorkingDays(cal2017, '2017-09-30', 3)).toBe('2017-10-11');
    expect(addWorkingDays(cal2017, '2017-10-09', -1)).toBe('2017-09-30');
    expect(addWorkingDays(cal2017, '2017-10-09', -2)).toBe('2017-09-29');
    // A quarter end inside the week off: 5 working days before 9月30日 is 9月25日 (Monday).
    expect(addWorkingDays(cal2017, '2017-09-30', -5)).toBe('2017-09-25');
    expect(workingDaysBetween(cal2017, '2017-09-29', '2017-10-09')).toBe(2);
    expect(workingDaysBetween(cal2017, '2017-10-09', '2017-09-29')).toBe(-2);
    expect(workingDaysBetween(cal2017, '2017-10-01', '2017-10-08')).toBe(0);
  });
});

describe('Spring Festival 2017: 1月27日至2月2日放假，1月22日（星期日）、2月4日（星期六）上班', () => {
  test('the two make-up weekend days work, the seven days off do not', () => {
    expect(isWorkingDay(cal2017, '2017-01-22')).toBe(true);
    expect(isWorkingDay(cal2017, '2017-02-04')).toBe(true);
    expect(isWorkingDay(cal2017, '2017-01-21')).toBe(false); // the Saturday before stays a weekend
    expect(isWorkingDay(cal2017, '2017-02-05')).toBe(false);
    for (const d of ['2017-01-27', '2017-01-30', '2017-01-31', '2017-02-01', '2017-02-02']) {
      expect([d, isWorkingDay(cal2017, d)]).toEqual([d, false]);
    }
    expect(isWorkingDay(cal2017, '2017-01-26')).toBe(true);
    expect(isWorkingDay(cal2017, '2017-02-03')).toBe(true);
  });

  test('an escalation 1, 2 and 3 working days after 1月26日 falls on 2月3日, 2月4日 (Saturday) and 2月6日', () => {
    expect(addWorkingDays(cal2017, '2017-01-26', 1)).toBe('2017-02-03');
    expect(addWorkingDays(cal2017, '2017-01-26', 2)).toBe('2017-02-04');
    expect(addWorkingDays(cal2017, '2017-01-26', 3)).toBe('2017-02-06');
    expect(workingDaysBetween(cal2017, '2017-01-26', '2017-02-06')).toBe(3);
  });

  test('5 working days before 2月3日 reaches back to the make-up Sunday, 1月22日', () => {
    expect(addWorkingDays(cal2017, '2017-02-03', -5)).toBe('2017-01-22');
    expect(workingDaysBetween(cal2017, '2017-02-03', '2017-01-22')).toBe(-5);
  });
});

describe('元旦 2018: 2018-01-01 (Monday) off, no make-up day', () => {
  test('the year turns over a three-day weekend', () => {
    expect(isWorkingDay(cal2017, '2017-12-29')).toBe(true);
    expect(isWorkingDay(cal2017, '2018-01-01')).toBe(false);
    expect(nextWorkingDay(cal2017, '2017-12-30')).toBe('2018-01-02');
    expect(addWorkingDays(cal2017, '2017-12-29', 1)).toBe('2018-01-02');
    expect(addWorkingDays(cal2017, '2018-01-02', -1)).toBe('2017-12-29');
    expect(workingDaysBetween(cal2017, '2017-12-29', '2018-01-02')).toBe(1);
  });
});

test('2017 has 249 working days: 365 less 105 weekend days and 16 weekday holidays, plus 5 make-up days', () => {
  expect(workingDaysBetween(cal2017, '2016-12-31', '2017-12-31')).toBe(249);
  expect(cal2017.holidays.filter((d) => d.startsWith('2017'))).toHaveLength(16);
  expect(cal2017.workdays.filter((d) => d.startsWith('2017'))).toEqual(YEAR_2017.workdays);
});

test('n = 0 gives the day itself, working day or not; a fraction of a day is refused', () => {
  expect(addWorkingDays(cal2017, '2017-10-01', 0)).toBe('2017-10-01');
  expect(addWorkingDays(cal2017, '2017-10-09', 0)).toBe('2017-10-09');
  expect(workingDaysBetween(cal2017, '2017-10-01', '2017-10-01')).toBe(0);
  expect(() => addWorkingDays(cal2017, '2017-10-09', 1.5)).toThrow('working days must be a whole number, not 1.5');
  expect(() => addWorkingDays(cal2017, '2017-13-01', 0)).toThrow('not a calendar date: 2017-13-01');
});

test('addWorkingDays and workingDaysBetween undo each other on every working day of 2017', () => {
  for (let n = -30; n <= 30; n++) {
    const d = addWorkingDays(cal2017, '2017-06-15', n);
    expect(isWorkingDay(cal2017, d)).toBe(true);
    expect(workingDaysBetween(cal2017, '2017-06-15', d)).toBe(n);
  }
});

describe('a slice', () => {
  test('holds only weekday holidays and weekend make-up days, within its range, ascending', () => {
    const cal = calendarSlice({ from: '2017-09-30', to: '2017-10-31' }, [YEAR_2017]);
    expect(cal).toEqual({
      from: '2017-09-30',
      to: '2017-10-31',
      holidays: ['2017-10-02', '2017-10-03', '2017-10-04', '2017-10-05', '2017-10-06'],
      workdays: ['2017-09-30'],
      unknownYears: [],
    });
  });

  test('at its edges: the first and last day follow the notice, the days outside follow weekends only', () => {
    const cal = calendarSlice({ from: '2017-10-01', to: '2017-10-05' }, [YEAR_2017]);
    expect(isWorkingDay(cal, '2017-10-01')).toBe(false);
    expect(isWorkingDay(cal, '2017-10-05')).toBe(false); // Thursday, a holiday, the slice's last day
    expect(isWorkingDay(cal, '2017-10-06')).toBe(true); // Friday, a holiday in fact, but outside the slice
    expect(isWorkingDay(cal, '2017-09-30')).toBe(false); // the make-up Saturday, outside the slice
    expect(nextWorkingDay(cal, '2017-10-01')).toBe('2017-10-06');
    const one = calendarSlice({ from: '2017-10-02', to: '2017-10-02' }, [YEAR_2017]);
    expect(one.holidays).toEqual(['2017-10-02']);
    expect(isWorkingDay(one, '2017-10-02')).toBe(false);
    expect(isWorkingDay(one, '2017-10-03')).toBe(true);
  });

  test('a year nobody knows counts weekends only, and says so', () => {
    const cal = calendarSlice({ from: '2026-12-01', to: '2027-12-31' }, [
      { year: 2026, holidays: ['2026-10-01'], workdays: [], source: 'test' },
    ]);
    expect(cal.unknownYears).toEqual([2027]);
    expect(isWorkingDay(cal, '2027-10-01')).toBe(true); // a Friday: National Day, but 2027's notice is not known
    expect(isWorkingDay(cal, '2027-10-02')).toBe(false);
    expect(addWorkingDays(cal, '2027-09-30', 2)).toBe('2027-10-04');
    expect(describeUnknownYears(cal)).toBe(
      '注意：2027年的法定节假日和调休安排尚未知晓，这些年份暂时只按周末计算工作日（节假日照常发送提醒和催办）。' +
        '国务院办公厅发布当年节假日安排通知后，请用 duban calendar import FILE 导入：运行中的督办周期随即按新日历重新排期，' +
        '之后启动的任务也按新日历排期。',
    );
    expect(describeUnknownYears(cal2017)).toBeUndefined();
    const none = calendarSlice({ from: '2030-01-01', to: '2031-06-30' }, []);
    expect(none).toEqual({
      from: '2030-01-01',
      to: '2031-06-30',
      holidays: [],
      workdays: [],
      unknownYears: [2030, 2031],
    });
    expect(workingDaysBetween(none, '2030-01-04', '2030-01-11')).toBe(5);
  });

  test("a year's notice changes the last days of the year before: the 2019 元旦 arrangement", () => {
    const year2018: YearDates = { year: 2018, holidays: ['2018-12-29'], workdays: [], source: 'hypothetical' };
    const year2019: YearDates = {
      year: 2019,
      holidays: ['2018-12-30', '2018-12-31', '2019-01-01'],
      workdays: ['2018-12-29'],
      source: '国务院办公厅关于2019年部分节假日安排的通知',
    };
    const cal = calendarSlice({ from: '2018-12-01', to: '2019-01-31' }, [year2019, year2018]);
    expect(cal.holidays).toEqual(['2018-12-31', '2019-01-01']);
    expect(cal.workdays).toEqual(['2018-12-29']);
    expect(cal.unknownYears).toEqual([]);
    expect(addWorkingDays(cal, '2018-12-28', 2)).toBe('2019-01-02');
  });

  test('a year missing in the middle of a range is unknown, the others are not', () => {
    const cal = calendarSlice({ from: '2017-12-01', to: '2019-01-31' }, [
      YEAR_2017,
      { year: 2019, holidays: ['2019-01-01'], workdays: [], source: 'test' },
    ]);
    expect(cal.unknownYears).toEqual([2018]);
    expect(isWorkingDay(cal, '2018-02-15')).toBe(true); // 2018's Spring Festival is not in the slice's years
    expect(knownYears([YEAR_2018, YEAR_2017, { ...YEAR_2017 }])).toEqual([2017, 2018]);
  });

  test('refuses a backwards range, a malformed date and a year given twice', () => {
    expect(() => calendarSlice({ from: '2017-12-31', to: '2017-01-01' }, [])).toThrow(
      'calendar slice from 2017-12-31 to 2017-01-01: the start is after the end',
    );
    expect(() => calendarSlice({ from: '2017-1-1', to: '2017-12-31' }, [])).toThrow('not a calendar date: 2017-1-1');
    expect(() => calendarSlice({ from: '2017-01-01', to: '2017-12-31' }, [YEAR_2017, YEAR_2017])).toThrow(
      'calendar year 2017 given twice: pass each year once',
    );
  });
});

describe('calendarSliceProblem: a slice from outside, checked before a clock counts on it', () => {
  const good = calendarSlice({ from: '2017-01-01', to: '2017-12-31' }, [YEAR_2017]);

  it('finds nothing wrong with what calendarSlice makes', () => {
    expect(calendarSliceProblem(good)).toBeUndefined();
  });

  it('names each way a slice can be wrong', () => {
    const cases: Array<[Partial<WorkingCalendar>, string]> = [
      [{ from: '2018-01-01' }, '起始日期 2018-01-01 晚于结束日期 2017-12-31'],
      [
        { holidays: ['2017-10-03', '2017-10-02'] },
        'holidays（放假） 须按日期升序排列且不重复（2017-10-03 在 2017-10-02 之前）',
      ],
      [{ holidays: ['2017-10-01'] }, 'holidays（放假） 的 2017-10-01 是周末，不应列入'],
      [{ workdays: ['2017-09-29'] }, 'workdays（调休上班） 的 2017-09-29 是工作日，不应列入'],
      [{ holidays: ['2018-01-01'] }, 'holidays（放假） 的 2018-01-01 不在 2017-01-01 至 2017-12-31 之内'],
      [{ unknownYears: [2019] }, 'unknownYears 的 2019 不在 2017–2017 年之内'],
    ];
    for (const [change, problem] of cases) expect(calendarSliceProblem({ ...good, ...change })).toBe(problem);
  });

  it('refuses an update payload whose calendar is so, naming the problem', () => {
    const result = updateCalendarPayloadSchema.safeParse({
      by: '市政府督查室',
      calendar: { ...good, holidays: [...good.holidays].reverse() },
      reason: '导入',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^工作日日历有误：holidays（放假） 须按日期升序排列且不重复/);
  });
});
