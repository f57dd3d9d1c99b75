/**
 * The outbox relay, the one publisher, against the real PostgreSQL and Kafka: two relays never send a row twice and
 * keep every stream in order, each row goes to the topic it names, and a record Kafka refuses for good is set aside
 * — said as an error — while the relay goes on with the other streams.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { PassThrough } from 'node:stream';
import { createActivities } from '../../activities';
import { main } from '../../cli/main';
import { createKafka, createProducer } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import type { RecordedEvent } from '../../workflows/assignment/events';
import { OutboxRelay } from '../../worker/outbox-relay';
import { config, connectKafka, connectPostgres, ROOT, startRelay, uniqueId } from '../support/stack';

jest.setTimeout(120_000);

let pool: Pool;
let kafka: Kafka;

beforeAll(async () => {
  pool = await connectPostgres();
  kafka = await connectKafka();
});

afterAll(async () => {
  await pool?.end();
});

function record(topic: string, batch: RecordedEvent[]): Promise<void> {
  const { recordEvents } = createActivities({ pool, topic });
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') }).run(recordEvents, batch);
}

/** A stream of `count` events: the assignment, then reminders (any small event will do). */
function stream(assignmentId: string, count: number, summaryBytes = 10): RecordedEvent[] {
  const at = (i: number) => new Date(Date.UTC(2027, 0, 1, 0, i)).toISOString();
  return Array.from({ length: count }, (_, i) => ({
    assignmentId,
    seq: i + 1,
    event: {
      type: 'ProgressReportSubmitted',
      version: 1,
      at: at(i),
      period: '2027-Q1',
      due: '2027-03-31',
      unit: '市质监局',
      summary: '报'.repeat(Math.ceil(summaryBytes / 3)),
      percentComplete: 10,
      late: false,
    },
  }));
}

/** Every record on the topic, as a fresh consumer group sees it, until `count` have arrived. */
async function readTopic(topic: string, count: number): Promise<RecordedEvent[]> {
  const consumer = kafka.consumer({ groupId: uniqueId('relay-test') });
  const received: RecordedEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${received.length} of ${count} records arrived`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push(JSON.parse(message.value!.toString()) as RecordedEvent);
          if (received.length >= count) {
            clearTimeout(timer);
            setTimeout(resolve, 1_000); // a little longer, so that a repeat would show
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

function byStream(records: RecordedEvent[]): Map<string, number[]> {
  const streams = new Map<string, number[]>();
  for (const r of records) streams.set(r.assignmentId, [...(streams.get(r.assignmentId) ?? []), r.seq]);
  return streams;
}

test('two relays draining the same outbox send every event once, each stream in order', async () => {
  const topic = uniqueId('duban.relay-test');
  await connectKafka(topic);
  const ids = Array.from({ length: 40 }, (_, i) => uniqueId(`stream${i}`));
  // Interleaved, as concurrent assignments store them: one event of each stream, then the next of each, …
  for (let seq = 1; seq <= 10; seq++) {
    await Promise.all(ids.map((id) => record(topic, stream(id, seq).slice(seq - 1))));
  }

  const [a, b] = [await startRelay(pool, { batchSize: 37 }), await startRelay(pool, { batchSize: 23 })];
  try {
    await Promise.all([a.relay.drain(), b.relay.drain()]);
    const received = await readTopic(topic, 400);
    expect(received).toHaveLength(400);
    const streams = byStream(received);
    expect([...streams.keys()].sort()).toEqual([...ids].sort());
    for (const seqs of streams.values()) expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('each row goes to the topic it names', async () => {
  const [first, second] = [uniqueId('duban.relay-a'), uniqueId('duban.relay-b')];
  const [x, y] = [uniqueId('x'), uniqueId('y')];
  await Promise.all([connectKafka(first), connectKafka(second)]);
  await record(first, stream(x, 2));
  await record(second, stream(y, 3));
  const relay = await startRelay(pool);
  try {
    expect(byStream(await readTopic(first, 2))).toEqual(new Map([[x, [1, 2]]]));
    expect(byStream(await readTopic(second, 3))).toEqual(new Map([[y, [1, 2, 3]]]));
  } finally {
    await relay.stop();
  }
});

test('a record Kafka refuses is set aside and said, its stream waits behind it, and the others go on', async () => {
  const topic = uniqueId('duban.relay-poison');
  await connectKafka(topic);
  const [poisoned, healthy] = [uniqueId('poisoned'), uniqueId('healthy')];
  // The second event is over the broker's 1 MB limit; the relay's own check is turned off, so Kafka itself refuses.
  const big = stream(poisoned, 3, 1_100_000)[1]!;
  await record(topic, [stream(poisoned, 3)[0]!, big, stream(poisoned, 3)[2]!]);
  await record(topic, stream(healthy, 2));

  const lines = new PassThrough();
  let logged = '';
  lines.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const relay = await startRelay(pool, {
    maxRecordBytes: 5_000_000,
    logger: createLogger('test', { level: 'warn', destination: lines }),
  });
  try {
    const received = byStream(await readTopic(topic, 3));
    expect(received).toEqual(
      new Map([
        [poisoned, [1]],
        [healthy, [1, 2]],
      ]),
    );
    const { rows } = await pool.query(
      `SELECT seq, set_aside_at IS NOT NULL AS set_aside, last_error FROM outbox
       WHERE assignment_id = $1 ORDER BY seq`,
      [poisoned],
    );
    expect(rows).toEqual([
      { seq: 2, set_aside: true, last_error: expect.stringContaining('Kafka 拒收') },
      { seq: 3, set_aside: false, last_error: null },
    ]);
    expect(logged).toMatch(new RegExp(`ERROR \\[outbox\\] 事件 ${poisoned}/2 无法发布，已搁置`));
  } finally {
    await relay.stop();
    await pool.query('DELETE FROM outbox WHERE assignment_id = $1', [poisoned]);
  }
});

test('a record over the configured limit is set aside before it is sent', async () => {
  const topic = uniqueId('duban.relay-limit');
  await connectKafka(topic);
  const id = uniqueId('oversized');
  await record(topic, stream(id, 1, 3_000));
  const relay = await startRelay(pool, { maxRecordBytes: 2_000, logger: createLogger('test', { level: 'error' }) });
  try {
    await relay.relay.drain();
    const { rows } = await pool.query('SELECT last_error FROM outbox WHERE assignment_id = $1', [id]);
    expect(rows).toEqual([{ last_error: expect.stringMatching(/超过 Kafka 单条记录上限 2000 字节/) }]);
  } finally {
    await relay.stop();
    await pool.query('DELETE FROM outbox WHERE assignment_id = $1', [id]);
  }
});

test('while Kafka does not answer the rows stay in the outbox, and go out when it does', async () => {
  const topic = uniqueId('duban.relay-down');
  await connectKafka(topic);
  const id = uniqueId('waiting');
  await record(topic, stream(id, 2));

  const deadKafka = createKafka({ ...config, KAFKA_BROKERS: ['127.0.0.1:1'] });
  const stranded = new OutboxRelay({
    pool,
    kafka: deadKafka,
    producer: createProducer(deadKafka),
    databaseUrl: config.DATABASE_URL,
    logger: createLogger('test', { level: 'error' }),
  });
  await expect(stranded.drain()).rejects.toThrow(/ECONNREFUSED|Connection error/);
  const pending = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE assignment_id = $1', [id]);
  expect(pending.rows[0].n).toBe(2);

  const relay = await startRelay(pool);
  try {
    expect(byStream(await readTopic(topic, 2))).toEqual(new Map([[id, [1, 2]]]));
  } finally {
    await relay.stop();
  }
});

test('an operator sees what was set aside, puts it back once the cause is dealt with, and it goes out', async () => {
  const topic = uniqueId('duban.relay-retry');
  await connectKafka(topic);
  const id = uniqueId('retried');
  await record(topic, stream(id, 2, 3_000));
  const strict = await startRelay(pool, { maxRecordBytes: 2_000, logger: createLogger('test', { level: 'error' }) });
  await strict.relay.drain();
  await strict.stop();

  const status = await duban('outbox', 'status');
  expect(status.code).toBe(1);
  expect(status.stdout).toMatch(
    new RegExp(
      `^  ${id}/1 → ${topic}，\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 搁置，已试 1 次：记录 \\d+ 字节，超过 Kafka 单条记录上限 2000 字节$`,
      'm',
    ),
  );
  expect(status.stdout).not.toContain(`${id}/2`); // waiting behind it, not set aside

  expect(await duban('outbox', 'retry', '--stream', id)).toMatchObject({
    code: 0,
    stdout: '已放回 1 条被搁置的事件，等待重新发布\n',
  });
  const relay = await startRelay(pool); // the broker's limit, not the strict one
  try {
    expect(byStream(await readTopic(topic, 2))).toEqual(new Map([[id, [1, 2]]]));
  } finally {
    await relay.stop();
  }
});

async function duban(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s.toString()), stderr: (s) => (stderr += s), cwd: ROOT });
  return { code, stdout, stderr };
}
