/**
 * One assignment's lifecycle as a durable Temporal workflow: a thin shell around the pure decider.
 *
 * Updates (签收, 报送进展, 办结) and the clock become commands; `decide` turns them into events, `evolve` folds them
 * into state, and the activities store, publish and notify. Everything that decides *what* happens is in
 * decider.ts; this file only decides *when* to ask it, and records what it answers.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Activities } from '../../activities/types';
import { describeIssues } from '../../domain/validation';
import { decide, DomainError, fold, initialState, nextAlarm, type AssignmentCommand } from './decider';
import type { RecordedEvent } from './events';
import {
  acknowledgePayloadSchema,
  acknowledgeUpdate,
  assignmentInputSchema,
  completePayloadSchema,
  completeUpdate,
  progressReportPayloadSchema,
  statusQuery,
  submitReportUpdate,
  type AssignmentInput,
  type AssignmentView,
} from './messages';
import { noticesFor } from './notices';

/**
 * Storage and Kafka may be down for a while: the activities retry without a limit (backing off to a minute), so an
 * event is never dropped, only delayed. A failed attempt shows in the workflow's pending activities.
 */
const { recordEvents, deliverNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The workflow clock. In a workflow `new Date()` is not the machine's clock: Temporal's sandbox pins it to the
 * time of the current workflow task as written in history, so a replay sees the same instant. This is the only
 * place the workflow asks for the time; the decider gets it as part of each command.
 */
function workflowNow(): Date {
  return new Date();
}

export async function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentView> {
  // A bad input must fail the run at once: left to the decider's clock it would fail workflow tasks forever.
  const { spec } = parse(assignmentInputSchema, input);
  const assignmentId = workflowInfo().workflowId;
  let state = initialState;
  let seq = 0;
  /** Events are stored and published one batch after another, so the event store and Kafka see them in order. */
  let recording: Promise<void> = Promise.resolve();

  const view = (): AssignmentView => {
    const alarm = nextAlarm(state, workflowNow());
    return {
      assignmentId,
      ...state,
      ...(alarm && {
        nextAlarm: { at: alarm.at.toISOString(), command: alarm.command.type, period: alarm.command.period },
      }),
    };
  };

  /** Decides a command against the current state, applies the events, and returns once they are recorded. */
  const execute = (command: AssignmentCommand): Promise<void> => {
    const events = asFailure(() => decide(command, state));
    if (events.length === 0) return recording;
    state = fold(events, state);
    const batch: RecordedEvent[] = events.map((event) => ({ assignmentId, seq: ++seq, event }));
    recording = recording.then(async () => {
      await recordEvents(batch);
      const notices = batch.flatMap((recorded) => noticesFor(recorded, spec));
      if (notices.length > 0) await deliverNotices(notices);
    });
    return recording;
  };

  /**
   * Each update parses its payload and asks the decider. The validator does the same without applying anything —
   * decide is pure — so a refused call is rejected before it is written to history and leaves no trace at all.
   */
  const handleUpdate = <S extends z.ZodType>(
    update: UpdateDefinition<AssignmentView, [z.infer<S>]>,
    schema: S,
    toCommand: (payload: z.infer<S>, now: Date) => AssignmentCommand,
  ) =>
    setHandler(
      update,
      async (payload) => {
        await execute(toCommand(parse(schema, payload), workflowNow()));
        return view();
      },
      { validator: (payload) => void asFailure(() => decide(toCommand(parse(schema, payload), workflowNow()), state)) },
    );

  handleUpdate(acknowledgeUpdate, acknowledgePayloadSchema, ({ unit }, now) => ({
    type: 'AcknowledgeAssignment',
    now,
    unit,
  }));
  handleUpdate(submitReportUpdate, progressReportPayloadSchema, (report, now) => ({
    type: 'SubmitProgressReport',
    now,
    ...report,
  }));
  handleUpdate(completeUpdate, completePayloadSchema, (closure, now) => ({ type: 'CompleteTask', now, ...closure }));
  setHandler(statusQuery, view);

  await execute({ type: 'AssignTask', now: workflowNow(), spec });

  // The clock: sleep until the next alarm, or until a message changes the state and the next alarm with it.
  while (state.status !== 'completed') {
    const alarm = nextAlarm(state, workflowNow());
    const seen = seq;
    if (!alarm) {
      await condition(() => seq !== seen);
      continue;
    }
    const wait = alarm.at.getTime() - workflowNow().getTime();
    if (wait > 0 && (await condition(() => seq !== seen, wait))) continue;
    await execute({ ...alarm.command, now: workflowNow() });
  }

  await recording;
  await condition(allHandlersFinished);
  return view();
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw ApplicationFailure.nonRetryable(`malformed request: ${describeIssues(result.error)}`, 'INVALID_PAYLOAD');
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
