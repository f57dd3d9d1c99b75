/**
 * Nothing is lost when a process dies or a server restarts. The worker runs as its own process and is killed with
 * SIGKILL; the Temporal dev server, Kafka and PostgreSQL are each stopped and started again through
 * scripts/stack.sh. After each, the assignment goes on where it was, and the event store and the Kafka topic hold
 * every event exactly once in order, and the read models apply each once; while Kafka is down, an update is answered
 * all the same.
 */
import type { Client, Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { readAssignmentEvents, topicEnd } from '../../infra/kafka';
import { killHard, stack, startWorkerProcess, whileAlive, type WorkerProcess } from '../support/processes';
import { config, connectKafka, connectPostgres, connectTemporal, readModelsOf, uniqueId } from '../support/stack';

jest.setTimeout(180_000);

const taskQueue = uniqueId('durability');
let pool: Pool;
let kafka: Kafka;
let temporal: { connection: Connection; client: Client };
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  pool = await connectPostgres();
  kafka = await connectKafka();
  temporal = await connectTemporal();
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await temporal?.connection.close();
  await pool?.end();
});

/** The rows of an assignment still in the outbox once the relay has had up to 30 s to publish them. */
async function outboxLeft(assignmentId: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE assignment_id = $1', [assignmentId]);
    if (rows[0].n === 0 || Date.now() > deadline) return rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a killed worker and restarted servers lose nothing', async () => {
  const env = { TEMPORAL_TASK_QUEUE: taskQueue };
  const service = new AssignmentService({ client: temporal.client, taskQueue, coordinator: '市政府督查室' });
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '三.(一)', '市场监管局');
  // Read back from here: the topic holds every run before this one on a machine that keeps its broker.
  const before = await topicEnd(kafka, config.KAFKA_EVENTS_TOPIC);

  worker = await startWorkerProcess(env);
  await service.assign({
    planId,
    ref: '三.(一)',
    title: '实施质量品牌提升工程',
    unit: '市场监管局',
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 300),
  });
  await service.acknowledge(id, { unit: '市场监管局' });

  // The worker dies without warning, and the Temporal server restarts from its SQLite file.
  await killHard(worker);
  worker = undefined;
  await stack('stop', 'temporal');
  await stack('start', 'temporal');
  worker = await startWorkerProcess(env);
  expect((await service.status(id)).status).toBe('acknowledged');

  // Kafka is down while a report comes in: the update is answered once the report is stored, and the event waits in
  // the outbox until the worker's relay can publish it.
  await stack('stop', 'kafka');
  const report = await whileAlive(
    worker,
    service.submitReport(id, { unit: '市场监管局', summary: '完成第一阶段工作', percentComplete: 40 }),
  );
  expect(report.periods[0]?.report?.summary).toBe('完成第一阶段工作');
  const waiting = await pool.query('SELECT seq FROM outbox WHERE assignment_id = $1', [id]);
  expect(waiting.rows).toEqual([{ seq: 3 }]);
  await stack('start', 'kafka');

  // PostgreSQL restarts; the next step is stored as if nothing happened.
  await pool.end();
  await stack('stop', 'postgres');
  await stack('start', 'postgres');
  pool = await connectPostgres();
  const completed = await whileAlive(worker, service.complete(id, { by: '市政府督查室', summary: '办结' }));
  expect(completed.status).toBe('completed');
  expect(worker.child.exitCode).toBeNull(); // the worker rode out the database restart

  const stored = await pool.query<{ seq: number; type: string }>(
    'SELECT seq, type FROM assignment_events WHERE assignment_id = $1 ORDER BY seq',
    [id],
  );
  const lifecycle = ['TaskAssigned', 'AssignmentAcknowledged', 'ProgressReportSubmitted', 'TaskCompleted'];
  expect(stored.rows).toEqual(lifecycle.map((type, i) => ({ seq: i + 1, type })));
  // At least once: a send retried across the Kafka restart may repeat a record; consumers keep one per seq.
  const onTopic = await readAssignmentEvents(kafka, {
    topic: config.KAFKA_EVENTS_TOPIC,
    assignmentId: id,
    count: 4,
    from: before,
  });
  // The relay removes a row once Kafka has acknowledged its record: on the topic is not yet out of the outbox.
  expect(await outboxLeft(id)).toBe(0);
  expect([...new Map(onTopic.map((r) => [r.seq, r.event.type])).values()]).toEqual(lifecycle);
  expect(onTopic.map((r) => r.seq)).toEqual([...onTopic.map((r) => r.seq)].sort((a, b) => a - b));
  // The worker's projector built the read models from the topic across the restarts: every event applied once. Its
  // consumer rejoins the group after the broker's restart and backs off after PostgreSQL's, which on a loaded
  // machine once took over a minute: the wait allows two (a bound on hanging, not a speed claim).
  await readModelsOf(pool, id, { timeoutMs: 120_000 }).catch((error: unknown) => {
    // The projector runs in the worker's process: what it and its consumer logged says why it did not catch up.
    const consumerLines = worker!
      .output()
      .split('\n')
      .filter((line) => /\[(read-models|kafkajs)\]/.test(line))
      .slice(-40);
    throw new Error(`${(error as Error).message}\nthe projector's last lines:\n${consumerLines.join('\n')}`);
  });
  const listed = await pool.query('SELECT status, last_seq FROM assignments WHERE assignment_id = $1', [id]);
  expect(listed.rows).toEqual([{ status: 'completed', last_seq: lifecycle.length }]);
  const inbox = await pool.query('SELECT count(*)::int AS n FROM inbox WHERE assignment_id = $1', [id]);
  const sent = await pool.query('SELECT count(*)::int AS n FROM notices WHERE assignment_id = $1', [id]);
  expect(inbox.rows).toEqual(sent.rows);
});
