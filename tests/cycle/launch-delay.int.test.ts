/**
 * A launch puts off each assignment's first workflow task until the launch is expected to have ended
 * (activities/launch-pace.ts), on the dev server of the local stack. What a unit meets meanwhile: its assignment is
 * there at once — shown from its stored 交办, with its light and next alarm, while the workflow has not yet run a
 * task — and its 签收 is taken at once, starting the workflow, which then answers for itself.
 */
import type { Pool } from 'pg';
import { openingStore } from '../../activities';
import { startAssignments, type CycleItem } from '../../activities/cycle';
import { LaunchPace } from '../../activities/launch-pace';
import { AssignmentService } from '../../api/assignments';
import { prepareLaunch } from '../../api/cycle-launch';
import { specOf } from '../../api/cycles';
import { shanghaiDate } from '../../domain/calendar';
import { parsePlan } from '../../domain/plan';
import { assignmentEventsOf } from '../../infra/audit-store';
import { AuditVerifier, verdictSentence } from '../../infra/audit-verify';
import { loadCalendarYears } from '../../infra/calendar-store';
import type { AssignmentSpecV3 } from '../../workflows/assignment/events';
import { smallPlan } from '../support/small-plan';
import { config, connectPostgres, startStackWorker, uniqueId } from '../support/stack';

jest.setTimeout(120_000);

const taskQueue = uniqueId('launch-delay');
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let items: CycleItem[];
let assignments: AssignmentService;

beforeAll(async () => {
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  const cycleId = uniqueId('delayed');
  const prepared = prepareLaunch({
    plan: parsePlan(smallPlan(2027, { sharedLead: true })).plan,
    directory: [],
    calendarYears: await loadCalendarYears(pool),
    cycleId,
    today: shanghaiDate(new Date()),
    coordinator: '市政府督查室',
  });
  items = prepared.launch.items.map((item) => ({
    assignment_id: item.assignmentId,
    unit: item.unit,
    spec: specOf(item, cycleId, prepared.config),
  }));
  // As the first batch of a launch of 9,000 more starts them: each first task put off by about a minute.
  const storeOpenings = openingStore({ pool, topic: config.KAFKA_EVENTS_TOPIC });
  const decidedBy = { workflowId: `cycle:${cycleId}`, runId: cycleId };
  const starter = { client: stack.client, taskQueue, storeOpenings, decidedBy, now: () => new Date() };
  await startAssignments(starter, items.slice(0, 3), undefined, new LaunchPace(9_000));
  // The last two as the last of a batch with 3,000 more after it: put off by about 22 s.
  await startAssignments(starter, items.slice(3), undefined, new LaunchPace(3_000));
  assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: '市政府督查室',
    storedEvents: (id) => assignmentEventsOf(pool, id),
  });
});

afterAll(async () => {
  for (const { assignment_id: id } of items ?? []) {
    await stack.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  }
  await stack?.stop();
  await pool?.end();
});

test('each assignment is started with its first task put off until the launch is expected to end', async () => {
  for (const { assignment_id: id } of items.slice(0, 3)) {
    const { startTime, executionTime, historyLength } = await stack.client.workflow.getHandle(id).describe();
    expect(historyLength).toBe(1); // started, nothing run
    expect(executionTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(55_000);
  }
});

test('what the stored events showed is what the workflow answers once its first task has run', async () => {
  const item = items[3]!;
  const handle = stack.client.workflow.getHandle(item.assignment_id);
  const stored = await assignments.status(item.assignment_id);
  expect((await handle.describe()).historyLength).toBe(1); // it came from the store
  const deadline = Date.now() + 60_000;
  while ((await handle.describe()).historyLength < 4) {
    if (Date.now() > deadline) throw new Error(`${item.assignment_id} never ran its first workflow task`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(await assignments.status(item.assignment_id)).toEqual(stored);
});

test("a unit's assignment is shown from its stored 交办 while its workflow has not yet run", async () => {
  const item = items[0]!;
  const spec = item.spec as AssignmentSpecV3;
  const view = await assignments.status(item.assignment_id);
  expect(view).toMatchObject({
    assignmentId: item.assignment_id,
    status: 'assigned',
    light: 'green',
    spec: { unit: item.unit, ref: spec.ref, cycleId: spec.cycleId },
  });
  expect(view.periods.map((p) => p.due)).toEqual(spec.periods.map((p) => p.due));
  expect(view.nextAlarm).toBeDefined();
  // answered without waiting for the workflow: it has still run nothing
  expect((await stack.client.workflow.getHandle(item.assignment_id).describe()).historyLength).toBe(1);
});

test('a 签收 sent meanwhile is taken at once, and the workflow answers for itself from then on', async () => {
  const item = items[1]!;
  const acknowledged = await assignments.acknowledge(item.assignment_id, { unit: item.unit });
  expect(acknowledged.status).toBe('acknowledged');
  const events = await assignmentEventsOf(pool, item.assignment_id);
  expect(events.map((e) => e.type)).toEqual(['TaskAssigned', 'AssignmentAcknowledged']);
  expect((await stack.client.workflow.getHandle(item.assignment_id).describe()).historyLength).toBeGreaterThan(3);
  expect((await assignments.status(item.assignment_id)).status).toBe('acknowledged');
});

test('an auditor verifies an assignment whose workflow has not yet run: its 交办 is the one its start carries', async () => {
  const item = items[2]!;
  const verifier = new AuditVerifier(pool, stack.client);
  try {
    const verdict = await verifier.verify(item.assignment_id);
    expect(verdict).toMatchObject({ ok: true, events: 1, history: { ok: true } });
    expect(verdict.replay).toMatchObject({ ok: true, nothingRan: true });
    expect(verdictSentence(verdict)).toMatch(
      /^记录完整可信：1 条事件的哈希链完整，与 Temporal 工作流历史逐条一致，工作流尚未执行任何任务，无可重放。$/,
    );
  } finally {
    await verifier.close();
  }
  expect((await stack.client.workflow.getHandle(item.assignment_id).describe()).historyLength).toBe(1);
});
