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
import { AuditVerifier } from '../../infra/audit-verify';
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
    plan: parsePlan(smallPlan(2027)).plan,
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
  await startAssignments(starter, items, undefined, new LaunchPace(9_000));
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
  for (const { assignment_id: id } of items) {
    const { startTime, executionTime, historyLength } = await stack.client.workflow.getHandle(id).describe();
    expect(historyLength).toBe(1); // started, nothing run
    expect(executionTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(55_000);
  }
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
    expect(verdict.replay.message).toContain('尚未执行任何任务');
  } finally {
    await verifier.close();
  }
  expect((await stack.client.workflow.getHandle(item.assignment_id).describe()).historyLength).toBe(1);
});
