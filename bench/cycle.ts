/**
 * A supervision cycle at scale on the Temporal dev server
 * (`npm run bench:cycle -- --assignments N [--no-year | --year-only]`), the stack up and no other worker on the
 * benchmark's task queue (a fresh one per run). The worker runs in this process, built as worker/main.ts builds it
 * (openDependencies: PostgreSQL, Kafka, the outbox relay, the cycle's activities with a client on the same server and
 * task queue), so the figures are the product's worker, and the baselines are measured by the same process on the
 * same server in the same run. One difference: its notices are stored but not delivered (no dispatcher, nothing
 * queued), since the coordinator it names may have real addresses in the directory.
 *
 * 1. Launch: a synthetic task table of N items (N/10 lead units, two cooperating units each, quarterly reports, due
 *    at the end of next year), launched as `duban cycle launch` does — prepareLaunch, CycleService.launch, the cycle
 *    workflow's batches — and timed until the cycle leaves 'launching' (all started), until every TaskAssigned is
 *    stored (the launch stores them before it starts each assignment) and until each assignment's first task ran (its
 *    clock set; counted by the worker's cache, which holds every one); against N empty workflows started with client.workflow.start at the launch activity's
 *    concurrency, timed until the server accepted them all and until each one's first task ran, once before the
 *    launch and once after it (its assignments waiting). Each end point is compared with its own, on each side and
 *    with their mean: the server's rates drift between minutes on a shared machine, and the two sides show by how much.
 * 2. Quarter-end fan-out: each item also has a stage report due today, and the cycle's policy sends the due-day
 *    reminder at a whole minute T after the launch (noticeTime = T, calendar days), so all N reminders fall at T;
 *    timed from T until every one is in the inbox table; against N waiting workflows each signalled once, timed
 *    until every signal is handled (the empty workflows, before the launch and after it).
 * 3. The worker's memory while the N assignments wait: RSS, the main thread's heap, the workflow thread's heap.
 * 4. Largest history: the cycle workflow's at N assignments, and one assignment's after a simulated Ezhou year.
 * 5. The Ezhou year of 2017: the whole of `duban simulate` on the time-skipping server, start and bundle included,
 *    once the machine is quiet after the phases before (`--no-year` leaves it out, `--year-only` runs only it).
 * 6. With `--breakdown`, after 4: where the launch's time goes: N more assignments started straight from this
 *    process's client at the launch activity's concurrency, not through a cycle — on a task queue no worker polls
 *    (the server's work for each start alone), on the worker's as the launch's activity starts them (each chunk's
 *    交办 stored in one statement, each assignment started with its own: `startAssignments`), and the same with the
 *    outbox relay and the read-model projector stopped — each rate against the baselines of phase 1.
 *
 * 7. With `--rounds K`, after 4: K − 1 more launches of N, each followed by the empty workflows again, so that the
 *    launch's ratio is read as the median of K launches, each against the baselines on its two sides.
 *
 * Under each timed phase of 1 and 6, the CPU seconds each of the stack's processes used in it (bench/process-cpu.ts,
 * from /proc), and this process's by kind of thread: on two cores that is what the phases compete for.
 *
 * Before anything is timed, 64 empty workflows and a launch of 64 warm the code paths both sides measure.
 *
 * Figures, not assertions: the README quotes what this prints. Everything it started is terminated at the end.
 */
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { openingStore } from '../activities';
import { CONCURRENCY as START_CONCURRENCY, startAssignments } from '../activities/cycle';
import { prepareLaunch } from '../api/cycle-launch';
import { CycleService, specOf } from '../api/cycles';
import { simulateCycle } from '../api/simulation';
import { readCsv } from '../cli/csv';
import { formatShanghai, isoDate, quarterEnd, shanghaiDate } from '../domain/calendar';
import type { LaunchItem } from '../domain/cycle/launch-plan';
import type { ParsedPlan, Task } from '../domain/plan';
import { parsePlan } from '../domain/plan';
import { readDirectoryTable } from '../domain/units';
import { loadCalendarYears } from '../infra/calendar-store';
import { loadConfig } from '../infra/config';
import { createPool } from '../infra/postgres';
import { eachLimited } from '../infra/each-limited';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { loadDirectory } from '../infra/unit-store';
import { seedPath } from '../seeds';
import { createAssignmentWorkers } from '../worker/create-worker';
import { openDependencies } from '../worker/dependencies';
import { ASSIGNMENT_WORKFLOW_TYPE } from '../workflows/assignment/messages';
import type { assignmentWorkflowV2 } from '../workflows/assignment/workflow';
import { cycleStream, type CycleConfig } from '../workflows/cycle/events';
import { cycleStatusQuery, type CycleView } from '../workflows/cycle/messages';
import { cycleStartOptions } from '../workflows/cycle/start-options';
import { pokeSignal } from './cycle-workflows';
import { benchSinks } from './tally';
import { option } from './options';
import { describeCpu, ProcessCpu } from './process-cpu';
import { bundleWorkflows } from '../worker/workflow-bundle';

const N = option('assignments', 1000);
/**
 * How often the launch and the fan-out are polled from the store. Each poll joins the cycle's items with the events or
 * the notices: 6 ms at 1,000 assignments, 146 ms at 10,000, where once a second it was about 60 of PostgreSQL's 119 CPU
 * seconds in a fan-out of 410 s, on the machine it measured. The end times come from the rows, not from the polls.
 */
const pollEvery = Math.max(1_000, N);
const YEAR = !process.argv.includes('--no-year');
const YEAR_ONLY = process.argv.includes('--year-only');
const BREAKDOWN = process.argv.includes('--breakdown');
/** Launches measured in all (`--rounds K`): the first with the fan-out, the others after section 4, each between baselines. */
const ROUNDS = option('rounds', 1);
if (YEAR_ONLY && !YEAR) {
  console.error('--year-only and --no-year contradict each other: give one of them');
  process.exit(2);
}
const COORDINATOR = '市政府督查室';
const WARM_UP = 64;
const logger = createLogger('bench', { level: 'warn' });

// ---------------------------------------------------------------------------------------------------------------
// measuring

const seconds = (ms: number) => (ms / 1000).toFixed(1);
/** N of something in `ms`, per second. */
const perSecondOf = (ms: number) => (N * 1000) / ms;
/**
 * A rate against the same server's baseline measured before and after it: both ratios and the one against their mean.
 * The server's own rates drift by up to a quarter between runs minutes apart on a shared machine, and its SQLite file
 * grows with every run; the two sides show how much of that fell within this one.
 */
/** A rate against the mean of the baseline's rates on its two sides. */
const ofMean = (rate: number, before: number, after: number) => rate / ((before + after) / 2);
const bracketed = (rate: number, before: number, after: number) =>
  `发布前 ${(rate / before).toFixed(2)}，发布后 ${(rate / after).toFixed(2)}，` +
  `对两者平均 ${ofMean(rate, before, after).toFixed(2)}（${rate.toFixed(0)} ÷ ${before.toFixed(0)} / ${after.toFixed(0)}）`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The share of the machine's CPU time (every core) that was busy over the next `ms`. */
async function busyShare(ms: number): Promise<number> {
  const sum = () =>
    cpus().reduce(
      (acc, { times }) => {
        const total = times.user + times.nice + times.sys + times.idle + times.irq;
        return { busy: acc.busy + total - times.idle, total: acc.total + total };
      },
      { busy: 0, total: 0 },
    );
  const before = sum();
  await sleep(ms);
  const after = sum();
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

/**
 * Waits until the machine is quiet — under 25 % busy over two seconds, twice running — or two minutes have passed.
 * The phases before the year leave the dev server, PostgreSQL and Kafka busy for a while (the terminations, their
 * visibility records, the projector), and the year is a measurement of its own, not of their tail.
 */
async function waitForQuiet(): Promise<string> {
  const start = Date.now();
  let quiet = 0;
  let share = 1;
  while (quiet < 2 && Date.now() - start < 120_000) {
    share = await busyShare(2_000);
    quiet = share < 0.25 ? quiet + 1 : 0;
  }
  const waited = seconds(Date.now() - start);
  return quiet >= 2
    ? `等待机器空闲 ${waited} 秒（最后两秒 CPU 占用 ${(share * 100).toFixed(0)}%，负载 ${load()}）`
    : `等待 ${waited} 秒后机器仍忙（CPU 占用 ${(share * 100).toFixed(0)}%，负载 ${load()}），照常测量`;
}

/** A full collection, so the heap figures are live objects: the flag is set before the first use. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The SDK runs workflow code in worker threads with heaps of their own, which process.memoryUsage() does not see; the
 * threads it creates are noted here (before the worker is built) so their heaps can be read.
 */
function watchWorkflowThreads(): ThreadWorker[] {
  const threads: ThreadWorker[] = [];
  const workerThreads = createRequire(__filename)('node:worker_threads') as { Worker: typeof ThreadWorker };
  const Original = workerThreads.Worker;
  workerThreads.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof ThreadWorker>) {
      super(...args);
      if (String(args[0]).includes('workflow-worker-thread')) threads.push(this);
    }
  };
  return threads;
}

interface Memory {
  rss: number;
  heap: number;
  workflowHeap: number;
}

async function memory(threads: ThreadWorker[]): Promise<Memory> {
  collectGarbage();
  await sleep(200);
  collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  const stats = await Promise.all(threads.map((t) => t.getHeapStatistics()));
  return { rss, heap: heapUsed, workflowHeap: stats.reduce((sum, s) => sum + s.used_heap_size, 0) };
}

const MB = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const KB = (bytes: number) => (bytes / 1024).toFixed(1);

/** The server's rates for N empty workflows: accepted, first tasks run, and each signalled once until handled. */
interface Baseline {
  /** When the first start was sent (wall clock). */
  wall: number;
  startMs: number;
  runMs: number;
  sentMs: number;
  signalMs: number;
  /** When the first signal was sent (wall clock). */
  signalWall: number;
}

function describeBaseline({ startMs, runMs }: Baseline): string {
  return (
    `服务器全部接受 ${seconds(startMs)} 秒 → ${perSecondOf(startMs).toFixed(0)} 个/秒；` +
    `第一个工作流任务全部执行完 ${seconds(runMs)} 秒 → ${perSecondOf(runMs).toFixed(0)} 个/秒`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// the synthetic task table

/** N items, N/10 lead units, two cooperating units each, reported quarterly and on a stage date, due next year. */
function syntheticPlan(year: number, stageDate: string, count = N): ParsedPlan {
  const unitCount = Math.max(1, Math.round(count / 10));
  const unit = (k: number) => `基准测试第${(k % unitCount) + 1}局`;
  const due = isoDate(year + 1, 12, 31);
  const tasks: Task[] = Array.from({ length: count }, (_, i) => {
    const title = `第${i + 1}项：推进重点产品质量提升，开展质量对标和标准化建设，完善质量监管和追溯体系`;
    return {
      ref: `${Math.floor(i / 100) + 1}.(${(i % 100) + 1})`,
      title,
      text: `${title}，按季度报送工作进展，${year + 1}年底前全面完成。`,
      line: i + 1,
      lead: [unit(i)],
      cooperating: [unit(i + 1), unit(i + 2)].filter((u) => u !== unit(i)),
      deadline: { text: `${year + 1}年底前`, kind: 'date', due, milestones: [stageDate, due] },
      targets: [],
    };
  });
  return {
    title: `基准测试计划（${count} 项）`,
    docNumber: null,
    issuer: null,
    issuedOn: null,
    planYear: year,
    units: [...new Set(tasks.flatMap((t) => [...t.lead, ...t.cooperating]))].map((name) => ({
      name,
      aliases: [],
      collective: false,
    })),
    reportingRules: [
      {
        text: '各责任单位于每季度末报送工作进展',
        line: 0,
        frequency: 'quarterly',
        dueDates: [1, 2, 3, 4].map((q) => quarterEnd(year, q as 1 | 2 | 3 | 4)),
        recipient: COORDINATOR,
        stamped: false,
        electronic: true,
      },
    ],
    phases: [],
    tasks,
    indicators: [],
    warnings: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the run

/** Reads a count and the time of its newest row every `pollEvery` until it reaches N or `until` passes. */
async function pollUntilAll(
  read: () => Promise<{ n: number; last: number }>,
  until: number,
): Promise<{ n: number; last: number }> {
  let seen = { n: 0, last: 0 };
  while (seen.n < N && Date.now() < until) {
    await sleep(pollEvery);
    seen = await read();
  }
  return seen;
}

/**
 * How many of these assignments have stored their TaskAssigned, and when the last of them did: the event store, not the
 * read model (which follows from Kafka), through its primary key.
 */
async function storedOf(pool: Pool, ids: readonly string[]): Promise<{ n: number; last: number }> {
  const { rows } = await pool.query<{ n: number; at: Date | null }>(
    `SELECT count(*)::int AS n, max(recorded_at) AS at FROM assignment_events WHERE assignment_id = ANY($1) AND seq = 1`,
    [ids],
  );
  return { n: rows[0]!.n, last: rows[0]!.at?.getTime() ?? 0 };
}

/** When the cycle recorded that every assignment had started (it leaves 'launching' with that event). */
async function assignmentsStartedAt(pool: Pool, cycleId: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ at: Date }>(
    `SELECT recorded_at AS at FROM assignment_events WHERE assignment_id = $1 AND type = 'CycleAssignmentsStarted'`,
    [cycleStream(cycleId)],
  );
  return rows[0]?.at.getTime();
}

async function reminders(pool: Pool, cycleId: string): Promise<{ n: number; last: number }> {
  // Through the cycle's items and the notices' (assignment, seq) index: a LIKE on the id would scan every notice
  // ever stored, and this is asked every poll while the fan-out it measures runs.
  const { rows } = await pool.query<{ n: number; at: Date | null }>(
    `SELECT count(*)::int AS n, max(n.recorded_at) AS at FROM cycle_items c
     JOIN notices n ON n.assignment_id = c.assignment_id WHERE c.cycle_id = $1 AND n.kind = 'reminder'`,
    [cycleId],
  );
  return { n: rows[0]!.n, last: rows[0]!.at?.getTime() ?? 0 };
}

/**
 * When the launch's steps happened, from the cycle's history and its first and last assignments: the cycle's start,
 * each batch activity's schedule, start and end, the first and last assignment's start, and the cycle leaving 发布中.
 * At 10,000 the cycle has continued as new and the history read is its last run's.
 */
async function launchTimeline(
  client: Client,
  cycleWorkflowId: string,
  items: ReadonlyArray<{ assignmentId: string }>,
  wall0: number,
  leftLaunching: number,
): Promise<string> {
  const at = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    seconds(Number(time?.seconds ?? 0) * 1000 + Math.round((time?.nanos ?? 0) / 1e6) - wall0);
  const events = (await client.workflow.getHandle(cycleWorkflowId).fetchHistory()).events ?? [];
  const batches = new Map<string, { scheduled: string; started?: string; completed?: string }>();
  for (const e of events) {
    const id = String(e.eventId);
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name === 'startCycleAssignments') batches.set(id, { scheduled: at(e.eventTime) });
    const started = batches.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
    if (started) started.started = at(e.eventTime);
    const completed = batches.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
    if (completed) completed.completed = at(e.eventTime);
  }
  const startOf = async (id: string) =>
    seconds((await client.workflow.getHandle(id).describe()).startTime.getTime() - wall0);
  const steps = [
    `周期工作流开始 ${at(events[0]?.eventTime)}`,
    ...[...batches.values()].map(
      (b, i) => `第 ${i + 1} 批 安排 ${b.scheduled}、开始 ${b.started ?? '—'}、结束 ${b.completed ?? '—'}`,
    ),
    `第一项督办启动 ${await startOf(items[0]!.assignmentId)}`,
    `最后一项启动 ${await startOf(items.at(-1)!.assignmentId)}`,
    `离开发布中 ${seconds(leftLaunching - wall0)}`,
  ];
  return steps.join('；');
}

async function historyLength(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? 0;
}

/** A history's length, and the workflow tasks in it that timed out (each one adds the task scheduled again). */
async function historyOf(client: Client, workflowId: string): Promise<string> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const timedOut = events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
  return `${events.length} 个事件` + (timedOut > 0 ? `（其中 ${timedOut} 个工作流任务超时，各自重新排队）` : '');
}

async function terminateAll(client: Client, ids: readonly string[]): Promise<number> {
  let terminated = 0;
  await eachLimited(ids, START_CONCURRENCY, async (id) => {
    try {
      await client.workflow.getHandle(id).terminate('基准测试结束');
      terminated++;
    } catch {
      // already closed
    }
  });
  return terminated;
}

async function main(): Promise<void> {
  const config = loadConfig();
  installTemporalLogging(logger);
  if (YEAR_ONLY) {
    console.log(`机器：${cpus().length} 核，开始时负载 ${load()}`);
    await yearOfEzhou(config.DATABASE_URL, config.KAFKA_EVENTS_TOPIC, Date.now().toString(36));
    console.log(`\n结束时负载 ${load()}`);
    return;
  }
  const threads = watchWorkflowThreads();
  const cpu = new ProcessCpu().start();
  const runId = Date.now().toString(36);
  const cycleId = `bench-${runId}`;
  const taskQueue = `bench-cycle-${runId}`;
  const temporal = await connectClient(config);
  const { client } = temporal;
  const deps = await openDependencies(config, logger, { client, taskQueue }, { deliver: false });
  const { pool } = deps;
  const { started, handled, sinks } = benchSinks();
  const workflowBundle = await bundleWorkflows({ workflowsPath: path.join(__dirname, 'cycle-workflows.ts') });
  const connection = await connectWorker(config);
  const worker = await createAssignmentWorkers({
    connection,
    taskQueue,
    activities: deps.activities,
    workflowBundle,
    ...(config.WORKER_MAX_CACHED_WORKFLOWS && { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }),
    ...(config.WORKER_SHARDS && { shards: config.WORKER_SHARDS }),
    connect: () => connectWorker(config),
  });
  const cacheLimit = worker.maxCachedWorkflows;
  /**
   * The empty workflows run on workers of their own, built alike on a task queue of their own: in the product's
   * workers they would share its cache, and at 10,000 the 10,000 measured after the launch pushed out half of the
   * assignments, which were then replayed at the quarter end, while the cache's size slows the SDK's core (one of its
   * loops walks every workflow held, create-worker.ts): each side is measured holding its own N.
   */
  const emptyQueue = `${taskQueue}-empty`;
  const emptyWorker = await createAssignmentWorkers({
    connection,
    taskQueue: emptyQueue,
    activities: {},
    workflowBundle,
    sinks,
    maxCachedWorkflows: cacheLimit,
    shards: worker.shards.length,
    connect: () => connectWorker(config),
  });
  const running = Promise.all([worker.run(), emptyWorker.run()]);

  console.log(
    `督办周期基准：${N} 项督办（${Math.max(1, Math.round(N / 10))} 个牵头单位，每项 2 个配合单位）；` +
      `Temporal 开发服务器 ${config.TEMPORAL_ADDRESS}，worker 在本进程内（与 worker/main.ts 同样构建：` +
      `${worker.shards.length} 个 SDK worker 分担至多 ${cacheLimit} 个缓存的工作流），任务队列 ${taskQueue}；` +
      `空工作流在另一组同样的 worker 上（任务队列 ${emptyQueue}）`,
  );
  console.log(`机器：${cpus().length} 核，开始时负载 ${load()}`);

  const cycleHandleIds: string[] = [];
  let fanoutT: Date | undefined;
  try {
    const today = shanghaiDate(new Date());
    const year = Number(today.slice(0, 4));
    const directory = await loadDirectory(pool);
    const calendarYears = await loadCalendarYears(pool);
    /** A synthetic table as `duban cycle launch` prepares it, for the cycle `id`. */
    const prepareTable = (table: ParsedPlan, id: string) =>
      prepareLaunch({
        plan: table,
        directory,
        calendarYears,
        cycleId: id,
        today,
        coordinator: COORDINATOR,
        title: table.title,
      });
    /** A synthetic table of `count` items whose stage reports fall next year: none of its reminders falls in the run. */
    const prepareQuiet = (id: string, count = N) => {
      const { launch, config } = prepareTable(syntheticPlan(year, isoDate(year + 1, 6, 30), count), id);
      cycleHandleIds.push(...launch.items.map((i) => i.assignmentId));
      return { items: launch.items, config };
    };
    const cycles = new CycleService({ client, pool, taskQueue });
    /**
     * Launches a prepared cycle as `duban cycle launch` does and waits until it has left 'launching' and every
     * TaskAssigned is stored: polled from the store, since the times come from the rows themselves, and a query to
     * the cycle workflow would wait on the very worker the launch keeps busy.
     */
    const launchAndWait = async (id: string, config: CycleConfig, launchItems: LaunchItem[]) => {
      const ids = launchItems.map((i) => i.assignmentId);
      // Each assignment's first task (its clock set) leaves it in the worker's cache, which holds every one here.
      const cachedTarget = Math.min(cacheLimit, worker.cachedWorkflows() + ids.length);
      let firstTasksRan: number | undefined;
      const noteFirstTasks = () => {
        if (firstTasksRan === undefined && worker.cachedWorkflows() >= cachedTarget) firstTasksRan = Date.now();
      };
      const l0 = performance.now();
      const wall = Date.now();
      const launched = await cycles.launch({ cycleId: id, config, items: launchItems, launchedBy: COORDINATOR });
      const writtenMs = performance.now() - l0;
      let left: number | undefined;
      let seen = { n: 0, last: 0 };
      const limit = Date.now() + Math.max(600_000, ids.length * 200);
      while ((left === undefined || seen.n < ids.length) && Date.now() < limit) {
        await sleep(pollEvery);
        left ??= await assignmentsStartedAt(pool, id);
        seen = await storedOf(pool, ids);
        noteFirstTasks();
      }
      if (seen.n < ids.length || left === undefined) {
        const view: CycleView = await launched.handle.query(cycleStatusQuery);
        throw new Error(
          `发布 ${seconds(Date.now() - wall)} 秒后仍未完成：已入库 ${seen.n}/${ids.length}，状态 ${view.status}`,
        );
      }
      while (firstTasksRan === undefined && Date.now() < limit) {
        await sleep(50);
        noteFirstTasks();
      }
      return { handle: launched.handle, wall, writtenMs, leftLaunching: left, storedLast: seen.last, firstTasksRan };
    };

    // warm-up, not timed: the JIT, the connections, the worker's pollers — for the empty workflows and for a launch
    // (the cycle workflow, its batch activity, the assignments' first tasks and their stores), as both are measured
    const warm = prepareQuiet(`${cycleId}-warm`, WARM_UP);
    await (await launchAndWait(`${cycleId}-warm`, warm.config, warm.items)).handle.terminate('预热结束');
    const warmIds = Array.from({ length: WARM_UP }, (_, i) => `${runId}-warm-${i}`);
    await eachLimited(warmIds, START_CONCURRENCY, async (workflowId) => {
      await client.workflow.start('benchWaitWorkflow', { taskQueue: emptyQueue, workflowId });
    });
    await started.reach(WARM_UP);
    await eachLimited(warmIds, START_CONCURRENCY, (id) => client.workflow.getHandle(id).signal(pokeSignal));
    await handled.reach(WARM_UP);

    // 1a and 2a. the baselines: N empty workflows started as the launch activity starts assignments, then each
    // signalled once; measured again after the launch (1c), so that the launch is compared with the server's rates on
    // both sides of it
    console.log('\n一、发布');
    const baseline = async (round: string): Promise<Baseline> => {
      const ids = Array.from({ length: N }, (_, i) => `${runId}-${round}-${i}`);
      const startedBefore = started.count;
      const wall = Date.now();
      const s0 = performance.now();
      await eachLimited(ids, START_CONCURRENCY, async (workflowId) => {
        await client.workflow.start('benchWaitWorkflow', {
          taskQueue: emptyQueue,
          workflowId,
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      });
      const startMs = performance.now() - s0;
      await started.reach(startedBefore + N);
      const runMs = started.last - s0;
      const handledBefore = handled.count;
      const signalWall = Date.now();
      const g0 = performance.now();
      await eachLimited(ids, START_CONCURRENCY, (id) => client.workflow.getHandle(id).signal(pokeSignal));
      const sentMs = performance.now() - g0;
      await handled.reach(handledBefore + N);
      const signalMs = handled.last - g0;
      await sleep(2_000); // the empty workflows complete and leave the worker's cache
      return { wall, startMs, runMs, sentMs, signalMs, signalWall };
    };
    const first = await baseline('empty');
    console.log(`  空工作流（发布前）：并发 ${START_CONCURRENCY} 个启动 ${N} 个，${describeBaseline(first)}`);
    console.log(
      `    CPU（至全部被接受）：${describeCpu(cpu.between(first.wall, first.wall + first.startMs), N)}\n` +
        `    CPU（至第一个任务全部执行完）：${describeCpu(cpu.between(first.wall, first.wall + first.runMs), N)}`,
    );

    // 3a. memory before the launch
    const before = await memory(threads);

    // 1b. the launch, with its reminders set at T: a whole minute far enough ahead for the launch to end before it —
    // four times the time the empty workflows' first tasks took (a launch of 10,000 ran at 0.26 of their rate), and
    // 30 s more — and for the baselines measured again after it
    const ahead = Math.max(60_000, 4 * first.runMs + 30_000) + first.runMs + first.signalMs + 2_000;
    fanoutT = new Date(Math.ceil((Date.now() + ahead) / 60_000) * 60_000);
    const plan = syntheticPlan(year, shanghaiDate(fanoutT));
    /** The table whose reminders fall at T, for this cycle or (--breakdown) another. */
    const prepare = (id: string) => prepareTable(plan, id);
    const p0 = performance.now();
    const prepared = prepare(cycleId);
    const prepareMs = performance.now() - p0;
    if (prepared.launch.errors.length > 0) {
      throw new Error(`合成的任务表有问题：${prepared.launch.errors.map((e) => e.message).join('；')}`);
    }
    const noticeTime = formatShanghai(fanoutT).slice(11, 16);
    const config2 = {
      ...prepared.config,
      policy: { ...prepared.config.policy, noticeTime, days: 'calendar' as const },
    };
    const items = prepared.launch.items;
    cycleHandleIds.push(...items.map((i) => i.assignmentId));
    const {
      handle,
      wall: wall0,
      writtenMs: storedMs,
      leftLaunching,
      storedLast,
      firstTasksRan,
    } = await launchAndWait(cycleId, config2, items);
    const leftLaunchingMs = leftLaunching - wall0;
    const launchMs = Math.max(leftLaunchingMs, storedLast - wall0);
    const launchRate = perSecondOf(launchMs);
    console.log(
      `  任务分解表 → 发布计划（prepareLaunch，不计入发布用时）：${seconds(prepareMs)} 秒，${items.length} 项督办，` +
        `每项 ${items[0]!.periods.length} 个报送周期`,
    );
    console.log(
      `  发布督办周期：写入周期和 ${N} 项 ${seconds(storedMs)} 秒；周期离开“发布中” ${seconds(leftLaunchingMs)} 秒；` +
        `${N} 个 TaskAssigned 全部入库 ${seconds(launchMs)} 秒 → ${launchRate.toFixed(0)} 项/秒`,
    );
    const startedRate = perSecondOf(leftLaunchingMs);
    console.log(`    CPU（至离开“发布中”）：${describeCpu(cpu.between(wall0, leftLaunching), N)}`);
    const firstTasksMs = firstTasksRan === undefined ? undefined : firstTasksRan - wall0;
    console.log(
      firstTasksMs === undefined
        ? `  每项督办的第一个工作流任务（设时钟）：${seconds(Date.now() - wall0)} 秒后 worker 缓存仍未达到 ${N} 项`
        : `  每项督办的第一个工作流任务（设时钟）全部执行完 ${seconds(firstTasksMs)} 秒 → ${perSecondOf(firstTasksMs).toFixed(0)} 项/秒` +
            '（以 worker 缓存中的工作流数计）',
    );

    // 3b. memory while the assignments wait
    await sleep(2_000);
    const after = await memory(threads);
    const cached = worker.cachedWorkflows();

    // 4a. the cycle workflow's history at N assignments
    const cycleDescription = await handle.describe();
    const cycleHistory = await historyLength(client, handle.workflowId);
    const firstRunId = cycleDescription.raw.workflowExecutionInfo?.firstRunId;
    const continued = Boolean(firstRunId) && firstRunId !== cycleDescription.runId;

    // 1c. the baselines again, the launch's assignments waiting: the server's rates on both sides of the launch
    const second = await baseline('empty-after');
    const baselinesEnded = Date.now();
    console.log(`  空工作流（发布后）：${describeBaseline(second)}`);
    console.log(
      `  同一终点相比（目标 ≥ 0.8）：全部启动 ${startedRate.toFixed(0)} 项/秒 ÷ 空工作流全部被接受 = ` +
        `${bracketed(startedRate, perSecondOf(first.startMs), perSecondOf(second.startMs))}`,
    );
    console.log(
      `  全部交办入库 ${launchRate.toFixed(0)} 项/秒 ÷ 空工作流第一个任务全部执行完 = ` +
        `${bracketed(launchRate, perSecondOf(first.runMs), perSecondOf(second.runMs))}`,
    );
    if (firstTasksMs !== undefined) {
      const ran = perSecondOf(firstTasksMs);
      console.log(
        `  第一个任务全部执行完 ${ran.toFixed(0)} 项/秒 ÷ 空工作流第一个任务全部执行完 = ` +
          `${bracketed(ran, perSecondOf(first.runMs), perSecondOf(second.runMs))}`,
      );
    }
    console.log(
      `  （交办入库速率 ÷ 空工作流被接受速率（发布前）= ${(launchRate / perSecondOf(first.startMs)).toFixed(2)}，终点不同，仅供参考）`,
    );

    // 2b. the fan-out at T
    console.log('\n二、季度末集中提醒');
    console.log(
      `  原始信号：${N} 个等待中的工作流各发一个信号（并发 ${START_CONCURRENCY}），发出 ${seconds(first.sentMs)} 秒，` +
        `全部处理完：发布前 ${seconds(first.signalMs)} 秒 → ${perSecondOf(first.signalMs).toFixed(0)} 个/秒，` +
        `发布后 ${seconds(second.signalMs)} 秒 → ${perSecondOf(second.signalMs).toFixed(0)} 个/秒`,
    );
    const signalCpu = ({ signalWall, signalMs }: Baseline) =>
      describeCpu(cpu.between(signalWall, signalWall + signalMs), N);
    console.log(
      `    CPU（发布前，至全部处理完）：${signalCpu(first)}\n    CPU（发布后，至全部处理完）：${signalCpu(second)}`,
    );
    if (baselinesEnded > fanoutT.getTime() - 2_000) {
      console.log(
        `  提醒时刻 ${formatShanghai(fanoutT)} 前发布和发布后的基线未完成（完成于其后 ` +
          `${seconds(baselinesEnded - fanoutT.getTime())} 秒），本次不测集中提醒`,
      );
    } else {
      const fanLimit = fanoutT.getTime() + Math.max(300_000, N * 100);
      await sleep(fanoutT.getTime() - Date.now());
      const seen = await pollUntilAll(() => reminders(pool, cycleId), fanLimit);
      const fanMs = seen.last - fanoutT.getTime();
      if (seen.n < N) {
        console.log(`  提醒时刻后 ${seconds(Date.now() - fanoutT.getTime())} 秒只有 ${seen.n}/${N} 条提醒入收件箱`);
      } else {
        const fanRate = perSecondOf(fanMs);
        console.log(
          `  提醒时刻 ${formatShanghai(fanoutT)}（北京时间）起，${N} 条提醒全部进入收件箱：${seconds(fanMs)} 秒 → ` +
            `${fanRate.toFixed(0)} 条/秒`,
        );
        console.log(`    CPU（至全部入收件箱）：${describeCpu(cpu.between(fanoutT.getTime(), seen.last), N)}`);
        console.log(
          `  集中提醒速率 ÷ 原始信号速率 = ` +
            `${bracketed(fanRate, perSecondOf(first.signalMs), perSecondOf(second.signalMs))}（目标 ≥ 0.7）`,
        );
      }
    }

    console.log(`\n三、worker 内存（${N} 项督办等待中；本进程 = worker + 基准的客户端）`);
    const per = (a: number, b: number) => `${KB((b - a) / N)} KB/项`;
    console.log(`  RSS：发布前 ${MB(before.rss)} MB，发布后 ${MB(after.rss)} MB，${per(before.rss, after.rss)}`);
    console.log(
      `  主线程堆：发布前 ${MB(before.heap)} MB，发布后 ${MB(after.heap)} MB，${per(before.heap, after.heap)}`,
    );
    console.log(
      `  工作流线程堆（${threads.length} 个线程，含空工作流的 ${emptyWorker.shards.length} 个，未强制回收）：发布前 ${MB(before.workflowHeap)} MB，` +
        `发布后 ${MB(after.workflowHeap)} MB，${per(before.workflowHeap, after.workflowHeap)}`,
    );
    console.log(`  worker 缓存中的工作流：${cached} 个（上限 maxCachedWorkflows = ${cacheLimit}）`);

    console.log('\n四、最长历史');
    const oneId = items[0]!.assignmentId;
    console.log(
      `  督办周期工作流（${N} 项）：${cycleHistory} 个事件${continued ? '（已 continue-as-new，为当前一轮）' : ''}；` +
        `一项督办发布并提醒后：${await historyOf(client, oneId)}`,
    );
    await handle.terminate('基准测试结束').catch(() => undefined);

    if (ROUNDS > 1) {
      // The same launch again, each between two measurements of the empty workflows, so that the ratio is judged on
      // several launches rather than one: on this machine it moves by a quarter between runs minutes apart. Their
      // stage reports fall next year, so no reminder of theirs falls in these minutes; they wait until the end.
      console.log(
        `\n一（重复）、再发布 ${ROUNDS - 1} 次（--rounds ${ROUNDS}，在第一至第四部分之后测），每次之后再测空工作流`,
      );
      const ratios = [ofMean(startedRate, perSecondOf(first.startMs), perSecondOf(second.startMs))];
      let before = second;
      for (let round = 2; round <= ROUNDS; round++) {
        const id = `${cycleId}-r${round}`;
        const { items: roundItems, config } = prepareQuiet(id);
        const done = await launchAndWait(id, config, roundItems);
        await done.handle.terminate('基准测试结束').catch(() => undefined);
        const rate = perSecondOf(done.leftLaunching - done.wall);
        const after = await baseline(`empty-r${round}`);
        const [beforeRate, afterRate] = [perSecondOf(before.startMs), perSecondOf(after.startMs)];
        ratios.push(ofMean(rate, beforeRate, afterRate));
        console.log(
          `  第 ${round} 次：周期离开“发布中” ${seconds(done.leftLaunching - done.wall)} 秒，` +
            `全部入库 ${seconds(done.storedLast - done.wall)} 秒；之后空工作流全部被接受 ${afterRate.toFixed(0)} 个/秒；` +
            `全部启动 ÷ 空工作流全部被接受 = ${bracketed(rate, beforeRate, afterRate)}`,
        );
        before = after;
      }
      const sorted = [...ratios].sort((a, b) => a - b);
      const median = (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
      console.log(
        `  ${ROUNDS} 次发布，全部启动 ÷ 两侧空工作流被接受的平均：${ratios.map((r) => r.toFixed(2)).join('、')}；` +
          `中位数 ${median.toFixed(2)}（目标 ≥ 0.8）`,
      );
    }

    if (BREAKDOWN) {
      console.log(
        `\n  发布的时间线（自写入周期起，秒）：${await launchTimeline(client, handle.workflowId, items, wall0, leftLaunching)}`,
      );
      console.log('\n一（续）、发布用时的构成（--breakdown，在第一至第四部分之后测）');
      console.log(
        `  另启动 ${N} 项督办 ×3，由本进程的客户端直接启动（并发 ${START_CONCURRENCY}，不经督办周期），` +
          `与第一部分的空工作流相比（发布前 ${perSecondOf(first.startMs).toFixed(0)}，发布后 ` +
          `${perSecondOf(second.startMs).toFixed(0)} 个/秒）：`,
      );
      const storeOpenings = openingStore({ pool, topic: config.KAFKA_EVENTS_TOPIC, queueDeliveries: false });
      const direct = async (key: string, label: string, queue: string, waitStored: boolean): Promise<number> => {
        const directId = `${cycleId}-${key}`;
        const { items: more, errors } = prepare(directId).launch;
        if (errors.length > 0 || more.length !== N)
          throw new Error(`另启动的 ${N} 项督办准备失败：${errors[0]?.message}`);
        const ids = more.map((i) => i.assignmentId);
        cycleHandleIds.push(...ids);
        const d0 = performance.now();
        const wall = Date.now();
        const rows = more.map((item) => ({
          assignment_id: item.assignmentId,
          unit: item.unit,
          spec: specOf(item, directId, config2),
        }));
        if (waitStored) {
          // As the launch starts them: each chunk's 交办 stored in one statement, each assignment started with its own.
          const decidedBy = { workflowId: `bench:${directId}`, runId: directId };
          await startAssignments({ client, taskQueue: queue, storeOpenings, decidedBy, now: () => new Date() }, rows);
        } else {
          await eachLimited(rows, START_CONCURRENCY, async ({ assignment_id: workflowId, spec }) => {
            await client.workflow.start<typeof assignmentWorkflowV2>(ASSIGNMENT_WORKFLOW_TYPE, {
              taskQueue: queue,
              workflowId,
              args: [{ spec }],
              ...cycleStartOptions(spec, new Date()),
            });
          });
        }
        const rate = perSecondOf(performance.now() - d0);
        const cpuLines = [`    CPU（至全部被接受）：${describeCpu(cpu.between(wall, Date.now()), N)}`];
        let stored = '';
        if (waitStored) {
          const seen = await pollUntilAll(() => storedOf(pool, ids), Date.now() + Math.max(300_000, N * 100));
          if (seen.n < N) {
            stored = `；${seconds(Date.now() - wall)} 秒后只有 ${seen.n}/${N} 个 TaskAssigned 入库`;
          } else {
            stored = `；全部入库 ${seconds(seen.last - wall)} 秒`;
            cpuLines.push(`    CPU（至全部入库）：${describeCpu(cpu.between(wall, seen.last), N)}`);
          }
        }
        console.log(
          `  ${label}：全部被接受 ${rate.toFixed(0)} 项/秒，` +
            `${bracketed(rate, perSecondOf(first.startMs), perSecondOf(second.startMs))}${stored}`,
        );
        console.log(cpuLines.join('\n'));
        return rate;
      };
      const serverOnly = await direct(
        'server',
        '无人执行的任务队列（只有服务器启动它们）',
        `${taskQueue}-nobody`,
        false,
      );
      const withWorker = await direct(
        'worker',
        'worker 的任务队列（与发布相同：交办按批入库，各项带着它启动，第一个任务只设时钟）',
        taskQueue,
        true,
      );
      await deps.relay.stop();
      await deps.projector.stop();
      const storeOnly = await direct('store', '同上，发件箱中继和读模型投影暂停', taskQueue, true);
      await deps.relay.start();
      await deps.projector.start();
      console.log(
        `  发布全部启动 ${startedRate.toFixed(0)} 项/秒 ÷ 直接启动（worker 的任务队列）= ` +
          `${(startedRate / withWorker).toFixed(2)}（其余是督办周期自身：开始、批次之间和结束）；` +
          `worker 的任务队列 ÷ 无人执行 = ${(withWorker / serverOnly).toFixed(2)}，` +
          `暂停中继和投影时 ${(storeOnly / serverOnly).toFixed(2)}（其余是第一个任务的执行、入库、中继和投影与服务器争用同一台机器）`,
      );
    }
  } finally {
    cpu.stop();
    const terminated = await terminateAll(client, cycleHandleIds);
    worker.shutdown();
    emptyWorker.shutdown();
    await running;
    await connection.close();
    await deps.close();
    if (cycleHandleIds.length > 0) console.log(`  （已终止本次发布的 ${terminated} 个督办工作流）`);
  }

  if (YEAR) await yearOfEzhou(config.DATABASE_URL, config.KAFKA_EVENTS_TOPIC, runId);
  await temporal.connection.close();
  console.log(`\n结束时负载 ${load()}`);
}

/** The Ezhou plan's 2017 on the time-skipping server, as `duban simulate` runs it: its time and its histories. */
async function yearOfEzhou(databaseUrl: string, topic: string, runId: string): Promise<void> {
  const own = createPool(databaseUrl);
  try {
    const plan = parsePlan(readFileSync(seedPath('ezhou-2017'))).plan;
    const directory = readDirectoryTable(
      readCsv(readFileSync(path.join(__dirname, '..', 'tests', 'cycle', 'directories', 'ezhou-2017.csv'))),
    );
    console.log(`\n五、鄂州计划全年模拟\n  ${await waitForQuiet()}`);
    const t0 = performance.now();
    const result = await simulateCycle({
      plan,
      directory,
      calendarYears: await loadCalendarYears(own),
      year: 2017,
      pool: own,
      topic,
      runId,
    });
    const simMs = performance.now() - t0;
    try {
      const { rows } = await own.query<{ assignment_id: string }>(
        'SELECT assignment_id FROM cycle_items WHERE cycle_id = $1',
        [result.cycleId],
      );
      const lengths: Array<{ id: string; n: number }> = [];
      await eachLimited(rows, 16, async ({ assignment_id: id }) => {
        lengths.push({ id, n: await historyLength(result.env.client, id) });
      });
      lengths.sort((a, b) => b.n - a.n);
      const cycleLength = await historyLength(result.env.client, `cycle:${result.cycleId}`);
      console.log(
        `  鄂州计划 2017 年全年模拟（${result.assignments} 项督办，时间跳跃服务器，含启动和打包）：${seconds(simMs)} 秒` +
          `（目标 < 60 秒）`,
      );
      console.log(
        `  一项督办一年的历史：最长 ${lengths[0]!.n} 个事件（${lengths[0]!.id}），中位 ${lengths[Math.floor(lengths.length / 2)]!.n}；` +
          `督办周期工作流：${cycleLength} 个事件，督查通报 ${result.bulletins.length} 期`,
      );
    } finally {
      await result.close();
    }
  } finally {
    await own.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
