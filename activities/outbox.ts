/**
 * The outbox: events are stored first (assignment_events) and published after, marked with published_at once Kafka
 * has acknowledged them. Two paths publish: the activity that stored a batch, right away, and the relay, for rows
 * that path left behind (a workflow terminated or reset between the commit and Kafka's answer).
 */
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { AssignmentEvent, RecordedEvent } from '../workflows/assignment/events';

export interface OutboxTarget {
  pool: Pool;
  producer: Producer;
  topic: string;
}

interface PendingRow {
  assignment_id: string;
  seq: number;
  payload: AssignmentEvent;
}

/** Publishes the given rows in their order (keyed by assignment, so each assignment's stay in order) and marks them. */
async function publishRows({ pool, producer, topic }: OutboxTarget, rows: PendingRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  await producer.connect(); // no-op while connected; reconnects after the broker came back
  await producer.send({
    topic,
    acks: -1,
    messages: rows.map(({ assignment_id: assignmentId, seq, payload }) => ({
      key: assignmentId,
      value: JSON.stringify({ assignmentId, seq, event: payload } satisfies RecordedEvent),
      headers: { type: payload.type, version: String(payload.version), seq: String(seq) },
    })),
  });
  await pool.query(
    `UPDATE assignment_events SET published_at = now()
     WHERE (assignment_id, seq) IN (SELECT * FROM unnest($1::text[], $2::int[])) AND published_at IS NULL`,
    [rows.map((r) => r.assignment_id), rows.map((r) => r.seq)],
  );
  return rows.length;
}

/** Publishes what of one stored batch Kafka does not have yet. */
export async function publishBatch(target: OutboxTarget, batch: RecordedEvent[]): Promise<void> {
  if (batch.length === 0) return;
  const { rows } = await target.pool.query<PendingRow>(
    `SELECT assignment_id, seq, payload FROM assignment_events
     WHERE assignment_id = $1 AND seq = ANY($2::int[]) AND published_at IS NULL ORDER BY seq`,
    [batch[0]!.assignmentId, batch.map((r) => r.seq)],
  );
  await publishRows(target, rows);
}

/**
 * Publishes events stored more than `olderThanMs` ago and still unpublished, oldest streams first; returns how many.
 * The age keeps the relay out of the way of activities that are publishing their own batch right now.
 */
export async function relayOutbox(target: OutboxTarget, { olderThanMs = 30_000, limit = 500 } = {}): Promise<number> {
  const { rows } = await target.pool.query<PendingRow>(
    `SELECT assignment_id, seq, payload FROM assignment_events
     WHERE published_at IS NULL AND recorded_at < now() - make_interval(secs => $1)
     ORDER BY assignment_id, seq LIMIT $2`,
    [olderThanMs / 1000, limit],
  );
  return publishRows(target, rows);
}

/** Runs the relay every `intervalMs` until stopped; a failed round is logged and tried again at the next. */
export function startOutboxRelay(target: OutboxTarget, intervalMs = 30_000): { stop: () => Promise<void> } {
  let round: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    round = round.then(async () => {
      try {
        const published = await relayOutbox(target);
        if (published > 0) console.log(`[outbox] published ${published} events left unpublished`);
      } catch (error) {
        console.warn(`[outbox] relay failed, will retry: ${(error as Error).message}`);
      }
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
