/**
 * Who made an assignment's event happen, and why (审计: 谁、为何): pure, beside the decider, so the workflow names
 * the actor of every event it stores the same way on every replay, and a test can check each turn in milliseconds.
 *
 * The unit's turns (签收, 报送, 延期申请, 申请办结, 退回, 协办意见) name the unit; the coordinator's (审核, 延期答复,
 * 调整时限, 办结, 暂停/恢复/撤销, 坚持交办, 改派, 调整督办规则/配合单位) name its office; what the clock brings (提醒, 逾期,
 * 催办 → 督办 → 通报, 催签收, 协办提醒, 协办缺报) names the clock, even when a person's turn brought it along — the
 * 协办缺报 that a lead's report sets off, the catch-up a 恢复 releases. A caller the API names (`caller`, from the
 * signed-in account once there is one) is preferred to the name in the payload.
 */
import type { Actor } from '../../domain/audit/chain';
import { CLOCK } from '../../domain/audit/actors';
import type { AssignmentCommand } from './decider';
import type { AssignmentEvent } from './events';

/** An event's actor and, where a person gave one, their reason. */
export interface Provenance {
  actor: Actor;
  reason?: string;
}

/** The events only the clock makes happen: nobody's turn, whichever command brought them. */
const CLOCK_EVENTS: ReadonlySet<AssignmentEvent['type']> = new Set<AssignmentEvent['type']>([
  'DeadlineReminderSent',
  'ReportingPeriodOverdue',
  'OverdueEscalated',
  'AcknowledgementUrged',
  'CooperationReminderSent',
  'ContributionsMissing',
]);

/** Who made `event` happen when `command` decided it, and why; `caller` is who the API says sent the command. */
export function provenanceOf(command: AssignmentCommand, event: AssignmentEvent, caller?: Actor): Provenance {
  if (CLOCK_EVENTS.has(event.type)) return { actor: CLOCK };
  const unit = (name: string): Actor => caller ?? { role: 'unit', name };
  const coordinator = (name: string): Actor => caller ?? { role: 'coordinator', name };
  switch (command.type) {
    case 'AssignTask':
      // 交办 is the coordinator's office's; a successor's (改派) is the turn of whoever reassigned the item.
      return command.handover
        ? withReason(coordinator(command.handover.by), command.handover.reason)
        : { actor: coordinator(command.spec.coordinator) };
    case 'AcknowledgeAssignment':
    case 'SubmitProgressReport':
    case 'SubmitContribution':
    case 'RequestClosure':
      return { actor: unit(command.unit) };
    case 'RequestExtension':
    case 'SendBack':
      return withReason(unit(command.unit), command.reason);
    case 'ReviewReport':
    case 'DecideExtension':
    case 'DecideClosure':
    case 'InsistOnUnit':
      return withReason(coordinator(command.by), command.comment);
    case 'CompleteTask':
      return withReason(coordinator(command.by), command.summary);
    case 'MoveDeadline':
    case 'ChangePolicy':
    case 'UpdateCalendar':
    case 'ChangeCooperatingUnits':
    case 'ReassignAssignment':
    case 'PauseAssignment':
    case 'CancelAssignment':
      return withReason(coordinator(command.by), command.reason);
    case 'ResumeAssignment':
      return withReason(coordinator(command.by), command.reason);
    case 'SendDeadlineReminder':
    case 'UrgeAcknowledgement':
    case 'RemindCooperatingUnits':
    case 'ClosePeriod':
    case 'EscalateOverdue':
      return { actor: CLOCK };
    default: {
      const unknown: never = command;
      throw new Error(`no actor for command ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A reason left empty (an approval without comment) is no reason. Nor is one left out: an update's handler gets its
 * payload as sent — a schema's `.default('')` applies only where the payload is parsed (the API, the CLI), not to
 * what another client sends straight to Temporal — and a throw here would fail the workflow task on every replay.
 */
export function withReason(actor: Actor, reason: string | undefined): Provenance {
  return reason?.trim() ? { actor, reason } : { actor };
}
