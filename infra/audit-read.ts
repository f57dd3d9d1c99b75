/**
 * The audit's answers as the CLI (`duban audit timeline|as-of`) and the API (GET /assignments/:id/timeline|as-of)
 * both give them: the store read (audit-store.ts), then the pure reasoning of domain/audit/. One function each, so a
 * page and a command never disagree about the record.
 */
import type { Pool } from 'pg';
import { assignmentAsOf, type AsOfView } from '../domain/audit/as-of';
import { buildTimeline, type Timeline } from '../domain/audit/timeline';
import { assignmentsOf, noticesOf, streamEvents, streamsEvents } from './audit-store';

/** The timeline of a task (every assignment of it) or of one assignment; an unknown one is refused (UNKNOWN_TASK). */
export async function timelineOf(pool: Pool, taskOrAssignment: string): Promise<Timeline> {
  const ids = await assignmentsOf(pool, taskOrAssignment);
  const streams = await streamsEvents(pool, ids);
  const notices = await noticesOf(pool, ids);
  return buildTimeline(
    taskOrAssignment,
    ids.map((id) => streams.get(id) ?? []),
    notices,
  );
}

/** An assignment's state at `at`, judged against `now` (a moment not yet come is refused). */
export async function asOfOf(pool: Pool, assignmentId: string, at: Date, now: Date): Promise<AsOfView> {
  return assignmentAsOf(
    assignmentId,
    await streamEvents(pool, assignmentId),
    await noticesOf(pool, [assignmentId]),
    at,
    now,
  );
}
