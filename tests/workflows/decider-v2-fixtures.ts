/**
 * The version-2 assignment the decider tests share: an Ezhou item on 2017's working days (the State Council's 2017
 * and 2018 notices, hand-checked), and the clock run as the workflow runs it.
 */
import { shanghaiInstant } from '../../domain/calendar';
import type { WorkingCalendar } from '../../domain/working-days';
import {
  decide,
  fold,
  nextAlarm,
  type AssignmentCommand,
  type AssignmentState,
} from '../../workflows/assignment/decider';
import type { AssignmentEvent, AssignmentSpecV2 } from '../../workflows/assignment/events';
import { DEFAULT_POLICY } from '../../workflows/assignment/policy';

export const CALENDAR_2017: WorkingCalendar = {
  from: '2017-01-01',
  to: '2018-12-31',
  holidays: [
    '2017-01-02',
    '2017-01-27',
    '2017-01-30',
    '2017-01-31',
    '2017-02-01',
    '2017-02-02',
    '2017-04-03',
    '2017-04-04',
    '2017-05-01',
    '2017-05-29',
    '2017-05-30',
    '2017-10-02',
    '2017-10-03',
    '2017-10-04',
    '2017-10-05',
    '2017-10-06',
    '2018-01-01',
  ],
  workdays: ['2017-01-22', '2017-02-04', '2017-04-01', '2017-05-27', '2017-09-30'],
  unknownYears: [],
};

export const spec: AssignmentSpecV2 = {
  taskId: 'ezhou-2017:五.(二).29',
  ref: '五.(二).29',
  title: '开展重点产品质量提升行动',
  unit: '市质监局',
  coordinator: '市质强委办公室',
  deadlineText: '2017年12月底之前',
  due: '2017-12-31',
  cycleId: 'ezhou-2017',
  cooperating: ['市工商局', '市经信委'],
  periods: [
    { key: '2017-01', label: '2017年1月', due: '2017-01-26' },
    { key: '2017-Q3', label: '2017年第三季度', due: '2017-09-30' },
    { key: '2017-Q4', label: '2017年第四季度', due: '2017-12-31' },
  ],
  policy: { ...DEFAULT_POLICY, days: 'working' },
  calendar: CALENDAR_2017,
  lights: { yellowWhenLeft: 0.3 },
};

export const at = (date: string, time = '09:00') => shanghaiInstant(date, time);
export const iso = (date: string, time = '09:00') => at(date, time).toISOString();
export const assigned: AssignmentEvent = { type: 'TaskAssigned', version: 2, at: iso('2017-01-03', '10:00'), spec };

/**
 * Runs the clock from the state's last event until `until`, as the workflow does: each alarm when it is due, with
 * the time the workflow would give it (the alarm's own instant, or later when it came due while nothing ran).
 */
export function runClock(state: AssignmentState, until: Date): { state: AssignmentState; events: AssignmentEvent[] } {
  const events: AssignmentEvent[] = [];
  let now = new Date(state.lastEventAt!);
  for (let turns = 0; turns < 100; turns++) {
    const alarm = nextAlarm(state, now);
    if (!alarm || alarm.at > until) break;
    now = alarm.at > now ? alarm.at : now;
    const produced = decide({ ...alarm.command, now } as AssignmentCommand, state);
    state = fold(produced, state);
    events.push(...produced);
  }
  return { state, events };
}

/** What happened, as a coordinator reads a timeline: Beijing time, the event, its period and level. */
export function timeline(events: AssignmentEvent[]): string[] {
  return events.map((e) => {
    const when = new Date(new Date(e.at).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const detail =
      e.type === 'DeadlineReminderSent'
        ? `${e.period} ${e.kind}`
        : e.type === 'OverdueEscalated'
          ? `${e.period} ${e.level}`
          : 'period' in e
            ? e.period
            : '';
    return `${when} ${e.type} ${detail}`.trim();
  });
}
