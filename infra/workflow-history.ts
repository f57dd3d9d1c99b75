/**
 * The Temporal side of `duban audit verify` and `export`: a workflow's history, every run of it (a cycle continues as
 * new when its history grows long), the `recordEvents` calls read out of it, and its replay with the current
 * workflow code.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import type { RecordCall } from '../domain/audit/history';
import { BUILT_WORKFLOW_BUNDLE } from '../worker/create-worker';
import { skipDebugModeWatchdog, stopStackTraceHook } from '../worker/in-process';
import { bundleWorkflows } from '../worker/workflow-bundle';
import type { AssignmentInput } from '../workflows/assignment/input';
import { openingEvent } from '../workflows/assignment/opening';

type History = temporal.api.history.v1.IHistory;

export interface WorkflowRun {
  runId: string;
  history: History;
}

/**
 * Every run of a workflow, the first first: the latest run's history, then each run it continued from, found by the
 * run id its first event names. Undefined when Temporal has no such workflow (never started here, or past the
 * namespace's retention).
 */
export async function fetchRuns(client: Client, workflowId: string): Promise<WorkflowRun[] | undefined> {
  const runs: WorkflowRun[] = [];
  try {
    // The latest run's history; its own run id is the chain's first when it continued from none (the usual case).
    let history = await client.workflow.getHandle(workflowId).fetchHistory();
    let started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    let runId = started?.continuedExecutionRunId
      ? (await client.workflow.getHandle(workflowId).describe()).runId
      : started?.firstExecutionRunId;
    for (;;) {
      runs.unshift({ runId: runId ?? '', history });
      const previous = started?.continuedExecutionRunId;
      if (!previous) break;
      history = await client.workflow.getHandle(workflowId, previous).fetchHistory();
      started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      runId = previous;
    }
  } catch (error) {
    if (error instanceof WorkflowNotFoundError || (error as Error).name === 'WorkflowNotFoundError') return undefined;
    throw error;
  }
  return runs;
}

/** Whether the latest run had not closed when its history was read: events stored after that are still to come in it. */
export function isOpen(runs: readonly WorkflowRun[]): boolean {
  const events = runs[runs.length - 1]?.history.events ?? [];
  const last = events[events.length - 1];
  return !(
    last?.workflowExecutionCompletedEventAttributes ||
    last?.workflowExecutionFailedEventAttributes ||
    last?.workflowExecutionTimedOutEventAttributes ||
    last?.workflowExecutionTerminatedEventAttributes ||
    last?.workflowExecutionCanceledEventAttributes ||
    last?.workflowExecutionContinuedAsNewEventAttributes
  );
}

/**
 * Whether a run has run any of its code: a workflow task started in it. A launched assignment's run has none until its
 * first task's delay ends (activities/launch-pace.ts): there is nothing to replay, and the SDK's replay of such a
 * history never ends.
 */
function hasRun(run: WorkflowRun): boolean {
  return (run.history.events ?? []).some((e) => e.workflowTaskStartedEventAttributes);
}

/** The marker a local activity leaves in history (sdk-core's name): its details hold `data` and `result`. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * The writes of events in some runs, in history order, with the events each handed to the store and its outcome. Two
 * shapes: a `recordEvents` activity, whose input Temporal keeps in its ActivityTaskScheduled event (runs before the
 * `record-events-locally` patch, and the cycle's); and a `storeEvents` local activity, whose marker keeps its result,
 * not its input — the events as stored, which it returns for this reason. A run that took the patch midway has both.
 * An assignment its cycle's launch assigned has a third before them: its first event in its start's input.
 */
export function recordCalls(runs: readonly WorkflowRun[]): RecordCall[] {
  const calls: RecordCall[] = [];
  for (const { runId, history } of runs) {
    const byId = new Map<string, RecordCall>();
    for (const e of history.events ?? []) {
      const started = e.workflowExecutionStartedEventAttributes;
      if (started) {
        const call = openingCall(runId, e, started);
        if (call) calls.push(call);
        continue;
      }
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName === LOCAL_ACTIVITY_MARKER) {
        const call = localStoreCall(runId, e, marker);
        if (call) calls.push(call);
        continue;
      }
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'recordEvents') {
        const input = scheduled.input?.payloads?.[0];
        const call: RecordCall = {
          runId,
          eventId: String(e.eventId),
          scheduledAt: instantOf(e.eventTime),
          outcome: 'pending',
          events: input ? defaultPayloadConverter.fromPayload(input as Payload) : [],
        };
        byId.set(call.eventId, call);
        calls.push(call);
        continue;
      }
      const done = e.activityTaskCompletedEventAttributes;
      if (done) {
        const call = byId.get(String(done.scheduledEventId));
        if (call) call.outcome = 'completed';
        continue;
      }
      const ended =
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes ??
        e.activityTaskCanceledEventAttributes;
      if (ended) {
        const call = byId.get(String(ended.scheduledEventId));
        if (call) call.outcome = 'failed';
      }
    }
  }
  return calls;
}

/**
 * A run's start as the write of its first event, when its launch stored that event and started the run with it
 * (workflows/assignment/opening.ts): the start's input keeps the event's time and metadata beside the spec, from
 * which the event is decided again as the workflow decides it. Its time is the start's, after the store. An input the
 * decider refuses vouches for nothing: the stored event is then one the history lacks.
 */
function openingCall(
  runId: string,
  e: temporal.api.history.v1.IHistoryEvent,
  started: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes,
): RecordCall | undefined {
  const payload = started.input?.payloads?.[0];
  const input = payload ? (defaultPayloadConverter.fromPayload(payload as Payload) as Partial<AssignmentInput>) : {};
  if (!input?.assigned || !input.spec) return undefined;
  let events: RecordCall['events'] = [];
  try {
    events = [openingEvent(input.assigned, input.spec)];
  } catch {
    // left empty: see above
  }
  return {
    runId,
    eventId: String(e.eventId),
    scheduledAt: instantOf(e.eventTime),
    outcome: 'completed',
    events,
    startInput: true,
  };
}

/**
 * A `storeEvents` marker as a write of events: completed with the events it returned, or failed (stored nothing it
 * vouches for; a later write — a local retry's marker or the fallback activity — carries the batch). Its time is the
 * marker's, written when the workflow task that ran it completed: after the store, later than the events' own times.
 */
function localStoreCall(
  runId: string,
  e: temporal.api.history.v1.IHistoryEvent,
  marker: temporal.api.history.v1.IMarkerRecordedEventAttributes,
): RecordCall | undefined {
  const data = marker.details?.['data']?.payloads?.[0];
  const about = data ? (defaultPayloadConverter.fromPayload(data as Payload) as LocalActivityMarkerData) : undefined;
  if ((about?.activity_type ?? about?.activityType) !== 'storeEvents') return undefined;
  const result = marker.details?.['result']?.payloads?.[0];
  const completed = !marker.failure && result !== undefined;
  return {
    runId,
    eventId: String(e.eventId),
    scheduledAt: instantOf(e.eventTime),
    outcome: completed ? 'completed' : 'failed',
    events: completed ? (defaultPayloadConverter.fromPayload(result as Payload) ?? []) : [],
  };
}

/** What sdk-core writes in a local activity marker's `data` (snake case; camel case accepted in case it changes). */
interface LocalActivityMarkerData {
  activity_type?: string;
  activityType?: string;
}

/**
 * A history event's time (ISO): its seconds are a Long from the server, a number or a string from a history read back
 * from JSON, so they are read through their text.
 */
function instantOf(time: temporal.api.history.v1.IHistoryEvent['eventTime']): string {
  const seconds = Number(String(time?.seconds ?? 0));
  return new Date(seconds * 1000 + Math.floor((time?.nanos ?? 0) / 1e6)).toISOString();
}

/** The workflow code replays run against: the build's bundle when compiled, else bundled from workflows/ once. */
export async function replayBundle(): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
  if (__filename.endsWith('.js') && existsSync(BUILT_WORKFLOW_BUNDLE)) return { codePath: BUILT_WORKFLOW_BUNDLE };
  const { code } = await bundleWorkflows();
  return { code };
}

/** Replays print their warnings (a non-determinism, expected when one is found) only as errors: the report says it. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // A runtime is installed already (a test, the worker): its logger stays.
  }
}

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  error?: string;
  /** The run has run none of its code yet (hasRun): there was nothing to replay. */
  ranNothing?: true;
}

type ReplayInput = { workflowId: string; history: History };
type ReplayResult = { workflowId: string; error?: unknown };

/**
 * One replay worker for a whole command, fed history after history: starting a replay worker (a native worker and
 * the workflow bundle loaded into its sandbox) costs far more than replaying one assignment, so a command starts one,
 * like it bundles once, and every verify of the command replays through it. Replays run one at a time, in order.
 */
export class Replayer {
  private readonly queue: ReplayInput[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly results: AsyncIterator<ReplayResult>;
  private pending: Promise<IteratorResult<ReplayResult>>;
  private turn: Promise<unknown> = Promise.resolve();
  /** Resolves once the replay worker runs and asks for its first history. */
  private readonly started: Promise<void>;

  constructor(bundle: NonNullable<WorkerOptions['workflowBundle']>) {
    quietRuntime();
    skipDebugModeWatchdog();
    let markStarted = () => undefined as void;
    this.started = new Promise<void>((resolve) => (markStarted = resolve));
    const feed = async function* (this: Replayer): AsyncGenerator<ReplayInput> {
      markStarted();
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.closed) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }.call(this);
    this.results = Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'duban-audit' }, feed)[
      Symbol.asyncIterator
    ]();
    // Starts the worker now, so the first replay does not pay for it; it then waits for the first history.
    this.pending = this.results.next();
    this.pending.catch(() => undefined);
  }

  /** Resolves once the replay worker is up (what a command pays once, before its first replay). */
  async ready(): Promise<void> {
    await Promise.race([this.started, this.pending]);
    stopStackTraceHook();
  }

  /** Replays some runs, in order; each outcome carries the non-determinism message when the code would differ. */
  replay(runs: ReadonlyArray<{ workflowId: string } & WorkflowRun>): Promise<ReplayOutcome[]> {
    const work = this.turn.then(async () => {
      const outcomes: ReplayOutcome[] = [];
      if (runs.some(hasRun)) await this.ready();
      for (const run of runs) {
        if (!hasRun(run)) {
          outcomes.push({ workflowId: run.workflowId, runId: run.runId, ranNothing: true });
          continue;
        }
        this.queue.push({ workflowId: run.workflowId, history: run.history });
        this.wake?.();
        const result = await this.pending;
        this.pending = this.results.next();
        this.pending.catch(() => undefined);
        if (result.done) throw new Error('the replay worker stopped');
        const error = result.value.error;
        outcomes.push({
          workflowId: run.workflowId,
          runId: run.runId,
          ...(error !== undefined && { error: (error as Error).message ?? String(error) }),
        });
      }
      return outcomes;
    });
    this.turn = work.catch(() => undefined);
    return work;
  }

  /** Lets the replay worker finish and shut down. */
  async close(): Promise<void> {
    await this.turn;
    this.closed = true;
    this.wake?.();
    for (let r = await this.pending; !r.done; r = await this.results.next()) {
      // drained
    }
  }
}
