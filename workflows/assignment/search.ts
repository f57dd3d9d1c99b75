/**
 * What an assignment shows Temporal's visibility: its cycle, unit, status, light and next due date, so the Temporal
 * UI and `duban cycle status` filter assignments by them without scanning. Pure: the starter of an assignment gives
 * them to the start, and the workflow upserts what this gives whenever it changes.
 */
import type { SearchAttributePair, SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import { shanghaiInstant } from '../../domain/calendar';
import {
  DUBAN_CYCLE,
  DUBAN_LIGHT,
  DUBAN_NEXT_DUE,
  DUBAN_SEARCH_ATTRIBUTES,
  DUBAN_STATUS,
  DUBAN_UNIT,
} from '../../infra/search-attributes';
import {
  decide,
  fold,
  initialState,
  isClosed,
  isSpecV2,
  lightOf,
  type AnySpec,
  type AssignmentState,
  type Handover,
} from './decider';

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

/**
 * What an assignment shows as it is assigned at `now`: the attributes its starter gives the start, so that the
 * server writes them with the run's first visibility record and the workflow's first task has nothing to upsert
 * (it upserts only what differs from what its run was started with).
 */
export function assignedSearchAttributes(spec: AnySpec, now: Date, handover?: Handover): SearchAttributePair[] {
  // Version 1 shows nothing: its workflow never upserts, and its recorded histories must replay as recorded.
  if (!isSpecV2(spec)) return [];
  const assigned = fold(decide({ type: 'AssignTask', now, spec, ...(handover && { handover }) }, initialState));
  // A start gives values only; an absent one reads as the null an upsert would give (searchText).
  return searchAttributesOf(assigned, now).filter((pair): pair is SearchAttributePair => pair.value !== null);
}

/** What attributes say, as text to compare: each of the five in order, absent as null, instants as ISO text. */
export function searchText(attributes: SearchAttributeUpdatePair[] | TypedSearchAttributes): string {
  const pairs: Array<{ key: { name: string }; value: unknown }> = Array.isArray(attributes)
    ? attributes
    : attributes.getAll();
  return JSON.stringify(
    DUBAN_SEARCH_ATTRIBUTES.map(({ name }) => {
      const value = pairs.find((pair) => pair.key.name === name)?.value;
      return value instanceof Date ? value.toISOString() : (value ?? null);
    }),
  );
}
