/**
 * How far behind the read models are: events stored but not yet applied (by position), the age of the oldest of
 * them, notices stored but not yet in the inbox, and messages held for a missing predecessor. `duban readmodels
 * status`, `GET /readmodels/status` and the API's Read-Model-Lag header say this.
 */
import type { Pool } from 'pg';

export interface ReadModelLag {
  /** Events in the event store that the read models have not applied. */
  events: number;
  /** When the oldest of them was stored. */
  oldestStoredAt?: Date;
  /** Its age in seconds, 0 when nothing is waiting. */
  seconds: number;
  /** Notices in the store's record that no inbox shows yet. */
  notices: number;
  /** Messages that came before their predecessor and wait for it. */
  parked: number;
  /** Messages the read models could not read (read_model_unreadable): a rebuild with a newer projector applies them. */
  unreadable: number;
}

/** The lag of every stream, or of those named (what a caller just changed). */
export async function readModelLag(db: Pool, streams?: string[]): Promise<ReadModelLag> {
  const only = streams ?? null;
  const [{ rows: events }, { rows: notices }, { rows: parked }, { rows: unreadable }] = await Promise.all([
    db.query<{ n: number; oldest: Date | null; seconds: number | null }>(
      `SELECT count(*)::int AS n, min(e.recorded_at) AS oldest,
              extract(epoch FROM now() - min(e.recorded_at))::float8 AS seconds
       FROM assignment_events e LEFT JOIN read_model_positions p ON p.stream = e.assignment_id
       WHERE e.seq > coalesce(p.seq, 0) AND ($1::text[] IS NULL OR e.assignment_id = ANY($1))`,
      [only],
    ),
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notices n
       WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.key = n.key) AND ($1::text[] IS NULL OR n.assignment_id = ANY($1))`,
      [only],
    ),
    db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM read_model_parked WHERE $1::text[] IS NULL OR stream = ANY($1)',
      [only],
    ),
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM read_model_unreadable'),
  ]);
  const e = events[0]!;
  return {
    events: e.n,
    ...(e.oldest && { oldestStoredAt: e.oldest }),
    seconds: Math.max(0, Math.round((e.seconds ?? 0) * 10) / 10),
    notices: notices[0]!.n,
    parked: parked[0]!.n,
    unreadable: unreadable[0]!.n,
  };
}

/** True when nothing of `streams` (or of anything) waits to be applied or delivered. */
export function caughtUp(lag: ReadModelLag): boolean {
  return lag.events === 0 && lag.notices === 0;
}

/** The Read-Model-Lag header's value: `events=3, notices=0, seconds=1.5`. */
export function lagHeader(lag: ReadModelLag): string {
  return `events=${lag.events}, notices=${lag.notices}, seconds=${lag.seconds}`;
}

/**
 * Waits until the read models have applied every stored event of `streams` and delivered their notices — they are
 * built from Kafka after the events are stored, not in the same transaction. Fails after `timeoutMs`, naming what it
 * waited for and how far behind the read models still were.
 */
export async function awaitReadModels(
  pool: Pool,
  streams: string[],
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await readModelLag(pool, streams);
    if (caughtUp(lag)) return;
    if (Date.now() > deadline) {
      const named = `${streams.slice(0, 3).join(', ')}${streams.length > 3 ? ` and ${streams.length - 3} more` : ''}`;
      throw new Error(
        `the read models of ${named} did not catch up within ${timeoutMs} ms: ${lag.events} events not applied, ` +
          `${lag.notices} notices not in the inbox, ${lag.parked} parked — is a projector running on the events topic?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
