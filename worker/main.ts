/**
 * The worker process: runs assignment workflows and their activities against Temporal and PostgreSQL, the outbox
 * relay that publishes the stored events to Kafka, and the projector that builds the read models from there. Stops cleanly on SIGINT/SIGTERM, finishing the activities it has
 * started.
 */
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { createAssignmentWorkers } from './create-worker';
import { openDependencies } from './dependencies';

const bootLogger = createLogger('worker');

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  installTemporalLogging(logger);
  // The cycle's activities start and message assignments through a client on the same server and task queue.
  const temporal = await connectClient(config);
  const deps = await openDependencies(config, logger, {
    client: temporal.client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });
  if (deps.migrationsApplied.length > 0) logger.info(`已执行数据库迁移：${deps.migrationsApplied.join(', ')}`);

  const connection = await connectWorker(config);
  const workers = await createAssignmentWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: deps.activities,
    ...(config.WORKER_MAX_CACHED_WORKFLOWS && { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }),
    ...(config.WORKER_SHARDS && { shards: config.WORKER_SHARDS }),
    connect: () => connectWorker(config),
  });
  const { maxCachedWorkflows, shards } = workers;
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      temporal: config.TEMPORAL_ADDRESS,
      maxCachedWorkflows,
      shards: shards.length,
    },
    `开始轮询任务队列 ${config.TEMPORAL_TASK_QUEUE}；内存中最多保留 ${maxCachedWorkflows} 个工作流，` +
      `由 ${shards.length} 个 worker 分担`,
  );
  try {
    await workers.run();
  } finally {
    await deps.close();
    await connection.close();
    await temporal.connection.close();
  }
}

main().catch((error: unknown) => {
  bootLogger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
