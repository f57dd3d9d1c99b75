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
import type { AssignmentView } from '../../workflows/assignment/messages';
import { dubanIn } from '../support/duban-cli';
import { connectPostgres, startStackWorker, uniqueId } from '../support/stack';

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
    expect(text).toMatch(/\n\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}#2 市市场监管局（单位） {2}市市场监管局签收了任务。\n/);
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
