/**
 * zod is evaluated once in the worker's sandbox and shared by every workflow (workflows/shared-modules.ts), where it
 * was most of what a waiting assignment held. A workflow still evaluates our own modules for itself, and its schemas
 * parse and refuse in Chinese as they do at the edge.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { describeIssues } from '../../domain/validation';
import { assignmentSpecV3Schema } from '../../workflows/assignment/spec';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import { createTimeSkippingEnv, uniqueId } from '../support/stack';
import type { moduleProbeWorkflow } from './module-probe-workflows';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

test('two workflows evaluate their own schemas but share zod, and refuse bad input as the edge does', async () => {
  const taskQueue = uniqueId('shared-modules');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows({ workflowsPath: path.join(__dirname, 'module-probe-workflows.ts') }),
  });
  // One after the other: the time-skipping server held the second of two concurrent completions for 30 s.
  const probes = await worker.runUntil(async () => {
    const run = (n: string) =>
      env.client.workflow.execute<typeof moduleProbeWorkflow>('moduleProbeWorkflow', {
        taskQueue,
        workflowId: `${taskQueue}-${n}`,
      });
    return [await run('a'), await run('b')];
  });
  const atTheEdge = assignmentSpecV3Schema.safeParse({});
  for (const { ownModules, refusal } of probes) {
    expect(ownModules.filter((m) => m.includes('workflows/assignment/spec.ts'))).toHaveLength(1);
    expect(ownModules.filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
    expect(refusal).toBe(describeIssues(atTheEdge.error!, '输入'));
    expect(refusal).toContain('taskId：无效输入');
  }
});
