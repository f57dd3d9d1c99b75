/**
 * Where the working-day calendar's years come from, outside the workflow bundle: the npm data package
 * `chinese-days` (the State Council's notices from 2004 on, kept up by its maintainers), and the years a coordinator
 * imports (`duban calendar import`) when a notice is newer than the installed package. An imported year replaces the
 * package's for that year. The workflow never sees this module: it gets a `WorkingCalendar` slice cut from these
 * years at launch (domain/working-days.ts).
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
import type { CalendarDate } from './calendar';
import type { YearDates } from './working-days';

/** The data package and its version, as a year's source names it. */
export const CALENDAR_PACKAGE = `chinese-days ${chineseDaysPackage.version}`;

/**
 * The package's data file: every date it knows, as `date → "English name,中文名,days"`. `inLieuDays` (the weekdays
 * off in exchange for a make-up day) are among `holidays` already, so they are not read.
 */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** The package writes 清明, 端午, 中秋; a notice and its readers say 清明节, 端午节, 中秋节. */
const FULL_NAMES: Record<string, string> = { 清明: '清明节', 端午: '端午节', 中秋: '中秋节' };

function holidayName(entry: string): string | undefined {
  const name = entry.split(',')[1]?.trim();
  return name ? (FULL_NAMES[name] ?? name) : undefined;
}

let packageYears: YearDates[] | undefined;

/**
 * The package's years, one `YearDates` per calendar year of the dates (the package files the 2019 notice's
 * 2018-12-29 to 12-31 under 2018), ascending. Read once: the data is part of the installed code.
 */
export function packageCalendarYears(): YearDates[] {
  if (packageYears) return packageYears;
  const data = chineseDaysData as unknown as ChineseDaysData;
  const byYear = new Map<number, YearDates>();
  const yearOf = (date: CalendarDate): YearDates => {
    const year = Number(date.slice(0, 4));
    let entry = byYear.get(year);
    if (!entry) {
      entry = {
        year,
        holidays: [],
        workdays: [],
        source: `${CALENDAR_PACKAGE} 数据包（据国务院办公厅历年节假日安排通知）`,
        names: {},
      };
      byYear.set(year, entry);
    }
    return entry;
  };
  for (const [kind, list] of [
    ['holidays', data.holidays],
    ['workdays', data.workdays],
  ] as const) {
    for (const [date, entry] of Object.entries(list)) {
      const year = yearOf(date);
      year[kind].push(date);
      const name = holidayName(entry);
      if (name) year.names![date] = name;
    }
  }
  packageYears = [...byYear.values()].sort((a, b) => a.year - b.year);
  for (const y of packageYears) {
    y.holidays.sort();
    y.workdays.sort();
  }
  return packageYears;
}

/** The first and last year the installed package knows: what `calendar show` says it covers. */
export function packageCoverage(): { first: number; last: number } {
  const years = packageCalendarYears();
  return { first: years[0]!.year, last: years.at(-1)!.year };
}

/** Package years and imported years, one entry per year, an imported year replacing the package's; ascending. */
export function mergeCalendarYears(fromPackage: readonly YearDates[], imported: readonly YearDates[]): YearDates[] {
  const byYear = new Map<number, YearDates>();
  for (const y of fromPackage) byYear.set(y.year, y);
  for (const y of imported) byYear.set(y.year, y);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}
