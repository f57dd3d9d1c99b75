/**
 * `duban audit as-of` against the workflow itself: a version-2 assignment that is never reported runs through 2017
 * on the time-skipping test server, with the real activities and PostgreSQL. Right after each thing the clock does
 * (reminders, the period closed, each escalation step), the workflow's own status query is recorded; afterwards, the
 * state as of each of those moments, folded from the stored events, must be what the workflow answered then.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { assignmentAsOf } from '../../domain/audit/as-of';
import { noticesOf, streamEvents } from '../../infra/audit-store';
import {
  ASSIGNMENT_WORKFLOW_TYPE,
  assignedUpdate,
  statusQuery,
  type AssignmentView,
} from '../../workflows/assignment/messages';
import type { assignmentWorkflow } from '../../workflows/assignment/workflow';
import { connectPostgres, createTimeSkippingEnv, runProductWorker, uniqueId } from '../support/stack';
import { spec } from '../workflows/decider-v2-fixtures';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;
const taskQueue = uniqueId('as-of-year');

beforeAll(async () => {
  pool = await connectPostgres();
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-01-03T09:00:00+08:00') });
  worker = await runProductWorker(pool, taskQueue, { connection: env.nativeConnection, client: env.client });
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await pool?.end();
});

test('as of each moment the clock acted, the state the workflow answered then', async () => {
  const id = uniqueId('as-of-2017');
  const handle = await env.client.workflow.start<typeof assignmentWorkflow>(ASSIGNMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: id,
    args: [{ spec: { ...spec, taskId: id } }],
  });
  const seen: Array<{ at: Date; view: AssignmentView }> = [];
  let view = await handle.executeUpdate(assignedUpdate);
  for (let guard = 0; view.nextAlarm && guard < 80; guard++) {
    const before = view.lastEventAt;
    const wait = new Date(view.nextAlarm.at).getTime() + 60_000 - (await env.currentTimeMs());
    if (wait > 0) await env.sleep(wait);
    // The state counts an event once it is stored: wait for the workflow to have stored what the alarm decided.
    for (let i = 0; i < 200 && view.lastEventAt === before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      view = await handle.query(statusQuery);
    }
    seen.push({ at: new Date(await env.currentTimeMs()), view });
  }
  expect(seen.length).toBeGreaterThan(5);

  const stored = await streamEvents(pool, id);
  const notices = await noticesOf(pool, [id]);
  const pick = (v: Omit<AssignmentView, 'assignmentId' | 'warnings'>) => ({
    status: v.status,
    light: v.light,
    periods: v.periods,
    acknowledgementUrgedAt: v.acknowledgementUrgedAt,
    lastEventAt: v.lastEventAt,
    nextAlarm: v.nextAlarm,
  });
  // One moment per event the clock added: reminders, the period closed, each escalation step, every quarter.
  expect(seen.map((s) => s.view.lastEventAt)).toEqual(stored.slice(1).map((s) => s.event.at));
  for (const { at, view: answered } of seen) {
    expect({ at, ...pick(assignmentAsOf(id, stored, notices, at, new Date())) }).toEqual({ at, ...pick(answered) });
  }
  expect(seen.map((s) => s.view.periods.flatMap((p) => p.escalations)).at(-1)!.length).toBeGreaterThan(0);
});
