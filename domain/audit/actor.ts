/**
 * Who made an event happen, for events stored before events carried their own metadata (meta is null): read from the
 * event's own fields — the unit that acted, the office named in `by` — and the clock for what the clock decides
 * (reminders, overdue periods, escalations, bulletins). One function, so the timeline, the as-of view and the export
 * name the same actor for the same event.
 */
import type { AssignmentEvent } from '../../workflows/assignment/events';
import type { CycleEvent } from '../../workflows/cycle/events';
import type { Actor, EventMeta } from './chain';

/** What the stream says about itself, from its first event: the lead unit and the coordinator's office. */
export interface StreamParties {
  unit?: string;
  coordinator?: string;
}

export const CLOCK: Actor = { role: 'clock', name: '时钟' };
export const SYSTEM: Actor = { role: 'system', name: '系统' };

/** The actor of a stored event: its metadata's when it has any, else derived from the event (`derivedActor`). */
export function actorOf(
  event: AssignmentEvent | CycleEvent,
  meta: EventMeta | null | undefined,
  parties: StreamParties,
): Actor {
  return meta?.actor ?? derivedActor(event, parties);
}

/** The actor an event's own fields name; `parties` fills in the lead unit for the events a report brings with it. */
export function derivedActor(event: AssignmentEvent | CycleEvent, parties: StreamParties): Actor {
  const unit = (name: string): Actor => ({ role: 'unit', name });
  const office = (name: string): Actor => ({ role: 'coordinator', name });
  switch (event.type) {
    case 'TaskAssigned':
      return office(event.spec.coordinator);
    case 'AssignmentAcknowledged':
    case 'ProgressReportSubmitted':
    case 'ExtensionRequested':
    case 'ClosureRequested':
    case 'AssignmentSentBack':
    case 'ContributionSubmitted':
      return unit(event.unit);
    case 'TargetValuesReported':
    case 'ContributionsMissing':
      // Decided with the lead unit's report, in the same turn.
      return parties.unit ? unit(parties.unit) : SYSTEM;
    case 'DeadlineReminderSent':
    case 'ReportingPeriodOverdue':
    case 'OverdueEscalated':
    case 'AcknowledgementUrged':
    case 'CooperationReminderSent':
    case 'BulletinIssued':
      return CLOCK;
    case 'TaskCompleted':
    case 'AssignmentPaused':
    case 'AssignmentResumed':
    case 'AssignmentCancelled':
    case 'ReportAccepted':
    case 'ReportReturned':
    case 'ExtensionGranted':
    case 'ExtensionRefused':
    case 'DeadlineMoved':
    case 'ClosureReturned':
    case 'SendBackRefused':
    case 'AssignmentReassigned':
    case 'AssignmentHandedOver':
    case 'SupervisionPolicyChanged':
    case 'WorkingCalendarUpdated':
    case 'CooperatingUnitsChanged':
    case 'CycleLaunched':
    case 'CyclePaused':
    case 'CycleResumed':
    case 'CycleCancelled':
    case 'CycleNoticeSent':
    case 'CycleCalendarUpdated':
      return office(event.by);
    case 'CycleAssignmentsStarted':
      return SYSTEM;
    default:
      return assertNever(event);
  }
}

/** The parties a stream's first event names (an assignment's TaskAssigned; a cycle's CycleLaunched). */
export function partiesOf(first: AssignmentEvent | CycleEvent | undefined): StreamParties {
  if (first?.type === 'TaskAssigned') return { unit: first.spec.unit, coordinator: first.spec.coordinator };
  if (first?.type === 'CycleLaunched') return { coordinator: first.config.coordinator };
  return {};
}

export const ROLE_WORD: Record<Actor['role'], string> = {
  unit: '单位',
  coordinator: '督办单位',
  clock: '时钟',
  system: '系统',
};

/** For people: "市质监局（单位）", "市质监局（单位，账号 zhang.wei）", "时钟（自动）". */
export function actorText(actor: Actor): string {
  if (actor.role === 'clock') return '时钟（自动）';
  return `${actor.name}（${ROLE_WORD[actor.role]}${actor.account ? `，账号 ${actor.account}` : ''}）`;
}

function assertNever(value: never): never {
  throw new Error(`unknown event ${JSON.stringify(value)}`);
}
