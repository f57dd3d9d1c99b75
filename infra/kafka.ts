/** Kafka through kafkajs: the client, the topic the domain events go to, and a producer that keeps per-key order. */
import { ConfigResourceTypes, Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { recordedEventSchema, type RecordedEvent } from '../workflows/assignment/events';
import type { Config } from './config';
import { skipIdleRequestQueueChecks } from './kafkajs-request-queue';
import { kafkaLogCreator, type Logger } from './logger';
import { unreachable } from './reachability';

/**
 * kafkajs logs through the application's logger (see infra/logger.ts); none at all when no logger is given. Its
 * connections do not check their request queues while idle (infra/kafkajs-request-queue.ts).
 */
export function createKafka(config: Pick<Config, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>, logger?: Logger): Kafka {
  skipIdleRequestQueueChecks();
  return new Kafka({
    clientId: config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 300 },
    ...(logger
      ? {
          logLevel: logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.INFO,
          logCreator: kafkaLogCreator(logger),
        }
      : { logLevel: logLevel.NOTHING }),
  });
}

/** Several partitions so consumers can share the load; the key (the assignment id) keeps one stream in order. */
const TOPIC_PARTITIONS = 6;

/**
 * Creates the events topic if it is missing, with unlimited retention (set on an existing one too); fails naming
 * Kafka and how to start it when the broker is down.
 */
export async function ensureTopic(
  kafka: Kafka,
  config: Pick<Config, 'KAFKA_BROKERS' | 'KAFKA_EVENTS_TOPIC'>,
): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw unreachable('Kafka', config.KAFKA_BROKERS.join(','), error);
  }
  try {
    await createMissingTopics(admin, [config.KAFKA_EVENTS_TOPIC]);
    await keepForever(admin, config.KAFKA_EVENTS_TOPIC);
  } finally {
    await admin.disconnect();
  }
}

/** Creates those of `topics` that do not exist yet (the broker does not create topics on its own). */
export async function ensureTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createMissingTopics(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/**
 * An events topic keeps every record for ever: the read models are rebuilt from its offset zero, and a broker's
 * default retention (7 days) would leave a rebuild only the last week.
 */
export const EVENT_TOPIC_RETENTION = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];

async function createMissingTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: TOPIC_PARTITIONS,
      replicationFactor: 1,
      configEntries: EVENT_TOPIC_RETENTION,
    })),
  });
}

/** A topic created before its retention was set (by an earlier version, or by hand) is given unlimited retention. */
async function keepForever(admin: Admin, topic: string): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: EVENT_TOPIC_RETENTION }],
  });
}

/**
 * With one request in flight, the records of one key keep the order they were sent in. Delivery is at least once:
 * a send retried after a lost acknowledgement may write a record twice, and consumers drop repeats by
 * (assignmentId, seq). kafkajs's idempotent mode is not used because it wants unbounded retries inside one send,
 * while here a failed send fails the activity and Temporal retries it.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface ReadOptions {
  topic: string;
  /** Only the records of this assignment (the record key). */
  assignmentId: string;
  /** Stop once this many distinct events (by seq) have arrived. */
  count: number;
  timeoutMs?: number;
  /** How long to go on listening after the last expected record, so that a duplicate would show. */
  settleMs?: number;
  /**
   * Where to start in each partition: the topic's end before the records were written (`topicEnd`). Without it the
   * reader starts at the beginning of the topic, which on a machine that keeps its broker grows with every run.
   */
  from?: PartitionOffset[];
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/** The next offset of each partition of the topic: where a reader starts to see only what is written from now on. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<PartitionOffset[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map(({ partition, offset }) => ({ partition, offset }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads one assignment's records from the beginning of the topic (or from `from`) with a fresh consumer group, as a
 * new read model would: every record received, in the order received, duplicates included — consumers drop those by
 * seq.
 */
export async function readAssignmentEvents(kafka: Kafka, options: ReadOptions): Promise<RecordedEvent[]> {
  const { topic, assignmentId, count, timeoutMs = 30_000, settleMs = 0, from = [] } = options;
  const consumer = kafka.consumer({ groupId: `duban-reader-${assignmentId}-${Date.now()}` });
  const received: RecordedEvent[] = [];
  const seqs = new Set<number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${timeoutMs} ms 内只从 ${topic} 收到 ${assignmentId} 的 ${seqs.size}/${count} 个事件`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== assignmentId || !message.value) return;
          const recorded = recordedEventSchema.parse(JSON.parse(message.value.toString()));
          received.push(recorded);
          seqs.add(recorded.seq);
          if (seqs.size >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
      for (const { partition, offset } of from) consumer.seek({ topic, partition, offset });
    });
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await consumer.disconnect();
  }
  return received;
}
