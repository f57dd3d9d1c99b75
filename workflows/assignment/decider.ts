/**
 * The lifecycle of one assignment as a pure decider: `decide(command, state) → events`, `evolve(state, event) →
 * state`, and `nextAlarm(state)` for what the clock must bring next. No Temporal import: the workflow is a thin
 * shell around this, and audit ("state as of T") folds the same `evolve`.
 *
 *   assigned ──签收──► acknowledged ──(a report per period)──► … ──办结──► completed
 *
 * Per reporting period (quarter): an advance reminder N days before the due date, a reminder on the due day, and
 * if no report has come when the day is over, the period is overdue (逾期) and escalates along the policy's ladder
 * (催办 → 督办 → 通报), one step after another, until the report arrives.
 */
import {
  addDays,
  daysBetween,
  formatShanghai,
  quarterKey,
  shanghaiDate,
  shanghaiInstant,
  type CalendarDate,
} from '../../domain/calendar';
import type { AssignmentEvent, AssignmentSpec, EscalationLevel, SupervisionPolicy } from './events';

// ---------------------------------------------------------------------------------------------------------------
// commands: imperatives; `now` always comes with the command, the decider never reads a clock.

export type AssignmentCommand =
  | { type: 'AssignTask'; now: Date; spec: AssignmentSpec }
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
  | AlarmCommand;

/** Commands the clock brings: the workflow sends them when `nextAlarm` says their time has come. */
export type AlarmCommand =
  | { type: 'SendDeadlineReminder'; now: Date; period: string; kind: 'advance' | 'due-day' }
  | { type: 'ClosePeriod'; now: Date; period: string }
  | { type: 'EscalateOverdue'; now: Date; period: string; step: number };

type AlarmCommandWithoutTime = AlarmCommand extends infer C ? (C extends AlarmCommand ? Omit<C, 'now'> : never) : never;

// ---------------------------------------------------------------------------------------------------------------
// state

export type AssignmentStatus = 'unassigned' | 'assigned' | 'acknowledged' | 'completed';

export interface PeriodState {
  period: string;
  due: CalendarDate;
  remindersSent: Array<'advance' | 'due-day'>;
  report?: { at: string; summary: string; percentComplete: number; late: boolean };
  overdue: boolean;
  /** Ladder steps raised so far for this period. */
  escalations: EscalationLevel[];
}

export interface AssignmentState {
  status: AssignmentStatus;
  spec?: AssignmentSpec;
  assignedAt?: string;
  acknowledgedAt?: string;
  completedAt?: string;
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
  | 'WRONG_UNIT'
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

    case 'SendDeadlineReminder': {
      const period = findPeriod(state, spec, command.period);
      if (period.report || period.remindersSent.includes(command.kind)) return [];
      if (command.now >= reminderExpiry(period, spec.policy, command.kind)) return []; // stale: nextAlarm skips it too
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
      const period = findPeriod(state, spec, command.period);
      if (period.report || period.overdue) return [];
      return [{ type: 'ReportingPeriodOverdue', version: 1, at, period: period.period, due: period.due }];
    }

    case 'EscalateOverdue': {
      const period = findPeriod(state, spec, command.period);
      const step = spec.policy.ladder[command.step - 1];
      if (!step || period.report || !period.overdue || period.escalations.length !== command.step - 1) return [];
      const daysOverdue = daysBetween(period.due, shanghaiDate(command.now));
      return [
        {
          type: 'OverdueEscalated',
          version: 1,
          at,
          period: period.period,
          due: period.due,
          step: command.step,
          level: step.level,
          daysOverdue,
        },
      ];
    }

    default:
      return assertNever(command);
  }
}

function assign(spec: AssignmentSpec, at: string, state: AssignmentState): AssignmentEvent[] {
  if (state.status !== 'unassigned') {
    throw new DomainError('ALREADY_ASSIGNED', `任务 ${spec.ref} 已交办给 ${state.spec?.unit}`);
  }
  const sorted = [...spec.reportsDue].sort();
  if (sorted.some((due, i) => due !== spec.reportsDue[i] || due === sorted[i - 1])) {
    throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 的报送日期（reportsDue）须按先后排列且互不重复`);
  }
  const assignedOn = shanghaiDate(new Date(at));
  if (!spec.reportsDue.some((due) => due >= assignedOn)) {
    throw new DomainError(
      'INVALID_SPEC',
      `任务 ${spec.ref} 的报送日期（${listed(spec.reportsDue)}）都早于交办日 ${assignedOn}；` +
        `请给出 ${assignedOn} 及以后的报送日期`,
    );
  }
  const keys = spec.reportsDue.map(quarterKey);
  if (new Set(keys).size !== keys.length) {
    throw new DomainError('INVALID_SPEC', `任务 ${spec.ref} 在同一季度有两个报送日期；每季度只能有一个`);
  }
  return [{ type: 'TaskAssigned', version: 1, at, spec }];
}

function requireAssigned(state: AssignmentState): AssignmentSpec {
  if (!state.spec) throw new DomainError('NOT_ASSIGNED', '该任务尚未交办');
  return state.spec;
}

function requireUnit(spec: AssignmentSpec, unit: string): void {
  if (unit !== spec.unit) {
    throw new DomainError('WRONG_UNIT', `${unit}不是任务 ${spec.ref} 的责任单位；该任务的牵头单位是${spec.unit}`);
  }
}

function findPeriod(state: AssignmentState, spec: AssignmentSpec, key: string): PeriodState {
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
function periodToReport(
  state: AssignmentState,
  spec: AssignmentSpec,
  key: string | undefined,
  today: CalendarDate,
): PeriodState {
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
      const assignedOn = shanghaiDate(new Date(event.at));
      return {
        ...next,
        status: 'assigned',
        spec: event.spec,
        assignedAt: event.at,
        periods: event.spec.reportsDue
          .filter((due) => due >= assignedOn)
          .map((due) => ({ period: quarterKey(due), due, remindersSent: [], overdue: false, escalations: [] })),
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
      return withPeriod(next, event.period, (p) => ({ ...p, escalations: [...p.escalations, event.level] }));
    case 'TaskCompleted':
      return { ...next, status: 'completed', completedAt: event.at };
    default:
      return assertNever(event);
  }
}

function withPeriod(state: AssignmentState, key: string, change: (p: PeriodState) => PeriodState): AssignmentState {
  return { ...state, periods: state.periods.map((p) => (p.period === key ? change(p) : p)) };
}

/** Folds a stream of events into the state they lead to: the workflow's state, and an auditor's "as of". */
export function fold(events: readonly AssignmentEvent[], from: AssignmentState = initialState): AssignmentState {
  return events.reduce(evolve, from);
}

// ---------------------------------------------------------------------------------------------------------------
// the clock

export interface Alarm {
  at: Date;
  command: AlarmCommandWithoutTime;
}

/**
 * The earliest moment at which the clock alone would change this assignment, and the command to send then; none
 * once the task is completed or nothing is left to wait for. A reminder is worth sending only until the next one
 * (or the period's close) is due, and not at all when its time had passed before the task was assigned; closing a
 * period and escalating it always happen, however late the clock brings them. `now` (default: never stale) must
 * be the same instant `decide` gets, so that a reminder decide drops is one nextAlarm no longer offers.
 */
export function nextAlarm(state: AssignmentState, now?: Date): Alarm | undefined {
  if (state.status === 'completed' || state.status === 'unassigned' || !state.spec) return undefined;
  const { policy } = state.spec;
  const assignedAt = new Date(state.assignedAt ?? 0);
  let earliest: Alarm | undefined;
  for (const p of state.periods) {
    const alarm = periodAlarm(p, policy, assignedAt, now);
    if (alarm && (!earliest || alarm.at < earliest.at)) earliest = alarm;
  }
  return earliest;
}

/** When a reminder stops being worth sending: the advance one at the due-day one, the due-day one at the close. */
function reminderExpiry(p: PeriodState, policy: SupervisionPolicy, kind: 'advance' | 'due-day'): Date {
  return kind === 'advance' ? shanghaiInstant(p.due, policy.noticeTime) : shanghaiInstant(addDays(p.due, 1));
}

function periodAlarm(
  p: PeriodState,
  policy: SupervisionPolicy,
  assignedAt: Date,
  now: Date | undefined,
): Alarm | undefined {
  if (p.report) return undefined;
  if (!p.overdue) {
    const reminders: Array<{ kind: 'advance' | 'due-day'; at: Date }> = [
      { kind: 'advance', at: shanghaiInstant(addDays(p.due, -policy.reminderDaysBefore), policy.noticeTime) },
      { kind: 'due-day', at: shanghaiInstant(p.due, policy.noticeTime) },
    ];
    for (const r of reminders) {
      const wanted = r.kind === 'due-day' || policy.reminderDaysBefore > 0;
      const stale = now !== undefined && now >= reminderExpiry(p, policy, r.kind);
      if (wanted && !stale && !p.remindersSent.includes(r.kind) && r.at >= assignedAt) {
        return { at: r.at, command: { type: 'SendDeadlineReminder', period: p.period, kind: r.kind } };
      }
    }
    return { at: shanghaiInstant(addDays(p.due, 1)), command: { type: 'ClosePeriod', period: p.period } };
  }
  const step = p.escalations.length + 1;
  if (step > policy.ladder.length) return undefined;
  const daysAfterDue = policy.ladder.slice(0, step).reduce((days, s) => days + s.afterDays, 0);
  return {
    at: shanghaiInstant(addDays(p.due, daysAfterDue), policy.noticeTime),
    command: { type: 'EscalateOverdue', period: p.period, step },
  };
}

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
