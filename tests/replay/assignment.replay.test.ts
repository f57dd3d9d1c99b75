/**
 * Recorded histories (scripts/record-histories.ts) replayed with the current workflow code. A change that would
 * break workflows already running in production — a new activity, a timer moved, a different order — fails here.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import { FOLD_AS_STORED, RECORD_EVENTS_LOCALLY, STORED_BEFORE_COUNTED } from '../../workflows/assignment/workflow';
import { SCHEDULE_WITH_STARTS } from '../../workflows/cycle/workflow';
import { patchesIn } from '../support/patch-markers';

jest.setTimeout(120_000);
// ERROR only: the drifted replay's expected nondeterminism warnings would bury real ones.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const HISTORIES = path.join(__dirname, 'histories');

/** The part of a history event (as `temporal workflow show --output json` writes it) that a marker is. */
interface RecordedHistoryEvent {
  markerRecordedEventAttributes?: {
    markerName: string;
    details: Record<string, { payloads: Array<{ data: string }> }>;
  };
}

/** Each recorded history, named by its file. */
async function histories() {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(await readFile(path.join(HISTORIES, file), 'utf8')),
    })),
  );
}

/**
 * Replays every history under the workflow id it ran with, where the history says it (the dev server's do, the
 * time-skipping server's do not, but the first event an assignment its launch assigned starts with does): an assignment stores its events under its own id and compares the store's answer
 * with them, so under another id a replay would take another path than the run did. Results are named by file.
 */
async function replay(workflowsPath: string) {
  const recorded = await histories();
  const workflowBundle = await bundleWorkflows({ workflowsPath });
  const fileOf = new Map<string, string>();
  const inputs = recorded.map(({ workflowId: file, history }) => {
    const ranAs: string | undefined =
      history.events[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? assignedId(history);
    fileOf.set(ranAs ?? file, file);
    return { workflowId: ranAs ?? file, history };
  });
  const results: Array<{ workflowId: string; error?: unknown }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'assignment-replay' }, inputs)) {
    results.push({ workflowId: fileOf.get(result.workflowId)!, error: result.error });
  }
  return results;
}

/** The id an assignment its launch assigned ran with: its input's first event names its stream. */
function assignedId(history: {
  events: Array<{ workflowExecutionStartedEventAttributes?: { input?: { payloads?: Array<{ data: string }> } } }>;
}): string | undefined {
  const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  const input = JSON.parse(Buffer.from(payload.data, 'base64').toString()) as { assigned?: { assignmentId: string } };
  return input.assigned?.assignmentId;
}

const RECORDED = [
  // A supervision cycle of 2017 and three of its version-2 assignments (working days, pause, 撤销).
  'cycle-cancelled',
  'cycle-paused',
  'cycle-silent',
  'cycle',
  // Before the stored-before-counted patch: these replay on the path that changed the state when deciding.
  'lifecycle-completed',
  // After the record-events-locally patch: every scenario again, each batch of events a local activity's marker.
  'local-conversation',
  'local-cycle-cancelled',
  'local-cycle-paused',
  'local-cycle-silent',
  'local-cycle',
  'local-lifecycle-completed',
  // A first workflow task run again after its completion was lost: it folds the TaskAssigned its first attempt stored.
  'local-lost-task',
  'local-refused-updates',
  'local-v3-cooperation-successor',
  'local-v3-cooperation',
  'local-year-late',
  'local-year-never',
  'local-year-on-time',
  // A launch storing its assignments' 交办 and starting each with it: the cycle and its assignments, none storing in
  // its first task.
  'opened-cycle-cancelled',
  'opened-cycle-paused',
  'opened-cycle-silent',
  'opened-cycle',
  // The cycle reading its schedule while its first batch starts (schedule-with-starts), and its V2 assignments.
  'sched-cycle-cancelled',
  'sched-cycle-paused',
  'sched-cycle-silent',
  'sched-cycle',
  // After it: the same scenarios, one with refused calls around each accepted one, and the 督办 conversation's turns
  // (rework, extension, moved deadline, closure returned and approved) on a version-2 assignment.
  'v2-conversation',
  'v2-lifecycle-completed',
  'v2-refused-updates',
  'v2-year-late',
  'v2-year-never',
  // Version 3: 催签收, 协办意见 given and missing, 退回, 坚持交办, 改派 — and the successor that took the item over.
  'v3-cooperation-successor',
  'v3-cooperation',
  // assignmentWorkflowV2: every scenario again, started as every assignment has been since, asking no patch.
  'wf2-conversation',
  'wf2-cycle-cancelled',
  'wf2-cycle-paused',
  'wf2-cycle-silent',
  'wf2-cycle',
  'wf2-lifecycle-completed',
  'wf2-lost-task',
  'wf2-refused-updates',
  'wf2-v3-cooperation-successor',
  'wf2-v3-cooperation',
  'wf2-year-late',
  'wf2-year-never',
  'wf2-year-on-time',
  'year-late',
  'year-never',
  'year-on-time',
];

test('every recorded history replays with the current workflow code', async () => {
  const results = await replay(WORKFLOWS_PATH);
  expect(results.map((r) => r.workflowId)).toEqual(RECORDED);
  expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
});

test('the histories recorded since each patch hold its marker, the earlier ones and V2 do not: every path is replayed', async () => {
  for (const { workflowId, history } of await histories()) {
    const patches = patchesIn(history.events as RecordedHistoryEvent[]);
    if (/^(wf2|sched|opened)-/.test(workflowId)) {
      const cycle = workflowId === 'sched-cycle' || workflowId === 'opened-cycle';
      expect([workflowId, patches]).toEqual([workflowId, cycle ? [SCHEDULE_WITH_STARTS] : []]);
      continue;
    }
    const name = workflowId.replace(/^local-/, '');
    const assignment = name !== 'cycle';
    const patched = name.startsWith('v2-') || name.startsWith('v3-') || name.startsWith('cycle-');
    const local = workflowId.startsWith('local-');
    expect([workflowId, patches]).toEqual([
      workflowId,
      [
        ...(assignment && (patched || local) ? [STORED_BEFORE_COUNTED] : []),
        ...(assignment && local ? [RECORD_EVENTS_LOCALLY] : []),
        ...(name === 'lost-task' ? [FOLD_AS_STORED] : []),
      ],
    ]);
  }
});

test('the assignments recorded since record-events-locally store every batch through the local activity', async () => {
  for (const { workflowId, history } of await histories()) {
    if (!/^(local|wf2|sched|opened)-/.test(workflowId) || /^(local|wf2|sched|opened)-cycle$/.test(workflowId)) continue;
    const events = history.events as Array<
      RecordedHistoryEvent & { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }
    >;
    const scheduled = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'recordEvents',
    );
    const markers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect([workflowId, scheduled.length, markers.length > 0]).toEqual([workflowId, 0, true]);
  }
});

test("a cycle's assignment started as V2 writes nothing to visibility in its first task: its start carried it", async () => {
  for (const { workflowId, history } of await histories()) {
    if (!/^(wf2|sched|opened)-cycle-/.test(workflowId)) continue;
    const events = history.events as Array<{ eventType: string }>;
    const firstTask = events.slice(
      0,
      events.findIndex((e, i) => i > 3 && e.eventType.endsWith('TASK_SCHEDULED')),
    );
    const started = history.events[0].workflowExecutionStartedEventAttributes;
    expect([workflowId, Object.keys(started.searchAttributes?.indexedFields ?? {}).sort()]).toEqual([
      workflowId,
      ['DubanCycle', 'DubanLight', 'DubanNextDue', 'DubanStatus', 'DubanUnit'],
    ]);
    expect([workflowId, firstTask.filter((e) => e.eventType.includes('UPSERT'))]).toEqual([workflowId, []]);
  }
});

test('a non-deterministic edit of the workflow fails the replay', async () => {
  const results = await replay(path.join(__dirname, 'drifted-workflow.ts'));
  expect(results).toHaveLength(RECORDED.length);
  for (const { error } of results) expect(String(error)).toMatch(/DeterminismViolation|Nondeterminism/i);
});

test("a cycle's assignment its launch assigned starts with its 交办 and stores nothing in its first task", async () => {
  for (const { workflowId, history } of await histories()) {
    if (!/^opened-cycle-/.test(workflowId)) continue;
    const events = history.events as Array<{
      eventType: string;
      workflowExecutionStartedEventAttributes?: { input: { payloads: Array<{ data: string }> } };
    }>;
    const input = JSON.parse(
      Buffer.from(events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!.data, 'base64').toString(),
    ) as { assigned?: { at: string; meta: { workflowId: string } } };
    expect([workflowId, input.assigned?.at, input.assigned?.meta.workflowId]).toEqual([
      workflowId,
      expect.stringMatching(/^2017-/),
      expect.stringMatching(/^cycle:/),
    ]);
    const firstTask = events.slice(0, events.findIndex((e) => e.eventType.endsWith('WORKFLOW_TASK_COMPLETED')) + 2);
    expect([workflowId, firstTask.map((e) => e.eventType.replace('EVENT_TYPE_', ''))]).toEqual([
      workflowId,
      [
        'WORKFLOW_EXECUTION_STARTED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
        'WORKFLOW_TASK_COMPLETED',
        'TIMER_STARTED',
      ],
    ]);
  }
});
