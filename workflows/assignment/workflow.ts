/**
 * One assignment's lifecycle as a durable Temporal workflow: a thin shell around the pure decider.
 *
 * Updates (签收, 报送进展, 办结) and the clock become commands; `decide` turns them into events, `evolve` folds them
 * into state, and the activities store, publish and notify. Everything that decides *what* happens is in
 * decider.ts; this file only decides *when* to ask it, and records what it answers.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Activities } from '../../activities/types';
import { describeIssues } from '../../domain/validation';
import {
  decide,
  DomainError,
  fold,
  initialState,
  isClosed,
  nextAlarm,
  nextLightChange,
  normalizeSpec,
  successorSpec,
  type Alarm,
  type AssignmentCommand,
} from './decider';
import type { AssignmentEvent, RecordedEvent } from './events';
import {
  acknowledgeUpdate,
  assignedUpdate,
  cancelUpdate,
  completeUpdate,
  pauseUpdate,
  resumeUpdate,
  statusQuery,
  submitReportUpdate,
  reviewReportUpdate,
  requestExtensionUpdate,
  decideExtensionUpdate,
  moveDeadlineUpdate,
  requestClosureUpdate,
  decideClosureUpdate,
  sendBackUpdate,
  changePolicyUpdate,
  updateCalendarUpdate,
  changeCooperatingUpdate,
  contributeUpdate,
  insistUpdate,
  reassignUpdate,
  type AssignmentInput,
  type AssignmentView,
  type Called,
  type Caller,
} from './messages';
import type * as Payloads from './payloads';
import { provenanceOf } from './provenance';
import { UNTIL_IT_WORKS } from '../retry';
import { noticesFor, type Notice } from './notices';
import { openingEvent, type Launched } from './opening';
import { searchAttributesOf, searchText } from './search';
import { assignmentView } from './view';
import { assignmentInputSchema, calledPayloadSchema } from '../sandbox-schemas';

/**
 * The input's and the updates' payloads' schemas are built once in the worker's sandbox and shared by every
 * assignment (sandbox-schemas.ts says why); the payloads' at the first update that arrives, since only a validator
 * parses with them and a validator never runs on replay.
 */
type PayloadSchemaName = keyof typeof Payloads;
type PayloadSchema<K extends PayloadSchemaName> = (typeof Payloads)[K];

/** Storage may be down for a while: the activities retry until it answers (workflows/retry.ts). */
const { recordEvents, deliverNotices, startSuccessor } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: UNTIL_IT_WORKS,
});

/**
 * The same store as a local activity: run by this worker inside the workflow task, it leaves one MarkerRecorded event
 * holding its result (the events as stored) instead of a server round trip (ActivityTaskScheduled, Started,
 * Completed and another workflow task). It gets four attempts over about seven seconds — a store that answers at all
 * answers in milliseconds; a store still down after that is left to `recordEvents` on the server, which retries until
 * it answers without adding to the history. (A local activity retrying for longer holds its workflow task open, and
 * the SDK writes a workflow task heartbeat into the history every eight seconds while it does; its schedule-to-close
 * timeout did not end the retries either, in a run against the dev server.)
 */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { ...UNTIL_IT_WORKS, maximumAttempts: 4 },
});

/**
 * Patch: events are stored through the local activity `storeEvents` (one marker each) rather than the `recordEvents`
 * activity. Asked at each batch, so a run that began before it takes it from its next batch on: its history then
 * holds both shapes, which `duban audit verify` reads alike (infra/workflow-history.ts). Runs recorded before it
 * replay on the activity path, batch for batch.
 */
export const RECORD_EVENTS_LOCALLY = 'record-events-locally';

/**
 * Patch: a batch the store answers with another telling of is folded as stored. That happens when a workflow task is
 * run again because its completion was lost: its first attempt had stored its own telling (the same events, decided
 * seconds earlier), which the store keeps and returns (activities/index.ts). Asked only when the two tellings differ,
 * so a history holds the marker only where it happened; a run that met it before the patch goes on with its own
 * telling, as it did then.
 */
export const FOLD_AS_STORED = 'fold-as-stored';

/**
 * Stores a batch: through the local activity once the patch is in force, falling back to the server's activity when
 * the local attempts run out (their last failure retryable, or a timeout). What can never be stored (a non-retryable
 * failure), a cancellation and anything else fail at once, as they do on the activity path.
 *
 * Returns the events the workflow goes on with: as the store holds them (FOLD_AS_STORED). The activity path answers
 * nothing, and its history holds the batch.
 */
async function storeBatch(
  batch: RecordedEvent[],
  notices: Notice[] | undefined,
  patches: Patches,
): Promise<RecordedEvent[]> {
  const args: [RecordedEvent[], Notice[]?] = notices ? [batch, notices] : [batch];
  if (!patches.recordEventsLocally()) {
    await recordEvents(...args);
    return batch;
  }
  let answer: RecordedEvent[] | undefined;
  try {
    answer = await local.storeEvents(...args);
  } catch (error) {
    // A local activity's last failure reaches the workflow as it was thrown, not wrapped in an ActivityFailure.
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const retryable = (cause instanceof ApplicationFailure && !cause.nonRetryable) || cause instanceof TimeoutFailure;
    if (!retryable) throw error;
    await recordEvents(...args);
    return batch;
  }
  return asStored(batch, answer, patches);
}

/**
 * The batch, or the store's other telling of it. Two tellings of one run's decision differ in their time: the same
 * command decided at the same instant decides the same events. An answer that is not the batch's events in their
 * places (stream, seq, type) is not another telling; it is logged, and the workflow goes on with its own.
 */
function asStored(batch: RecordedEvent[], answer: RecordedEvent[] | undefined, patches: Patches): RecordedEvent[] {
  const inPlace =
    Array.isArray(answer) &&
    answer.length === batch.length &&
    answer.every(
      (a, i) =>
        a?.assignmentId === batch[i]!.assignmentId && a.seq === batch[i]!.seq && a.event?.type === batch[i]!.event.type,
    );
  if (!inPlace) {
    log.warn('the store answered a batch with something else; the workflow goes on with its own telling', {
      seqs: batch.map((b) => b.seq),
    });
    return batch;
  }
  if (answer.every((a, i) => a.event.at === batch[i]!.event.at) || !patches.foldAsStored()) return batch;
  log.warn('a task run again: the workflow goes on with the events its first attempt stored', {
    seqs: batch.map((b) => b.seq),
    stored: answer.map((a) => a.event.at),
    retold: batch.map((b) => b.event.at),
  });
  return answer;
}

/**
 * The workflow clock. In a workflow `new Date()` is not the machine's clock: Temporal's sandbox pins it to the
 * time of the current workflow task as written in history, so a replay sees the same instant. This is the only
 * place the workflow asks for the time; the decider gets it as part of each command.
 */
function workflowNow(): Date {
  return new Date();
}

/**
 * Patch: a command is decided in its turn, against the state as stored, and the state changes only once its events
 * are stored. Runs recorded before it (tests/replay/histories/lifecycle-completed, year-*) changed the state when
 * deciding and stored afterwards; they replay on that path until none is left running.
 */
export const STORED_BEFORE_COUNTED = 'stored-before-counted';

/** Whether each patch above is in force for this run. */
interface Patches {
  storedBeforeCounted(): boolean;
  recordEventsLocally(): boolean;
  foldAsStored(): boolean;
}

/** A run of `assignmentWorkflow` asks: it may have begun before a patch, and then goes on without it. */
const ASKED: Patches = {
  storedBeforeCounted: () => patched(STORED_BEFORE_COUNTED),
  recordEventsLocally: () => patched(RECORD_EVENTS_LOCALLY),
  foldAsStored: () => patched(FOLD_AS_STORED),
};

/** A run of `assignmentWorkflowV2` began with every patch in force, and asks none (assignmentWorkflowV2 says why). */
const IN_FORCE: Patches = {
  storedBeforeCounted: () => true,
  recordEventsLocally: () => true,
  foldAsStored: () => true,
};

/**
 * The assignment as runs started before 2026-11-24 run it: each patch is asked for, so a run that began before one
 * goes on without it, as recorded (tests/replay/histories). Nothing starts this type any more.
 */
export function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentView> {
  return assignment(input, ASKED);
}

/**
 * The assignment as every run started since 2026-11-24 runs it: a new workflow type, since the code is the same as
 * assignmentWorkflow's with every patch in force, asked for nowhere. Asking writes a marker into the history and, from
 * the SDK, an upsert of the `TemporalChangeVersion` search attribute, which the server writes to its visibility store:
 * two of an assignment's first task's three visibility writes, where a launch of thousands starts them at once.
 */
export function assignmentWorkflowV2(input: AssignmentInput): Promise<AssignmentView> {
  return assignment(input, IN_FORCE);
}

async function assignment(input: AssignmentInput, patches: Patches): Promise<AssignmentView> {
  // A bad input must fail the run at once: left to the decider's clock it would fail workflow tasks forever.
  const { spec: assignedSpec, handover, actor: assignedBy, assigned: launched } = parse(assignmentInputSchema(), input);
  const spec = normalizeSpec(assignedSpec);
  const { workflowId: assignmentId, runId, typedSearchAttributes } = workflowInfo();
  if (launched && launched.assignmentId !== assignmentId) {
    throw ApplicationFailure.nonRetryable(
      `启动输入中的交办属于 ${launched.assignmentId}，不是本任务 ${assignmentId}；请不带 assigned 重新启动，由工作流自行交办`,
      'INVALID_PAYLOAD',
    );
  }
  /** What the run was started with: the starter gives what the assignment shows once assigned (search.ts). */
  const shownAtStart = searchText(typedSearchAttributes);
  const storedBeforeCounted = patches.storedBeforeCounted();
  let state = initialState;
  let seq = 0;
  /** Events are stored one batch after another, so the event store and Kafka see them in order. */
  let recording: Promise<void> = Promise.resolve();

  /**
   * The next alarm of the state at `now`, kept for as long as neither changes: a turn asks for it twice in one
   * workflow task (the update's answer, then the clock), and working out a year of working days is most of what a
   * replay of the workflow code costs. Pure, so keeping it changes nothing but the time.
   */
  let alarmSeen: { state: typeof state; at: number; alarm: Alarm | undefined } | undefined;
  const alarmAt = (now: Date): Alarm | undefined => {
    if (alarmSeen?.state !== state || alarmSeen.at !== now.getTime()) {
      alarmSeen = { state, at: now.getTime(), alarm: nextAlarm(state, now) };
    }
    return alarmSeen.alarm;
  };

  const view = (): AssignmentView => {
    const now = workflowNow();
    return assignmentView(assignmentId, state, now, { spec: state.spec ?? spec, alarm: alarmAt(now) });
  };

  /** The events as stored: each in its place in the stream, with who made it happen, why, and this run's ids. */
  const batchOf = (
    events: AssignmentEvent[],
    after: number,
    command: AssignmentCommand,
    caller: Caller | undefined,
  ): RecordedEvent[] =>
    events.map((event, i) => ({
      assignmentId,
      seq: after + i + 1,
      event,
      meta: { ...provenanceOf(command, event, caller), workflowId: assignmentId, runId },
    }));

  const noticesOf = (batch: RecordedEvent[]) => batch.flatMap((recorded) => noticesFor(recorded, spec));
  const notify = async (batch: RecordedEvent[]) => {
    const notices = noticesOf(batch);
    if (notices.length > 0) await deliverNotices(notices);
  };

  /** Who reassigned the item (改派), account and all, as its AssignmentReassigned names them: so do the successor's. */
  let reassignedBy: Caller | undefined;
  const noteReassignment = (batch: RecordedEvent[]) => {
    reassignedBy =
      batch.find((recorded) => recorded.event.type === 'AssignmentReassigned')?.meta?.actor ?? reassignedBy;
  };

  /**
   * Decides a command and returns once its events are stored. Each command waits its turn: it is decided against
   * the state as stored, and counts — in the state, in `seq`, in what the clock and the queries see — only once
   * PostgreSQL has its events. A turn that fails (a refusal, a store that can never take the events) changes
   * nothing and does not stop the turns after it.
   */
  const executeInTurn = (command: AssignmentCommand, caller?: Caller): Promise<void> => {
    const turn = recording.then(async () => {
      const events = asFailure(() => decide(command, state));
      if (events.length === 0) return;
      const batch = batchOf(events, seq, command, caller);
      // Version 2 stores its notices with its events, in one activity and one transaction; version 1 sends them after.
      const noticesWithEvents = spec.version >= 2;
      const stored = await storeBatch(batch, noticesWithEvents ? noticesOf(batch) : undefined, patches);
      state = fold(
        stored.map((recorded) => recorded.event),
        state,
      );
      noteReassignment(batch);
      seq += events.length;
      if (!noticesWithEvents) await notify(stored);
    });
    recording = turn.catch(() => undefined);
    return turn;
  };

  /** Before the patch: the state changed when a command was decided, and its events were stored afterwards. */
  const executeDecidedFirst = (command: AssignmentCommand, caller?: Caller): Promise<void> => {
    const events = asFailure(() => decide(command, state));
    if (events.length === 0) return recording;
    state = fold(events, state);
    const batch = batchOf(events, seq, command, caller);
    noteReassignment(batch);
    seq += events.length;
    recording = recording.then(async () => {
      await storeBatch(batch, undefined, patches);
      await notify(batch);
    });
    return recording;
  };

  const execute = storedBeforeCounted ? executeInTurn : executeDecidedFirst;

  /**
   * What an update is validated against: the state as stored — or, while the assignment itself is still being
   * stored, the state it is about to have, so that a 签收 sent right after the start is not refused as "not assigned".
   * Either way the update is applied in its turn, after the assignment, and decided again there. The preview is
   * worked out when an update first needs it: nearly every assignment is stored long before its first update.
   */
  let assignedPreview: typeof state | undefined;
  const validationState = () =>
    state.status !== 'unassigned'
      ? state
      : (assignedPreview ??= fold(
          asFailure(() =>
            decide(
              { type: 'AssignTask', now: workflowNow(), spec: assignedSpec, ...(handover && { handover }) },
              initialState,
            ),
          ),
        ));

  /**
   * Each update is validated by parsing its payload and asking the decider, without applying anything — decide is
   * pure — so a refused call is rejected before it is written to history and leaves no trace at all. The handler
   * applies the payload as accepted: validators do not run on replay, so neither may anything that replay depends on.
   * The caller the API names (`actor`) is not part of the command: it becomes the actor of the events it brings.
   */
  const handleUpdate = <K extends PayloadSchemaName>(
    update: UpdateDefinition<AssignmentView, [Called<z.infer<PayloadSchema<K>>>]>,
    schemaName: K,
    toCommand: (payload: z.infer<PayloadSchema<K>>, now: Date) => AssignmentCommand,
  ) => {
    type S = PayloadSchema<K>;
    const split = ({ actor, ...body }: Called<z.infer<S>>) => ({ actor, body: body as z.infer<S> });
    setHandler(
      update,
      async (payload) => {
        const { actor, body } = split(payload);
        await execute(toCommand(body, workflowNow()), actor);
        return view();
      },
      {
        validator: (payload) => {
          parse(calledPayloadSchema(schemaName), payload);
          asFailure(() => decide(toCommand(split(payload).body, workflowNow()), validationState()));
        },
      },
    );
  };

  handleUpdate(acknowledgeUpdate, 'acknowledgePayloadSchema', ({ unit }, now) => ({
    type: 'AcknowledgeAssignment',
    now,
    unit,
  }));
  handleUpdate(submitReportUpdate, 'progressReportPayloadSchema', (report, now) => ({
    type: 'SubmitProgressReport',
    now,
    ...report,
  }));
  handleUpdate(completeUpdate, 'completePayloadSchema', (closure, now) => ({ type: 'CompleteTask', now, ...closure }));
  handleUpdate(pauseUpdate, 'coordinatorActionSchema', (action, now) => ({ type: 'PauseAssignment', now, ...action }));
  handleUpdate(resumeUpdate, 'resumePayloadSchema', (action, now) => ({ type: 'ResumeAssignment', now, ...action }));
  handleUpdate(cancelUpdate, 'coordinatorActionSchema', (action, now) => ({
    type: 'CancelAssignment',
    now,
    ...action,
  }));
  handleUpdate(reviewReportUpdate, 'reviewPayloadSchema', ({ decision, ...review }, now) => ({
    type: 'ReviewReport',
    now,
    ...review,
    accept: decision === 'accept',
  }));
  handleUpdate(requestExtensionUpdate, 'extensionPayloadSchema', (request, now) => ({
    type: 'RequestExtension',
    now,
    ...request,
  }));
  handleUpdate(decideExtensionUpdate, 'decisionPayloadSchema', ({ decision, ...answer }, now) => ({
    type: 'DecideExtension',
    now,
    ...answer,
    grant: decision === 'approve',
  }));
  handleUpdate(moveDeadlineUpdate, 'moveDeadlinePayloadSchema', (move, now) => ({
    type: 'MoveDeadline',
    now,
    ...move,
  }));
  handleUpdate(requestClosureUpdate, 'closureRequestPayloadSchema', (request, now) => ({
    type: 'RequestClosure',
    now,
    ...request,
  }));
  handleUpdate(decideClosureUpdate, 'decisionPayloadSchema', ({ decision, ...answer }, now) => ({
    type: 'DecideClosure',
    now,
    ...answer,
    approve: decision === 'approve',
  }));
  setHandler(statusQuery, view);

  handleUpdate(sendBackUpdate, 'sendBackPayloadSchema', (sendBack, now) => ({ type: 'SendBack', now, ...sendBack }));
  handleUpdate(changePolicyUpdate, 'changePolicyPayloadSchema', (change, now) => ({
    type: 'ChangePolicy',
    now,
    ...change,
  }));
  handleUpdate(updateCalendarUpdate, 'updateCalendarPayloadSchema', (change, now) => ({
    type: 'UpdateCalendar',
    now,
    ...change,
  }));
  handleUpdate(changeCooperatingUpdate, 'changeCooperatingPayloadSchema', (change, now) => ({
    type: 'ChangeCooperatingUnits',
    now,
    ...change,
  }));
  handleUpdate(contributeUpdate, 'contributionPayloadSchema', (contribution, now) => ({
    type: 'SubmitContribution',
    now,
    ...contribution,
  }));
  handleUpdate(insistUpdate, 'insistPayloadSchema', (answer, now) => ({ type: 'InsistOnUnit', now, ...answer }));
  handleUpdate(reassignUpdate, 'reassignPayloadSchema', (reassign, now) => ({
    type: 'ReassignAssignment',
    now,
    ...reassign,
    successor: successorIdOf(assignmentId, reassign.to),
  }));

  /** Assigned by its launch (opening.ts): the run goes on from the event it stored, with nothing to store. */
  const goOnFrom = (stored: Launched): Promise<void> => {
    state = fold([asFailure(() => openingEvent(stored, assignedSpec)).event]);
    seq = 1;
    return recording;
  };

  const assigned = launched
    ? goOnFrom(launched)
    : execute(
        {
          type: 'AssignTask',
          now: workflowNow(),
          spec: assignedSpec,
          ...(handover && { handover }),
        },
        assignedBy,
      );
  setHandler(assignedUpdate, async () => {
    await assigned;
    return view();
  });
  await assigned;

  /**
   * Version 2 shows its cycle, unit, status, light and next due date to Temporal's visibility, upserted whenever
   * they differ from what the run last showed, starting from what it was started with. Version 1 never does: its
   * recorded histories have no such command, and must replay as recorded.
   */
  const searchable = spec.version >= 2;
  let shown = shownAtStart;
  const showInSearch = () => {
    if (!searchable) return;
    const attributes = searchAttributesOf(state, workflowNow());
    const key = searchText(attributes);
    if (key === shown) return;
    shown = key;
    upsertSearchAttributes(attributes);
  };

  // The clock: sleep until the next alarm (or, for version 2, the next change of light), or until a message changes
  // the state and the next alarm with it.
  while (!isClosed(state)) {
    showInSearch();
    const now = workflowNow();
    const alarm = alarmAt(now);
    const lightChange = searchable ? nextLightChange(state, now) : undefined;
    const wakeAt = [alarm?.at, lightChange].filter((d): d is Date => d !== undefined).sort((a, b) => +a - +b)[0];
    const seen = seq;
    if (!wakeAt) {
      await condition(() => seq !== seen);
      continue;
    }
    const wait = wakeAt.getTime() - now.getTime();
    if (wait > 0 && (await condition(() => seq !== seen, wait))) continue;
    if (!alarm || alarm.at > workflowNow()) continue; // the light changed; show it
    await execute({ ...alarm.command, now: workflowNow() });
    if (seq === seen) refuseClockLoop(alarm, nextAlarm(state, workflowNow()));
  }
  showInSearch();

  await recording;
  if (state.reassigned) {
    // 改派: the new unit's assignment starts with the item as it stands, its first events saying where it came from.
    const { to, by, reason, successor } = state.reassigned;
    await startSuccessor({
      workflowId: successor,
      spec: successorSpec(state, to),
      handover: { predecessor: assignmentId, from: spec.unit, by, reason },
      ...(reassignedBy && { actor: reassignedBy }),
    });
  }
  await condition(allHandlersFinished);
  return view();
}

/**
 * The id of the assignment an item is handed to: this one's id, then `>` and the new unit ("plan:ref:A>B"). An
 * assignment is handed over at most once (it ends), so the id is new even when the item comes back to a unit that
 * led it before (A>B>A) or to one that already leads it in its own assignment; its event stream starts afresh.
 */
export function successorIdOf(assignmentId: string, to: string): string {
  return `${assignmentId}>${to}`;
}

/**
 * An alarm whose command changed nothing must not come back unchanged: the loop would run again at once, without a
 * timer, until Temporal's deadlock detector stopped the workflow task. That would be a decider bug (decide and
 * nextAlarm disagreeing); failing the workflow task says so where operators look, and Temporal retries the task —
 * with backoff, not in a spin — until a fixed worker is deployed.
 */
export function refuseClockLoop(fired: Alarm, next: Alarm | undefined): void {
  if (next && next.at.getTime() === fired.at.getTime() && sameCommand(next, fired)) {
    throw new Error(
      `clock loop: the alarm ${JSON.stringify(fired.command)} at ${fired.at.toISOString()} changed nothing and is ` +
        'due again at once; decide and nextAlarm disagree (a decider bug), so the workflow waits for a fixed worker',
    );
  }
}

function sameCommand(a: Alarm, b: Alarm): boolean {
  return JSON.stringify(a.command) === JSON.stringify(b.command);
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw ApplicationFailure.nonRetryable(`请求格式有误：${describeIssues(result.error)}`, 'INVALID_PAYLOAD');
}

/**
 * A broken invariant must fail the update, not the workflow task: a plain Error thrown in workflow code would fail
 * the task and be retried forever, so domain errors leave as non-retryable application failures with their code.
 */
function asFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainError) throw ApplicationFailure.nonRetryable(error.message, error.code);
    throw error;
  }
}
