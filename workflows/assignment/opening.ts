/**
 * An assignment's 交办 decided by its cycle's launch rather than by its own workflow: the launch stores the
 * `TaskAssigned` events of a batch of assignments in one statement and starts each workflow with its own, so an
 * assignment's first workflow task is one activation that sets its clock, with no store in it. Storing each
 * assignment's first event from its own first task was most of what a launch cost beyond the starts themselves
 * (README, Known limits).
 *
 * Pure, for the launch's activity, the workflow and `duban audit verify` alike. The event is the one the workflow
 * would decide — the same command, the same decider, the coordinator's office as its actor — and its `meta` names
 * the run that decided it: the cycle's, whose launch activity it was. The workflow is started with the event's time
 * and metadata only (`Launched`): the event is the `TaskAssigned` of the spec it is started with, decided again from
 * them, so the start's input, which the assignment's history keeps, holds the event without a second copy of the
 * spec. `audit verify` reads it there as the write of event 1 (infra/workflow-history.ts).
 */
import type { EventMeta } from '../../domain/audit/chain';
import { canonicalJson } from '../../domain/canonical-json';
import { decide, initialState, isSpecV2, normalizeSpec, type AnySpec } from './decider';
import type { RecordedEvent } from './events';
import { noticesFor, type Notice } from './notices';
import { provenanceOf } from './provenance';

/** The first event of an assignment's stream as its launch stores it, and the notices it sends (交办通知, 配合通知). */
export interface Opening {
  recorded: RecordedEvent & { meta: EventMeta };
  notices: Notice[];
}

/** The Temporal run that decided an opening: the cycle's, through its launch activity. */
export type DecidingRun = Pick<EventMeta, 'workflowId' | 'runId'>;

/** What an assignment its launch assigned is started with, beside its spec: whose 交办, when, and who decided it. */
export interface Launched {
  assignmentId: string;
  at: string;
  meta: EventMeta;
}

/**
 * The opening of an assignment assigned at `now`, or undefined when its launch leaves the 交办 to the workflow: a
 * version-1 spec (its notices are sent after its events, not stored with them), or a spec the decider refuses (the
 * workflow refuses it as it always has, failing its run with the decider's reason).
 */
export function openingOf(assignmentId: string, spec: AnySpec, now: Date, decidedBy: DecidingRun): Opening | undefined {
  if (!isSpecV2(spec)) return undefined;
  let assigned: RecordedEvent;
  try {
    assigned = assignedEvent(assignmentId, spec, now);
  } catch {
    return undefined;
  }
  const meta = { ...provenanceOf({ type: 'AssignTask', now, spec }, assigned.event), ...decidedBy };
  const recorded = { ...assigned, meta };
  return { recorded, notices: noticesFor(recorded, normalizeSpec(spec)) };
}

/** The start's `Launched` of a stored opening. */
export function launchedOf(recorded: RecordedEvent & { meta: EventMeta }): Launched {
  return { assignmentId: recorded.assignmentId, at: recorded.event.at, meta: recorded.meta };
}

/**
 * The opening a `Launched` names, decided again: the `TaskAssigned` of `spec` at its time. Throws what the decider
 * throws for a spec it refuses.
 */
export function openingEvent(launched: Launched, spec: AnySpec): RecordedEvent {
  return { ...assignedEvent(launched.assignmentId, spec, new Date(launched.at)), meta: launched.meta };
}

/**
 * Whether a stored first event is the opening its `Launched` would be decided again as, for this spec: only then may
 * an assignment be started with it. (An event stored by an older worker, without metadata, is not.)
 */
export function startsFrom(recorded: RecordedEvent, spec: AnySpec): recorded is RecordedEvent & { meta: EventMeta } {
  if (recorded.seq !== 1 || recorded.event.type !== 'TaskAssigned' || !recorded.meta) return false;
  try {
    const again = openingEvent(launchedOf(recorded as RecordedEvent & { meta: EventMeta }), spec);
    return canonicalJson(again.event) === canonicalJson(recorded.event);
  } catch {
    return false;
  }
}

/**
 * Whether `recorded` opens this assignment: the first event of its own stream, a `TaskAssigned` of this spec. The
 * store uses it to tell the assignment's own telling of a 交办 its launch stored first from a fork.
 */
export function opens(
  recorded: { assignmentId: string; seq: number; event: unknown },
  assignmentId: string,
  spec: unknown,
): boolean {
  const event = recorded.event as { type?: unknown; spec?: unknown };
  return (
    recorded.assignmentId === assignmentId &&
    recorded.seq === 1 &&
    event.type === 'TaskAssigned' &&
    canonicalJson(event.spec) === canonicalJson(spec)
  );
}

/** The `TaskAssigned` the decider gives a new assignment of `spec` at `now`, as the first event of its stream. */
function assignedEvent(assignmentId: string, spec: AnySpec, now: Date): RecordedEvent {
  const [event, ...more] = decide({ type: 'AssignTask', now, spec }, initialState);
  if (!event || more.length > 0) throw new Error(`a 交办 without a predecessor is one event, not ${more.length + 1}`);
  return { assignmentId, seq: 1, event };
}
