/** One way to build the assignment worker, for the worker process, the demo and the tests alike. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/types';
import { skipDebugModeWatchdog, stopStackTraceHook } from './in-process';
import { bundleWorkflows, PRELOADED_MODULES, WORKFLOWS_PATH } from './workflow-bundle';

export { WORKFLOWS_PATH };

/**
 * Where `npm run build` (scripts/build.sh) writes the workflow bundle: beside the compiled folders, dist/workflow-bundle.js.
 * Only the compiled worker uses it; from the sources there is no dist/ next to this file.
 */
export const BUILT_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

/** Compiled to JavaScript (dist/, production) rather than run from TypeScript (tsx, jest). */
const COMPILED = path.extname(__filename) === '.js';

export interface AssignmentWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** All of them in the worker process; a test may give only those its workflows call. */
  activities: Partial<Activities>;
  /** A prebuilt bundle (bundleWorkflows), so tests do not bundle once per worker. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** What workflows report to the worker's process without a server round trip (the benchmarks time with them). */
  sinks?: WorkerOptions['sinks'];
  /** How many workflows the worker keeps in memory between their tasks; by default as many as its heap holds. */
  maxCachedWorkflows?: number;
  /**
   * Runs the workflows in this process's own thread, without the SDK's deadlock watchdog and stack-trace hook
   * (worker/in-process.ts): for a simulation on a private time-skipping server, never for a production worker.
   */
  inProcess?: boolean;
}

/** How one of several workers on the same task queue in one process shares the work (`createAssignmentWorkers`). */
interface ShardTuning {
  /** Only one worker polls the server's activities; every one runs its own workflows' local activities. */
  enableNonLocalActivities: boolean;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentWorkflowTaskPolls: number;
}

/**
 * The heap one cached workflow holds in the worker's workflow thread: 117 KB measured for an assignment that has had
 * an update, 110 KB for one waiting after its first task (2026-11-24, 300 of them, a full collection in the thread),
 * and room for what a year of supervision adds to its state (the state of an item after 33 events is 4 KB as JSON).
 * zod and the assignment's schemas are built once in the sandbox and shared by every workflow
 * (workflows/shared-modules.ts, workflows/sandbox-schemas.ts); before zod was, the same two measured 1,302 and 949 KB
 * and this was 1.6 MB; before the schemas were, 647 and 304 KB and this was 0.8 MB.
 */
export const HEAP_PER_CACHED_WORKFLOW = 0.25 * 2 ** 20;
/** Heap kept free for the thread itself and the workflows' tasks in flight. */
const HEAP_RESERVE = 512 * 2 ** 20;

/**
 * The SDK's default cache assumes about 1.7 MB a workflow with nothing to spare (600 per GB of heap); ours held
 * more once, and 10,000 assignments filled a 4 GB thread to the SDK's 2,310 and stopped the worker with "JS heap out
 * of memory". This keeps the cache inside the heap the process was given (--max-old-space-size raises both); a
 * workflow beyond it is evicted, and replayed from its history when its next task comes.
 */
export function cacheSizeFor(heapLimit: number): number {
  return Math.max(10, Math.floor((heapLimit - HEAP_RESERVE) / HEAP_PER_CACHED_WORKFLOW));
}

/**
 * How long a workflow task waits on this worker's sticky queue (where the worker that holds the workflow in memory
 * takes it) before it goes back to the task queue, where any worker may take it with the whole history. At a quarter
 * end every assignment's timer fires at once and the worker works through them at 80 to 110 a second: with the SDK's
 * 10 s, 5 of 40 assignments sampled after a fan-out of 1,000 reminders had a WorkflowTaskTimedOut there and were taken
 * again 4 s later (bench:cycle, 2026-11-24); with a longer wait the fan-out ran at 0.73 to 0.90 of the raw signals'
 * rate instead of 0.62 to 0.68.
 *
 * What a longer wait costs: a task already queued for a worker that died (not one that shut down, which tells the
 * server) waits this long, an update's caller with it. The server sends new tasks to the task queue once nobody has
 * polled the sticky queue for 10 s (temporalio/temporal#2811). A minute covers the burst of a few thousand reminders.
 */
export const STICKY_QUEUE_WAIT = '1 minute';

/**
 * How often at most an activity's heartbeat reaches the server (the SDK's default: every 48 s for the launch's
 * batches, whose heartbeat timeout is a minute). `cycle launch` and the coordinator's page show a launch's progress
 * from its batch's last heartbeat; at a second, the bar moves by the assignment, at one call a second per running
 * batch.
 */
export const HEARTBEAT_AT_MOST_EVERY = '1 second';

/**
 * The worker, with its workflow code from the bundle given, else from the bundle the build made (compiled), else
 * bundled from workflows/ now (from the sources, for development and tests: a few seconds at each start).
 */
export async function createAssignmentWorker(options: AssignmentWorkerOptions, tuning?: ShardTuning): Promise<Worker> {
  const { workflowBundle, maxCachedWorkflows, inProcess, ...rest } = options;
  if (inProcess) skipDebugModeWatchdog();
  const worker = await Worker.create({
    ...rest,
    ...tuning,
    ...(workflowBundle ? { workflowBundle } : defaultWorkflowCode()),
    maxCachedWorkflows: maxCachedWorkflows ?? cacheSizeFor(getHeapStatistics().heap_size_limit),
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_WAIT,
    maxHeartbeatThrottleInterval: HEARTBEAT_AT_MOST_EVERY,
    ...(inProcess && { debugMode: true }),
  });
  if (inProcess) stopStackTraceHook();
  return worker;
}

function defaultWorkflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (!COMPILED) return { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_MODULES } };
  if (!existsSync(BUILT_WORKFLOW_BUNDLE)) {
    throw new Error(`找不到工作流代码包 ${BUILT_WORKFLOW_BUNDLE}：请先运行 \`npm run build\` 构建`);
  }
  return { workflowBundle: { codePath: BUILT_WORKFLOW_BUNDLE } };
}

/** The SDK's defaults for one worker, shared out among the shards so that the process as a whole keeps them. */
const WORKFLOW_TASK_SLOTS = 40;
const WORKFLOW_TASK_POLLS = 10;

/** The worker process's workers on its one task queue: run, stopped and counted together. */
export class AssignmentWorkers {
  constructor(
    readonly shards: readonly Worker[],
    /** The workflows all of them keep in memory at most. */
    readonly maxCachedWorkflows: number,
    /** The connections opened for the workers after the first, closed once they have stopped. */
    private readonly own: readonly NativeConnection[] = [],
  ) {}

  /** The workflows they keep in memory now. */
  cachedWorkflows(): number {
    return this.shards.reduce((sum, worker) => sum + worker.getStatus().numCachedWorkflows, 0);
  }

  /**
   * Runs them all until each has stopped: shut down (shutdown(), or a signal the SDK listens for) or failed. One that
   * fails stops the others, and its failure is what this rejects with once they have finished what they hold.
   */
  async run(): Promise<void> {
    const runs = this.shards.map((worker) =>
      worker.run().catch((error: unknown) => {
        this.shutdown();
        throw error;
      }),
    );
    const ended = await Promise.allSettled(runs);
    await closeAll(this.own);
    const failure = ended.find((end) => end.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Asks each that is still running to stop; run() resolves once all have. */
  shutdown(): void {
    for (const worker of this.shards) if (worker.getState() === 'RUNNING') worker.shutdown();
  }
}

async function closeAll(connections: readonly NativeConnection[]): Promise<void> {
  await Promise.allSettled(connections.map((connection) => connection.close()));
}

/**
 * The worker process's workers: `shards` of them (one by default) on one task queue, sharing the cache and the
 * SDK's default workflow task slots and polls among them, one bundle of workflow code, and the activities; only the
 * first polls the server's activity tasks, each runs its own workflows' local activities. A workflow stays with the
 * worker that holds it (its sticky queue), so each holds about its share.
 *
 * The first runs on `connection`, which stays the caller's. The SDK registers one worker per task queue on a
 * connection ("Registration of multiple workers with overlapping worker task types … not allowed"), so each of the
 * others runs on one `connect` opens, which is closed when the workers have stopped.
 *
 * Why more than one (`WORKER_SHARDS`): the SDK's core walks every workflow its worker holds on each thing that
 * happens to any of them (sdk-core 1.24: `reconcile_buffered` in workflow_stream.rs counts the runs being evicted,
 * whether or not a task waits for room), so its CPU per workflow task grows with the cache: 1.3 ms a signal with
 * 1,000 workflows held, 11.6 ms with 10,000 (measured as bench/worker-shards.ts measures it, 2026-11-25). Shared
 * among 4 workers the same 10,000 cost it 3.8 ms, among 8 2.6–2.9 ms, and the process as a whole 8.6–9.5 ms a signal
 * against 17.0. But each worker has a workflow thread of its own (about 68 MB before it holds anything), compiled
 * and collected on its own. At a quarter end of 10,000 on this two-core machine (bench:cycle, 2026-11-25, the dev
 * server's database 10.8 GB), eight workers cut the process's CPU a reminder from 37.4 ms to 29.3 (the core's from
 * 21.9 to 6.4; the workflow threads' rose from 5.6 to 10.8, V8's helpers' from 3.9 to 5.4), yet the reminders went
 * out at 32 a second against 31, the machine 82 % busy against 90. One stays the default until more are shown to go
 * faster where the worker, not the server, is what a quarter end waits for.
 */
export async function createAssignmentWorkers(
  options: Omit<AssignmentWorkerOptions, 'inProcess'> & {
    shards?: number;
    connect?: () => Promise<NativeConnection>;
  },
): Promise<AssignmentWorkers> {
  const { shards: asked, maxCachedWorkflows: total, workflowBundle, connection, connect, ...rest } = options;
  const maxCachedWorkflows = total ?? cacheSizeFor(getHeapStatistics().heap_size_limit);
  const shards = asked ?? 1;
  if (shards > 1 && !connect) {
    throw new Error(`${shards} 个 worker 各需一个连接：请给出 connect，由它为第一个之外的每个 worker 打开连接`);
  }
  const bundle = workflowBundle ?? (COMPILED || shards === 1 ? undefined : await bundleWorkflows());
  const perShard = Math.max(2, Math.ceil(maxCachedWorkflows / shards));
  const workers: Worker[] = [];
  const own: NativeConnection[] = [];
  try {
    for (let k = 0; k < shards; k++) {
      const tuning: ShardTuning = {
        enableNonLocalActivities: k === 0,
        maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.ceil(WORKFLOW_TASK_SLOTS / shards)),
        maxConcurrentWorkflowTaskPolls: Math.max(2, Math.ceil(WORKFLOW_TASK_POLLS / shards)),
      };
      const shardConnection = k === 0 ? connection : await connect!();
      if (k > 0) own.push(shardConnection);
      workers.push(
        await createAssignmentWorker(
          {
            ...rest,
            connection: shardConnection,
            ...(bundle && { workflowBundle: bundle }),
            maxCachedWorkflows: perShard,
          },
          shards === 1 ? undefined : tuning,
        ),
      );
    }
  } catch (error) {
    await closeAll(own);
    throw error;
  }
  return new AssignmentWorkers(workers, maxCachedWorkflows, own);
}
