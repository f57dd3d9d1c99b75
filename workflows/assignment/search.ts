/**
 * What an assignment shows Temporal's visibility: its cycle, unit, status, light and next due date, so the Temporal
 * UI and `duban cycle status` filter assignments by them without scanning. Pure: the workflow upserts what this
 * gives whenever it changes.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { shanghaiInstant } from '../../domain/calendar';
import { DUBAN_CYCLE, DUBAN_LIGHT, DUBAN_NEXT_DUE, DUBAN_STATUS, DUBAN_UNIT } from '../../infra/search-attributes';
import { isClosed, lightOf, type AssignmentState } from './decider';

/** 'paused' while the clock is stopped; otherwise the state's status. */
export function searchStatus(state: AssignmentState): string {
  return state.paused && !isClosed(state) ? 'paused' : state.status;
}

/** The attributes for the state at `now`; the next due date is the start of the earliest unreported period's day. */
export function searchAttributesOf(state: AssignmentState, now: Date): SearchAttributeUpdatePair[] {
  const spec = state.spec;
  if (!spec) return [];
  const next = state.periods.find((p) => !p.report);
  return [
    ...(spec.cycleId ? [{ key: DUBAN_CYCLE, value: spec.cycleId }] : []),
    { key: DUBAN_UNIT, value: spec.unit },
    { key: DUBAN_STATUS, value: searchStatus(state) },
    { key: DUBAN_LIGHT, value: lightOf(state, now) },
    { key: DUBAN_NEXT_DUE, value: next ? shanghaiInstant(next.due) : null },
  ];
}
