/**
 * When a cycle issues each period's bulletin: after the period's last escalation step, on the working day that step
 * falls on, at the end of the office day. Pure: the cycle workflow and the tests compute it alike.
 */
import { addDays, shanghaiInstant, type CalendarDate } from '../../domain/calendar';
import { addWorkingDays } from '../../domain/working-days';
import type { SupervisionPolicyV2 } from '../assignment/events';
import type { CycleConfig } from './events';

/** The end of the office day, when a bulletin goes out (after the morning's 通报). */
export const BULLETIN_TIME = '17:00';

/** The day of a period's last ladder step, for the latest due date any assignment has in it. */
export function lastStepDay(policy: SupervisionPolicyV2, calendar: CycleConfig['calendar'], lastDue: CalendarDate) {
  const days = policy.ladder.reduce((sum, step) => sum + step.afterDays, 0);
  return policy.days === 'calendar' ? addDays(lastDue, days) : addWorkingDays(calendar, lastDue, days);
}

export function bulletinInstant(config: Pick<CycleConfig, 'policy' | 'calendar'>, lastDue: CalendarDate): Date {
  const day = lastStepDay(config.policy, config.calendar, lastDue);
  const time = config.policy.noticeTime >= BULLETIN_TIME ? '23:00' : BULLETIN_TIME;
  return shanghaiInstant(day, time);
}
