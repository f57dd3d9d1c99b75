/**
 * The lifecycle of one assignment as a pure decider: `decide(command, state) → events`, `evolve(state, event) →
 * state`, and `nextAlarm(state)` for what the clock must bring next. No Temporal import: the workflow is a thin
 * shell around this, and audit ("state as of T") folds the same `evolve`.
 *
 *   assigned ──签收──► acknowledged ──(a report per period)──► … ──办结──► completed
 *        └──────────── 暂停 ⇄ 恢复 (the clock stops) ───────────┘   └──撤销──► cancelled
 *
 * Between these, the 督办 conversation: a unit asks for a later due date (延期申请) or for closure (申请办结) and the
 * coordinator grants or refuses; the coordinator accepts a report or returns it for rework (退回重报), and may move a
 * due date on their own. One request of each kind is pending at a time; each answer moves what it must — a granted
 * extension moves the period's due date and with it the reminders, the light and the escalation ladder.
 *
 * Per reporting period: an advance reminder N days before the due date, a reminder on the due day, and if no report
 * has come when the day is over, the period is overdue (逾期) and escalates along the policy's ladder (催办 → 督办 →
 * 通报), one step after another, until the report arrives.
 *
 * Two versions of an assignment live side by side. Version 1 (the first assignments) counts calendar days and has a
 * period per quarter end; version 2 (what a cycle launches) has the periods it is given and counts working days on
 * the calendar slice it carries: a reminder that would fall on a day off goes on the last working day before, an
 * escalation step on the next working day after. A version-1 assignment decides exactly as it always did, so its
 * recorded history replays unchanged.
 */
import {
  addDays,
  daysBetween,
  formatShanghai,
  quarterKey,
  quarterLabel,
  shanghaiDate,
  shanghaiInstant,
  type CalendarDate,
} from '../../domain/calendar';
import type { EvidenceRef } from '../../domain/evidence/ref';
import { addWorkingDays, previousWorkingDay, sameCalendar, type WorkingCalendar } from '../../domain/working-days';
import { ABOUT_TOLERANCE } from './policy';
import type {
  AssignmentEvent,
  AssignmentSpec,
  AssignmentSpecV2,
  AssignmentSpecV3,
  EscalationLevel,
  ItemTarget,
  LightThresholds,
  ReportingPeriodSpec,
  SupervisionPolicyV2,
} from './events';

// ---------------------------------------------------------------------------------------------------------------
// specs: as assigned (version 1 or 2), and as the decider reads them

export type AnySpec = AssignmentSpec | AssignmentSpecV2 | AssignmentSpecV3;

/** Version 2 or later: periods, working days, a cycle, cooperating units, lights. */
export function isSpecV2(spec: AnySpec): spec is AssignmentSpecV2 | AssignmentSpecV3 {
  return 'periods' in spec;
}

export function isSpecV3(spec: AnySpec): spec is AssignmentSpecV3 {
  return 'acknowledgeWithinDays' in spec;
}

/** The version of the TaskAssigned event a spec is assigned with. */
export function specVersion(spec: AnySpec): 1 | 2 | 3 {
  return isSpecV3(spec) ? 3 : isSpecV2(spec) ? 2 : 1;
}

/** Lights for assignments whose spec names none (version 1). */
export const DEFAULT_LIGHTS: LightThresholds = { yellowWhenLeft: 0.3 };

/** Every spec in the shape version 2 gives it: what the decider, the notices and the views read. */
export interface Spec extends Omit<AssignmentSpecV3, 'policy'> {
  version: 1 | 2 | 3;
  policy: SupervisionPolicyV2;
}

/** A version-1 spec read as version 2: calendar days, a period per report date, no cycle, no cooperating units. */
export function normalizeSpec(spec: AnySpec): Spec {
  if (isSpecV3(spec)) return { ...spec, version: 3 };
  if (isSpecV2(spec)) return { ...spec, version: 2, acknowledgeWithinDays: 0, cooperationReminderDays: 0, targets: [] };
  const { reportsDue, policy, ...rest } = spec;
  return {
    ...rest,
    version: 1,
    acknowledgeWithinDays: 0,
    cooperationReminderDays: 0,
    targets: [],
    cooperating: [],
    periods: reportsDue.map((due) => ({ key: quarterKey(due), label: quarterLabel(due), due })),
    policy: { ...policy, days: 'calendar' },
    calendar: { from: spec.due, to: spec.due, holidays: [], workdays: [], unknownYears: [] },
    lights: DEFAULT_LIGHTS,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// commands: imperatives; `now` always comes with the command, the decider never reads a clock.

/** Where a handed-over assignment comes from (退回 → 改派). */
export interface Handover {
  predecessor: string;
  from: string;
  by: string;
  reason: string;
}

/** A value a unit reports for one of the item's targets: "合格率 92.5 %". */
export interface ReportedValue {
  indicator: string;
  value: number;
  unit: string;
}

export type AssignmentCommand =
  | { type: 'AssignTask'; now: Date; spec: AnySpec; handover?: Handover }
  | { type: 'SendBack'; now: Date; unit: string; reason: string }
  | { type: 'ChangePolicy'; now: Date; by: string; policy: SupervisionPolicyV2; reason: string }
  | { type: 'UpdateCalendar'; now: Date; by: string; calendar: WorkingCalendar; reason: string }
  | { type: 'ChangeCooperatingUnits'; now: Date; by: string; add: string[]; remove: string[]; reason: string }
  | { type: 'SubmitContribution'; now: Date; unit: string; period?: string; summary: string; evidence?: EvidenceRef[] }
  | { type: 'InsistOnUnit'; now: Date; by: string; comment: string }
  | { type: 'ReassignAssignment'; now: Date; by: string; to: string; reason: string; successor: string }
  | { type: 'AcknowledgeAssignment'; now: Date; unit: string }
  | {
      type: 'SubmitProgressReport';
      now: Date;
      unit: string;
      /** '2017-Q1'; when absent, the earliest period not yet reported. */
      period?: string;
      summary: string;
      percentComplete: number;
      /** Files of evidence, already in the evidence store. */
      evidence?: EvidenceRef[];
      /** The values reached for the item's targets (version 3). */
      values?: ReportedValue[];
    }
  | { type: 'CompleteTask'; now: Date; by: string; summary: string }
  | { type: 'ReviewReport'; now: Date; by: string; period: string; accept: boolean; comment: string }
  | { type: 'RequestExtension'; now: Date; unit: string; period?: string; to: CalendarDate; reason: string }
  | { type: 'DecideExtension'; now: Date; by: string; grant: boolean; comment: string }
  | { type: 'MoveDeadline'; now: Date; by: string; period?: string; to: CalendarDate; reason: string }
  | { type: 'RequestClosure'; now: Date; unit: string; summary: string; evidence: EvidenceRef[] }
  | { type: 'DecideClosure'; now: Date; by: string; approve: boolean; comment: string }
  | { type: 'PauseAssignment'; now: Date; by: string; reason: string }
  | { type: 'ResumeAssignment'; now: Date; by: string; reason?: string }
  | { type: 'CancelAssignment'; now: Date; by: string; reason: string }
  | AlarmCommand;

/** Commands the clock brings: the workflow sends them when `nextAlarm` says their time has come. */
export type AlarmCommand =
  | { type: 'SendDeadlineReminder'; now: Date; period: string; kind: 'advance' | 'due-day' }
  | { type: 'UrgeAcknowledgement'; now: Date; period: string }
  | { type: 'RemindCooperatingUnits'; now: Date; period: string }
  | { type: 'ClosePeriod'; now: Date; period: string }
  | { type: 'EscalateOverdue'; now: Date; period: string; step: number };

type AlarmCommandWithoutTime = AlarmCommand extends infer C ? (C extends AlarmCommand ? Omit<C, 'now'> : never) : never;

// ---------------------------------------------------------------------------------------------------------------
// state

export type AssignmentStatus = 'unassigned' | 'assigned' | 'acknowledged' | 'completed' | 'cancelled' | 'reassigned';

export interface PeriodState {
  /** The period's key: '2017-Q1'. */
  period: string;
  label: string;
  due: CalendarDate;
  remindersSent: Array<'advance' | 'due-day'>;
  report?: {
    at: string;
    summary: string;
    percentComplete: number;
    late: boolean;
    evidence?: EvidenceRef[];
    /** 审核通过: by whom and when; an accepted report can no longer be replaced. */
    accepted?: { at: string; by: string; comment: string };
  };
  /** The last 退回重报 of this period's report: the period is open again until its (moved) due date. */
  returned?: { at: string; by: string; comment: string; late: boolean };
  /** The due date first assigned, once an extension, a move or a rework has changed `due`. */
  originalDue?: CalendarDate;
  /** When `due` last moved: reminders whose time had passed by then are not sent late. */
  movedAt?: string;
  /** 协办意见 received for this period, the latest of each cooperating unit. */
  contributions?: Array<{ unit: string; at: string; summary: string; evidence?: EvidenceRef[] }>;
  /** The cooperating units were reminded for this period's due date. */
  cooperationReminded?: boolean;
  /** The values the latest report gave for the item's targets. */
  values?: Array<{
    indicator: string;
    unit: string;
    value: number;
    target: { comparator: ItemTarget['comparator']; value: number };
    met: boolean;
  }>;
  overdue: boolean;
  /** Levels of the escalation notices sent for this period, in order. */
  escalations: EscalationLevel[];
  /** Ladder steps reached: a step caught up after a pause passes over the ones before it without a notice. */
  step: number;
}

export interface AssignmentState {
  status: AssignmentStatus;
  /** The spec as the decider reads it (version 2's shape, whichever version it was assigned with). */
  spec?: Spec;
  assignedAt?: string;
  acknowledgedAt?: string;
  /** 催签收 sent: the unit had not acknowledged in time. */
  acknowledgementUrgedAt?: string;
  completedAt?: string;
  cancelled?: { at: string; by: string; reason: string };
  /** The clock is stopped: by whom, since when, why. */
  paused?: { at: string; by: string; reason: string };
  /** 退回: the unit says the item is not its own, awaiting the coordinator's answer. */
  sentBack?: { at: string; unit: string; reason: string };
  /** 改派: the item went to another unit's assignment; this one has ended. */
  reassigned?: { at: string; by: string; to: string; reason: string; successor: string };
  /** Handed over from another unit's assignment. */
  handover?: Handover & { at: string };
  /** 延期申请 awaiting the coordinator's answer. */
  extensionRequest?: DateChangeRequest;
  /** 申请办结 awaiting the coordinator's answer. */
  closureRequest?: { at: string; unit: string; summary: string; evidence: EvidenceRef[] };
  /** Due dates moved after assignment, in order: extensions granted and the coordinator's own moves. */
  dateChanges?: Array<{
    at: string;
    by: string;
    period?: string;
    from: CalendarDate;
    to: CalendarDate;
    granted: boolean;
  }>;
  periods: PeriodState[];
  /** Instant of the latest event, ISO; commands dated earlier are refused. */
  lastEventAt?: string;
  /** When the working-day calendar was last replaced: reminders whose day had passed by then are not sent late. */
  calendarUpdatedAt?: string;
}

export interface DateChangeRequest {
  at: string;
  unit: string;
  /** The period whose due date is to move; absent: the item's 完成时限. */
  period?: string;
  from: CalendarDate;
  to: CalendarDate;
  reason: string;
}

export const initialState: AssignmentState = { status: 'unassigned', periods: [] };

// ---------------------------------------------------------------------------------------------------------------
// errors: a broken invariant is a domain error with a code; the workflow turns it into a non-retryable failure.

export type DomainErrorCode =
  | 'NOT_ASSIGNED'
  | 'ALREADY_ASSIGNED'
  | 'ALREADY_COMPLETED'
  | 'ALREADY_CANCELLED'
  | 'WRONG_UNIT'
  | 'NOT_COORDINATOR'
  | 'UNKNOWN_PERIOD'
  | 'ALREADY_REPORTED'
  | 'NOTHING_TO_REPORT'
  | 'PERIOD_NOT_OPEN'
  | 'INVALID_SPEC'
  | 'OUT_OF_ORDER'
  | 'NO_REPORT'
  | 'ALREADY_REVIEWED'
  | 'REQUEST_PENDING'
  | 'NO_REQUEST'
  | 'INVALID_DATE'
  | 'COMMENT_REQUIRED'
  | 'ALREADY_REASSIGNED'
  | 'NOT_COOPERATING'
  | 'UNKNOWN_TARGET'
  | 'WRONG_MEASURE'
  | 'SAME_UNIT'
  | 'CALENDAR_UNCHANGED';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// decide

export function decide(command: AssignmentCommand, state: AssignmentState): AssignmentEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'AssignTask') {
    const assigned = assign(command.spec, at, state);
    const { handover } = command;
    return handover ? [...assigned, { type: 'AssignmentHandedOver', version: 1, at, ...handover }] : assigned;
  }

  const spec = requireAssigned(state);
  if (state.status === 'completed') {
    throw new DomainError(
      'ALREADY_COMPLETED',
      `任务 ${spec.ref} 已于 ${beijing(state.completedAt)} 办结，不能再记录任何事项`,
    );
  }
  if (state.status === 'cancelled') {
    throw new DomainError(
      'ALREADY_CANCELLED',
      `任务 ${spec.ref} 已于 ${beijing(state.cancelled?.at)} 撤销（${state.cancelled?.reason}），不能再记录任何事项`,
    );
  }
  if (state.status === 'reassigned') {
    throw new DomainError(
      'ALREADY_REASSIGNED',
      `任务 ${spec.ref} 已于 ${beijing(state.reassigned?.at)} 改由${state.reassigned?.to}牵头，本任务不再办理；` +
        `请对新任务 ${state.reassigned?.successor} 办理`,
    );
  }
  if (state.lastEventAt && at < state.lastEventAt) {
    throw new DomainError(
      'OUT_OF_ORDER',
      `该操作的时间 ${beijing(at)} 早于任务最近一次记录的时间 ${beijing(state.lastEventAt)}`,
    );
  }

  switch (command.type) {
    case 'AcknowledgeAssignment':
      requireUnit(spec, command.unit);
      return state.status === 'assigned'
        ? [{ type: 'AssignmentAcknowledged', version: 1, at, unit: command.unit, implicit: false }]
        : [];

    case 'SubmitProgressReport': {
      requireUnit(spec, command.unit);
      const period = periodToReport(state, spec, command.period, shanghaiDate(command.now));
      const acknowledgement: AssignmentEvent[] =
        state.status === 'assigned'
          ? [{ type: 'AssignmentAcknowledged', version: 1, at, unit: command.unit, implicit: true }]
          : [];
      const report = {
        type: 'ProgressReportSubmitted',
        at,
        period: period.period,
        due: period.due,
        unit: command.unit,
        summary: command.summary,
        percentComplete: command.percentComplete,
        // Late by the calendar, even when the clock has not closed the period yet (a worker that was down); a
        // replacement is as late as the report it replaces — the unit had reported by then.
        late:
          period.report?.late ??
          (period.returned?.late === true || period.overdue || shanghaiDate(command.now) > period.due),
      } as const;
      const evidence = command.evidence ?? [];
      const values = targetValues(spec, command.values ?? []);
      const reached: AssignmentEvent[] =
        values.length > 0 ? [{ type: 'TargetValuesReported', version: 1, at, period: period.period, values }] : [];
      // Version 3 tells the coordinator which cooperating units the lead reported without.
      const missing = spec.version === 3 && !period.report ? missingContributors(period, spec) : [];
      const unheard: AssignmentEvent[] =
        missing.length > 0
          ? [{ type: 'ContributionsMissing', version: 1, at, period: period.period, units: missing }]
          : [];
      if (!period.report && evidence.length === 0) {
        return [...acknowledgement, { ...report, version: 1 }, ...reached, ...unheard];
      }
      return [
        ...acknowledgement,
        { ...report, version: 2, evidence, replaces: period.report !== undefined },
        ...reached,
        ...unheard,
      ];
    }

    case 'ReviewReport': {
      requireCoordinator(spec, command.by, '审核报告');
      const period = findPeriod(state, spec, command.period);
      if (!period.report) {
        throw new DomainError(
          'NO_REPORT',
          `任务 ${spec.ref} 的 ${period.period} 还没有报送进展，没有可审核的报告；请待${spec.unit}报送后再审核`,
        );
      }
      if (period.report.accepted) {
        throw new DomainError(
          'ALREADY_REVIEWED',
          `任务 ${spec.ref} 的 ${period.period} 进展已于 ${beijing(period.report.accepted.at)} 审核通过，不能再审核`,
        );
      }
      const base = { version: 1, at, period: period.period, by: command.by, comment: command.comment } as const;
      if (command.accept) return [{ type: 'ReportAccepted', ...base }];
      requireComment(command.comment, '退回重报');
      return [{ type: 'ReportReturned', ...base, reworkDue: reworkDue(period, spec, shanghaiDate(command.now)) }];
    }

    case 'RequestExtension': {
      requireUnit(spec, command.unit);
      if (state.extensionRequest) {
        throw new DomainError(
          'REQUEST_PENDING',
          `${spec.unit}已于 ${beijing(state.extensionRequest.at)} 申请延期至 ${state.extensionRequest.to}，` +
            `尚待${spec.coordinator}答复；请待答复后再申请`,
        );
      }
      const change = dateChange(state, spec, command.period, command.to, shanghaiDate(command.now), 'extend');
      return [{ type: 'ExtensionRequested', version: 1, at, unit: command.unit, ...change, reason: command.reason }];
    }

    case 'DecideExtension': {
      requireCoordinator(spec, command.by, '答复延期申请');
      const request = state.extensionRequest;
      if (!request) {
        throw new DomainError('NO_REQUEST', `任务 ${spec.ref} 没有待答复的延期申请`);
      }
      const { period, from, to } = request;
      const change = { ...(period !== undefined && { period }), from, to };
      if (command.grant)
        return [{ type: 'ExtensionGranted', version: 1, at, by: command.by, ...change, comment: command.comment }];
      requireComment(command.comment, '不同意延期');
      return [{ type: 'ExtensionRefused', version: 1, at, by: command.by, ...change, comment: command.comment }];
    }

    case 'MoveDeadline': {
      requireCoordinator(spec, command.by, '调整时限');
      const change = dateChange(state, spec, command.period, command.to, shanghaiDate(command.now), 'move');
      return [{ type: 'DeadlineMoved', version: 1, at, by: command.by, ...change, reason: command.reason }];
    }

    case 'ChangePolicy': {
      requireCoordinator(spec, command.by, '调整督办规则');
      if (JSON.stringify(command.policy) === JSON.stringify(spec.policy)) {
        throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 的督办规则已是如此；请给出不同的提醒或升级设置`);
      }
      if (spec.version === 1 && command.policy.days !== 'calendar') {
        throw new DomainError(
          'INVALID_SPEC',
          `任务 ${spec.ref} 按自然日督办（第一版），不能改为工作日；请保留 days: calendar`,
        );
      }
      return [
        {
          type: 'SupervisionPolicyChanged',
          version: 1,
          at,
          by: command.by,
          policy: command.policy,
          reason: command.reason,
        },
      ];
    }

    case 'UpdateCalendar': {
      requireCoordinator(spec, command.by, '更新节假日安排');
      if (spec.version === 1) {
        throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 按自然日督办（第一版），不用节假日安排`);
      }
      const { calendar } = command;
      if (calendar.from !== spec.calendar.from || calendar.to !== spec.calendar.to) {
        throw new DomainError(
          'INVALID_SPEC',
          `任务 ${spec.ref} 的工作日日历覆盖 ${spec.calendar.from} 至 ${spec.calendar.to}；` +
            `新的日历（${calendar.from} 至 ${calendar.to}）须覆盖同一时段`,
        );
      }
      if (sameCalendar(calendar, spec.calendar)) {
        throw new DomainError('CALENDAR_UNCHANGED', `任务 ${spec.ref} 的工作日日历已是如此，无需更新`);
      }
      return [{ type: 'WorkingCalendarUpdated', version: 1, at, by: command.by, calendar, reason: command.reason }];
    }

    case 'ChangeCooperatingUnits': {
      requireCoordinator(spec, command.by, '调整配合单位');
      const added = [...new Set(command.add)];
      const removed = [...new Set(command.remove)];
      if (added.length === 0 && removed.length === 0) {
        throw new DomainError('INVALID_SPEC', '请给出要增加（add）或减少（remove）的配合单位');
      }
      if (added.includes(spec.unit)) {
        throw new DomainError('SAME_UNIT', `${spec.unit}是任务 ${spec.ref} 的牵头单位，不能同时作为配合单位`);
      }
      const already = added.filter((u) => spec.cooperating.includes(u));
      if (already.length > 0) {
        throw new DomainError('INVALID_SPEC', `${already.join('、')}已是任务 ${spec.ref} 的配合单位，无需增加`);
      }
      const strangers = removed.filter((u) => !spec.cooperating.includes(u));
      if (strangers.length > 0) {
        throw new DomainError(
          'NOT_COOPERATING',
          `${strangers.join('、')}不是任务 ${spec.ref} 的配合单位，无法减少；` +
            (spec.cooperating.length > 0 ? `现有配合单位：${spec.cooperating.join('、')}` : '该任务没有配合单位'),
        );
      }
      const both = added.filter((u) => removed.includes(u));
      if (both.length > 0) throw new DomainError('INVALID_SPEC', `${both.join('、')}不能同时增加和减少`);
      return [
        { type: 'CooperatingUnitsChanged', version: 1, at, by: command.by, added, removed, reason: command.reason },
      ];
    }

    case 'SendBack': {
      requireUnit(spec, command.unit);
      if (state.sentBack) {
        throw new DomainError(
          'REQUEST_PENDING',
          `${spec.unit}已于 ${beijing(state.sentBack.at)} 退回任务 ${spec.ref}，尚待${spec.coordinator}答复`,
        );
      }
      return [{ type: 'AssignmentSentBack', version: 1, at, unit: command.unit, reason: command.reason }];
    }

    case 'InsistOnUnit':
      requireCoordinator(spec, command.by, '答复退回');
      if (!state.sentBack) throw new DomainError('NO_REQUEST', `任务 ${spec.ref} 没有待答复的退回`);
      requireComment(command.comment, '坚持交办');
      return [{ type: 'SendBackRefused', version: 1, at, by: command.by, comment: command.comment }];

    case 'ReassignAssignment': {
      requireCoordinator(spec, command.by, '改派');
      if (command.to === spec.unit) {
        throw new DomainError(
          'SAME_UNIT',
          `任务 ${spec.ref} 已由${spec.unit}牵头，不能改派给同一单位；请给出另一个单位，或坚持交办`,
        );
      }
      const today = shanghaiDate(command.now);
      if (!state.periods.some((p) => !p.report && p.due >= today)) {
        throw new DomainError(
          'NOTHING_TO_REPORT',
          `任务 ${spec.ref} 已没有今后到期的报送周期，改派后新单位无事可报；请调整时限后再改派，或办结、撤销`,
        );
      }
      return [
        {
          type: 'AssignmentReassigned',
          version: 1,
          at,
          by: command.by,
          from: spec.unit,
          to: command.to,
          reason: command.reason,
          successor: command.successor,
        },
      ];
    }

    case 'RequestClosure': {
      requireUnit(spec, command.unit);
      if (state.closureRequest) {
        throw new DomainError(
          'REQUEST_PENDING',
          `${spec.unit}已于 ${beijing(state.closureRequest.at)} 申请办结，尚待${spec.coordinator}答复；` +
            '请待答复后再申请',
        );
      }
      return [
        {
          type: 'ClosureRequested',
          version: 1,
          at,
          unit: command.unit,
          summary: command.summary,
          evidence: command.evidence,
        },
      ];
    }

    case 'DecideClosure': {
      requireCoordinator(spec, command.by, '答复办结申请');
      const request = state.closureRequest;
      if (!request) throw new DomainError('NO_REQUEST', `任务 ${spec.ref} 没有待答复的办结申请`);
      if (command.approve) {
        const summary = command.comment ? `${request.summary}（审核意见：${command.comment}）` : request.summary;
        return [{ type: 'TaskCompleted', version: 1, at, by: command.by, summary }];
      }
      requireComment(command.comment, '退办');
      return [{ type: 'ClosureReturned', version: 1, at, by: command.by, comment: command.comment }];
    }

    case 'CompleteTask':
      requireCoordinator(spec, command.by, '办结');
      return [{ type: 'TaskCompleted', version: 1, at, by: command.by, summary: command.summary }];

    case 'PauseAssignment':
      requireCoordinator(spec, command.by, '暂停');
      return state.paused ? [] : [{ type: 'AssignmentPaused', version: 1, at, by: command.by, reason: command.reason }];

    case 'ResumeAssignment':
      requireCoordinator(spec, command.by, '恢复');
      return state.paused ? [{ type: 'AssignmentResumed', version: 1, at, by: command.by }] : [];

    case 'CancelAssignment':
      requireCoordinator(spec, command.by, '撤销');
      return [{ type: 'AssignmentCancelled', version: 1, at, by: command.by, reason: command.reason }];

    case 'SendDeadlineReminder': {
      if (state.paused) return [];
      const period = findPeriod(state, spec, command.period);
      if (period.report || period.remindersSent.includes(command.kind)) return [];
      if (command.now >= reminderExpiry(period, spec, command.kind)) return []; // stale: nextAlarm skips it too
      const daysLeft = daysBetween(shanghaiDate(command.now), period.due);
      return [
        {
          type: 'DeadlineReminderSent',
          version: 1,
          at,
          period: period.period,
          due: period.due,
          kind: command.kind,
          daysLeft,
        },
      ];
    }

    case 'ClosePeriod': {
      if (state.paused) return [];
      const period = findPeriod(state, spec, command.period);
      if (period.report || period.overdue) return [];
      return [{ type: 'ReportingPeriodOverdue', version: 1, at, period: period.period, due: period.due }];
    }

    case 'UrgeAcknowledgement': {
      const expectedBy = acknowledgementExpectedBy(state, spec);
      if (state.paused || !expectedBy || state.acknowledgementUrgedAt) return [];
      return [{ type: 'AcknowledgementUrged', version: 1, at, expectedBy }];
    }

    case 'RemindCooperatingUnits': {
      if (state.paused) return [];
      const period = findPeriod(state, spec, command.period);
      const units = missingContributors(period, spec);
      if (period.report || period.cooperationReminded || units.length === 0) return [];
      if (command.now >= shanghaiInstant(addDays(period.due, 1))) return []; // stale: nextAlarm skips it too
      return [{ type: 'CooperationReminderSent', version: 1, at, period: period.period, due: period.due, units }];
    }

    case 'SubmitContribution': {
      if (!spec.cooperating.includes(command.unit)) {
        throw new DomainError(
          'NOT_COOPERATING',
          `${command.unit}不是任务 ${spec.ref} 的配合单位，不能提交协办意见；` +
            (spec.cooperating.length > 0 ? `该任务的配合单位是${spec.cooperating.join('、')}` : '该任务没有配合单位'),
        );
      }
      const period =
        command.period === undefined
          ? state.periods.find((p) => !p.report || !p.report.accepted)
          : findPeriod(state, spec, command.period);
      if (!period) throw new DomainError('NOTHING_TO_REPORT', `任务 ${spec.ref} 的各报送周期均已审核完毕`);
      if (period.report?.accepted) {
        throw new DomainError(
          'ALREADY_REVIEWED',
          `${spec.unit}的 ${period.period} 进展已审核通过，不再接收协办意见；请对下一报送周期提交`,
        );
      }
      return [
        {
          type: 'ContributionSubmitted',
          version: 1,
          at,
          period: period.period,
          unit: command.unit,
          summary: command.summary,
          evidence: command.evidence ?? [],
        },
      ];
    }

    case 'EscalateOverdue': {
      if (state.paused) return [];
      const period = findPeriod(state, spec, command.period);
      if (!spec.policy.ladder[command.step - 1] || period.report || !period.overdue) return [];
      if (period.step !== command.step - 1) return [];
      // After a pause (version 2), the ladder goes at once to the highest step that came due, with one notice.
      let step = command.step;
      while (
        spec.version >= 2 &&
        step < spec.policy.ladder.length &&
        escalationInstant(period, spec, step + 1) <= command.now
      ) {
        step++;
      }
      const daysOverdue = daysBetween(period.due, shanghaiDate(command.now));
      return [
        {
          type: 'OverdueEscalated',
          version: 1,
          at,
          period: period.period,
          due: period.due,
          step,
          level: spec.policy.ladder[step - 1]!.level,
          daysOverdue,
        },
      ];
    }

    default:
      return assertNever(command);
  }
}

function assign(spec: AnySpec, at: string, state: AssignmentState): AssignmentEvent[] {
  if (state.status !== 'unassigned') {
    throw new DomainError('ALREADY_ASSIGNED', `任务 ${spec.ref} 已交办给 ${state.spec?.unit}`);
  }
  const dues = isSpecV2(spec) ? spec.periods.map((p) => p.due) : spec.reportsDue;
  const sorted = [...dues].sort();
  if (sorted.some((due, i) => due !== dues[i] || due === sorted[i - 1])) {
    throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 的报送日期须按先后排列且互不重复`);
  }
  const assignedOn = shanghaiDate(new Date(at));
  if (!dues.some((due) => due >= assignedOn)) {
    throw new DomainError(
      'INVALID_SPEC',
      `任务 ${spec.ref} 的报送日期（${listed(dues)}）都早于交办日 ${assignedOn}；` +
        `请给出 ${assignedOn} 及以后的报送日期`,
    );
  }
  if (!isSpecV2(spec)) {
    const keys = spec.reportsDue.map(quarterKey);
    if (new Set(keys).size !== keys.length) {
      throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 在同一季度有两个报送日期；每季度只能有一个`);
    }
    return [{ type: 'TaskAssigned', version: 1, at, spec }];
  }
  const keys = spec.periods.map((p) => p.key);
  if (new Set(keys).size !== keys.length) {
    throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 有两个同名的报送周期；每个周期只能有一个报送日期`);
  }
  const late = spec.periods.find((p) => p.due > spec.due);
  if (late) {
    throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 的报送日期 ${late.due} 晚于完成时限 ${spec.due}`);
  }
  return isSpecV3(spec)
    ? [{ type: 'TaskAssigned', version: 3, at, spec }]
    : [{ type: 'TaskAssigned', version: 2, at, spec }];
}

/**
 * A report's values checked against the item's targets — each names a target and is in its unit of measure — with
 * whether each is met. "At least" targets (达到、不低于、提高、降低 by a share…) are met by a value at or above them,
 * "at most" ones (不超过、控制在…以下) at or below, "about" ones (左右) within ABOUT_TOLERANCE.
 */
function targetValues(spec: Spec, reported: readonly ReportedValue[]) {
  const seen = new Set<string>();
  return reported.map((v) => {
    const target = spec.targets.find((t) => t.indicator === v.indicator);
    if (!target) {
      throw new DomainError(
        'UNKNOWN_TARGET',
        `任务 ${spec.ref} 没有指标「${v.indicator}」` +
          (spec.targets.length > 0
            ? `；其指标为：${spec.targets.map((t) => `${t.indicator}（${t.unit}）`).join('、')}`
            : '；该任务没有量化指标，报送时不填指标值'),
      );
    }
    if (v.unit !== target.unit) {
      throw new DomainError(
        'WRONG_MEASURE',
        `指标「${v.indicator}」的单位是「${target.unit}」，不是「${v.unit}」；请按${target.unit}填写`,
      );
    }
    if (seen.has(v.indicator))
      throw new DomainError('UNKNOWN_TARGET', `指标「${v.indicator}」填了两次；每个指标填一次`);
    seen.add(v.indicator);
    return {
      indicator: v.indicator,
      unit: v.unit,
      value: v.value,
      target: { comparator: target.comparator, value: target.value },
      met: meets(v.value, target),
    };
  });
}

function meets(value: number, t: ItemTarget): boolean {
  switch (t.comparator) {
    case '<=':
      return value <= t.value;
    case '<':
      return value < t.value;
    case '>':
      return value > t.value;
    case '~':
      return Math.abs(value - t.value) <= Math.abs(t.value) * ABOUT_TOLERANCE;
    case '>=':
    case '=':
    case 'increase':
    case 'decrease':
      return value >= t.value;
  }
}

/** The cooperating units that have sent no 协办意见 for a period. */
export function missingContributors(p: PeriodState, spec: Spec): string[] {
  const heard = new Set((p.contributions ?? []).map((c) => c.unit));
  return spec.cooperating.filter((u) => !heard.has(u));
}

/** The last day a 签收 is expected on (version 3): `acknowledgeWithinDays` working days after the assignment's day. */
function acknowledgementExpectedBy(state: AssignmentState, spec: Spec): CalendarDate | undefined {
  if (spec.acknowledgeWithinDays <= 0 || state.status !== 'assigned' || !state.assignedAt) return undefined;
  const assignedOn = shanghaiDate(new Date(state.assignedAt));
  return spec.policy.days === 'calendar'
    ? addDays(assignedOn, spec.acknowledgeWithinDays)
    : addWorkingDays(spec.calendar, assignedOn, spec.acknowledgeWithinDays);
}

function requireAssigned(state: AssignmentState): Spec {
  if (!state.spec) throw new DomainError('NOT_ASSIGNED', '该任务尚未交办');
  return state.spec;
}

function requireUnit(spec: Spec, unit: string): void {
  if (unit !== spec.unit) {
    throw new DomainError('WRONG_UNIT', `${unit}不是任务 ${spec.ref} 的责任单位；该任务的牵头单位是${spec.unit}`);
  }
}

/** Pausing, resuming and withdrawing an item are the coordinator's to do. */
function requireCoordinator(spec: Spec, by: string, what: string): void {
  if (by !== spec.coordinator) {
    throw new DomainError(
      'NOT_COORDINATOR',
      `${by}不是任务 ${spec.ref} 的督办单位，不能${what}；请由${spec.coordinator}办理`,
    );
  }
}

/** A refusal or a return says why: the unit must know what to do next. */
function requireComment(comment: string, what: string): void {
  if (comment.trim() === '') {
    throw new DomainError('COMMENT_REQUIRED', `${what}须写明意见（comment），说明原因和需要怎样改`);
  }
}

/** Working days a unit has to rework a returned report when its period's due date is too close or past. */
export const REWORK_DAYS = 5;

/** The day a returned report is due again: the period's due date, or `REWORK_DAYS` (working) days from today. */
function reworkDue(p: PeriodState, spec: Spec, today: CalendarDate): CalendarDate {
  const earliest =
    spec.policy.days === 'calendar' ? addDays(today, REWORK_DAYS) : addWorkingDays(spec.calendar, today, REWORK_DAYS);
  return earliest > p.due ? earliest : p.due;
}

/**
 * A due date to move — one period's, or (no period) the item's 完成时限 together with the periods due on it — checked
 * so that the periods stay in order within the item's deadline. A unit's extension must move the date later; the
 * coordinator may move it either way. Neither may set a date in the past.
 */
function dateChange(
  state: AssignmentState,
  spec: Spec,
  key: string | undefined,
  to: CalendarDate,
  today: CalendarDate,
  kind: 'extend' | 'move',
): { period?: string; from: CalendarDate; to: CalendarDate } {
  const what = key === undefined ? `任务 ${spec.ref} 的完成时限` : `任务 ${spec.ref} ${key} 的报送截止日期`;
  if (to < today) {
    throw new DomainError('INVALID_DATE', `${what}不能改到已经过去的 ${to}；请给出 ${today} 及以后的日期`);
  }
  if (key === undefined) {
    const from = spec.due;
    checkDirection(what, from, to, kind);
    const blocking = state.periods.find((p) => p.due > to && p.due !== from);
    if (blocking) {
      throw new DomainError(
        'INVALID_DATE',
        `${what}不能早于 ${blocking.period} 的报送截止日期 ${blocking.due}；请先调整该周期，或选 ${blocking.due} 及以后的日期`,
      );
    }
    return { from, to };
  }
  const period = findPeriod(state, spec, key);
  if (period.report && !period.returned) {
    throw new DomainError('ALREADY_REPORTED', `${spec.unit}已报送任务 ${spec.ref} 的 ${key} 进展，无需调整其截止日期`);
  }
  checkDirection(what, period.due, to, kind);
  const index = state.periods.indexOf(period);
  const previous = state.periods[index - 1];
  const next = state.periods[index + 1];
  if (previous && to <= previous.due) {
    throw new DomainError('INVALID_DATE', `${what}须晚于上一周期 ${previous.period} 的截止日期 ${previous.due}`);
  }
  if (next && to >= next.due) {
    throw new DomainError(
      'INVALID_DATE',
      `${what}须早于下一周期 ${next.period} 的截止日期 ${next.due}；如需更久，请申请调整任务完成时限（不指定周期）`,
    );
  }
  if (to > spec.due) {
    throw new DomainError(
      'INVALID_DATE',
      `${what}不能晚于任务完成时限 ${spec.due}；如需更久，请申请调整任务完成时限（不指定周期）`,
    );
  }
  return { period: key, from: period.due, to };
}

function checkDirection(what: string, from: CalendarDate, to: CalendarDate, kind: 'extend' | 'move'): void {
  if (to === from) throw new DomainError('INVALID_DATE', `${what}已是 ${from}；请给出不同的日期`);
  if (kind === 'extend' && to < from) {
    throw new DomainError('INVALID_DATE', `延期后的${what}须晚于当前的 ${from}；请给出 ${from} 之后的日期`);
  }
}

function findPeriod(state: AssignmentState, spec: Spec, key: string): PeriodState {
  const period = state.periods.find((p) => p.period === key);
  if (!period) {
    const known = listed(state.periods.map((p) => p.period));
    throw new DomainError('UNKNOWN_PERIOD', `任务 ${spec.ref} 没有报送周期 ${key}；其报送周期为 ${known}`);
  }
  return period;
}

/**
 * The period a report is for: the one named, or the earliest not yet reported. A period opens for reports the day
 * after the previous one was due (the first, at assignment), so a unit cannot report every quarter on day one and
 * silence all reminders and escalations.
 */
function periodToReport(state: AssignmentState, spec: Spec, key: string | undefined, today: CalendarDate): PeriodState {
  const period = key === undefined ? state.periods.find((p) => !p.report) : findPeriod(state, spec, key);
  if (!period) {
    throw new DomainError('NOTHING_TO_REPORT', `任务 ${spec.ref} 的各报送周期均已报送`);
  }
  if (period.report && (key === undefined || period.report.accepted || state.spec?.version === 1)) {
    throw new DomainError(
      'ALREADY_REPORTED',
      `${spec.unit}已于 ${beijing(period.report.at)} 报送任务 ${spec.ref} 的 ${period.period} 进展` +
        (period.report.accepted ? '，且已审核通过，不能更改' : ''),
    );
  }
  const index = state.periods.indexOf(period);
  const previous = state.periods[index - 1];
  const opensOn = previous ? addDays(scheduledDue(previous), 1) : undefined;
  if (opensOn && today < opensOn) {
    throw new DomainError(
      'PERIOD_NOT_OPEN',
      `任务 ${spec.ref} 的 ${period.period} 进展自 ${opensOn}（${previous!.period} 截止后）起才能报送；` +
        `请先报送 ${previous!.period}，或于 ${opensOn} 后再报`,
    );
  }
  return period;
}

// ---------------------------------------------------------------------------------------------------------------
// evolve

export function evolve(state: AssignmentState, event: AssignmentEvent): AssignmentState {
  const next = { ...state, lastEventAt: event.at };
  switch (event.type) {
    case 'TaskAssigned': {
      const spec = normalizeSpec(event.spec);
      const assignedOn = shanghaiDate(new Date(event.at));
      return {
        ...next,
        status: 'assigned',
        spec,
        assignedAt: event.at,
        periods: spec.periods.filter((p) => p.due >= assignedOn).map(openPeriod),
      };
    }
    case 'AssignmentAcknowledged':
      return { ...next, status: 'acknowledged', acknowledgedAt: event.at };
    case 'DeadlineReminderSent':
      return withPeriod(next, event.period, (p) => ({ ...p, remindersSent: [...p.remindersSent, event.kind] }));
    case 'ProgressReportSubmitted':
      return withPeriod(next, event.period, (p) => ({
        ...p,
        report: {
          at: event.at,
          summary: event.summary,
          percentComplete: event.percentComplete,
          late: event.late,
          ...(event.version === 2 && event.evidence.length > 0 && { evidence: event.evidence }),
        },
      }));
    case 'ReportAccepted':
      return withPeriod(next, event.period, (p) =>
        p.report
          ? { ...p, report: { ...p.report, accepted: { at: event.at, by: event.by, comment: event.comment } } }
          : p,
      );
    case 'ReportReturned':
      return withPeriod(next, event.period, (p) => {
        const reopened: PeriodState = {
          ...moveDue(p, event.reworkDue, event.at),
          returned: { at: event.at, by: event.by, comment: event.comment, late: p.report?.late ?? false },
        };
        delete reopened.report;
        return reopened;
      });
    case 'ExtensionRequested':
      return {
        ...next,
        extensionRequest: {
          at: event.at,
          unit: event.unit,
          ...(event.period !== undefined && { period: event.period }),
          from: event.from,
          to: event.to,
          reason: event.reason,
        },
      };
    case 'ExtensionGranted':
    case 'DeadlineMoved': {
      const moved = withoutExtensionRequest(
        changeDate(next, event.period, event.from, event.to, event.at),
        event.type === 'ExtensionGranted',
      );
      const change = {
        at: event.at,
        by: event.by,
        ...(event.period !== undefined && { period: event.period }),
        from: event.from,
        to: event.to,
        granted: event.type === 'ExtensionGranted',
      };
      return { ...moved, dateChanges: [...(state.dateChanges ?? []), change] };
    }
    case 'ExtensionRefused':
      return withoutExtensionRequest(next, true);
    case 'ClosureRequested':
      return {
        ...next,
        closureRequest: { at: event.at, unit: event.unit, summary: event.summary, evidence: event.evidence },
      };
    case 'ClosureReturned': {
      const returned: AssignmentState = { ...next };
      delete returned.closureRequest;
      return returned;
    }
    case 'AssignmentSentBack':
      return { ...next, sentBack: { at: event.at, unit: event.unit, reason: event.reason } };
    case 'SendBackRefused': {
      const insisted: AssignmentState = { ...next };
      delete insisted.sentBack;
      return insisted;
    }
    case 'AssignmentReassigned': {
      const ended: AssignmentState = {
        ...next,
        status: 'reassigned',
        reassigned: { at: event.at, by: event.by, to: event.to, reason: event.reason, successor: event.successor },
      };
      delete ended.sentBack;
      return ended;
    }
    case 'AcknowledgementUrged':
      return { ...next, acknowledgementUrgedAt: event.at };
    case 'CooperationReminderSent':
      return withPeriod(next, event.period, (p) => ({ ...p, cooperationReminded: true }));
    case 'ContributionSubmitted':
      return withPeriod(next, event.period, (p) => ({
        ...p,
        contributions: [
          ...(p.contributions ?? []).filter((c) => c.unit !== event.unit),
          {
            unit: event.unit,
            at: event.at,
            summary: event.summary,
            ...(event.evidence.length > 0 && { evidence: event.evidence }),
          },
        ],
      }));
    case 'ContributionsMissing':
      return next;
    case 'TargetValuesReported':
      return withPeriod(next, event.period, (p) => ({ ...p, values: event.values }));
    case 'SupervisionPolicyChanged':
      return { ...next, ...(next.spec && { spec: { ...next.spec, policy: event.policy } }) };
    case 'WorkingCalendarUpdated':
      return {
        ...next,
        ...(next.spec && { spec: { ...next.spec, calendar: event.calendar } }),
        // paused, what comes due during the pause is still sent once on resume: the cut is where the pause began
        calendarUpdatedAt: next.paused && next.paused.at < event.at ? next.paused.at : event.at,
      };
    case 'CooperatingUnitsChanged':
      return {
        ...next,
        ...(next.spec && {
          spec: {
            ...next.spec,
            cooperating: [...next.spec.cooperating.filter((u) => !event.removed.includes(u)), ...event.added],
          },
        }),
      };
    case 'AssignmentHandedOver':
      return {
        ...next,
        handover: {
          at: event.at,
          predecessor: event.predecessor,
          from: event.from,
          by: event.by,
          reason: event.reason,
        },
      };
    case 'ReportingPeriodOverdue':
      return withPeriod(next, event.period, (p) => ({ ...p, overdue: true }));
    case 'OverdueEscalated':
      return withPeriod(next, event.period, (p) => ({
        ...p,
        escalations: [...p.escalations, event.level],
        step: event.step,
      }));
    case 'TaskCompleted':
      return { ...next, status: 'completed', completedAt: event.at };
    case 'AssignmentPaused':
      return { ...next, paused: { at: event.at, by: event.by, reason: event.reason } };
    case 'AssignmentResumed': {
      const resumed: AssignmentState = { ...next };
      delete resumed.paused;
      return resumed;
    }
    case 'AssignmentCancelled':
      return { ...next, status: 'cancelled', cancelled: { at: event.at, by: event.by, reason: event.reason } };
    default:
      return assertNever(event);
  }
}

function openPeriod(p: ReportingPeriodSpec): PeriodState {
  return {
    period: p.key,
    label: p.label,
    due: p.due,
    remindersSent: [],
    overdue: false,
    escalations: [],
    step: 0,
  };
}

/** A period due on another day: its reminders and ladder start over for the new date; what was sent stays sent. */
function moveDue(p: PeriodState, to: CalendarDate, at: string): PeriodState {
  if (p.due === to) return p;
  const moved: PeriodState = {
    ...p,
    due: to,
    originalDue: p.originalDue ?? p.due,
    movedAt: at,
    remindersSent: [],
    overdue: false,
    step: 0,
  };
  delete moved.cooperationReminded;
  return moved;
}

/** The item's 完成时限 and the periods due on it, or one period, moved from `from` to `to`. */
function changeDate(
  state: AssignmentState,
  key: string | undefined,
  from: CalendarDate,
  to: CalendarDate,
  at: string,
): AssignmentState {
  if (key !== undefined) return withPeriod(state, key, (p) => moveDue(p, to, at));
  return {
    ...state,
    ...(state.spec && { spec: { ...state.spec, due: to } }),
    periods: state.periods.map((p) => (p.due === from && !p.report ? moveDue(p, to, at) : p)),
  };
}

function withoutExtensionRequest(state: AssignmentState, answered: boolean): AssignmentState {
  if (!answered) return state;
  const rest: AssignmentState = { ...state };
  delete rest.extensionRequest;
  return rest;
}

/** The due date a period was given at assignment: where the next period's span begins, however this one moved. */
function scheduledDue(p: PeriodState): CalendarDate {
  return p.originalDue ?? p.due;
}

function withPeriod(state: AssignmentState, key: string, change: (p: PeriodState) => PeriodState): AssignmentState {
  return { ...state, periods: state.periods.map((p) => (p.period === key ? change(p) : p)) };
}

/** Folds a stream of events into the state they lead to: the workflow's state, and an auditor's "as of". */
export function fold(events: readonly AssignmentEvent[], from: AssignmentState = initialState): AssignmentState {
  return events.reduce(evolve, from);
}

/**
 * The spec of the assignment that takes over an item handed to `to` (改派): the item as it stands — its 完成时限 and
 * the due dates of the periods not yet reported, as extended or moved — now led by `to`, in version 2's shape.
 */
export function successorSpec(state: AssignmentState, to: string): AssignmentSpecV3 {
  const spec = requireAssigned(state);
  const { version: _version, ...rest } = spec;
  void _version;
  return {
    ...rest,
    unit: to,
    cooperating: spec.cooperating.filter((u) => u !== to),
    periods: state.periods.filter((p) => !p.report).map((p) => ({ key: p.period, label: p.label, due: p.due })),
  };
}

/** Whether the assignment has ended (办结 or 撤销): nothing more happens to it. */
export function isClosed(state: AssignmentState): boolean {
  return state.status === 'completed' || state.status === 'cancelled' || state.status === 'reassigned';
}

// ---------------------------------------------------------------------------------------------------------------
// the clock

export interface Alarm {
  at: Date;
  command: AlarmCommandWithoutTime;
}

/**
 * The earliest moment at which the clock alone would change this assignment, and the command to send then; none
 * once the task is closed, while it is paused, or when nothing is left to wait for. A reminder is worth sending only
 * until the next one (or the period's close) is due, and not at all when its time had passed before the task was
 * assigned or its working-day calendar replaced; closing a period and escalating it always happen, however late the
 * clock brings them. `now` (default: never stale) must be the same instant `decide` gets, so that a reminder decide
 * drops is one nextAlarm no longer offers.
 */
export function nextAlarm(state: AssignmentState, now?: Date): Alarm | undefined {
  if (isClosed(state) || state.status === 'unassigned' || !state.spec || state.paused) return undefined;
  const spec = state.spec;
  // a reminder whose time had passed when the task was assigned, or when its calendar was last replaced, is not sent
  const remindersFrom = new Date(
    Math.max(...[state.assignedAt, state.calendarUpdatedAt].map((at) => Date.parse(at ?? '') || 0)),
  );
  let earliest: Alarm | undefined;
  const consider = (alarm: Alarm | undefined) => {
    if (alarm && (!earliest || alarm.at < earliest.at)) earliest = alarm;
  };
  const expectedBy = acknowledgementExpectedBy(state, spec);
  if (expectedBy && !state.acknowledgementUrgedAt && state.periods[0]) {
    const day = spec.policy.days === 'calendar' ? addDays(expectedBy, 1) : addWorkingDays(spec.calendar, expectedBy, 1);
    consider({
      at: shanghaiInstant(day, spec.policy.noticeTime),
      command: { type: 'UrgeAcknowledgement', period: state.periods[0].period },
    });
  }
  for (const p of state.periods) {
    consider(periodAlarm(p, spec, remindersFrom, now));
    consider(cooperationAlarm(p, spec, remindersFrom, now));
  }
  return earliest;
}

/** The day a reminder goes out: version 2 moves one that falls on a day off to the last working day before. */
function reminderDays(p: PeriodState, spec: Spec): { advance?: CalendarDate; dueDay: CalendarDate } {
  const { policy, calendar } = spec;
  const before = policy.reminderDaysBefore;
  if (policy.days === 'calendar') {
    return { ...(before > 0 && { advance: addDays(p.due, -before) }), dueDay: p.due };
  }
  return {
    ...(before > 0 && { advance: addWorkingDays(calendar, p.due, -before) }),
    dueDay: previousWorkingDay(calendar, p.due),
  };
}

/** When a reminder stops being worth sending: the advance one at the due-day one, the due-day one at the close. */
function reminderExpiry(p: PeriodState, spec: Spec, kind: 'advance' | 'due-day'): Date {
  return kind === 'advance'
    ? shanghaiInstant(reminderDays(p, spec).dueDay, spec.policy.noticeTime)
    : shanghaiInstant(addDays(p.due, 1));
}

/** When ladder step `step` (1-based) is due: its delays after the due date, in calendar or working days. */
function escalationInstant(p: PeriodState, spec: Spec, step: number): Date {
  const { policy, calendar } = spec;
  const days = policy.ladder.slice(0, step).reduce((sum, s) => sum + s.afterDays, 0);
  const day =
    policy.days === 'calendar' ? addDays(p.due, days) : addWorkingDays(calendar as WorkingCalendar, p.due, days);
  return shanghaiInstant(day, policy.noticeTime);
}

/** Version 3: the cooperating units not yet heard from, `cooperationReminderDays` working days before the due date. */
function cooperationAlarm(p: PeriodState, spec: Spec, notBefore: Date, now: Date | undefined): Alarm | undefined {
  const before = spec.cooperationReminderDays;
  if (before <= 0 || p.report || p.cooperationReminded || missingContributors(p, spec).length === 0) return undefined;
  const day = spec.policy.days === 'calendar' ? addDays(p.due, -before) : addWorkingDays(spec.calendar, p.due, -before);
  const at = shanghaiInstant(day, spec.policy.noticeTime);
  const stale = now !== undefined && now >= shanghaiInstant(addDays(p.due, 1));
  if (stale || at < notBefore || (p.movedAt !== undefined && at < new Date(p.movedAt))) return undefined;
  return { at, command: { type: 'RemindCooperatingUnits', period: p.period } };
}

function periodAlarm(p: PeriodState, spec: Spec, notBefore: Date, now: Date | undefined): Alarm | undefined {
  if (p.report) return undefined;
  if (!p.overdue) {
    const days = reminderDays(p, spec);
    const reminders: Array<{ kind: 'advance' | 'due-day'; day: CalendarDate | undefined }> = [
      { kind: 'advance', day: days.advance },
      { kind: 'due-day', day: days.dueDay },
    ];
    for (const { kind, day } of reminders) {
      if (day === undefined) continue;
      const at = shanghaiInstant(day, spec.policy.noticeTime);
      const stale = now !== undefined && now >= reminderExpiry(p, spec, kind);
      const sinceMoved = p.movedAt === undefined || at >= new Date(p.movedAt);
      if (!stale && !p.remindersSent.includes(kind) && at >= notBefore && sinceMoved) {
        return { at, command: { type: 'SendDeadlineReminder', period: p.period, kind } };
      }
    }
    return { at: shanghaiInstant(addDays(p.due, 1)), command: { type: 'ClosePeriod', period: p.period } };
  }
  const step = p.step + 1;
  if (step > spec.policy.ladder.length) return undefined;
  return {
    at: escalationInstant(p, spec, step),
    command: { type: 'EscalateOverdue', period: p.period, step },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the light: what the coordinator's dashboard shows of an assignment at a glance

export type Light = 'green' | 'yellow' | 'red' | 'none';

/**
 * 红灯 when a period is overdue without a report (by the calendar, even before the clock closes it); 黄灯 when the
 * open period's remaining share is below the spec's threshold and no report is in; 绿灯 otherwise. A closed or not
 * yet assigned assignment shows none.
 */
export function lightOf(state: AssignmentState, now: Date): Light {
  const { spec } = state;
  if (!spec || isClosed(state) || state.status === 'unassigned') return 'none';
  const today = shanghaiDate(now);
  if (state.periods.some((p) => !p.report && (p.overdue || today > p.due))) return 'red';
  const open = state.periods.find((p) => !p.report);
  if (open && (open.returned || now >= yellowFrom(state, open))) return 'yellow';
  return 'green';
}

/** The next instant at which the light changes by the clock alone, if any (green → yellow → red). */
export function nextLightChange(state: AssignmentState, now: Date): Date | undefined {
  const { spec } = state;
  if (!spec || isClosed(state) || state.status === 'unassigned') return undefined;
  const open = state.periods.find((p) => !p.report);
  if (!open || open.overdue) return undefined;
  const yellow = yellowFrom(state, open);
  if (now < yellow && !open.returned) return yellow;
  const red = shanghaiInstant(addDays(open.due, 1));
  return now < red ? red : undefined;
}

/** Where a period's yellow begins: `yellowWhenLeft` of its span before it ends (the span opens after the last due). */
function yellowFrom(state: AssignmentState, p: PeriodState): Date {
  const index = state.periods.indexOf(p);
  const previous = state.periods[index - 1];
  const start = previous
    ? shanghaiInstant(addDays(scheduledDue(previous), 1)).getTime()
    : new Date(state.assignedAt ?? 0).getTime();
  const end = shanghaiInstant(addDays(p.due, 1)).getTime();
  const share = state.spec?.lights.yellowWhenLeft ?? DEFAULT_LIGHTS.yellowWhenLeft;
  return new Date(Math.round(end - share * (end - start)));
}

// ---------------------------------------------------------------------------------------------------------------

/** An instant as people in the offices read it: Beijing time, to the minute. */
function beijing(iso: string | undefined): string {
  return iso ? formatShanghai(new Date(iso)) : '';
}

/** A list for a message, never longer than a few items, however long the list. */
function listed(items: readonly string[], shown = 4): string {
  const head = items.slice(0, shown).join('、');
  return items.length > shown ? `${head} 等 ${items.length} 个` : head;
}

function assertNever(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
