/**
 * `duban task …` on the dev server and PostgreSQL, in-process through cli/main.ts's `main`, with a worker on the
 * test's own task queue: the conversation on one item as a unit's liaison and the coordinator's office script it —
 * a report with an evidence file (stored, then cited by hash), returned for rework, reported again (the same request
 * sent twice under one --idempotency-key is recorded once), accepted; an extension asked for and granted; a deadline
 * moved; a closure asked for with evidence and returned (退办). Each turn says what changed in a line; each refusal
 * prints the service's Chinese message and code, exits non-zero, and leaves nothing in the event store or the
 * workflow's history.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { loadCalendarYears } from '../../infra/calendar-store';
import type { AssignmentView } from '../../workflows/assignment/messages';
import { pdf } from '../evidence/files';
import { dubanIn } from '../support/duban-cli';
import { connectPostgres, startStackWorker, tracesOf, uniqueId } from '../support/stack';

jest.setTimeout(180_000);

const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';
const taskQueue = uniqueId('task-cli');
const REPORT_FILE = pdf(`抽检报告 ${taskQueue}`);
const CLOSURE_FILE = pdf(`验收报告 ${taskQueue}`);
let dir: string;
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let assignments: AssignmentService;
const duban = dubanIn(() => dir, { TEMPORAL_TASK_QUEUE: taskQueue });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-task-'));
  writeFileSync(path.join(dir, '抽检报告.pdf'), REPORT_FILE);
  writeFileSync(path.join(dir, '验收报告.pdf'), CLOSURE_FILE);
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: COORDINATOR,
    calendarYears: () => loadCalendarYears(pool),
  });
});

afterAll(async () => {
  await stack?.stop();
  await pool?.end();
  rmSync(dir, { recursive: true, force: true });
});

const traces = (id: string) => tracesOf(pool, stack.client, id);

/** The command exits 2 with the service's message and code, and nothing is recorded. */
async function expectRefused(id: string, args: string[], code: string, message: RegExp): Promise<void> {
  const before = await traces(id);
  const r = await duban('task', ...args);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(new RegExp(` \\[${code}\\]\\n$`));
  expect(await traces(id)).toEqual(before);
}

async function ok(...args: string[]): Promise<string> {
  const r = await duban('task', ...args);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout;
}

async function shown(id: string): Promise<AssignmentView> {
  return JSON.parse(await ok('show', id, '--json')) as AssignmentView;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('the conversation on one item, each turn in a line, each refusal leaving nothing behind', async () => {
  const planId = uniqueId('task');
  const today = shanghaiDate(new Date());
  const assigned = await assignments.assign({
    planId,
    ref: '三.(一).5',
    title: '开展食品安全抽检',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(today, 200),
  });
  const id = assigned.assignmentId;
  const first = assigned.periods[0]!;
  const P = first.period;

  await expectRefused(
    id,
    ['ack', id, '--unit', '市工信局'],
    'WRONG_UNIT',
    /^duban：市工信局不是任务 三\.\(一\)\.5 的责任单位/,
  );
  expect(await ok('ack', id, '--unit', UNIT)).toBe(`已签收：${id}（${UNIT}）\n`);

  // A report with an evidence file: stored first, then cited by its hash.
  expect(
    await ok(
      'report',
      id,
      '--unit',
      UNIT,
      '--summary',
      '已抽检 120 批次',
      '--percent',
      '30',
      '--evidence',
      '抽检报告.pdf',
    ),
  ).toBe(`已报送：${P}（${first.label}），完成 30%，待审核；佐证材料：抽检报告.pdf\n`);
  const stored = await pool.query('SELECT size::int AS size, type FROM evidence WHERE sha256 = $1', [
    sha256(REPORT_FILE),
  ]);
  expect(stored.rows).toEqual([{ size: REPORT_FILE.length, type: 'application/pdf' }]);
  expect((await shown(id)).periods[0]!.report?.evidence).toEqual([
    { sha256: sha256(REPORT_FILE), name: '抽检报告.pdf', size: REPORT_FILE.length, type: 'application/pdf' },
  ]);

  await expectRefused(
    id,
    ['review', id, '--by', COORDINATOR, '--period', P, '--return'],
    'COMMENT_REQUIRED',
    /^duban：退回重报须写明意见/,
  );
  await expectRefused(
    id,
    ['review', id, '--by', UNIT, '--period', P, '--accept'],
    'NOT_COORDINATOR',
    /请由市政府督查室办理/,
  );
  const returned = await ok('review', id, '--by', COORDINATOR, '--period', P, '--return', '--comment', '请附处置情况');
  const reopened = (await shown(id)).periods[0]!;
  expect(reopened.due >= first.due).toBe(true);
  expect(returned).toBe(`已退回重报：${P}，重报截止 ${reopened.due}；意见：请附处置情况\n`);

  // The same report sent twice under one key (a retry after a lost answer) is recorded once.
  const again = ['report', id, '--unit', UNIT, '--period', P, '--summary', '已补充处置情况', '--percent', '40'];
  const key = ['--idempotency-key', uniqueId('retry')];
  expect(await ok(...again, ...key)).toMatch(new RegExp(`^已报送：${P}（.*），完成 40%，待审核\\n$`));
  const afterFirst = await traces(id);
  expect(await ok(...again, ...key)).toMatch(/完成 40%/);
  expect(await traces(id)).toEqual(afterFirst);

  expect(await ok('review', id, '--by', COORDINATOR, '--period', P, '--accept')).toBe(`已审核通过：${P}\n`);
  await expectRefused(
    id,
    ['review', id, '--by', COORDINATOR, '--period', P, '--accept'],
    'ALREADY_REVIEWED',
    /审核通过，不能再审核/,
  );

  // An extension of the item's deadline, asked for and granted; the coordinator then moves it again.
  const due = assigned.spec!.due;
  const extended = addDays(due, 30);
  expect(await ok('extend', id, '--unit', UNIT, '--to', extended, '--reason', '检测设备未到货')).toBe(
    `已申请延期：完成时限由 ${due} 延至 ${extended}，待${COORDINATOR}答复\n`,
  );
  await expectRefused(
    id,
    ['extend', id, '--unit', UNIT, '--to', addDays(due, 60), '--reason', '再延一次'],
    'REQUEST_PENDING',
    /尚待市政府督查室答复；请待答复后再申请/,
  );
  expect(await ok('extension', id, '--by', COORDINATOR, '--approve')).toBe(
    `已同意延期：完成时限由 ${due} 延至 ${extended}\n`,
  );
  await expectRefused(
    id,
    ['extension', id, '--by', COORDINATOR, '--refuse', '--comment', '不同意'],
    'NO_REQUEST',
    /没有待答复的延期申请/,
  );
  const moved = addDays(extended, 5);
  expect(await ok('move-deadline', id, '--by', COORDINATOR, '--to', moved, '--reason', '与年度考核对齐')).toBe(
    `已调整时限：完成时限由 ${extended} 改为 ${moved}\n`,
  );

  // A closure asked for with evidence, a second one refused while it is pending, then returned (退办).
  expect(
    await ok('close-request', id, '--unit', UNIT, '--summary', '抽检任务已完成', '--evidence', '验收报告.pdf'),
  ).toBe(`已申请办结：${id}，待${COORDINATOR}答复；佐证材料：验收报告.pdf\n`);
  await expectRefused(
    id,
    ['close-request', id, '--unit', UNIT, '--summary', '再次申请', '--evidence', '抽检报告.pdf'],
    'REQUEST_PENDING',
    new RegExp(`^duban：${UNIT}已于 .* 申请办结，尚待${COORDINATOR}答复；请待答复后再申请 `),
  );
  await expectRefused(id, ['closure', id, '--by', COORDINATOR, '--refuse'], 'COMMENT_REQUIRED', /退办须写明意见/);
  expect(await ok('closure', id, '--by', COORDINATOR, '--refuse', '--comment', '请补充第四季度抽检数据')).toBe(
    `已退办：${id} 继续报送；意见：请补充第四季度抽检数据\n`,
  );

  const text = await ok('show', id);
  expect(text).toContain(`督办事项 ${id}\n任务 三.(一).5：开展食品安全抽检\n`);
  expect(text).toContain(`牵头单位：${UNIT}；督办单位：${COORDINATOR}\n`);
  expect(text).toContain(`完成时限：${moved}（原定 ${due}；原文：持续推进）\n`);
  expect(text).toMatch(/状态：已签收，办理中；灯色：(绿灯|黄灯)\n/);
  expect(text).toMatch(
    new RegExp(
      `  ${P}（${first.label}）  截止 ${reopened.due}.*完成 40%，已审核通过（${COORDINATOR}）：已补充处置情况\\n`,
    ),
  );
  expect(text).toContain('待答复的申请：无\n');
  expect(text).toMatch(new RegExp(`时限调整：\\n  .* ${COORDINATOR}准予延期：完成时限由 ${due} 改为 ${extended}\\n`));
  expect(text).toMatch(new RegExp(`  .* ${COORDINATOR}调整时限：完成时限由 ${extended} 改为 ${moved}\\n`));
  expect(text).toMatch(/下一步：\d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+ 到期提醒/);

  expect((await traces(id)).stored).toEqual([
    'TaskAssigned',
    'AssignmentAcknowledged',
    'ProgressReportSubmitted',
    'ReportReturned',
    'ProgressReportSubmitted',
    'ReportAccepted',
    'ExtensionRequested',
    'ExtensionGranted',
    'DeadlineMoved',
    'ClosureRequested',
    'ClosureReturned',
  ]);
});

test('an item that does not exist, and a pending closure shown to the coordinator', async () => {
  const missing = await duban('task', 'show', `${uniqueId('none')}:一.(一):${UNIT}`);
  expect(missing).toMatchObject({ code: 2, stdout: '' });
  expect(missing.stderr).toMatch(/^duban：没有编号为 .* 的任务；请核对编号，或先交办该任务 \[UNKNOWN_TASK\]\n$/);

  const planId = uniqueId('task');
  const { assignmentId: id } = await assignments.assign({
    planId,
    ref: '三.(二).7',
    title: '推进质量品牌建设',
    unit: UNIT,
    due: addDays(shanghaiDate(new Date()), 100),
  });
  await ok('close-request', id, '--unit', UNIT, '--summary', '品牌建设已完成', '--evidence', '验收报告.pdf');
  const text = await ok('show', id);
  expect(text).toMatch(/状态：待签收；/);
  expect(text).toMatch(
    new RegExp(`待答复的申请：\\n  办结申请：${UNIT}于 .* 申请办结：品牌建设已完成；佐证材料：验收报告\\.pdf\\n`),
  );
  expect(await ok('closure', id, '--by', COORDINATOR, '--approve', '--comment', '同意销号')).toBe(
    `已同意办结（销号）：${id}；意见：同意销号\n`,
  );
  expect((await shown(id)).status).toBe('completed');
  await expectRefused(id, ['ack', id, '--unit', UNIT], 'ALREADY_COMPLETED', /办结，不能再记录任何事项/);
});
