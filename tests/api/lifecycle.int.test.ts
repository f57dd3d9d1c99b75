/**
 * One task's lifecycle through the HTTP API on the real stack: the Temporal dev server, PostgreSQL and Kafka.
 * Assign, 签收, report, 办结 — and every kind of bad call refused with a clear error that changes nothing.
 */
import { bundleWorkflowCode, type NativeConnection, type Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { createAssignmentWorker, WORKFLOWS_PATH } from '../../worker/create-worker';
import {
  config,
  connectKafka,
  connectPostgres,
  connectTemporal,
  connectWorkerToStack,
  startRelay,
  uniqueId,
} from '../support/stack';

jest.setTimeout(120_000);

const taskQueue = uniqueId('api-test');
let pool: Pool;
let relay: Awaited<ReturnType<typeof startRelay>>;
let temporal: { connection: Connection; client: Client };
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let api: FastifyInstance;
let base: string;

beforeAll(async () => {
  pool = await connectPostgres();
  await connectKafka();
  relay = await startRelay(pool);
  temporal = await connectTemporal();
  workerConnection = await connectWorkerToStack();
  worker = await createAssignmentWorker({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet }),
    activities: createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC }),
  });
  running = worker.run();
  const assignments = new AssignmentService({ client: temporal.client, taskQueue, coordinator: '市政府督查室' });
  api = buildApi({ assignments, pool });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await temporal?.connection.close();
  await relay?.stop();
  await pool?.end();
});

const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await fetch(base + encodeURI(url), {
    method,
    ...(payload !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
  return { status: response.status, body: (await response.json()) as any };
}

async function storedEvents(assignmentId: string): Promise<string[]> {
  const { rows } = await pool.query<{ type: string }>(
    'SELECT type FROM assignment_events WHERE assignment_id = $1 ORDER BY seq',
    [assignmentId],
  );
  return rows.map((r) => r.type);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function assignment(planId: string, unit = '市质监局') {
  const today = shanghaiDate(new Date());
  return {
    planId,
    ref: '二.(三).一是',
    title: '强化农产品质量安全监管',
    unit,
    deadlineText: '持续推进',
    due: addDays(today, 200),
  };
}

test('assign, acknowledge, report, complete: each step is a workflow event, a Kafka event and rows', async () => {
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');

  const assigned = await call('POST', '/assignments', assignment(planId));
  expect(assigned.status).toBe(201);
  expect(assigned.body).toMatchObject({
    assignmentId: id,
    status: 'assigned',
    nextAlarm: { command: 'SendDeadlineReminder' },
  });
  expect(assigned.body.periods.length).toBeGreaterThanOrEqual(2);

  expect((await call('POST', `/assignments/${id}/acknowledge`, { unit: '市质监局' })).body.status).toBe('acknowledged');
  const reported = await call('POST', `/assignments/${id}/reports`, {
    unit: '市质监局',
    summary: '已完成抽检1200批次',
    percentComplete: 30,
  });
  expect(reported.status).toBe(200);
  expect(reported.body.periods[0].report).toMatchObject({ summary: '已完成抽检1200批次', late: false });

  const completed = await call('POST', `/assignments/${id}/complete`, {
    by: '市政府督查室',
    summary: '任务完成，予以销号',
  });
  expect(completed.body.status).toBe('completed');
  expect((await call('GET', `/assignments/${id}`)).body.status).toBe('completed');

  expect(await storedEvents(id)).toEqual([
    'TaskAssigned',
    'AssignmentAcknowledged',
    'ProgressReportSubmitted',
    'TaskCompleted',
  ]);
  // The relay publishes what was stored, woken by the store's NOTIFY.
  await waitFor('every event published to Kafka', async () => {
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM assignment_events WHERE assignment_id = $1 AND published_at IS NULL',
      [id],
    );
    return rows[0].n === 0 ? true : undefined;
  });
  const { rows } = await pool.query('SELECT status FROM assignments WHERE assignment_id = $1', [id]);
  expect(rows).toEqual([{ status: 'completed' }]);

  const inbox = await call('GET', `/units/市质监局/inbox`);
  const mine = inbox.body
    .filter((n: { assignmentId: string }) => n.assignmentId === id)
    .map((n: { subject: string }) => n.subject);
  expect(mine).toEqual([
    '【交办】「二.(三).一是 强化农产品质量安全监管」',
    '【办结】「二.(三).一是 强化农产品质量安全监管」',
  ]);

  const history = await temporal.client.workflow.getHandle(id).fetchHistory();
  const updates = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
  expect(updates).toHaveLength(3);
});

describe('bad calls are refused, name the problem, and change nothing', () => {
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');

  beforeAll(async () => {
    expect((await call('POST', '/assignments', assignment(planId))).status).toBe(201);
    await waitFor('the assignment to be stored', async () =>
      (await storedEvents(id)).length === 1 ? true : undefined,
    );
  });

  afterEach(async () => {
    expect(await storedEvents(id)).toEqual(['TaskAssigned']);
    const history = await temporal.client.workflow.getHandle(id).fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
  });

  test('a report from a unit that is not the assignee', async () => {
    const response = await call('POST', `/assignments/${id}/reports`, {
      unit: '市商务局',
      summary: '进展',
      percentComplete: 10,
    });
    expect(response).toEqual({
      status: 403,
      body: expect.objectContaining({
        code: 'WRONG_UNIT',
        detail: 'unit 市商务局 is not assigned to task 二.(三).一是; its lead unit is 市质监局',
      }),
    });
  });

  test('a malformed report body, each problem named', async () => {
    const response = await call('POST', `/assignments/${id}/reports`, { unit: '', percentComplete: 140, extra: 1 });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_PAYLOAD');
    expect(response.body.detail).toMatch(/unit: unit is required/);
    expect(response.body.detail).toMatch(/summary: /);
    expect(response.body.detail).toMatch(/percentComplete: /);
    expect(response.body.detail).toMatch(/extra/);
  });

  test('a report for a period the task does not have', async () => {
    const response = await call('POST', `/assignments/${id}/reports`, {
      unit: '市质监局',
      period: '2001-Q1',
      summary: '进展',
      percentComplete: 10,
    });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      code: 'UNKNOWN_PERIOD',
      detail: expect.stringMatching(/has no reporting period 2001-Q1; its periods are/),
    });
  });

  test('a report for an unknown task', async () => {
    const response = await call('POST', `/assignments/${planId}:九.(九):市质监局/reports`, {
      unit: '市质监局',
      summary: '进展',
      percentComplete: 10,
    });
    expect(response).toEqual({
      status: 404,
      body: expect.objectContaining({
        code: 'UNKNOWN_TASK',
        detail: `no task is assigned under ${planId}:九.(九):市质监局: check the id, or assign the task first`,
      }),
    });
  });

  test('the same task assigned twice to the same unit', async () => {
    const response = await call('POST', '/assignments', assignment(planId));
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('ALREADY_ASSIGNED');
  });

  test('an assignment whose due date has passed', async () => {
    const response = await call('POST', '/assignments', { ...assignment(uniqueId('plan')), due: '2017-12-31' });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^due date 2017-12-31 has passed; give a due date from \d{4}-\d{2}-\d{2} on$/);
  });
});

test('a retried report with the same Idempotency-Key is recorded once and answered alike', async () => {
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');
  await call('POST', '/assignments', assignment(planId));
  const key = uniqueId('report');
  const send = () =>
    fetch(base + encodeURI(`/assignments/${id}/reports`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ unit: '市质监局', summary: '第一次报送', percentComplete: 30 }),
    });
  const first = await send();
  const again = await send();
  expect([first.status, again.status]).toEqual([200, 200]);
  expect(await storedEvents(id)).toEqual(['TaskAssigned', 'AssignmentAcknowledged', 'ProgressReportSubmitted']);
});

test('a closed task cannot be assigned again under the same id: its event stream would start over', async () => {
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');
  await call('POST', '/assignments', assignment(planId));
  await call('POST', `/assignments/${id}/complete`, { by: '市政府督查室', summary: '办结' });
  const again = await call('POST', '/assignments', assignment(planId));
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('ALREADY_ASSIGNED');
  expect(await storedEvents(id)).toEqual(['TaskAssigned', 'TaskCompleted']);
});

test('a report for a completed task is refused as completed', async () => {
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '二.(三).一是', '市农委');
  await call('POST', '/assignments', assignment(planId, '市农委'));
  await call('POST', `/assignments/${id}/complete`, { by: '市政府督查室', summary: '提前完成' });
  const response = await call('POST', `/assignments/${id}/reports`, {
    unit: '市农委',
    summary: '进展',
    percentComplete: 10,
  });
  expect(response.status).toBe(409);
  expect(response.body).toMatchObject({
    code: 'ALREADY_COMPLETED',
    detail: expect.stringMatching(/was completed \(办结\)/),
  });
  expect(await storedEvents(id)).toEqual(['TaskAssigned', 'TaskCompleted']);
});
