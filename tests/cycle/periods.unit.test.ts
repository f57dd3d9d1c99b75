/**
 * Which period a report day reports on, and how dates move by whole years: the small rules every assignment's
 * periods are made of (the launch tests show them together).
 */
import { addMonths, dateLabel, periodOn, shiftYears } from '../../domain/cycle';

describe('the period a report day reports on: of its own span and the one before, the one whose end is nearer', () => {
  it.each([
    ['quarter', '2017-03-31', '2017-Q1', '2017年第一季度', '每季度末'],
    ['quarter', '2017-04-10', '2017-Q1', '2017年第一季度', '季度结束后10日内'],
    ['quarter', '2018-01-10', '2017-Q4', '2017年第四季度', '季度结束后10日内, the last quarter'],
    ['half-year', '2017-07-15', '2017-H1', '2017年上半年', '7月15日前报上半年'],
    ['half-year', '2017-12-31', '2017-H2', '2017年下半年', '每半年'],
    ['year', '2018-01-15', '2017', '2017年度', '次年1月15日前报全年'],
    ['year', '2017-12-15', '2017', '2017年度', '每年12月15日前'],
    ['month', '2017-07-31', '2017-07', '2017年7月', '每月底'],
    ['month', '2017-08-05', '2017-07', '2017年7月', '每月5日前报上月'],
  ] as const)('%s report on %s → %s (%s; %s)', (span, date, key, label, _plan) => {
    expect(periodOn(span, date)).toEqual({ key, label, due: date });
  });
});

describe('dates', () => {
  it('move by whole years, 2月29日 becoming 2月28日 where it does not exist', () => {
    expect(shiftYears('2017-07-15', 9)).toBe('2026-07-15');
    expect(shiftYears('2016-02-29', 1)).toBe('2017-02-28');
    expect(shiftYears('2016-02-29', 4)).toBe('2020-02-29');
    expect(shiftYears('2017-03-01', -1)).toBe('2016-03-01');
  });

  it('step by months keeping a month end a month end', () => {
    expect(addMonths('2017-01-31', 1)).toBe('2017-02-28');
    expect(addMonths('2017-03-31', 3)).toBe('2017-06-30');
    expect(addMonths('2017-01-10', 12)).toBe('2018-01-10');
    expect(addMonths('2017-01-30', 1)).toBe('2017-02-28');
  });

  it('read as a notice writes them', () => {
    expect(dateLabel('2017-09-30')).toBe('2017年9月30日');
  });
});
