/**
 * The 督办 conversation through the HTTP API on the real stack (the Temporal dev server, PostgreSQL, Kafka), as a
 * unit's liaison and the coordinator's office take its turns on one item: a report replaced with evidence, returned
 * for rework, reported again and accepted; an extension asked for and granted; a due date moved; a closure asked
 * for, returned (退办), asked again and approved. Every refusal answers problem+json with its code and leaves
 * nothing behind: not an event in the store, not an event in the workflow's history. Each call is signed in as the one
 * it names (tests/support/named-accounts.ts): a unit's turn by that unit's head, the coordinator's by its office, a
 * read by the auditor; a unit on an item not its own is answered as if the item did not exist.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { IdempotencyKeys } from '../../api/idempotency';
import { buildApi } from '../../api/server';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { loadCalendarYears } from '../../infra/calendar-store';
import { resolveEvidence } from '../../infra/evidence-store';
import { pdf } from '../evidence/files';
import { jsonCaller } from '../support/http';
import { namedAccounts, type SignIn } from '../support/named-accounts';
import { connectPostgres, readModelsOf, startStackWorker, tracesOf, testLogger, uniqueId } from '../support/stack';
import { storedEvents } from '../support/stored-events';

jest.setTimeout(120_000);

const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';
const taskQueue = uniqueId('conversation-test');
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let api: FastifyInstance;
let base: string;
let signIn: SignIn;

beforeAll(async () => {
  pool = await connectPostgres();
  signIn = namedAccounts(pool);
  stack = await startStackWorker(pool, taskQueue);
  const assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: COORDINATOR,
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
    resolveEvidence: (cited) => resolveEvidence(pool, cited),
  });
  api = buildApi({ assignments, pool, logger: testLogger });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  await stack?.stop();
  await pool?.end();
});

const call = jsonCaller(
  () => base,
  () => signIn,
);

const traces = (id: string) => tracesOf(pool, stack.client, id);

async function expectRefused(id: string, url: string, payload: unknown, status: number, code: string, detail: RegExp) {
  const before = await traces(id);
  const answer = await call('POST', url, payload);
  expect({ status: answer.status, type: answer.type, code: answer.body.code }).toEqual({
    status,
    type: 'application/problem+json; charset=utf-8',
    code,
  });
  expect(answer.body.detail).toMatch(detail);
  expect(await traces(id)).toEqual(before);
}

/** A recipient's notices of one assignment, once the read models have applied its events. */
async function inboxOf(recipient: string, id: string): Promise<Array<{ kind: string; subject: string }>> {
  await readModelsOf(pool, id);
  const { rows } = await pool.query<{ kind: string; subject: string }>(
    'SELECT kind, subject FROM inbox WHERE recipient = $1 AND assignment_id = $2 ORDER BY seq',
    [recipient, id],
  );
  return rows;
}

async function upload(bytes: Buffer, name: string): Promise<{ sha256: string; name: string }> {
  const response = await fetch(`${base}/evidence`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'x-file-name': encodeURIComponent(name),
      ...(await signIn('POST', '/evidence')),
    },
    body: bytes,
  });
  expect(response.status).toBeLessThan(300);
  const ref = (await response.json()) as { sha256: string };
  return { sha256: ref.sha256, name };
}

test('a report replaced with evidence, returned for rework, reported again and accepted', async () => {
  const planId = uniqueId('talk');
  const id = assignmentIdOf(planId, '三.(一).5', UNIT);
  const today = shanghaiDate(new Date());
  const assigned = await call('POST', '/assignments', {
    planId,
    ref: '三.(一).5',
    title: '开展食品安全抽检',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(today, 200),
  });
  expect(assigned.status).toBe(201);
  const period = assigned.body.periods[0].period as string;
  const url = `/assignments/${id}`;

  await expectRefused(
    id,
    `${url}/reviews`,
    { by: COORDINATOR, period, decision: 'accept' },
    409,
    'NO_REPORT',
    /没有可审核的报告/,
  );
  await expectRefused(
    id,
    `${url}/contributions`,
    { unit: UNIT, summary: '协办意见' },
    403,
    'NOT_COOPERATING',
    /市市场监管局不是任务 三.\(一\).5 的配合单位，不能提交协办意见；该任务没有配合单位/,
  );
  await expectRefused(
    id,
    `${url}/contributions`,
    { unit: '市教育局', summary: '协办意见' },
    404,
    'UNKNOWN_TASK',
    /^没有编号为 .* 的任务；请核对编号，或先交办该任务$/,
  );

  expect(
    (await call('POST', `${url}/reports`, { unit: UNIT, summary: '已抽检 120 批次', percentComplete: 30 })).status,
  ).toBe(200);
  const missing = { sha256: 'f'.repeat(64), name: '抽检报告.pdf', size: 10, type: 'application/pdf' };
  await expectRefused(
    id,
    `${url}/reports`,
    { unit: UNIT, period, summary: '已抽检 150 批次', percentComplete: 35, evidence: [missing] },
    400,
    'EVIDENCE_NOT_STORED',
    /尚未上传；请先用 POST \/evidence 上传文件/,
  );
  const file = pdf(`抽检报告 ${planId}`);
  const cited = await upload(file, '抽检报告.pdf');
  // What the caller says of size and type is not trusted: the store's figures are recorded.
  const replaced = await call('POST', `${url}/reports`, {
    unit: UNIT,
    period,
    summary: '已抽检 150 批次',
    percentComplete: 35,
    evidence: [{ ...cited, size: 1, type: 'image/png' }],
  });
  expect(replaced.status).toBe(200);
  expect(replaced.body.periods[0].report).toMatchObject({
    summary: '已抽检 150 批次',
    evidence: [{ sha256: cited.sha256, name: '抽检报告.pdf', size: file.length, type: 'application/pdf' }],
  });
  const evidenceUrl = `${url}/evidence/${cited.sha256}`;
  const download = await fetch(`${base}${encodeURI(evidenceUrl)}`, { headers: await signIn('GET', evidenceUrl) });
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(file)).toBe(true);

  await expectRefused(
    id,
    `${url}/reviews`,
    { by: COORDINATOR, period, decision: 'return' },
    400,
    'COMMENT_REQUIRED',
    /须写明意见/,
  );
  await expectRefused(
    id,
    `${url}/reviews`,
    { by: UNIT, period, decision: 'accept' },
    403,
    'FORBIDDEN',
    /^此事项属于市政府督查室，不由您（.*）督办/,
  );
  const returned = await call('POST', `${url}/reviews`, {
    by: COORDINATOR,
    period,
    decision: 'return',
    comment: '请附抽检不合格批次的处置情况',
  });
  expect(returned.status).toBe(200);
  expect(returned.body.light).toBe('yellow');
  expect(returned.body.periods[0].report).toBeUndefined();
  expect(returned.body.periods[0].returned).toMatchObject({ by: COORDINATOR, comment: '请附抽检不合格批次的处置情况' });

  expect(
    (await call('POST', `${url}/reports`, { unit: UNIT, period, summary: '已补充处置情况', percentComplete: 40 }))
      .status,
  ).toBe(200);
  const accepted = await call('POST', `${url}/reviews`, {
    by: COORDINATOR,
    period,
    decision: 'accept',
    comment: '同意',
  });
  expect(accepted.body.periods[0].report.accepted).toMatchObject({ by: COORDINATOR, comment: '同意' });
  await expectRefused(
    id,
    `${url}/reports`,
    { unit: UNIT, period, summary: '再改一次', percentComplete: 41 },
    409,
    'ALREADY_REPORTED',
    /已审核通过，不能更改/,
  );

  expect((await traces(id)).stored).toEqual([
    'TaskAssigned',
    'AssignmentAcknowledged',
    'ProgressReportSubmitted',
    'ProgressReportSubmitted',
    'ReportReturned',
    'ProgressReportSubmitted',
    'ReportAccepted',
  ]);
  expect((await inboxOf(UNIT, id)).map((n) => n.kind)).toEqual(['assignment', 'rework', 'review']);
});

test('an extension granted, a due date moved, a closure returned and then approved', async () => {
  const planId = uniqueId('talk');
  const id = assignmentIdOf(planId, '三.(二).7', UNIT);
  const today = shanghaiDate(new Date());
  const assigned = await call('POST', '/assignments', {
    planId,
    ref: '三.(二).7',
    title: '推进质量品牌建设',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(today, 300),
  });
  expect(assigned.status).toBe(201);
  const [first, second, third] = assigned.body.periods as Array<{ period: string; due: string }>;
  const url = `/assignments/${id}`;
  const later = addDays(second!.due, 10);

  await expectRefused(
    id,
    `${url}/extensions`,
    { unit: UNIT, period: second!.period, to: addDays(today, -1), reason: '样品送检' },
    400,
    'INVALID_DATE',
    /不能改到已经过去的/,
  );
  await expectRefused(
    id,
    `${url}/extensions`,
    { unit: UNIT, period: second!.period, to: third!.due, reason: '样品送检' },
    400,
    'INVALID_DATE',
    /须早于下一周期/,
  );
  await expectRefused(
    id,
    `${url}/extensions/decision`,
    { by: COORDINATOR, decision: 'approve' },
    409,
    'NO_REQUEST',
    /没有待答复的延期申请/,
  );
  const asked = await call('POST', `${url}/extensions`, {
    unit: UNIT,
    period: second!.period,
    to: later,
    reason: '样品送检周期延长',
  });
  expect(asked.status).toBe(200);
  expect(asked.body.extensionRequest).toMatchObject({ period: second!.period, from: second!.due, to: later });
  await expectRefused(
    id,
    `${url}/extensions`,
    { unit: UNIT, period: second!.period, to: addDays(later, 1), reason: '再延' },
    409,
    'REQUEST_PENDING',
    /尚待市政府督查室答复/,
  );
  const granted = await call('POST', `${url}/extensions/decision`, {
    by: COORDINATOR,
    decision: 'approve',
    comment: '同意',
  });
  expect(granted.status).toBe(200);
  expect(granted.body.periods[1]).toMatchObject({ due: later, originalDue: second!.due });
  expect(granted.body.extensionRequest).toBeUndefined();

  const moved = await call('POST', `${url}/deadline`, {
    by: COORDINATOR,
    period: first!.period,
    to: addDays(first!.due, -1) > today ? addDays(first!.due, -1) : addDays(first!.due, 1),
    reason: '市政府常务会议提前听取汇报',
  });
  expect(moved.status).toBe(200);

  await expectRefused(
    id,
    `${url}/closure`,
    { unit: '市教育局', summary: '已完成' },
    404,
    'UNKNOWN_TASK',
    /^没有编号为 .* 的任务/,
  );
  expect((await call('POST', `${url}/closure`, { unit: UNIT, summary: '品牌建设任务已完成' })).status).toBe(200);
  await expectRefused(
    id,
    `${url}/closure`,
    { unit: UNIT, summary: '再申请' },
    409,
    'REQUEST_PENDING',
    /申请办结，尚待/,
  );
  await expectRefused(
    id,
    `${url}/closure/decision`,
    { by: COORDINATOR, decision: 'refuse' },
    400,
    'COMMENT_REQUIRED',
    /退办须写明意见/,
  );
  const refused = await call('POST', `${url}/closure/decision`, {
    by: COORDINATOR,
    decision: 'refuse',
    comment: '尚缺年度总结',
  });
  expect(refused.body).toMatchObject({ status: 'assigned', nextAlarm: { command: expect.any(String) } });
  expect((await call('POST', `${url}/closure`, { unit: UNIT, summary: '已补年度总结' })).status).toBe(200);
  const approved = await call('POST', `${url}/closure/decision`, {
    by: COORDINATOR,
    decision: 'approve',
    comment: '同意销号',
  });
  expect(approved.body).toMatchObject({ status: 'completed' });

  expect((await traces(id)).stored).toEqual([
    'TaskAssigned',
    'ExtensionRequested',
    'ExtensionGranted',
    'DeadlineMoved',
    'ClosureRequested',
    'ClosureReturned',
    'ClosureRequested',
    'TaskCompleted',
  ]);
  expect((await inboxOf(COORDINATOR, id)).map((n) => n.kind)).toEqual([
    'extension-request',
    'closure-request',
    'closure-request',
  ]);
  expect((await inboxOf(UNIT, id)).map((n) => n.kind)).toEqual([
    'assignment',
    'extension-answer',
    'deadline-moved',
    'closure-returned',
    'completion',
  ]);
  await readModelsOf(pool, id);
  const { rows } = await pool.query<{ status: string }>('SELECT status FROM assignments WHERE assignment_id = $1', [
    id,
  ]);
  expect(rows[0]?.status).toBe('completed');
});

test('a send-back insisted on, sent back again and answered by 改派: the new unit has the item, the old one ends', async () => {
  const planId = uniqueId('talk');
  const id = assignmentIdOf(planId, '三.(三).2', UNIT);
  const successor = `${id}>市教育局`;
  const today = shanghaiDate(new Date());
  expect(
    (
      await call('POST', '/assignments', {
        planId,
        ref: '三.(三).2',
        title: '加强校园食品安全管理',
        unit: UNIT,
        deadlineText: '持续推进',
        due: addDays(today, 200),
      })
    ).status,
  ).toBe(201);
  const url = `/assignments/${id}`;
  const reason = { unit: UNIT, reason: '校园食堂由教育部门牵头管理' };
  expect((await call('POST', `${url}/send-back`, reason)).body.sentBack).toMatchObject({ unit: UNIT });
  await expectRefused(id, `${url}/send-back`, reason, 409, 'REQUEST_PENDING', /尚待市政府督查室答复/);
  await expectRefused(
    id,
    `${url}/send-back/insist`,
    { by: COORDINATOR, comment: '' },
    400,
    'COMMENT_REQUIRED',
    /坚持交办须写明意见/,
  );
  expect((await call('POST', `${url}/send-back/insist`, { by: COORDINATOR, comment: '属市场监管职责' })).status).toBe(
    200,
  );
  expect((await call('POST', `${url}/send-back`, reason)).status).toBe(200);
  await expectRefused(
    id,
    `${url}/reassign`,
    { by: COORDINATOR, to: UNIT, reason: '改派' },
    400,
    'SAME_UNIT',
    /不能改派给同一单位/,
  );
  const ended = await call('POST', `${url}/reassign`, { by: COORDINATOR, to: '市教育局', reason: '按职责分工改派' });
  expect(ended.body).toMatchObject({ status: 'reassigned', reassigned: { to: '市教育局', successor } });

  const taken = await waitForStatus(successor);
  expect(taken).toMatchObject({ status: 'assigned', spec: { unit: '市教育局' }, handover: { predecessor: id } });
  const refused = await call('POST', `${url}/reports`, { unit: UNIT, summary: '迟到的报送', percentComplete: 5 });
  expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'ALREADY_REASSIGNED' });
  expect(refused.body.detail).toContain(`请对新任务 ${successor} 办理`);
  expect((await inboxOf('市教育局', successor)).map((n) => n.kind)).toEqual(['assignment', 'handed-over']);
  expect((await inboxOf(COORDINATOR, id)).map((n) => n.kind)).toEqual(['send-back', 'send-back']);
  await readModelsOf(pool, id);
  const { rows } = await pool.query<{ status: string }>('SELECT status FROM assignments WHERE assignment_id = $1', [
    id,
  ]);
  expect(rows[0]?.status).toBe('reassigned');

  // Who and why, as stored: each turn names the caller the API passed on (the signed-in account's unit or office, and
  // the account) and the reason given; the successor's first events name the office and the account that reassigned
  // it. Each stream under its own workflow's run.
  const said = async (stream: string) => {
    const { runId } = await stack.client.workflow.getHandle(stream).describe();
    return (await storedEvents(pool, stream)).map(({ event, meta }) => {
      expect(meta).toMatchObject({ workflowId: stream, runId });
      return [event.type, `${meta!.actor.role}:${meta!.actor.name}`, meta!.reason];
    });
  };
  const accounts = (await storedEvents(pool, id)).map(({ meta }) => meta?.actor.account);
  expect(accounts).toEqual(accounts.map(() => expect.stringMatching(/^t-(coordinator|unit-head)-/)));
  expect(await said(id)).toEqual([
    ['TaskAssigned', `coordinator:${COORDINATOR}`, undefined],
    ['AssignmentSentBack', `unit:${UNIT}`, '校园食堂由教育部门牵头管理'],
    ['SendBackRefused', `coordinator:${COORDINATOR}`, '属市场监管职责'],
    ['AssignmentSentBack', `unit:${UNIT}`, '校园食堂由教育部门牵头管理'],
    ['AssignmentReassigned', `coordinator:${COORDINATOR}`, '按职责分工改派'],
  ]);
  expect(await said(successor)).toEqual([
    ['TaskAssigned', `coordinator:${COORDINATOR}`, '按职责分工改派'],
    ['AssignmentHandedOver', `coordinator:${COORDINATOR}`, '按职责分工改派'],
  ]);
  const reassignedBy = (await storedEvents(pool, id)).at(-1)?.meta?.actor.account;
  expect(reassignedBy).toMatch(/^t-coordinator-/);
  expect((await storedEvents(pool, successor)).map(({ meta }) => meta?.actor.account)).toEqual([
    reassignedBy,
    reassignedBy,
  ]);
});

/** The successor is started by the old assignment's workflow after it ends: wait until its TaskAssigned is stored. */
async function waitForStatus(id: string) {
  for (let i = 0; i < 50; i++) {
    const answer = await call('GET', `/assignments/${id}`);
    if (answer.status === 200 && answer.body.status !== 'unassigned') return answer.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`assignment ${id} did not start`);
}

test('the coordinator changes one item: its escalation ladder and its cooperating units, each recorded and told', async () => {
  const planId = uniqueId('talk');
  const id = assignmentIdOf(planId, '三.(四).1', UNIT);
  const today = shanghaiDate(new Date());
  const created = await call('POST', '/assignments', {
    planId,
    ref: '三.(四).1',
    title: '开展质量提升示范',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(today, 200),
  });
  expect(created.status).toBe(201);
  const url = `/assignments/${id}`;
  const helper = `市教育局${planId.slice(-6)}`; // a unit of its own, so its list holds this item only
  const policy = {
    reminderDaysBefore: 3,
    noticeTime: '09:00',
    days: 'working',
    ladder: [
      { level: 'urge', afterDays: 1 },
      { level: 'report-coordinator', afterDays: 2 },
    ],
  };
  await expectRefused(
    id,
    `${url}/policy`,
    { by: COORDINATOR, policy: { ...policy, ladder: [] }, reason: '加快' },
    400,
    'INVALID_PAYLOAD',
    /请求格式有误/,
  );
  const changed = await call('POST', `${url}/policy`, { by: COORDINATOR, policy, reason: '列为重点事项' });
  expect(changed.status).toBe(200);
  expect(changed.body.spec.policy).toEqual(policy);

  await expectRefused(
    id,
    `${url}/cooperating`,
    { by: COORDINATOR, add: [UNIT], reason: '调整' },
    400,
    'SAME_UNIT',
    /不能同时作为配合单位/,
  );
  const added = await call('POST', `${url}/cooperating`, { by: COORDINATOR, add: [helper], reason: '按职责调整' });
  expect(added.body.spec.cooperating).toEqual([helper]);
  // A cooperating unit sees the item, but its 办结 is the lead's: the decider refuses it.
  await expectRefused(
    id,
    `${url}/closure`,
    { unit: helper, summary: '已完成' },
    403,
    'WRONG_UNIT',
    /不是任务 三.\(四\).1 的责任单位；该任务的牵头单位是市市场监管局/,
  );
  expect((await call('POST', `${url}/contributions`, { unit: helper, summary: '已配合开展检查' })).status).toBe(200);
  expect((await traces(id)).stored).toEqual([
    'TaskAssigned',
    'SupervisionPolicyChanged',
    'CooperatingUnitsChanged',
    'ContributionSubmitted',
  ]);
  expect((await inboxOf(helper, id)).map((n) => n.kind)).toEqual(['cooperation']);
  // The cooperating unit sees the item among those it supports, with its lead unit.
  const supporting = await call('GET', `/units/${helper}/supporting`);
  expect(supporting.body).toEqual([
    {
      assignmentId: id,
      ref: '三.(四).1',
      title: '开展质量提升示范',
      leadUnit: UNIT,
      status: 'assigned',
      due: addDays(today, 200),
      deadlineText: '持续推进',
    },
  ]);
  expect((await inboxOf(UNIT, id)).map((n) => n.kind)).toEqual([
    'assignment',
    'policy-changed',
    'cooperation-changed',
    'contribution',
  ]);
});
