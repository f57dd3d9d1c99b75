/**
 * The assignment workflow on Temporal's time-skipping test server with in-memory activities: no Kafka, no
 * PostgreSQL. What a coordinator checks, to the minute in Asia/Shanghai: the reminders and the escalation ladder
 * (催办 → 督办 → 通报) of a unit that never reports, a report that stops the ladder, and the events recorded in their
 * order, each once. The same workflow with the real storage is assignment.workflow.test.ts.
 */

import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../../activities/types';
import { formatShanghai, shanghaiDate } from '../../domain/calendar';
import { createAssignmentWorker } from '../../worker/create-worker';
import type { AssignmentSpec, RecordedEvent } from '../../workflows/assignment/events';
import { ASSIGNMENT_WORKFLOW_TYPE, statusQuery, submitReportUpdate } from '../../workflows/assignment/messages';
import type { Notice } from '../../workflows/assignment/notices';
import { DEFAULT_POLICY } from '../../workflows/assignment/policy';
import type { assignmentWorkflow } from '../../workflows/assignment/workflow';
import { createTimeSkippingEnv, skipTo, uniqueId } from '../support/stack';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  workflowBundle = await bundleWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

/**
 * The event store and the inboxes, in memory, behind the real `Activities` interface (the worker registers the
 * functions of `activities`, as it does those of createActivities). Every batch is kept in arrival order;
 * `failOnce` makes the first attempt at a batch fail, as a store that is down would; `refuse` makes a batch fail for
 * good, as PostgreSQL does what it can never store.
 */
function createInMemoryActivities(
  failOnce: (batch: RecordedEvent[]) => boolean = () => false,
  refuse: (batch: RecordedEvent[]) => boolean = () => false,
  downForLocal: (batch: RecordedEvent[]) => boolean = () => false,
) {
  const received: RecordedEvent[] = [];
  const storedByServer: number[] = [];
  const notices = new Map<string, Notice>();
  const failedAttempts: number[] = [];
  // Assignments only: the cycle's activities are not called by these workflows, so they are not registered.
  const store = (batch: RecordedEvent[]) => {
    if (refuse(batch)) {
      throw ApplicationFailure.nonRetryable('PostgreSQL refuses to store this (in memory)', 'STORAGE_REFUSED');
    }
    const first = batch[0]!.seq;
    if (!failedAttempts.includes(first) && failOnce(batch)) {
      failedAttempts.push(first);
      throw new Error('the event store is down (an in-memory store failing once)');
    }
    received.push(...batch);
  };
  // recordEvents for runs before the record-events-locally patch, storeEvents (a local activity) for those after it.
  const activities: Pick<Activities, 'recordEvents' | 'storeEvents' | 'deliverNotices'> = {
    async recordEvents(stored) {
      store(stored as RecordedEvent[]);
      storedByServer.push(stored[0]!.seq);
    },
    async storeEvents(batch) {
      if (downForLocal(batch)) throw new Error('the event store is down (for every local attempt at this batch)');
      store(batch);
      return batch;
    },
    async deliverNotices(delivered) {
      for (const notice of delivered) notices.set(notice.key, notice);
    },
  };
  return {
    activities,
    received,
    /** The first seq of each batch whose first attempt failed. */
    failedAttempts,
    /** The first seq of each batch stored by the server's recordEvents activity rather than the local one. */
    storedByServer,
    /** Every inbox as a coordinator reads it, in event order: Shanghai time, recipient, subject. */
    inbox: (): string[] =>
      [...notices.values()]
        .sort((a, b) => a.seq - b.seq || a.recipient.localeCompare(b.recipient))
        .map((n) => `${formatShanghai(new Date(n.at))} ${n.recipient} ${n.subject}`),
    /** The notice bodies of one kind, in delivery order. */
    bodies: (kind: Notice['kind']): string[] => [...notices.values()].filter((n) => n.kind === kind).map((n) => n.body),
  };
}
type InMemoryActivities = ReturnType<typeof createInMemoryActivities>;

const UNIT = '市商务局';
const TASK = '「二.(三).一是 强化农产品质量安全监管」';

/**
 * The year a scenario runs in: the one after the test server's clock, so every date lies ahead. The clock is the
 * environment's, shared by the tests of this file, so each test takes its own year.
 */
async function nextYear(): Promise<number> {
  return Number(shanghaiDate(new Date(await env.currentTimeMs())).slice(0, 4)) + 1;
}

/** Due at the end of year `y`, reporting at the third and fourth quarter ends. */
function spec(taskId: string, y: number): AssignmentSpec {
  return {
    taskId,
    ref: '二.(三).一是',
    title: '强化农产品质量安全监管',
    unit: UNIT,
    coordinator: '市政府督查室',
    deadlineText: `${y}年12月底之前`,
    due: `${y}-12-31`,
    reportsDue: [`${y}-09-30`, `${y}-12-31`],
    policy: DEFAULT_POLICY,
  };
}

/** Moves the test server's clock to a Shanghai wall-clock time; timers due on the way fire in order. */

/**
 * Assigns the task on 1 September of `y` at 10:00 with a fresh worker on its own task queue, runs `scenario`, and
 * ends the run (the time-skipping server loses an update that completes a workflow: 办结 is tested on the dev server).
 */
async function assignAndRun(
  y: number,
  store: InMemoryActivities,
  scenario: (handle: WorkflowHandle<typeof assignmentWorkflow>) => Promise<void>,
): Promise<void> {
  const taskQueue = uniqueId('ladder');
  const worker = await createAssignmentWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: store.activities,
  });
  await worker.runUntil(async () => {
    await skipTo(env, `${y}-09-01`, '10:00');
    const handle = await env.client.workflow.start<typeof assignmentWorkflow>(ASSIGNMENT_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `${taskQueue}:${UNIT}`,
      args: [{ spec: spec(`${taskQueue}:二.(三).一是`, y) }],
    });
    await scenario(handle);
    await handle.terminate('end of the scenario');
  });
}

const silentYear = (y: number): string[] => [
  `${y}-09-01 10:00 市商务局 【交办】${TASK}`,
  `${y}-09-25 09:00 市商务局 【提醒】${y}年第三季度进展报送`,
  `${y}-09-30 09:00 市商务局 【提醒】${y}年第三季度进展报送`,
  `${y}-10-01 09:00 市商务局 【催办】${TASK}`,
  `${y}-10-04 09:00 市商务局主要负责人 【督办】${TASK}`,
  `${y}-10-09 09:00 市政府督查室 【通报】市商务局逾期未报`,
  `${y}-12-26 09:00 市商务局 【提醒】${y}年第四季度进展报送`,
  `${y}-12-31 09:00 市商务局 【提醒】${y}年第四季度进展报送`,
  `${y + 1}-01-01 09:00 市商务局 【催办】${TASK}`,
  `${y + 1}-01-04 09:00 市商务局主要负责人 【督办】${TASK}`,
  `${y + 1}-01-09 09:00 市政府督查室 【通报】市商务局逾期未报`,
];

/** The event types of one silent period, in the order they happen. */
const SILENT_PERIOD = [
  'DeadlineReminderSent',
  'DeadlineReminderSent',
  'ReportingPeriodOverdue',
  'OverdueEscalated',
  'OverdueEscalated',
  'OverdueEscalated',
];

/** `[seq, type]` of what the store received, in arrival order. */
const stream = (store: InMemoryActivities) => store.received.map((r) => [r.seq, r.event.type]);
/** 1, 2, …, n next to the expected types: the order a gapless, duplicate-free stream must have. */
const numbered = (types: string[]) => types.map((type, i) => [i + 1, type]);

test('a unit that never reports: every reminder and escalation, to the minute, and each event once in order', async () => {
  const y = await nextYear();
  const store = createInMemoryActivities();
  await assignAndRun(y, store, async (handle) => {
    await skipTo(env, `${y + 1}-01-10`, '12:00');
    const status = await handle.query(statusQuery);
    expect(status.periods.map((p) => [p.due, p.overdue, p.escalations])).toEqual([
      [`${y}-09-30`, true, ['urge', 'notify-head', 'report-coordinator']],
      [`${y}-12-31`, true, ['urge', 'notify-head', 'report-coordinator']],
    ]);
  });

  expect(store.inbox()).toEqual(silentYear(y));
  expect(store.bodies('reminder').slice(0, 2)).toEqual([
    `市商务局：任务${TASK}${y}年第三季度进展情况应于9月30日前报送，还有5天。`,
    `市商务局：任务${TASK}${y}年第三季度进展情况应于9月30日前报送，今天截止。`,
  ]);
  const late = (days: number) => `任务${TASK}${y}年第三季度进展情况应于9月30日前报送，已逾期${days}天`;
  expect([store.bodies('urge')[0], store.bodies('notify-head')[0], store.bodies('report-coordinator')[0]]).toEqual([
    `市商务局：${late(1)}，请立即报送。`,
    `市商务局主要负责人：${late(4)}，请督促落实。`,
    `市政府督查室：市商务局${late(9)}，经提醒仍未报送。`,
  ]);
  expect(stream(store)).toEqual(numbered(['TaskAssigned', ...SILENT_PERIOD, ...SILENT_PERIOD]));
});

test('a report stops the ladder at once: a late one after 催办, an early one before any reminder', async () => {
  const y = await nextYear();
  const store = createInMemoryActivities();
  const report = (handle: WorkflowHandle<typeof assignmentWorkflow>, summary: string) =>
    handle.executeUpdate(submitReportUpdate, { args: [{ unit: UNIT, summary, percentComplete: 40 }] });
  await assignAndRun(y, store, async (handle) => {
    await skipTo(env, `${y}-10-02`, '10:00'); // after 催办 (10-01), before 督办 (10-04)
    await report(handle, '三季度进展：已完成抽检两轮');
    await skipTo(env, `${y}-12-20`, '15:00'); // before the first fourth-quarter reminder (12-26)
    await report(handle, '四季度进展：全年抽检完成');
    await skipTo(env, `${y + 1}-01-10`, '12:00'); // past every step the ladders would have had
    const status = await handle.query(statusQuery);
    expect(status.periods.map((p) => [p.due, p.report?.late, p.escalations])).toEqual([
      [`${y}-09-30`, true, ['urge']],
      [`${y}-12-31`, false, []],
    ]);
  });

  expect(store.inbox()).toEqual([
    `${y}-09-01 10:00 市商务局 【交办】${TASK}`,
    `${y}-09-25 09:00 市商务局 【提醒】${y}年第三季度进展报送`,
    `${y}-09-30 09:00 市商务局 【提醒】${y}年第三季度进展报送`,
    `${y}-10-01 09:00 市商务局 【催办】${TASK}`,
  ]);
  expect(stream(store)).toEqual(
    numbered([
      'TaskAssigned',
      'DeadlineReminderSent',
      'DeadlineReminderSent',
      'ReportingPeriodOverdue',
      'OverdueEscalated',
      'AssignmentAcknowledged', // a report before 签收 acknowledges implicitly
      'ProgressReportSubmitted',
      'ProgressReportSubmitted',
    ]),
  );
});

test('a store that fails once delays a batch; every event still arrives once, in seq order, and no notice is lost', async () => {
  const y = await nextYear();
  const store = createInMemoryActivities((batch) => batch.some((r) => r.event.type === 'OverdueEscalated'));
  await assignAndRun(y, store, async () => {
    await skipTo(env, `${y + 1}-01-10`, '12:00');
  });

  expect(store.failedAttempts).toEqual([5, 6, 7, 11, 12, 13]); // the first seq of each escalation's batch
  expect(stream(store)).toEqual(numbered(['TaskAssigned', ...SILENT_PERIOD, ...SILENT_PERIOD]));
  expect(store.inbox()).toEqual(silentYear(y));
});

test('a store still down when the local activity gives up: the server activity stores the batch once, in order', async () => {
  const y = await nextYear();
  const store = createInMemoryActivities(undefined, undefined, (batch) =>
    batch.some((r) => r.event.type === 'ProgressReportSubmitted'),
  );
  await assignAndRun(y, store, async (handle) => {
    await skipTo(env, `${y}-09-20`, '10:00');
    // The update waits out the local activity's four attempts (about seven seconds), then the server's activity.
    const view = await handle.executeUpdate(submitReportUpdate, {
      args: [{ unit: UNIT, summary: '第三季度工作已完成', percentComplete: 40 }],
    });
    expect(view.periods[0]?.report).toMatchObject({ summary: '第三季度工作已完成', late: false });
  });
  expect(store.received.map((r) => [r.seq, r.event.type])).toEqual([
    [1, 'TaskAssigned'],
    [2, 'AssignmentAcknowledged'],
    [3, 'ProgressReportSubmitted'],
  ]);
  expect(store.storedByServer).toEqual([2]);
});

test('a report the store refuses for good is not counted; the assignment goes on and the next report is stored', async () => {
  const y = await nextYear();
  const poisoned = (batch: RecordedEvent[]) =>
    batch.some((r) => r.event.type === 'ProgressReportSubmitted' && r.event.summary === '无法存储的报告');
  const store = createInMemoryActivities(undefined, poisoned);
  await assignAndRun(y, store, async (handle) => {
    await skipTo(env, `${y}-09-20`, '10:00');
    const refused = await handle
      .executeUpdate(submitReportUpdate, { args: [{ unit: UNIT, summary: '无法存储的报告', percentComplete: 30 }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(JSON.stringify((refused as Error).cause, null, 0)).toMatch(/STORAGE_REFUSED/);

    const after = await handle.query(statusQuery);
    expect(after.status).toBe('assigned'); // not even the implicit 签收 that came with the report
    expect(after.periods[0]?.report).toBeUndefined();

    const stored = await handle.executeUpdate(submitReportUpdate, {
      args: [{ unit: UNIT, summary: '第三季度工作已完成', percentComplete: 40 }],
    });
    expect(stored.periods[0]?.report).toMatchObject({ summary: '第三季度工作已完成', late: false });
  });
  expect(store.received.map((r) => [r.seq, r.event.type])).toEqual([
    [1, 'TaskAssigned'],
    [2, 'AssignmentAcknowledged'],
    [3, 'ProgressReportSubmitted'],
  ]);
});
