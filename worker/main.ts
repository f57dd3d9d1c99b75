/**
 * The worker process: runs assignment workflows and their activities against Temporal, PostgreSQL and Kafka.
 * Stops cleanly on SIGINT/SIGTERM, finishing the activities it has started.
 */
import { startOutboxRelay } from '../activities/outbox';
import { loadConfig } from '../infra/config';
import { connectWorker } from '../infra/temporal';
import { createAssignmentWorker } from './create-worker';
import { openDependencies } from './dependencies';

async function main(): Promise<void> {
  const config = loadConfig();
  const deps = await openDependencies(config);
  if (deps.migrationsApplied.length > 0)
    console.log(`[worker] migrations applied: ${deps.migrationsApplied.join(', ')}`);

  const connection = await connectWorker(config);
  const worker = await createAssignmentWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: deps.activities,
  });
  // Events whose publication their own activity never finished (a run terminated in between) go out from here.
  const relay = startOutboxRelay({ pool: deps.pool, producer: deps.producer, topic: config.KAFKA_EVENTS_TOPIC });
  console.log(`[worker] polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  try {
    await worker.run();
  } finally {
    await relay.stop();
    await deps.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
