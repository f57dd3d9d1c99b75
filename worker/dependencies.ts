/**
 * What the worker needs, opened and checked in one place: PostgreSQL with its migrations applied, Kafka with the
 * events topic, the outbox relay publishing what the activities store, and the projector building the read models
 * from the topic. The worker process, the demo and the history recorder all start from here.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createActivities, type Activities } from '../activities';
import type { TemporalTarget } from '../activities/cycle';
import { deliveryRetryOf, type Config } from '../infra/config';
import { createSender, type Sender } from '../infra/notify';
import { createKafka, createProducer, ensureTopic } from '../infra/kafka';
import type { Logger } from '../infra/logger';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { readModelGroup, ReadModelProjector } from '../read-models/projector';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { OutboxRelay } from './outbox-relay';

export interface WorkerDependencies {
  pool: Pool;
  kafka: Kafka;
  producer: Producer;
  activities: Activities;
  relay: OutboxRelay;
  projector: ReadModelProjector;
  /** The channels notices are delivered on. */
  sender: Sender;
  /** Starts a delivery workflow for each stored notice whose recipient has a channel; with a Temporal target only. */
  dispatcher?: DeliveryDispatcher;
  /** Migrations this start applied (none when the schema was current). */
  migrationsApplied: string[];
  close(): Promise<void>;
}

export interface DependencyOptions {
  /**
   * Whether notices are delivered (the default): queued for their recipients' channels, and, with a Temporal
   * target, sent by a dispatcher. A benchmark or a recording passes false: its notices are stored and reach the
   * inboxes, but its units and the coordinator are real names, whose real addresses the directory may hold.
   */
  deliver?: boolean;
}

/** Fails with the unreachable server's name and how to start it, before any workflow is polled. */
export async function openDependencies(
  config: Config,
  logger: Logger,
  temporal?: TemporalTarget,
  { deliver = true }: DependencyOptions = {},
): Promise<WorkerDependencies> {
  const pool = createPool(config.DATABASE_URL, logger);
  try {
    await checkPostgres(pool, config.DATABASE_URL);
    const migrationsApplied = await migrate(pool);
    const kafka = createKafka(config, logger);
    await ensureTopic(kafka, config);
    const producer = createProducer(kafka);
    await producer.connect();
    const relay = new OutboxRelay({ pool, kafka, producer, databaseUrl: config.DATABASE_URL, logger });
    await relay.start();
    const projector = new ReadModelProjector({
      kafka,
      pool,
      topic: config.KAFKA_EVENTS_TOPIC,
      groupId: readModelGroup(config),
      logger,
    });
    try {
      await projector.start();
    } catch (error) {
      await relay.stop();
      await producer.disconnect();
      throw error;
    }
    const sender = createSender(config);
    const dispatcher = deliver && temporal ? deliveryDispatcher(pool, config, logger, temporal) : undefined;
    await dispatcher?.start();
    return {
      pool,
      kafka,
      producer,
      activities: createActivities({
        pool,
        topic: config.KAFKA_EVENTS_TOPIC,
        sender,
        queueDeliveries: deliver,
        ...(temporal && { temporal }),
      }),
      relay,
      projector,
      sender,
      ...(dispatcher && { dispatcher }),
      migrationsApplied,
      async close() {
        await dispatcher?.stop();
        await sender.close();
        await projector.stop();
        await relay.stop();
        await producer.disconnect();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** The dispatcher as the worker runs it: on the worker's own server and task queue, with the configured hours. */
export function deliveryDispatcher(
  pool: Pool,
  config: Config,
  logger: Logger,
  { client, taskQueue }: TemporalTarget,
): DeliveryDispatcher {
  return new DeliveryDispatcher({
    pool,
    databaseUrl: config.DATABASE_URL,
    client,
    taskQueue,
    logger,
    hours: config.DELIVERY_HOURS,
    retry: deliveryRetryOf(config),
    coordinator: config.DUBAN_COORDINATOR,
  });
}
