/**
 * What the audit commands read from PostgreSQL: a stream's events as stored (payload, metadata, hash chain), the
 * notices that went out for them, a task's assignments, and what a cycle was launched from. Reads only; the pure
 * reasoning over them is in domain/audit/.
 */
import type { Pool, PoolClient } from 'pg';
import type { EventMeta } from '../domain/audit/chain';
import { AuditError } from '../domain/audit/errors';
import type { NoticeDelivery, SentNotice, StoredEvent } from '../domain/audit/records';
import type { AssignmentEvent } from '../workflows/assignment/events';
import type { CycleEvent } from '../workflows/cycle/events';

type Db = Pool | PoolClient;

interface EventRow {
  assignment_id: string;
  seq: number;
  payload: AssignmentEvent | CycleEvent;
  meta: EventMeta | null;
  prev_hash: string | null;
  hash: string | null;
  recorded_at: Date;
}

const toStored = (r: EventRow): StoredEvent => ({
  assignmentId: r.assignment_id,
  seq: r.seq,
  event: r.payload,
  meta: r.meta,
  prevHash: r.prev_hash,
  hash: r.hash,
  recordedAt: r.recorded_at.toISOString(),
});

/**
 * The events of some streams, each stream in its order. The payload is returned exactly as stored — not parsed, which
 * would drop or normalise fields and hide an edit from the hash chain.
 */
export async function streamsEvents(db: Db, streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
  const { rows } = await db.query<EventRow>(
    `SELECT assignment_id, seq, payload, meta, prev_hash, hash, recorded_at FROM assignment_events
     WHERE assignment_id = ANY($1::text[]) ORDER BY assignment_id, seq`,
    [streamIds],
  );
  const streams = new Map<string, StoredEvent[]>(streamIds.map((id) => [id, []]));
  for (const row of rows) streams.get(row.assignment_id)!.push(toStored(row));
  return streams;
}

/** An assignment's events as stored, in order, for the decider's fold: none for an assignment not stored. */
export async function assignmentEventsOf(db: Db, assignmentId: string): Promise<AssignmentEvent[]> {
  const stored = (await streamsEvents(db, [assignmentId])).get(assignmentId) ?? [];
  return stored.map((e) => e.event as AssignmentEvent);
}

/** One stream's events; an unknown stream is refused with its id. */
export async function streamEvents(db: Db, streamId: string): Promise<StoredEvent[]> {
  const events = (await streamsEvents(db, [streamId])).get(streamId) ?? [];
  if (events.length === 0) throw unknownStream(streamId);
  return events;
}

/** Refuses a stream the event store has no event of, before anything slower is started for it. */
export async function requireStream(db: Db, streamId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM assignment_events WHERE assignment_id = $1 AND seq = 1', [
    streamId,
  ]);
  if (rowCount !== 1) throw unknownStream(streamId);
}

function unknownStream(streamId: string): AuditError {
  return new AuditError(
    'UNKNOWN_ASSIGNMENT',
    `没有督办事项 ${streamId}：事件库中没有它的任何事件，请核对编号（如 ezhou-2017:五.(二).29:市质监局）`,
  );
}

/**
 * The notices that went out for the events of some streams, from the event store's own append-only record of them
 * (`notices`, written in the transaction that stores the event): never the inbox, a read model that may lag behind
 * the topic or be in the middle of a rebuild.
 */
export async function noticesOf(db: Db, streamIds: readonly string[]): Promise<SentNotice[]> {
  const { rows } = await db.query<{
    key: string;
    assignment_id: string;
    seq: number;
    recipient: string;
    kind: string;
    subject: string;
    occurred_at: Date;
  }>(
    `SELECT key, assignment_id, seq, recipient, kind, subject, occurred_at FROM notices
     WHERE assignment_id = ANY($1::text[]) ORDER BY assignment_id, seq, key`,
    [streamIds],
  );
  const deliveries = await deliveriesOf(
    db,
    rows.map((r) => r.key),
  );
  return rows.map((r) => ({
    assignmentId: r.assignment_id,
    seq: r.seq,
    recipient: r.recipient,
    kind: r.kind,
    subject: r.subject,
    at: r.occurred_at.toISOString(),
    ...(deliveries.has(r.key) && { deliveries: deliveries.get(r.key)! }),
  }));
}

/** The delivery outcomes of some notices, by notice key, each notice's in the order they happened. */
async function deliveriesOf(db: Db, noticeKeys: readonly string[]): Promise<Map<string, NoticeDelivery[]>> {
  const { rows } = await db.query<{
    notice_key: string;
    channel: string;
    address: string;
    outcome: NoticeDelivery['outcome'];
    at: Date;
    detail: string;
  }>(
    `SELECT notice_key, channel, address, outcome, at, detail FROM delivery_outcomes
     WHERE notice_key = ANY($1::text[]) ORDER BY at, id`,
    [noticeKeys],
  );
  const byNotice = new Map<string, NoticeDelivery[]>();
  for (const { notice_key: key, at, ...rest } of rows) {
    byNotice.set(key, [...(byNotice.get(key) ?? []), { ...rest, at: at.toISOString() }]);
  }
  return byNotice;
}

/**
 * What a timeline covers: an assignment id gives that assignment; a task id gives every assignment of the task (one
 * per lead unit, and each successor after 改派), in the order they were assigned. Neither: UNKNOWN_TASK.
 */
export async function assignmentsOf(db: Db, taskOrAssignment: string): Promise<string[]> {
  const direct = await db.query('SELECT 1 FROM assignment_events WHERE assignment_id = $1 AND seq = 1', [
    taskOrAssignment,
  ]);
  if (direct.rowCount === 1) return [taskOrAssignment];
  const { rows } = await db.query<{ assignment_id: string }>(
    `SELECT assignment_id FROM assignment_events
     WHERE seq = 1 AND payload -> 'spec' ->> 'taskId' = $1 ORDER BY occurred_at, assignment_id`,
    [taskOrAssignment],
  );
  if (rows.length === 0) {
    throw new AuditError(
      'UNKNOWN_TASK',
      `没有任务或督办事项 ${taskOrAssignment}：请给出任务编号（如 ezhou-2017:五.(二).29）或督办事项编号（再加 :牵头单位）`,
    );
  }
  return rows.map((r) => r.assignment_id);
}

export interface CycleRecord {
  cycleId: string;
  title: string;
  coordinator: string;
  config: unknown;
  tableHash: string;
  items: number;
  launchedBy: string;
  launchedAt: string;
  /** The plan as launched; null for cycles launched before migration 011 kept it. */
  plan: unknown;
  planSource: string | null;
  /** The task table as launched: one row per item × lead unit, with the spec its assignment was started with. */
  table: Array<{ position: number; assignmentId: string; ref: string; unit: string; spec: unknown }>;
}

/** A cycle as it was launched, with its task table; an unknown cycle is refused with its name. */
export async function cycleRecord(db: Db, cycleId: string): Promise<CycleRecord> {
  const { rows } = await db.query<{
    cycle_id: string;
    title: string;
    coordinator: string;
    config: unknown;
    table_hash: string;
    items: number;
    launched_by: string;
    launched_at: Date;
    plan: unknown;
    plan_source: string | null;
  }>('SELECT * FROM cycles WHERE cycle_id = $1', [cycleId]);
  const row = rows[0];
  if (!row)
    throw new AuditError(
      'UNKNOWN_CYCLE',
      `没有督办周期 ${cycleId}：请核对周期名称（duban cycle launch --cycle 所用的名称）`,
    );
  const items = await db.query<{ position: number; assignment_id: string; ref: string; unit: string; spec: unknown }>(
    'SELECT position, assignment_id, ref, unit, spec FROM cycle_items WHERE cycle_id = $1 ORDER BY position',
    [cycleId],
  );
  return {
    cycleId: row.cycle_id,
    title: row.title,
    coordinator: row.coordinator,
    config: row.config,
    tableHash: row.table_hash,
    items: row.items,
    launchedBy: row.launched_by,
    launchedAt: row.launched_at.toISOString(),
    plan: row.plan,
    planSource: row.plan_source,
    table: items.rows.map((r) => ({
      position: r.position,
      assignmentId: r.assignment_id,
      ref: r.ref,
      unit: r.unit,
      spec: r.spec,
    })),
  };
}
