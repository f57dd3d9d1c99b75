/**
 * The refusal log on the real stack: a refused turn leaves no event in its task's stream, but the auditor can list
 * who tried what, when and why — per assignment, per task and per caller — through the API and `duban audit
 * refusals`, whichever way the call came (API or CLI). The log itself is append-only.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { loadCalendarYears } from '../../infra/calendar-store';
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

beforeAll(async () => {
  pool = await connectPostgres();
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

const call = jsonCaller(() => base);

/** Assigns one item of a fresh plan to UNIT and returns its assignment id and task id. */
async function assigned(ref = '二.(三).7'): Promise<{ id: string; taskId: string }> {
  const planId = uniqueId('refusal');
  const answer = await call('POST', '/assignments', {
    planId,
    ref,
    title: '推进质量提升行动',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  });
  expect(answer.status).toBe(201);
  // The task is the plan's item; each lead unit's assignment of it is one workflow.
  return { id: assignmentIdOf(planId, ref, UNIT), taskId: `${planId}:${ref}` };
}

test('a 签收 by another unit is refused, leaves no event, and the auditor sees who tried it and why', async () => {
  const { id } = await assigned();
  const before = await tracesOf(pool, stack.client, id);

  const answer = await call('POST', `/assignments/${id}/acknowledge`, { unit: OTHER });
  expect(answer.body.code).toBe('WRONG_UNIT');
  expect(await tracesOf(pool, stack.client, id)).toEqual(before);

  const listed = await call('GET', `/assignments/${id}/refusals`);
  expect(listed.status).toBe(200);
  expect(listed.body).toEqual([
    expect.objectContaining({
      caller: OTHER,
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

test('a 交办 refused (the item already assigned) is recorded under its assignment, as from the coordinator', async () => {
  const planId = uniqueId('refusal');
  const request = {
    planId,
    ref: '三.(二).4',
    title: '推进质量提升行动',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  };
  expect((await call('POST', '/assignments', request)).status).toBe(201);
  const again = await call('POST', '/assignments', request);
  expect(again.body.code).toBe('ALREADY_ASSIGNED');

  const id = assignmentIdOf(planId, '三.(二).4', UNIT);
  expect((await call('GET', `/assignments/${id}/refusals`)).body).toEqual([
    expect.objectContaining({ caller: COORDINATOR, operation: 'assign', code: 'ALREADY_ASSIGNED', source: 'api' }),
  ]);
});

test('a body refused for what no store can hold (a NUL) is kept in the log, escaped', async () => {
  const { id } = await assigned();
  const answer = await call('POST', `/assignments/${id}/reports`, {
    unit: UNIT,
    summary: 'a\u0000b',
    percentComplete: 10,
  });
  expect(answer.body.code).toBe('INVALID_PAYLOAD');

  const [refusal] = (await call('GET', `/assignments/${id}/refusals`)).body;
  expect(refusal).toMatchObject({ caller: UNIT, operation: 'submitReport', code: 'INVALID_PAYLOAD' });
  expect(JSON.parse(refusal.request)).toEqual({ unit: UNIT, summary: 'a\u0000b', percentComplete: 10 });
});

test('the log lists a caller across tasks and a task across its assignments; an unfiltered list is refused', async () => {
  const first = await assigned('一.(一).1');
  const second = await assigned('一.(一).2');
  const caller = uniqueId('某局');
  await call('POST', `/assignments/${first.id}/acknowledge`, { unit: caller });
  await call('POST', `/assignments/${second.id}/complete`, { by: caller, summary: '已全部完成' });

  const byCaller = await call('GET', `/refusals?caller=${caller}`);
  expect(byCaller.body.map((r: { assignmentId: string; code: string }) => [r.assignmentId, r.code])).toEqual([
    [first.id, 'WRONG_UNIT'],
    [second.id, 'NOT_COORDINATOR'],
  ]);
  const byTask = await call('GET', `/refusals?task=${second.taskId}`);
  expect(byTask.body.map((r: { caller: string }) => r.caller)).toEqual([caller]);

  const unfiltered = await call('GET', '/refusals');
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
  await call('POST', `/assignments/${id}/acknowledge`, { unit: OTHER });
  await expect(pool.query(`UPDATE refusals SET caller = 'x' WHERE assignment_id = $1`, [id])).rejects.toThrow(
    /append-only/,
  );
  await expect(pool.query('DELETE FROM refusals WHERE assignment_id = $1', [id])).rejects.toThrow(/append-only/);
});
