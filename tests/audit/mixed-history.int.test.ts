/**
 * An assignment that began before the `record-events-locally` patch and went on after it, on the dev server and
 * PostgreSQL: its first turns are stored by a worker that leaves the patch inactive (as one deployed before it did:
 * each batch a `recordEvents` activity, its events in the ActivityTaskScheduled input), then that worker stops and the
 * current one takes the run over (each batch a `storeEvents` local activity, its events in the marker's result). Its
 * history holds both shapes; `audit verify` must read both, compare every event with the store, and replay it.
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { AssignmentService } from '../../api/assignments';
import { verifyHistory, verifyOne } from '../../infra/audit-verify';
import { addDays, shanghaiDate } from '../../domain/calendar';
import type { StoredEvent } from '../../domain/audit/records';
import { streamsEvents } from '../../infra/audit-store';
import { loadCalendarYears } from '../../infra/calendar-store';
import { fetchRuns, recordCalls } from '../../infra/workflow-history';
import { RECORD_EVENTS_LOCALLY } from '../../workflows/assignment/workflow';
import { config, connectPostgres, connectTemporal, connectWorkerToStack, uniqueId } from '../support/stack';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(180_000);

const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';
const taskQueue = uniqueId('mixed-history');
let pool: Pool;
let client: Client;
let closeClient: () => Promise<void>;
let connection: NativeConnection;
let id: string;

/** A worker on the test's queue; `beforePatch`: one that leaves the patch inactive, as a worker deployed before it. */
async function runWorker(bundle: Awaited<ReturnType<typeof bundleWorkflows>>, beforePatch: boolean) {
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ pool, topic: config.KAFKA_EVENTS_TOPIC }),
    ...(beforePatch && { patchActivationCallback: ({ patchId }) => patchId !== RECORD_EVENTS_LOCALLY }),
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}

/** How each batch of the history was stored, in order: 'activity' (recordEvents) or 'local' (storeEvents). */
async function shapes(): Promise<string[]> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordEvents') return ['activity'];
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') return ['local'];
    return [];
  });
}

beforeAll(async () => {
  pool = await connectPostgres();
  const temporal = await connectTemporal();
  client = temporal.client;
  closeClient = () => temporal.connection.close();
  connection = await connectWorkerToStack();
  const bundle = await bundleWorkflows();
  const service = new AssignmentService({
    client,
    taskQueue,
    coordinator: COORDINATOR,
    calendarYears: () => loadCalendarYears(pool),
    // A run begun before every assignment started as assignmentWorkflowV2, which asks no patch.
    workflowType: 'assignmentWorkflow',
  });

  const stopOld = await runWorker(bundle, true);
  const assigned = await service.assign({
    planId: uniqueId('mixed'),
    ref: '二.(一).7',
    title: '开展质量提升行动',
    unit: UNIT,
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  });
  id = assigned.assignmentId;
  const period = assigned.periods[0]!.period;
  await service.acknowledge(id, { unit: UNIT });
  await stopOld();

  const stopCurrent = await runWorker(bundle, false);
  try {
    await service.submitReport(id, { unit: UNIT, period, summary: '已完成 30 家企业帮扶', percentComplete: 30 });
    await service.reviewReport(id, { by: COORDINATOR, period, decision: 'return', comment: '请补充帮扶清单' });
    await service.submitReport(id, { unit: UNIT, period, summary: '已补充帮扶清单', percentComplete: 35 });
  } finally {
    await stopCurrent();
  }
});

afterAll(async () => {
  await client?.workflow
    .getHandle(id)
    .terminate('test finished')
    .catch(() => undefined);
  await connection?.close();
  await closeClient?.();
  await pool?.end();
});

test('its history holds both shapes: an activity for each turn before the switch of workers, a marker for each after', async () => {
  expect(await shapes()).toEqual(['activity', 'activity', 'local', 'local', 'local']);
});

test('audit verify reads both shapes: every stored event agrees with the history, and the history replays', async () => {
  const stored = (await streamsEvents(pool, [id])).get(id)!;
  const verdict = await verifyOne(pool, client, id);
  expect(verdict).toMatchObject({
    stream: id,
    events: stored.length,
    ok: true,
    chain: { ok: true },
    history: { ok: true, message: expect.stringContaining(`${stored.length} 条事件与 5 次写入活动逐条相符`) },
    replay: { ok: true },
  });
});

test('an event stored through the local activity and changed afterwards is named, with the marker it differs from', async () => {
  const runs = (await fetchRuns(client, id))!;
  const stored = (await streamsEvents(pool, [id])).get(id)!;
  const marker = recordCalls(runs).find((c) => c.events.some((e) => e.seq === 4))!;
  const changed = stored.map((s) =>
    s.seq === 4 ? { ...s, event: { ...s.event, comment: '已改动' } as StoredEvent['event'] } : s,
  );
  expect(verifyHistory(id, changed, runs)).toMatchObject({
    ok: false,
    seq: 4,
    message: expect.stringMatching(new RegExp(`事件 ${marker.eventId}[^]*字段 comment`)),
  });
  // …and one stored before the switch, compared with the activity's input.
  const early = stored.map((s) =>
    s.seq === 2 ? { ...s, event: { ...s.event, unit: '市卫健委' } as StoredEvent['event'] } : s,
  );
  expect(verifyHistory(id, early, runs)).toMatchObject({
    ok: false,
    seq: 2,
    message: expect.stringMatching(/字段 unit/),
  });
});
