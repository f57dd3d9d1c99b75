/**
 * The unit's and the auditor's side of the workspace on the real stack (the Temporal dev server, PostgreSQL, Kafka):
 * a unit's worklist holds its own items and those it cooperates on, the nearest due first; a report sent through the
 * page's form, with an uploaded file, is recorded citing it, and its text — HTML included — is shown as text; another
 * unit's item is not there (404); the auditor finds the item, reads the report in its timeline with its actor, sees
 * no report in the state before it, and is told the record is intact. Everyone signs in as a person does (the pages in
 * a session with its CSRF token, JSON with a bearer token), and each event names the account that brought it.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { ROLE_NAMES, type Account } from '../../api/auth/account';
import { IdempotencyKeys } from '../../api/idempotency';
import { buildApi } from '../../api/server';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { AuditVerifier } from '../../infra/audit-verify';
import { loadCalendarYears } from '../../infra/calendar-store';
import { resolveEvidence } from '../../infra/evidence-store';
import { pdf } from '../evidence/files';
import { bearerFor, createAccount } from '../support/accounts';
import { connectPostgres, readModelsOf, startStackWorker, testLogger, uniqueId } from '../support/stack';
import { storedEvents } from '../support/stored-events';
import { formBody, signInWeb, type WebSession } from '../support/web-session';

jest.setTimeout(180_000);

const COORDINATOR = '市政府督查室';
const suffix = uniqueId('u').slice(-8);
/** Units of this file's own, so their lists hold this file's items only. */
const UNIT = `市测试局${suffix}`;
const OTHER = `市其他局${suffix}`;

const taskQueue = uniqueId('unit-web-test');
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let verifier: AuditVerifier;
let api: FastifyInstance;
let base: string;

type Who = 'unit' | 'head' | 'other' | 'auditor' | 'coordinator' | 'admin';
/** The people of this test, each signed in as a person is: its pages in a browser's session, JSON with a token. */
const PEOPLE: Record<Who, Omit<Account, 'id'>> = {
  unit: { displayName: '李联', role: 'unit-member', unit: UNIT },
  head: { displayName: '赵负', role: 'unit-head', unit: UNIT },
  other: { displayName: '王其', role: 'unit-member', unit: OTHER },
  auditor: { displayName: '沈计', role: 'auditor' },
  coordinator: { displayName: '周督', role: 'coordinator', office: COORDINATOR },
  admin: { displayName: '钱管', role: 'admin' },
};
const signedIn = {} as Record<Who, { id: string; session: WebSession; token: Record<string, string> }>;

beforeAll(async () => {
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  const assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: COORDINATOR,
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
    resolveEvidence: (cited) => resolveEvidence(pool, cited),
  });
  verifier = new AuditVerifier(pool, stack.client);
  api = buildApi({ assignments, pool, logger: testLogger, verifier });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  for (const [who, person] of Object.entries(PEOPLE) as Array<[Who, Omit<Account, 'id'>]>) {
    const { id } = await createAccount(pool, person);
    signedIn[who] = { id, session: await signInWeb(base, id), token: await bearerFor(pool, id) };
  }
});

afterAll(async () => {
  await api?.close();
  await verifier?.close();
  await stack?.stop();
  await pool?.end();
});

/** What `as` sends: a page (under /web/) with its session's cookie, the JSON API with its token. */
const credentials = (as: Who, url: string) =>
  url.startsWith('/web/') ? { cookie: signedIn[as].session.cookie } : signedIn[as].token;

async function get(as: Who, url: string) {
  const response = await fetch(base + url, { headers: credentials(as, url), redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, headers: response.headers };
}

async function getJson(as: Who, url: string) {
  const answer = await get(as, url);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
  return { ...answer, body: JSON.parse(answer.text) as any };
}

async function postJson(as: Who, url: string, payload: unknown) {
  const response = await fetch(base + encodeURI(url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentials(as, url) },
    body: JSON.stringify(payload),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
  return { status: response.status, body: (await response.json()) as any };
}

/**
 * A form as a browser posts it (application/x-www-form-urlencoded) from a page of `as`'s session: its cookie, its CSRF
 * token in `_csrf`, repeated fields as repeated pairs.
 */
async function postForm(as: Who, url: string, fields: Array<[string, string]>) {
  const { session } = signedIn[as];
  const response = await fetch(base + url, {
    method: 'POST',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(session, fields),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

const today = shanghaiDate(new Date());
const page = (id: string) => `/web/unit/items/${encodeURIComponent(id)}`;
const enc = (id: string) => encodeURIComponent(id);

async function assign(planId: string, ref: string, title: string, unit: string, due: string): Promise<string> {
  const answer = await postJson('coordinator', '/assignments', {
    planId,
    ref,
    title,
    unit,
    deadlineText: '按期完成',
    due,
  });
  expect(answer.status).toBe(201);
  return assignmentIdOf(planId, ref, unit);
}

const planId = uniqueId('web');
const SCRIPT = '<img src=x onerror=alert(1)>';
let soon: string;
let later: string;
let supported: string;
let strangers: string;

beforeAll(async () => {
  later = await assign(planId, '一.(一).1', '推进质量强市建设', UNIT, addDays(today, 200));
  soon = await assign(planId, '一.(一).2', '完成计量器具检定', UNIT, addDays(today, 20));
  supported = await assign(planId, '一.(二).1', '开展联合执法检查', OTHER, addDays(today, 150));
  expect(
    (
      await postJson('coordinator', `/assignments/${supported}/cooperating`, {
        by: COORDINATOR,
        add: [UNIT],
        reason: '按职责调整',
      })
    ).status,
  ).toBe(200);
  strangers = await assign(planId, '一.(三).1', '整治校园周边环境', OTHER, addDays(today, 100));
  await readModelsOf(pool, [later, soon, supported, strangers]);
});

test("a unit's list holds its own items, the nearest due first, and those it cooperates on apart", async () => {
  const list = await getJson('unit', `/units/${enc(UNIT)}/assignments`);
  expect(list.status).toBe(200);
  expect(list.headers.get('read-model-lag')).toMatch(/^events=\d+, notices=\d+, seconds=/);
  const rows = list.body as Array<Record<string, unknown>>;
  expect(rows.filter((r) => r.role === 'lead').map((r) => r.assignmentId)).toEqual([soon, later]);
  expect(rows.filter((r) => r.role === 'cooperating')).toEqual([
    expect.objectContaining({ assignmentId: supported, roleName: '配合', leadUnit: OTHER, light: 'green' }),
  ]);
  expect(rows.map((r) => r.assignmentId)).not.toContain(strangers);
  expect(rows.find((r) => r.assignmentId === soon)).toMatchObject({
    ref: '一.(一).2',
    title: '完成计量器具检定',
    roleName: '牵头',
    status: 'assigned',
    statusName: '待签收',
    light: 'green',
    nextDue: { due: addDays(today, 20) },
    deadlineText: '按期完成',
    due: addDays(today, 20),
    overduePeriods: [],
  });

  const worklist = await get('unit', '/web/unit');
  expect(worklist.status).toBe(200);
  expect(worklist.type).toBe('text/html; charset=utf-8');
  // Not yet acknowledged: both lead items wait for the unit (待签收), the nearer first; the cooperating one apart.
  const due = section(worklist.text, 'worklist-due');
  expect(due.indexOf('完成计量器具检定')).toBeGreaterThan(-1);
  expect(due.indexOf('完成计量器具检定')).toBeLessThan(due.indexOf('推进质量强市建设'));
  expect(section(worklist.text, 'worklist-cooperating')).toContain('开展联合执法检查');
  expect(worklist.text).not.toContain('整治校园周边环境');
});

test("another unit's item is not there: its page and its forms answer 404 and record nothing", async () => {
  expect((await get('unit', page(strangers))).status).toBe(404);
  const before = await storedEvents(pool, strangers);
  const tried = await postForm('unit', `${page(strangers)}/acknowledge`, []);
  // The very answer an item that does not exist gets: the page says nothing of another unit's items.
  expect(tried.status).toBe(404);
  expect(tried.text).toContain(`没有编号为 ${strangers} 的任务`);
  // Signed in still: the refusal's page lets the person sign out (its form carries the session's CSRF token).
  expect(tried.text).toContain(`name="_csrf" value="${signedIn.unit.session.csrfToken}"`);
  expect(await storedEvents(pool, strangers)).toEqual(before);
});

test('a report through the form, with an uploaded file, is recorded citing it and shown as text', async () => {
  const acknowledged = await postForm('unit', `${page(later)}/acknowledge`, []);
  expect(acknowledged).toMatchObject({ status: 303, location: `${page(later)}?done=acknowledge` });

  // app.js uploads the chosen file to /evidence with the session (and the form's _csrf as x-csrf-token), and adds a
  // hidden field "sha256|name" to the form.
  const file = pdf(`report ${planId}`);
  const { session } = signedIn.unit;
  const upload = await fetch(`${base}/evidence`, {
    method: 'POST',
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      'x-file-name': encodeURIComponent('检定报告.pdf'),
    },
    body: file,
  });
  expect(upload.status).toBe(201);
  const stored = (await upload.json()) as { sha256: string };

  const refused = await postForm('unit', `${page(later)}/report`, [
    ['summary', '已完成一半'],
    ['percent', '150'],
  ]);
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('完成进度不能大于 100');

  const reported = await postForm('unit', `${page(later)}/report`, [
    ['summary', `已完成检定 300 台 ${SCRIPT}`],
    ['percent', '40'],
    ['evidence', `${stored.sha256}|检定报告.pdf`],
  ]);
  expect(reported).toMatchObject({ status: 303, location: `${page(later)}?done=report` });

  const events = await storedEvents(pool, later);
  const report = events.find((e) => e.event.type === 'ProgressReportSubmitted')!;
  expect(report.event).toMatchObject({
    unit: UNIT,
    summary: `已完成检定 300 台 ${SCRIPT}`,
    percentComplete: 40,
    evidence: [{ sha256: stored.sha256, name: '检定报告.pdf', size: file.length, type: 'application/pdf' }],
  });
  expect(report.meta?.actor).toMatchObject({ role: 'unit', name: UNIT });

  // 延期, 退回 and 申请办结 decide for the unit: its head is offered them, a member is told who is.
  const head = (await get('head', page(later))).text;
  for (const turn of ['/extension"', '/closure"', '/send-back"']) expect(head).toContain(turn);
  const member = await get('unit', page(later));
  for (const turn of ['/extension"', '/closure"', '/send-back"']) expect(member.text).not.toContain(turn);
  expect(member.text).toContain('延期、退回和申请办结由单位负责人办理');

  const shown = await get('unit', `${page(later)}?done=report`);
  expect(shown.status).toBe(200);
  expect(shown.text).toContain('进展已报送');
  expect(shown.text).toContain('已完成检定 300 台 &lt;img src=x onerror=alert(1)&gt;');
  expect(shown.text).not.toContain('<img');
  expect(shown.text).toContain(`/assignments/${enc(later)}/evidence/${stored.sha256}`);
});

test('the auditor finds the item, reads the report in its timeline, the state before it, and that it is intact', async () => {
  const found = await getJson('auditor', `/search?q=${enc(`质量强市 ${UNIT}`)}`);
  expect(found.status).toBe(200);
  expect(found.body).toMatchObject({ total: 1, page: 1, items: [{ assignmentId: later, unit: UNIT }] });
  expect((await getJson('auditor', '/search?q=')).body.code).toBe('INVALID_PAYLOAD');
  const searchPage = await get('auditor', `/web/audit?q=${enc(`质量强市 ${UNIT}`)}`);
  expect(searchPage.text).toContain(`/web/audit/items/${enc(later)}`);

  const timeline = await getJson('auditor', `/assignments/${enc(later)}/timeline`);
  expect(timeline.status).toBe(200);
  const entries = timeline.body.entries as Array<{ type: string; at: string; actor: unknown; what: string }>;
  expect(entries.map((e) => e.type)).toEqual(['TaskAssigned', 'AssignmentAcknowledged', 'ProgressReportSubmitted']);
  expect(entries[2]).toMatchObject({ actor: { role: 'unit', name: UNIT, account: signedIn.unit.id } });
  expect(entries[2]!.what).toContain(SCRIPT);

  // Just after 签收, before the report: the state then holds no report.
  const before = await getJson('auditor', `/assignments/${enc(later)}/as-of?at=${enc(entries[1]!.at)}`);
  expect(before.status).toBe(200);
  expect(before.body.status).toBe('acknowledged');
  expect(before.body.periods.filter((p: { report?: unknown }) => p.report)).toEqual([]);
  const after = await getJson('auditor', `/assignments/${enc(later)}/as-of?at=${enc(new Date().toISOString())}`);
  expect(after.body.periods[0].report).toMatchObject({ percentComplete: 40 });
  // A date alone is the end of that day; today's is today so far.
  const todaySoFar = await getJson('auditor', `/assignments/${enc(later)}/as-of?at=${today}`);
  expect(todaySoFar.status).toBe(200);
  expect(todaySoFar.body.periods[0].report).toMatchObject({ percentComplete: 40 });
  const tooEarly = await getJson('auditor', `/assignments/${enc(later)}/as-of?at=2001-01-01`);
  expect(tooEarly).toMatchObject({ status: 400, body: { code: 'AS_OF_BEFORE_ASSIGNMENT' } });

  const verified = await getJson('auditor', `/assignments/${enc(later)}/verify`);
  expect(verified.status).toBe(200);
  expect(verified.body).toMatchObject({ ok: true, chain: { ok: true }, history: { ok: true }, replay: { ok: true } });
  expect(verified.body.sentence).toMatch(/^记录完整可信：3 条事件的哈希链完整/);

  const auditPage = await get('auditor', `/web/audit/items/${enc(later)}?at=${enc(entries[1]!.at)}&verify=1`);
  expect(auditPage.status).toBe(200);
  expect(auditPage.text).toContain(`${UNIT}（单位，账号 ${signedIn.unit.id}）`);
  expect(auditPage.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(auditPage.text).not.toContain('<img');
  expect(section(auditPage.text, 'as-of')).toContain('当时尚无报送');
  expect(auditPage.text).toContain('记录完整可信');
  expect((await get('auditor', `/web/audit/items/${enc('no-such:item:单位')}`)).status).toBe(404);
});

test("a cooperating unit sends its 协办意见 through the form; the lead's turns are not offered to it", async () => {
  const shown = await get('unit', page(supported));
  expect(shown.status).toBe(200);
  expect(shown.text).toContain('提交协办意见');
  expect(shown.text).not.toContain('/report"');
  const sent = await postForm('unit', `${page(supported)}/contribution`, [['summary', '已派员参加联合检查']]);
  expect(sent).toMatchObject({ status: 303, location: `${page(supported)}?done=contribution` });
  const events = await storedEvents(pool, supported);
  expect(events.map((e) => e.event.type)).toContain('ContributionSubmitted');
  expect(events.find((e) => e.event.type === 'ContributionSubmitted')!.event).toMatchObject({
    unit: UNIT,
    summary: '已派员参加联合检查',
  });
});

test('延期, 申请办结 and 退回 through their forms: recorded as asked, or refused with the reason shown', async () => {
  expect((await postForm('head', `${page(soon)}/acknowledge`, [])).status).toBe(303);
  // A member is not the one to ask: its form is refused, and nothing is recorded.
  const byMember = await postForm('unit', `${page(soon)}/extension`, [
    ['period', ''],
    ['to', addDays(today, 40)],
    ['reason', '设备到货推迟'],
  ]);
  expect(byMember.status).toBe(403);
  expect((await storedEvents(pool, soon)).map((e) => e.event.type)).toEqual(['TaskAssigned', 'AssignmentAcknowledged']);
  const extension = await postForm('head', `${page(soon)}/extension`, [
    ['period', ''],
    ['to', addDays(today, 40)],
    ['reason', '设备到货推迟'],
  ]);
  expect(extension).toMatchObject({ status: 303, location: `${page(soon)}?done=extension` });
  const noReason = await postForm('head', `${page(soon)}/send-back`, [['reason', '']]);
  expect(noReason.status).toBe(400);
  expect(noReason.text).toContain('退回理由');
  const closure = await postForm('head', `${page(soon)}/closure`, [['summary', '已全部检定完毕']]);
  expect(closure).toMatchObject({ status: 303, location: `${page(soon)}?done=closure` });
  expect((await storedEvents(pool, soon)).map((e) => e.event.type)).toEqual([
    'TaskAssigned',
    'AssignmentAcknowledged',
    'ExtensionRequested',
    'ClosureRequested',
  ]);
  // A second closure request while the first waits is refused, and the page says why.
  const again = await postForm('head', `${page(soon)}/closure`, [['summary', '再次申请']]);
  expect(again.status).toBe(409);
  expect(again.text).toContain('申请办结，尚待市政府督查室答复');
  const shown = await get('unit', page(soon));
  expect(shown.text).toContain('延期申请（完成时限');
  expect(shown.text).toContain('办结申请：已全部检定完毕');
});

test('the admin page lists the accounts, each in its row with its name, role and unit or office', async () => {
  const admin = await get('admin', '/web/admin');
  expect(admin.status).toBe(200);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const who of ['unit', 'coordinator', 'auditor'] as const) {
    const { displayName, role, unit, office } = PEOPLE[who];
    const cells = [signedIn[who].id, displayName, ROLE_NAMES[role], unit ?? office ?? ''];
    expect(admin.text).toMatch(new RegExp(`<tr>\\s*${cells.map((c) => `<td>${escape(c)}</td>`).join('\\s*')}`));
  }
});

test("a unit's inbox lists its notices", async () => {
  const inbox = await get('unit', '/web/unit/inbox');
  expect(inbox.status).toBe(200);
  expect(inbox.text).toContain('【交办】「一.(一).1 推进质量强市建设」');
});

test('a report through the page is recorded as the signed-in person’s, each turn as its own account’s', async () => {
  const id = await assign(planId, '一.(四).1', '建设智慧计量平台', UNIT, addDays(today, 120));
  await readModelsOf(pool, id);
  expect((await postForm('head', `${page(id)}/acknowledge`, [])).status).toBe(303);
  const reported = await postForm('unit', `${page(id)}/report`, [
    ['summary', '平台已完成招标'],
    ['percent', '10'],
  ]);
  expect(reported).toMatchObject({ status: 303, location: `${page(id)}?done=report` });

  // The event store's own record, as an auditor queries it: who, not only which unit, did each thing.
  const { rows } = await pool.query<{ type: string; role: string; name: string; account: string | null }>(
    `SELECT type, meta->'actor'->>'role' AS role, meta->'actor'->>'name' AS name,
            meta->'actor'->>'account' AS account
     FROM assignment_events WHERE assignment_id = $1 ORDER BY seq`,
    [id],
  );
  expect(rows).toEqual([
    { type: 'TaskAssigned', role: 'coordinator', name: COORDINATOR, account: signedIn.coordinator.id },
    { type: 'AssignmentAcknowledged', role: 'unit', name: UNIT, account: signedIn.head.id },
    { type: 'ProgressReportSubmitted', role: 'unit', name: UNIT, account: signedIn.unit.id },
  ]);
});

/** The markup of the element with this id, up to the end of the section it is or is in. */
function section(markup: string, id: string): string {
  const start = markup.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return markup.slice(start, markup.indexOf('</section>', start));
}
