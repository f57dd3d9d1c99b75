/**
 * The coordinator's desk: the application functions behind the cycle routes (api/cycle-routes.ts) and the
 * coordinator's pages (api/web/coordinator.ts) — launching a cycle from an uploaded task table, the cycles, one
 * cycle's dashboard, its bulletins, and the overdue and escalated items. Routes and pages call these and nothing
 * below them; the SQL is in read-models/cycle-dashboard.ts and api/read-models.ts.
 *
 * Where the lights come from: Temporal's visibility (the DubanLight search attribute). Each assignment's workflow
 * upserts it from the decider's own `lightOf` whenever it changes — on an event, and on the clock alone (it wakes at
 * `nextLightChange`: green → yellow → red with no event at all) — so it is the decider's light, not a copy that a
 * read model would have to recompute for the passing of time. The `assignments` read model holds no light and would
 * miss those clock changes; the cycle's view knows none; asking every assignment's workflow costs a query each. One
 * visibility list of the cycle's assignments (one page up to 1,000) gives every light and unit at once; it trails the
 * workflows by about a second, as any read model does.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { shanghaiDate } from '../domain/calendar';
import { LEVEL_NAMES, type Bulletin, type BulletinLevel } from '../domain/cycle/bulletin';
import { PlanError } from '../domain/plan';
import { unitsWithoutChannel } from '../domain/notify/contacts';
import { loadCalendarYears } from '../infra/calendar-store';
import { DUBAN_LIGHT, DUBAN_STATUS, DUBAN_UNIT } from '../infra/search-attributes';
import { loadDirectory } from '../infra/unit-store';
import {
  listCycles,
  overdueItems,
  periodsSoFar,
  type CycleSummary,
  type OverdueItem,
} from '../read-models/cycle-dashboard';
import { parseTaskTable } from '../cli/task-table';
import type { Light } from '../workflows/assignment/decider';
import type { LightThresholds } from '../workflows/assignment/spec';
import type { CycleView } from '../workflows/cycle/messages';
import { prepareLaunch } from './cycle-launch';
import type { CycleService } from './cycles';
import { AppError } from './errors';
import { bulletinsOf } from './read-models';

export const LIGHTS = ['green', 'yellow', 'red', 'none'] as const satisfies readonly Light[];
export type LightCounts = Record<Light, number>;

/** A cycle's name: letters, digits and . _ -, as the launch plan requires (it becomes part of every assignment id). */
export const CYCLE_ID = /^[\p{L}\p{N}_.-]{1,64}$/u;

/** What the coordinator uploads to launch a cycle. */
export interface TableLaunch {
  cycleId: string;
  /** The task table's file name: its extension says how to read it (.csv, .xlsx, .json). */
  fileName: string;
  bytes: Uint8Array;
  /** The coordinator's office that launches and supervises the cycle. */
  by: string;
  title?: string;
  /** Move every date of the plan to this year. */
  year?: number;
  /** When the cycle's lights turn yellow; the default when absent. */
  lights?: LightThresholds;
}

export interface LaunchWarning {
  code: string;
  message: string;
}

export interface LaunchAnswer {
  /** False when the same cycle was launched before from the same table (nothing started twice). */
  fresh: boolean;
  cycle: CycleView;
  /** The assignments the table gives, one per item × lead unit. */
  items: number;
  warnings: LaunchWarning[];
}

/** A table the launch cannot start from: every problem, each naming the item, its row and the fix. */
export class LaunchRefused extends Error {
  constructor(readonly problems: LaunchWarning[]) {
    super(
      `任务分解表有 ${problems.length} 处问题，未发布任何督办：` +
        problems
          .slice(0, 5)
          .map((p) => p.message)
          .join('；'),
    );
    this.name = 'LaunchRefused';
  }
}

/** One assignment of a cycle as visibility shows it. */
export interface AssignmentLight {
  assignmentId: string;
  unit: string;
  light: Light;
  status: string;
}

export interface PeriodProgress {
  period: string;
  label: string;
  lastDue: string;
  /** When the bulletin is (or was) issued, from the cycle's schedule. */
  bulletinAt?: string;
  /** Issued: the rate is the bulletin's; otherwise it is the reports so far. */
  issued: boolean;
  assigned: number;
  onTime: number;
  late: number;
  missing: number;
  /** onTime / (onTime + late + missing); null while nothing was due. */
  onTimeRate: number | null;
}

export interface UnitRow {
  unit: string;
  items: number;
  lights: LightCounts;
  /** From the latest bulletin that ranks the unit. */
  score?: number;
  rank?: number;
  period?: string;
}

export interface EscalatedItem extends OverdueItem {
  /** The highest step reached (催办 → 督办 → 通报), if any. */
  level?: BulletinLevel;
  levelName?: string;
}

export interface CycleDashboard {
  cycle: Omit<CycleView, 'config'> & { config: Omit<CycleView['config'], 'calendar'> };
  lights: LightCounts;
  /** Items the cycle gives that visibility does not show yet: just started, their first workflow task not yet run. */
  awaiting: number;
  periods: PeriodProgress[];
  units: UnitRow[];
  overdue: EscalatedItem[];
  bulletins: Array<{ period: string; label: string; issuedAt: string }>;
}

export interface CycleDeskOptions {
  client: Client;
  pool: Pool;
  cycles: CycleService;
  /**
   * The present: the system clock, or the Temporal server's where that is not the wall clock's (a time-skipping
   * server run on a past plan year), so a launch's first day is the day its workflows start on.
   */
  now?: () => Date | Promise<Date>;
}

export class CycleDesk {
  constructor(private readonly options: CycleDeskOptions) {}

  /** Today in Shanghai, by the desk's clock. */
  async today(): Promise<string> {
    return shanghaiDate(await (this.options.now ?? (() => new Date()))());
  }

  /**
   * 发布 from an uploaded task table: read as `duban cycle launch` reads its file, planned with the unit directory
   * and the calendar years stored in PostgreSQL, refused whole (LaunchRefused) when any item has a problem, then
   * launched. Answers once the cycle's workflow has started; its items start in batches after.
   */
  async launch(request: TableLaunch): Promise<LaunchAnswer> {
    const { pool } = this.options;
    let plan;
    try {
      plan = await parseTaskTable(request.bytes, request.fileName);
    } catch (error) {
      if (error instanceof PlanError) throw new AppError('INVALID_TABLE', error.message);
      throw error;
    }
    if (plan === undefined) {
      throw new AppError(
        'INVALID_TABLE',
        `无法读取“${request.fileName}”：任务分解表应为 .csv、.xlsx 或 .json 文件（duban plan parse 输出的格式）`,
      );
    }
    const title = request.title ?? plan.title.trim();
    if (title === '') {
      // A CSV table carries no plan title (the XLSX keeps it in its 计划信息 sheet); a cycle without one is refused
      // by its workflow, after it is stored. Said here, before anything is stored.
      throw new AppError(
        'INVALID_PAYLOAD',
        `任务分解表“${request.fileName}”没有计划标题（CSV 表不含标题）：请给出督办周期的标题（?title=…），或上传 .xlsx 表`,
      );
    }
    const directory = await loadDirectory(pool);
    const { launch, config, calendarWarning } = prepareLaunch({
      plan,
      directory,
      calendarYears: await loadCalendarYears(pool),
      cycleId: request.cycleId,
      today: await this.today(),
      coordinator: request.by,
      ...(request.year !== undefined && { year: request.year }),
      ...(request.lights && { lights: request.lights }),
      title,
    });
    if (launch.errors.length > 0) throw new LaunchRefused(launch.errors);
    const { fresh } = await this.options.cycles.launch({
      cycleId: request.cycleId,
      config,
      items: launch.items,
      launchedBy: request.by,
      plan,
      planSource: request.fileName,
    });
    const warnings: LaunchWarning[] = [
      ...launch.warnings,
      ...(calendarWarning ? [{ code: 'CALENDAR_UNKNOWN', message: calendarWarning }] : []),
    ];
    // The coordinator's own office hears of every 通报: say so when it has no channel, as the units' are said.
    if (unitsWithoutChannel(directory, [request.by]).length > 0 && directory.length > 0) {
      warnings.push({
        code: 'COORDINATOR_WITHOUT_CHANNEL',
        message: `督办单位 ${request.by} 在单位名录中没有联系方式，督查通报只进入系统消息；请在单位名录中补充`,
      });
    }
    return {
      fresh,
      cycle: await this.options.cycles.status(request.cycleId),
      items: launch.items.length,
      warnings,
    };
  }

  /** The cycles, newest first; only `cycleIds` when given (the lead passes a coordinator's granted cycles). */
  list(cycleIds?: readonly string[]): Promise<CycleSummary[]> {
    return listCycles(this.options.pool, cycleIds);
  }

  /** Every assignment of the cycle with its light, unit and status, from visibility (see the top of this file). */
  async lights(cycleId: string): Promise<AssignmentLight[]> {
    if (!CYCLE_ID.test(cycleId)) throw unknownCycle(cycleId);
    const rows: AssignmentLight[] = [];
    for await (const info of this.options.client.workflow.list({ query: `DubanCycle = "${cycleId}"` })) {
      const attrs = info.typedSearchAttributes;
      const light = attrs.get(DUBAN_LIGHT);
      rows.push({
        assignmentId: info.workflowId,
        unit: attrs.get(DUBAN_UNIT) ?? '',
        light: (LIGHTS as readonly string[]).includes(light ?? '') ? (light as Light) : 'none',
        status: attrs.get(DUBAN_STATUS) ?? '',
      });
    }
    return rows;
  }

  /** The dashboard's data: the cycle, its lights, on-time rate per period, the units, the overdue and escalated. */
  async dashboard(cycleId: string): Promise<CycleDashboard> {
    const { pool, cycles } = this.options;
    const today = await this.today();
    const view = await cycles.status(cycleId);
    const [assignments, soFar, bulletins, overdue] = await Promise.all([
      this.lights(cycleId),
      periodsSoFar(pool, cycleId, today),
      bulletinsOf(pool, cycleId),
      this.escalations([cycleId]),
    ]);
    const current = assignments.filter((a) => a.status !== 'reassigned');
    const lights = countLights(current);
    const byPeriod = new Map(bulletins.map((b) => [b.period.key, b]));
    const schedule = new Map(view.schedule.map((s) => [s.key, s]));
    const periods: PeriodProgress[] = soFar.map((p) => {
      const bulletin = byPeriod.get(p.period);
      const counted = bulletin
        ? {
            assigned: bulletin.totals.assigned,
            onTime: bulletin.totals.onTime,
            late: bulletin.totals.late,
            missing: bulletin.totals.missing,
            onTimeRate: bulletin.totals.onTimeRate,
          }
        : { ...p, onTimeRate: rate(p.onTime, p.late, p.missing) };
      const at = schedule.get(p.period)?.at;
      return {
        period: p.period,
        label: schedule.get(p.period)?.label ?? p.label,
        lastDue: p.lastDue,
        ...(at && { bulletinAt: at }),
        issued: bulletin !== undefined,
        assigned: counted.assigned,
        onTime: counted.onTime,
        late: counted.late,
        missing: counted.missing,
        onTimeRate: counted.onTimeRate,
      };
    });
    return {
      cycle: withoutCalendar(view),
      lights,
      awaiting: Math.max(0, view.items - current.length),
      periods,
      units: unitRows(current, bulletins),
      overdue,
      bulletins: view.bulletins,
    };
  }

  /** The overdue items of `cycleIds`, with the highest escalation step each reached. */
  async escalations(cycleIds: readonly string[]): Promise<EscalatedItem[]> {
    if (cycleIds.length === 0) return [];
    const rows = await overdueItems(this.options.pool, cycleIds);
    return rows.map((row) => {
      const level = highest(row.escalations);
      return { ...row, ...(level && { level, levelName: LEVEL_NAMES[level] }) };
    });
  }

  /** The cycle's bulletins, oldest first; UNKNOWN_CYCLE when there is no such cycle. */
  async bulletins(cycleId: string): Promise<Bulletin[]> {
    await this.requireCycle(cycleId);
    return bulletinsOf(this.options.pool, cycleId);
  }

  /** One period's bulletin; UNKNOWN_PERIOD naming the issued ones when it is not issued (yet). */
  async bulletin(cycleId: string, period: string): Promise<Bulletin> {
    const bulletins = await this.bulletins(cycleId);
    const found = bulletins.find((b) => b.period.key === period);
    if (!found) {
      const issued = bulletins.map((b) => b.period.key).join('、');
      throw new AppError(
        'UNKNOWN_PERIOD',
        `督办周期 ${cycleId} 还没有 ${period} 的督查通报${issued ? `；已有：${issued}` : '；尚未印发任何一期'}`,
      );
    }
    return found;
  }

  private async requireCycle(cycleId: string): Promise<CycleSummary> {
    const [cycle] = await listCycles(this.options.pool, [cycleId]);
    if (!cycle) throw unknownCycle(cycleId);
    return cycle;
  }
}

/** The view without the calendar slice every assignment carries: hundreds of dates no page shows. */
export function withoutCalendar(view: CycleView): CycleDashboard['cycle'] {
  const config: Partial<CycleView['config']> = { ...view.config };
  delete config.calendar;
  return { ...view, config: config as CycleDashboard['cycle']['config'] };
}

const unknownCycle = (cycleId: string) =>
  new AppError('UNKNOWN_CYCLE', `没有名为 ${cycleId} 的督办周期；请核对名称，或先发布该周期`);

function rate(onTime: number, late: number, missing: number): number | null {
  const due = onTime + late + missing;
  return due === 0 ? null : onTime / due;
}

const noLights = (): LightCounts => ({ green: 0, yellow: 0, red: 0, none: 0 });

function countLights(rows: readonly AssignmentLight[]): LightCounts {
  const counts = noLights();
  for (const row of rows) counts[row.light] += 1;
  return counts;
}

/** Units in the order of the latest bulletin's ranking, those it does not rank after them by name. */
function unitRows(rows: readonly AssignmentLight[], bulletins: readonly Bulletin[]): UnitRow[] {
  const units = new Map<string, UnitRow>();
  for (const row of rows) {
    let unit = units.get(row.unit);
    if (!unit) units.set(row.unit, (unit = { unit: row.unit, items: 0, lights: noLights() }));
    unit.items += 1;
    unit.lights[row.light] += 1;
  }
  const latest = bulletins.at(-1);
  for (const ranked of latest?.units ?? []) {
    const unit = units.get(ranked.unit);
    if (unit) Object.assign(unit, { score: ranked.score, rank: ranked.rank, period: latest!.period.key });
  }
  return [...units.values()].sort(
    (a, b) =>
      (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
      b.lights.red - a.lights.red ||
      (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0),
  );
}

const LEVEL_ORDER: readonly BulletinLevel[] = ['urge', 'notify-head', 'report-coordinator'];

function highest(levels: readonly string[]): BulletinLevel | undefined {
  let top = -1;
  for (const level of levels) top = Math.max(top, LEVEL_ORDER.indexOf(level as BulletinLevel));
  return top < 0 ? undefined : LEVEL_ORDER[top];
}
