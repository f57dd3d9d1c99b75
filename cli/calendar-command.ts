/**
 * `duban calendar import FILE` and `duban calendar show YEAR`: the working-day calendar's years. The data package
 * knows the State Council's notices up to its release; a newer year's notice is imported from a small JSON or CSV
 * file and stored in PostgreSQL, replacing the package's dates for that year. A file is checked in full before
 * anything is connected to, so a file with a problem stores nothing.
 */

import { basename, extname } from 'node:path';
import type { Pool } from 'pg';
import { chineseMonthDay, formatShanghai, isoDate, type CalendarDate } from '../domain/calendar';
import { CalendarFileError, parseCalendarCsv, parseCalendarJson } from '../domain/calendar-file';
import { CALENDAR_PACKAGE, mergeCalendarYears, packageCalendarYears, packageCoverage } from '../domain/calendar-years';
import { calendarSlice, isWeekend, weekdayOf, workingDaysBetween, type YearDates } from '../domain/working-days';
import { AssignmentService } from '../api/assignments';
import { CycleService, cyclesReachingYear, type CalendarRecount } from '../api/cycles';
import {
  importedCalendarYears,
  loadCalendarYears,
  saveCalendarYear,
  type ImportedCalendarYear,
} from '../infra/calendar-store';
import { parseArgs, UsageError } from './args';
import { readInputFile } from './files';
import { readCsv } from './csv';
import { withPool, withTemporal } from './connections';
import type { Io } from './plan-command';

export const CALENDAR_USAGE = `  duban calendar import FILE.(json|csv) [--source 通知标题]
      导入一年的法定节假日和调休上班日（国务院办公厅的节假日安排通知），取代数据包中该年的日期；
      同一年再导入即替换。CSV 的列：日期,类型（放假|上班）,说明；CSV 须用 --source 写明通知标题
  duban calendar show YEAR
      列出一年的放假和调休上班日期、全年工作日天数，以及这些日期的来源`;

/** Reads and checks a calendar file; throws CalendarFileError (nothing to store) or UsageError. */
function readCalendarFile(io: Io, file: string, source: string | undefined): YearDates {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') {
    throw new UsageError(`日历文件须是 .json 或 .csv（${file}）；格式见 README 的“Working days”一节`);
  }
  const bytes = readInputFile(io, file, '一个 .json 或 .csv 文件');
  if (ext === '.json') {
    if (source !== undefined) {
      throw new UsageError('JSON 文件的来源写在它的 "source" 字段里；--source 只用于 CSV 文件，请去掉它');
    }
    return parseCalendarJson(bytes.toString('utf8'), file);
  }
  return parseCalendarCsv(readCsv(bytes), file, source);
}

/** An ideographic space, between a holiday's name and its dates. */
const GAP = '\u3000';
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

/** '1月27日（周五）', with the year when it is not the year shown ('2018年12月30日（周日）'), or when asked. */
function dayLabel(date: CalendarDate, year: number, withYear = false): string {
  const prefix = withYear || Number(date.slice(0, 4)) !== year ? `${date.slice(0, 4)}年` : '';
  return `${prefix}${chineseMonthDay(date)}（${WEEKDAYS[weekdayOf(date)]}）`;
}

/** Working days of a year on the calendar the years give (weekends only when the year is unknown). */
function workingDaysOfYear(year: number, years: readonly YearDates[]): number {
  const cal = calendarSlice({ from: isoDate(year, 1, 1), to: isoDate(year, 12, 31) }, years);
  return workingDaysBetween(cal, isoDate(year - 1, 12, 31), isoDate(year, 12, 31));
}

/** Consecutive dates as runs: a notice's "10月1日至8日". */
function runs(dates: readonly CalendarDate[]): CalendarDate[][] {
  const out: CalendarDate[][] = [];
  for (const d of [...dates].sort()) {
    const last = out.at(-1);
    const previous = last?.at(-1);
    if (last && previous && Date.parse(`${d}T00:00:00Z`) - Date.parse(`${previous}T00:00:00Z`) === 86_400_000) {
      last.push(d);
    } else {
      out.push([d]);
    }
  }
  return out;
}

function namesOf(dates: readonly CalendarDate[], names: Record<string, string> | undefined): string {
  const distinct = [...new Set(dates.map((d) => names?.[d]).filter((n): n is string => !!n))];
  return distinct.length > 0 ? distinct.join('、') : '（未注明假期）';
}

/**
 * A year's dates for people, as a notice reads: each holiday run with its name, length and weekdays, each make-up
 * day, the year's working days, and where the dates come from. `all` is every year known (the next year's notice
 * may change this year's last days, which the working-day count must see).
 */
export function formatCalendarYear(
  year: number,
  entry: YearDates | ImportedCalendarYear | undefined,
  all: readonly YearDates[],
  packageHasYear: boolean,
): string {
  const lines: string[] = [];
  const coverage = packageCoverage();
  if (!entry) {
    lines.push(
      `${year}年：不知道该年的法定节假日安排——${CALENDAR_PACKAGE} 数据包只覆盖 ${coverage.first}–${coverage.last} 年，` +
        `也没有导入过 ${year} 年的日期。`,
      `排期落在 ${year} 年时只按周末计算工作日（全年 ${workingDaysOfYear(year, all)} 天），节假日照常发送提醒和催办。`,
      `国务院办公厅发布该年节假日安排的通知后，请用 duban calendar import FILE 导入（JSON 或 CSV，格式见 README 的“Working days”一节）。`,
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${year}年节假日安排`, `来源：${entry.source}`);
  if ('importedAt' in entry) {
    lines.push(
      `导入：${formatShanghai(entry.importedAt)} 从 ${entry.fileName} 导入` +
        (packageHasYear ? `，取代 ${CALENDAR_PACKAGE} 数据包中的该年日期` : ''),
    );
  }
  lines.push('放假：');
  for (const run of runs(entry.holidays)) {
    const first = run[0]!;
    const last = run.at(-1)!;
    // A run that starts in the year before names both years, as the notice does: 2018年12月30日至2019年1月1日.
    const bothYears = first.slice(0, 4) !== last.slice(0, 4);
    const span =
      run.length === 1 ? dayLabel(first, year) : `${dayLabel(first, year)}至${dayLabel(last, year, bothYears)}`;
    lines.push(`  ${namesOf(run, entry.names)}${GAP}${span}，共${run.length}天`);
  }
  lines.push(entry.workdays.length > 0 ? '调休上班：' : '调休上班：无');
  for (const d of entry.workdays) lines.push(`  ${dayLabel(d, year)}${GAP}${namesOf([d], entry.names)}`);
  const weekdayHolidays = entry.holidays.filter((d) => !isWeekend(d)).length;
  lines.push(
    `全年工作日 ${workingDaysOfYear(year, all)} 天（放假落在工作日的 ${weekdayHolidays} 天，调休上班 ${entry.workdays.length} 天）。`,
  );
  return `${lines.join('\n')}\n`;
}

function yearArgument(text: string | undefined): number {
  if (text === undefined) throw new UsageError('calendar show 需要年份，如 duban calendar show 2027');
  if (!/^\d{4}$/.test(text) || Number(text) < 1990 || Number(text) > 2100) {
    throw new UsageError(`年份须是 1990 到 2100 之间的四位数，如 2027，不是“${text}”`);
  }
  return Number(text);
}

async function calendarImport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['source']);
  if (args.positionals.length !== 1) {
    throw new UsageError(
      args.positionals.length === 0
        ? '缺少 FILE：要导入的 .json 或 .csv 文件'
        : `一次导入一个文件（收到 ${args.positionals.join('、')}）`,
    );
  }
  const file = args.positionals[0]!;
  let year: YearDates;
  try {
    year = readCalendarFile(io, file, args.options.get('source'));
  } catch (e) {
    if (!(e instanceof CalendarFileError)) throw e;
    io.stderr(`duban：${e.message}\n`);
    return 2;
  }
  return withPool(io, async (pool) => {
    const { saved, replaced } = await saveCalendarYear(pool, year, basename(file));
    const all = mergeCalendarYears(packageCalendarYears(), [saved]);
    const inPackage = packageCalendarYears().some((y) => y.year === saved.year);
    const weekdayHolidays = saved.holidays.filter((d) => !isWeekend(d)).length;
    const lines = [
      `已导入 ${saved.year} 年的节假日安排：放假 ${saved.holidays.length} 天（其中工作日 ${weekdayHolidays} 天），` +
        `调休上班 ${saved.workdays.length} 天；全年工作日 ${workingDaysOfYear(saved.year, all)} 天。`,
      `来源：${saved.source}`,
    ];
    if (replaced) {
      lines.push(
        `替换了 ${formatShanghai(replaced.importedAt)} 从 ${replaced.fileName} 导入的 ${saved.year} 年日期（来源：${replaced.source}）。`,
      );
    } else if (inPackage) {
      lines.push(`取代 ${CALENDAR_PACKAGE} 数据包中的 ${saved.year} 年日期。`);
    } else {
      lines.push(`此前 ${saved.year} 年没有日期，只按周末计算工作日。`);
    }
    io.stdout(`${lines.join('\n')}\n`);
    return recountRunning(io, pool, saved);
  });
}

/**
 * What runs into the year just stored, counted again on the years now known: the cycles whose span reaches into it,
 * and the assignments made one at a time. Exits 1 when a cycle still launching was left alone.
 */
async function recountRunning(io: Io, pool: Pool, saved: YearDates): Promise<number> {
  const cycleIds = await cyclesReachingYear(pool, saved);
  const years = await loadCalendarYears(pool);
  const reason = `导入${saved.year}年节假日安排（${saved.source}）`;
  const { outcomes, single } = await withTemporal(io, async (client, config) => ({
    outcomes: await new CycleService({ client, pool, taskQueue: config.TEMPORAL_TASK_QUEUE }).recountWorkingDays(
      cycleIds,
      years,
      reason,
      (o) => io.stderr(`duban：督办周期 ${o.cycleId}：${RECOUNT_WORD[o.outcome]}\n`),
    ),
    single: await new AssignmentService({
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      coordinator: config.DUBAN_COORDINATOR,
    }).recountWorkingDays(saved, years, reason),
  }));
  const updated = outcomes.filter((o) => o.outcome === 'updated');
  const launching = outcomes.filter((o) => o.outcome === 'launching');
  io.stdout(
    (cycleIds.length === 0
      ? `没有运行中的督办周期排期到 ${saved.year} 年。\n`
      : `已按新日历重新排期的督办周期 ${updated.length} 个` +
        (updated.length > 0 ? `（${updated.map((o) => `${o.cycleId} 共 ${o.items} 项督办`).join('、')}）` : '') +
        '：其中运行中的督办，提醒、催办和督查通报此后按新日历计算，已发出的不变；已办结、已撤销的不再排期。\n') +
      (launching.length > 0
        ? `正在发布、未能更新：${launching.map((o) => o.cycleId).join('、')}——发布完成后请再次导入本文件。\n`
        : '') +
      `单独交办的任务（不属于督办周期）：${single.updated} 项已按新日历重新排期。此后启动的任务按新日历排期。\n`,
  );
  return launching.length > 0 ? 1 : 0;
}

const RECOUNT_WORD: Record<CalendarRecount['outcome'], string> = {
  updated: '已按新日历重新排期',
  unchanged: '日历不变',
  closed: '已结束，不再排期',
  launching: '正在发布，未能更新（发布完成后请再次导入）',
};

async function calendarShow(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, []);
  if (args.positionals.length > 1)
    throw new UsageError(`calendar show 只接受一个年份（收到 ${args.positionals.join(' ')}）`);
  const year = yearArgument(args.positionals[0]);
  const imported = await withPool(io, (pool) => importedCalendarYears(pool));
  const all = mergeCalendarYears(packageCalendarYears(), imported);
  const entry = imported.find((y) => y.year === year) ?? all.find((y) => y.year === year);
  const packageHasYear = packageCalendarYears().some((y) => y.year === year);
  io.stdout(formatCalendarYear(year, entry, all, packageHasYear));
  return 0;
}

export async function calendarCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'import') return calendarImport(argv, io);
  if (sub === 'show') return calendarShow(argv, io);
  if (sub === '--help' || sub === 'help') {
    io.stdout(`${CALENDAR_USAGE}\n`);
    return 0;
  }
  throw new UsageError(`未知的 calendar 子命令 ${sub ?? '（无）'}；可用：import、show`);
}
