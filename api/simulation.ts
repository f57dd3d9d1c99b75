/**
 * A supervision year in seconds (`duban simulate`): the plan's cycle launched on Temporal's time-skipping server,
 * started in the simulated year so that year's holidays and 调休 days are the ones counted, with the real workflows,
 * activities and storage; scripted units acknowledge and report on time, late or never; the clock runs to the year's
 * end (the bulletin of its last period). What comes out is what a coordinator would have had: every period's
 * 督查通报, and the notices.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { shanghaiDate, shanghaiInstant } from '../domain/calendar';
import type { Bulletin } from '../domain/cycle/bulletin';
import { SIMULATION_PREFIX } from '../domain/cycle/launch-plan';
import {
  scriptActions,
  unitScripts,
  type Action,
  type BehaviourFile,
  type UnitScript,
} from '../domain/cycle/behaviour';
import type { ParsedPlan } from '../domain/plan';
import type { DirectoryUnit } from '../domain/units';
import type { YearDates } from '../domain/working-days';
import { nextWorkingDay } from '../domain/working-days';
import { createActivities } from '../activities';
import { eachLimited } from '../infra/each-limited';
import { startTimeSkippingServer } from '../infra/time-skipping';
import { createAssignmentWorker } from '../worker/create-worker';
import { acknowledgeUpdate, submitReportUpdate } from '../workflows/assignment/messages';
import type { cycleWorkflow } from '../workflows/cycle/workflow';
import { cycleStatusQuery, type CycleView } from '../workflows/cycle/messages';
import { prepareLaunch, type PreparedLaunch } from './cycle-launch';
import { CycleService } from './cycles';
import { AppError } from './errors';

export interface SimulationInput {
  plan: ParsedPlan;
  directory: readonly DirectoryUnit[];
  calendarYears: readonly YearDates[];
  /** The year simulated: the plan's own, or another its dates are moved to by whole years. */
  year: number;
  behaviour?: BehaviourFile;
  coordinator?: string;
  pool: Pool;
  topic: string;
  /** Makes the cycle id (and so every assignment id) unique per run. */
  runId: string;
  /** A prebuilt workflow bundle (tests share one); bundled from workflows/ when absent. */
  workflowBundle?: { code: string };
  onProgress?: (message: string) => void;
}

export interface SimulationResult {
  cycleId: string;
  assignments: number;
  scripts: UnitScript[];
  bulletins: Bulletin[];
  notices: Record<string, number>;
  /** Scripted calls the workflows refused (none are expected; each is named). */
  refused: string[];
  cycle: CycleView;
  prepared: PreparedLaunch;
  /**
   * The environment, still up with the simulation's worker on `taskQueue`, for a caller that checks more (tests): the
   * workflows answer queries from the worker's cache, and the clock stands still. Both stop at `close`.
   */
  env: TestWorkflowEnvironment;
  taskQueue: string;
  close(): Promise<void>;
}

/** Updates in flight at once while the clock stands at an instant. */
const CONCURRENCY = 16;

export async function simulateCycle(input: SimulationInput): Promise<SimulationResult> {
  const say = input.onProgress ?? (() => undefined);
  const coordinator = input.coordinator ?? '市政府督查室';
  const cycleId = `${SIMULATION_PREFIX}${input.year}-${input.runId}`;
  // The launch day: the first working day of the year, at 09:00 — what a 督查室 would do on its first day back.
  const probe = prepareLaunch({ ...launchBase(input, coordinator, cycleId), today: `${input.year}-01-01` });
  const launchDay = nextWorkingDay(probe.config.calendar, `${input.year}-01-02`);
  const prepared = prepareLaunch({ ...launchBase(input, coordinator, cycleId), today: launchDay });
  if (prepared.launch.errors.length > 0) {
    throw new AppError(
      'INVALID_SPEC',
      `任务分解表有 ${prepared.launch.errors.length} 处问题，未模拟：${prepared.launch.errors.map((e) => e.message).join('；')}`,
    );
  }
  const units = [...new Set(prepared.launch.items.map((i) => i.unit))];
  const unknown = Object.keys(input.behaviour?.units ?? {}).filter((u) => !units.includes(u));
  if (unknown.length > 0) {
    throw new AppError(
      'INVALID_PAYLOAD',
      `行为文件中的单位不在本周期的牵头单位中：${unknown.join('、')}；可用的单位：${units.slice(0, 12).join('、')}${units.length > 12 ? ' 等' : ''}`,
    );
  }

  const env = await startTimeSkippingServer({ initialTime: shanghaiInstant(launchDay, '08:55') });
  let stopWorker = async () => undefined;
  const close = async () => {
    try {
      await stopWorker();
    } finally {
      await env.teardown();
    }
  };
  try {
    const taskQueue = `simulate-${input.runId}`;
    // Its notices are recorded (the inboxes, the counts below) but never queued for delivery: the units are real, and
    // a worker's dispatcher would send them a year that did not happen.
    const activities = createActivities({
      pool: input.pool,
      topic: input.topic,
      temporal: { client: env.client, taskQueue },
      queueDeliveries: false,
    });
    // The workflows run in this thread, without the SDK's per-call watchdog threads and stack-trace hook, which were
    // half of the simulation's time (worker/in-process.ts); the workflow code, the activities and the storage are
    // the production worker's.
    const worker = await createAssignmentWorker({
      connection: env.nativeConnection,
      taskQueue,
      activities,
      inProcess: true,
      ...(input.workflowBundle && { workflowBundle: input.workflowBundle }),
    });
    // The worker runs until `close`, not only until the year's end: a caller checking the result queries the
    // workflows while they are still in its cache, rather than a new worker replaying every history to answer.
    const running = worker.run();
    stopWorker = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    };
    const scripts = unitScripts(units, input.behaviour);
    const simulate = async () => {
      await skipTo(env, shanghaiInstant(launchDay, '09:00'));
      const cycles = new CycleService({ client: env.client, pool: input.pool, taskQueue });
      const { handle } = await cycles.launch({
        cycleId,
        config: prepared.config,
        items: prepared.launch.items,
        launchedBy: coordinator,
      });
      say(`发布督办周期 ${cycleId}：${prepared.launch.items.length} 项督办，${units.length} 个牵头单位`);
      const launched = await waitLaunched(handle);
      const actions = scriptActions(
        prepared.launch.items.map((item) => ({
          assignmentId: item.assignmentId,
          unit: item.unit,
          assignedOn: launchDay,
          periods: item.periods,
        })),
        scripts,
        prepared.config.calendar,
      );
      // To the year's end: the last bulletin of a period due within the year, or the year's last day.
      const yearEnd = `${input.year}-12-31`;
      const last = launched.schedule.filter((s) => s.lastDue <= yearEnd).at(-1);
      const stopAt = last ? new Date(new Date(last.at).getTime() + 3_600_000) : shanghaiInstant(yearEnd, '23:00');
      const refused = await play(
        env,
        actions.filter((a) => a.at <= stopAt),
        say,
      );
      await skipTo(env, stopAt);
      const cycle = await handle.query(cycleStatusQuery);
      say(`模拟至 ${shanghaiDate(stopAt)}：督查通报 ${cycle.bulletins.length} 期`);
      return { cycle, refused };
    };
    const result = await Promise.race([
      simulate(),
      running.then(() => {
        throw new Error('模拟所用的 Temporal worker 在模拟结束前已停止');
      }),
    ]);
    // What the simulation did, from the event store (its events and the notices that went out with them): the read
    // models follow from the topic once a worker's projector has read it.
    const bulletins = await issuedBulletins(input.pool, cycleId);
    const { rows } = await input.pool.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM notices
       WHERE assignment_id IN (SELECT assignment_id FROM cycle_items WHERE cycle_id = $1) OR assignment_id = $2
       GROUP BY kind ORDER BY kind`,
      [cycleId, `cycle:${cycleId}`],
    );
    return {
      cycleId,
      assignments: prepared.launch.items.length,
      scripts,
      bulletins,
      notices: Object.fromEntries(rows.map((r) => [r.kind, r.n])),
      refused: result.refused,
      cycle: result.cycle,
      prepared,
      env,
      taskQueue,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The bulletins a cycle issued, oldest first, as its stored BulletinIssued events carry them. */
async function issuedBulletins(pool: Pool, cycleId: string): Promise<Bulletin[]> {
  const { rows } = await pool.query<{ bulletin: Bulletin }>(
    `SELECT payload -> 'bulletin' AS bulletin FROM assignment_events
     WHERE assignment_id = $1 AND type = 'BulletinIssued' ORDER BY seq`,
    [`cycle:${cycleId}`],
  );
  return rows.map((r) => r.bulletin);
}

function launchBase(input: SimulationInput, coordinator: string, cycleId: string) {
  return {
    plan: input.plan,
    directory: input.directory,
    calendarYears: input.calendarYears,
    cycleId,
    coordinator,
    year: input.year,
    simulation: true,
  };
}

/** Moves the test server's clock to `at`; the timers due on the way fire, in order, and their activities run. */
async function skipTo(env: TestWorkflowEnvironment, at: Date): Promise<void> {
  const ms = at.getTime() - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

async function waitLaunched(handle: WorkflowHandle<typeof cycleWorkflow>): Promise<CycleView> {
  for (;;) {
    const view = await handle.query(cycleStatusQuery);
    if (view.status !== 'launching') return view;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Plays the scripted actions, the clock moved to each instant in turn; returns the calls the workflows refused. */
async function play(env: TestWorkflowEnvironment, actions: Action[], say: (m: string) => void): Promise<string[]> {
  const refused: string[] = [];
  let month = '';
  for (let i = 0; i < actions.length;) {
    const at = actions[i]!.at;
    const batch: Action[] = [];
    while (i < actions.length && actions[i]!.at.getTime() === at.getTime()) batch.push(actions[i++]!);
    await skipTo(env, at);
    const day = shanghaiDate(at);
    if (day.slice(0, 7) !== month) {
      month = day.slice(0, 7);
      say(`${month}：模拟至此`);
    }
    await eachLimited(batch, CONCURRENCY, async (action) => {
      const handle = env.client.workflow.getHandle(action.assignmentId);
      try {
        if (action.kind === 'acknowledge') {
          await handle.executeUpdate(acknowledgeUpdate, { args: [{ unit: action.unit }] });
        } else {
          await handle.executeUpdate(submitReportUpdate, {
            args: [
              {
                unit: action.unit,
                period: action.period!,
                summary: `${action.period}进展：按计划推进，完成阶段目标`,
                percentComplete: action.percentComplete ?? 50,
              },
            ],
          });
        }
      } catch (error) {
        refused.push(
          `${action.assignmentId} ${action.kind} ${action.period ?? ''}：${(error as Error).cause ? String((error as Error).cause) : (error as Error).message}`,
        );
      }
    });
  }
  return refused;
}
