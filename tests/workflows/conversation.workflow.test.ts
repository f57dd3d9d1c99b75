/**
 * The 督办 conversation on a running version-2 assignment, on the time-skipping test server started in 2017 with the
 * real activities and PostgreSQL: what reaches each inbox, and when, to the minute in Beijing time. A report
 * returned for rework reminds on the rework's due day and escalates after it; an extension granted moves the
 * reminders and the ladder; a closure returned leaves the next quarter supervised. Dates are on 2017's working days
 * (the State Council's notice): the Spring Festival week 01-27…02-02 off and 02-04 (Saturday) worked; the National
 * Day week 10-01…10-08 off and 09-30 (Saturday) worked.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import { formatShanghai, shanghaiInstant } from '../../domain/calendar';
import { packageCalendarYears } from '../../domain/calendar-years';
import { calendarSlice } from '../../domain/working-days';
import {
  ASSIGNMENT_WORKFLOW_TYPE,
  acknowledgeUpdate,
  assignedUpdate,
  contributeUpdate,
  decideClosureUpdate,
  decideExtensionUpdate,
  moveDeadlineUpdate,
  reassignUpdate,
  sendBackUpdate,
  requestClosureUpdate,
  requestExtensionUpdate,
  reviewReportUpdate,
  statusQuery,
  submitReportUpdate,
} from '../../workflows/assignment/messages';
import { DEFAULT_CONVERSATION } from '../../workflows/assignment/policy';
import type { assignmentWorkflow } from '../../workflows/assignment/workflow';
import {
  connectPostgres,
  createTimeSkippingEnv,
  readModelsOf,
  runProductWorker,
  skipTo,
  uniqueId,
} from '../support/stack';
import { spec } from './decider-v2-fixtures';

jest.setTimeout(60_000);

const UNIT = spec.unit;
const COORDINATOR = spec.coordinator;
let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;
const taskQueue = uniqueId('conversation');

beforeAll(async () => {
  pool = await connectPostgres();
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-01-03T08:58:00+08:00') });
  worker = await runProductWorker(pool, taskQueue, { connection: env.nativeConnection, client: env.client });
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await pool?.end();
});

/** Every notice of the assignment, as its recipients read them: Beijing time, recipient, subject. */
async function inbox(id: string, since = '2017-01-01'): Promise<string[]> {
  await readModelsOf(pool, id);
  const { rows } = await pool.query<{ occurred_at: Date; recipient: string; subject: string }>(
    `SELECT occurred_at, recipient, subject FROM inbox
      WHERE assignment_id = $1 AND occurred_at >= $2 ORDER BY seq, recipient`,
    [id, shanghaiInstant(since, '00:00')],
  );
  return rows.map((r) => `${formatShanghai(r.occurred_at)} ${r.recipient} ${r.subject}`);
}

test('a year of conversation: rework, an extension, a closure returned — each moving exactly what it must', async () => {
  const id = uniqueId('talk-2017');
  await skipTo(env, '2017-01-03', '09:00');
  const handle: WorkflowHandle<typeof assignmentWorkflow> = await env.client.workflow.start(ASSIGNMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: id,
    args: [{ spec: { ...spec, taskId: id } }],
  });
  const task = `「${spec.ref} ${spec.title}」`;

  // January: reported, returned on 01-25 with five working days to rework (over the Spring Festival week: 02-07).
  await skipTo(env, '2017-01-20', '10:00');
  await handle.executeUpdate(submitReportUpdate, {
    args: [{ unit: UNIT, period: '2017-01', summary: '已部署', percentComplete: 10 }],
  });
  await skipTo(env, '2017-01-25', '14:00');
  const returned = await handle.executeUpdate(reviewReportUpdate, {
    args: [{ by: COORDINATOR, period: '2017-01', decision: 'return', comment: '请补充抽检数据' }],
  });
  expect(returned.light).toBe('yellow');
  await skipTo(env, '2017-02-08', '10:00');
  expect(await inbox(id, '2017-01-25')).toEqual([
    `2017-01-25 14:00 ${UNIT} 【退回重报】2017年1月进展`,
    `2017-02-07 09:00 ${UNIT} 【提醒】2017年1月进展报送`,
    `2017-02-08 09:00 ${UNIT} 【催办】${task}`,
  ]);
  await handle.executeUpdate(submitReportUpdate, {
    args: [{ unit: UNIT, period: '2017-01', summary: '已补充抽检数据', percentComplete: 15 }],
  });

  // The third quarter, due Saturday 09-30 (worked): extended to Friday 10-20 before its advance reminder (09-25).
  await skipTo(env, '2017-09-01', '09:00');
  await handle.executeUpdate(requestExtensionUpdate, {
    args: [{ unit: UNIT, period: '2017-Q3', to: '2017-10-20', reason: '抽检样品送检周期延长' }],
  });
  await skipTo(env, '2017-09-04', '15:00');
  const granted = await handle.executeUpdate(decideExtensionUpdate, {
    args: [{ by: COORDINATOR, decision: 'approve', comment: '同意' }],
  });
  expect(granted.periods[1]).toMatchObject({ due: '2017-10-20', originalDue: '2017-09-30' });
  await skipTo(env, '2017-10-24', '10:00');
  expect(await inbox(id, '2017-09-01')).toEqual([
    `2017-09-01 09:00 ${COORDINATOR} 【延期申请】${UNIT}：${task}`,
    `2017-09-04 15:00 ${UNIT} 【延期同意】${task}`,
    `2017-10-13 09:00 ${UNIT} 【提醒】2017年第三季度进展报送`,
    `2017-10-20 09:00 ${UNIT} 【提醒】2017年第三季度进展报送`,
    `2017-10-23 09:00 ${UNIT} 【催办】${task}`,
  ]);

  // A closure asked for on 10-24 and returned the next day: the fourth quarter is still supervised. Due Sunday
  // 12-31, its reminders go on working days: five working days before (12-25), and on Friday 12-29.
  await handle.executeUpdate(requestClosureUpdate, { args: [{ unit: UNIT, summary: '任务已完成', evidence: [] }] });
  await skipTo(env, '2017-10-25', '11:00');
  const reopened = await handle.executeUpdate(decideClosureUpdate, {
    args: [{ by: COORDINATOR, decision: 'refuse', comment: '第三季度进展尚未报送' }],
  });
  expect(reopened.status).toBe('acknowledged');
  await handle.executeUpdate(submitReportUpdate, {
    args: [{ unit: UNIT, period: '2017-Q3', summary: '已完成抽检', percentComplete: 80 }],
  });
  await skipTo(env, '2017-12-30', '10:00');
  expect(await inbox(id, '2017-10-24')).toEqual([
    `2017-10-24 10:00 ${COORDINATOR} 【办结申请】${UNIT}：${task}`,
    `2017-10-25 11:00 ${UNIT} 【退办】${task}`,
    `2017-12-25 09:00 ${UNIT} 【提醒】2017年第四季度进展报送`,
    `2017-12-29 09:00 ${UNIT} 【提醒】2017年第四季度进展报送`,
  ]);
  const view = await handle.query(statusQuery);
  expect(view.periods.map((p) => [p.period, p.due, p.report?.late ?? null])).toEqual([
    ['2017-01', '2017-02-07', true],
    ['2017-Q3', '2017-10-20', true],
    ['2017-Q4', '2017-12-31', null],
  ]);
  await handle.terminate('the scenario is over');
});

test('a send-back answered by 改派: the new unit takes over with the dates as they stand, the old one ends', async () => {
  const run = uniqueId('handover');
  const id = `${run}:${spec.ref}:${UNIT}`;
  const successor = `${id}>市工商局`;
  await skipTo(env, '2018-01-01', '00:00'); // this test's year is 2018: the environment's clock only moves forward
  const spec2018 = {
    ...spec,
    taskId: run,
    deadlineText: '2018年12月底之前',
    due: '2018-12-31',
    calendar: calendarSlice({ from: '2018-01-01', to: '2019-03-31' }, packageCalendarYears()),
    periods: [
      { key: '2018-Q1', label: '2018年第一季度', due: '2018-03-31' },
      { key: '2018-Q2', label: '2018年第二季度', due: '2018-06-30' },
    ],
  };
  await skipTo(env, '2018-01-02', '09:00');
  const handle: WorkflowHandle<typeof assignmentWorkflow> = await env.client.workflow.start(ASSIGNMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: id,
    args: [{ spec: spec2018 }],
  });
  await skipTo(env, '2018-01-05', '10:00');
  const sentBack = await handle.executeUpdate(sendBackUpdate, {
    args: [{ unit: UNIT, reason: '该项属于市场主体登记，由市工商局负责' }],
  });
  expect(sentBack.sentBack).toMatchObject({ unit: UNIT });
  // The first quarter is extended before the hand-over; the new unit inherits the date as it stands.
  await handle.executeUpdate(moveDeadlineUpdate, {
    args: [{ by: COORDINATOR, period: '2018-Q1', to: '2018-04-13', reason: '交接需要时间' }],
  });
  await skipTo(env, '2018-01-08', '11:00');
  const ended = await handle.executeUpdate(reassignUpdate, {
    args: [{ by: COORDINATOR, to: '市工商局', reason: '按职责分工改由市工商局牵头' }],
  });
  expect(ended).toMatchObject({ status: 'reassigned', reassigned: { to: '市工商局', successor } });
  expect(await handle.result()).toMatchObject({ status: 'reassigned' });

  const next: WorkflowHandle<typeof assignmentWorkflow> = env.client.workflow.getHandle(successor);
  const taken = await next.executeUpdate(assignedUpdate); // answers once its TaskAssigned is stored
  expect(taken).toMatchObject({
    status: 'assigned',
    spec: { unit: '市工商局', cooperating: ['市经信委'] },
    handover: { predecessor: id, from: UNIT, by: COORDINATOR },
  });
  expect(taken.periods.map((p) => [p.period, p.due])).toEqual([
    ['2018-Q1', '2018-04-13'],
    ['2018-Q2', '2018-06-30'],
  ]);
  // Friday 04-13: five working days before it is Sunday 04-08, worked for 清明 (04-05 to 04-07 off).
  await skipTo(env, '2018-04-16', '10:00');
  expect(await inbox(id)).toEqual([
    `2018-01-02 09:00 市工商局 【协办】「${spec.ref} ${spec.title}」`,
    `2018-01-02 09:00 市经信委 【协办】「${spec.ref} ${spec.title}」`,
    `2018-01-02 09:00 ${UNIT} 【交办】「${spec.ref} ${spec.title}」`,
    `2018-01-05 10:00 ${COORDINATOR} 【退回】${UNIT}：「${spec.ref} ${spec.title}」`,
    `2018-01-05 10:00 ${UNIT} 【调整时限】「${spec.ref} ${spec.title}」`,
    `2018-01-08 11:00 ${UNIT} 【改派】「${spec.ref} ${spec.title}」`,
  ]);
  expect(await inbox(successor)).toEqual([
    `2018-01-08 11:00 市工商局 【交办】「${spec.ref} ${spec.title}」`,
    `2018-01-08 11:00 市经信委 【协办】「${spec.ref} ${spec.title}」`,
    `2018-01-08 11:00 市工商局 【转办】「${spec.ref} ${spec.title}」`,
    `2018-04-08 09:00 市工商局 【提醒】2018年第一季度进展报送`,
    `2018-04-13 09:00 市工商局 【提醒】2018年第一季度进展报送`,
    `2018-04-16 09:00 市工商局 【催办】「${spec.ref} ${spec.title}」`,
  ]);
  await next.terminate('the scenario is over');
});

test('version 3: 签收 in time, the cooperating units reminded, one never contributing shown as missing', async () => {
  const id = uniqueId('cooperation-2018');
  await skipTo(env, '2018-06-04', '09:00'); // Monday; the Dragon Boat Festival is Monday 06-18
  const handle: WorkflowHandle<typeof assignmentWorkflow> = await env.client.workflow.start(ASSIGNMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: id,
    args: [
      {
        spec: {
          ...spec,
          ...DEFAULT_CONVERSATION,
          targets: [],
          taskId: id,
          deadlineText: '2018年6月底前',
          due: '2018-06-29',
          calendar: calendarSlice({ from: '2018-01-01', to: '2019-03-31' }, packageCalendarYears()),
          periods: [{ key: '2018-06', label: '2018年6月', due: '2018-06-29' }],
        },
      },
    ],
  });
  await skipTo(env, '2018-06-05', '10:00');
  await handle.executeUpdate(acknowledgeUpdate, { args: [{ unit: UNIT }] });
  await skipTo(env, '2018-06-27', '10:00');
  await handle.executeUpdate(contributeUpdate, {
    args: [{ unit: '市工商局', summary: '已配合完成市场主体抽查 300 户' }],
  });
  await skipTo(env, '2018-06-28', '15:00');
  const reported = await handle.executeUpdate(submitReportUpdate, {
    args: [{ unit: UNIT, summary: '已完成重点产品抽检', percentComplete: 100 }],
  });
  expect(reported.periods[0]!.contributions?.map((c) => c.unit)).toEqual(['市工商局']);
  const task = `「${spec.ref} ${spec.title}」`;
  // Friday 06-29 due: the lead reminded five working days before (06-22, over the holiday of 06-18), the cooperating
  // units three (06-26); acknowledged on the second day, so no 催签收.
  expect(await inbox(id, '2018-06-04')).toEqual([
    `2018-06-04 09:00 市工商局 【协办】${task}`,
    `2018-06-04 09:00 市经信委 【协办】${task}`,
    `2018-06-04 09:00 ${UNIT} 【交办】${task}`,
    `2018-06-22 09:00 ${UNIT} 【提醒】2018年6月进展报送`,
    `2018-06-26 09:00 市工商局 【协办提醒】2018年6月协办意见`,
    `2018-06-26 09:00 市经信委 【协办提醒】2018年6月协办意见`,
    `2018-06-27 10:00 ${UNIT} 【协办意见】市工商局：2018年6月`,
    `2018-06-28 15:00 ${COORDINATOR} 【协办缺报】${task}`,
  ]);
  await handle.terminate('the scenario is over');
});
