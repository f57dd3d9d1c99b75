/** One way to build the assignment worker, for the worker process, the demo and the tests alike. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/types';
import { skipDebugModeWatchdog, stopStackTraceHook } from './in-process';
import { PRELOADED_MODULES, WORKFLOWS_PATH } from './workflow-bundle';

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
export async function createAssignmentWorker(options: AssignmentWorkerOptions): Promise<Worker> {
  const { workflowBundle, maxCachedWorkflows, inProcess, ...rest } = options;
  if (inProcess) skipDebugModeWatchdog();
  const worker = await Worker.create({
    ...rest,
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
