/**
 * The lifecycle of one assignment as a pure decider: `decide(command, state) → events`, `evolve(state, event) →
 * state`, and `nextAlarm(state)` for what the clock must bring next. No Temporal import: the workflow is a thin
 * shell around this, and audit ("state as of T") folds the same `evolve`.
 *
 *   assigned ──签收──► acknowledged ──(a report per period)──► … ──办结──► completed
 *        └──────────── 暂停 ⇄ 恢复 (the clock stops) ───────────┘   └──撤销──► cancelled
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
import { addWorkingDays, previousWorkingDay, type WorkingCalendar } from '../../domain/working-days';
import type {
  AssignmentEvent,
  AssignmentSpec,
  AssignmentSpecV2,
  EscalationLevel,
  LightThresholds,
  ReportingPeriodSpec,
  SupervisionPolicyV2,
} from './events';

// ---------------------------------------------------------------------------------------------------------------
// specs: as assigned (version 1 or 2), and as the decider reads them

export type AnySpec = AssignmentSpec | AssignmentSpecV2;

export function isSpecV2(spec: AnySpec): spec is AssignmentSpecV2 {
  return 'periods' in spec;
}

/** Lights for assignments whose spec names none (version 1). */
export const DEFAULT_LIGHTS: LightThresholds = { yellowWhenLeft: 0.3 };

/** Every spec in the shape version 2 gives it: what the decider, the notices and the views read. */
export interface Spec extends Omit<AssignmentSpecV2, 'policy'> {
  version: 1 | 2;
  policy: SupervisionPolicyV2;
}

/** A version-1 spec read as version 2: calendar days, a period per report date, no cycle, no cooperating units. */
export function normalizeSpec(spec: AnySpec): Spec {
  if (isSpecV2(spec)) return { ...spec, version: 2 };
  const { reportsDue, policy, ...rest } = spec;
  return {
    ...rest,
    version: 1,
    cooperating: [],
    periods: reportsDue.map((due) => ({ key: quarterKey(due), label: quarterLabel(due), due })),
    policy: { ...policy, days: 'calendar' },
    calendar: { from: spec.due, to: spec.due, holidays: [], workdays: [], unknownYears: [] },
    lights: DEFAULT_LIGHTS,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// commands: imperatives; `now` always comes with the command, the decider never reads a clock.

export type AssignmentCommand =
  | { type: 'AssignTask'; now: Date; spec: AnySpec }
  | { type: 'AcknowledgeAssignment'; now: Date; unit: string }
  | {
      type: 'SubmitProgressReport';
      now: Date;
      unit: string;
      /** '2017-Q1'; when absent, the earliest period not yet reported. */
      period?: string;
      summary: string;
      percentComplete: number;
    }
  | { type: 'CompleteTask'; now: Date; by: string; summary: string }
  | { type: 'PauseAssignment'; now: Date; by: string; reason: string }
  | { type: 'ResumeAssignment'; now: Date; by: string }
  | { type: 'CancelAssignment'; now: Date; by: string; reason: string }
  | AlarmCommand;

/** Commands the clock brings: the workflow sends them when `nextAlarm` says their time has come. */
export type AlarmCommand =
  | { type: 'SendDeadlineReminder'; now: Date; period: string; kind: 'advance' | 'due-day' }
  | { type: 'ClosePeriod'; now: Date; period: string }
  | { type: 'EscalateOverdue'; now: Date; period: string; step: number };

type AlarmCommandWithoutTime = AlarmCommand extends infer C ? (C extends AlarmCommand ? Omit<C, 'now'> : never) : never;

// ---------------------------------------------------------------------------------------------------------------
// state

export type AssignmentStatus = 'unassigned' | 'assigned' | 'acknowledged' | 'completed' | 'cancelled';

export interface PeriodState {
  /** The period's key: '2017-Q1'. */
  period: string;
  label: string;
  due: CalendarDate;
  remindersSent: Array<'advance' | 'due-day'>;
  report?: { at: string; summary: string; percentComplete: number; late: boolean };
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
  completedAt?: string;
  cancelled?: { at: string; by: string; reason: string };
  /** The clock is stopped: by whom, since when, why. */
  paused?: { at: string; by: string; reason: string };
  periods: PeriodState[];
  /** Instant of the latest event, ISO; commands dated earlier are refused. */
  lastEventAt?: string;
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
  | 'OUT_OF_ORDER';

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
  if (command.type === 'AssignTask') return assign(command.spec, at, state);

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
      return [
        ...acknowledgement,
        {
          type: 'ProgressReportSubmitted',
          version: 1,
          at,
          period: period.period,
          due: period.due,
          unit: command.unit,
          summary: command.summary,
          percentComplete: command.percentComplete,
          // Late by the calendar, even when the clock has not closed the period yet (a worker that was down).
          late: period.overdue || shanghaiDate(command.now) > period.due,
        },
      ];
    }

    case 'CompleteTask':
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

    case 'EscalateOverdue': {
      if (state.paused) return [];
      const period = findPeriod(state, spec, command.period);
      if (!spec.policy.ladder[command.step - 1] || period.report || !period.overdue) return [];
      if (period.step !== command.step - 1) return [];
      // After a pause (version 2), the ladder goes at once to the highest step that came due, with one notice.
      let step = command.step;
      while (
        spec.version === 2 &&
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
  return [{ type: 'TaskAssigned', version: 2, at, spec }];
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
  if (period.report) {
    throw new DomainError(
      'ALREADY_REPORTED',
      `${spec.unit}已于 ${beijing(period.report.at)} 报送任务 ${spec.ref} 的 ${period.period} 进展`,
    );
  }
  const index = state.periods.indexOf(period);
  const previous = state.periods[index - 1];
  const opensOn = previous ? addDays(previous.due, 1) : undefined;
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
        report: { at: event.at, summary: event.summary, percentComplete: event.percentComplete, late: event.late },
      }));
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

function withPeriod(state: AssignmentState, key: string, change: (p: PeriodState) => PeriodState): AssignmentState {
  return { ...state, periods: state.periods.map((p) => (p.period === key ? change(p) : p)) };
}

/** Folds a stream of events into the state they lead to: the workflow's state, and an auditor's "as of". */
export function fold(events: readonly AssignmentEvent[], from: AssignmentState = initialState): AssignmentState {
  return events.reduce(evolve, from);
}

/** Whether the assignment has ended (办结 or 撤销): nothing more happens to it. */
export function isClosed(state: AssignmentState): boolean {
  return state.status === 'completed' || state.status === 'cancelled';
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
 * assigned; closing a period and escalating it always happen, however late the clock brings them. `now` (default:
 * never stale) must be the same instant `decide` gets, so that a reminder decide drops is one nextAlarm no longer
 * offers.
 */
export function nextAlarm(state: AssignmentState, now?: Date): Alarm | undefined {
  if (isClosed(state) || state.status === 'unassigned' || !state.spec || state.paused) return undefined;
  const assignedAt = new Date(state.assignedAt ?? 0);
  let earliest: Alarm | undefined;
  for (const p of state.periods) {
    const alarm = periodAlarm(p, state.spec, assignedAt, now);
    if (alarm && (!earliest || alarm.at < earliest.at)) earliest = alarm;
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

function periodAlarm(p: PeriodState, spec: Spec, assignedAt: Date, now: Date | undefined): Alarm | undefined {
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
      if (!stale && !p.remindersSent.includes(kind) && at >= assignedAt) {
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
  if (open && now >= yellowFrom(state, open)) return 'yellow';
  return 'green';
}

/** The next instant at which the light changes by the clock alone, if any (green → yellow → red). */
export function nextLightChange(state: AssignmentState, now: Date): Date | undefined {
  const { spec } = state;
  if (!spec || isClosed(state) || state.status === 'unassigned') return undefined;
  const open = state.periods.find((p) => !p.report);
  if (!open || open.overdue) return undefined;
  const yellow = yellowFrom(state, open);
  if (now < yellow) return yellow;
  const red = shanghaiInstant(addDays(open.due, 1));
  return now < red ? red : undefined;
}

/** Where a period's yellow begins: `yellowWhenLeft` of its span before it ends (the span opens after the last due). */
function yellowFrom(state: AssignmentState, p: PeriodState): Date {
  const index = state.periods.indexOf(p);
  const previous = state.periods[index - 1];
  const start = previous
    ? shanghaiInstant(addDays(previous.due, 1)).getTime()
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
