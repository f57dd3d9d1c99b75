/**
 * The coordinator's side of the API and the web workspace on the real stack (the Temporal dev server, PostgreSQL,
 * Kafka), with the product's worker on the test's own task queue: a cycle launched by uploading its task table to
 * POST /cycles, its dashboard's lights (from Temporal's visibility, which only the dev server answers), periods and
 * units, the pages that show them with every text escaped, a report reviewed on the item's page, and the cycle paused
 * and resumed through the page's forms. The items fall due next year. Overdue items, escalations and bulletins need
 * months to pass: tests/api/cycle-bulletins.workflow.test.ts runs them on the time-skipping server.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { CycleService } from '../../api/cycles';
import { IdempotencyKeys } from '../../api/idempotency';
import { buildApi } from '../../api/server';
import { writeCsv } from '../../cli/csv';
import { shanghaiDate } from '../../domain/calendar';
import { parsePlan, planToRows } from '../../domain/plan';
import { loadCalendarYears } from '../../infra/calendar-store';
import { bearerFor, createAccount } from '../support/accounts';
import { connectPostgres, startStackWorker, testLogger, uniqueId } from '../support/stack';
import { formBody, signInWeb, type WebSession } from '../support/web-session';

jest.setTimeout(180_000);

const OFFICE = '市政府督查室';
const taskQueue = uniqueId('cycle-routes');
const SCRIPT = '<script>alert("x")</script>';

function planText(): string {
  const next = Number(shanghaiDate(new Date()).slice(0, 4)) + 1;
  return `某某市质量工作要点
一、质量提升
（一）开展${SCRIPT}质量提升行动。（责任单位：市市场监管局；完成时限：${next}年3月底前）
（二）推进标准化建设。（责任单位：市工信局；配合单位：市商务局；完成时限：${next}年6月底前）
（三）加强计量工作。（责任单位：市科技局；完成时限：${next}年6月底前）
`;
}

/** The table as `duban plan parse --format csv` writes it for the coordinator to review. */
const taskTable = (): Buffer => writeCsv(planToRows(parsePlan(planText()).plan));

let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let api: FastifyInstance;
let base: string;
const cycleId = uniqueId('web');
/** The coordinator, signed in twice as a person is: the pages in a browser's session, the JSON routes with a token. */
let coordinatorId: string;
let session: WebSession;
let coordinatorToken: Record<string, string>;
/** The head of 市工信局, who reports on its item through the JSON API. */
let reporterToken: Record<string, string>;

beforeAll(async () => {
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  const assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: OFFICE,
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
  });
  api = buildApi({
    assignments,
    cycles: new CycleService({ client: stack.client, pool, taskQueue }),
    client: stack.client,
    pool,
    logger: testLogger,
  });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  coordinatorId = (await createAccount(pool, { role: 'coordinator', office: OFFICE, displayName: '张伟' })).id;
  coordinatorToken = await bearerFor(pool, coordinatorId);
  session = await signInWeb(base, coordinatorId);
  const reporter = await createAccount(pool, { role: 'unit-head', unit: '市工信局', displayName: '王处长' });
  reporterToken = await bearerFor(pool, reporter.id);
});

afterAll(async () => {
  await api?.close();
  await stack?.stop();
  await pool?.end();
});

interface Answer {
  status: number;
  type: string;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body (or the bytes), asserted field by field
  body: any;
}

/** A call to the JSON API with the coordinator's token, or a page with its session (`url` under /web/). */
async function call(
  method: string,
  url: string,
  init: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const signedIn = url.startsWith('/web/') ? { cookie: session.cookie } : coordinatorToken;
  const response = await fetch(base + url, {
    method,
    redirect: 'manual',
    ...init,
    headers: { ...signedIn, ...init.headers },
  });
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
  return { status: response.status, type, headers: response.headers, body };
}

const json = (method: string, url: string, payload: unknown, signedIn: Record<string, string>) =>
  call(method, url, { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...signedIn } });

/** A form posted from a page: the session's cookie, its CSRF token in `_csrf`. */
const form = (url: string, fields: Record<string, string>) =>
  call('POST', url, {
    body: formBody(session, fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

/** The cycles granted to the coordinator, as GET /auth/me shows them to it. */
const grantedCycles = async (): Promise<string[]> => (await call('GET', '/auth/me')).body.account.cycles;

const text = async (url: string) => {
  const answer = await call('GET', url);
  return { ...answer, html: (answer.body as Buffer).toString('utf8') };
};

/** Polls until `check` passes on the dashboard: the lights trail the workflows by a moment, as visibility does. */
async function dashboardWhen(check: (d: Answer) => boolean): Promise<Answer['body']> {
  for (let i = 0; ; i++) {
    const answer = await call('GET', `/cycles/${cycleId}`);
    if (check(answer)) return answer.body;
    if (i >= 120) throw new Error(`the dashboard never showed it: ${JSON.stringify(answer.body).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test('a table with an item without a lead unit is refused whole with each problem named, and starts nothing', async () => {
  const plan = parsePlan(planText()).plan;
  plan.tasks[1] = { ...plan.tasks[1]!, lead: [] };
  const refused = await call('POST', `/cycles?cycle=${uniqueId('leadless')}`, {
    body: JSON.stringify(plan),
    headers: { 'x-file-name': encodeURIComponent('任务分解表.json') },
  });
  expect(refused.status).toBe(422);
  expect(refused.body).toMatchObject({ code: 'INVALID_TABLE', title: '任务分解表有误' });
  expect(refused.body.problems).toContainEqual(expect.objectContaining({ code: 'MISSING_LEAD' }));

  const noName = await call('POST', `/cycles?cycle=${uniqueId('noname')}`, { body: taskTable() });
  expect(noName).toMatchObject({ status: 422, body: { code: 'INVALID_TABLE' } });
  expect(noName.body.detail).toContain('X-File-Name');

  const untitled = await call('POST', `/cycles?cycle=${uniqueId('untitled')}`, {
    body: taskTable(),
    headers: { 'x-file-name': encodeURIComponent('任务分解表.csv') },
  });
  expect(untitled).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD' } });
  expect(untitled.body.detail).toContain('没有计划标题（CSV 表不含标题）');

  const lightless = await call('POST', `/cycles?cycle=${uniqueId('lightless')}&yellowWhenLeft=0`, {
    body: taskTable(),
    headers: { 'x-file-name': encodeURIComponent('任务分解表.csv') },
  });
  expect(lightless).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD' } });
  expect(lightless.body.detail).toContain('yellowWhenLeft 应为 1% 到 99% 之间的百分比');
  expect(await grantedCycles()).toEqual([]);
});

test('POST /cycles launches a cycle from its task table and answers 201 with the cycle and its warnings', async () => {
  const query = `cycle=${cycleId}&title=${encodeURIComponent('质量工作督办')}&yellowWhenLeft=${encodeURIComponent('25%')}`;
  const answer = await call('POST', `/cycles?${query}`, {
    body: taskTable(),
    headers: { 'x-file-name': encodeURIComponent('任务分解表.csv'), 'content-type': 'text/csv' },
  });
  expect(answer.status).toBe(201);
  expect(answer.body).toMatchObject({
    fresh: true,
    items: 3,
    cycle: { cycleId, title: '质量工作督办', coordinator: OFFICE, items: 3 },
  });
  const codes = answer.body.warnings.map((w: { code: string }) => w.code);
  expect(codes.some((c: string) => c === 'DIRECTORY_EMPTY' || c === 'UNITS_NOT_IN_DIRECTORY')).toBe(true);
  expect(answer.body.cycle.config.calendar).toBeUndefined();
  expect(answer.body.cycle.config.lights).toEqual({ yellowWhenLeft: 0.25 });
  // The coordinator who launched it coordinates it: the cycle is granted to the account.
  expect(await grantedCycles()).toEqual([cycleId]);

  const list = await call('GET', '/cycles');
  expect(list.body.cycles).toEqual([
    expect.objectContaining({ cycleId, title: '质量工作督办', coordinator: OFFICE, launchedBy: OFFICE, items: 3 }),
  ]);
});

test('GET /cycles/:cycle shows the lights, the units and the periods so far', async () => {
  const d = await dashboardWhen(
    ({ status, body }) =>
      status === 200 && body.cycle.status === 'running' && body.lights.green + body.lights.yellow === 3,
  );
  expect(d.lights.red).toBe(0);
  expect(d.awaiting).toBe(0);
  expect(d.units.map((u: { unit: string }) => u.unit).sort()).toEqual(['市工信局', '市市场监管局', '市科技局'].sort());
  for (const unit of d.units) {
    expect(unit).toMatchObject({ items: 1, lights: { red: 0, none: 0 } });
    expect(unit.score).toBeUndefined(); // no bulletin yet
  }
  expect(d.overdue).toEqual([]);
  expect(d.bulletins).toEqual([]);
  expect(d.periods.length).toBeGreaterThan(0);
  for (const p of d.periods) expect(p).toMatchObject({ issued: false, late: 0, missing: 0 });
  expect(d.periods[0]).toMatchObject({ onTimeRate: null });
});

test('the dashboard page lists the units with their lights, and shows every text as text', async () => {
  const id = `${cycleId}:一.(二):市工信局`;
  const report = await json(
    'POST',
    `/assignments/${encodeURIComponent(id)}/reports`,
    {
      unit: '市工信局',
      summary: `已完成标准修订 ${SCRIPT}`,
      percentComplete: 40,
    },
    reporterToken,
  );
  expect(report.status).toBe(200);

  const page = await text(`/web/cycles/${cycleId}`);
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html; charset=utf-8');
  expect(page.html).toContain('data-refresh-seconds="20"');
  for (const unit of ['市市场监管局', '市工信局', '市科技局']) expect(page.html).toContain(`<td>${unit}</td>`);
  expect(page.html).toMatch(/<div class="count" data-light="red">\s*<strong>0<\/strong>/);
  expect(page.html).toMatch(/<span class="light light-(green|yellow)">(绿灯|黄灯)<\/span> 1/);
  expect(page.html).toContain('<section id="units" data-refresh>');
  expect(page.html).toContain('尚未印发督查通报');

  const titled = await text(`/web/assignments/${encodeURIComponent(`${cycleId}:一.(一):市市场监管局`)}`);
  expect(titled.html).toContain('开展&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;质量提升行动');
  expect(titled.html).not.toContain(SCRIPT);

  const item = await text(`/web/assignments/${encodeURIComponent(id)}`);
  expect(item.status).toBe(200);
  expect(item.html).toContain(
    '<div class="report-text">已完成标准修订 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</div>',
  );
  expect(item.html).not.toContain(SCRIPT);
  expect(item.html).toContain(`action="/web/assignments/${encodeURIComponent(id)}/review"`);

  // A cycle not granted to the coordinator — one that does not exist is not — is refused before it is looked for.
  const unknown = await text('/web/cycles/no-such-cycle');
  expect(unknown).toMatchObject({ status: 403, type: 'text/html; charset=utf-8' });
  expect(unknown.html).toContain('督办周期 no-such-cycle 不由您督办');

  const list = await text('/web/cycles');
  expect(list.html).toContain(`href="/web/cycles/${cycleId}"`);
  const escalations = await text('/web/escalations');
  expect(escalations.html).toContain('没有逾期未报的督办事项');
});

test('the coordinator reviews a report on the item page: returned without a comment is refused in Chinese', async () => {
  const id = `${cycleId}:一.(二):市工信局`;
  const url = `/web/assignments/${encodeURIComponent(id)}`;
  const status = await call('GET', `/assignments/${encodeURIComponent(id)}`);
  const period = status.body.periods.find((p: { report?: unknown }) => p.report).period as string;
  const refused = await form(`${url}/review`, { period, decision: 'return' });
  expect(refused.status).toBe(400);
  const page = (refused.body as Buffer).toString('utf8');
  expect(page).toContain('class="flash flash-error" role="alert"');
  expect(page).toMatch(/须写明意见（comment），说明原因和需要怎样改/);

  const accepted = await form(`${url}/review`, { period, decision: 'accept', comment: '进展属实' });
  expect(accepted.status).toBe(303);
  expect(accepted.headers.get('location')).toBe(`${url}?done=reviewed`);
  const after = await text(accepted.headers.get('location')!);
  expect(after.html).toContain('审核意见已送达报送单位');
  expect(after.html).toContain('已审核通过');
});

test('the cycle is paused and resumed through the page’s forms; a second pause is refused with its reason', async () => {
  const url = `/web/cycles/${cycleId}`;
  const paused = await form(`${url}/pause`, { reason: '汛期集中抢险' });
  expect(paused.status).toBe(303);
  expect(paused.headers.get('location')).toBe(`${url}?done=paused`);
  const page = await text(`${url}?done=paused`);
  expect(page.html).toContain('督办周期已暂停：不再提醒和催办');
  expect(page.html).toContain(`已暂停（${OFFICE}`);
  expect(page.html).toContain('汛期集中抢险');
  expect(page.html).toContain(`action="${url}/resume"`);

  const again = await form(`${url}/pause`, { reason: '再次暂停' });
  expect(again.status).toBe(409);
  expect((again.body as Buffer).toString('utf8')).toContain(`督办周期 ${cycleId} 当前已暂停，不能暂停`);

  const unexplained = await form(`${url}/resume`, {});
  expect(unexplained.status).toBe(400);
  expect((unexplained.body as Buffer).toString('utf8')).toContain('恢复的原因');
  expect((await call('GET', `/cycles/${cycleId}`)).body.cycle.status).toBe('paused');
  const resumed = await form(`${url}/resume`, { reason: '汛期抢险结束' });
  expect(resumed.status).toBe(303);
  expect((await call('GET', `/cycles/${cycleId}`)).body.cycle.status).toBe('running');
  expect((await call('GET', '/cycles')).body.cycles[0].status).toBe('running');

  // The same through the JSON API: a resume must say why, as a pause does.
  const json = (action: string, body: object) =>
    call('POST', `/cycles/${cycleId}/${action}`, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  expect((await json('pause', { by: OFFICE, reason: '再次汛期' })).body.status).toBe('paused');
  const bare = await json('resume', { by: OFFICE });
  expect(bare.status).toBe(400);
  expect(bare.body).toMatchObject({ code: 'INVALID_PAYLOAD', detail: expect.stringContaining('reason') });
  const answered = await json('resume', { by: OFFICE, reason: '汛期结束' });
  expect([answered.status, answered.body.status]).toEqual([200, 'running']);
});
