/**
 * One task's lifecycle through the HTTP API on the real stack: the Temporal dev server, PostgreSQL and Kafka.
 * Assign, 签收, report, 办结 — and every kind of bad call refused with a clear error, in Chinese with a stable code,
 * that changes nothing: not the event store, not the workflow's history. Each call is signed in as the one it names
 * (tests/support/named-accounts.ts): a unit's turn by that unit's head, the coordinator's by its office, a read by
 * the auditor.
 */
import { type NativeConnection, type Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { IdempotencyKeys } from '../../api/idempotency';
import { loadCalendarYears } from '../../infra/calendar-store';
import { buildApi } from '../../api/server';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { createAssignmentWorker } from '../../worker/create-worker';
import { namedAccounts, type SignIn } from '../support/named-accounts';
import {
  config,
  connectKafka,
  connectPostgres,
  connectTemporal,
  connectWorkerToStack,
  readModelsOf,
  startReadModels,
  testLogger,
  uniqueId,
} from '../support/stack';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(120_000);

const taskQueue = uniqueId('api-test');
let pool: Pool;
let readModels: Awaited<ReturnType<typeof startReadModels>>;
let temporal: { connection: Connection; client: Client };
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let api: FastifyInstance;
let base: string;
let signIn: SignIn;

beforeAll(async () => {
  pool = await connectPostgres();
  signIn = namedAccounts(pool);
  await connectKafka();
  readModels = await startReadModels(pool);
  temporal = await connectTemporal();
  workerConnection = await connectWorkerToStack();
  worker = await createAssignmentWorker({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    activities: createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC }),
  });
  running = worker.run();
  const assignments = new AssignmentService({
    client: temporal.client,
    taskQueue,
    coordinator: '市政府督查室',
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
  });
  api = buildApi({ assignments, pool, logger: testLogger });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await temporal?.connection.close();
  await readModels?.stop();
  await pool?.end();
});

/** A call signed in as the one it names, unless `headers` sign it in otherwise. */
async function call(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(base + encodeURI(url), {
    method,
    headers: {
      ...(payload !== undefined && { 'content-type': 'application/json' }),
      ...(await signIn(method, url, payload)),
      ...headers,
    },
    ...(payload !== undefined && { body: JSON.stringify(payload) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    allow: response.headers.get('allow'),
    bytes: Buffer.byteLength(text),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
    body: JSON.parse(text) as any,
  };
}

async function historyEvents(assignmentId: string): Promise<number> {
  const history = await temporal.client.workflow.getHandle(assignmentId).fetchHistory();
  return history.events?.length ?? 0;
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
    // Version 3: 签收 is expected within two working days, so the clock's next act is the 催签收.
    nextAlarm: { command: 'UrgeAcknowledgement' },
  });
  expect(assigned.body.periods.length).toBeGreaterThanOrEqual(2);
  // Answered once the assignment is stored: no polling needed to find it in the event store.
  expect(await storedEvents(id)).toEqual(['TaskAssigned']);

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
  // The read models follow from Kafka: the list and the inbox once the projector has applied the events.
  await readModelsOf(pool, id);
  const { rows } = await pool.query('SELECT status FROM assignments WHERE assignment_id = $1', [id]);
  expect(rows).toEqual([{ status: 'completed' }]);

  const inbox = await call('GET', `/units/市质监局/inbox`);
  const mine = inbox.body
    .filter((n: { assignmentId: string }) => n.assignmentId === id)
    .map((n: { subject: string }) => n.subject);
  expect(mine).toEqual([
    '【办结】「二.(三).一是 强化农产品质量安全监管」',
    '【交办】「二.(三).一是 强化农产品质量安全监管」',
  ]);

  const history = await temporal.client.workflow.getHandle(id).fetchHistory();
  const updates = (history.events ?? []).flatMap(
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? [],
  );
  expect(updates).toEqual(['assigned', 'acknowledge', 'submitReport', 'complete']);
});

describe('bad calls are refused, name the problem, and change nothing', () => {
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');
  let historyLength = 0;

  beforeAll(async () => {
    expect((await call('POST', '/assignments', assignment(planId))).status).toBe(201);
    historyLength = await historyEvents(id);
  });

  afterEach(async () => {
    expect(await storedEvents(id)).toEqual(['TaskAssigned']);
    expect(await historyEvents(id)).toBe(historyLength);
  });

  const report = (body: object, headers?: Record<string, string>) =>
    call('POST', `/assignments/${id}/reports`, body, headers);
  /** Signed in as a unit's head, whatever the body names. */
  const asHeadOf = (unit: string) => signIn('POST', `/assignments/${id}/reports`, { unit });

  test('a report from a unit that is not the assignee: the item is not its to see', async () => {
    expect(await report({ unit: '市商务局', summary: '进展', percentComplete: 10 })).toMatchObject({
      status: 404,
      type: 'application/problem+json; charset=utf-8',
      body: {
        code: 'UNKNOWN_TASK',
        title: '任务不存在',
        detail: `没有编号为 ${id} 的任务；请核对编号，或先交办该任务`,
        requestId: expect.any(String),
      },
    });
  });

  test("a report in another unit's name, from the assignee's own account", async () => {
    const response = await report(
      { unit: '市商务局', summary: '进展', percentComplete: 10 },
      await asHeadOf('市质监局'),
    );
    expect(response).toMatchObject({
      status: 403,
      type: 'application/problem+json; charset=utf-8',
      body: { code: 'FORBIDDEN', detail: expect.stringContaining('不能以「市商务局」的名义办理') },
    });
  });

  test('a malformed report body, each problem named', async () => {
    const response = await report({ unit: '', percentComplete: 140, extra: 1 }, await asHeadOf('市质监局'));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_PAYLOAD');
    expect(response.body.detail).toMatch(/unit：单位名称（如 市质监局）不能为空/);
    expect(response.body.detail).toMatch(/summary：/);
    expect(response.body.detail).toMatch(/percentComplete：完成进度不能大于 100/);
    expect(response.body.detail).toMatch(/extra/);
  });

  test('a report for a period the task does not have', async () => {
    const response = await report({ unit: '市质监局', period: '2001-Q1', summary: '进展', percentComplete: 10 });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      code: 'UNKNOWN_PERIOD',
      detail: expect.stringMatching(/^任务 二\.\(三\)\.一是 没有报送周期 2001-Q1；其报送周期为 \d{4}-Q\d/),
    });
  });

  test('a report for an unknown task', async () => {
    const response = await call('POST', `/assignments/${planId}:九.(九):市质监局/reports`, {
      unit: '市质监局',
      summary: '进展',
      percentComplete: 10,
    });
    expect(response).toMatchObject({
      status: 404,
      body: {
        code: 'UNKNOWN_TASK',
        detail: `没有编号为 ${planId}:九.(九):市质监局 的任务；请核对编号，或先交办该任务`,
      },
    });
  });

  test('the same task assigned twice to the same unit', async () => {
    const response = await call('POST', '/assignments', assignment(planId));
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      code: 'ALREADY_ASSIGNED',
      detail: `计划 ${planId} 的任务 二.(三).一是 已交办给市质监局`,
    });
  });

  test('an assignment whose due date has passed', async () => {
    const response = await call('POST', '/assignments', { ...assignment(uniqueId('plan')), due: '2017-12-31' });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^完成时限 2017-12-31 已过；请给出 \d{4}-\d{2}-\d{2} 及以后的日期$/);
  });

  test('a NUL character in a report, which PostgreSQL could never store', async () => {
    const response = await report({ unit: '市质监局', summary: '完成\u0000抽检', percentComplete: 10 });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('请求格式有误：summary：进展情况含有控制字符（如 NUL），请删去后再提交');
  });

  test('a report longer than any store should carry', async () => {
    const response = await report({ unit: '市质监局', summary: '报'.repeat(20_000), percentComplete: 10 });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('请求格式有误：summary：进展情况最长 5000 个字符');
  });

  test('a body over the HTTP limit, long before Kafka would refuse its record', async () => {
    const response = await report({ unit: '市质监局', summary: 'x'.repeat(1_000_000), percentComplete: 10 });
    expect(response).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  test('an Idempotency-Key of 8 KB', async () => {
    const response = await report(
      { unit: '市质监局', summary: '进展', percentComplete: 10 },
      { 'idempotency-key': 'k'.repeat(8_192) },
    );
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^Idempotency-Key 须为 1 到 128 个可打印 ASCII 字符/);
  });
});

describe('what no store could take is refused at the edge, and starts nothing', () => {
  const refused = async (body: object) => {
    const planId = (body as { planId?: string }).planId ?? uniqueId('plan');
    const response = await call('POST', '/assignments', { ...assignment(uniqueId('plan')), planId, ...body });
    expect(response.status).toBe(400);
    expect(response.bytes).toBeLessThan(2_000);
    const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');
    expect(await storedEvents(id)).toEqual([]);
    await expect(temporal.client.workflow.getHandle(id).describe()).rejects.toThrow(/not found/i);
    return response.body.detail as string;
  };

  test('a NUL character in a title', async () => {
    expect(await refused({ title: '强化\u0000监管' })).toBe(
      '请求格式有误：title：任务名称含有换行或控制字符（如 NUL），请写在一行内并删去控制字符',
    );
  });

  test('a title of 900 KB is over the body limit; one of 600 characters over the title bound', async () => {
    const huge = await call('POST', '/assignments', { ...assignment(uniqueId('plan')), title: '题'.repeat(300_000) });
    expect(huge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await refused({ title: '题'.repeat(600) })).toBe('请求格式有误：title：任务名称最长 500 个字符');
  });

  test('a due date in the year 9999 or 3000 is beyond the horizon, and said in a line', async () => {
    expect(await refused({ due: '9999-12-31' })).toMatch(
      /^完成时限 9999-12-31 超出 10 年的督办期限；请给出 \d{4}-\d\d-\d\d 以前的日期/,
    );
    expect(await refused({ due: '3000-12-31' })).toMatch(/^完成时限 3000-12-31 超出 10 年的督办期限/);
  });

  test('report dates out of order or repeated; the id can then be assigned properly', async () => {
    const planId = uniqueId('plan');
    const today = shanghaiDate(new Date());
    const [a, b] = [addDays(today, 30), addDays(today, 120)];
    expect(await refused({ planId, reportsDue: [b, a] })).toBe(
      '请求格式有误：reportsDue：报送日期须按先后排列且互不重复',
    );
    expect(await refused({ planId, reportsDue: [a, a] })).toBe(
      '请求格式有误：reportsDue：报送日期须按先后排列且互不重复',
    );
    const assigned = await call('POST', '/assignments', { ...assignment(planId), reportsDue: [a, b] });
    expect(assigned.status).toBe(201);
  });

  test('a planId of 5,000 characters', async () => {
    expect(await refused({ planId: 'p'.repeat(5_000) })).toBe('请求格式有误：planId：计划编号最长 64 个字符');
  });
});

describe('addresses and methods', () => {
  test('an unknown address answers problem+json 404', async () => {
    expect(await call('GET', '/tasks')).toMatchObject({
      status: 404,
      type: 'application/problem+json; charset=utf-8',
      body: { code: 'NOT_FOUND', detail: '没有这个地址：GET /tasks；可用的地址见 README 的「API」一节' },
    });
  });

  test('a known address with the wrong method answers 405 and says which methods it has', async () => {
    expect(await call('DELETE', '/assignments/x:y:z')).toMatchObject({
      status: 405,
      allow: 'GET, HEAD',
      body: { code: 'METHOD_NOT_ALLOWED', detail: '/assignments/:id 不支持 DELETE 请求；可用的方法：GET、HEAD' },
    });
    expect(await call('GET', '/assignments')).toMatchObject({ status: 405, allow: 'POST' });
  });
});

describe('Idempotency-Key', () => {
  test('a retried report with the same key is recorded once and answered alike', async () => {
    const planId = uniqueId('plan');
    const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');
    await call('POST', '/assignments', assignment(planId));
    const key = uniqueId('report');
    const send = () =>
      call(
        'POST',
        `/assignments/${id}/reports`,
        { unit: '市质监局', summary: '第一次报送', percentComplete: 30 },
        {
          'idempotency-key': key,
        },
      );
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await storedEvents(id)).toEqual(['TaskAssigned', 'AssignmentAcknowledged', 'ProgressReportSubmitted']);
  });

  test('the same key with a different body is refused, and nothing is recorded for it', async () => {
    const planId = uniqueId('plan');
    const id = assignmentIdOf(planId, '二.(三).一是', '市质监局');
    await call('POST', '/assignments', assignment(planId));
    const key = uniqueId('report');
    const first = await call(
      'POST',
      `/assignments/${id}/acknowledge`,
      { unit: '市质监局' },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(200);
    const other = await call(
      'POST',
      `/assignments/${id}/reports`,
      { unit: '市质监局', summary: '换了内容', percentComplete: 50 },
      { 'idempotency-key': key },
    );
    expect(other).toMatchObject({
      status: 422,
      body: {
        code: 'IDEMPOTENCY_KEY_REUSED',
        detail: `Idempotency-Key ${key} 已用于另一个请求；重试同一请求请原样发送，新的请求请使用新的键`,
      },
    });
    expect(await storedEvents(id)).toEqual(['TaskAssigned', 'AssignmentAcknowledged']);
  });
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
    detail: expect.stringMatching(/^任务 .* 已于 \d{4}-\d\d-\d\d \d\d:\d\d 办结，不能再记录任何事项$/),
  });
  expect(await storedEvents(id)).toEqual(['TaskAssigned', 'TaskCompleted']);
});
