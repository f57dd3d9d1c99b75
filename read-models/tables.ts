/**
 * The read-model tables in PostgreSQL: loading the views of some streams, writing views back, the inbox, the
 * positions and the parked messages. Rows that cannot conflict go in with COPY; the others as one JSON array per
 * statement (json_populate_recordset), so a batch of any size is a handful of statements.
 */
import type { Pool, PoolClient } from 'pg';
import type { Bulletin } from '../domain/cycle/bulletin';
import { copyRows } from '../infra/pg-copy';
import { emptyView, type PublishedNotice, type StreamMessage, type StreamView } from './projection';

/** The tables a rebuild replaces, in the order they are emptied. */
export const READ_MODEL_TABLES = [
  'assignments',
  'progress_reports',
  'cooperations',
  'bulletins',
  'inbox',
  'read_model_positions',
  'read_model_parked',
  'read_model_unreadable',
] as const;

/**
 * The live projector and a rebuild take this advisory lock: each batch of the projector shared, the rebuild
 * exclusive from before it reads the topic until its tables are swapped in, so the two never interleave.
 */
export const READ_MODEL_LOCK = 'duban.read-models';

const CHUNK = 5_000;

async function insertRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  rows: Array<Record<string, unknown>>,
  conflict = '',
): Promise<void> {
  // Rows that cannot conflict (a rebuild's, or those of streams just deleted) go in with COPY: several times faster.
  if (!conflict) {
    await copyRows(
      client,
      table,
      columns,
      rows.map((row) => columns.map((column) => row[column])),
    );
    return;
  }
  const list = columns.join(', ');
  for (let i = 0; i < rows.length; i += CHUNK) {
    await client.query(
      `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(null::${table}, $1::json) ${conflict}`,
      [JSON.stringify(rows.slice(i, i + CHUNK))],
    );
  }
}

/**
 * The views of `streams` as stored, with their positions locked for this transaction (a stream seen for the first
 * time gets position 0): two projectors that both hold a stream's messages — during a rebalance — take turns.
 */
export async function loadViews(client: PoolClient, streams: string[]): Promise<Map<string, StreamView>> {
  await client.query(
    `INSERT INTO read_model_positions (stream, seq) SELECT unnest($1::text[]), 0 ON CONFLICT DO NOTHING`,
    [streams],
  );
  const { rows: positions } = await client.query<{ stream: string; seq: number }>(
    'SELECT stream, seq FROM read_model_positions WHERE stream = ANY($1) ORDER BY stream FOR UPDATE',
    [streams],
  );
  const views = new Map(positions.map((p) => [p.stream, emptyView(p.stream, p.seq)]));
  const assignments = await client.query(
    `SELECT assignment_id AS "assignmentId", task_id AS "taskId", ref, title, unit, deadline_text AS "deadlineText",
            to_char(due, 'YYYY-MM-DD') AS due, status, overdue_periods AS "overduePeriods", last_seq AS "lastSeq",
            updated_at AS "updatedAt", cycle_id AS "cycleId"
     FROM assignments WHERE assignment_id = ANY($1)`,
    [streams],
  );
  const reports = await client.query(
    `SELECT assignment_id AS "assignmentId", period, to_char(due, 'YYYY-MM-DD') AS due, unit, summary,
            percent_complete AS "percentComplete", late, submitted_at AS "submittedAt"
     FROM progress_reports WHERE assignment_id = ANY($1)`,
    [streams],
  );
  const cooperations = await client.query<{ assignmentId: string; unit: string }>(
    'SELECT assignment_id AS "assignmentId", unit FROM cooperations WHERE assignment_id = ANY($1)',
    [streams],
  );
  for (const row of assignments.rows) {
    const view = views.get(row.assignmentId as string);
    if (view) view.assignment = row;
  }
  for (const { assignmentId, ...report } of reports.rows)
    views.get(assignmentId as string)?.reports.set(report.period, report);
  for (const { assignmentId, unit } of cooperations.rows) views.get(assignmentId)?.cooperations.add(unit);
  return views;
}

/**
 * Writes `views` back with their positions. `fresh` (a rebuild into emptied tables) inserts only; otherwise each
 * view replaces what its stream had.
 */
export async function writeViews(client: PoolClient, views: StreamView[], fresh = false): Promise<void> {
  if (views.length === 0) return;
  const streams = views.map((v) => v.stream);
  if (!fresh) {
    await client.query('DELETE FROM progress_reports WHERE assignment_id = ANY($1)', [streams]);
    await client.query('DELETE FROM cooperations WHERE assignment_id = ANY($1)', [streams]);
  }
  const assignments = views.flatMap(({ assignment: a }) =>
    a
      ? [
          {
            assignment_id: a.assignmentId,
            task_id: a.taskId,
            ref: a.ref,
            title: a.title,
            unit: a.unit,
            deadline_text: a.deadlineText,
            due: a.due,
            status: a.status,
            overdue_periods: a.overduePeriods,
            last_seq: a.lastSeq,
            updated_at: a.updatedAt,
            cycle_id: a.cycleId,
          },
        ]
      : [],
  );
  await insertRows(
    client,
    'assignments',
    ASSIGNMENT_COLUMNS,
    assignments,
    fresh
      ? ''
      : `ON CONFLICT (assignment_id) DO UPDATE SET ${ASSIGNMENT_COLUMNS.slice(1)
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}`,
  );
  await insertRows(
    client,
    'progress_reports',
    ['assignment_id', 'period', 'due', 'unit', 'summary', 'percent_complete', 'late', 'submitted_at'],
    views.flatMap((v) =>
      [...v.reports.values()].map((r) => ({
        assignment_id: v.stream,
        period: r.period,
        due: r.due,
        unit: r.unit,
        summary: r.summary,
        percent_complete: r.percentComplete,
        late: r.late,
        submitted_at: r.submittedAt,
      })),
    ),
  );
  await insertRows(
    client,
    'cooperations',
    ['assignment_id', 'unit'],
    views.flatMap((v) => [...v.cooperations].map((unit) => ({ assignment_id: v.stream, unit }))),
  );
  await insertRows(
    client,
    'bulletins',
    ['cycle_id', 'period', 'issued_at', 'bulletin'],
    views.flatMap((v) =>
      [...v.bulletins.values()].map((b) => ({
        cycle_id: b.cycleId,
        period: b.period,
        issued_at: b.issuedAt,
        bulletin: b.bulletin satisfies Bulletin,
      })),
    ),
    'ON CONFLICT (cycle_id, period) DO NOTHING',
  );
  await insertRows(
    client,
    'read_model_positions',
    ['stream', 'seq', 'applied_at'],
    views.map((v) => ({ stream: v.stream, seq: v.seq, applied_at: new Date() })),
    fresh ? '' : 'ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, applied_at = excluded.applied_at',
  );
}

const ASSIGNMENT_COLUMNS = [
  'assignment_id',
  'task_id',
  'ref',
  'title',
  'unit',
  'deadline_text',
  'due',
  'status',
  'overdue_periods',
  'last_seq',
  'updated_at',
  'cycle_id',
] as const;

/** Puts notices in their recipients' inboxes; one already there (a repeated message) is left as it is. */
export async function writeInbox(client: PoolClient, notices: PublishedNotice[], fresh = false): Promise<void> {
  await insertRows(
    client,
    'inbox',
    ['key', 'recipient', 'assignment_id', 'seq', 'occurred_at', 'kind', 'subject', 'body'],
    notices.map((n) => ({
      key: n.key,
      recipient: n.recipient,
      assignment_id: n.assignmentId,
      seq: n.seq,
      occurred_at: n.at,
      kind: n.kind,
      subject: n.subject,
      body: n.body,
    })),
    fresh ? '' : 'ON CONFLICT (key) DO NOTHING',
  );
}

/** The messages of `streams` held back until their predecessor is applied. */
export async function loadParked(client: PoolClient, streams: string[]): Promise<StreamMessage[]> {
  const { rows } = await client.query<{ message: StreamMessage }>(
    'SELECT message FROM read_model_parked WHERE stream = ANY($1) ORDER BY stream, seq',
    [streams],
  );
  return rows.map((r) => r.message);
}

export async function writeParked(
  client: PoolClient,
  parked: StreamMessage[],
  released: Array<{ stream: string; seq: number }>,
): Promise<void> {
  if (released.length > 0) {
    await client.query(
      `DELETE FROM read_model_parked WHERE (stream, seq) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
      [released.map((r) => r.stream), released.map((r) => r.seq)],
    );
  }
  await insertRows(
    client,
    'read_model_parked',
    ['stream', 'seq', 'message', 'parked_at'],
    parked.map((m) => ({ stream: m.assignmentId, seq: m.seq, message: m, parked_at: new Date() })),
    'ON CONFLICT DO NOTHING',
  );
}

/**
 * Messages published before notices rode along carry none: their notices come from the event store's record of
 * them (`notices`), so the inbox built from an older topic is still whole.
 */
export async function fillStoredNotices(client: Pool | PoolClient, messages: StreamMessage[]): Promise<void> {
  const missing = messages.filter((m) => m.notices === undefined);
  if (missing.length === 0) return;
  const { rows } = await client.query<PublishedNotice & { at: Date }>(
    `SELECT key, assignment_id AS "assignmentId", seq, occurred_at AS at, recipient, kind, subject, body
     FROM notices WHERE (assignment_id, seq) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
    [missing.map((m) => m.assignmentId), missing.map((m) => m.seq)],
  );
  const byEvent = new Map<string, PublishedNotice[]>();
  for (const row of rows) {
    const id = `${row.assignmentId}#${row.seq}`;
    byEvent.set(id, [...(byEvent.get(id) ?? []), { ...row, at: new Date(row.at).toISOString() }]);
  }
  for (const m of missing) m.notices = byEvent.get(`${m.assignmentId}#${m.seq}`) ?? [];
}
