/**
 * Run by tests/worker/in-process.workflow.test.ts as a process of its own, as `duban simulate` runs: jest runs its
 * tests inside a sandbox of its own, where the SDK's stack-trace hook in the main thread never sees a workflow's
 * promises, so only a plain process shows what the in-process worker changes. One sleeping workflow runs on a
 * production worker, then on an in-process one, then on a production one again; for each it prints, as JSON, whether
 * the worker was in debug mode, the `__stack_trace` answer while the workflow slept, and when it woke.
 */
import path from 'node:path';
import { startTimeSkippingServer } from '../../infra/time-skipping';
import { createAssignmentWorker } from '../../worker/create-worker';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import type { sleepUntilWorkflow } from '../workflows/clock-and-search-workflows';

export interface ProbeRun {
  inProcess: boolean;
  debugMode: boolean;
  stackTrace: string;
  slept: string;
  woke: string;
}

async function main(): Promise<void> {
  const env = await startTimeSkippingServer({ initialTime: new Date('2017-03-01T09:00:00+08:00') });
  try {
    const workflowBundle = await bundleWorkflows({
      workflowsPath: path.join(__dirname, '..', 'workflows', 'clock-and-search-workflows.ts'),
    });
    const runs: ProbeRun[] = [];
    for (const inProcess of [false, true, false]) {
      const taskQueue = `stack-trace-probe-${runs.length}-${process.pid}`;
      const worker = await createAssignmentWorker({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities: {},
        inProcess,
      });
      const until = new Date((await env.currentTimeMs()) + 86_400_000);
      runs.push(
        await worker.runUntil(async () => {
          const handle = await env.client.workflow.start<typeof sleepUntilWorkflow>('sleepUntilWorkflow', {
            taskQueue,
            workflowId: taskQueue,
            args: [until.toISOString()],
          });
          const stackTrace = await handle.query<string>('__stack_trace');
          const { started, woke } = await handle.result();
          const { debugMode } = worker.options as { debugMode: boolean };
          return { inProcess, debugMode, stackTrace, slept: started, woke };
        }),
      );
    }
    console.log(JSON.stringify(runs));
  } finally {
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
