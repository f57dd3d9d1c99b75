/**
 * `duban simulate TABLE_OR_PLAN --year YYYY [--behaviour FILE] [--units FILE] [--format text|json]`: a whole cycle of
 * the plan, on Temporal's time-skipping server started in that year, with the real storage and scripted units; it
 * prints every period's 督查通报 and a summary (text), or the figures as JSON.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { simulateCycle, type SimulationResult } from '../api/simulation';
import { behaviourFileSchema, type BehaviourFile } from '../domain/cycle/behaviour';
import { formatBulletin } from '../domain/cycle/bulletin';
import { describeIssues } from '../domain/validation';
import { loadCalendarYears } from '../infra/calendar-store';
import { createLogger } from '../infra/logger';
import { installTemporalLogging } from '../infra/temporal';
import { loadDirectory } from '../infra/unit-store';
import { parseArgs, UsageError } from './args';
import { NOTICE_KIND_NAMES, type NoticeKind } from '../workflows/assignment/notices';
import { configOf, withPool } from './connections';
import { readPlanOrTable, type Io } from './plan-command';
import { readDirectoryFile } from './units-command';

export const SIMULATE_USAGE = `  duban simulate TABLE_OR_PLAN --year YYYY [--behaviour FILE] [--units FILE] [--format text|json]
      在时间跳跃测试服务器上模拟一整个督办周期（服务器从该年开始计时，按该年的节假日计算工作日），
      单位按脚本签收、按期或逾期报送、或不报送；输出每期督查通报和汇总。--units 用这份单位名录代替已导入的；
      --behaviour 是单位行为的 JSON：{ "seed": 1, "units": { "市质监局": { "behaviour": "late", "days": 3 } } }`;

export async function simulateCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['year', 'behaviour', 'units', 'format']);
  if (args.positionals.length !== 1) throw new UsageError('请给出一份任务分解表（.json、.csv、.xlsx）或计划文件');
  const yearText = args.options.get('year');
  if (!yearText || !/^(19|20|21)\d{2}$/.test(yearText)) {
    throw new UsageError(
      `--year 应为要模拟的年份，如 2017（计划本身的年份）或 2027${yearText ? `，而不是“${yearText}”` : ''}`,
    );
  }
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format 应为 text 或 json，而不是“${format}”`);
  const behaviour = readBehaviour(io, args.options.get('behaviour'));
  const unitsFile = args.options.get('units');
  const directoryGiven = unitsFile ? await readDirectoryFile(io, unitsFile) : undefined;
  const plan = await readPlanOrTable(io, args.positionals[0]);

  const config = configOf(io);
  installTemporalLogging(createLogger('simulate', { level: 'warn', format: config.LOG_FORMAT }));
  const started = Date.now();
  return withPool(io, async (pool) => {
    const result = await simulateCycle({
      plan,
      directory: directoryGiven ?? (await loadDirectory(pool)),
      calendarYears: await loadCalendarYears(pool),
      year: Number(yearText),
      ...(behaviour && { behaviour }),
      pool,
      topic: config.KAFKA_EVENTS_TOPIC,
      runId: Date.now().toString(36),
      onProgress: (message) => {
        if (format === 'text')
          io.stderr(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} 秒  ${message}\n`);
      },
    });
    try {
      const seconds = (Date.now() - started) / 1000;
      io.stdout(format === 'json' ? `${JSON.stringify(asJson(result), null, 2)}\n` : asText(result, seconds));
      return result.refused.length > 0 ? 1 : 0;
    } finally {
      await result.close();
    }
  });
}

function readBehaviour(io: Io, file: string | undefined): BehaviourFile | undefined {
  if (file === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `找不到行为文件 ${file}` : `行为文件 ${file} 不是有效的 JSON（${(e as Error).message}）`,
    );
  }
  const parsed = behaviourFileSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(`行为文件 ${file} 有误：${describeIssues(parsed.error, '文件')}`);
  return parsed.data;
}

/** The shape the issue asks for, for scripts and the tests. */
function asJson(r: SimulationResult) {
  return {
    cycle: r.cycleId,
    assignments: r.assignments,
    bulletins: r.bulletins.map((b) => ({
      period: b.period.key,
      units: b.units.map((u) => ({
        unit: u.unit,
        assigned: u.assigned,
        onTime: u.onTime,
        late: u.late,
        missing: u.missing,
        escalations: u.escalations,
        score: u.score,
      })),
    })),
    notices: r.notices,
  };
}

function asText(r: SimulationResult, seconds: number): string {
  const behaviours = { 'on-time': 0, late: 0, silent: 0 };
  for (const s of r.scripts) behaviours[s.behaviour]++;
  const notices = Object.entries(r.notices)
    .map(([kind, n]) => `${NOTICE_KIND_NAMES[kind as NoticeKind] ?? kind} ${n}`)
    .join('，');
  return (
    r.bulletins.map((b) => formatBulletin(b, 'text')).join('\n\n') +
    `\n\n模拟汇总：督办周期 ${r.cycleId}，${r.assignments} 项督办；` +
    `单位按脚本：按期 ${behaviours['on-time']}、逾期 ${behaviours.late}、不报送 ${behaviours.silent}；` +
    `督查通报 ${r.bulletins.length} 期；通知：${notices}；用时 ${seconds.toFixed(1)} 秒\n` +
    (r.prepared.calendarWarning ? `${r.prepared.calendarWarning}\n` : '') +
    (r.refused.length > 0 ? `被拒绝的脚本操作 ${r.refused.length} 项：\n${r.refused.join('\n')}\n` : '')
  );
}
