/**
 * zod is evaluated once in the worker's sandbox and shared by every workflow (workflows/shared-modules.ts), and so are
 * the assignment's input's and payloads' schemas, built at the first workflow that asks (workflows/sandbox-schemas.ts):
 * together they were most of what a waiting assignment held. Shared, they parse and refuse in Chinese as they do at
 * the edge, in every workflow.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { describeIssues } from '../../domain/validation';
import { calledSchema } from '../../workflows/assignment/caller';
import { assignmentInputSchema } from '../../workflows/assignment/input';
import { acknowledgePayloadSchema } from '../../workflows/assignment/payloads';
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

test('the first workflow builds the schemas, the second uses them, and both refuse bad input as the edge does', async () => {
  const taskQueue = uniqueId('shared-modules');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows({ workflowsPath: path.join(__dirname, 'module-probe-workflows.ts') }),
  });
  // One after the other: the time-skipping server held the second of two concurrent completions for 30 s.
  const [first, second] = await worker.runUntil(async () => {
    const run = (n: string) =>
      env.client.workflow.execute<typeof moduleProbeWorkflow>('moduleProbeWorkflow', {
        taskQueue,
        workflowId: `${taskQueue}-${n}`,
      });
    return [await run('a'), await run('b')];
  });
  const schemaModules = (probe: typeof first) =>
    probe!.ownModules.filter((m) => /workflows\/assignment\/(spec|input|payloads|caller)\.ts/.test(m)).sort();
  expect(schemaModules(first)).toEqual([
    expect.stringContaining('assignment/caller.ts'),
    expect.stringContaining('assignment/input.ts'),
    expect.stringContaining('assignment/payloads.ts'),
    expect.stringContaining('assignment/spec.ts'),
  ]);
  expect(schemaModules(second)).toEqual([]);

  const inputAtTheEdge = assignmentInputSchema.safeParse({ spec: {} });
  const payloadAtTheEdge = calledSchema(acknowledgePayloadSchema).safeParse({ actor: { role: 'unit' } });
  for (const { ownModules, inputRefusal, payloadRefusal } of [first!, second!]) {
    expect(ownModules.filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
    expect(inputRefusal).toBe(describeIssues(inputAtTheEdge.error!, '输入'));
    expect(inputRefusal).toContain('spec：无效输入');
    expect(payloadRefusal).toBe(describeIssues(payloadAtTheEdge.error!, '请求'));
    expect(payloadRefusal).toContain('unit');
  }
});
