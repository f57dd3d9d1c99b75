/**
 * What the API reads from PostgreSQL's read models, one query each, beside nothing else: the routes never hold SQL.
 * The read models are built from the events topic after the events are stored (read-models/projector.ts), so each
 * answer that reads them says how far behind they are (ReadModelLagGauge, the Read-Model-Lag header).
 */
import type { Pool } from 'pg';
import type { Bulletin } from '../domain/cycle/bulletin';
import { readModelLag, type ReadModelLag } from '../read-models/status';

/**
 * How far behind the read models are, measured at most once a `maxAgeMs` and shared by the requests in between: the
 * measure counts unapplied events over the whole store, too much to repeat for every request under load.
 */
export class ReadModelLagGauge {
  private last?: { at: number; lag: Promise<ReadModelLag> };

  constructor(
    private readonly pool: Pool,
    private readonly maxAgeMs = 1_000,
  ) {}

  current(): Promise<ReadModelLag> {
    const now = Date.now();
    if (!this.last || now - this.last.at > this.maxAgeMs) {
      const lag = readModelLag(this.pool);
      this.last = { at: now, lag };
      lag.catch(() => (this.last = undefined));
    }
    return this.last.lag;
  }
}

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

export interface SupportedItem {
  assignmentId: string;
  ref: string;
  title: string;
  /** The lead unit (牵头单位) the cooperating unit supports. */
  leadUnit: string;
  status: string;
  due: string;
  deadlineText: string;
}

/** The items a cooperating unit (配合单位) supports, those still running first, then by due date. */
export async function supportedBy(pool: Pool, unit: string, limit = 500): Promise<SupportedItem[]> {
  const { rows } = await pool.query<SupportedItem>(
    `SELECT a.assignment_id AS "assignmentId", a.ref, a.title, a.unit AS "leadUnit", a.status,
            to_char(a.due, 'YYYY-MM-DD') AS due, a.deadline_text AS "deadlineText"
     FROM cooperations c JOIN assignments a USING (assignment_id)
     WHERE c.unit = $1
     ORDER BY a.status IN ('completed', 'cancelled', 'reassigned'), a.due, a.assignment_id LIMIT $2`,
    [unit, limit],
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
