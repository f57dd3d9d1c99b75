/**
 * What the worker needs, opened and checked in one place: PostgreSQL with its migrations applied, Kafka with the
 * events topic, the outbox relay publishing what the activities store, and the projector building the read models
 * from the topic. The worker process, the demo and the history recorder all start from here.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createActivities, type Activities } from '../activities';
import type { TemporalTarget } from '../activities/cycle';
import type { Config } from '../infra/config';
import { createKafka, createProducer, ensureTopic } from '../infra/kafka';
import type { Logger } from '../infra/logger';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { readModelGroup, ReadModelProjector } from '../read-models/projector';
import { OutboxRelay } from './outbox-relay';

export interface WorkerDependencies {
  pool: Pool;
  kafka: Kafka;
  producer: Producer;
  activities: Activities;
  relay: OutboxRelay;
  projector: ReadModelProjector;
  /** Migrations this start applied (none when the schema was current). */
  migrationsApplied: string[];
  close(): Promise<void>;
}

/** Fails with the unreachable server's name and how to start it, before any workflow is polled. */
export async function openDependencies(
  config: Config,
  logger: Logger,
  temporal?: TemporalTarget,
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
    return {
      pool,
      kafka,
      producer,
      activities: createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC, ...(temporal && { temporal }) }),
      relay,
      projector,
      migrationsApplied,
      async close() {
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
