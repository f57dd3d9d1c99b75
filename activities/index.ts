/**
 * The activities, built from their dependencies (samples-typescript `activities-dependency-injection`): the worker
 * passes real clients, and tests pass the same real clients pointed at the local stack.
 *
 * Recording an event is storing it: the event with who made it happen and its link of the stream's hash chain, its
 * outbox row and the notices that went out with it are written in one transaction, and the activity returns. Only the
 * outbox relay (worker/outbox-relay.ts) publishes to Kafka, so an update never waits for Kafka and no two publishers
 * send the same row; the read models (the inbox among them) are built from the topic by read-models/projector.ts.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { eventHash, GENESIS_HASH } from '../domain/audit/chain';
import { chainStream } from '../infra/event-chain';
import { columnsOf, isPermanentPgError, withTransaction } from '../infra/postgres';
import type { RecordedEvent } from '../workflows/assignment/events';
import type { Notice } from '../workflows/assignment/notices';
import { opens, type Opening } from '../workflows/assignment/opening';
import type { RecordedCycleEvent } from '../workflows/cycle/events';
import { createCycleActivities, type TemporalTarget } from './cycle';
import { createDeliveryActivities } from './delivery';
import type { Sender } from '../infra/notify';
import { StreamHeads } from './stream-heads';
import type { Activities } from './types';

export type { Activities } from './types';

/** The channel the relay listens on; a NOTIFY is delivered when the transaction that sent it commits. */
export const OUTBOX_CHANNEL = 'duban_outbox';

export interface ActivityDependencies {
  pool: Pool;
  /** The Kafka topic the stored events are to be published to; each outbox row names it. */
  topic: string;
  /** Where a cycle starts and messages its assignments: the worker's own server and task queue. */
  temporal?: TemporalTarget;
  /** The channels notices are delivered on (email over SMTP, webhooks): infra/notify's createSender. */
  sender?: Sender;
  /**
   * Whether the notices stored go to the delivery queue, for the worker's dispatcher to send to their recipients'
   * channels (the default). A simulation's do not: its year is not real, and its units are real units with real
   * addresses in the directory (api/simulation.ts). Its notices are still recorded, and reach the inboxes.
   */
  queueDeliveries?: boolean;
}

export function createActivities({
  pool,
  topic,
  temporal,
  sender,
  queueDeliveries = true,
}: ActivityDependencies): Activities {
  const heads = new StreamHeads();
  const storeBatch = <E extends RecordedEvent | RecordedCycleEvent>(batch: E[], notices: Notice[]) =>
    storeWithNotices({ pool, topic, queueDeliveries, heads }, batch, notices);
  const storeOpenings = openingStore({ pool, topic, queueDeliveries, heads });
  return {
    ...createCycleActivities({ pool, storeOpenings, ...(temporal && { temporal }) }),
    ...createDeliveryActivities({ pool, ...(sender && { sender }), ...(temporal && { temporal }) }),
    async recordEvents(batch, notices = []) {
      await storeBatch(batch, notices);
    },

    async storeEvents(batch, notices = []) {
      return storeBatch(batch, notices);
    },

    async deliverNotices(notices) {
      if (notices.length === 0) return;
      const recorded = await permanentFailuresStop(() =>
        withTransaction(pool, async (client) => {
          const fresh = await recordNotices(client, notices, queueDeliveries);
          await republishWithNotices(client, topic, fresh);
          return fresh;
        }),
      );
      for (const n of recorded) log.debug(`[通知] → ${n.recipient} ${n.subject}`, { key: n.key });
    },
  };
}

/**
 * The store of a launch's openings, for those who start assignments as a launch does (activities/cycle.ts,
 * `startAssignments`); the activities share theirs with their own stores, so that it knows the heads it wrote.
 */
export function openingStore({
  pool,
  topic,
  queueDeliveries = true,
  heads = new StreamHeads(),
}: Pick<StoreContext, 'pool' | 'topic'> & Partial<StoreContext>): (
  openings: Opening[],
) => Promise<Map<string, RecordedEvent>> {
  return (openings) => storeOpeningsAtOnce({ pool, topic, queueDeliveries, heads }, openings);
}

interface StoreContext {
  pool: Pool;
  topic: string;
  queueDeliveries: boolean;
  heads: StreamHeads;
}

/**
 * A batch of events, their outbox rows and the notices they send, in one transaction. Returns the events as stored:
 * the batch, with any event an earlier attempt of the same workflow task stored first in place of its retelling.
 *
 * Nearly every batch is new and follows the head of its stream, and goes in one statement (`appendAtOnce`). Anything
 * else — a retried store, a retelling, a stream an older worker left unchained, a head this worker has not seen — is
 * looked at event by event in a transaction (`store`).
 */
async function storeWithNotices<E extends RecordedEvent | RecordedCycleEvent>(
  { pool, topic, queueDeliveries, heads }: StoreContext,
  batch: E[],
  notices: Notice[],
): Promise<E[]> {
  if (batch.length === 0) return batch;
  return permanentFailuresStop(async () => {
    const appended = await appendAtOnce(pool, topic, heads, batch, notices, queueDeliveries);
    if (appended) return batch;
    const { stored, hashes } = await withTransaction(pool, async (client) => {
      const written = await store(client, topic, batch);
      await recordNotices(client, notices, queueDeliveries);
      return written;
    });
    for (const [stream, head] of hashes) heads.remember(stream, head.seq, head.hash); // committed: the heads are stored
    return stored;
  });
}

/**
 * Appends a new batch of one stream, with its outbox rows and its notices, in one statement: one round trip where a
 * reminder took six in a transaction (BEGIN, the hash before it, the event, NOTIFY, the notices, COMMIT). The worker
 * spends 0.25 ms of CPU on such a store against 0.55 ms (1,000 reminders, 20 at once, on the local stack).
 *
 * The statement appends only if none of the batch's events is stored yet and the event before the first is stored
 * with the hash the batch chains from, so the chain is exactly what `store` would write. When either does not hold it
 * appends nothing and answers false, and so does a concurrent attempt that stores the same events first (the events'
 * primary key refuses the whole statement); the caller then looks in a transaction. The hash before the batch comes
 * from what this worker stored last in the stream, or else from the store.
 */
async function appendAtOnce(
  pool: Pool,
  topic: string,
  heads: StreamHeads,
  batch: Array<RecordedEvent | RecordedCycleEvent>,
  notices: Notice[],
  queueDeliveries: boolean,
): Promise<boolean> {
  const stream = batch[0]!.assignmentId;
  const first = batch[0]!.seq;
  if (!batch.every((recorded, i) => recorded.assignmentId === stream && recorded.seq === first + i)) return false;
  const before =
    first === 1 ? GENESIS_HASH : (heads.hashOf(stream, first - 1) ?? (await hashAsStored(pool, stream, first - 1)));
  if (before === undefined) return false;
  let hash = before;
  const rows = batch.map((recorded) => {
    const row = chainedRow(recorded, hash);
    hash = row.hash;
    return row;
  });
  const withNotices = notices.length > 0;
  try {
    const { rows: answer } = await pool.query<{ appended: number }>({
      ...appendStatement(withNotices, withNotices && queueDeliveries),
      values: [
        stream,
        JSON.stringify(rows),
        first,
        first + batch.length - 1,
        before,
        topic,
        OUTBOX_CHANNEL,
        ...noticeColumns(notices),
      ],
    });
    if (answer[0]?.appended !== batch.length) return false;
  } catch (error) {
    if ((error as { constraint?: unknown }).constraint === 'assignment_events_pkey') return false;
    throw error;
  }
  heads.remember(stream, first + batch.length - 1, hash);
  return true;
}

/**
 * An event as the append statements read it (`jsonb_to_recordset`, which takes the columns it names): its columns and
 * its link of the chain, from the hash of the event before it.
 */
function chainedRow({ assignmentId, seq, event, meta }: RecordedEvent | RecordedCycleEvent, prevHash: string) {
  return {
    assignmentId,
    seq,
    type: event.type,
    version: event.version,
    at: event.at,
    payload: event,
    meta: meta ?? null,
    prevHash,
    hash: eventHash(prevHash, { assignmentId, seq, event, meta }),
  };
}

/**
 * The statement `appendAtOnce` sends: $1 the stream, $2 its events as a JSON array, $3..$4 their seqs, $5 the hash
 * before them, $6 the outbox's topic, $7 the relay's channel, and $8..$15 the notices' columns when there are any.
 * Its data-modifying parts all run, and see the same snapshot; the NOTIFY goes out when it commits.
 *
 * Named, so each connection parses and plans each of its three shapes once rather than at every store: nearly every
 * event the workflows store goes through it.
 */
function appendStatement(withNotices: boolean, queueDeliveries: boolean): { name: string; text: string } {
  const name = `duban-append${withNotices ? '-notices' : ''}${queueDeliveries ? '-queued' : ''}`;
  let statement = appendStatements.get(name);
  if (!statement) appendStatements.set(name, (statement = { name, text: appendText(withNotices, queueDeliveries) }));
  return statement;
}

/** The three shapes of the append, built once each: `appendStatement`. */
const appendStatements = new Map<string, { name: string; text: string }>();

function appendText(withNotices: boolean, queueDeliveries: boolean): string {
  const notices = withNotices
    ? `, noticed AS (
         INSERT INTO notices (key, recipient, assignment_id, seq, occurred_at, kind, subject, body)
         SELECT * FROM unnest($8::text[], $9::text[], $10::text[], $11::int[], $12::timestamptz[], $13::text[],
                              $14::text[], $15::text[])
         WHERE EXISTS (SELECT 1 FROM appended)
         ON CONFLICT (key) DO NOTHING
         RETURNING key)` +
      (queueDeliveries
        ? `, queued_deliveries AS (INSERT INTO delivery_queue (notice_key) SELECT key FROM noticed)`
        : '')
    : '';
  return `WITH appended AS (
      INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload, meta, prev_hash, hash)
      SELECT $1, e.seq, e.type, e.version, e.at, e.payload, e.meta, e."prevHash", e.hash
      FROM jsonb_to_recordset($2::jsonb)
        AS e (seq int, type text, version int, at timestamptz, payload jsonb, meta jsonb, "prevHash" text, hash text)
      WHERE NOT EXISTS (SELECT 1 FROM assignment_events WHERE assignment_id = $1 AND seq BETWEEN $3 AND $4)
        AND ($3 = 1 OR EXISTS (SELECT 1 FROM assignment_events WHERE assignment_id = $1 AND seq = $3 - 1 AND hash = $5))
      RETURNING assignment_id, seq
    ), queued AS (
      INSERT INTO outbox (assignment_id, seq, topic) SELECT assignment_id, seq, $6 FROM appended ORDER BY seq
      RETURNING 1
    ), woken AS (
      SELECT pg_notify($7, count(*)::text) FROM queued HAVING count(*) > 0
    )${notices}
    SELECT (SELECT count(*) FROM appended)::int AS appended, (SELECT count(*) FROM woken)::int AS woken`;
}

/**
 * Stores the openings of a launch's assignments (workflows/assignment/opening.ts) — each the first event of its own
 * stream — with their outbox rows and their notices, in one statement. Returns each assignment's first event as the
 * store holds it: the opening, or the event an earlier attempt stored first (a launch taken up again, an assignment
 * whose own workflow got there first); the caller checks that one before starting a workflow with it.
 */
async function storeOpeningsAtOnce(
  { pool, topic, queueDeliveries, heads }: StoreContext,
  openings: Opening[],
): Promise<Map<string, RecordedEvent>> {
  const stored = new Map<string, RecordedEvent>();
  if (openings.length === 0) return stored;
  const rows = openings.map(({ recorded }) => chainedRow(recorded, GENESIS_HASH));
  const notices = openings.flatMap((o) => o.notices);
  const { rows: appended } = await permanentFailuresStop(() =>
    pool.query<{ assignment_id: string }>({
      ...openingsStatement(queueDeliveries),
      values: [JSON.stringify(rows), topic, OUTBOX_CHANNEL, ...columnsOf(notices, NOTICE_COLUMNS)],
    }),
  );
  const fresh = new Set(appended.map((r) => r.assignment_id));
  for (const [i, { recorded }] of openings.entries()) {
    if (!fresh.has(recorded.assignmentId)) continue;
    stored.set(recorded.assignmentId, recorded);
    heads.remember(recorded.assignmentId, recorded.seq, rows[i]!.hash);
  }
  const others = openings.map((o) => o.recorded.assignmentId).filter((id) => !fresh.has(id));
  if (others.length > 0) {
    const { rows: already } = await pool.query<{
      assignment_id: string;
      payload: RecordedEvent['event'];
      meta: RecordedEvent['meta'] | null;
    }>('SELECT assignment_id, payload, meta FROM assignment_events WHERE assignment_id = ANY($1) AND seq = 1', [
      others,
    ]);
    for (const row of already) {
      stored.set(row.assignment_id, {
        assignmentId: row.assignment_id,
        seq: 1,
        event: row.payload,
        ...(row.meta && { meta: row.meta }),
      });
    }
  }
  return stored;
}

/**
 * The statement `storeOpeningsAtOnce` sends: $1 the events as a JSON array, one per stream, each its stream's first;
 * $2 the outbox's topic, $3 the relay's channel, $4..$11 the notices' columns. An event already stored is left as it
 * is, and so are its notices; the rows answered are the streams appended. Named, as the append is.
 */
function openingsStatement(queueDeliveries: boolean): { name: string; text: string } {
  const name = `duban-openings${queueDeliveries ? '-queued' : ''}`;
  return {
    name,
    text: `WITH appended AS (
      INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload, meta, prev_hash, hash)
      SELECT e."assignmentId", e.seq, e.type, e.version, e.at, e.payload, e.meta, e."prevHash", e.hash
      FROM jsonb_to_recordset($1::jsonb) AS e ("assignmentId" text, seq int, type text, version int, at timestamptz,
                                               payload jsonb, meta jsonb, "prevHash" text, hash text)
      ON CONFLICT (assignment_id, seq) DO NOTHING
      RETURNING assignment_id, seq
    ), queued AS (
      INSERT INTO outbox (assignment_id, seq, topic) SELECT assignment_id, seq, $2 FROM appended RETURNING 1
    ), woken AS (
      SELECT pg_notify($3, count(*)::text) FROM queued HAVING count(*) > 0
    ), noticed AS (
      INSERT INTO notices (key, recipient, assignment_id, seq, occurred_at, kind, subject, body)
      SELECT n.* FROM unnest($4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], $9::text[],
                             $10::text[], $11::text[])
        AS n (key, recipient, assignment_id, seq, occurred_at, kind, subject, body)
      WHERE (n.assignment_id, n.seq) IN (SELECT assignment_id, seq FROM appended)
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    )${queueDeliveries ? `, queued_deliveries AS (INSERT INTO delivery_queue (notice_key) SELECT key FROM noticed)` : ''}
    SELECT assignment_id, (SELECT count(*) FROM woken) AS woken FROM appended`,
  };
}

/** The notices as the columns `unnest` takes them, in the order of the notices table's columns. */
function noticeColumns(notices: Notice[]): unknown[] {
  if (notices.length === 0) return [];
  return columnsOf(notices, NOTICE_COLUMNS);
}

const NOTICE_COLUMNS = ['key', 'recipient', 'assignmentId', 'seq', 'at', 'kind', 'subject', 'body'] as const;

/** The stored hash of one event, as it is (undefined when the event is not stored or was stored unchained). */
async function hashAsStored(pool: Pool, stream: string, seq: number): Promise<string | undefined> {
  const { rows } = await pool.query<{ hash: string | null }>(
    'SELECT hash FROM assignment_events WHERE assignment_id = $1 AND seq = $2',
    [stream, seq],
  );
  return rows[0]?.hash ?? undefined;
}

/**
 * What PostgreSQL can never store (a NUL in a text, a value out of range) must not be retried for ever: it leaves as
 * a non-retryable failure, so the workflow sees it at once instead of waiting behind an activity that cannot
 * succeed. A server that is down or restarting stays retryable.
 */
async function permanentFailuresStop<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isPermanentPgError(error)) {
      throw ApplicationFailure.nonRetryable(
        `PostgreSQL refuses to store this: ${(error as Error).message}`,
        'STORAGE_REFUSED',
      );
    }
    throw error;
  }
}

/**
 * Appends the batch with its outbox rows; events already there are left untouched (a retried activity), and the
 * relay is woken when the transaction commits.
 *
 * Each event is chained as it is appended (domain/audit/chain.ts): `prev_hash` is the hash of the event before it in
 * its stream — the genesis value for the first — and `hash` covers that and the event's content with its metadata.
 * The chain is written in the same statement as the event, so no event is ever stored unchained by this worker; one
 * appended by an older worker (without a hash) is chained before the event that follows it.
 */
async function store<E extends RecordedEvent | RecordedCycleEvent>(
  client: PoolClient,
  topic: string,
  batch: E[],
): Promise<{ stored: E[]; hashes: Map<string, { seq: number; hash: string }> }> {
  let appended = 0;
  const stored: E[] = [];
  /** The latest event of each stream the batch has reached, and its hash: the next one in that stream chains from it. */
  const hashes = new Map<string, { seq: number; hash: string }>();
  for (const recorded of batch) {
    const { assignmentId, seq, event, meta } = recorded;
    const prevHash = hashes.get(assignmentId)?.hash ?? (await hashBefore(client, assignmentId, seq));
    const hash = eventHash(prevHash, { assignmentId, seq, event, meta });
    // The event and its outbox row in one statement (one round trip): the outbox row only if the event is new.
    const inserted = await client.query(
      `WITH appended AS (
         INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload, meta, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (assignment_id, seq) DO NOTHING
         RETURNING assignment_id, seq)
       INSERT INTO outbox (assignment_id, seq, topic) SELECT assignment_id, seq, $10 FROM appended`,
      [assignmentId, seq, event.type, event.version, event.at, event, meta ?? null, prevHash, hash, topic],
    );
    if (inserted.rowCount !== 1) {
      const already = await storedVersion(client, recorded);
      hashes.set(assignmentId, { seq, hash: already.hash });
      stored.push(already.recorded);
      continue;
    }
    hashes.set(assignmentId, { seq, hash });
    stored.push(recorded);
    appended++;
  }
  if (appended > 0) await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(appended)]);
  return { stored, hashes };
}

/**
 * The hash the event at `seq` chains from: the genesis value for a stream's first event, otherwise the stored hash
 * of the event before it — chaining the stream first when an older worker stored that one without a hash.
 */
async function hashBefore(client: PoolClient, assignmentId: string, seq: number): Promise<string> {
  if (seq === 1) return GENESIS_HASH;
  const hash = await storedHash(client, assignmentId, seq - 1);
  if (hash === undefined) {
    throw ApplicationFailure.nonRetryable(
      `event ${assignmentId}/${seq} cannot be chained: event ${seq - 1} of its stream is not stored; a stream's ` +
        'events are stored in order, one batch after another, so this batch is out of order (a workflow bug)',
      'EVENT_STREAM_GAP',
    );
  }
  return hash;
}

/** The stored hash of one event, chaining its stream first if it has none; undefined when no such event is stored. */
async function storedHash(client: PoolClient, assignmentId: string, seq: number): Promise<string | undefined> {
  const read = () =>
    client.query<{ hash: string | null }>('SELECT hash FROM assignment_events WHERE assignment_id = $1 AND seq = $2', [
      assignmentId,
      seq,
    ]);
  let { rows } = await read();
  if (!rows[0]) return undefined;
  if (rows[0].hash === null) {
    await chainStream(client, assignmentId);
    ({ rows } = await read());
  }
  return rows[0]?.hash ?? undefined;
}

/**
 * The event already stored under (assignmentId, seq), and its hash, when a write finds one there.
 *
 * - The same event: a retried store. Fine; the next event chains from the stored one's hash.
 * - Another telling of it by the same run (its workflow id and run id in `meta`, the same type): an earlier attempt
 *   of the run's workflow task stored it, and that attempt's completion never reached the server (it took longer than
 *   the task's timeout, or the worker lost it), so the task ran again and decided the same event at its own, later
 *   time. The stored event stands — it went to Kafka, the chain holds it — and is returned in place of the retelling,
 *   so the history's marker records what the store holds. Seen 96 times in 10,000 under a launch's load.
 * - The assignment's own telling of a 交办 its launch stored first (its first event, a `TaskAssigned` of the same
 *   spec, decided by the cycle's run: workflows/assignment/opening.ts): a workflow started by a launch before that
 *   change, deciding its 交办 itself while the launch, taken up again by a newer worker, stored it. The launch's
 *   stands, as above.
 * - Anything else: two histories claim one stream — a reset or a reused workflow id — and storing on would silently
 *   drop the second. Fail loudly instead, without retrying.
 *
 * The payload is what is compared for sameness: an event stored by an older worker, without metadata, is still the
 * same event.
 */
async function storedVersion<E extends RecordedEvent | RecordedCycleEvent>(
  client: PoolClient,
  recorded: E,
): Promise<{ hash: string; recorded: E }> {
  const { assignmentId, seq, event, meta } = recorded;
  const { rows } = await client.query<{
    same: boolean;
    payload: E['event'];
    meta: E['meta'] | null;
    hash: string | null;
  }>(
    `SELECT payload = $3::jsonb AS same, payload, meta, hash FROM assignment_events
     WHERE assignment_id = $1 AND seq = $2`,
    [assignmentId, seq, JSON.stringify(event)],
  );
  const row = rows[0];
  const sameRun =
    row !== undefined &&
    meta !== undefined &&
    row.meta?.workflowId === meta.workflowId &&
    row.meta?.runId === meta.runId &&
    row.payload.type === event.type;
  const sameOpening =
    row !== undefined &&
    event.type === 'TaskAssigned' &&
    meta?.workflowId === assignmentId &&
    row.meta?.workflowId !== undefined &&
    row.meta.workflowId !== assignmentId &&
    opens({ assignmentId, seq, event: row.payload }, assignmentId, (event as { spec?: unknown }).spec);
  if (!row?.same && !sameRun && !sameOpening) {
    throw ApplicationFailure.nonRetryable(
      `event ${assignmentId}/${seq} is already stored with other content: another run wrote this assignment's ` +
        'stream (a reset, or a reused workflow id); the stream must not fork',
      'EVENT_STREAM_CONFLICT',
    );
  }
  const hash = row.hash ?? (await storedHash(client, assignmentId, seq))!; // chained now if an older worker left none
  if (row.same) return { hash, recorded };
  log.warn(
    `event ${assignmentId}/${seq} (${event.type}) was already stored by ` +
      `${sameRun ? "an earlier attempt of this run's workflow task" : "the assignment's launch"} ` +
      `(${row.payload.at}); that one stands, not this telling (${event.at})`,
  );
  return { hash, recorded: { ...recorded, event: row.payload, ...(row.meta && { meta: row.meta }) } };
}

/**
 * Keeps the notices in the event store's append-only record of what went out (`notices`), and queues each for
 * delivery to its recipient's channels (`delivery_queue`, which the delivery dispatcher empties) unless `queue` is
 * false; those already there (a retry) are left alone. Returns the ones recorded now.
 */
async function recordNotices(client: PoolClient, notices: Notice[], queue: boolean): Promise<Notice[]> {
  if (notices.length === 0) return [];
  const insert = `INSERT INTO notices (key, recipient, assignment_id, seq, occurred_at, kind, subject, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[], $7::text[],
                            $8::text[])
       ON CONFLICT (key) DO NOTHING
       RETURNING key`;
  const { rows } = await client.query<{ key: string }>(
    queue
      ? `WITH recorded AS (${insert})
         INSERT INTO delivery_queue (notice_key) SELECT key FROM recorded
         RETURNING notice_key AS key`
      : insert,
    noticeColumns(notices),
  );
  const inserted = new Set(rows.map((r) => r.key));
  return notices.filter((n) => inserted.has(n.key));
}

/**
 * Notices recorded after their event (the workflows that deliver them in an activity of their own): an event whose
 * outbox row is still pending takes them along when the relay publishes it; one already published goes out again,
 * with them — the read models skip the event as a repeat and put its notices in the inbox. The outbox rows are
 * locked first, so a relay publishing one right now finishes before this looks.
 */
async function republishWithNotices(client: PoolClient, topic: string, notices: Notice[]): Promise<void> {
  const events = [...new Map(notices.map((n) => [`${n.assignmentId}#${n.seq}`, n])).values()];
  if (events.length === 0) return;
  const ids = events.map((n) => n.assignmentId);
  const seqs = events.map((n) => n.seq);
  await client.query(
    `SELECT 1 FROM outbox WHERE (assignment_id, seq) IN (SELECT * FROM unnest($1::text[], $2::int[])) FOR UPDATE`,
    [ids, seqs],
  );
  const { rowCount } = await client.query(
    `INSERT INTO outbox (assignment_id, seq, topic)
     SELECT e.assignment_id, e.seq, $3 FROM unnest($1::text[], $2::int[]) AS w (assignment_id, seq)
     JOIN assignment_events e USING (assignment_id, seq)
     WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.assignment_id = e.assignment_id AND o.seq = e.seq)
     ON CONFLICT DO NOTHING`,
    [ids, seqs, topic],
  );
  if (rowCount) await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(rowCount)]);
}
