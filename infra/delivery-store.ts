/**
 * Where each delivery stands, for the coordinator (`duban deliveries`, GET /deliveries): the latest outcome of every
 * notice on every channel and address (a notice sent in a digest counts as sent), from the append-only
 * `delivery_outcomes`, with the notice it carried. Failed ones first of all:
 * a failed channel is what the coordinator acts on (a wrong address in the unit directory, a robot removed from its
 * group chat).
 */
import type { Pool } from 'pg';
import type { DeliveryOutcomeKind } from '../workflows/delivery/messages';

export const DELIVERY_STATES: readonly DeliveryOutcomeKind[] = ['held', 'digest', 'sent', 'failed'];

export interface DeliveryFilter {
  /** Only deliveries whose latest outcome is this. */
  state?: DeliveryOutcomeKind;
  /** Only deliveries to this recipient (a unit, "<unit>主要负责人", the coordinator's office). */
  recipient?: string;
  assignmentId?: string;
  limit?: number;
}

export interface DeliveryState {
  deliveryId: string;
  noticeKey: string;
  assignmentId: string;
  recipient: string;
  subject: string;
  channel: string;
  address: string;
  state: DeliveryOutcomeKind;
  /** ISO: the latest outcome's time (the delivery workflow's). */
  at: string;
  detail: string;
}

export async function listDeliveries(pool: Pool, filter: DeliveryFilter = {}): Promise<DeliveryState[]> {
  const { rows } = await pool.query<{
    delivery_id: string;
    notice_key: string;
    assignment_id: string;
    recipient: string;
    subject: string;
    channel: string;
    address: string;
    outcome: DeliveryOutcomeKind;
    at: Date;
    detail: string;
  }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (o.notice_key, o.channel, o.address)
              o.delivery_id, o.notice_key, n.assignment_id, o.recipient, n.subject, o.channel, o.address, o.outcome,
              o.at, o.detail
       FROM delivery_outcomes o JOIN notices n ON n.key = o.notice_key
       WHERE ($1::text IS NULL OR o.recipient = $1) AND ($2::text IS NULL OR n.assignment_id = $2)
       ORDER BY o.notice_key, o.channel, o.address, (o.outcome = 'sent') DESC, o.at DESC, o.id DESC) latest
     WHERE $3::text IS NULL OR outcome = $3
     ORDER BY at DESC, delivery_id
     LIMIT $4`,
    [filter.recipient ?? null, filter.assignmentId ?? null, filter.state ?? null, filter.limit ?? 200],
  );
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    noticeKey: r.notice_key,
    assignmentId: r.assignment_id,
    recipient: r.recipient,
    subject: r.subject,
    channel: r.channel,
    address: r.address,
    state: r.outcome,
    at: r.at.toISOString(),
    detail: r.detail,
  }));
}

/** How many deliveries stand in each state: the line a coordinator reads first. */
export async function deliveryCounts(pool: Pool): Promise<Record<DeliveryOutcomeKind, number>> {
  const { rows } = await pool.query<{ outcome: DeliveryOutcomeKind; n: number }>(
    `SELECT outcome, count(*)::int AS n FROM (
       SELECT DISTINCT ON (notice_key, channel, address) outcome FROM delivery_outcomes
       ORDER BY notice_key, channel, address, (outcome = 'sent') DESC, at DESC, id DESC) latest
     GROUP BY outcome`,
  );
  const counts = { held: 0, digest: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.outcome] = r.n;
  return counts;
}
