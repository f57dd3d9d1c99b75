/**
 * The time-skipping server started at a chosen instant (scripts/java/DubanTestServer.java through
 * `startTimeSkippingServer({ initialTime })`): a plan year in the past runs on its own calendar. The server reports
 * the instant it was started at, a workflow's clock reads that year, and a timer set to a Beijing wall-clock time in
 * it fires then — here 2017-10-09 09:00, the first working day after the 2017 National Day holiday.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { formatShanghai, shanghaiInstant } from '../../domain/calendar';
import { startTimeSkippingServer, TEST_SERVER } from '../../scripts/year-simulation';
import { createTimeSkippingEnv, uniqueId } from '../support/stack';
import type { sleepUntilWorkflow } from './clock-and-search-workflows';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(120_000);

const START = new Date('2017-01-01T00:00:00+08:00');
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv({ initialTime: START });
});

afterAll(async () => {
  await env?.teardown();
});

test('an environment started at 2017-01-01 00:00 Beijing time reports that time', async () => {
  // The server's clock runs at the wall clock's pace while nothing waits on it: the same minute, a moment later.
  expect(formatShanghai(new Date(await env.currentTimeMs()))).toBe('2017-01-01 00:00');
});

test("a workflow's clock reads 2017, and a timer to 2017-10-09 09:00 Beijing time fires then", async () => {
  const taskQueue = uniqueId('initial-time');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows({ workflowsPath: path.join(__dirname, 'clock-and-search-workflows.ts') }),
  });
  const until = shanghaiInstant('2017-10-09', '09:00');
  const { started, woke } = await worker.runUntil(
    env.client.workflow.execute<typeof sleepUntilWorkflow>('sleepUntilWorkflow', {
      taskQueue,
      workflowId: taskQueue,
      args: [until.toISOString()],
    }),
  );
  expect(formatShanghai(new Date(started)).slice(0, 10)).toBe('2017-01-01');
  expect(formatShanghai(new Date(woke))).toBe('2017-10-09 09:00');
  expect(new Date(woke).getTime()).toBeGreaterThanOrEqual(until.getTime());
  expect(formatShanghai(new Date(await env.currentTimeMs())).slice(0, 10)).toBe('2017-10-09');
});

test('an initial time that is not an instant is refused before any server starts, with the reason', async () => {
  await expect(startTimeSkippingServer({ initialTime: new Date('2017-13-01') })).rejects.toThrow(
    'initialTime must be a valid instant after 1970-01-01, not Invalid Date',
  );
});

test('the server itself refuses an --initial-time it cannot read, and says what it expects', () => {
  const run = spawnSync('bash', [TEST_SERVER, '0', '--enable-time-skipping', '--initial-time', '2017-01-01'], {
    encoding: 'utf8',
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain(
    'DubanTestServer: --initial-time must be an ISO-8601 instant with its offset, e.g. 2017-01-01T00:00:00+08:00, not 2017-01-01',
  );
});
