/**
 * What only months of a cycle show, through the coordinator's routes and pages, on Temporal's time-skipping server
 * started on 2017-01-03 with the real activities, PostgreSQL and Kafka: a cycle launched by uploading its task table
 * to POST /cycles on the server's own date, a unit silent past its due date climbing the ladder to 通报, the overdue
 * list (JSON and page) naming the level reached, and the period's bulletin as JSON and as the XLSX an office prints.
 * (The lights are visibility's, which this server cannot list: tests/api/cycle-routes.int.test.ts shows them on the
 * dev server.)
 */
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { CycleService } from '../../api/cycles';
import { buildApi } from '../../api/server';
import { writeCsv } from '../../cli/csv';
import { parsePlan, planToRows } from '../../domain/plan';
import { bearerFor, createAccount } from '../support/accounts';
import {
  connectPostgres,
  createTimeSkippingEnv,
  readModelsOf,
  runProductWorker,
  testLogger,
  uniqueId,
} from '../support/stack';
import { signInWeb, type WebSession } from '../support/web-session';

jest.setTimeout(240_000);

const OFFICE = '市政府督查室';
const SCRIPT = '<script>alert("x")</script>';
const PLAN = `某某市2017年质量工作要点
一、质量提升
（一）开展${SCRIPT}质量提升行动。（责任单位：市商务局；完成时限：2017年2月底前）
（二）推进标准化建设。（责任单位：市农委；完成时限：2017年6月底前）
`;

let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;
let cycles: CycleService;
let api: FastifyInstance;
let base: string;
/** The coordinator, signed in as a person is: the pages in a browser's session, the JSON routes with a token. */
let session: WebSession;
let token: Record<string, string>;
const run = uniqueId('bulletins');
const taskQueue = `${run}-queue`;
const cycleId = `${run}-2017`;
const silent = `${cycleId}:一.(一):市商务局`;

beforeAll(async () => {
  pool = await connectPostgres();
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-01-03T09:00:00+08:00') });
  worker = await runProductWorker(pool, taskQueue, { connection: env.nativeConnection, client: env.client });
  cycles = new CycleService({ client: env.client, pool, taskQueue });
  api = buildApi({
    assignments: new AssignmentService({ client: env.client, taskQueue, coordinator: OFFICE }),
    cycles,
    client: env.client,
    pool,
    logger: testLogger,
    // The launch's first day is the server's 2017-01-03, not the wall clock's.
    now: async () => new Date(await env.currentTimeMs()),
  });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  const coordinator = await createAccount(pool, { role: 'coordinator', office: OFFICE, displayName: '李娜' });
  token = await bearerFor(pool, coordinator.id);
  session = await signInWeb(base, coordinator.id);
});

afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
  await pool?.end();
});

/** A call to the JSON API with the coordinator's token, or a page with its session (`url` under /web/). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body (or the bytes), asserted field by field
async function call(method: string, url: string, body?: Uint8Array, headers?: Record<string, string>): Promise<any> {
  const signedIn = url.startsWith('/web/') ? { cookie: session.cookie } : token;
  const response = await fetch(base + url, { method, ...(body && { body }), headers: { ...signedIn, ...headers } });
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    type,
    headers: response.headers,
    body: type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer()),
  };
}

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value)) return value;
    if (i >= 120) throw new Error(`${what} never came: ${JSON.stringify(value).slice(0, 1000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test('a cycle launched from its uploaded table on the server’s date runs until its first bulletin', async () => {
  const launched = await call(
    'POST',
    `/cycles?cycle=${cycleId}&title=${encodeURIComponent('某某市2017年质量工作督办')}`,
    writeCsv(planToRows(parsePlan(PLAN).plan)),
    { 'x-file-name': encodeURIComponent('2017年任务分解表.csv') },
  );
  expect(launched.status).toBe(201);
  expect(launched.body).toMatchObject({ items: 2, cycle: { cycleId, title: '某某市2017年质量工作督办' } });
  // The coordinator who launched it coordinates it: the cycle is granted to the account.
  expect((await call('GET', '/auth/me')).body.account.cycles).toEqual([cycleId]);

  const view = await eventually(
    'the launch',
    () => cycles.status(cycleId),
    (v) => v.status === 'running',
  );
  const first = view.schedule[0]!;
  // Past the period's last ladder step and its bulletin.
  await env.sleep(new Date(first.at).getTime() - (await env.currentTimeMs()) + 60 * 60_000);
  const issued = await eventually(
    'the bulletin',
    () => call('GET', `/cycles/${cycleId}/bulletins`),
    (answer) => answer.body.bulletins?.length === 1,
  );
  expect(issued.body.bulletins[0]).toMatchObject({ period: first.key, label: first.label, units: 1, onTimeRate: 0 });
  expect(issued.body.bulletins[0].criticized).toEqual(['市商务局']);
});

test('the overdue list names the silent unit’s item and the highest step it reached, in JSON and on the page', async () => {
  await readModelsOf(pool, silent);
  const { body } = await call('GET', '/escalations');
  expect(body.items).toEqual([
    expect.objectContaining({
      assignmentId: silent,
      cycleId,
      unit: '市商务局',
      title: `开展${SCRIPT}质量提升行动`,
      level: 'report-coordinator',
      levelName: '通报',
      escalations: ['urge', 'notify-head', 'report-coordinator'],
    }),
  ]);
  const page = await call('GET', '/web/escalations');
  const html = (page.body as Buffer).toString('utf8');
  expect(html).toContain(`href="/web/assignments/${encodeURIComponent(silent)}"`);
  expect(html).toContain('<span class="light light-red">通报</span>');
  expect(html).toContain('开展&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;质量提升行动');
  expect(html).not.toContain(SCRIPT);

  const item = await call('GET', `/web/assignments/${encodeURIComponent(silent)}`);
  expect((item.body as Buffer).toString('utf8')).toContain('催办 → 督办 → 通报');
});

test('the bulletin downloads as the XLSX the office prints, named in UTF-8, with the bulletin’s rows', async () => {
  const [{ period, label }] = (await call('GET', `/cycles/${cycleId}/bulletins`)).body.bulletins;
  const bulletin = await call('GET', `/cycles/${cycleId}/bulletins/${period}`);
  expect(bulletin.body).toMatchObject({ cycleId, period: { key: period, label } });
  expect(bulletin.body.units).toEqual([expect.objectContaining({ unit: '市商务局', rank: 1, missing: 1 })]);

  const file = await call('GET', `/cycles/${cycleId}/bulletins/${period}/xlsx`);
  expect(file.status).toBe(200);
  expect(file.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const name = `某某市2017年质量工作督办${label}督查通报.xlsx`;
  expect(file.headers.get('content-disposition')).toBe(
    `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.body as ArrayBuffer);
  const sheet = workbook.getWorksheet('督查通报')!;
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  const ranked = rows.find((r) => r.includes('市商务局'));
  expect(ranked).toEqual(expect.arrayContaining(['1', '市商务局', String(bulletin.body.units[0].score)]));
  expect(rows.some((r) => r.some((c) => c.includes(label)))).toBe(true);

  const page = await call('GET', `/web/cycles`);
  expect((page.body as Buffer).toString('utf8')).toContain(`href="/web/cycles/${cycleId}"`);

  const missing = await call('GET', `/cycles/${cycleId}/bulletins/2099-Q1/xlsx`);
  expect(missing).toMatchObject({ status: 404, body: { code: 'UNKNOWN_PERIOD' } });
  expect(missing.body.detail).toContain(`已有：${period}`);
});
