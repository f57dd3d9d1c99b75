/**
 * Chains stored events that have no hash yet: the rows stored before the hash chain existed (migration 009), in
 * each stream's order, with the same `eventHash` the appender uses. Runs inside migrate(), under its lock, so two
 * processes starting together never chain a stream twice.
 */
import type { PoolClient } from 'pg';
import { eventHash, GENESIS_HASH, type EventMeta } from '../domain/audit/chain';

interface Row {
  assignment_id: string;
  seq: number;
  payload: unknown;
  meta: EventMeta | null;
  hash: string | null;
}

/** Chains every stream that has unchained events; returns how many events it chained. */
export async function chainUnchainedEvents(client: PoolClient): Promise<number> {
  let chained = 0;
  for (;;) {
    const { rows } = await client.query<{ assignment_id: string }>(
      'SELECT DISTINCT assignment_id FROM assignment_events WHERE hash IS NULL LIMIT 500',
    );
    if (rows.length === 0) return chained;
    for (const { assignment_id } of rows) chained += await chainStream(client, assignment_id);
  }
}

/** Chains one stream's unchained events, from the last chained one (or the genesis value) on. */
export async function chainStream(client: PoolClient, assignmentId: string): Promise<number> {
  const { rows } = await client.query<Row>(
    `SELECT assignment_id, seq, payload, meta, hash FROM assignment_events
     WHERE assignment_id = $1 AND seq >= coalesce(
       (SELECT max(seq) FROM assignment_events WHERE assignment_id = $1 AND hash IS NOT NULL), 1)
     ORDER BY seq`,
    [assignmentId],
  );
  let previous = GENESIS_HASH;
  const seqs: number[] = [];
  const prevHashes: string[] = [];
  const hashes: string[] = [];
  for (const row of rows) {
    if (row.hash !== null) {
      previous = row.hash;
      continue;
    }
    const hash = eventHash(previous, {
      assignmentId: row.assignment_id,
      seq: row.seq,
      event: row.payload,
      meta: row.meta,
    });
    seqs.push(row.seq);
    prevHashes.push(previous);
    hashes.push(hash);
    previous = hash;
  }
  if (seqs.length === 0) return 0;
  await client.query(
    `UPDATE assignment_events e SET prev_hash = c.prev_hash, hash = c.hash
     FROM unnest($2::int[], $3::text[], $4::text[]) AS c(seq, prev_hash, hash)
     WHERE e.assignment_id = $1 AND e.seq = c.seq`,
    [assignmentId, seqs, prevHashes, hashes],
  );
  return seqs.length;
}
