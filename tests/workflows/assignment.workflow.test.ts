/**
 * A year of supervision in seconds, on Temporal's time-skipping test server with the real activities (PostgreSQL
 * and Kafka): three units, four quarter ends. One reports before every due date, one reports two days late every
 * quarter, one never reports. What each recipient finds in the inbox, and when, is what a coordinator would check.
 */
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { addDays, formatShanghai, quarterEndsBetween, shanghaiDate, shanghaiInstant } from '../../domain/calendar';
import { createProducer } from '../../infra/kafka';
import { createAssignmentWorker, WORKFLOWS_PATH } from '../../worker/create-worker';
import type { AssignmentSpec } from '../../workflows/assignment/events';
import { acknowledgeUpdate, statusQuery, submitReportUpdate } from '../../workflows/assignment/messages';
import { DEFAULT_POLICY } from '../../workflows/assignment/policy';
import { assignmentWorkflow } from '../../workflows/assignment/workflow';
import { config, connectKafka, connectPostgres, createTimeSkippingEnv, uniqueId } from '../support/stack';

jest.setTimeout(300_000);

let env: TestWorkflowEnvironment;
let pool: Pool;
let producer: Producer;
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

beforeAll(async () => {
  pool = await connectPostgres();
  producer = createProducer(await connectKafka());
  await producer.connect();
  env = await createTimeSkippingEnv();
  workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silentLogger() });
});

afterAll(async () => {
  await env?.teardown();
  await producer?.disconnect();
  await pool?.end();
});

function silentLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

async function withWorker<T>(taskQueue: string, fn: (worker: Worker) => Promise<T>): Promise<T> {
  const worker = await createAssignmentWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: createActivities({ pool, producer, topic: config.KAFKA_EVENTS_TOPIC }),
  });
  return worker.runUntil(fn(worker));
}

function spec(unit: string, reportsDue: string[], run: string): AssignmentSpec {
  return {
    taskId: `${run}:五.(二).29`,
    ref: '五.(二).29',
    title: '开展质量提升行动',
    unit,
    coordinator: '市政府督查室',
    deadlineText: `${reportsDue.at(-1)!.slice(0, 4)}年12月底之前`,
    due: reportsDue.at(-1)!,
    reportsDue,
    policy: DEFAULT_POLICY,
  };
}

/** Advances the test server's clock to a Shanghai wall-clock moment. */
async function skipTo(date: string, time: string): Promise<void> {
  const ms = shanghaiInstant(date, time).getTime() - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

async function inbox(assignmentId: string): Promise<string[]> {
  const { rows } = await pool.query<{ occurred_at: Date; recipient: string; kind: string }>(
    'SELECT occurred_at, recipient, kind FROM inbox WHERE assignment_id = $1 ORDER BY seq, recipient',
    [assignmentId],
  );
  return rows.map((r) => `${formatShanghai(r.occurred_at)} ${r.recipient} ${r.kind}`);
}

test('a year of quarter ends: on time, late and never reported', async () => {
  const run = uniqueId('year');
  const taskQueue = run;
  const year = Number(shanghaiDate(new Date(await env.currentTimeMs())).slice(0, 4)) + 1;
  const quarterEnds = quarterEndsBetween(`${year}-01-01`, `${year}-12-31`);
  expect(quarterEnds).toEqual([`${year}-03-31`, `${year}-06-30`, `${year}-09-30`, `${year}-12-31`]);

  const units = { onTime: '市质监局', late: '市农委', never: '市商务局' } as const;

  await withWorker(taskQueue, async () => {
    const handles = Object.fromEntries(
      await Promise.all(
        Object.entries(units).map(async ([who, unit]) => [
          who,
          await env.client.workflow.start(assignmentWorkflow, {
            taskQueue,
            workflowId: `${run}:${unit}`,
            args: [{ spec: spec(unit, quarterEnds, run) }],
          }),
        ]),
      ),
    ) as Record<keyof typeof units, Awaited<ReturnType<typeof env.client.workflow.start>>>;

    await handles.onTime.executeUpdate(acknowledgeUpdate, { args: [{ unit: units.onTime }] });
    await handles.late.executeUpdate(acknowledgeUpdate, { args: [{ unit: units.late }] });

    for (const due of quarterEnds) {
      await skipTo(addDays(due, -2), '15:00');
      await handles.onTime.executeUpdate(submitReportUpdate, {
        args: [{ unit: units.onTime, summary: `完成${due}前各项工作`, percentComplete: 25 }],
      });
      await skipTo(addDays(due, 2), '10:00');
      const late = await handles.late.executeUpdate(submitReportUpdate, {
        args: [{ unit: units.late, summary: '补报进展', percentComplete: 20 }],
      });
      expect(late.periods.find((p) => p.due === due)?.report?.late).toBe(true);
    }
    await skipTo(addDays(quarterEnds[3]!, 12), '09:00');

    const never = await handles.never.query(statusQuery);
    expect(never.status).toBe('assigned');
    expect(never.periods.map((p) => [p.due, p.overdue, p.escalations])).toEqual(
      quarterEnds.map((due) => [due, true, ['urge', 'notify-head', 'report-coordinator']]),
    );

    // Closing (办结) by update is covered on the dev server (lifecycle.int.test.ts): the time-skipping server loses
    // an update whose workflow completes in the same task (temporalio/sdk-python#826), so here the runs are ended.
    for (const handle of Object.values(handles)) await handle.terminate('end of the simulated year');
  });

  const at = (date: string, time = '09:00') => `${date} ${time}`;
  const [start] = await inbox(`${run}:${units.onTime}`);
  expect(start).toMatch(/市质监局 assignment$/);

  expect((await inbox(`${run}:${units.onTime}`)).slice(1)).toEqual([
    ...quarterEnds.map((due) => `${at(addDays(due, -5))} 市质监局 reminder`),
  ]);

  expect((await inbox(`${run}:${units.late}`)).slice(1)).toEqual([
    ...quarterEnds.flatMap((due) => [
      `${at(addDays(due, -5))} 市农委 reminder`,
      `${at(due)} 市农委 reminder`,
      `${at(addDays(due, 1))} 市农委 urge`,
    ]),
  ]);

  expect((await inbox(`${run}:${units.never}`)).slice(1)).toEqual([
    ...quarterEnds.flatMap((due) => [
      `${at(addDays(due, -5))} 市商务局 reminder`,
      `${at(due)} 市商务局 reminder`,
      `${at(addDays(due, 1))} 市商务局 urge`,
      `${at(addDays(due, 4))} 市商务局主要负责人 notify-head`,
      `${at(addDays(due, 9))} 市政府督查室 report-coordinator`,
    ]),
  ]);

  const { rows: reports } = await pool.query<{ unit: string; late: boolean; n: string }>(
    `SELECT unit, late, count(*) AS n FROM progress_reports WHERE assignment_id LIKE $1 GROUP BY unit, late ORDER BY unit`,
    [`${run}:%`],
  );
  expect(reports).toEqual(
    [
      { unit: units.late, late: true, n: '4' },
      { unit: units.onTime, late: false, n: '4' },
    ].sort((a, b) => (a.unit < b.unit ? -1 : 1)),
  );
});
