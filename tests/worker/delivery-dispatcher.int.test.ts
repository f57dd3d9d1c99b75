/**
 * The delivery queue against a real PostgreSQL, in a schema of its own: what the store queues (a worker's notices, not
 * a simulation's, nor a benchmark's or a recording's), and a dispatcher that stops while a backlog is queued, which
 * stops after the batch in hand and leaves the rest queued for the next one.
 */
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { deliveryDispatcher, openDependencies } from '../../worker/dependencies';
import { decide, initialState, normalizeSpec } from '../../workflows/assignment/decider';
import { noticesFor } from '../../workflows/assignment/notices';
import { DEFAULT_CONVERSATION } from '../../workflows/assignment/policy';
import { spec } from '../workflows/decider-v2-fixtures';
import { config, connectTemporal, scratchSchema, testLogger, uniqueId } from '../support/stack';

jest.setTimeout(60_000);

let scratch: Awaited<ReturnType<typeof scratchSchema>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;

beforeAll(async () => {
  scratch = await scratchSchema();
  temporal = await connectTemporal();
});

afterAll(async () => {
  await temporal?.connection.close();
  await scratch?.drop();
});

/** `count` notices to a unit the directory does not know, each queued for delivery. */
async function queueNotices(pool: Pool, count: number): Promise<void> {
  const stream = uniqueId('backlog');
  await pool.query(
    `INSERT INTO notices (key, recipient, assignment_id, seq, occurred_at, kind, subject, body)
     SELECT $1 || ':' || i, '市未登记局', $1, i, now(), 'reminder', '【提醒】第' || i || '条', '' FROM generate_series(1, $2) i`,
    [stream, count],
  );
  await pool.query(`INSERT INTO delivery_queue (notice_key) SELECT key FROM notices WHERE assignment_id = $1`, [
    stream,
  ]);
}

/** An assignment's notices recorded, and how many of them are queued for delivery. */
const noticesOf = async (pool: Pool, id: string) =>
  (
    await pool.query<{ notices: number; queued: number }>(
      `SELECT count(*)::int AS notices, count(q.notice_key)::int AS queued
         FROM notices n LEFT JOIN delivery_queue q ON q.notice_key = n.key WHERE n.assignment_id = $1`,
      [id],
    )
  ).rows[0]!;

const queued = async (pool: Pool) =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_queue')).rows[0]!.n;

test("a worker's store queues the notices it records for delivery; a simulation's records them and queues none", async () => {
  const { pool } = scratch;
  const assign = async (queueDeliveries: boolean) => {
    const id = uniqueId(queueDeliveries ? 'worker' : 'simulation');
    const assigned = { ...spec, ...DEFAULT_CONVERSATION, targets: [], taskId: id };
    const [event] = decide(
      { type: 'AssignTask', now: new Date('2017-01-03T09:00:00+08:00'), spec: assigned },
      initialState,
    );
    const recorded = { assignmentId: id, seq: 1, event: event! };
    const activities = createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC, queueDeliveries });
    await activities.storeEvents([recorded], noticesFor(recorded, normalizeSpec(assigned)));
    return noticesOf(pool, id);
  };
  const worker = await assign(true);
  const simulation = await assign(false);
  expect(worker.notices).toBeGreaterThan(0);
  expect(worker).toEqual({ notices: worker.notices, queued: worker.notices });
  expect(simulation).toEqual({ notices: worker.notices, queued: 0 });
});

test("a benchmark's or a recording's dependencies deliver nothing: no dispatcher, and their store queues nothing", async () => {
  const own = { ...config, DATABASE_URL: scratch.databaseUrl, KAFKA_EVENTS_TOPIC: uniqueId('no-delivery') };
  const target = { client: temporal.client, taskQueue: uniqueId('no-delivery') };
  const deps = await openDependencies(own, testLogger, target, { deliver: false });
  try {
    expect(deps.dispatcher).toBeUndefined();
    const id = uniqueId('bench');
    const assigned = { ...spec, ...DEFAULT_CONVERSATION, targets: [], taskId: id };
    const [event] = decide(
      { type: 'AssignTask', now: new Date('2017-01-03T09:00:00+08:00'), spec: assigned },
      initialState,
    );
    const recorded = { assignmentId: id, seq: 1, event: event! };
    const notices = noticesFor(recorded, normalizeSpec(assigned));
    expect(notices.length).toBeGreaterThan(0);
    await deps.activities.storeEvents([recorded], notices);
    expect(await noticesOf(scratch.pool, id)).toEqual({ notices: notices.length, queued: 0 });
  } finally {
    await deps.close();
  }
});

test('a dispatcher stopped while it starts closes its listening connection and dispatches nothing', async () => {
  const { pool, databaseUrl } = scratch;
  const application = uniqueId('dispatch-stop');
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', application);
  await queueNotices(pool, 10);
  const before = await queued(pool);
  const dispatcher = deliveryDispatcher(pool, { ...config, DATABASE_URL: url.toString() }, testLogger, {
    client: temporal.client,
    taskQueue: uniqueId('dispatch'),
  });
  const starting = dispatcher.start();
  await dispatcher.stop();
  await starting;
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
    [application],
  );
  expect(rows[0]!.n).toBe(0);
  expect(await queued(pool)).toBe(before);
  await dispatcher.drain();
});

test('a dispatcher stopped with a backlog queued stops after the batch in hand and leaves the rest queued', async () => {
  const { pool, databaseUrl } = scratch;
  await queueNotices(pool, 5_000);
  const backlog = await queued(pool);
  const dispatcher = deliveryDispatcher(pool, { ...config, DATABASE_URL: databaseUrl }, testLogger, {
    client: temporal.client,
    taskQueue: uniqueId('dispatch'),
  });
  await dispatcher.start();
  await dispatcher.stop();
  const left = await queued(pool);
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThan(backlog);

  // The next one takes on the rest: the unit has no channel, so each notice leaves the queue undelivered.
  expect(await dispatcher.drain()).toBe(left);
  expect(await queued(pool)).toBe(0);
});
