/**
 * What the activities need, opened and checked in one place: PostgreSQL with its migrations applied, Kafka with the
 * events topic, a connected producer. The worker process, the demo and the history recorder all start from here.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createActivities, type Activities } from '../activities';
import type { Config } from '../infra/config';
import { createKafka, createProducer, ensureTopic } from '../infra/kafka';
import { checkPostgres, createPool, migrate } from '../infra/postgres';

export interface WorkerDependencies {
  pool: Pool;
  kafka: Kafka;
  producer: Producer;
  activities: Activities;
  /** Migrations this start applied (none when the schema was current). */
  migrationsApplied: string[];
  close(): Promise<void>;
}

/** Fails with the unreachable server's name and how to start it, before any workflow is polled. */
export async function openDependencies(config: Config): Promise<WorkerDependencies> {
  const pool = createPool(config.DATABASE_URL);
  try {
    await checkPostgres(pool, config.DATABASE_URL);
    const migrationsApplied = await migrate(pool);
    const kafka = createKafka(config);
    await ensureTopic(kafka, config);
    const producer = createProducer(kafka);
    await producer.connect();
    return {
      pool,
      kafka,
      producer,
      activities: createActivities({ pool, producer, topic: config.KAFKA_EVENTS_TOPIC }),
      migrationsApplied,
      async close() {
        await producer.disconnect();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
