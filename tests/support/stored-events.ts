/**
 * An event stream as the event store holds it, each event with its metadata and its link of the hash chain, in the
 * shape domain/audit/chain.ts checks: what an auditor reads back to see who did what, and whether it was changed.
 */
import type { Pool } from 'pg';
import type { EventMeta, StoredLink } from '../../domain/audit/chain';

export interface StoredEvent extends StoredLink {
  event: { type: string; [field: string]: unknown };
  meta: EventMeta | null;
}

export async function storedEvents(pool: Pool, streamId: string): Promise<StoredEvent[]> {
  const { rows } = await pool.query<{
    seq: number;
    payload: StoredEvent['event'];
    meta: EventMeta | null;
    prev_hash: string;
    hash: string;
  }>('SELECT seq, payload, meta, prev_hash, hash FROM assignment_events WHERE assignment_id = $1 ORDER BY seq', [
    streamId,
  ]);
  return rows.map((r) => ({
    assignmentId: streamId,
    seq: r.seq,
    event: r.payload,
    meta: r.meta,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
