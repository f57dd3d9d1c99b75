/**
 * Records workflow histories that tests/replay/ replays with the current code, so a change that would make running
 * workflows non-deterministic fails the build. A recorded history is a contract with every workflow running in
 * production: this script never overwrites one. Record a new one (with the stack up) when a deliberate, versioned
 * change to the workflow adds a path worth holding to:
 *
 *   npm run record:histories -- NAME [NAME …]
 *
 * Scenarios (the file is tests/replay/histories/<prefix><scenario>.json; the prefix names the workflow's version):
 *   year-on-time, year-late, year-never   a simulated year on the time-skipping server: reminders, late reports,
 *                                         the whole escalation ladder (ended by termination at the year's end)
 *   lifecycle-completed                   assign, 签收, report, 办结 on the dev server, through the updates
 *   refused-updates                       the same, with a refused call before and after each accepted one
 *   conversation                          a version-2 assignment on the dev server through the 督办 conversation:
 *                                         a report replaced with evidence, returned, reported again and accepted;
 *                                         an extension asked and granted, a due date moved, a closure returned and
 *                                         then approved — with refused calls in between
 *   v3-cooperation                        a version-3 assignment of 2018 on the time-skipping server: 催签收,
 *                                         协办意见 given and missing, 退回, 坚持交办, 改派 (and its successor)
 *   lost-task                             a version-3 assignment on the dev server whose first workflow task ran
 *                                         again after its completion was lost: the store answers with the
 *                                         TaskAssigned its first attempt stored an hour earlier (`fold-as-stored`)
 *   cycle                                 a supervision cycle of 2017 on the time-skipping server started in that
 *                                         year: its workflow (cycle.json) and three of its version-2 assignments —
 *                                         silent through the Spring Festival week, paused and resumed, withdrawn
 *                                         (cycle-silent.json, cycle-paused.json, cycle-cancelled.json)
 *
 * Since a cycle's launch stores its assignments' 交办 and starts each with it (workflows/assignment/opening.ts) a file
 * is named `opened-<scenario>.json`. The histories recorded before keep their names: `sched-` for those recorded
 * since the cycle reads its bulletins' schedule while its first batch starts (`schedule-with-starts`), `wf2-` for
 * those recorded since assignments start as `assignmentWorkflowV2` (every patch in force, none asked), `local-` for
 * those recorded with the `record-events-locally` patch in force, `v2-` for the assignments recorded with
 * `stored-before-counted` in force, none for those before it, for the cycle's and for the `v3-` ones.
 */
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { AssignmentService, assignmentIdOf } from '../api/assignments';
import { addDays, shanghaiDate } from '../domain/calendar';
import { loadConfig, type Config } from '../infra/config';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { createAssignmentWorker } from '../worker/create-worker';
import { openDependencies } from '../worker/dependencies';
import { loadCalendarYears } from '../infra/calendar-store';
import { resolveEvidence, storeEvidence } from '../infra/evidence-store';
import {
  ASSIGNMENT_WORKFLOW_TYPE,
  acknowledgeUpdate,
  assignedUpdate,
  contributeUpdate,
  insistUpdate,
  reassignUpdate,
  sendBackUpdate,
  submitReportUpdate,
} from '../workflows/assignment/messages';
import type { assignmentWorkflow } from '../workflows/assignment/workflow';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { CycleService } from '../api/cycles';
import { shanghaiInstant } from '../domain/calendar';
import { packageCalendarYears } from '../domain/calendar-years';
import { DEFAULT_SCORING } from '../domain/cycle/bulletin';
import { calendarSlice } from '../domain/working-days';
import { decide, DEFAULT_LIGHTS, initialState } from '../workflows/assignment/decider';
import { provenanceOf } from '../workflows/assignment/provenance';
import { DEFAULT_CONVERSATION, DEFAULT_CYCLE_POLICY } from '../workflows/assignment/policy';
import { cycleStatusQuery } from '../workflows/cycle/messages';
import { simulateYear, startTimeSkippingServer } from './year-simulation';
import { bundleWorkflows } from '../worker/workflow-bundle';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'tests', 'replay', 'histories');
/** Histories recorded since a launch stores its assignments' 交办 and starts each with it (`assigned`). */
const PREFIX = 'opened-';

const YEAR = ['year-on-time', 'year-late', 'year-never'] as const;
const DEV = ['lifecycle-completed', 'refused-updates', 'conversation'] as const;
const CYCLE = ['cycle', 'cycle-silent', 'cycle-paused', 'cycle-cancelled'] as const;
type Scenario =
  | (typeof YEAR)[number]
  | (typeof DEV)[number]
  | (typeof CYCLE)[number]
  | 'v3-cooperation'
  | 'v3-cooperation-successor'
  | 'lost-task';
const SCENARIOS: readonly Scenario[] = [...YEAR, ...DEV, 'cycle', 'v3-cooperation', 'lost-task'];

/** Where a scenario is saved: tests/replay/histories/opened-<scenario>.json (PREFIX). */
function fileOf(scenario: Scenario): string {
  return path.join(OUT, `${PREFIX}${scenario}.json`);
}

/**
 * Saves a history as the Temporal CLI prints it (`temporal workflow show --output json`), the JSON form that
 * Worker.runReplayHistories reads and that people can open and diff.
 */
async function save(scenario: Scenario, address: string, workflowId: string): Promise<void> {
  const { stdout } = await run(
    path.join(ROOT, '.tools', 'bin', 'temporal'),
    ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(fileOf(scenario), stdout, { flag: 'wx' });
  console.log(`已录制 ${path.relative(ROOT, fileOf(scenario))}`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2) as Scenario[];
  const unknown = wanted.filter((name) => !SCENARIOS.includes(name));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new Error(
      `请指定要录制的场景（${SCENARIOS.join('、')}）${unknown.length ? `；不认识：${unknown.join('、')}` : ''}`,
    );
  }
  const files = wanted.flatMap((scenario) => (scenario === 'cycle' ? [...CYCLE] : [scenario]));
  for (const scenario of files) {
    const exists = await access(fileOf(scenario)).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new Error(
        `${path.relative(ROOT, fileOf(scenario))} 已存在：录制的历史是与运行中工作流的约定，不能重录；` +
          '工作流有版本化改动时，改 PREFIX 录制新的一份',
      );
    }
  }

  const config = loadConfig();
  const logger = createLogger('record', { level: 'warn' });
  installTemporalLogging(logger);
  const { activities, pool, close } = await openDependencies(config, logger, undefined, { deliver: false });
  const workflowBundle = await bundleWorkflows();
  const prefix = `record-${Date.now().toString(36)}`;

  if (wanted.some((s) => (YEAR as readonly string[]).includes(s))) {
    const env = await startTimeSkippingServer();
    try {
      const taskQueue = `${prefix}-year`;
      const worker = await createAssignmentWorker({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities,
      });
      await worker.runUntil(async () => {
        const { handles } = await simulateYear({ env, taskQueue, prefix });
        for (const handle of Object.values(handles)) await handle.terminate('end of the simulated year');
        const ids = { 'year-on-time': handles.onTime, 'year-late': handles.late, 'year-never': handles.never };
        for (const scenario of YEAR) {
          if (wanted.includes(scenario)) await save(scenario, env.address, ids[scenario].workflowId);
        }
      });
    } finally {
      await env.teardown();
    }
  }

  if (wanted.includes('cycle')) await recordCycle(pool, config.KAFKA_EVENTS_TOPIC, workflowBundle, prefix);
  if (wanted.includes('v3-cooperation')) {
    await recordCooperation(pool, config.KAFKA_EVENTS_TOPIC, workflowBundle, prefix);
  }
  if (wanted.includes('lost-task')) await recordLostTask(config, pool, workflowBundle, prefix);

  const dev = wanted.filter((s): s is (typeof DEV)[number] => (DEV as readonly string[]).includes(s));
  if (dev.length > 0) {
    const { connection, client } = await connectClient(config);
    const nativeConnection = await connectWorker(config);
    const taskQueue = `${prefix}-dev`;
    const worker = await createAssignmentWorker({
      connection: nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    await worker.runUntil(async () => {
      for (const scenario of dev) {
        const id =
          scenario === 'conversation'
            ? await conversation(client, taskQueue, prefix, pool)
            : await (scenario === 'lifecycle-completed' ? lifecycle : refusals)(client, taskQueue, prefix);
        await save(scenario, config.TEMPORAL_ADDRESS, id);
      }
    });
    await connection.close();
    await nativeConnection.close();
  }
  await close();
}

function service(client: Client, taskQueue: string): AssignmentService {
  return new AssignmentService({ client, taskQueue, coordinator: '市政府督查室' });
}

async function assign(svc: AssignmentService, planId: string): Promise<string> {
  await svc.assign({
    planId,
    ref: '五.(二).29',
    title: '开展质量提升行动',
    unit: '市质监局',
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  });
  return assignmentIdOf(planId, '五.(二).29', '市质监局');
}

/** 交办, 签收, a report, 办结. */
async function lifecycle(client: Client, taskQueue: string, prefix: string): Promise<string> {
  const svc = service(client, taskQueue);
  const id = await assign(svc, `${prefix}-lifecycle`);
  await svc.acknowledge(id, { unit: '市质监局' });
  await svc.submitReport(id, { unit: '市质监局', summary: '完成抽检1200批次', percentComplete: 40 });
  await svc.complete(id, { by: '市政府督查室', summary: '办结销号' });
  return id;
}

/**
 * The lifecycle with refused calls around each step: each refusal must leave the history as if it never came —
 * and whatever the server does write for it must replay.
 */
async function refusals(client: Client, taskQueue: string, prefix: string): Promise<string> {
  const svc = service(client, taskQueue);
  const id = await assign(svc, `${prefix}-refusals`);
  const handle = client.workflow.getHandle(id);
  await refused(svc.submitReport(id, { unit: '市商务局', summary: '越权报送', percentComplete: 10 }));
  // Past the edge, straight to the workflow: its validator refuses what the API would have.
  await refused(
    handle.executeUpdate(submitReportUpdate, { args: [{ unit: '市质监局', summary: '', percentComplete: 1 }] }),
  );
  await svc.acknowledge(id, { unit: '市质监局' });
  await svc.submitReport(id, { unit: '市质监局', summary: '完成抽检1200批次', percentComplete: 40 });
  await refused(svc.submitReport(id, { unit: '市质监局', summary: '再报一次', percentComplete: 50 }));
  await svc.complete(id, { by: '市政府督查室', summary: '办结销号' });
  return id;
}

/** Calls that must be refused; one accepted fails the recording. */
function refused(call: Promise<unknown>): Promise<void> {
  return call.then(
    () => {
      throw new Error('录制失败：本应被拒绝的调用被接受了');
    },
    () => undefined,
  );
}

/** The 督办 conversation's turns on one version-2 assignment, each refusal between them leaving no trace. */
async function conversation(client: Client, taskQueue: string, prefix: string, pool: Pool): Promise<string> {
  const coordinator = '市政府督查室';
  const unit = '市质监局';
  const svc = new AssignmentService({
    client,
    taskQueue,
    coordinator,
    calendarYears: () => loadCalendarYears(pool),
    resolveEvidence: (cited) => resolveEvidence(pool, cited),
  });
  const id = await assign(svc, `${prefix}-conversation`);
  const { periods } = await svc.status(id);
  const [first, second] = periods;
  const { ref } = await storeEvidence(
    pool,
    { name: '抽检报告.pdf', bytes: Buffer.from(`%PDF-1.4\n% duban ${prefix}\n%%EOF\n`) },
    { maxBytes: 1024 * 1024 },
  );
  await svc.submitReport(id, { unit, summary: '完成抽检1200批次', percentComplete: 40 });
  await svc.submitReport(id, {
    unit,
    period: first!.period,
    summary: '完成抽检1250批次',
    percentComplete: 42,
    evidence: [ref],
  });
  await refused(svc.reviewReport(id, { by: coordinator, period: first!.period, decision: 'return' }));
  await svc.reviewReport(id, {
    by: coordinator,
    period: first!.period,
    decision: 'return',
    comment: '请补充不合格批次处置',
  });
  await svc.submitReport(id, { unit, period: first!.period, summary: '已补充处置情况', percentComplete: 45 });
  await svc.reviewReport(id, { by: coordinator, period: first!.period, decision: 'accept', comment: '同意' });
  await refused(svc.submitReport(id, { unit, period: first!.period, summary: '再改', percentComplete: 46 }));
  const later = addDays(second!.due, 7);
  await svc.requestExtension(id, { unit, period: second!.period, to: later, reason: '样品送检周期延长' });
  await refused(svc.requestExtension(id, { unit, period: second!.period, to: addDays(later, 1), reason: '再延' }));
  await svc.decideExtension(id, { by: coordinator, decision: 'approve', comment: '同意' });
  await svc.moveDeadline(id, {
    by: coordinator,
    period: second!.period,
    to: addDays(later, -3),
    reason: '提前听取汇报',
  });
  await svc.requestClosure(id, { unit, summary: '任务已完成', evidence: [ref] });
  await refused(svc.requestClosure(id, { unit, summary: '再申请' }));
  await svc.decideClosure(id, { by: coordinator, decision: 'refuse', comment: '尚缺年度总结' });
  await svc.requestClosure(id, { unit, summary: '已补年度总结' });
  await svc.decideClosure(id, { by: coordinator, decision: 'approve', comment: '同意销号' });
  return id;
}

/**
 * 交办 whose first workflow task ran again after its completion was lost (a worker too busy for the task's timeout,
 * TMPRL1104): its first attempt stored the TaskAssigned an hour before the task ran again, and the store answers the
 * second attempt with that telling, which the workflow folds (`fold-as-stored`). On the dev server, as it happens in
 * production: the assignment starts on a task queue no worker polls yet, its first attempt's batch is stored as the
 * local activity stores it, and then a worker takes the task.
 */
async function recordLostTask(config: Config, pool: Pool, workflowBundle: { code: string }, prefix: string) {
  const { connection, client } = await connectClient(config);
  const nativeConnection = await connectWorker(config);
  const taskQueue = `${prefix}-lost-task`;
  const activities = createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC, queueDeliveries: false });
  const unit = '市质监局';
  const today = shanghaiDate(new Date());
  const spec = {
    taskId: `${prefix}-lost-task:五.(二).29`,
    ref: '五.(二).29',
    title: '开展重点产品质量提升行动',
    unit,
    coordinator: '市政府督查室',
    deadlineText: '持续推进',
    due: addDays(today, 200),
    cooperating: ['市工商局'],
    periods: [{ key: 'first', label: '第一期', due: addDays(today, 90) }],
    policy: DEFAULT_CYCLE_POLICY,
    calendar: calendarSlice({ from: today, to: addDays(today, 260) }, packageCalendarYears()),
    lights: DEFAULT_LIGHTS,
    ...DEFAULT_CONVERSATION,
    targets: [],
  };
  const id = `${prefix}-lost-task:五.(二).29:${unit}`;
  try {
    const handle = await client.workflow.start<typeof assignmentWorkflow>(ASSIGNMENT_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: id,
      args: [{ spec }],
    });
    const command = { type: 'AssignTask', now: new Date(Date.now() - 3_600_000), spec } as const;
    const events = decide(command, initialState);
    await activities.storeEvents(
      events.map((event, i) => ({
        assignmentId: id,
        seq: i + 1,
        event,
        meta: { ...provenanceOf(command, event), workflowId: id, runId: handle.firstExecutionRunId },
      })),
    );
    const worker = await createAssignmentWorker({
      connection: nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    await worker.runUntil(async () => {
      const view = await handle.executeUpdate(assignedUpdate);
      if (view.assignedAt !== command.now.toISOString()) {
        throw new Error(`交办时间应为第一次尝试存下的 ${command.now.toISOString()}，而不是 ${view.assignedAt}`);
      }
      await handle.terminate('recorded');
    });
    await save('lost-task', config.TEMPORAL_ADDRESS, id);
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

/**
 * A version-3 assignment of June 2018 on the time-skipping server started then: 签收 late and urged (催签收), one
 * cooperating unit's 协办意见 and the other reminded and missing, the lead's report, a send-back insisted on, and
 * 改派 to one of the cooperating units — whose successor is saved too (v3-cooperation-successor.json).
 */
async function recordCooperation(pool: Pool, topic: string, workflowBundle: { code: string }, prefix: string) {
  const env = await startTimeSkippingServer({ initialTime: new Date('2018-06-04T08:58:00+08:00') });
  const skipTo = async (date: string, time: string) => {
    const ms = shanghaiInstant(date, time).getTime() - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  try {
    const taskQueue = `${prefix}-cooperation`;
    const activities = createActivities({
      pool,
      topic,
      temporal: { client: env.client, taskQueue },
      queueDeliveries: false,
    });
    const worker = await createAssignmentWorker({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    await worker.runUntil(async () => {
      const coordinator = '市政府督查室';
      const unit = '市质监局';
      const id = `${prefix}-cooperation:五.(二).29:${unit}`;
      await skipTo('2018-06-04', '09:00');
      const handle = await env.client.workflow.start<typeof assignmentWorkflow>(ASSIGNMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: id,
        args: [
          {
            spec: {
              taskId: `${prefix}-cooperation:五.(二).29`,
              ref: '五.(二).29',
              title: '开展重点产品质量提升行动',
              unit,
              coordinator,
              deadlineText: '2018年12月底之前',
              due: '2018-12-31',
              cooperating: ['市工商局', '市经信委'],
              periods: [
                { key: '2018-06', label: '2018年6月', due: '2018-06-29' },
                { key: '2018-Q3', label: '2018年第三季度', due: '2018-09-30' },
              ],
              policy: DEFAULT_CYCLE_POLICY,
              calendar: calendarSlice({ from: '2018-01-01', to: '2019-03-31' }, packageCalendarYears()),
              lights: DEFAULT_LIGHTS,
              ...DEFAULT_CONVERSATION,
              targets: [
                {
                  indicator: '重点产品抽检合格率',
                  comparator: '>=',
                  value: 95,
                  unit: '%',
                  text: '重点产品抽检合格率达到95%以上',
                },
              ],
            },
          },
        ],
      });
      await skipTo('2018-06-08', '10:00');
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ unit }] });
      await skipTo('2018-06-27', '10:00');
      await handle.executeUpdate(contributeUpdate, { args: [{ unit: '市工商局', summary: '已配合抽查 300 户' }] });
      await skipTo('2018-06-28', '15:00');
      await handle.executeUpdate(submitReportUpdate, { args: [{ unit, summary: '已完成抽检', percentComplete: 50 }] });
      await skipTo('2018-07-02', '10:00');
      await handle.executeUpdate(sendBackUpdate, { args: [{ unit, reason: '主要由工商部门负责' }] });
      await handle.executeUpdate(insistUpdate, { args: [{ by: coordinator, comment: '质量提升由质监部门牵头' }] });
      await handle.executeUpdate(sendBackUpdate, { args: [{ unit, reason: '机构调整后已无此职能' }] });
      await skipTo('2018-07-03', '10:00');
      await handle.executeUpdate(reassignUpdate, { args: [{ by: coordinator, to: '市工商局', reason: '机构调整' }] });
      await handle.result();
      const successor = env.client.workflow.getHandle(`${id}>市工商局`);
      await successor.executeUpdate(assignedUpdate);
      await skipTo('2018-07-10', '10:00');
      await successor.terminate('end of the recording');
      await save('v3-cooperation', env.address, id);
      await save('v3-cooperation-successor', env.address, successor.workflowId);
    });
  } finally {
    await env.teardown();
  }
}

/**
 * A small cycle of 2017, as tests/cycle/cycle.workflow.test.ts runs it: three items with a January period due on
 * 2017-01-26 and the third quarter; one unit silent through the Spring Festival week, one item withdrawn, then the
 * whole cycle paused and resumed. Saved at the third quarter's close, running workflows terminated.
 */
async function recordCycle(pool: Pool, topic: string, workflowBundle: { code: string }, prefix: string) {
  const env = await startTimeSkippingServer({ initialTime: new Date('2017-01-03T08:58:00+08:00') });
  const skipTo = async (date: string, time: string) => {
    const ms = shanghaiInstant(date, time).getTime() - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  try {
    const taskQueue = `${prefix}-cycle`;
    const activities = createActivities({
      pool,
      topic,
      temporal: { client: env.client, taskQueue },
      queueDeliveries: false,
    });
    const worker = await createAssignmentWorker({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    await worker.runUntil(async () => {
      const coordinator = '市政府督查室';
      const cycleId = `${prefix}-cycle`;
      const cycles = new CycleService({ client: env.client, pool, taskQueue });
      const assignments = new AssignmentService({ client: env.client, taskQueue, coordinator });
      const periods = [
        { key: '2017-01', label: '2017年1月', due: '2017-01-26' },
        { key: '2017-Q3', label: '2017年第三季度', due: '2017-09-30' },
      ];
      const item = (ref: string, unit: string) => ({
        assignmentId: `${cycleId}:${ref}:${unit}`,
        ref,
        title: '推进质量提升行动',
        unit,
        cooperating: ['市工商局'],
        deadlineText: '2017年9月底前',
        due: '2017-09-30',
        periods,
      });
      const items = [item('一.(一)', '市商务局'), item('一.(二)', '市农委'), item('一.(三)', '市林业局')];
      await skipTo('2017-01-03', '09:00');
      const { handle } = await cycles.launch({
        cycleId,
        items,
        launchedBy: coordinator,
        config: {
          title: '录制用督办周期',
          planId: cycleId,
          coordinator,
          policy: DEFAULT_CYCLE_POLICY,
          lights: DEFAULT_LIGHTS,
          scoring: DEFAULT_SCORING,
          calendar: calendarSlice({ from: '2017-01-01', to: '2018-03-31' }, packageCalendarYears()),
        },
      });
      while ((await handle.query(cycleStatusQuery)).status === 'launching')
        await new Promise((r) => setTimeout(r, 100));
      await skipTo('2017-01-10', '10:00');
      await assignments.cancel(items[2]!.assignmentId, { by: coordinator, reason: '任务已调整' });
      await skipTo('2017-02-06', '15:00');
      await env.client.workflow.getHandle(items[1]!.assignmentId).executeUpdate(submitReportUpdate, {
        args: [{ unit: '市农委', period: '2017-01', summary: '1月工作已完成', percentComplete: 10 }],
      });
      await skipTo('2017-03-20', '10:00');
      await cycles.pause(cycleId, { by: coordinator, reason: '机构改革' });
      await skipTo('2017-04-20', '10:00');
      await cycles.resume(cycleId, { by: coordinator });
      await skipTo('2017-10-20', '18:00');
      for (const id of [`cycle:${cycleId}`, ...items.map((i) => i.assignmentId)]) {
        const running = env.client.workflow.getHandle(id);
        if ((await running.describe()).status.name === 'RUNNING') await running.terminate('end of the recording');
      }
      await save('cycle', env.address, `cycle:${cycleId}`);
      await save('cycle-silent', env.address, items[0]!.assignmentId);
      await save('cycle-paused', env.address, items[1]!.assignmentId);
      await save('cycle-cancelled', env.address, items[2]!.assignmentId);
    });
  } finally {
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
