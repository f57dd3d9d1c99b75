/**
 * Run by tests/worker/in-process.workflow.test.ts as a process of its own, as `duban simulate` runs: jest runs its
 * tests inside a sandbox of its own, where the SDK's stack-trace hook in the main thread never sees a workflow's
 * promises, so only a plain process shows what the in-process worker changes. Prints, as JSON, the `__stack_trace`
 * answer of one sleeping workflow in a production worker and then in an in-process worker.
 */
import path from 'node:path';
import { startTimeSkippingServer } from '../../infra/time-skipping';
import { createAssignmentWorker } from '../../worker/create-worker';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import type { sleepUntilWorkflow } from '../workflows/clock-and-search-workflows';

async function main(): Promise<void> {
  const env = await startTimeSkippingServer();
  try {
    const workflowBundle = await bundleWorkflows({
      workflowsPath: path.join(__dirname, '..', 'workflows', 'clock-and-search-workflows.ts'),
    });
    const answers: Record<string, string> = {};
    for (const inProcess of [false, true]) {
      const taskQueue = `stack-trace-probe-${inProcess ? 'in-process' : 'threaded'}-${process.pid}`;
      const worker = await createAssignmentWorker({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities: {},
        inProcess,
      });
      answers[inProcess ? 'inProcess' : 'threaded'] = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start<typeof sleepUntilWorkflow>('sleepUntilWorkflow', {
          taskQueue,
          workflowId: taskQueue,
          args: [new Date((await env.currentTimeMs()) + 3_600_000).toISOString()],
        });
        const stackTrace = await handle.query<string>('__stack_trace');
        await handle.result();
        return stackTrace;
      });
    }
    console.log(JSON.stringify(answers));
  } finally {
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
