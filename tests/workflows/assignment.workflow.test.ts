/**
 * A year of supervision in seconds, on Temporal's time-skipping test server with the real activities (PostgreSQL;
 * the outbox relay's path to Kafka is tested on its own): three units, four quarter ends. One reports before every due date, one reports two days late every
 * quarter, one never reports. What each recipient finds in the inbox, and when, is what a coordinator would check.
 */

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { addDays, formatShanghai } from '../../domain/calendar';
import { DEFAULT_YEAR_UNITS, simulateYear } from '../../scripts/year-simulation';
import { getHeapStatistics } from 'node:v8';
import { cacheSizeFor, createAssignmentWorker } from '../../worker/create-worker';
import { statusQuery } from '../../workflows/assignment/messages';
import {
  config,
  connectPostgres,
  createTimeSkippingEnv,
  readModelsOf,
  startReadModels,
  uniqueId,
} from '../support/stack';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(300_000);

let env: TestWorkflowEnvironment;
let pool: Pool;
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;
let readModels: Awaited<ReturnType<typeof startReadModels>>;

beforeAll(async () => {
  pool = await connectPostgres();
  env = await createTimeSkippingEnv();
  readModels = await startReadModels(pool);
  workflowBundle = await bundleWorkflows();
});

afterAll(async () => {
  await readModels?.stop();
  await env?.teardown();
  await pool?.end();
});

async function withWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await createAssignmentWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC }),
  });
  return worker.runUntil(fn());
}

async function inbox(assignmentId: string): Promise<string[]> {
  await readModelsOf(pool, assignmentId);
  const { rows } = await pool.query<{ occurred_at: Date; recipient: string; kind: string }>(
    'SELECT occurred_at, recipient, kind FROM inbox WHERE assignment_id = $1 ORDER BY seq, recipient',
    [assignmentId],
  );
  return rows.map((r) => `${formatShanghai(r.occurred_at)} ${r.recipient} ${r.kind}`);
}

test('the worker keeps as many workflows in memory as its heap holds, or as many as it is told', async () => {
  const build = (maxCachedWorkflows?: number) =>
    createAssignmentWorker({
      connection: env.nativeConnection,
      taskQueue: uniqueId('cache'),
      workflowBundle,
      activities: {},
      ...(maxCachedWorkflows && { maxCachedWorkflows }),
    });
  const cached = async (maxCachedWorkflows?: number) => {
    const worker = await build(maxCachedWorkflows);
    await worker.runUntil(Promise.resolve()); // started and shut down, as any worker is
    return (worker.options as { maxCachedWorkflows: number }).maxCachedWorkflows;
  };
  expect(await cached()).toBe(cacheSizeFor(getHeapStatistics().heap_size_limit));
  expect(await cached(50)).toBe(50);
});

test('a year of quarter ends: on time, late and never reported', async () => {
  const prefix = uniqueId('year');
  const units = DEFAULT_YEAR_UNITS;
  const { year, quarterEnds, handles } = await withWorker(prefix, async () => {
    const sim = await simulateYear({ env, taskQueue: prefix, prefix });
    const never = await sim.handles.never.query(statusQuery);
    expect(never.status).toBe('assigned');
    expect(never.periods.map((p) => [p.due, p.overdue, p.escalations])).toEqual(
      sim.quarterEnds.map((due) => [due, true, ['urge', 'notify-head', 'report-coordinator']]),
    );
    const late = await sim.handles.late.query(statusQuery);
    expect(late.periods.map((p) => p.report?.late)).toEqual([true, true, true, true]);
    // Closing (办结) by update is covered on the dev server (lifecycle.int.test.ts): the time-skipping server loses
    // an update whose workflow completes in the same task (temporalio/sdk-python#826), so here the runs are ended.
    for (const handle of Object.values(sim.handles)) await handle.terminate('end of the simulated year');
    return sim;
  });
  expect(quarterEnds).toEqual([`${year}-03-31`, `${year}-06-30`, `${year}-09-30`, `${year}-12-31`]);

  const at = (date: string, time = '09:00') => `${date} ${time}`;
  const onTime = await inbox(handles.onTime.workflowId);
  expect(onTime[0]).toMatch(/ 市质监局 assignment$/);
  expect(onTime.slice(1)).toEqual(quarterEnds.map((due) => `${at(addDays(due, -5))} 市质监局 reminder`));

  expect((await inbox(handles.late.workflowId)).slice(1)).toEqual(
    quarterEnds.flatMap((due) => [
      `${at(addDays(due, -5))} 市农委 reminder`,
      `${at(due)} 市农委 reminder`,
      `${at(addDays(due, 1))} 市农委 urge`,
    ]),
  );

  expect((await inbox(handles.never.workflowId)).slice(1)).toEqual(
    quarterEnds.flatMap((due) => [
      `${at(addDays(due, -5))} 市商务局 reminder`,
      `${at(due)} 市商务局 reminder`,
      `${at(addDays(due, 1))} 市商务局 urge`,
      `${at(addDays(due, 4))} 市商务局主要负责人 notify-head`,
      `${at(addDays(due, 9))} 市政府督查室 report-coordinator`,
    ]),
  );

  await readModelsOf(
    pool,
    Object.values(handles).map((h) => h.workflowId),
  );
  const { rows: reports } = await pool.query<{ unit: string; late: boolean; n: string }>(
    `SELECT unit, late, count(*) AS n FROM progress_reports WHERE assignment_id LIKE $1 GROUP BY unit, late ORDER BY unit`,
    [`${prefix}:%`],
  );
  expect(reports).toEqual(
    [
      { unit: units.late, late: true, n: '4' },
      { unit: units.onTime, late: false, n: '4' },
    ].sort((a, b) => (a.unit < b.unit ? -1 : 1)),
  );
});
