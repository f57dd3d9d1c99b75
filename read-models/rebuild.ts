/**
 * `duban readmodels rebuild`: the read models dropped and built again from offset zero of the events topic.
 *
 * Kafka is asked first, before anything is touched, so a broker that is down changes nothing. Then the rebuild takes
 * the read models' advisory lock exclusively (the live projector waits meanwhile, between two batches), notes where
 * each partition ends, reads the topic up to there with a consumer of its own (a throw-away group, deleted after, so
 * the live group's offsets are not disturbed), folds it in memory with the same fold as the live projector, and
 * swaps the result in with one transaction: the tables emptied and filled. Readers see the old read models until
 * that commit and the new ones after it. The live projector then goes on from its own offsets; whatever the rebuild
 * applied already is a repeat to it.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { unreachable } from '../infra/reachability';
import { Folding, type StreamMessage } from './projection';
import { parseMessage } from './projector';
import { fillStoredNotices, READ_MODEL_LOCK, READ_MODEL_TABLES, writeInbox, writeParked, writeViews } from './tables';

export interface RebuildOptions {
  pool: Pool;
  kafka: Kafka;
  topic: string;
  /** For the message naming Kafka when it does not answer. */
  brokers: string[];
  /** Called as messages are read: how many of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Called when the rebuild waits for the live projector's batch in progress. */
  onWaiting?: () => void;
}

export interface RebuildResult {
  /** Messages read from the topic (repeats included). */
  messages: number;
  /** Events applied. */
  events: number;
  streams: number;
  notices: number;
  /** Messages that did not parse and were skipped. */
  skipped: number;
  /** Messages whose predecessor never came: kept in read_model_parked. */
  parked: number;
  seconds: number;
  /** Of which reading, parsing and folding the topic; the rest is writing the tables. */
  readSeconds: number;
  eventsPerSecond: number;
}

export class RebuildError extends Error {}

export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, kafka, topic, brokers, onProgress } = options;
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw unreachable('Kafka', brokers.join(','), error);
  }
  const lock = await pool.connect();
  let locked = false;
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new RebuildError(
        `Kafka 上没有事件主题 ${topic}：读模型无从重建，原有读模型未改动；请检查 KAFKA_EVENTS_TOPIC 是否与 worker 一致`,
      );
    }
    const { rows } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      READ_MODEL_LOCK,
    ]);
    if (!rows[0]?.ok) {
      options.onWaiting?.();
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [READ_MODEL_LOCK]);
    }
    locked = true;
    const started = performance.now();
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]),
    );
    const trimmed = [...ends].filter(([, { low }]) => low > 0n);
    if (trimmed.length > 0) {
      const where = trimmed.map(([partition, { low }]) => `分区 ${partition} 自偏移 ${low} 起`).join('、');
      throw new RebuildError(
        `事件主题 ${topic} 的开头已被删除（${where}才有消息，更早的已过保留期）：从这里重建会丢掉更早的读模型，` +
          '原有读模型未改动；事件主题须永久保留（worker 启动时设置 retention.ms=-1），缺失的部分只能从事件库重新发布',
      );
    }
    const total = [...ends.values()].reduce((n, { low, high }) => n + Number(high - low), 0);
    const folding = new Folding();
    // The tables are emptied and filled in one transaction, opened now: readers see the old read models until it
    // commits (DELETE, not TRUNCATE, so they are not blocked meanwhile), and the inbox rows — final once read — are
    // written while the topic is still being read, one statement in flight beside the reading and parsing.
    const writer = await pool.connect();
    let open = false;
    let read: Awaited<ReturnType<typeof readTopic>>;
    let readAt: number;
    try {
      await writer.query('BEGIN');
      open = true;
      for (const table of READ_MODEL_TABLES) await writer.query(`DELETE FROM ${table}`);
      let writing: Promise<void> = Promise.resolve();
      read = await readTopic(
        kafka,
        topic,
        ends,
        total,
        async (messages) => {
          if (messages.some((m) => m.notices === undefined)) await fillStoredNotices(pool, messages);
          for (const message of messages) folding.offer(message);
          const delivered = folding.takeDelivered();
          await writing;
          writing = writeInbox(writer, delivered, true);
          writing.catch(() => undefined); // awaited before the next write or at the end
        },
        onProgress,
      );
      await writing;
      readAt = performance.now();
      await writeViews(writer, [...folding.views.values()], true);
      await writeParked(writer, folding.parkedChanges().parked, []);
      await writer.query('COMMIT');
      open = false;
    } finally {
      if (open) await writer.query('ROLLBACK').catch(() => undefined);
      writer.release();
    }
    await admin.deleteGroups([read.groupId]).catch(() => undefined);
    const views = folding.views;
    const seconds = (performance.now() - started) / 1000;
    return {
      messages: read.count,
      events: folding.applied,
      streams: views.size,
      notices: folding.notices,
      skipped: read.skipped,
      parked: folding.held,
      seconds,
      readSeconds: (readAt - started) / 1000,
      eventsPerSecond: seconds > 0 ? folding.applied / seconds : 0,
    };
  } finally {
    if (locked) await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [READ_MODEL_LOCK]).catch(() => undefined);
    lock.release();
    await admin.disconnect();
  }
}

/**
 * Reads every partition of `topic` from its first offset up to `ends` (exclusive) with a throw-away consumer group,
 * handing each batch's parsed messages to `take` in order.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  ends: Map<number, { low: bigint; high: bigint }>,
  total: number,
  take: (messages: StreamMessage[]) => Promise<void> | void,
  onProgress?: (done: number, total: number) => void,
  parse: (value: Buffer | null) => ReturnType<typeof parseMessage> = parseMessage,
): Promise<{ count: number; skipped: number; groupId: string }> {
  const groupId = `${topic}.read-models-rebuild-${randomUUID()}`;
  let count = 0;
  let skipped = 0;
  const pending = new Set([...ends].filter(([, { low, high }]) => high > low).map(([partition]) => partition));
  if (pending.size === 0) return { count, skipped, groupId };
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxBytes: 50 << 20,
    // Large fetches: fewer, bigger batches to parse and write.
    maxBytesPerPartition: 8 << 20,
    // A broker lost half-way fails the rebuild (nothing was written yet) instead of retrying for ever.
    retry: { retries: 3, restartOnFailure: async () => false },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
            const end = ends.get(batch.partition)?.high ?? 0n;
            const messages: StreamMessage[] = [];
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              count++;
              const parsed = parse(message.value);
              if (parsed.ok) messages.push(parsed.message);
              else skipped++;
            }
            try {
              await take(messages);
            } catch (error) {
              reject(error as Error);
              return;
            }
            onProgress?.(count, total);
            const last = batch.messages.at(-1);
            if (last) resolveOffset(last.offset); // the next fetch goes on from here
            if (last && BigInt(last.offset) + 1n >= end) pending.delete(batch.partition);
            if (pending.size === 0) resolve();
            await heartbeat();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { count, skipped, groupId };
}
