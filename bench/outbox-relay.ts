/**
 * The outbox relay against the local stack (`npm run bench:outbox -- [--events N] [--rate R] [--seconds S]`):
 *
 * 1. kafkajs's raw send rate: N records of an event's size, sent to a fresh topic the way the relay sends them
 *    (the same producer, acks from every replica, one request in flight, sends of at most 500 records / 900 KB).
 * 2. The relay's rate: N events stored through the recordEvents activity while no relay runs, then one relay
 *    started, timed until the outbox is empty — every event acknowledged by Kafka and deleted in its claim.
 * 3. Store-to-Kafka lag at a steady load: R events a second for S seconds, stored while a relay runs; a consumer
 *    notes when each arrives, against when its store committed: p50, p99 and the worst.
 *
 * Figures, not assertions: the README quotes what this prints.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { loadConfig } from '../infra/config';
import { createKafka, createProducer, ensureTopics } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import type { RecordedEvent } from '../workflows/assignment/events';
import { OutboxRelay } from '../worker/outbox-relay';

const logger = createLogger('bench', { level: 'warn' });

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} 应为正数`);
  return value;
}

const EVENTS = option('events', 20_000);
const RATE = option('rate', 200);
const SECONDS = option('seconds', 20);
const STREAMS = 200;
const BATCH = option('batch', 500);

/** A progress report as units write them: a few hundred characters of Chinese. */
function event(assignmentId: string, seq: number): RecordedEvent {
  return {
    assignmentId,
    seq,
    event: {
      type: 'ProgressReportSubmitted',
      version: 1,
      at: new Date(Date.UTC(2027, 0, 1, 0, 0, seq)).toISOString(),
      period: '2027-Q1',
      due: '2027-03-31',
      unit: '市市场监督管理局',
      summary: '本季度完成重点产品质量监督抽查1200批次，合格率96.5%，对不合格产品企业依法处置并跟踪整改。'.repeat(4),
      percentComplete: 40,
      late: false,
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function rawSendRate(kafka: ReturnType<typeof createKafka>, topic: string): Promise<number> {
  const producer = createProducer(kafka);
  await producer.connect();
  const value = JSON.stringify(event('bench-raw', 1));
  const perSend = Math.min(500, Math.floor(900_000 / (Buffer.byteLength(value) + 64)));
  const t0 = performance.now();
  for (let sent = 0; sent < EVENTS; sent += perSend) {
    const count = Math.min(perSend, EVENTS - sent);
    const messages = Array.from({ length: count }, (_, i) => {
      const seq = sent + i + 1;
      return {
        key: `bench-raw-${seq % STREAMS}`,
        value,
        headers: { type: 'ProgressReportSubmitted', seq: String(seq) },
      };
    });
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
  }
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  return EVENTS / seconds;
}

async function storeAll(pool: Pool, topic: string, run: string, count: number): Promise<void> {
  const { recordEvents } = createActivities({ pool, topic });
  const perStream = Math.ceil(count / STREAMS);
  for (let seq = 1; seq <= perStream; seq++) {
    const batch = Array.from({ length: STREAMS }, (_, s) => event(`${run}-${s}`, seq)).slice(
      0,
      Math.min(STREAMS, count - (seq - 1) * STREAMS),
    );
    // One stream's event per call, as each assignment's workflow stores its own; ten calls at a time.
    for (let i = 0; i < batch.length; i += 10) {
      await Promise.all(batch.slice(i, i + 10).map((recorded) => recordEvents([recorded])));
    }
  }
}

async function pendingRows(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE set_aside_at IS NULL');
  return rows[0]!.n;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const pool = createPool(config.DATABASE_URL);
  await checkPostgres(pool, config.DATABASE_URL);
  await migrate(pool);
  const kafka = createKafka(config, logger);
  const run = `bench-${Date.now().toString(36)}`;
  const [rawTopic, relayTopic, lagTopic] = ['raw', 'relay', 'lag'].map((t) => `duban.bench-${t}-${run}`);
  await ensureTopics(kafka, [rawTopic!, relayTopic!, lagTopic!]);
  if ((await pendingRows(pool)) > 0) throw new Error('发件箱里还有待发布的事件：请先启动 worker 让它发完，再测');
  console.log(`发件箱发布基准（${EVENTS} 个事件，每个约 ${Buffer.byteLength(JSON.stringify(event('x', 1)))} 字节）`);

  const raw = await rawSendRate(kafka, rawTopic!);
  console.log(`kafkajs 直接发送：${raw.toFixed(0)} 条/秒`);

  await storeAll(pool, relayTopic!, `${run}-relay`, EVENTS);
  const producer = createProducer(kafka);
  await producer.connect();
  const relay = new OutboxRelay({ pool, kafka, producer, databaseUrl: config.DATABASE_URL, logger, batchSize: BATCH });
  const t0 = performance.now();
  await relay.drain();
  const relayRate = EVENTS / ((performance.now() - t0) / 1000);
  console.log(`发件箱发布进程：${relayRate.toFixed(0)} 条/秒（为直接发送的 ${((relayRate / raw) * 100).toFixed(0)}%）`);

  // Steady load: the relay runs as in the worker, woken by each store's NOTIFY.
  await relay.start();
  const stored = new Map<string, number>();
  const arrived = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `${run}-lag` });
  await consumer.connect();
  await consumer.subscribe({ topic: lagTopic!, fromBeginning: true });
  const total = RATE * SECONDS;
  const allArrived = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const { assignmentId, seq } = JSON.parse(message.value!.toString()) as RecordedEvent;
        arrived.set(`${assignmentId}/${seq}`, performance.now());
        if (arrived.size >= total) resolve();
      },
    });
  });
  await new Promise((r) => setTimeout(r, 3_000)); // the consumer group settles before the clock starts
  const { recordEvents } = createActivities({ pool, topic: lagTopic! });
  const started = performance.now();
  const storing: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const recorded = event(`${run}-lag-${i % STREAMS}`, Math.floor(i / STREAMS) + 1);
    storing.push(
      recordEvents([recorded]).then(() => {
        stored.set(`${recorded.assignmentId}/${recorded.seq}`, performance.now());
      }),
    );
  }
  await Promise.all(storing);
  await allArrived;
  const lags = [...stored].map(([key, at]) => arrived.get(key)! - at);
  lags.sort((a, b) => a - b);
  console.log(
    `稳定负载 ${RATE} 条/秒、${SECONDS} 秒：存储到 Kafka 的延迟 p50 ${percentile(lags, 50).toFixed(0)} ms，` +
      `p99 ${percentile(lags, 99).toFixed(0)} ms，最长 ${lags.at(-1)!.toFixed(0)} ms`,
  );

  await consumer.disconnect();
  await relay.stop();
  await producer.disconnect();
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE assignment_id LIKE $1',
    [`${run}%`],
  );
  if (rows[0]!.n > 0) console.log(`注意：发布进程停止后仍有 ${rows[0]!.n} 条留在发件箱（下一个发布进程会再发一次）`);
  await pool.end();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
