/**
 * The application's cycle functions: the CLI (and later the API and the web page) launch a supervision cycle from a
 * launch plan, watch it, act on it and read its bulletins through these, never Temporal or SQL directly.
 */
import { createHash } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { formatShanghai, type CalendarDate } from '../domain/calendar';
import { canonicalJson } from '../domain/canonical-json';
import { SIMULATION_PREFIX } from '../domain/cycle/launch-plan';
import { calendarSlice, noticeSpan, sameCalendar, type YearDates } from '../domain/working-days';
import { streamsEvents } from '../infra/audit-store';
import { withTransaction } from '../infra/postgres';
import type { AssignmentSpecV3, ItemTarget, ReportingPeriodSpec } from '../workflows/assignment/events';
import { assignmentSpecV3Schema } from '../workflows/assignment/events';
import { DEFAULT_CONVERSATION } from '../workflows/assignment/policy';
import { carryOf, type CycleCarry } from '../workflows/cycle/carry';
import { cycleEventSchema, cycleStream, type CycleConfig } from '../workflows/cycle/events';
import {
  cancelCycleUpdate,
  cycleStatusQuery,
  notifyUnitsUpdate,
  pauseCycleUpdate,
  resumeCycleUpdate,
  updateCycleCalendarUpdate,
  type CycleAction,
  type CycleCalendarChange,
  type CycleInput,
  type CycleNotice,
  type CycleResume,
  type CycleView,
} from '../workflows/cycle/messages';
import type { cycleWorkflow } from '../workflows/cycle/workflow';
import { called } from './caller';
import { AppError, isAppErrorCode } from './errors';

/**
 * The cycles whose calendar span reaches into `year` (its notice's first date may fall in the December before), in
 * the order they were launched. Simulations (sim-…) run on a server of their own and are left out.
 */
export async function cyclesReachingYear(pool: Pool, year: YearDates): Promise<string[]> {
  const { from, to } = noticeSpan(year);
  const { rows } = await pool.query<{ cycle_id: string }>(
    `SELECT cycle_id FROM cycles
     WHERE config->'calendar'->>'from' <= $2 AND config->'calendar'->>'to' >= $1 AND NOT starts_with(cycle_id, $3)
     ORDER BY launched_at, cycle_id`,
    [from, to, SIMULATION_PREFIX],
  );
  return rows.map((r) => r.cycle_id);
}

/** What became of one cycle when a calendar year was imported. */
export type CalendarRecount =
  | { cycleId: string; outcome: 'updated'; items: number; unknownYears: number[] }
  /** Its workflow has ended (withdrawn, or past its last bulletin): nothing left to count. */
  | { cycleId: string; outcome: 'closed' }
  /** Still starting its assignments: the ones not yet started would miss the new calendar; import again after. */
  | { cycleId: string; outcome: 'launching' }
  /** The year does not change its calendar (the same dates, or outside its span). */
  | { cycleId: string; outcome: 'unchanged' };

/** What `startCycleAssignments` heartbeats after each assignment of its batch. */
const batchCountsSchema = z.object({ started: z.number().int().min(0), existing: z.number().int().min(0) });

/** One assignment a launch plan gives: a task item × one lead unit (see domain/cycle/launch-plan.ts). */
export interface CycleItem {
  assignmentId: string;
  ref: string;
  title: string;
  unit: string;
  cooperating: string[];
  deadlineText: string;
  due: string;
  periods: ReportingPeriodSpec[];
  /** The item's quantitative targets (量化指标), as the parser read them. */
  targets?: ItemTarget[];
}

export interface LaunchRequest {
  cycleId: string;
  config: CycleConfig;
  items: CycleItem[];
  launchedBy: string;
  /** The plan (and its task table) as the launch read it, kept for auditors (`duban audit export`). */
  plan?: unknown;
  /** The file it was read from, as named. */
  planSource?: string;
}

export interface LaunchResult {
  /** True when this call started the cycle; false when it was launched before from the same table. */
  fresh: boolean;
  handle: WorkflowHandle<typeof cycleWorkflow>;
}

export function cycleWorkflowId(cycleId: string): string {
  return cycleStream(cycleId);
}

/** The spec an item's assignment is started with: the item, and what the cycle's configuration says for all. */
export function specOf(item: CycleItem, cycleId: string, config: CycleConfig): AssignmentSpecV3 {
  return assignmentSpecV3Schema.parse({
    taskId: `${config.planId}:${item.ref}`,
    ref: item.ref,
    title: item.title,
    unit: item.unit,
    coordinator: config.coordinator,
    deadlineText: item.deadlineText,
    due: item.due,
    cycleId,
    cooperating: item.cooperating,
    periods: item.periods,
    policy: config.policy,
    calendar: config.calendar,
    lights: config.lights,
    ...(config.conversation ?? DEFAULT_CONVERSATION),
    targets: item.targets ?? [],
  });
}

/**
 * Whether the items stored for a cycle are the table now launched again on a later day (`today`): the same items with
 * the same specs but for what the day of a launch decides — the calendar slice, which starts on that day, and the
 * periods due before it, which a launch leaves out (domain/cycle/periods.ts `itemPeriods`).
 */
async function sameTable(
  db: PoolClient,
  cycleId: string,
  specs: Array<{ item: CycleItem; spec: AssignmentSpecV3 }>,
  today: CalendarDate,
): Promise<boolean> {
  const { rows } = await db.query<{ assignment_id: string; spec: AssignmentSpecV3 }>(
    'SELECT assignment_id, spec FROM cycle_items WHERE cycle_id = $1 ORDER BY position',
    [cycleId],
  );
  const asOf = ({ calendar: _calendar, periods, ...spec }: AssignmentSpecV3) => ({
    ...spec,
    periods: periods.filter((p) => p.due >= today || p.due === spec.due),
  });
  return (
    rows.length === specs.length &&
    rows.every(
      (row, i) =>
        row.assignment_id === specs[i]!.item.assignmentId &&
        canonicalJson(asOf(row.spec)) === canonicalJson(asOf(specs[i]!.spec)),
    )
  );
}

export class CycleService {
  constructor(private readonly options: { client: Client; pool: Pool; taskQueue: string }) {}

  /**
   * 发布: stores the cycle and its items in one transaction, then starts the cycle's workflow, which starts the
   * assignments. The same cycle launched again from the same table starts nothing twice: the stored launch is
   * found, and the workflow (already running; started again, as stored, when the first launch stopped before it; or
   * started again from the cycle's stored events when its run was ended from outside — terminated — with its launch,
   * pauses, calendar and bulletins as they were) goes on from where it was — on a later day too, when the table
   * prepared again has a calendar from that day and no periods before it (`sameTable`). From another table it is
   * refused.
   */
  async launch({ cycleId, config, items, launchedBy, plan, planSource }: LaunchRequest): Promise<LaunchResult> {
    const specs = items.map((item) => ({ item, spec: specOf(item, cycleId, config) }));
    const tableHash = createHash('sha256')
      .update(canonicalJson(specs.map((s) => s.spec)))
      .digest('hex');
    const launched: CycleInput = { cycleId, config, items: items.length, tableHash, launchedBy };
    const { fresh, input } = await withTransaction(this.options.pool, async (db) => {
      const { rows } = await db.query<{ config: CycleConfig; items: number; table_hash: string; launched_by: string }>(
        'SELECT config, items, table_hash, launched_by FROM cycles WHERE cycle_id = $1 FOR UPDATE',
        [cycleId],
      );
      const stored = rows[0];
      if (stored) {
        if (stored.table_hash !== tableHash && !(await sameTable(db, cycleId, specs, config.calendar.from))) {
          throw new AppError(
            'CYCLE_EXISTS',
            `督办周期 ${cycleId} 已用另一份任务分解表发布；沿用原表请重新发布同一份表，另起周期请换一个周期名称`,
          );
        }
        const { config: storedConfig, items: count, table_hash: hash, launched_by: by } = stored;
        return {
          fresh: false,
          input: { cycleId, config: storedConfig, items: count, tableHash: hash, launchedBy: by },
        };
      }
      await db.query(
        `INSERT INTO cycles (cycle_id, title, coordinator, config, table_hash, items, launched_by, plan, plan_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          cycleId,
          config.title,
          config.coordinator,
          config,
          tableHash,
          items.length,
          launchedBy,
          plan === undefined ? null : JSON.stringify(plan),
          planSource ?? null,
        ],
      );
      await db.query(
        `INSERT INTO cycle_items (cycle_id, position, assignment_id, ref, unit, spec)
         SELECT $1, position, assignment_id, ref, unit, spec
         FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY
              AS t(assignment_id, ref, unit, spec, position)`,
        [
          cycleId,
          specs.map((s) => s.item.assignmentId),
          specs.map((s) => s.item.ref),
          specs.map((s) => s.item.unit),
          specs.map((s) => JSON.stringify(s.spec)),
        ],
      );
      return { fresh: true, input: launched };
    });
    // A cycle launched before whose workflow was ended from outside (terminated) starts again from its stored events.
    const carried = fresh ? undefined : await this.storedCarry(cycleId);
    const handle = await this.options.client.workflow
      .start<typeof cycleWorkflow>('cycleWorkflow', {
        taskQueue: this.options.taskQueue,
        workflowId: cycleWorkflowId(cycleId),
        args: carried ? [input, carried] : [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      })
      .catch((error: unknown) => {
        // A cycle whose workflow has ended of itself (finished, withdrawn) is not started again.
        if ((error as Error).name === 'WorkflowExecutionAlreadyStartedError') {
          return this.options.client.workflow.getHandle<typeof cycleWorkflow>(cycleWorkflowId(cycleId));
        }
        throw this.translate(error, cycleId);
      });
    return { fresh, handle };
  }

  /** The state the cycle's stored events leave it in (workflows/cycle/carry.ts); none before its first event. */
  private async storedCarry(cycleId: string): Promise<CycleCarry | undefined> {
    const stream = cycleStream(cycleId);
    const stored = (await streamsEvents(this.options.pool, [stream])).get(stream) ?? [];
    if (stored.length === 0) return undefined;
    return carryOf(stored.map(({ seq, event }) => ({ seq, event: cycleEventSchema.parse(event) })));
  }

  /**
   * The cycle as its workflow tells it. While it launches, `started` and `existing` also count the assignments of the
   * batch in hand, as its activity's last heartbeat gives them (at most a second old), so a launch's progress moves
   * by the assignment, not by the batch of LAUNCH_BATCH the workflow counts.
   */
  async status(cycleId: string): Promise<CycleView> {
    const handle = this.options.client.workflow.getHandle<typeof cycleWorkflow>(cycleWorkflowId(cycleId));
    try {
      const { status } = await handle.describe();
      if (status.name === 'COMPLETED') return await handle.result();
      const view = await handle.query(cycleStatusQuery);
      if (view.status !== 'launching') return view;
      // described after the query: a batch that ends in between is missed for a moment, never counted twice
      const batch = this.batchInHand(await handle.describe());
      return { ...view, started: view.started + batch.started, existing: view.existing + batch.existing };
    } catch (error) {
      throw this.translate(error, cycleId);
    }
  }

  /** The counts the launch's running batch last heartbeated (activities/cycle.ts); none before its first. */
  private batchInHand(description: WorkflowExecutionDescription): { started: number; existing: number } {
    const activity = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'startCycleAssignments');
    const payload = activity?.heartbeatDetails?.payloads?.[0];
    if (!payload) return { started: 0, existing: 0 };
    const counts = this.options.client.options.loadedDataConverter.payloadConverter.fromPayload<unknown>(payload);
    const parsed = batchCountsSchema.safeParse(counts);
    return parsed.success ? parsed.data : { started: 0, existing: 0 };
  }

  /** 更新节假日安排: the cycle's calendar replaced; its bulletins rescheduled and its running assignments given it. */
  updateCalendar(cycleId: string, change: CycleCalendarChange): Promise<CycleView> {
    return this.update(cycleId, (h) => h.executeUpdate(updateCycleCalendarUpdate, { args: [called(change)] }));
  }

  /**
   * After a calendar year was imported (`duban calendar import`): each of `cycleIds` (see `cyclesReachingYear`) that
   * still runs gets its calendar cut again from `years` (the package's and the imported ones), in the name of its
   * coordinator, with `reason`; a cycle whose calendar comes out the same is left alone. `onCycle` hears each
   * cycle's outcome as it is known.
   */
  async recountWorkingDays(
    cycleIds: readonly string[],
    years: readonly YearDates[],
    reason: string,
    onCycle: (outcome: CalendarRecount) => void = () => undefined,
  ): Promise<CalendarRecount[]> {
    const outcomes: CalendarRecount[] = [];
    for (const cycleId of cycleIds) {
      const outcome = await this.recountOne(cycleId, years, reason);
      outcomes.push(outcome);
      onCycle(outcome);
    }
    return outcomes;
  }

  private async recountOne(cycleId: string, years: readonly YearDates[], reason: string): Promise<CalendarRecount> {
    const handle = this.options.client.workflow.getHandle<typeof cycleWorkflow>(cycleWorkflowId(cycleId));
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return { cycleId, outcome: 'closed' };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { cycleId, outcome: 'closed' };
      throw this.translate(error, cycleId);
    }
    const view = await this.status(cycleId);
    if (view.status === 'launching') return { cycleId, outcome: 'launching' };
    if (view.status !== 'running' && view.status !== 'paused') return { cycleId, outcome: 'closed' };
    const { from, to } = view.config.calendar;
    const calendar = calendarSlice({ from, to }, years);
    if (sameCalendar(calendar, view.config.calendar)) return { cycleId, outcome: 'unchanged' };
    try {
      const updated = await this.updateCalendar(cycleId, { by: view.coordinator, calendar, reason });
      return { cycleId, outcome: 'updated', items: updated.items, unknownYears: calendar.unknownYears };
    } catch (error) {
      // what changed between the look and the update is this cycle's outcome; the cycles after it are still counted
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'CYCLE_CLOSED') return { cycleId, outcome: 'closed' };
      if (error.code === 'CYCLE_LAUNCHING') return { cycleId, outcome: 'launching' };
      if (error.code === 'CALENDAR_UNCHANGED') return { cycleId, outcome: 'unchanged' };
      throw error;
    }
  }

  pause(cycleId: string, action: CycleAction): Promise<CycleView> {
    return this.update(cycleId, (h) => h.executeUpdate(pauseCycleUpdate, { args: [called(action)] }));
  }

  resume(cycleId: string, action: CycleResume): Promise<CycleView> {
    return this.update(cycleId, (h) => h.executeUpdate(resumeCycleUpdate, { args: [called(action)] }));
  }

  cancel(cycleId: string, action: CycleAction): Promise<CycleView> {
    return this.update(cycleId, (h) => h.executeUpdate(cancelCycleUpdate, { args: [called(action)] }));
  }

  notify(cycleId: string, notice: CycleNotice): Promise<CycleView> {
    return this.update(cycleId, (h) => h.executeUpdate(notifyUnitsUpdate, { args: [called(notice)] }));
  }

  private async update(
    cycleId: string,
    send: (h: WorkflowHandle<typeof cycleWorkflow>) => Promise<CycleView>,
  ): Promise<CycleView> {
    const handle = this.options.client.workflow.getHandle<typeof cycleWorkflow>(cycleWorkflowId(cycleId));
    try {
      return await send(handle);
    } catch (error) {
      throw await this.explainClosed(handle, cycleId, this.translate(error, cycleId));
    }
  }

  /**
   * An update to a cycle whose workflow has ended (withdrawn, or past its last bulletin) comes back as "not found";
   * say instead that the cycle is closed, when and how.
   */
  private async explainClosed(
    handle: WorkflowHandle<typeof cycleWorkflow>,
    cycleId: string,
    error: unknown,
  ): Promise<unknown> {
    if (!(error instanceof AppError) || error.code !== 'UNKNOWN_CYCLE') return error;
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name !== 'COMPLETED') return error;
    const ended = await handle.result().catch(() => undefined);
    if (ended?.status === 'cancelled' && ended.cancelled) {
      const { at, by, reason } = ended.cancelled;
      return new AppError(
        'CYCLE_CLOSED',
        `督办周期 ${cycleId} 已于 ${formatShanghai(new Date(at))} 由${by}撤销（${reason}），不能再办理`,
      );
    }
    const closed = description.closeTime ? `已于 ${formatShanghai(description.closeTime)} ` : '已';
    return new AppError('CYCLE_CLOSED', `督办周期 ${cycleId} ${closed}结束（各期督查通报均已发出），不能再办理`);
  }

  private translate(error: unknown, cycleId: string): unknown {
    for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
      if (isGrpcServiceError(e) && (e.code === 14 || e.code === 4)) {
        return new AppError(
          'SERVER_UNREACHABLE',
          'Temporal 服务暂时无法连接；请稍后重试（运维人员：检查 Temporal 是否运行）',
        );
      }
    }
    if (error instanceof WorkflowNotFoundError) {
      return new AppError('UNKNOWN_CYCLE', `没有名为 ${cycleId} 的督办周期；请核对名称，或先发布该周期`);
    }
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type ?? undefined;
      if (isAppErrorCode(code)) return new AppError(code, error.cause.message);
    }
    return error;
  }
}
