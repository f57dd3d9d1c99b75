/**
 * What the API reads from PostgreSQL's read models, one query each, beside nothing else: the routes never hold SQL.
 */
import type { Pool } from 'pg';

export interface InboxNotice {
  occurredAt: Date;
  kind: string;
  subject: string;
  body: string;
  assignmentId: string;
}

/** A recipient's notices, oldest first, at most `limit` of them. */
export async function inboxOf(pool: Pool, recipient: string, limit = 500): Promise<InboxNotice[]> {
  const { rows } = await pool.query<InboxNotice>(
    `SELECT occurred_at AS "occurredAt", kind, subject, body, assignment_id AS "assignmentId"
     FROM inbox WHERE recipient = $1 ORDER BY occurred_at, seq LIMIT $2`,
    [recipient, limit],
  );
  return rows;
}
