/**
 * `duban audit …` on the dev server and PostgreSQL, in-process through cli/main.ts's `main`, with the product's worker
 * on the test's own task queue. One item goes through a few turns of the 督办 conversation (签收, 报送, 退回重报,
 * 重报, 审核通过, 延期申请 and its grant) and is then handed to another unit (改派), whose successor starts; the
 * auditor's commands are then run on what was recorded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { loadCalendarYears } from '../../infra/calendar-store';
import { migrate } from '../../infra/postgres';
import type { AssignmentView } from '../../workflows/assignment/messages';
import { verifyStreams } from '../../infra/audit-verify';
import { Replayer } from '../../infra/workflow-history';
import { dubanIn } from '../support/duban-cli';
import { connectPostgres, startStackWorker, uniqueId } from '../support/stack';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(180_000);

const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';
const OTHER = '市卫健委';
const taskQueue = uniqueId('audit-cli');
let dir: string;
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let assignments: AssignmentService;
const duban = dubanIn(() => dir, { TEMPORAL_TASK_QUEUE: taskQueue });

let taskId: string;
let id: string;
let successor: string;
/** What each turn's update answered, the workflow's own view right after its events were stored. */
const views: AssignmentView[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-audit-'));
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: COORDINATOR,
    calendarYears: () => loadCalendarYears(pool),
  });
  const planId = uniqueId('audit');
  const today = shanghaiDate(new Date());
  const assigned = await assignments.assign({
    planId,
    ref: '三.(一).5',
    title: '开展食品安全抽检',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(today, 200),
  });
  id = assigned.assignmentId;
  taskId = `${planId}:三.(一).5`;
  views.push(assigned);
  const P = assigned.periods[0]!.period;
  views.push(await assignments.acknowledge(id, { unit: UNIT }));
  views.push(
    await assignments.submitReport(id, { unit: UNIT, period: P, summary: '已抽检 120 批次', percentComplete: 30 }),
  );
  views.push(
    await assignments.reviewReport(id, { by: COORDINATOR, period: P, decision: 'return', comment: '请附处置情况' }),
  );
  views.push(
    await assignments.submitReport(id, { unit: UNIT, period: P, summary: '已补充处置情况', percentComplete: 40 }),
  );
  views.push(await assignments.reviewReport(id, { by: COORDINATOR, period: P, decision: 'accept', comment: '' }));
  const due = assigned.spec!.due;
  views.push(await assignments.requestExtension(id, { unit: UNIT, to: addDays(due, 30), reason: '检测设备未到货' }));
  views.push(await assignments.decideExtension(id, { by: COORDINATOR, decision: 'approve', comment: '' }));
  const reassigned = await assignments.reassign(id, { by: COORDINATOR, to: OTHER, reason: '职能调整' });
  views.push(reassigned);
  successor = reassigned.reassigned!.successor;
  // The successor is started by the predecessor's workflow once it has ended: wait for its first event.
  for (let i = 0; i < 100; i++) {
    const { rowCount } = await pool.query('SELECT 1 FROM assignment_events WHERE assignment_id = $1', [successor]);
    if (rowCount) break;
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await stack?.stop();
  await pool?.end();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(...args: string[]): Promise<string> {
  const r = await duban('audit', ...args);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout;
}

async function refused(args: string[], code: string, message: RegExp, exit = 2): Promise<void> {
  const r = await duban('audit', ...args);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: exit, stdout: '' });
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(new RegExp(` \\[${code}\\]\\n$`));
}

describe('timeline', () => {
  test('a task gives every assignment, the successor too: each event with its time, actor, sentence and notices', async () => {
    const json = JSON.parse(await ok('timeline', taskId, '--format', 'json')) as {
      assignments: Array<{ assignmentId: string; unit: string }>;
      entries: Array<{
        assignmentId: string;
        seq: number;
        time: string;
        type: string;
        actor: { role: string; name: string };
        what: string;
        notices: Array<{ recipient: string; kindName: string }>;
      }>;
    };
    expect(json.assignments.map((a) => [a.assignmentId, a.unit])).toEqual([
      [id, UNIT],
      [successor, OTHER],
    ]);
    const ours = json.entries.filter((e) => e.assignmentId === id);
    expect(ours.map((e) => [e.type, e.actor.role, e.actor.name])).toEqual([
      ['TaskAssigned', 'coordinator', COORDINATOR],
      ['AssignmentAcknowledged', 'unit', UNIT],
      ['ProgressReportSubmitted', 'unit', UNIT],
      ['ReportReturned', 'coordinator', COORDINATOR],
      ['ProgressReportSubmitted', 'unit', UNIT],
      ['ReportAccepted', 'coordinator', COORDINATOR],
      ['ExtensionRequested', 'unit', UNIT],
      ['ExtensionGranted', 'coordinator', COORDINATOR],
      ['AssignmentReassigned', 'coordinator', COORDINATOR],
    ]);
    expect(ours.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ours[0]!.what).toBe(
      `${COORDINATOR}将任务 三.(一).5「开展食品安全抽检」交办${UNIT}牵头落实，完成时限：持续推进（${views[0]!.spec!.due}），` +
        `报送周期 ${views[0]!.periods.map((p) => p.period).join('、')}。`,
    );
    expect(ours[3]!.what).toMatch(
      /^市政府督查室退回 \S+ 进展报告，要求于 \d{4}-\d{2}-\d{2} 前重报，意见：“请附处置情况”。$/,
    );
    expect(ours[0]!.notices.map((n) => [n.kindName, n.recipient])).toEqual([['交办', UNIT]]);
    expect(ours[3]!.notices.map((n) => [n.kindName, n.recipient])).toEqual([['退回重报', UNIT]]);
    // Beijing time, to the second, from the event's own instant.
    const at = views[1]!.acknowledgedAt!;
    expect(ours[1]!.time).toBe(
      new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
    );
    const theirs = json.entries.filter((e) => e.assignmentId === successor);
    expect(theirs.map((e) => e.type).slice(0, 2)).toEqual(['TaskAssigned', 'AssignmentHandedOver']);
  });

  test('text, markdown and a self-contained html page', async () => {
    const text = await ok('timeline', id);
    expect(text).toContain(`督办时间线：三.(一).5「开展食品安全抽检」（${id}），1 项督办，9 条事件，时间为北京时间\n`);
    expect(text).toMatch(
      /\n\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}#2 市市场监管局（单位） {2}市市场监管局签收了任务。\n/,
    );
    expect(text).toMatch(/\n {4}通知 交办 → 市市场监管局：【交办】/);
    const md = await ok('timeline', id, '--format', 'md');
    expect(md).toContain('| 时间（北京） | 事件 | 办理方 | 经过 | 通知 |');
    expect(md.split('\n').filter((l) => /^\| \d{4}-/.test(l))).toHaveLength(9);
    const written = await duban('audit', 'timeline', id, '--format', 'html', '--out', 'timeline.html');
    expect(written).toEqual({ code: 0, stdout: '', stderr: 'duban：时间线 → timeline.html\n' });
    const html = readFileSync(path.join(dir, 'timeline.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<tr><td class="t">/g)).toHaveLength(9);
    expect(html).not.toMatch(/(src|href)=|@import|url\(/);
  });

  test('an unknown task is named, and nothing is written', async () => {
    await refused(['timeline', `${uniqueId('none')}:一.(一)`], 'UNKNOWN_TASK', /^duban：没有任务或督办事项 /);
    const pdf = await duban('audit', 'timeline', id, '--format', 'pdf', '--out', 'timeline.pdf');
    expect(pdf).toMatchObject({ code: 2, stdout: '' });
    expect(pdf.stderr).toMatch(/^duban：--format 应为 text、json、md 或 html，不是“pdf”\n/);
    expect(existsSync(path.join(dir, 'timeline.pdf'))).toBe(false);
  });
});

describe('as-of', () => {
  test('at each turn, the state the workflow answered then, folded from the stored events', async () => {
    for (const [i, view] of views.entries()) {
      if (i === views.length - 1) break; // the reassignment closes the assignment; checked below
      const at = view.lastEventAt!;
      const asOf = JSON.parse(await ok('as-of', id, at, '--json')) as AssignmentView & { lastSeq: number };
      const pick = (v: AssignmentView) => ({
        status: v.status,
        light: v.light,
        periods: v.periods,
        acknowledgedAt: v.acknowledgedAt,
        extensionRequest: v.extensionRequest,
        dateChanges: v.dateChanges,
        nextAlarm: v.nextAlarm,
      });
      expect(pick(asOf)).toEqual(pick(view));
    }
  });

  test('in words: status, light, periods, what the unit had been told', async () => {
    const text = await ok('as-of', id, views[3]!.lastEventAt!);
    expect(text).toMatch(
      new RegExp(
        `^督办事项 ${id.replace(/[.()]/g, '\\$&')} 截至 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}（北京时间）的状态，据第 1–4 条事件：\n`,
      ),
    );
    expect(text).toContain('  状态：已签收，办理中\n');
    expect(text).toMatch(/ {2}灯色：(绿灯|黄灯)\n/);
    expect(text).toContain(`  ${UNIT}此前收到的通知（2 条）：\n`);
    expect(text).toMatch(/ 退回重报：/);
  });

  test('a time before the assignment existed, in the future, or not a time: refused', async () => {
    await refused(
      ['as-of', id, '2001-01-01 09:00'],
      'AS_OF_BEFORE_ASSIGNMENT',
      /交办于 .*，2001-01-01 09:00:00 时尚不存在/,
    );
    await refused(['as-of', id, '2999-01-01T00:00:00Z'], 'AS_OF_IN_FUTURE', /2999-01-01 08:00:00 尚未到来/);
    await refused(['as-of', id, '下周一'], 'INVALID_TIME', /无法识别时间“下周一”/);
    await refused(['as-of', `${id}-none`, '2027-01-01'], 'UNKNOWN_ASSIGNMENT', /没有督办事项 /);
  });
});

/** Changes one stored row as the table's owner can, past the append-only trigger: what verify must catch. */
async function tamper(sql: string, params: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE assignment_events DISABLE TRIGGER assignment_events_append_only');
    await client.query(sql, params);
    await client.query('ALTER TABLE assignment_events ENABLE TRIGGER assignment_events_append_only');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** A fresh assignment of this test alone, through three turns: the stream a tamper test may spoil. */
async function throwaway(): Promise<string> {
  const assigned = await assignments.assign({
    planId: uniqueId('tamper'),
    ref: '四.(二).3',
    title: '推进标准化建设',
    unit: UNIT,
    due: addDays(shanghaiDate(new Date()), 120),
  });
  const tid = assigned.assignmentId;
  await assignments.acknowledge(tid, { unit: UNIT });
  await assignments.submitReport(tid, { unit: UNIT, summary: '已制定标准 3 项', percentComplete: 20 });
  // Chained now, as the appender will chain each event when it stores it (until then migrate() chains them later).
  await migrate(pool);
  return tid;
}

describe('verify', () => {
  test('an untouched assignment passes all three legs', async () => {
    for (const stream of [id, successor]) {
      const r = await duban('audit', 'verify', stream);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/\n {2}哈希链：完整：第 1–\d+ 条，末条哈希 [0-9a-f]{16}…\n/);
      expect(r.stdout).toMatch(/\n {2}与 Temporal 历史比对：一致：\d+ 条事件与 \d+ 次写入活动逐条相符（1 个 run）\n/);
      expect(r.stdout).toContain('\n  用当前工作流代码重放：无不确定性：1 个 run 均按记录重放\n结论：通过\n');
    }
  });

  test('one byte of one stored payload changed: the chain and the history both name that event', async () => {
    const tid = await throwaway();
    await tamper(
      `UPDATE assignment_events SET payload = jsonb_set(payload, '{summary}', '"已制定标准 4 项"')
       WHERE assignment_id = $1 AND seq = 3`,
      [tid],
    );
    const r = await duban('audit', 'verify', tid);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/\n {2}哈希链：✗ 第 3 条事件的内容与其哈希不符：事件存储后被改动/);
    expect(r.stdout).toContain('与 Temporal 历史比对：✗ 第 3 条事件（ProgressReportSubmitted）与Temporal 历史');
    expect(r.stdout).toContain('字段 summary：历史中为 "已制定标准 3 项"，事件库中为 "已制定标准 4 项"');
    expect(r.stdout).toMatch(/\n结论：未通过——第 3 条事件：第 3 条事件的内容与其哈希不符/);
  });

  test('an event deleted from the store: the gap is named', async () => {
    const tid = await throwaway();
    await tamper('DELETE FROM outbox WHERE assignment_id = $1 AND seq = 2', [tid]);
    await tamper('DELETE FROM assignment_events WHERE assignment_id = $1 AND seq = 2', [tid]);
    const r = await duban('audit', 'verify', tid);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('哈希链：✗ 第 2 条事件缺失（下一条是第 3 条）');
    expect(r.stdout).toMatch(
      /与 Temporal 历史比对：✗ 第 2 条事件（AssignmentAcknowledged）已由Temporal 历史.*写入，但事件库中没有/,
    );
  });

  test('a history the current code would not replay the same way is caught', async () => {
    const drifted = await bundleWorkflows({
      workflowsPath: path.join(__dirname, '..', 'replay', 'drifted-workflow.ts'),
    });
    await migrate(pool); // the stream chained, whichever tests ran before
    const replayer = new Replayer({ code: drifted.code });
    const [verdict] = await verifyStreams(pool, stack.client, [id], { replayer }).finally(() => replayer.close());
    expect(verdict!.chain.ok && verdict!.history.ok).toBe(true);
    expect(verdict!.replay).toMatchObject({ ok: false });
    expect(verdict!.replay.message).toMatch(
      /^当前工作流代码重放 run [0-9a-f-]+ 失败.*：.*(Nondeterminism|DeterminismViolation)/is,
    );
  });

  test('an unknown assignment or cycle is refused by name', async () => {
    await refused(['verify', `${id}-none`], 'UNKNOWN_ASSIGNMENT', /^duban：没有督办事项 /);
    await refused(['verify', '--cycle', uniqueId('none')], 'UNKNOWN_CYCLE', /^duban：没有督办周期 /);
  });
});
