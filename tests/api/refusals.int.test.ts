/**
 * The refusal log on the real stack: a refused turn leaves no event in its task's stream, but the auditor can list
 * who tried what, when and why — per assignment, per task and per caller — through the API and `duban audit
 * refusals`, whichever way the call came (API or CLI). The log itself is append-only. Through the API, the caller is
 * the signed-in account: the log names its id, whether the authorization hook refused the call (another unit's item,
 * a role's turn not its own) or the decider did (a cooperating unit taking the lead's turn).
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { loadCalendarYears } from '../../infra/calendar-store';
import { bearerFor, createAccount } from '../support/accounts';
import { dubanIn } from '../support/duban-cli';
import { jsonCaller } from '../support/http';
import { connectPostgres, ROOT, startStackWorker, testLogger, tracesOf, uniqueId } from '../support/stack';

jest.setTimeout(120_000);

const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';
const OTHER = '市住建局';
const taskQueue = uniqueId('refusals-test');
const duban = dubanIn(() => ROOT, { TEMPORAL_TASK_QUEUE: taskQueue });
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let api: FastifyInstance;
let base: string;
/** The accounts that sign the calls in: the coordinator's office, the lead unit's head, OTHER's head, an auditor. */
const accounts = { coordinator: '', unit: '', other: '', auditor: '' };

beforeAll(async () => {
  pool = await connectPostgres();
  accounts.coordinator = (await createAccount(pool, { role: 'coordinator', office: COORDINATOR })).id;
  accounts.unit = (await createAccount(pool, { role: 'unit-head', unit: UNIT })).id;
  accounts.other = (await createAccount(pool, { role: 'unit-head', unit: OTHER })).id;
  accounts.auditor = (await createAccount(pool, { role: 'auditor' })).id;
  stack = await startStackWorker(pool, taskQueue);
  const assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: COORDINATOR,
    calendarYears: () => loadCalendarYears(pool),
  });
  api = buildApi({ assignments, pool, logger: testLogger });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  await stack?.stop();
  await pool?.end();
});

/** The API called as the account `accountId` names (read at each call, so it may be set in beforeAll). */
const as = (accountId: () => string) =>
  jsonCaller(
    () => base,
    () => () => bearerFor(pool, accountId()),
  );
const coordinator = as(() => accounts.coordinator);
const unit = as(() => accounts.unit);
const other = as(() => accounts.other);
const auditor = as(() => accounts.auditor);

/**
 * Assigns one item of a fresh plan to UNIT, with `cooperating` units added by the coordinator, and returns its
 * assignment id and task id.
 */
async function assigned(ref = '二.(三).7', cooperating: string[] = []): Promise<{ id: string; taskId: string }> {
  const planId = uniqueId('refusal');
  const answer = await coordinator('POST', '/assignments', {
    planId,
    ref,
    title: '推进质量提升行动',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  });
  expect(answer.status).toBe(201);
  // The task is the plan's item; each lead unit's assignment of it is one workflow.
  const id = assignmentIdOf(planId, ref, UNIT);
  if (cooperating.length > 0) {
    const added = await coordinator('POST', `/assignments/${id}/cooperating`, {
      by: COORDINATOR,
      add: cooperating,
      reason: '按职责分工配合',
    });
    expect(added.status).toBe(200);
  }
  return { id, taskId: `${planId}:${ref}` };
}

test('a 签收 by a cooperating unit is refused, leaves no event, and the auditor sees who tried it and why', async () => {
  const { id } = await assigned('二.(三).7', [OTHER]);
  const before = await tracesOf(pool, stack.client, id);

  const answer = await other('POST', `/assignments/${id}/acknowledge`, { unit: OTHER });
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 403, code: 'WRONG_UNIT' });
  expect(await tracesOf(pool, stack.client, id)).toEqual(before);

  const listed = await auditor('GET', `/assignments/${id}/refusals`);
  expect(listed.status).toBe(200);
  expect(listed.body).toEqual([
    expect.objectContaining({
      caller: accounts.other,
      operation: 'acknowledge',
      assignmentId: id,
      code: 'WRONG_UNIT',
      detail: answer.body.detail,
      source: 'api',
      request: JSON.stringify({ unit: OTHER }),
    }),
  ]);
  expect(Date.parse(listed.body[0].refusedAt)).toBeGreaterThan(Date.now() - 60_000);
});

test('a 签收 by a unit the item is not given to answers as if there were no such item, and is logged', async () => {
  const { id } = await assigned();
  const before = await tracesOf(pool, stack.client, id);

  const answer = await other('POST', `/assignments/${id}/acknowledge`, { unit: OTHER });
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 404, code: 'UNKNOWN_TASK' });
  expect(await tracesOf(pool, stack.client, id)).toEqual(before);

  expect((await auditor('GET', `/assignments/${id}/refusals`)).body).toEqual([
    expect.objectContaining({
      caller: accounts.other,
      operation: 'POST /assignments/:id/acknowledge',
      assignmentId: id,
      code: 'UNKNOWN_TASK',
      detail: answer.body.detail,
      source: 'api',
    }),
  ]);
});

test("a 交办 refused (the item already assigned) is recorded under its assignment, as from the coordinator's account", async () => {
  const planId = uniqueId('refusal');
  const request = {
    planId,
    ref: '三.(二).4',
    title: '推进质量提升行动',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  };
  expect((await coordinator('POST', '/assignments', request)).status).toBe(201);
  const again = await coordinator('POST', '/assignments', request);
  expect(again.body.code).toBe('ALREADY_ASSIGNED');

  const id = assignmentIdOf(planId, '三.(二).4', UNIT);
  expect((await auditor('GET', `/assignments/${id}/refusals`)).body).toEqual([
    expect.objectContaining({
      caller: accounts.coordinator,
      operation: 'assign',
      code: 'ALREADY_ASSIGNED',
      source: 'api',
    }),
  ]);
});

test('a body refused for what no store can hold (a NUL) is kept in the log, escaped', async () => {
  const { id } = await assigned();
  const answer = await unit('POST', `/assignments/${id}/reports`, {
    unit: UNIT,
    summary: 'a\u0000b',
    percentComplete: 10,
  });
  expect(answer.body.code).toBe('INVALID_PAYLOAD');

  const [refusal] = (await auditor('GET', `/assignments/${id}/refusals`)).body;
  expect(refusal).toMatchObject({ caller: accounts.unit, operation: 'submitReport', code: 'INVALID_PAYLOAD' });
  expect(JSON.parse(refusal.request)).toEqual({ unit: UNIT, summary: 'a\u0000b', percentComplete: 10 });
});

test('the log lists a caller across tasks and a task across its assignments; an unfiltered list is refused', async () => {
  // A unit of its own, cooperating on both items: its 签收 is the decider's to refuse, its 办结 the table's.
  const helper = uniqueId('某局');
  const first = await assigned('一.(一).1', [helper]);
  const second = await assigned('一.(一).2', [helper]);
  const caller = (await createAccount(pool, { role: 'unit-head', unit: helper })).id;
  const helperCall = as(() => caller);
  await helperCall('POST', `/assignments/${first.id}/acknowledge`, { unit: helper });
  await helperCall('POST', `/assignments/${second.id}/complete`, { by: helper, summary: '已全部完成' });

  const byCaller = await auditor('GET', `/refusals?caller=${caller}`);
  expect(byCaller.body.map((r: { assignmentId: string; code: string }) => [r.assignmentId, r.code])).toEqual([
    [first.id, 'WRONG_UNIT'],
    [second.id, 'FORBIDDEN'],
  ]);
  const byTask = await auditor('GET', `/refusals?task=${second.taskId}`);
  expect(byTask.body.map((r: { caller: string }) => r.caller)).toEqual([caller]);

  const unfiltered = await auditor('GET', '/refusals');
  expect({ status: unfiltered.status, code: unfiltered.body.code }).toEqual({ status: 400, code: 'INVALID_PAYLOAD' });
});

test('a turn refused through the CLI is recorded too, and `duban audit refusals` lists it', async () => {
  const { id } = await assigned();
  const refused = await duban('task', 'ack', id, '--unit', OTHER);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('WRONG_UNIT');

  const listed = await duban('audit', 'refusals', '--assignment', id, '--format', 'json');
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([
    expect.objectContaining({ caller: OTHER, operation: 'acknowledge', code: 'WRONG_UNIT', source: 'cli' }),
  ]);
  const text = await duban('audit', 'refusals', '--caller', OTHER, '--assignment', id);
  expect(text.stdout).toMatch(
    new RegExp(`拒绝记录 1 条：\\n .*${OTHER} 经命令行对 .* 执行 acknowledge，被拒绝 \\[WRONG_UNIT\\]`),
  );

  const unfiltered = await duban('audit', 'refusals');
  expect(unfiltered.code).toBe(2);
  expect(unfiltered.stderr).toContain('--task');
});

test('the refusal log is append-only: a refusal can be neither changed nor deleted', async () => {
  const { id } = await assigned();
  await other('POST', `/assignments/${id}/acknowledge`, { unit: OTHER });
  await expect(pool.query(`UPDATE refusals SET caller = 'x' WHERE assignment_id = $1`, [id])).rejects.toThrow(
    /append-only/,
  );
  await expect(pool.query('DELETE FROM refusals WHERE assignment_id = $1', [id])).rejects.toThrow(/append-only/);
});
