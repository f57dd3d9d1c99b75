/**
 * `duban cycle launch TABLE --cycle NAME --by 督办单位 [--year YYYY] [--title 标题] [--dry-run]`: plans the launch
 * from the reviewed task table, the stored unit directory and the working-day calendar; refuses it with every
 * problem named when there is one; with `--dry-run` says what would start; otherwise launches the cycle and shows
 * the launch's progress until every assignment is started (a bar on a terminal, a line per tenth otherwise).
 */
import { basename } from 'node:path';
import { CycleService, type CycleItem } from '../api/cycles';
import { prepareLaunch, yellowWhenLeftOf, yellowWhenLeftProblem } from '../api/cycle-launch';
import { shanghaiDate } from '../domain/calendar';
import { describeYearShift, formatDryRun, formatWarnings } from '../domain/cycle/launch-plan';
import { loadCalendarYears } from '../infra/calendar-store';
import { loadDirectory } from '../infra/unit-store';
import type { CycleView } from '../workflows/cycle/messages';
import { parseArgs, UsageError } from './args';
import { withPool, withTemporal } from './connections';
import { readPlanOrTable, type Io } from './plan-command';
import { progressBar } from './progress';

const CYCLE_ID = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

/** A number of working days for `--acknowledge-days` or `--cooperation-days`: 0 (off) to 30. */
function workingDays(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,2}$/.test(text) || Number(text) > 30) {
    throw new UsageError(`--${option} 应为 0 到 30 之间的工作日数（0 即不设），而不是“${text}”`);
  }
  return Number(text);
}

export async function cycleLaunch(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(
    argv,
    ['cycle', 'by', 'year', 'title', 'acknowledge-days', 'cooperation-days', 'yellow-when-left'],
    ['dry-run'],
  );
  if (args.positionals.length !== 1) throw new UsageError('请给出一份任务分解表（.json、.csv、.xlsx）或计划文件');
  const cycleId = args.options.get('cycle');
  if (!cycleId) throw new UsageError('缺少 --cycle：督办周期的名称，如 --cycle ezhou-2017');
  if (!CYCLE_ID.test(cycleId)) {
    throw new UsageError(`周期名称“${cycleId}”只能由文字、数字和 . _ - 组成，最长 64 个字符，如 ezhou-2017`);
  }
  const by = args.options.get('by')?.trim();
  if (!by) throw new UsageError('缺少 --by：发布并督办这个周期的单位，如 --by 市政府督查室');
  const yearText = args.options.get('year');
  if (yearText !== undefined && !/^(19|20|21)\d{2}$/.test(yearText)) {
    throw new UsageError(`--year 应为年份，如 2027，而不是“${yearText}”`);
  }
  const acknowledgeWithinDays = workingDays(args.options.get('acknowledge-days'), 'acknowledge-days', 2);
  const cooperationReminderDays = workingDays(args.options.get('cooperation-days'), 'cooperation-days', 3);
  const yellowText = args.options.get('yellow-when-left');
  const lights = yellowText === undefined ? undefined : yellowWhenLeftOf(yellowText);
  if (yellowText !== undefined && !lights)
    throw new UsageError(yellowWhenLeftProblem('--yellow-when-left', yellowText));
  const plan = await readPlanOrTable(io, args.positionals[0]);
  const dryRun = args.flags.has('dry-run');

  const prepared = await withPool(io, async (pool) =>
    prepareLaunch({
      plan,
      directory: await loadDirectory(pool),
      calendarYears: await loadCalendarYears(pool),
      cycleId,
      today: shanghaiDate(new Date()),
      coordinator: by,
      ...(yearText !== undefined && { year: Number(yearText) }),
      ...(args.options.get('title') && { title: args.options.get('title')! }),
      conversation: { acknowledgeWithinDays, cooperationReminderDays },
      ...(lights && { lights }),
    }),
  );
  const { launch, config, calendarWarning } = prepared;
  if (launch.errors.length > 0) {
    io.stderr(`duban：任务分解表有 ${launch.errors.length} 处问题，未发布任何督办：\n${formatDryRun(launch)}`);
    return 2;
  }
  if (calendarWarning) io.stderr(`duban：${calendarWarning}\n`);
  if (dryRun) {
    io.stdout(formatDryRun(launch));
    return 0;
  }
  // What the dry run would have said about the table, said before it is launched.
  const shift = describeYearShift(launch);
  if (shift) io.stderr(`duban：${shift}\n`);
  if (launch.warnings.length > 0) io.stderr(`duban：${formatWarnings(launch)}\n`);

  const items: CycleItem[] = launch.items;
  return withTemporal(io, (client, appConfig) =>
    withPool(io, async (pool) => {
      const cycles = new CycleService({ client, pool, taskQueue: appConfig.TEMPORAL_TASK_QUEUE });
      const { fresh } = await cycles.launch({
        cycleId,
        config,
        items,
        launchedBy: by,
        plan,
        planSource: basename(args.positionals[0]!),
      });
      io.stderr(
        fresh
          ? `duban：发布督办周期 ${cycleId}，共 ${items.length} 项督办\n`
          : `duban：督办周期 ${cycleId} 已发布过，核对并补发缺少的督办\n`,
      );
      const progress = progressBar(io, '发布中', items.length);
      let view: CycleView = await cycles.status(cycleId);
      while (view.status === 'launching') {
        progress(view.started + view.existing);
        await new Promise((resolve) => setTimeout(resolve, 500));
        view = await cycles.status(cycleId);
      }
      progress(view.started + view.existing, true);
      io.stdout(
        `督办周期 ${cycleId}：新发布 ${view.started} 项，已在运行 ${view.existing} 项，共 ${view.items} 项；` +
          `督查通报 ${view.schedule.length} 期，首期 ${view.schedule[0]?.label ?? '—'}\n`,
      );
      return 0;
    }),
  );
}
