/**
 * The activities against the real PostgreSQL, and the outbox relay that publishes what they store to the real Kafka
 * broker: what is recorded is in the event store and the outbox at once (the read models follow from Kafka), a
 * retried call changes nothing, what PostgreSQL can never store fails at once, and the relay's records a consumer
 * reads back in order.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { CLOCK } from '../../domain/audit/meta';
import { shanghaiInstant } from '../../domain/calendar';
import { readAssignmentEvents } from '../../infra/kafka';
import type { AssignmentEvent, RecordedEvent } from '../../workflows/assignment/events';
import { normalizeSpec } from '../../workflows/assignment/decider';
import { noticesFor } from '../../workflows/assignment/notices';
import { openingOf } from '../../workflows/assignment/opening';
import { DEFAULT_POLICY } from '../../workflows/assignment/policy';
import { at, spec as specV2 } from '../workflows/decider-v2-fixtures';
import { connectKafka, connectPostgres, readModelsOf, startReadModels, startRelay, uniqueId } from '../support/stack';
import { storedEvents } from '../support/stored-events';

jest.setTimeout(60_000);

const topic = uniqueId('duban.test-events');
let pool: Pool;
let kafka: Kafka;

beforeAll(async () => {
  pool = await connectPostgres();
  kafka = await connectKafka(topic);
});

afterAll(async () => {
  await pool?.end();
});

/** Activities run in Temporal's activity context (for their logger), with the real dependencies. */
function run<A extends unknown[]>(fn: (...args: A) => Promise<void>, ...args: A): Promise<void> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') }).run(fn, ...args);
}

const iso = (date: string, time = '09:00') => shanghaiInstant(date, time).toISOString();

function lifecycle(assignmentId: string): RecordedEvent[] {
  const events: AssignmentEvent[] = [
    {
      type: 'TaskAssigned',
      version: 1,
      at: iso('2017-02-20'),
      spec: {
        taskId: 'harbin-2017:二.(三).一是',
        ref: '二.(三).一是',
        title: '强化农产品质量安全监管',
        unit: '市农委',
        coordinator: '市质量强市工作领导小组办公室',
        deadlineText: '',
        due: '2017-12-31',
        reportsDue: ['2017-03-31', '2017-06-30', '2017-09-30', '2017-12-31'],
        policy: DEFAULT_POLICY,
      },
    },
    { type: 'AssignmentAcknowledged', version: 1, at: iso('2017-02-21'), unit: '市农委', implicit: false },
    {
      type: 'ReportingPeriodOverdue',
      version: 1,
      at: iso('2017-04-01', '00:00'),
      period: '2017-Q1',
      due: '2017-03-31',
    },
    {
      type: 'ProgressReportSubmitted',
      version: 1,
      at: iso('2017-04-02'),
      period: '2017-Q1',
      due: '2017-03-31',
      unit: '市农委',
      summary: '农产品抽检合格率达到96%',
      percentComplete: 30,
      late: true,
    },
  ];
  return events.map((event, i) => ({ assignmentId, seq: i + 1, event }));
}

/** What a new consumer of the topic receives for the assignment, repeats included. */
function readBack(assignmentId: string, count: number): Promise<RecordedEvent[]> {
  return readAssignmentEvents(kafka, { topic, assignmentId, count, settleMs: 1_000 });
}

async function outboxRows(assignmentId: string): Promise<Array<{ seq: number; topic: string }>> {
  const { rows } = await pool.query('SELECT seq, topic FROM outbox WHERE assignment_id = $1 ORDER BY id', [
    assignmentId,
  ]);
  return rows;
}

test('one transaction stores the events and their outbox rows, and publishes nothing; the read models follow', async () => {
  const id = uniqueId('assignment');
  const { recordEvents } = createActivities({ pool, topic });
  const batch = lifecycle(id);
  await run(recordEvents, batch.slice(0, 2));
  await run(recordEvents, batch.slice(2));

  const stored = await pool.query(
    'SELECT seq, type, published_at FROM assignment_events WHERE assignment_id = $1 ORDER BY seq',
    [id],
  );
  expect(stored.rows.map((r) => [r.seq, r.type, r.published_at])).toEqual([
    [1, 'TaskAssigned', null],
    [2, 'AssignmentAcknowledged', null],
    [3, 'ReportingPeriodOverdue', null],
    [4, 'ProgressReportSubmitted', null],
  ]);
  expect(await outboxRows(id)).toEqual([1, 2, 3, 4].map((seq) => ({ seq, topic })));
  const assignmentRow = () =>
    pool.query('SELECT unit, status, overdue_periods, last_seq FROM assignments WHERE assignment_id = $1', [id]);
  expect((await assignmentRow()).rows).toEqual([]);

  const readModels = await startReadModels(pool, topic);
  try {
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  expect((await assignmentRow()).rows).toEqual([
    { unit: '市农委', status: 'acknowledged', overdue_periods: [], last_seq: 4 },
  ]);
  const reports = await pool.query(
    'SELECT period, late, percent_complete FROM progress_reports WHERE assignment_id = $1',
    [id],
  );
  expect(reports.rows).toEqual([{ period: '2017-Q1', late: true, percent_complete: '30.00' }]);
});

test('a retried call stores and enqueues nothing twice', async () => {
  const id = uniqueId('assignment');
  const { recordEvents } = createActivities({ pool, topic });
  const batch = lifecycle(id).slice(0, 2);
  await run(recordEvents, batch);
  await run(recordEvents, batch);

  const { rows } = await pool.query('SELECT count(*)::int AS n FROM assignment_events WHERE assignment_id = $1', [id]);
  expect(rows[0].n).toBe(2);
  expect(await outboxRows(id)).toHaveLength(2);
});

test('the relay publishes stored events to their topic in order, once, and empties the outbox', async () => {
  const id = uniqueId('assignment');
  await run(createActivities({ pool, topic }).recordEvents, lifecycle(id));
  const relay = await startRelay(pool);
  try {
    // Each record as stored: the event, its link of the stream's hash chain, and the notices that went out with it
    // (none were recorded with these).
    const chain = await storedEvents(pool, id);
    expect(await readBack(id, 4)).toEqual(
      lifecycle(id).map((recorded, i) => ({
        ...recorded,
        prevHash: chain[i]!.prevHash,
        hash: chain[i]!.hash,
        notices: [],
      })),
    );
  } finally {
    await relay.stop();
  }
  expect(await outboxRows(id)).toEqual([]);
  const { rows } = await pool.query(
    'SELECT count(*)::int AS n FROM assignment_events WHERE assignment_id = $1 AND published_at IS NOT NULL',
    [id],
  );
  expect(rows[0].n).toBe(4);
});

test('a running relay is woken by the store itself, not by its polling', async () => {
  // Polling once an hour: only the NOTIFY of the storing transaction can bring the event out in this test's time.
  const relay = await startRelay(pool, { pollIntervalMs: 3_600_000 });
  try {
    await relay.relay.drain();
    const id = uniqueId('assignment');
    await run(createActivities({ pool, topic }).recordEvents, lifecycle(id).slice(0, 1));
    expect((await readAssignmentEvents(kafka, { topic, assignmentId: id, count: 1, timeoutMs: 10_000 })).length).toBe(
      1,
    );
  } finally {
    await relay.stop();
  }
});

test('what PostgreSQL can never store fails at once, without retrying, and stores nothing', async () => {
  const id = uniqueId('assignment');
  const [assigned, acknowledged] = lifecycle(id);
  const poisoned: RecordedEvent = {
    ...acknowledged!,
    event: { type: 'AssignmentAcknowledged', version: 1, at: iso('2017-02-21'), unit: '市农\u0000委', implicit: false },
  };
  const { recordEvents } = createActivities({ pool, topic });
  await expect(run(recordEvents, [assigned!, poisoned])).rejects.toMatchObject({
    type: 'STORAGE_REFUSED',
    nonRetryable: true,
  });
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM assignment_events WHERE assignment_id = $1', [id]);
  expect(rows[0].n).toBe(0);
  expect(await outboxRows(id)).toEqual([]);
});

test('a different event under a stored (assignment, seq) fails without retrying: the stream must not fork', async () => {
  const id = uniqueId('assignment');
  const { recordEvents } = createActivities({ pool, topic });
  const [assigned, acknowledged] = lifecycle(id);
  await run(recordEvents, [assigned!, acknowledged!]);
  const forked: RecordedEvent = { ...acknowledged!, event: { ...acknowledged!.event, at: iso('2017-02-22') } };
  await expect(run(recordEvents, [forked])).rejects.toMatchObject({
    type: 'EVENT_STREAM_CONFLICT',
    nonRetryable: true,
  });
});

test("a workflow task run again after its completion was lost keeps the first attempt's event and answers with it", async () => {
  const id = uniqueId('assignment');
  const { storeEvents } = createActivities({ pool, topic });
  const meta = (runId: string) => ({ actor: CLOCK, workflowId: id, runId });
  const [assigned, acknowledged] = lifecycle(id).map((r) => ({ ...r, meta: meta('run-1') }));
  const env = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  await env().run(storeEvents, [assigned!]);
  // The same run decides the same TaskAssigned again, at its retried task's later time, and goes on to the next one.
  const retold: RecordedEvent = { ...assigned!, event: { ...assigned!.event, at: iso('2017-02-20', '09:07') } };
  const answer = (await env().run(storeEvents, [retold, acknowledged!])) as RecordedEvent[];
  expect(answer.map((r) => [r.seq, r.event.at])).toEqual([
    [1, iso('2017-02-20')],
    [2, iso('2017-02-21')],
  ]);
  const stored = await storedEvents(pool, id);
  expect(stored.map((r) => [r.seq, r.event.type, r.event.at])).toEqual([
    [1, 'TaskAssigned', iso('2017-02-20')],
    [2, 'AssignmentAcknowledged', iso('2017-02-21')],
  ]);
  // Another run telling event 1 differently is a fork, as before.
  const otherRun: RecordedEvent = { ...retold, meta: meta('run-2') };
  await expect(env().run(storeEvents, [otherRun])).rejects.toMatchObject({
    type: 'EVENT_STREAM_CONFLICT',
    nonRetryable: true,
  });
});

test("an assignment telling its own 交办 after its launch stored one goes on from the launch's", async () => {
  const id = uniqueId('assignment');
  const { storeEvents } = createActivities({ pool, topic });
  const env = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  const cycleRun = { workflowId: 'duban-cycle:test', runId: 'cycle-run-1' };
  const launched = openingOf(id, specV2, at('2017-01-03', '09:00'), cycleRun)!;
  expect(launched.recorded.meta).toEqual({ actor: { role: 'coordinator', name: specV2.coordinator }, ...cycleRun });
  await env().run(storeEvents, [launched.recorded], launched.notices);
  // A workflow started before its launch stored 交办s decides its own, a little later, in its own run.
  const own = openingOf(id, specV2, at('2017-01-03', '09:01'), { workflowId: id, runId: 'assignment-run-1' })!;
  const answer = (await env().run(storeEvents, [own.recorded], own.notices)) as RecordedEvent[];
  expect(answer).toEqual([launched.recorded]);
  expect((await storedEvents(pool, id)).map((r) => [r.seq, r.event.at, r.meta?.workflowId])).toEqual([
    [1, iso('2017-01-03', '09:00'), cycleRun.workflowId],
  ]);
  // Another spec under the same id is no telling of the same 交办: a fork, refused as before.
  const other = openingOf(id, { ...specV2, title: '另一项任务' }, at('2017-01-03', '09:02'), {
    workflowId: id,
    runId: 'assignment-run-2',
  })!;
  await expect(env().run(storeEvents, [other.recorded], other.notices)).rejects.toMatchObject({
    type: 'EVENT_STREAM_CONFLICT',
    nonRetryable: true,
  });
});

test('the event store refuses to change or delete an event', async () => {
  const id = uniqueId('assignment');
  await run(createActivities({ pool, topic }).recordEvents, lifecycle(id).slice(0, 1));
  await expect(
    pool.query(`UPDATE assignment_events SET payload = '{}' WHERE assignment_id = $1`, [id]),
  ).rejects.toThrow(`assignment_events is append-only: event ${id}/1 cannot be changed`);
  await expect(pool.query('DELETE FROM assignment_events WHERE assignment_id = $1', [id])).rejects.toThrow(
    'cannot be deleted',
  );
});

test('notices are recorded once, however often delivery is retried, and land once in each recipient inbox', async () => {
  const id = uniqueId('assignment');
  const [assigned] = lifecycle(id);
  if (assigned?.event.type !== 'TaskAssigned') throw new Error('fixture starts with TaskAssigned');
  const notices = noticesFor(assigned, normalizeSpec(assigned.event.spec));
  const { recordEvents, deliverNotices } = createActivities({ pool, topic });
  await run(recordEvents, [assigned]);
  await run(deliverNotices, notices);
  await run(deliverNotices, notices);
  const { rows: recorded } = await pool.query('SELECT recipient, kind FROM notices WHERE assignment_id = $1', [id]);
  expect(recorded).toEqual([{ recipient: '市农委', kind: 'assignment' }]);

  const readModels = await startReadModels(pool, topic);
  try {
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  const { rows } = await pool.query(
    'SELECT recipient, kind, subject, occurred_at FROM inbox WHERE assignment_id = $1',
    [id],
  );
  expect(rows).toEqual([
    {
      recipient: '市农委',
      kind: 'assignment',
      subject: '【交办】「二.(三).一是 强化农产品质量安全监管」',
      occurred_at: new Date(iso('2017-02-20')),
    },
  ]);
});
