/**
 * The real servers the integration tiers use, reached over real connections with the project's configuration.
 * When one does not answer, the test fails with the server's name and how to start it: it never skips.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { Runtime, type NativeConnection } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Kafka } from 'kafkajs';
import { shanghaiInstant } from '../../domain/calendar';
import { loadConfig, type Config } from '../../infra/config';
import { createKafka, createProducer, ensureTopic } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { checkPostgres, createPool, migrate } from '../../infra/postgres';
import { connectClient, connectWorker, installTemporalLogging } from '../../infra/temporal';
import { startTimeSkippingServer, TEST_SERVER, type TimeSkippingOptions } from '../../scripts/year-simulation';
import { createActivities } from '../../activities';
import { createSender } from '../../infra/notify';
import { createAssignmentWorkers, type AssignmentWorkers } from '../../worker/create-worker';
import { deliveryDispatcher } from '../../worker/dependencies';
import { OutboxRelay, type OutboxRelayOptions } from '../../worker/outbox-relay';
import { readModelGroup, ReadModelProjector } from '../../read-models/projector';
import { awaitReadModels } from '../../read-models/status';
import { bundleWorkflows } from '../../worker/workflow-bundle';

/** Library and relay logs in tests: warnings and errors only, as a person running the tests would want them. */
export const testLogger = createLogger('test', { level: 'warn' });
/**
 * Temporal's logs through the tests' logger (workers log every state change at INFO; tests see warnings and errors
 * only), installed before the first Temporal connection or worker of a test file, and only then: a runtime that
 * forwards logs keeps the process alive until its last connection and worker are closed, so a file that uses no
 * Temporal must not install one.
 */
export function useTemporal(): void {
  if (!Runtime._instance) installTemporalLogging(testLogger);
}

export const ROOT = path.resolve(__dirname, '..', '..');
export const config: Config = loadConfig();

/** A pool on the test database with every migration applied. */
export async function connectPostgres(): Promise<Pool> {
  const pool = createPool(config.DATABASE_URL);
  try {
    await checkPostgres(pool, config.DATABASE_URL);
    await migrate(pool);
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** A Kafka client whose broker answers and whose events topic exists. */
export async function connectKafka(topic = config.KAFKA_EVENTS_TOPIC): Promise<Kafka> {
  const kafka = createKafka(config);
  await ensureTopic(kafka, { ...config, KAFKA_EVENTS_TOPIC: topic });
  return kafka;
}

/**
 * The time-skipping test server (at the present, or at `initialTime`), with the project's search attributes; a clear
 * failure when `scripts/stack.sh install` has not fetched it.
 */
export async function createTimeSkippingEnv(options: TimeSkippingOptions = {}): Promise<TestWorkflowEnvironment> {
  useTemporal();
  if (!existsSync(path.join(ROOT, '.tools', 'temporal-test-server', 'libs'))) {
    throw new Error('the Temporal time-skipping test server is not installed: run `scripts/stack.sh install`');
  }
  try {
    return await startTimeSkippingServer(options);
  } catch (error) {
    throw new Error(
      `the Temporal time-skipping test server (${TEST_SERVER}) did not start: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Moves the time-skipping server's clock on to a Beijing date and time; a moment already past changes nothing. */
export async function skipTo(env: TestWorkflowEnvironment, date: string, time: string): Promise<void> {
  const ms = shanghaiInstant(date, time).getTime() - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

/** An id no other test run has used, so tests never see each other's workflows or rows. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A Temporal client on the dev server of the local stack. */
export function connectTemporal(): ReturnType<typeof connectClient> {
  return connectClient(config);
}

/** A worker connection to the dev server of the local stack. */
export function connectWorkerToStack(): Promise<NativeConnection> {
  useTemporal();
  return connectWorker(config);
}

/**
 * The outbox relay as the worker runs it, with its own producer: tests that read events from Kafka start one,
 * since storing an event no longer publishes it. `stop` also disconnects the producer.
 */
export async function startRelay(
  pool: Pool,
  options: Partial<OutboxRelayOptions> = {},
): Promise<{ relay: OutboxRelay; stop: () => Promise<void> }> {
  const kafka = options.kafka ?? createKafka(config, testLogger);
  const producer = options.producer ?? createProducer(kafka);
  await producer.connect();
  const relay = new OutboxRelay({
    pool,
    kafka,
    producer,
    databaseUrl: config.DATABASE_URL,
    logger: testLogger,
    ...options,
  });
  await relay.start();
  return {
    relay,
    async stop() {
      await relay.stop();
      await producer.disconnect();
    },
  };
}

/**
 * The product's worker on `connection`, on the test's own task queue, with the real activities and `client` for
 * those that start workflows (a cycle's assignments, a reassigned item's successor). One SDK worker unless `shards`
 * asks for more, as the worker process runs them (createAssignmentWorkers). `stop` shuts it down.
 */
export async function runProductWorker(
  pool: Pool,
  taskQueue: string,
  {
    connection,
    client,
    delivery = {},
    shards = 1,
  }: { connection: NativeConnection; client: Client; delivery?: Partial<Config>; shards?: number },
): Promise<{ workers: AssignmentWorkers; stop: () => Promise<void> }> {
  const sender = createSender(config);
  const temporal = { client, taskQueue };
  const worker = await createAssignmentWorkers({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    activities: createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC, temporal, sender }),
    shards,
    connect: connectWorkerToStack,
  });
  const readModels = await startReadModels(pool);
  const dispatcher = deliveryDispatcher(pool, { ...config, ...delivery }, testLogger, temporal);
  await dispatcher.start();
  const running = worker.run();
  return {
    workers: worker,
    async stop() {
      await dispatcher.stop();
      worker.shutdown();
      await running;
      await readModels.stop();
      await sender.close();
    },
  };
}

/**
 * The outbox relay and the read-model projector as the worker process runs them beside its workflows, on the test
 * configuration's topic and group: what the activities store reaches the read models through Kafka.
 */
export async function startReadModels(
  pool: Pool,
  topic = config.KAFKA_EVENTS_TOPIC,
): Promise<{ stop: () => Promise<void> }> {
  const kafka = await connectKafka(topic);
  const relay = await startRelay(pool, { kafka });
  const projector = new ReadModelProjector({
    kafka,
    pool,
    topic,
    groupId: readModelGroup({ KAFKA_EVENTS_TOPIC: topic }),
    logger: testLogger,
  });
  try {
    await projector.start();
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return {
    async stop() {
      await projector.stop();
      await relay.stop();
    },
  };
}

/**
 * Waits until the read models have applied every stored event of `streams` and delivered their notices (see
 * awaitReadModels): a test reads them after that, never right after the call that stored the events.
 */
export function readModelsOf(
  pool: Pool,
  streams: string | string[],
  options: { timeoutMs?: number } = {},
): Promise<void> {
  return awaitReadModels(pool, typeof streams === 'string' ? [streams] : streams, options);
}

/**
 * The product's worker on the dev server of the local stack (runProductWorker), with connections of its own:
 * `client` is for the test's own calls; `stop` shuts the worker down and closes both connections.
 */
export async function startStackWorker(
  pool: Pool,
  taskQueue: string,
  { shards = 1 }: { shards?: number } = {},
): Promise<{ client: Client; workers: AssignmentWorkers; stop: () => Promise<void> }> {
  const temporal = await connectTemporal();
  const connection = await connectWorkerToStack();
  const worker = await runProductWorker(pool, taskQueue, { connection, client: temporal.client, shards });
  return {
    client: temporal.client,
    workers: worker.workers,
    async stop() {
      await worker.stop();
      await connection.close();
      await temporal.connection.close();
    },
  };
}

/** What the event store and the workflow hold of an assignment: a refused call must change neither. */
export async function tracesOf(
  pool: Pool,
  client: Client,
  assignmentId: string,
): Promise<{ stored: string[]; history: number }> {
  const { rows } = await pool.query<{ type: string }>(
    'SELECT type FROM assignment_events WHERE assignment_id = $1 ORDER BY seq',
    [assignmentId],
  );
  const history = await client.workflow.getHandle(assignmentId).fetchHistory();
  return { stored: rows.map((r) => r.type), history: history.events?.length ?? 0 };
}

/**
 * A PostgreSQL schema of the test database of its own, with every migration applied in it: for tests that rebuild or
 * measure the read models as a whole, which must see no other test's rows. `databaseUrl` reaches the same schema
 * (for a command run with it); `drop` removes the schema and closes the pool.
 */
export async function scratchSchema(): Promise<{ pool: Pool; databaseUrl: string; drop: () => Promise<void> }> {
  const schema = uniqueId('scratch').replace(/-/g, '_');
  const admin = createPool(config.DATABASE_URL);
  try {
    await checkPostgres(admin, config.DATABASE_URL);
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(config.DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = url.toString();
  const pool = createPool(databaseUrl);
  await migrate(pool);
  return {
    pool,
    databaseUrl,
    async drop() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}
