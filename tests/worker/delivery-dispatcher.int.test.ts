/**
 * The delivery dispatcher (worker/delivery-dispatcher.ts) against a real PostgreSQL, in a schema of its own: a worker
 * that stops while a backlog is queued stops after the batch in hand, and leaves the rest queued for the next one.
 */
import type { Pool } from 'pg';
import { deliveryDispatcher } from '../../worker/dependencies';
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

const queued = async (pool: Pool) =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_queue')).rows[0]!.n;

test('a dispatcher stopped with a backlog queued stops after the batch in hand and leaves the rest queued', async () => {
  const { pool, databaseUrl } = scratch;
  await queueNotices(pool, 5_000);
  const dispatcher = deliveryDispatcher(pool, { ...config, DATABASE_URL: databaseUrl }, testLogger, {
    client: temporal.client,
    taskQueue: uniqueId('dispatch'),
  });
  await dispatcher.start();
  await dispatcher.stop();
  const left = await queued(pool);
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThan(5_000);

  // The next one takes on the rest: the unit has no channel, so each notice leaves the queue undelivered.
  expect(await dispatcher.drain()).toBe(left);
  expect(await queued(pool)).toBe(0);
});
