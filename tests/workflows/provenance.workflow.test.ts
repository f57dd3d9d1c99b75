/**
 * Who and why on every stored event, through the real workflow and the real activities on the time-skipping server
 * started in 2017: the unit's 签收 and report, a cooperating unit's 协办意见 sent with the caller the API names, the
 * coordinator's review with its comment, the clock's 催签收, reminders and 催办 — each with the id and run id of the
 * workflow that produced it, and the stream's hash chain intact as stored.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { firstBreak } from '../../domain/audit/chain';
import { formatShanghai } from '../../domain/calendar';
import { createActivities } from '../../activities';
import { decide, initialState } from '../../workflows/assignment/decider';
import {
  ASSIGNMENT_WORKFLOW_TYPE,
  assignedUpdate,
  contributeUpdate,
  submitReportUpdate,
} from '../../workflows/assignment/messages';
import { provenanceOf } from '../../workflows/assignment/provenance';
import { DEFAULT_CONVERSATION } from '../../workflows/assignment/policy';
import {
  FOLD_AS_STORED,
  RECORD_EVENTS_LOCALLY,
  STORED_BEFORE_COUNTED,
  type assignmentWorkflow,
} from '../../workflows/assignment/workflow';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import { config, connectPostgres, createTimeSkippingEnv, runProductWorker, skipTo, uniqueId } from '../support/stack';
import { patchesIn } from '../support/patch-markers';
import { storedEvents } from '../support/stored-events';
import { spec } from './decider-v2-fixtures';

jest.setTimeout(60_000);

const UNIT = spec.unit;
const COORDINATOR = spec.coordinator;
let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;
let service: AssignmentService;
const taskQueue = uniqueId('provenance');

beforeAll(async () => {
  pool = await connectPostgres();
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-01-03T08:58:00+08:00') });
  worker = await runProductWorker(pool, taskQueue, { connection: env.nativeConnection, client: env.client });
  service = new AssignmentService({ client: env.client, taskQueue, coordinator: COORDINATOR });
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await pool?.end();
});

test('each stored event names its actor, the reason given, and the run that produced it; the chain holds', async () => {
  const id = uniqueId('audit-2017');
  await skipTo(env, '2017-01-03', '09:00');
  const handle: WorkflowHandle<typeof assignmentWorkflow> = await env.client.workflow.start(ASSIGNMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: id,
    args: [{ spec: { ...spec, ...DEFAULT_CONVERSATION, targets: [], taskId: id } }],
  });

  // Not acknowledged within two working days: urged (催签收) on Friday 01-06 at 09:00; 签收 through the API an hour on.
  await skipTo(env, '2017-01-06', '10:00');
  await service.acknowledge(id, { unit: UNIT });
  // A cooperating unit's 协办意见, sent with the caller the API would name after sign-in: that caller is the actor.
  await skipTo(env, '2017-01-16', '10:00');
  await handle.executeUpdate(contributeUpdate, {
    args: [{ unit: '市工商局', summary: '已配合抽检', actor: { role: 'unit', name: '市工商局 王五' } }],
  });
  // A report sent to the workflow with no caller: the unit the body names is the actor.
  await skipTo(env, '2017-01-20', '10:00');
  await handle.executeUpdate(submitReportUpdate, {
    args: [{ unit: UNIT, period: '2017-01', summary: '已部署', percentComplete: 10 }],
  });
  // Returned through the API with a comment; the rework is due 02-07 (over the Spring Festival week): the cooperating
  // unit not heard from is reminded on 02-03, the unit on 02-07, and urged (催办) on 02-08.
  await skipTo(env, '2017-01-25', '14:00');
  await service.reviewReport(id, { by: COORDINATOR, period: '2017-01', decision: 'return', comment: '请补充抽检数据' });
  await skipTo(env, '2017-02-08', '10:00');

  const stored = await storedEvents(pool, id);
  const who = stored.map(({ event, meta }) =>
    [
      formatShanghai(new Date(event.at as string)),
      event.type,
      `${meta!.actor.role}:${meta!.actor.name}`,
      ...(meta!.reason ? [meta!.reason] : []),
    ].join(' '),
  );
  expect(who).toEqual([
    `2017-01-03 09:00 TaskAssigned coordinator:${COORDINATOR}`,
    '2017-01-06 09:00 AcknowledgementUrged clock:时钟',
    `2017-01-06 10:00 AssignmentAcknowledged unit:${UNIT}`,
    '2017-01-16 10:00 ContributionSubmitted unit:市工商局 王五',
    '2017-01-20 09:00 DeadlineReminderSent clock:时钟',
    `2017-01-20 10:00 ProgressReportSubmitted unit:${UNIT}`,
    '2017-01-20 10:00 ContributionsMissing clock:时钟',
    `2017-01-25 14:00 ReportReturned coordinator:${COORDINATOR} 请补充抽检数据`,
    '2017-02-03 09:00 CooperationReminderSent clock:时钟',
    '2017-02-07 09:00 DeadlineReminderSent clock:时钟',
    '2017-02-08 00:00 ReportingPeriodOverdue clock:时钟',
    '2017-02-08 09:00 OverdueEscalated clock:时钟',
  ]);

  const { runId } = await handle.describe();
  expect(new Set(stored.map((e) => `${e.meta!.workflowId} ${e.meta!.runId}`))).toEqual(new Set([`${id} ${runId}`]));
  expect(firstBreak(stored)).toBeUndefined();
});

test('a caller without a name, or a report out of bounds, is refused before it reaches the history, and nothing is stored', async () => {
  const id = uniqueId('audit-refused');
  const handle: WorkflowHandle<typeof assignmentWorkflow> = await env.client.workflow.start(ASSIGNMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: id,
    args: [{ spec: { ...spec, ...DEFAULT_CONVERSATION, targets: [], taskId: id } }],
  });
  await expect(
    handle.executeUpdate(submitReportUpdate, {
      args: [{ unit: UNIT, summary: '已部署', percentComplete: 10, actor: { role: 'unit', name: '' } }],
    }),
  ).rejects.toMatchObject({ cause: { type: 'INVALID_PAYLOAD', message: expect.stringMatching(/操作人名称不能为空/) } });
  // The body's own schema, which the workflow loads at its first update (payloads.ts), refuses it as well.
  await expect(
    handle.executeUpdate(submitReportUpdate, { args: [{ unit: UNIT, summary: '已部署', percentComplete: 140 }] }),
  ).rejects.toMatchObject({
    cause: { type: 'INVALID_PAYLOAD', message: expect.stringMatching(/完成进度不能大于 100/) },
  });
  expect((await storedEvents(pool, id)).map((e) => e.event.type)).toEqual(['TaskAssigned']);
});

test.each([
  // Every assignment since 2026-11-24: every patch in force, none asked, so its history holds no patch marker.
  [ASSIGNMENT_WORKFLOW_TYPE, []],
  // A run begun before: it asks each patch, and holds fold-as-stored's marker where the two tellings differed.
  ['assignmentWorkflow', [STORED_BEFORE_COUNTED, RECORD_EVENTS_LOCALLY, FOLD_AS_STORED]],
])(
  'a workflow task run again after its completion was lost goes on with the event its first attempt stored (%s)',
  async (workflowType, markers) => {
    // The first attempt of the assignment's first task stored its TaskAssigned, and its completion never reached the
    // server (a worker too busy for the task's timeout: TMPRL1104); the task runs again an hour later, on another
    // worker. The store keeps the first telling and answers with it, and the workflow goes on with that one.
    const id = uniqueId('audit-lost-task');
    const queue = uniqueId('lost-task'); // no worker polls it yet: the first task waits
    const assignedSpec = { ...spec, ...DEFAULT_CONVERSATION, targets: [], taskId: id };
    const handle = await env.client.workflow.start<typeof assignmentWorkflow>(workflowType, {
      taskQueue: queue,
      workflowId: id,
      args: [{ spec: assignedSpec }],
    });
    const firstAttempt = new Date((await env.currentTimeMs()) - 3_600_000);
    const [event] = decide({ type: 'AssignTask', now: firstAttempt, spec: assignedSpec }, initialState);
    const command = { type: 'AssignTask', now: firstAttempt, spec: assignedSpec } as const;
    await createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC }).storeEvents([
      {
        assignmentId: id,
        seq: 1,
        event: event!,
        meta: { ...provenanceOf(command, event!), workflowId: id, runId: handle.firstExecutionRunId },
      },
    ]);

    const again = await runProductWorker(pool, queue, { connection: env.nativeConnection, client: env.client });
    try {
      const view = await handle.executeUpdate(assignedUpdate);
      expect(view.assignedAt).toBe(firstAttempt.toISOString());
    } finally {
      await again.stop();
    }
    const stored = await storedEvents(pool, id);
    expect(stored.map((e) => [e.seq, e.event.type, e.event.at])).toEqual([
      [1, 'TaskAssigned', firstAttempt.toISOString()],
    ]);
    expect(firstBreak(stored)).toBeUndefined();

    // Its history holds the patches' markers its type asks for, and replays with the current workflow code.
    const history = await handle.fetchHistory();
    expect(patchesIn(history.events!)).toEqual(markers);
    await Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), replayName: 'lost-task' }, history, id);
  },
);
