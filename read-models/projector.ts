/**
 * The live projector: a Kafka consumer group on the events topic that builds the read models. Each batch of a
 * partition is applied in one PostgreSQL transaction together with the positions it advances (read-models/tables.ts),
 * and only then are the offsets committed. A message at or below its stream's position is a repeat (the relay
 * delivers at least once; a restart re-reads from the last committed offset) and changes nothing; one whose
 * predecessor has not been applied is held in `read_model_parked` until it is. So every (stream, seq) is applied once
 * and in order, whatever Kafka delivers twice or out of turn.
 *
 * Several workers may each run one: the group gives each its partitions, and a stream (the record key) lives in one
 * partition. While `duban readmodels rebuild` runs, the projector waits (the advisory lock of READ_MODEL_LOCK) and
 * carries on after it from its committed offsets; what the rebuild already applied is skipped as a repeat.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '../infra/config';
import type { Logger } from '../infra/logger';
import { withTransaction } from '../infra/postgres';
import { Folding, streamMessageSchema, type StreamMessage } from './projection';
import {
  fillStoredNotices,
  loadParked,
  loadViews,
  READ_MODEL_LOCK,
  writeInbox,
  writeParked,
  writeViews,
} from './tables';

/** The consumer group of a deployment's projectors: one per events topic, as one topic feeds one database. */
export function readModelGroup(config: Pick<Config, 'KAFKA_EVENTS_TOPIC'>): string {
  return `${config.KAFKA_EVENTS_TOPIC}.read-models`;
}

export interface ProjectorOptions {
  kafka: Kafka;
  pool: Pool;
  topic: string;
  groupId: string;
  logger: Logger;
}

const LOCK_RETRY_MS = 250;

/** The first wait before joining again after a crash kafkajs gives up on; each failed join doubles it, up to the last. */
const REJOIN_FIRST_MS = 1_000;
const REJOIN_LAST_MS = 30_000;

export class ReadModelProjector {
  private consumer?: Consumer;
  private running = false;
  private rejoinTimer?: NodeJS.Timeout;
  private rejoining?: Promise<void>;
  private readonly log: Logger;

  constructor(private readonly options: ProjectorOptions) {
    this.log = options.logger.child({ name: 'read-models' });
  }

  /** Joins the group and starts applying; resolves once the consumer runs. */
  async start(): Promise<void> {
    this.running = true;
    try {
      await this.join();
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  /** Leaves the group after the batch in progress; its transaction has committed or rolled back. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.rejoinTimer);
    await this.rejoining; // a join under way ends first, and its consumer is the one left below
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  /** A new member of the group, the projector's consumer from now on; one that fails to join is disconnected. */
  private async join(): Promise<void> {
    const { kafka, topic, groupId } = this.options;
    const consumer = kafka.consumer({
      groupId,
      // A member that went away without leaving (a killed process) is given up after 10 s, not the default 30.
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 1_000,
      // A fetch returns once it has 32 KB (a dozen events) or has waited 200 ms: during a burst each batch, and its
      // transaction of seven statements, applies many events, not one; a lone event is applied within 200 ms, and
      // stopping (which waits for the fetch) is quick.
      minBytes: 32 * 1024,
      maxWaitTimeInMs: 200,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && this.consumer === consumer) this.rejoinAfter(payload.error, 1);
    });
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.applyBatch(payload) });
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect();
      throw error;
    }
  }

  /**
   * kafkajs starts a crashed consumer again only when it deems the cause retriable (retries used up, or an error
   * marked so); after any other cause (a TypeError, a broker's answer marked final) its consumer has left the group
   * for good and the read models would stand still until the process restarts. The projector joins again with a new
   * consumer, from the group's committed offsets, as often as it takes.
   */
  private rejoinAfter(cause: Error, attempt: number): void {
    this.consumer = undefined;
    if (!this.running) return;
    const delayMs = Math.min(REJOIN_FIRST_MS * 2 ** (attempt - 1), REJOIN_LAST_MS);
    const why = `${causeOf(cause).name}：${cause.message}`;
    this.log.error(
      { attempt, delayMs },
      attempt === 1
        ? `读模型的 Kafka 消费者已停止（${why}），kafkajs 不会重启它；${delayMs} 毫秒后重新加入消费组`
        : `读模型的 Kafka 消费者第 ${attempt - 1} 次重新加入消费组失败（${why}）；${delayMs} 毫秒后再试`,
    );
    this.rejoinTimer = setTimeout(() => {
      this.rejoining = this.join().then(
        () => this.log.info({ attempt }, '读模型的 Kafka 消费者已重新加入消费组，从已提交的位置继续'),
        (error: Error) => this.rejoinAfter(error, attempt + 1),
      );
    }, delayMs);
  }

  private async applyBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const messages: StreamMessage[] = [];
    const unreadable: Array<{ offset: string; value: Buffer | null; error: string }> = [];
    for (const message of batch.messages) {
      const parsed = parseMessage(message.value);
      if (parsed.ok) messages.push(parsed.message);
      else {
        unreadable.push({ offset: message.offset, value: message.value, error: parsed.error });
        this.log.error(
          { partition: batch.partition, offset: message.offset },
          `读模型无法解析消息（${batch.topic}#${batch.partition}@${message.offset}）：${parsed.error}；已记入 ` +
            'read_model_unreadable，升级后用 duban readmodels rebuild 重建',
        );
      }
    }
    for (;;) {
      if (!isRunning() || isStale()) return;
      const applied = await withTransaction(this.options.pool, async (client) => {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_xact_lock_shared(hashtext($1)) AS ok',
          [READ_MODEL_LOCK],
        );
        if (!rows[0]?.ok) return false;
        // Kept, not passed over: the offsets are committed past them with the rest of the batch.
        if (unreadable.length > 0) {
          await client.query(
            `INSERT INTO read_model_unreadable (topic, partition, "offset", value, error)
             SELECT $1, $2, * FROM unnest($3::bigint[], $4::bytea[], $5::text[]) ON CONFLICT DO NOTHING`,
            [
              batch.topic,
              batch.partition,
              unreadable.map((u) => u.offset),
              unreadable.map((u) => u.value),
              unreadable.map((u) => u.error),
            ],
          );
        }
        if (messages.length === 0) return true;
        await fillStoredNotices(client, messages);
        const streams = [...new Set(messages.map((m) => m.assignmentId))];
        const views = await loadViews(client, streams);
        const folding = new Folding(views, await loadParked(client, streams));
        for (const message of messages) folding.offer(message);
        await writeViews(client, [...views.values()]);
        await writeInbox(client, folding.takeDelivered());
        const { parked, released } = folding.parkedChanges();
        await writeParked(client, parked, released);
        if (parked.length > 0) {
          this.log.warn(
            { parked: parked.map((m) => `${m.assignmentId}/${m.seq}`) },
            `${parked.length} 个事件先于其前一个事件到达，暂存待前序事件应用后再应用`,
          );
        }
        return true;
      });
      if (applied) break;
      // A rebuild holds the read models: wait for it, telling the group this member is alive.
      await heartbeat();
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
    const last = batch.messages.at(-1);
    if (last) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }
}

function causeOf(error: Error): Error {
  return error.cause instanceof Error ? causeOf(error.cause) : error;
}

/** A message of the events topic, checked at the edge; what does not parse is reported, not applied. */
export function parseMessage(
  value: Buffer | null,
): { ok: true; message: StreamMessage } | { ok: false; error: string } {
  if (!value) return { ok: false, error: '消息为空' };
  try {
    const result = streamMessageSchema.safeParse(JSON.parse(value.toString()));
    if (result.success) return { ok: true, message: result.data };
    return { ok: false, error: result.error.issues[0]?.message ?? 'schema' };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
