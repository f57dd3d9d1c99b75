/**
 * Supervision cycles on Temporal's time-skipping server started on 2017-01-03 (a Tuesday), with the real activities
 * and PostgreSQL, and the working days of 2017 as the State Council's notices set them (from the chinese-days
 * package). What a coordinator checks, to the minute in Beijing time: the Spring Festival week delays the ladder, a
 * silent unit climbs it on working days, a late report stops it, a withdrawn item stops and is never counted late,
 * a bulletin agrees with the assignments' own states and `duban cycle bulletin` prints it, National Day moves a
 * reminder to the make-up Saturday, a paused cycle sends nothing and resumes with one notice per assignment, not a
 * storm, a relaunch starts nothing twice, a notice reaches every unit once, and a withdrawn cycle stops every
 * assignment and refuses what is asked of it after as closed. The environment's clock is shared: the tests run in the order written, each moving it forward.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { CycleService, cycleWorkflowId, specOf, type CycleItem } from '../../api/cycles';
import { createActivities } from '../../activities';
import type { StoredEvent } from '../../domain/audit/records';
import { streamsEvents } from '../../infra/audit-store';
import { verifyHistory, verifyOne } from '../../infra/audit-verify';
import { fetchRuns, Replayer, replayBundle } from '../../infra/workflow-history';
import { openingOf } from '../../workflows/assignment/opening';
import { firstBreak } from '../../domain/audit/chain';
import { formatShanghai } from '../../domain/calendar';
import { packageCalendarYears } from '../../domain/calendar-years';
import {
  DEFAULT_SCORING,
  bulletinTitle,
  computeBulletin,
  formatBulletin,
  type Bulletin,
} from '../../domain/cycle/bulletin';
import { calendarSlice } from '../../domain/working-days';
import { DEFAULT_LIGHTS } from '../../workflows/assignment/decider';
import { ASSIGNMENT_WORKFLOW_TYPE, statusQuery, submitReportUpdate } from '../../workflows/assignment/messages';
import { DUBAN_CYCLE, DUBAN_LIGHT, DUBAN_STATUS, DUBAN_UNIT } from '../../infra/search-attributes';
import { DEFAULT_CYCLE_POLICY } from '../../workflows/assignment/policy';
import type { CycleConfig } from '../../workflows/cycle/events';
import { cycleStatusQuery, resumeCycleUpdate } from '../../workflows/cycle/messages';
import { bulletinAssignmentOf } from '../../activities/cycle';
import {
  config,
  connectPostgres,
  createTimeSkippingEnv,
  readModelsOf,
  runProductWorker,
  skipTo,
  uniqueId,
} from '../support/stack';
import { dubanIn } from '../support/duban-cli';
import { storedEvents } from '../support/stored-events';

jest.setTimeout(180_000);

const COORDINATOR = '市政府督查室';
let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;
let cycles: CycleService;
let assignments: AssignmentService;
const run = uniqueId('cycle');
const taskQueue = `${run}-queue`;

const configOf = (title: string): CycleConfig => ({
  title,
  planId: run,
  coordinator: COORDINATOR,
  policy: DEFAULT_CYCLE_POLICY,
  lights: DEFAULT_LIGHTS,
  scoring: DEFAULT_SCORING,
  calendar: calendarSlice({ from: '2017-01-01', to: '2018-03-31' }, packageCalendarYears()),
});

/** Cycle X: a January period due on 2017-01-26, the day before the Spring Festival week, and the third quarter. */
const X = `${run}-x`;
const itemOf = (cycleId: string, ref: string, unit: string, periods: CycleItem['periods']): CycleItem => ({
  assignmentId: `${cycleId}:${ref}:${unit}`,
  ref,
  title: '推进质量提升行动',
  unit,
  cooperating: [],
  deadlineText: '2017年9月底前',
  due: periods.at(-1)!.due,
  periods,
});
const JANUARY = { key: '2017-01', label: '2017年1月', due: '2017-01-26' };
const Q3 = { key: '2017-Q3', label: '2017年第三季度', due: '2017-09-30' };
const X_ITEMS = [
  itemOf(X, '一.(一)', '市商务局', [JANUARY, Q3]), // silent
  itemOf(X, '一.(二)', '市农委', [JANUARY, Q3]), // reports January late
  itemOf(X, '一.(三)', '市林业局', [JANUARY, Q3]), // withdrawn
];
/** Cycle Y: a first-quarter period, paused before it is due and resumed after its ladder would have ended. */
const Y = `${run}-y`;
const Y_ITEMS = [
  itemOf(Y, '二.(一)', '市环保局', [{ key: '2017-Q1', label: '2017年第一季度', due: '2017-03-31' }]),
  itemOf(Y, '二.(二)', '市水务局', [{ key: '2017-Q1', label: '2017年第一季度', due: '2017-03-31' }]),
];

beforeAll(async () => {
  pool = await connectPostgres();
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-01-03T08:58:00+08:00') });
  worker = await runProductWorker(pool, taskQueue, { connection: env.nativeConnection, client: env.client });
  cycles = new CycleService({ client: env.client, pool, taskQueue });
  assignments = new AssignmentService({ client: env.client, taskQueue, coordinator: COORDINATOR });
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await pool?.end();
});

/** Every notice about an assignment, as `2017-02-03 09:00 市商务局 【催办】…`. */
async function inbox(assignmentId: string): Promise<string[]> {
  await readModelsOf(pool, assignmentId);
  const { rows } = await pool.query<{ occurred_at: Date; recipient: string; subject: string }>(
    'SELECT occurred_at, recipient, subject FROM inbox WHERE assignment_id = $1 ORDER BY seq, recipient',
    [assignmentId],
  );
  return rows.map((r) => `${formatShanghai(r.occurred_at)} ${r.recipient} ${r.subject}`);
}

async function launched(cycleId: string, items: CycleItem[]) {
  const { handle } = await cycles.launch({
    cycleId,
    config: configOf(`测试周期 ${cycleId}`),
    items,
    launchedBy: COORDINATOR,
  });
  for (;;) {
    const view = await handle.query(cycleStatusQuery);
    if (view.status !== 'launching') return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a launch starts one assignment per item and schedules a bulletin after each period’s last ladder step', async () => {
  await skipTo(env, '2017-01-03', '09:00');
  const x = await launched(X, X_ITEMS);
  expect({ started: x.started, existing: x.existing, status: x.status }).toEqual({
    started: 3,
    existing: 0,
    status: 'running',
  });
  // 2017-01-26 + 9 working days over the Spring Festival week (01-27…02-02 off, 02-04 worked) is 02-14.
  expect(x.schedule.map((s) => [s.key, formatShanghai(new Date(s.at))])).toEqual([
    ['2017-01', '2017-02-14 17:00'],
    ['2017-Q3', '2017-10-19 17:00'],
  ]);
  const y = await launched(Y, Y_ITEMS);
  expect(y.started).toBe(2);

  // Each assignment was started with what it shows once assigned, so its first workflow task upserted nothing.
  const first = env.client.workflow.getHandle(X_ITEMS[0]!.assignmentId);
  await first.query(statusQuery);
  const { typedSearchAttributes, type } = await first.describe();
  expect(type).toBe(ASSIGNMENT_WORKFLOW_TYPE);
  expect([DUBAN_CYCLE, DUBAN_UNIT, DUBAN_STATUS, DUBAN_LIGHT].map((key) => typedSearchAttributes.get(key))).toEqual([
    X,
    X_ITEMS[0]!.unit,
    'assigned',
    'green',
  ]);
  const { events } = await first.fetchHistory();
  expect(events!.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);

  // The cycle read its bulletins' schedule while its batch started: once the starts were done, the next activity it
  // ran recorded them (CycleAssignmentsStarted), with no schedule to fetch in between.
  const cycleHistory = await env.client.workflow.getHandle(cycleWorkflowId(X)).fetchHistory();
  const activities = activityOrder(cycleHistory.events!);
  expect(activities.slice(0, 4)).toEqual([
    'scheduled recordEvents',
    'completed recordEvents',
    'scheduled cycleSchedule',
    'scheduled startCycleAssignments',
  ]);
  const afterStarts = activities.slice(activities.lastIndexOf('completed startCycleAssignments') + 1);
  expect(afterStarts.find((a) => a.startsWith('scheduled'))).toBe('scheduled recordEvents');
});

test("a launch stores its assignments' 交办 and starts each with it: no store in their first task, and audit verify vouches for it", async () => {
  const id = X_ITEMS[0]!.assignmentId;
  const cycleRun = (await env.client.workflow.getHandle(cycleWorkflowId(X)).describe()).runId;
  const [assigned] = await storedEvents(pool, id);
  expect(assigned).toMatchObject({
    seq: 1,
    event: { type: 'TaskAssigned', spec: { unit: X_ITEMS[0]!.unit } },
    meta: { actor: { role: 'coordinator', name: COORDINATOR }, workflowId: cycleWorkflowId(X), runId: cycleRun },
  });
  // The assignment's history: started with that event, then one workflow task that set its clock and stored nothing.
  const { events } = await env.client.workflow.getHandle(id).fetchHistory();
  expect(events!.filter((e) => e.markerRecordedEventAttributes || e.activityTaskScheduledEventAttributes)).toEqual([]);
  expect(events!.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);

  // audit verify: the start's input is the write of event 1; the chain, the history and the replay agree.
  const replayer = new Replayer(await replayBundle());
  try {
    for (const item of X_ITEMS) {
      const verdict = await verifyOne(pool, env.client, item.assignmentId, undefined, replayer);
      expect([item.ref, verdict.ok, verdict.history.message]).toEqual([
        item.ref,
        true,
        expect.stringContaining('一致'),
      ]);
    }
  } finally {
    await replayer.close();
  }
  // A 交办 changed in the store after the launch is named against the start event that carries it.
  const runs = (await fetchRuns(env.client, id))!;
  const stored = (await streamsEvents(pool, [id])).get(id)!;
  const changed = stored.map((e) =>
    e.seq === 1 ? { ...e, event: { ...e.event, at: '2017-01-02T01:00:00.000Z' } as StoredEvent['event'] } : e,
  );
  expect(verifyHistory(id, changed, runs)).toMatchObject({
    ok: false,
    seq: 1,
    message: expect.stringMatching(/事件 1，[^]*字段 at/),
  });
});

test('a launch taken up again after it stored a 交办 starts that assignment from the stored one, once', async () => {
  await skipTo(env, '2017-01-04', '10:00');
  const Z = `${run}-z`;
  const item = itemOf(Z, '三.(一)', '市统计局', [Q3]);
  // An earlier attempt of the launch stored the 交办 at 09:30 and was lost before it started the assignment.
  const earlier = openingOf(
    item.assignmentId,
    specOf(item, Z, configOf(`测试周期 ${Z}`)),
    new Date('2017-01-04T09:30:00+08:00'),
    {
      workflowId: cycleWorkflowId(Z),
      runId: 'an-earlier-attempt',
    },
  )!;
  await new MockActivityEnvironment().run(
    createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC }).storeEvents,
    [earlier.recorded],
    earlier.notices,
  );
  const z = await launched(Z, [item]);
  expect(z.started).toBe(1);
  const view = await env.client.workflow.getHandle(item.assignmentId).query(statusQuery);
  expect(view.status).toBe('assigned');
  const stored = await storedEvents(pool, item.assignmentId);
  expect(stored.map((e) => [e.seq, e.event.type, formatShanghai(new Date(String(e.event['at'])))])).toEqual([
    [1, 'TaskAssigned', '2017-01-04 09:30'],
  ]);
  expect(await inbox(item.assignmentId)).toEqual([`2017-01-04 09:30 市统计局 【交办】「三.(一) 推进质量提升行动」`]);
  // Its history: started with the stored 交办 (not one it decided and stored itself, which the store would have
  // answered with the same event), and nothing stored since.
  const { events } = await env.client.workflow.getHandle(item.assignmentId).fetchHistory();
  const input = defaultPayloadConverter.fromPayload(
    events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]! as Payload,
  ) as { assigned?: { at: string; meta: { runId: string } } };
  expect(input.assigned).toMatchObject({ at: earlier.recorded.event.at, meta: { runId: 'an-earlier-attempt' } });
  expect(events!.filter((e) => e.markerRecordedEventAttributes || e.activityTaskScheduledEventAttributes)).toEqual([]);
  expect((await verifyOne(pool, env.client, item.assignmentId)).ok).toBe(true);
});

/** The cycle's activities as its history shows them: "scheduled X" and "completed X", in order. */
function activityOrder(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  const names = new Map<string, string>();
  return events.flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      names.set(String(e.eventId), scheduled.activityType!.name!);
      return [`scheduled ${scheduled.activityType!.name}`];
    }
    const completed = e.activityTaskCompletedEventAttributes;
    return completed ? [`completed ${names.get(String(completed.scheduledEventId))}`] : [];
  });
}

test('withdrawing an item (撤销) stops it; only its coordinator may', async () => {
  await skipTo(env, '2017-01-10', '10:00');
  const id = X_ITEMS[2]!.assignmentId;
  await expect(assignments.cancel(id, { by: '市林业局', reason: '不是本单位职责' })).rejects.toMatchObject({
    code: 'NOT_COORDINATOR',
  });
  expect((await assignments.cancel(id, { by: COORDINATOR, reason: '任务已调整' })).status).toBe('cancelled');
});

test('the Spring Festival week delays the ladder; a silent unit climbs it on working days, a late report stops it', async () => {
  await skipTo(env, '2017-02-06', '15:00');
  await env.client.workflow.getHandle(X_ITEMS[1]!.assignmentId).executeUpdate(submitReportUpdate, {
    args: [{ unit: '市农委', period: '2017-01', summary: '1月工作已完成', percentComplete: 10 }],
  });
  await skipTo(env, '2017-02-15', '09:00');
  const task = '「一.(一) 推进质量提升行动」';
  expect(await inbox(X_ITEMS[0]!.assignmentId)).toEqual([
    `2017-01-03 09:00 市商务局 【交办】${task}`,
    // Not acknowledged within two working days (Wednesday and Thursday): urged on Friday.
    `2017-01-06 09:00 市商务局 【催签收】${task}`,
    '2017-01-20 09:00 市商务局 【提醒】2017年1月进展报送',
    '2017-01-26 09:00 市商务局 【提醒】2017年1月进展报送',
    `2017-02-03 09:00 市商务局 【催办】${task}`,
    `2017-02-07 09:00 市商务局主要负责人 【督办】${task}`,
    '2017-02-14 09:00 市政府督查室 【通报】市商务局逾期未报',
  ]);
  const late = await inbox(X_ITEMS[1]!.assignmentId);
  expect(late.slice(-2)).toEqual([
    '2017-01-26 09:00 市农委 【提醒】2017年1月进展报送',
    '2017-02-03 09:00 市农委 【催办】「一.(二) 推进质量提升行动」',
  ]);
  expect(await inbox(X_ITEMS[2]!.assignmentId)).toEqual([
    '2017-01-03 09:00 市林业局 【交办】「一.(三) 推进质量提升行动」',
    '2017-01-06 09:00 市林业局 【催签收】「一.(三) 推进质量提升行动」',
    '2017-01-10 10:00 市林业局 【撤销】「一.(三) 推进质量提升行动」',
  ]);
});

test("the period's bulletin is issued on time and agrees with the assignments' own states", async () => {
  const view = await env.client.workflow.getHandle(`cycle:${X}`).query(cycleStatusQuery);
  expect(view.bulletins.map((b) => [b.period, formatShanghai(new Date(b.issuedAt))])).toEqual([
    ['2017-01', '2017-02-14 17:00'],
  ]);
  await readModelsOf(pool, `cycle:${X}`);
  const { rows } = await pool.query<{ bulletin: Bulletin }>(
    'SELECT bulletin FROM bulletins WHERE cycle_id = $1 AND period = $2',
    [X, '2017-01'],
  );
  const stored = rows[0]!.bulletin;
  expect(stored.units.map((u) => [u.unit, u.onTime, u.late, u.missing, u.cancelled, u.score])).toEqual([
    ['市林业局', 0, 0, 0, 1, 100],
    ['市农委', 0, 1, 0, 0, 97],
    ['市商务局', 0, 0, 1, 0, 89],
  ]);
  // The same bulletin from each assignment's own state, as its workflow answers it now (nothing changed since).
  // (A query, running or closed: waiting on a closed one's result would let the time-skipping server run on meanwhile.)
  const states = await Promise.all(
    X_ITEMS.map((item) => env.client.workflow.getHandle(item.assignmentId).query(statusQuery)),
  );
  const recomputed = computeBulletin({
    cycleId: X,
    cycleTitle: stored.cycleTitle,
    period: stored.period,
    issuedAt: stored.issuedAt,
    assignments: states.flatMap((state, i) => bulletinAssignmentOf(X_ITEMS[i]!.assignmentId, state, '2017-01') ?? []),
    scoring: DEFAULT_SCORING,
  });
  expect(recomputed).toEqual(stored);
});

test('`duban cycle bulletin` prints the stored bulletin as text and Markdown, writes it as XLSX, and names the issued periods', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-bulletin-'));
  try {
    const duban = dubanIn(() => dir);
    const { rows } = await pool.query<{ bulletin: Bulletin }>(
      'SELECT bulletin FROM bulletins WHERE cycle_id = $1 AND period = $2',
      [X, '2017-01'],
    );
    const stored = rows[0]!.bulletin;
    const text = await duban('cycle', 'bulletin', X, '--period', '2017-01');
    expect(text).toEqual({ code: 0, stdout: formatBulletin(stored, 'text'), stderr: '' });
    expect(text.stdout).toMatch(/^.*2017年1月.*督查通报\n/);
    const md = await duban('cycle', 'bulletin', X, '--period', '2017-01', '--format', 'md');
    expect(md.stdout).toBe(formatBulletin(stored, 'md'));
    expect(md.stdout).toContain('| 排名 |');

    const xlsx = await duban('cycle', 'bulletin', X, '--period', '2017-01', '--format', 'xlsx', '--out', 'q.xlsx');
    expect(xlsx).toMatchObject({ code: 0, stderr: 'duban：2017年1月督查通报 → q.xlsx\n' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'q.xlsx'));
    const cells = wb.worksheets[0]!.getSheetValues().flatMap((row) => (Array.isArray(row) ? row.map(String) : []));
    expect(cells[1]).toBe(bulletinTitle(stored));
    expect(cells).toEqual(expect.arrayContaining(['市商务局', '市农委', '市林业局', '89', '97']));

    const missing = await duban('cycle', 'bulletin', X, '--period', '2017-Q3');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`督办周期 ${X} 还没有 2017-Q3 的督查通报；已有：2017-01`);
    const format = await duban('cycle', 'bulletin', X, '--period', '2017-01', '--format', 'pdf');
    expect(format.stderr).toContain('--format 应为 text、md 或 xlsx，不是“pdf”');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a paused cycle sends nothing; on resuming, each assignment gets one notice, not a storm', async () => {
  const cycleY = env.client.workflow.getHandle(`cycle:${Y}`);
  await skipTo(env, '2017-03-20', '10:00');
  await expect(cycles.pause(Y, { by: '市环保局', reason: '自行暂停' })).rejects.toMatchObject({
    code: 'NOT_COORDINATOR',
  });
  const beforePause = await inbox(Y_ITEMS[0]!.assignmentId);
  expect((await cycles.pause(Y, { by: COORDINATOR, reason: '机构改革，职责调整中' })).status).toBe('paused');
  await skipTo(env, '2017-04-20', '10:00');
  expect(await inbox(Y_ITEMS[0]!.assignmentId)).toEqual([
    ...beforePause,
    '2017-03-20 10:00 市环保局 【暂停督办】「二.(一) 推进质量提升行动」',
  ]);
  expect((await cycleY.query(cycleStatusQuery)).bulletins).toEqual([]);

  // Resumed with the caller the API would name after sign-in: the cycle and each of its assignments name that caller.
  const signedIn = { role: 'coordinator' as const, name: `${COORDINATOR} 李四` };
  const resumed = { by: COORDINATOR, reason: '职责已明确', actor: signedIn };
  expect((await cycleY.executeUpdate(resumeCycleUpdate, { args: [resumed] })).status).toBe('running');
  await skipTo(env, '2017-04-20', '12:00');
  const after = (await inbox(Y_ITEMS[0]!.assignmentId)).slice(beforePause.length + 1);
  expect(after).toEqual([
    '2017-04-20 10:00 市环保局 【恢复督办】「二.(一) 推进质量提升行动」',
    '2017-04-20 10:00 市政府督查室 【通报】市环保局逾期未报',
  ]);
  // The bulletin the pause held back goes out an hour after the resume, with the catch-up in it.
  const issued = (await cycleY.query(cycleStatusQuery)).bulletins;
  expect(issued.map((b) => [b.period, formatShanghai(new Date(b.issuedAt))])).toEqual([
    ['2017-Q1', '2017-04-20 11:00'],
  ]);
  await readModelsOf(pool, `cycle:${Y}`);
  const { rows } = await pool.query<{ bulletin: Bulletin }>('SELECT bulletin FROM bulletins WHERE cycle_id = $1', [Y]);
  expect(rows[0]!.bulletin.units.map((u) => [u.unit, u.missing, u.escalations])).toEqual([
    ['市水务局', 1, { urge: 0, 'notify-head': 0, 'report-coordinator': 1 }],
    ['市环保局', 1, { urge: 0, 'notify-head': 0, 'report-coordinator': 1 }],
  ]);

  // Who and why, as stored: the coordinator launched and paused (with the reason) the cycle, its signed-in caller
  // resumed it (with its reason), the system reported its assignments started, the clock issued the bulletin — all under the cycle's
  // run, the chain intact.
  const { runId } = await cycleY.describe();
  const cycleEvents = await storedEvents(pool, `cycle:${Y}`);
  const coordinator = { role: 'coordinator', name: COORDINATOR };
  expect(cycleEvents.map(({ event, meta }) => [event.type, meta])).toEqual(
    [
      ['CycleLaunched', { actor: coordinator }],
      ['CycleAssignmentsStarted', { actor: { role: 'system', name: '督办系统' } }],
      ['CyclePaused', { actor: coordinator, reason: '机构改革，职责调整中' }],
      ['CycleResumed', { actor: signedIn, reason: '职责已明确' }],
      ['BulletinIssued', { actor: { role: 'clock', name: '时钟' } }],
    ].map(([type, who]) => [type, { ...(who as object), workflowId: `cycle:${Y}`, runId }]),
  );
  expect(firstBreak(cycleEvents)).toBeUndefined();
  // Each assignment's pause and resume name who and the cycle's reason; what the resume released names the clock.
  const assignment = await storedEvents(pool, Y_ITEMS[0]!.assignmentId);
  const paused = assignment.findIndex((e) => e.event.type === 'AssignmentPaused');
  expect(assignment.slice(paused).map(({ event, meta }) => [event.type, meta!.actor.name, meta!.reason])).toEqual([
    ['AssignmentPaused', COORDINATOR, '机构改革，职责调整中'],
    ['AssignmentResumed', signedIn.name, '职责已明确'],
    ['ReportingPeriodOverdue', '时钟', undefined],
    ['OverdueEscalated', '时钟', undefined],
  ]);
  expect(firstBreak(assignment)).toBeUndefined();
});

test('National Day: the due-day reminder goes on the make-up Saturday, 催办 after the holiday week', async () => {
  await skipTo(env, '2017-10-10', '09:00');
  const q3 = (await inbox(X_ITEMS[0]!.assignmentId)).filter((line) => line >= '2017-09');
  expect(q3).toEqual([
    '2017-09-25 09:00 市商务局 【提醒】2017年第三季度进展报送',
    '2017-09-30 09:00 市商务局 【提醒】2017年第三季度进展报送',
    '2017-10-09 09:00 市商务局 【催办】「一.(一) 推进质量提升行动」',
  ]);
});

test('launching the same cycle again starts nothing twice', async () => {
  const { fresh, handle } = await cycles.launch({
    cycleId: X,
    config: configOf(`测试周期 ${X}`),
    items: X_ITEMS,
    launchedBy: COORDINATOR,
  });
  expect(fresh).toBe(false);
  expect((await handle.query(cycleStatusQuery)).started).toBe(3);
  await expect(
    cycles.launch({ cycleId: X, config: configOf('另一份表'), items: X_ITEMS.slice(0, 1), launchedBy: COORDINATOR }),
  ).rejects.toMatchObject({ code: 'CYCLE_EXISTS' });
});

test('the same table launched again on a later day starts nothing and keeps the cycle as launched', async () => {
  // As `duban cycle launch` prepares the table on 2017-10-10: a calendar from that day, the January period left out
  // (before the day), the third quarter kept (the items' own due date).
  const today = '2017-10-10';
  const config = {
    ...configOf(`测试周期 ${X}`),
    calendar: calendarSlice({ from: today, to: '2018-03-31' }, packageCalendarYears()),
  };
  const items = X_ITEMS.map((item) => ({
    ...item,
    periods: item.periods.filter((p) => p.due >= today || p.due === item.due),
  }));
  expect(items.every((item) => item.periods.length === 1)).toBe(true);
  const { fresh, handle } = await cycles.launch({ cycleId: X, config, items, launchedBy: '另一位发布人' });
  expect(fresh).toBe(false);
  const view = await handle.query(cycleStatusQuery);
  expect(view.started).toBe(3);
  const { rows } = await pool.query<{ spec: { periods: unknown[] } }>(
    'SELECT spec FROM cycle_items WHERE cycle_id = $1 ORDER BY position',
    [X],
  );
  expect(rows.map((r) => r.spec.periods.length)).toEqual([2, 2, 2]); // as launched in January

  // A deadline changed in the table is another table, whatever the day.
  const changed = items.map((item, i) => (i === 1 ? { ...item, deadlineText: '2017年10月底前' } : item));
  await expect(cycles.launch({ cycleId: X, config, items: changed, launchedBy: COORDINATOR })).rejects.toMatchObject({
    code: 'CYCLE_EXISTS',
  });
});

/** Cycle W: a fourth-quarter period; its coordinator sends every unit a notice, then withdraws the whole cycle. */
const W = `${run}-w`;
const Q4 = { key: '2017-Q4', label: '2017年第四季度', due: '2017-12-31' };
const W_ITEMS = [itemOf(W, '三.(一)', '市环保局', [Q4]), itemOf(W, '三.(二)', '市水务局', [Q4])];

test('a notice to every unit reaches each once; the whole cycle withdrawn stops every assignment, with who and why', async () => {
  await skipTo(env, '2017-10-16', '10:00');
  await launched(W, W_ITEMS);
  const notice = { subject: '关于报送四季度工作计划的通知', body: '请于10月20日前报送四季度工作计划。' };
  await expect(cycles.notify(W, { by: '市环保局', ...notice })).rejects.toMatchObject({ code: 'NOT_COORDINATOR' });
  await cycles.notify(W, { by: COORDINATOR, ...notice });
  expect(await inbox(`cycle:${W}`)).toEqual([
    '2017-10-16 10:00 市水务局 【通知】关于报送四季度工作计划的通知',
    '2017-10-16 10:00 市环保局 【通知】关于报送四季度工作计划的通知',
  ]);

  await skipTo(env, '2017-10-17', '15:00');
  await expect(cycles.cancel(W, { by: '市水务局', reason: '不想做了' })).rejects.toMatchObject({
    code: 'NOT_COORDINATOR',
  });
  const cancelled = await cycles.cancel(W, { by: COORDINATOR, reason: '计划调整，另行发布' });
  expect(cancelled).toMatchObject({
    status: 'cancelled',
    cancelled: { by: COORDINATOR, reason: '计划调整，另行发布' },
  });
  // The withdrawn cycle's workflow has ended: what is asked of it after is refused as closed, saying when and why.
  const closed = {
    code: 'CYCLE_CLOSED',
    message: `督办周期 ${W} 已于 2017-10-17 15:00 由${COORDINATOR}撤销（计划调整，另行发布），不能再办理`,
  };
  await expect(cycles.cancel(W, { by: COORDINATOR, reason: '再撤一次' })).rejects.toMatchObject(closed);
  await expect(cycles.notify(W, { by: COORDINATOR, ...notice })).rejects.toMatchObject(closed);
  await expect(cycles.pause(W, { by: COORDINATOR, reason: '暂停' })).rejects.toMatchObject(closed);

  // Past the quarter's whole ladder: each assignment was withdrawn and told so once, then nothing more came.
  await skipTo(env, '2018-01-31', '09:00');
  for (const item of W_ITEMS) {
    const task = `「${item.ref} 推进质量提升行动」`;
    expect((await inbox(item.assignmentId)).filter((line) => line >= '2017-10-17')).toEqual([
      `2017-10-17 15:00 ${item.unit} 【撤销】${task}`,
    ]);
    // its end as a query tells it: waiting on a result would let the time-skipping server run on meanwhile
    const handle = env.client.workflow.getHandle(item.assignmentId);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const state = await handle.query(statusQuery);
    expect(state.status).toBe('cancelled');
    const events = await storedEvents(pool, item.assignmentId);
    expect(events.at(-1)).toMatchObject({
      event: { type: 'AssignmentCancelled' },
      meta: { actor: { name: COORDINATOR }, reason: '计划调整，另行发布' },
    });
  }
  const cycle = env.client.workflow.getHandle(`cycle:${W}`);
  expect((await cycle.describe()).status.name).toBe('COMPLETED');
  expect(await cycle.query(cycleStatusQuery)).toMatchObject({ status: 'cancelled', bulletins: [] });
  const stored = await storedEvents(pool, `cycle:${W}`);
  expect(stored.map(({ event, meta }) => [event.type, meta?.actor.name, meta?.reason])).toEqual([
    ['CycleLaunched', COORDINATOR, undefined],
    ['CycleAssignmentsStarted', '督办系统', undefined],
    ['CycleNoticeSent', COORDINATOR, undefined],
    ['CycleCancelled', COORDINATOR, '计划调整，另行发布'],
  ]);
  expect(stored[2]!.event).toMatchObject({ ...notice, recipients: ['市水务局', '市环保局'] });
  expect(firstBreak(stored)).toBeUndefined();
});

/**
 * Cycle V: launched before 2018's notice was known (its calendar counts weekends only there), then given the notice
 * as `duban calendar import` gives it: the May Day holidays move the reminders, the 催办 and the bulletin.
 */
const V = `${run}-v`;
const APRIL = { key: '2018-04', label: '2018年4月', due: '2018-04-30' };
const V_ITEM = { ...itemOf(V, '四.(一)', '市商务局', [APRIL]), deadlineText: '2018年4月底前' };

test('a calendar year imported after the launch: reminders, 催办 and the bulletin move to the working days it sets', async () => {
  await skipTo(env, '2018-02-01', '10:00');
  const range = { from: '2018-02-01', to: '2018-08-31' };
  const known = calendarSlice(range, packageCalendarYears());
  const weekendsOnly = calendarSlice(
    range,
    packageCalendarYears().filter((y) => y.year !== 2018),
  );
  expect(weekendsOnly.unknownYears).toEqual([2018]);
  const { handle } = await cycles.launch({
    cycleId: V,
    config: { ...configOf(`测试周期 ${V}`), calendar: weekendsOnly },
    items: [{ ...V_ITEM, due: APRIL.due }],
    launchedBy: COORDINATOR,
  });
  while ((await handle.query(cycleStatusQuery)).status === 'launching') await new Promise((r) => setTimeout(r, 100));
  const assignment = env.client.workflow.getHandle(V_ITEM.assignmentId);
  expect((await assignment.query(statusQuery)).warnings).toEqual([
    `2018年的法定节假日安排尚未导入，该年只按周末计算工作日；请用 \`npx duban calendar import\` 导入，督办周期 ${V} 的任务（包括本任务）随即按节假日重新计算`,
  ]);
  const scheduled = (await handle.query(cycleStatusQuery)).schedule.map((s) => formatShanghai(new Date(s.at)));
  expect(scheduled).toEqual(['2018-05-11 17:00']); // nine working days after 4月30日, weekends only

  const change = { calendar: known, reason: '导入2018年节假日安排（国务院办公厅关于2018年部分节假日安排的通知）' };
  await expect(cycles.updateCalendar(V, { by: '市商务局', ...change })).rejects.toMatchObject({
    code: 'NOT_COORDINATOR',
  });
  const updated = await cycles.updateCalendar(V, { by: COORDINATOR, ...change });
  expect(updated.config.calendar).toEqual(known);
  expect(updated.schedule.map((s) => formatShanghai(new Date(s.at)))).toEqual(['2018-05-14 17:00']);
  await expect(cycles.updateCalendar(V, { by: COORDINATOR, ...change })).rejects.toMatchObject({
    code: 'CALENDAR_UNCHANGED',
    message: `督办周期 ${V} 的工作日日历已是如此，无需更新`,
  });
  expect((await assignment.query(statusQuery)).warnings).toEqual([]);

  // 4月28日 is the make-up Saturday; 4月29日 to 5月1日 are off.
  await skipTo(env, '2018-05-15', '09:00');
  const task = '「四.(一) 推进质量提升行动」';
  expect((await inbox(V_ITEM.assignmentId)).filter((line) => line >= '2018-04')).toEqual([
    '2018-04-24 09:00 市商务局 【提醒】2018年4月进展报送',
    '2018-04-28 09:00 市商务局 【提醒】2018年4月进展报送',
    `2018-05-02 09:00 市商务局 【催办】${task}`,
    `2018-05-07 09:00 市商务局主要负责人 【督办】${task}`,
    '2018-05-14 09:00 市政府督查室 【通报】市商务局逾期未报',
  ]);
  expect(
    (await handle.query(cycleStatusQuery)).bulletins.map((b) => [b.period, formatShanghai(new Date(b.issuedAt))]),
  ).toEqual([['2018-04', '2018-05-14 17:00']]);

  const [cycleEvents, assignmentEvents] = await Promise.all([
    storedEvents(pool, `cycle:${V}`),
    storedEvents(pool, V_ITEM.assignmentId),
  ]);
  const recounted = ({ event, meta }: Awaited<ReturnType<typeof storedEvents>>[number]) => [
    event.type,
    meta?.actor.name,
    meta?.reason,
  ];
  expect(cycleEvents.filter((e) => e.event.type === 'CycleCalendarUpdated').map(recounted)).toEqual([
    ['CycleCalendarUpdated', COORDINATOR, change.reason],
  ]);
  expect(assignmentEvents.filter((e) => e.event.type === 'WorkingCalendarUpdated').map(recounted)).toEqual([
    ['WorkingCalendarUpdated', COORDINATOR, change.reason],
  ]);
  expect(firstBreak(assignmentEvents)).toBeUndefined();
});

/** Cycle U: its workflow ended from outside (terminated) after its first bulletin, then launched again. */
const U = `${run}-u`;
const U_ITEM = itemOf(U, '五.(一)', '市水务局', [
  { key: '2018-06', label: '2018年6月', due: '2018-06-29' },
  { key: '2018-07', label: '2018年7月', due: '2018-07-31' },
]);

test('a cycle whose workflow was terminated, launched again, goes on from its stored events: nothing twice', async () => {
  await skipTo(env, '2018-05-16', '10:00');
  await launched(U, [U_ITEM]);
  await skipTo(env, '2018-07-13', '09:00');
  const cycle = env.client.workflow.getHandle(`cycle:${U}`);
  const issued = (b: { period: string; issuedAt: string }) => [b.period, formatShanghai(new Date(b.issuedAt))];
  expect((await cycle.query(cycleStatusQuery)).bulletins.map(issued)).toEqual([['2018-06', '2018-07-12 17:00']]);
  const { runId: first } = await cycle.describe();
  await cycle.terminate('误操作终止');

  const { fresh, handle } = await cycles.launch({
    cycleId: U,
    config: configOf(`测试周期 ${U}`),
    items: [U_ITEM],
    launchedBy: COORDINATOR,
  });
  expect(fresh).toBe(false);
  const again = await handle.describe();
  expect([again.status.name, again.runId === first]).toEqual(['RUNNING', false]);
  expect(await handle.query(cycleStatusQuery)).toMatchObject({ status: 'running', started: 1, existing: 0 });
  expect((await handle.query(cycleStatusQuery)).bulletins.map(issued)).toEqual([['2018-06', '2018-07-12 17:00']]);

  await skipTo(env, '2018-08-14', '09:00');
  expect((await handle.query(cycleStatusQuery)).bulletins.map(issued)).toEqual([
    ['2018-06', '2018-07-12 17:00'],
    ['2018-07', '2018-08-13 17:00'],
  ]);
  const stored = await storedEvents(pool, `cycle:${U}`);
  expect(stored.map(({ seq, event, meta }) => [seq, event.type, meta?.runId === first])).toEqual([
    [1, 'CycleLaunched', true],
    [2, 'CycleAssignmentsStarted', true],
    [3, 'BulletinIssued', true],
    [4, 'BulletinIssued', false],
  ]);
  expect(firstBreak(stored)).toBeUndefined();
});
