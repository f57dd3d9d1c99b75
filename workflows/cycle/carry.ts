/**
 * What a cycle's workflow carries from one run to the next: into the run it continues as new with, and into a run
 * started again after one was ended from outside (terminated), where it is folded from the cycle's stored events.
 * Pure: the workflow imports it, and the API folds the event store with it.
 */
import type { WorkingCalendar } from '../../domain/working-days';
import type { BulletinSchedule, CycleEvent } from './events';
import type { CycleStatus, CycleView } from './messages';

/** What a cycle carries into its next run. */
export interface CycleCarry {
  status: CycleStatus;
  launched: number;
  started: number;
  existing: number;
  seq: number;
  schedule: BulletinSchedule[];
  bulletins: CycleView['bulletins'];
  paused?: CycleView['paused'];
  cancelled?: CycleView['cancelled'];
  /** When the cycle last resumed: a bulletin held back by the pause waits a little for the catch-up to be stored. */
  resumedAt?: string;
  /** The working-day calendar since it was last replaced (CycleCalendarUpdated); the launch's before. */
  calendar?: WorkingCalendar;
  /** When it was last replaced: a bulletin due by then waits a little for the assignments to count again. */
  recountedAt?: string;
}

/** A cycle about to be launched: nothing started, nothing issued. */
function launching(): CycleCarry {
  return { status: 'launching', launched: 0, started: 0, existing: 0, seq: 0, schedule: [], bulletins: [] };
}

/**
 * What event `seq` of the cycle's stream does to its state, in place: the workflow applies each event it records
 * with this, and `carryOf` folds a stored stream with it, so the two cannot tell the story differently.
 */
export function evolveCarry(carry: CycleCarry, seq: number, event: CycleEvent): void {
  carry.seq = seq;
  switch (event.type) {
    case 'CycleAssignmentsStarted':
      // every item of the table was either started or found running
      Object.assign(carry, {
        status: 'running',
        launched: event.started + event.existing,
        started: event.started,
        existing: event.existing,
        schedule: event.schedule,
      });
      return;
    case 'CyclePaused':
      carry.status = 'paused';
      carry.paused = { at: event.at, by: event.by, reason: event.reason };
      return;
    case 'CycleResumed':
      carry.status = 'running';
      carry.resumedAt = event.at;
      delete carry.paused;
      return;
    case 'CycleCancelled':
      carry.status = 'cancelled';
      carry.cancelled = { at: event.at, by: event.by, reason: event.reason };
      return;
    case 'CycleCalendarUpdated':
      carry.calendar = event.calendar;
      carry.schedule = event.schedule;
      carry.recountedAt = event.at;
      return;
    case 'BulletinIssued': {
      const label = carry.schedule.find((p) => p.key === event.period)?.label ?? event.bulletin.period.label;
      carry.bulletins.push({ period: event.period, label, issuedAt: event.at });
      return;
    }
    case 'CycleLaunched':
    case 'CycleNoticeSent':
      return;
  }
}

/**
 * The state a cycle's stored events leave it in, to start its workflow again from: `launched` counts as done only
 * once its assignments were all started (CycleAssignmentsStarted); before that, a launch taken up again starts the
 * batches again and counts what is already running. `seq` is the last event's, so the next one follows it in the
 * stream. No events: a cycle about to be launched.
 */
export function carryOf(events: ReadonlyArray<{ seq: number; event: CycleEvent }>): CycleCarry {
  const carry = launching();
  for (const { seq, event } of events) evolveCarry(carry, seq, event);
  return carry;
}
