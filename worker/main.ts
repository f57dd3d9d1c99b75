/**
 * The worker process: runs assignment workflows and their activities against Temporal, PostgreSQL and Kafka.
 * Stops cleanly on SIGINT/SIGTERM, finishing the activities it has started.
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfig } from '../infra/config';
import { createKafka, createProducer, ensureTopic } from '../infra/kafka';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { unreachable } from '../infra/reachability';
import { createAssignmentWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const pool = createPool(config.DATABASE_URL);
  await checkPostgres(pool, config.DATABASE_URL);
  const applied = await migrate(pool);
  if (applied.length > 0) console.log(`[worker] migrations applied: ${applied.join(', ')}`);

  const kafka = createKafka(config);
  await ensureTopic(kafka, config);
  const producer = createProducer(kafka);
  await producer.connect();

  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }).catch((error: unknown) => {
    throw unreachable('Temporal', config.TEMPORAL_ADDRESS, error);
  });
  const worker = await createAssignmentWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ pool, producer, topic: config.KAFKA_EVENTS_TOPIC }),
  });
  console.log(`[worker] polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  try {
    await worker.run();
  } finally {
    await producer.disconnect();
    await pool.end();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
