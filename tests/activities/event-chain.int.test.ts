/**
 * The hash chain as the recordEvents activity writes it into the real PostgreSQL, and as the outbox relay publishes
 * it to the real Kafka: every appended event is linked to the one before it with its metadata, a retried append
 * writes nothing twice and keeps the chain, an event an older worker stored without a hash is chained before the
 * next, migrate() chains what was stored before the chain existed, and a payload edited by someone with the table
 * owner's rights — past the append-only trigger — is named by the chain at exactly that event.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { createActivities } from '../../activities';
import { eventHash, firstBreak, GENESIS_HASH, type EventMeta } from '../../domain/audit/chain';
import { shanghaiInstant } from '../../domain/calendar';
import { readAssignmentEvents } from '../../infra/kafka';
import { migrate, withTransaction } from '../../infra/postgres';
import type { AssignmentEvent, RecordedEvent } from '../../workflows/assignment/events';
import { connectKafka, connectPostgres, startRelay, uniqueId } from '../support/stack';
import { storedEvents } from '../support/stored-events';

jest.setTimeout(60_000);

const topic = uniqueId('duban.test-chain');
let pool: Pool;
let kafka: Kafka;

beforeAll(async () => {
  pool = await connectPostgres();
  kafka = await connectKafka(topic);
});

afterAll(async () => {
  await pool?.end();
});

function run<A extends unknown[]>(fn: (...args: A) => Promise<void>, ...args: A): Promise<void> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') }).run(fn, ...args);
}

const iso = (date: string, time = '09:00') => shanghaiInstant(date, time).toISOString();
const UNIT = '市农委';

/** A unit's turns and the clock's, each with the metadata the workflow sends: who, why, which run. */
function stream(assignmentId: string): RecordedEvent[] {
  const meta = (actor: EventMeta['actor'], reason?: string): EventMeta => ({
    actor,
    ...(reason && { reason }),
    workflowId: assignmentId,
    runId: '0194a6e0-run-1',
  });
  const events: Array<[AssignmentEvent, EventMeta]> = [
    [
      {
        type: 'TaskAssigned',
        version: 1,
        at: iso('2017-02-20'),
        spec: {
          taskId: 'harbin-2017:二.(三).一是',
          ref: '二.(三).一是',
          title: '强化农产品质量安全监管',
          unit: UNIT,
          coordinator: '市质量强市工作领导小组办公室',
          deadlineText: '',
          due: '2017-12-31',
          reportsDue: ['2017-03-31', '2017-06-30', '2017-09-30', '2017-12-31'],
          policy: {
            reminderDaysBefore: 5,
            noticeTime: '09:00',
            ladder: [{ level: 'urge', afterDays: 1 }],
          },
        },
      },
      meta({ role: 'coordinator', name: '市质量强市工作领导小组办公室' }),
    ],
    [
      { type: 'AssignmentAcknowledged', version: 1, at: iso('2017-02-21'), unit: UNIT, implicit: false },
      meta({ role: 'unit', name: UNIT }),
    ],
    [
      {
        type: 'ReportingPeriodOverdue',
        version: 1,
        at: iso('2017-04-01', '00:00'),
        period: '2017-Q1',
        due: '2017-03-31',
      },
      meta({ role: 'clock', name: '时钟' }),
    ],
    [
      {
        type: 'AssignmentPaused',
        version: 1,
        at: iso('2017-04-02'),
        by: '市质量强市工作领导小组办公室',
        reason: '机构调整',
      },
      meta({ role: 'coordinator', name: '市质量强市工作领导小组办公室' }, '机构调整'),
    ],
  ];
  return events.map(([event, m], i) => ({ assignmentId, seq: i + 1, event, meta: m }));
}

test('each appended event carries its metadata and is chained to the one before it, from the genesis value', async () => {
  const id = uniqueId('chain');
  const { recordEvents } = createActivities({ pool, topic });
  const batch = stream(id);
  await run(recordEvents, batch.slice(0, 1));
  await run(recordEvents, batch.slice(1, 3));
  await run(recordEvents, batch.slice(3));

  const stored = await storedEvents(pool, id);
  expect(stored.map((e) => e.meta)).toEqual(batch.map((r) => r.meta));
  expect(stored[0]!.prevHash).toBe(GENESIS_HASH);
  expect(stored.slice(1).map((e) => e.prevHash)).toEqual(stored.slice(0, -1).map((e) => e.hash));
  expect(firstBreak(stored)).toBeUndefined();
});

test('a retried append writes nothing twice, and the next event chains from the one already stored', async () => {
  const id = uniqueId('chain-retry');
  const { recordEvents } = createActivities({ pool, topic });
  const batch = stream(id);
  await run(recordEvents, batch.slice(0, 2));
  const before = await storedEvents(pool, id);
  // The activity retried after its first attempt committed: the same two events, then the batch after it, which
  // overlaps the stored one (a retry of a later, larger batch).
  await run(recordEvents, batch.slice(0, 2));
  await run(recordEvents, batch.slice(1));

  const after = await storedEvents(pool, id);
  expect(after.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(after.slice(0, 2)).toEqual(before);
  expect(firstBreak(after)).toBeUndefined();
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE assignment_id = $1', [id]);
  expect(rows[0].n).toBe(4);
});

test('two workers appending to one stream in turn each chain from what the other stored', async () => {
  const id = uniqueId('chain-two-workers');
  const first = createActivities({ pool, topic });
  const second = createActivities({ pool, topic });
  const batch = stream(id);
  await run(first.recordEvents, batch.slice(0, 1));
  await run(second.recordEvents, batch.slice(1, 2));
  await run(first.recordEvents, batch.slice(2, 3)); // the last event it stored itself is 1, not 2
  await run(second.recordEvents, batch.slice(3));

  const stored = await storedEvents(pool, id);
  expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(firstBreak(stored)).toBeUndefined();
});

test('a batch is chained from the hash the store holds, not from the one the worker remembers', async () => {
  const id = uniqueId('chain-rewritten');
  const remembering = createActivities({ pool, topic });
  const batch = stream(id);
  await run(remembering.recordEvents, batch.slice(0, 2));
  // Past the append-only trigger (as in the tamper test below), the stream is replaced by another telling of its first
  // two events, stored by another worker: the worker above still remembers the old event 2 and its hash.
  await withTransaction(pool, async (client) => {
    await client.query('ALTER TABLE assignment_events DISABLE TRIGGER assignment_events_append_only');
    await client.query('DELETE FROM outbox WHERE assignment_id = $1', [id]);
    await client.query('DELETE FROM assignment_events WHERE assignment_id = $1', [id]);
    await client.query('ALTER TABLE assignment_events ENABLE TRIGGER assignment_events_append_only');
  });
  const retold = batch.slice(0, 2).map((r) => ({ ...r, event: { ...r.event, at: iso('2017-02-22') } }));
  await run(createActivities({ pool, topic }).recordEvents, retold);

  await run(remembering.recordEvents, batch.slice(2));
  const stored = await storedEvents(pool, id);
  expect(stored.map((e) => e.event.at)).toEqual([
    iso('2017-02-22'),
    iso('2017-02-22'),
    batch[2]!.event.at,
    batch[3]!.event.at,
  ]);
  expect(firstBreak(stored)).toBeUndefined();
});

test('an attempt that meets the same batch being stored by another waits for it, and answers with it', async () => {
  const id = uniqueId('chain-race');
  const batch = stream(id);
  await run(createActivities({ pool, topic }).recordEvents, batch.slice(0, 1));
  const head = (await storedEvents(pool, id))[0]!.hash!;

  // The other attempt: its transaction has appended the batch and not committed yet when this one's append begins.
  const other = await pool.connect();
  try {
    await other.query('BEGIN');
    let prevHash = head;
    for (const recorded of batch.slice(1)) {
      const hash = eventHash(prevHash, recorded);
      await other.query(
        `INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload, meta, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          recorded.seq,
          recorded.event.type,
          recorded.event.version,
          recorded.event.at,
          recorded.event,
          recorded.meta,
          prevHash,
          hash,
        ],
      );
      await other.query('INSERT INTO outbox (assignment_id, seq, topic) VALUES ($1, $2, $3)', [
        id,
        recorded.seq,
        topic,
      ]);
      prevHash = hash;
    }
    const answer = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') }).run(
      createActivities({ pool, topic }).storeEvents,
      batch.slice(1),
    );
    await waitUntilBlockedBy(other);
    await other.query('COMMIT');

    expect(await answer).toEqual(batch.slice(1));
  } finally {
    other.release();
  }
  const stored = await storedEvents(pool, id);
  expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(firstBreak(stored)).toBeUndefined();
  const { rows } = await pool.query('SELECT seq FROM outbox WHERE assignment_id = $1 ORDER BY id', [id]);
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
});

/** Until some session waits for a lock the given connection's transaction holds. */
async function waitUntilBlockedBy(holder: PoolClient): Promise<void> {
  const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  for (let waited = 0; waited < 10_000; waited += 20) {
    const blocked = await pool.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [
      rows[0]!.pid,
    ]);
    if (blocked.rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no session waited for the other attempt within 10 s');
}

test('an event that does not follow the stored stream is refused without retrying, and nothing is stored', async () => {
  const id = uniqueId('chain-gap');
  const { recordEvents } = createActivities({ pool, topic });
  await expect(run(recordEvents, stream(id).slice(2))).rejects.toMatchObject({
    type: 'EVENT_STREAM_GAP',
    nonRetryable: true,
    message: expect.stringContaining(`event ${id}/3 cannot be chained: event 2 of its stream is not stored`),
  });
  expect(await storedEvents(pool, id)).toEqual([]);
});

/** Rows as a worker from before the chain stored them: no metadata, no hash. */
async function storeUnchained(id: string, records: RecordedEvent[]): Promise<void> {
  for (const { seq, event } of records) {
    await pool.query(
      `INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, seq, event.type, event.version, event.at, event],
    );
  }
}

test('events an older worker stored without a hash are chained before the next event is appended', async () => {
  const id = uniqueId('chain-older');
  const batch = stream(id);
  await storeUnchained(id, batch.slice(0, 2));
  await run(createActivities({ pool, topic }).recordEvents, batch.slice(2));

  const stored = await storedEvents(pool, id);
  expect(stored.map((e) => [e.seq, e.meta === null, e.hash !== null])).toEqual([
    [1, true, true],
    [2, true, true],
    [3, false, true],
    [4, false, true],
  ]);
  expect(firstBreak(stored)).toBeUndefined();
});

test('migrate() chains the events stored before the chain, in order, and leaves chained ones as they are', async () => {
  const id = uniqueId('chain-migrate');
  await storeUnchained(id, stream(id));
  expect((await storedEvents(pool, id)).map((e) => e.hash)).toEqual([null, null, null, null]);
  await migrate(pool);
  const chained = await storedEvents(pool, id);
  expect(chained.every((e) => e.hash !== null)).toBe(true);
  expect(firstBreak(chained)).toBeUndefined();
  await migrate(pool);
  expect(await storedEvents(pool, id)).toEqual(chained);
});

test('a payload edited past the append-only trigger is named by the chain at exactly that event', async () => {
  const id = uniqueId('chain-tamper');
  await run(createActivities({ pool, topic }).recordEvents, stream(id));
  expect(firstBreak(await storedEvents(pool, id))).toBeUndefined();

  // What someone with the table owner's rights could do: switch the trigger off, edit one byte, switch it back on.
  // DDL is transactional in PostgreSQL, so no other session ever sees the table without its trigger.
  await withTransaction(pool, async (client) => {
    await client.query('ALTER TABLE assignment_events DISABLE TRIGGER assignment_events_append_only');
    await client.query(
      `UPDATE assignment_events SET payload = jsonb_set(payload, '{reason}', '"机构调正"')
       WHERE assignment_id = $1 AND seq = 4`,
      [id],
    );
    await client.query('ALTER TABLE assignment_events ENABLE TRIGGER assignment_events_append_only');
  });

  const stored = await storedEvents(pool, id);
  expect(stored[3]!.event).toMatchObject({ reason: '机构调正' });
  expect(firstBreak(stored)).toMatchObject({ seq: 4, problem: 'hash' });
  expect(firstBreak(stored)?.message).toMatch(/第 4 条事件的内容与其哈希不符/);
});

test('the Kafka record carries the metadata and the chain link as stored', async () => {
  const id = uniqueId('chain-kafka');
  const batch = stream(id);
  await run(createActivities({ pool, topic }).recordEvents, batch);
  const relay = await startRelay(pool);
  try {
    const stored = await storedEvents(pool, id);
    const records = await readAssignmentEvents(kafka, { topic, assignmentId: id, count: 4 });
    // No notices were recorded with these events, so each record carries none.
    expect(records).toEqual(
      batch.map((recorded, i) => ({ ...recorded, prevHash: stored[i]!.prevHash, hash: stored[i]!.hash, notices: [] })),
    );
    expect(records[3]!.meta).toEqual({
      actor: { role: 'coordinator', name: '市质量强市工作领导小组办公室' },
      reason: '机构调整',
      workflowId: id,
      runId: '0194a6e0-run-1',
    });
  } finally {
    await relay.stop();
  }
});
