/**
 * What the API reads from PostgreSQL's read models, one query each, beside nothing else: the routes never hold SQL.
 */
import type { Pool } from 'pg';
import type { Bulletin } from '../domain/cycle/bulletin';

export interface InboxNotice {
  occurredAt: Date;
  kind: string;
  subject: string;
  body: string;
  assignmentId: string;
}

/** A recipient's latest notices, newest first, at most `limit` of them. */
export async function inboxOf(pool: Pool, recipient: string, limit = 500): Promise<InboxNotice[]> {
  const { rows } = await pool.query<InboxNotice>(
    `SELECT occurred_at AS "occurredAt", kind, subject, body, assignment_id AS "assignmentId"
     FROM inbox WHERE recipient = $1 ORDER BY occurred_at DESC, seq DESC LIMIT $2`,
    [recipient, limit],
  );
  return rows;
}

/** The bulletins a cycle issued, oldest first. */
export async function bulletinsOf(pool: Pool, cycleId: string): Promise<Bulletin[]> {
  const { rows } = await pool.query<{ bulletin: Bulletin }>(
    'SELECT bulletin FROM bulletins WHERE cycle_id = $1 ORDER BY issued_at, period',
    [cycleId],
  );
  return rows.map((r) => r.bulletin);
}
