/**
 * The worker that runs its workflows in the process's own thread (worker/in-process.ts), as `duban simulate` runs
 * them: the same workflow code comes to the same result, without the SDK's per-call watchdog threads and its
 * stack-trace hook — and a production worker, built beside it in the same process, keeps both.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { formatShanghai } from '../../domain/calendar';
import { createAssignmentWorker } from '../../worker/create-worker';
import { skipDebugModeWatchdog } from '../../worker/in-process';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import type { sleepUntilWorkflow } from '../workflows/clock-and-search-workflows';
import { createTimeSkippingEnv, ROOT, uniqueId } from '../support/stack';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const START = new Date('2017-03-01T09:00:00+08:00');
let env: TestWorkflowEnvironment;
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;

beforeAll(async () => {
  env = await createTimeSkippingEnv({ initialTime: START });
  workflowBundle = await bundleWorkflows({
    workflowsPath: path.join(__dirname, '..', 'workflows', 'clock-and-search-workflows.ts'),
  });
});

afterAll(async () => {
  await env?.teardown();
});

/** Runs one sleeping workflow on a worker built as the product builds it; its stack trace asked while it sleeps. */
async function sleepOn(inProcess: boolean): Promise<{ stackTrace: string; woke: string; debugMode: boolean }> {
  const taskQueue = uniqueId(inProcess ? 'in-process' : 'threaded');
  const worker = await createAssignmentWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: {},
    inProcess,
  });
  const until = new Date((await env.currentTimeMs()) + 86_400_000);
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof sleepUntilWorkflow>('sleepUntilWorkflow', {
      taskQueue,
      workflowId: taskQueue,
      args: [until.toISOString()],
    });
    const stackTrace = await handle.query<string>('__stack_trace');
    const { woke } = await handle.result();
    return { stackTrace, woke, debugMode: (worker.options as { debugMode: boolean }).debugMode };
  });
}

test('a workflow wakes a day later in either worker, and a production worker beside an in-process one still answers its stack trace', async () => {
  const threaded = await sleepOn(false);
  const inProcess = await sleepOn(true);
  const after = await sleepOn(false);
  expect([threaded.debugMode, inProcess.debugMode, after.debugMode]).toEqual([false, true, false]);
  expect([threaded.woke, inProcess.woke, after.woke].map((woke) => formatShanghai(new Date(woke)))).toEqual([
    '2017-03-02 09:00',
    '2017-03-03 09:00',
    '2017-03-04 09:00',
  ]);
  // Its threads keep their own hooks when the in-process worker stops the one of this thread.
  expect(threaded.stackTrace).toContain('sleepUntilWorkflow');
  expect(after.stackTrace).toContain('sleepUntilWorkflow');
});

test('in a process of its own, as `duban simulate` runs, the in-process worker answers no stack trace: the hook is stopped', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join('tests', 'worker', 'stack-trace-probe.ts')],
    { cwd: ROOT, timeout: 90_000 },
  );
  const answers = JSON.parse(stdout.trim().split('\n').at(-1)!) as { threaded: string; inProcess: string };
  expect(answers.threaded).toContain('sleepUntilWorkflow');
  expect(answers.inProcess).toBe('');
});

test("a call into a sandbox with debug mode's timeout runs without a watchdog thread; any other timeout keeps its own", () => {
  skipDebugModeWatchdog();
  // The threads of this process, counted from inside a call into the sandbox, while Node's watchdog (if any) runs.
  const context = vm.createContext({ threads: () => readdirSync('/proc/self/task').length });
  const script = new vm.Script('threads()');
  const count = (options?: vm.RunningScriptOptions) => script.runInContext(context, options) as number;
  // Other threads come and go on their own (the Temporal runtime's pools): a reading counts only when the process had
  // as many threads just before and just after it.
  const during = (options: vm.RunningScriptOptions): number => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const before = count();
      const reading = count(options);
      if (count() === before) return reading - before;
    }
    throw new Error('the thread count never held still for three readings');
  };
  expect(during({ timeout: 4294967295 })).toBe(0);
  expect(during({ timeout: 5000 })).toBe(1);
});
