/**
 * The outbox relay: the one publisher of domain events to Kafka.
 *
 * The activity that stores events writes an outbox row per event (naming its topic) in the same transaction and
 * NOTIFYs `duban_outbox`; the relay LISTENs, and on each notification — or every `pollIntervalMs`, in case one was
 * missed while its listening connection was down — claims pending rows with FOR UPDATE SKIP LOCKED, publishes them
 * and deletes them in the claiming transaction. Several workers may each run a relay: SKIP LOCKED gives each its own
 * rows, and a row is published only once every earlier row of its stream (assignment) has been — by this relay in
 * the same send, or by another before — so each assignment's events reach Kafka in order. Delivery is at least once
 * (a crash between Kafka's acknowledgement and the commit sends the batch again); consumers keep one record per
 * (assignmentId, seq). Each message carries the notices that went out with its event (`notices`), from which the
 * read models build the inbox.
 *
 * A record Kafka refuses for good (over its size limit, say) is set aside with the reason and logged as an error;
 * the relay goes on with the other streams, and that stream's later events wait behind it, in order, until an
 * operator deals with it.
 */
import type { Kafka, Message, Producer } from 'kafkajs';
import type { z } from 'zod';
import { Client, type Pool, type PoolClient } from 'pg';
import { OUTBOX_CHANNEL } from '../activities';
import { ensureTopics } from '../infra/kafka';
import type { Logger } from '../infra/logger';
import { withTransaction } from '../infra/postgres';
import type { EventMeta } from '../domain/audit/chain';
import type { AssignmentEvent, publishedNoticeSchema, RecordedEvent } from '../workflows/assignment/events';

type PublishedNotice = z.infer<typeof publishedNoticeSchema>;

export interface OutboxRelayOptions {
  pool: Pool;
  kafka: Kafka;
  producer: Producer;
  /** For the relay's own listening connection (LISTEN needs one connection for as long as it listens). */
  databaseUrl: string;
  logger: Logger;
  /** Rows claimed per transaction. */
  batchSize?: number;
  /** The longest a row waits when a notification was missed. */
  pollIntervalMs?: number;
  /** Records larger than this are set aside without being sent; the broker's message.max.bytes is 1,048,588. */
  maxRecordBytes?: number;
  /** A send carries at most this many bytes, since the broker counts a whole record batch against its limit. */
  maxSendBytes?: number;
}

interface PendingRow {
  id: string;
  assignment_id: string;
  seq: number;
  topic: string;
  payload: AssignmentEvent;
  meta: EventMeta | null;
  /** Null on an event an older worker stored that migrate() or the next append has not chained yet. */
  prev_hash: string | null;
  hash: string | null;
  /** The notices that went out with the event, as its message carries them. */
  notices?: PublishedNotice[];
}

interface OutgoingRecord {
  row: PendingRow;
  message: Message;
  bytes: number;
}

/**
 * After a pass that found only a few rows, the next waits this long, so that during a burst (a launch's first tasks, a
 * quarter end's reminders) each claiming transaction publishes the rows of many events, not of one or two: a pass is
 * seven round trips to PostgreSQL and a send to Kafka whatever it carries. The first event after a quiet while goes
 * out at once.
 */
const GATHER_MS = 25;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5_000;

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxRecordBytes: number;
  private readonly maxSendBytes: number;
  private readonly log: Logger;
  private listener?: Client;
  private pollTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private running = false;
  /** The drain in progress, if any; a wake-up during it asks for one more pass. */
  private draining?: Promise<void>;
  private wakeAgain = false;
  private failures = 0;
  /** Topics known to exist; a row naming another has it created first (the broker does not create topics). */
  private readonly topics = new Set<string>();

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.maxRecordBytes = options.maxRecordBytes ?? 1_000_000;
    this.maxSendBytes = options.maxSendBytes ?? 900_000;
    this.log = options.logger.child({ name: 'outbox' });
  }

  /** Starts listening and publishing; resolves once the listening connection is open and a first pass is under way. */
  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.wake();
  }

  /** Stops after the pass in progress; nothing claimed is left half done (the transaction commits or rolls back). */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    await this.draining;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /**
   * Publishes until nothing is left that this relay may publish; returns how many rows it settled (sent or set
   * aside). Fails when Kafka or PostgreSQL does not answer, after committing what was already sent.
   */
  async drain(): Promise<number> {
    let settled = 0;
    for (;;) {
      const { count, error } = await this.publishOnce();
      settled += count;
      if (error) throw error;
      if (count === 0) return settled;
      if (count < this.batchSize) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    }
  }

  private wake(fromRetry = false): void {
    if (!this.running || (this.retryTimer && !fromRetry)) return;
    this.retryTimer = undefined;
    if (this.draining) {
      this.wakeAgain = true;
      return;
    }
    this.draining = this.drain()
      .then(
        (sent) => {
          if (this.failures > 0) this.log.info({ sent }, 'Kafka 恢复，发件箱继续发布');
          this.failures = 0;
        },
        (error: unknown) => this.retryLater(error),
      )
      .finally(() => {
        this.draining = undefined;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /** Kafka or PostgreSQL did not answer: try again after a back-off, saying so once per outage. */
  private retryLater(error: unknown): void {
    this.failures++;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
    const message = (error as Error).message;
    if (this.failures === 1) this.log.warn({ retryInMs: delay }, `发件箱发布失败，稍后重试：${message}`);
    else this.log.debug({ retryInMs: delay, failures: this.failures }, `发件箱发布仍失败：${message}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(true), delay);
  }

  /**
   * One claiming transaction: publishes what it may of one batch and commits. A failure after some records went out
   * still commits those (they are not sent again) and is returned for the caller to back off.
   */
  private publishOnce(): Promise<{ count: number; error?: unknown }> {
    return withTransaction(this.options.pool, async (client) => {
      const claimed = await this.claim(client);
      if (claimed.length === 0) return { count: 0 };
      const ready = await inStreamOrder(client, claimed);
      await attachNotices(client, ready);
      const { sent, setAside, error } = await this.send(ready.map((row) => this.toRecord(row)));
      if (error && sent.length === 0 && setAside.length === 0) throw error;
      if (sent.length > 0) await markPublished(client, sent);
      for (const { row, reason } of setAside) await this.setAside(client, row, reason);
      return { count: sent.length + setAside.length, error };
    });
  }

  private async claim(client: PoolClient): Promise<PendingRow[]> {
    const { rows } = await client.query<PendingRow>(
      `SELECT o.id, o.assignment_id, o.seq, o.topic, e.payload, e.meta, e.prev_hash, e.hash
       FROM outbox o JOIN assignment_events e USING (assignment_id, seq)
       WHERE o.set_aside_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbox b
                         WHERE b.assignment_id = o.assignment_id AND b.id < o.id AND b.set_aside_at IS NOT NULL)
       ORDER BY o.id
       LIMIT $1
       FOR UPDATE OF o SKIP LOCKED`,
      [this.batchSize],
    );
    return rows;
  }

  /**
   * The record as consumers read it: the event, who made it happen and why, its link of the stream's chain, and the
   * notices that went out with it. Notices that would make the record large (a cycle's notice to a hundred units
   * repeats its body for each) stay out of it: the read models then take them from the event store's `notices`, as
   * for records published before notices rode along, and the stream is never held up behind a record Kafka refuses.
   */
  private toRecord(row: PendingRow): OutgoingRecord {
    const { assignment_id: assignmentId, seq, payload, meta, prev_hash: prevHash, hash } = row;
    const record = {
      assignmentId,
      seq,
      event: payload,
      ...(meta && { meta }),
      ...(prevHash && hash && { prevHash, hash }),
    } satisfies RecordedEvent;
    const withNotices = JSON.stringify({ ...record, notices: row.notices ?? [] } satisfies RecordedEvent);
    const value = Buffer.byteLength(withNotices) <= this.maxRecordBytes / 4 ? withNotices : JSON.stringify(record);
    const headers = { type: payload.type, version: String(payload.version), seq: String(seq) };
    const bytes = Buffer.byteLength(value) + Buffer.byteLength(assignmentId) + 64;
    return { row, bytes, message: { key: assignmentId, value, headers } };
  }

  /**
   * Sends the records in order, in sends of at most `maxSendBytes`. When Kafka refuses a send for good, the records
   * of that send go one at a time to find the one it refuses; that one is set aside and the rest of its stream in
   * this batch is held back. A retriable failure (the broker is down) stops the pass: what was sent stays sent.
   */
  private async send(
    records: OutgoingRecord[],
  ): Promise<{ sent: PendingRow[]; setAside: Array<{ row: PendingRow; reason: string }>; error?: unknown }> {
    const sent: PendingRow[] = [];
    const setAside: Array<{ row: PendingRow; reason: string }> = [];
    const blocked = new Set<string>();
    const pending: OutgoingRecord[] = [];
    for (const record of records) {
      if (blocked.has(record.row.assignment_id)) continue;
      if (record.bytes > this.maxRecordBytes) {
        setAside.push({
          row: record.row,
          reason: `记录 ${record.bytes} 字节，超过 Kafka 单条记录上限 ${this.maxRecordBytes} 字节`,
        });
        blocked.add(record.row.assignment_id);
      } else {
        pending.push(record);
      }
    }
    try {
      for (const candidates of bySize(pending, this.maxSendBytes)) {
        const chunk = candidates.filter((r) => !blocked.has(r.row.assignment_id));
        if (chunk.length === 0) continue;
        try {
          await this.sendRecords(chunk);
          sent.push(...chunk.map((r) => r.row));
        } catch (error) {
          if (!isRefusedForGood(error)) throw error;
          for (const record of chunk) {
            if (blocked.has(record.row.assignment_id)) continue; // behind the record just set aside
            try {
              await this.sendRecords([record]);
              sent.push(record.row);
            } catch (single) {
              if (!isRefusedForGood(single)) throw single;
              setAside.push({ row: record.row, reason: `Kafka 拒收：${(single as Error).message}` });
              blocked.add(record.row.assignment_id);
            }
          }
        }
      }
      return { sent, setAside };
    } catch (error) {
      return { sent, setAside, error };
    }
  }

  private async sendRecords(records: OutgoingRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { row, message } of records) {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push(message);
      byTopic.set(row.topic, messages);
    }
    const unknown = [...byTopic.keys()].filter((topic) => !this.topics.has(topic));
    if (unknown.length > 0) {
      await ensureTopics(this.options.kafka, unknown);
      for (const topic of unknown) this.topics.add(topic);
    }
    await this.options.producer.connect(); // no-op while connected; reconnects after the broker came back
    await this.options.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private async setAside(client: PoolClient, row: PendingRow, reason: string): Promise<void> {
    await client.query(
      'UPDATE outbox SET set_aside_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1',
      [row.id, reason],
    );
    this.log.error(
      { assignmentId: row.assignment_id, seq: row.seq, topic: row.topic },
      `事件 ${row.assignment_id}/${row.seq} 无法发布，已搁置（${reason}）；该任务之后的事件在其后等待，` +
        '处理后用 `npx duban outbox retry` 重新发布',
    );
  }

  private async listen(): Promise<void> {
    const listener = new Client({ connectionString: this.options.databaseUrl });
    listener.on('notification', () => this.wake());
    listener.on('error', (error) => {
      this.log.debug(`发件箱监听连接中断：${error.message}`);
      void this.relisten(listener);
    });
    await listener.connect();
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = listener;
  }

  /** The listening connection broke (a PostgreSQL restart): polling carries on meanwhile; listen again when it can. */
  private async relisten(broken: Client): Promise<void> {
    if (this.listener !== broken) return;
    this.listener = undefined;
    await broken.end().catch(() => undefined);
    for (let attempt = 1; this.running; attempt++) {
      try {
        await this.listen();
        this.wake();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt)));
      }
    }
  }
}

/**
 * Of the claimed rows, those whose stream has no earlier row outside the claim: one still locked by another relay,
 * or set aside. Rows after such a row wait for a later pass, so a stream's events never overtake each other.
 */
async function inStreamOrder(client: PoolClient, claimed: PendingRow[]): Promise<PendingRow[]> {
  const { rows } = await client.query<{ assignment_id: string; first: string }>(
    `SELECT assignment_id, min(id) AS first FROM outbox
     WHERE assignment_id = ANY($1::text[]) AND NOT (id = ANY($2::bigint[]))
     GROUP BY assignment_id`,
    [[...new Set(claimed.map((r) => r.assignment_id))], claimed.map((r) => r.id)],
  );
  const firstElsewhere = new Map(rows.map((r) => [r.assignment_id, BigInt(r.first)]));
  return claimed.filter((row) => {
    const first = firstElsewhere.get(row.assignment_id);
    return first === undefined || BigInt(row.id) < first;
  });
}

/**
 * The notices recorded with each event (table `notices`), read after the claim: a notice recorded later by an activity
 * of its own waits for the claim's lock and has the event published again (activities/index.ts).
 */
async function attachNotices(client: PoolClient, rows: PendingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const { rows: notices } = await client.query<PublishedNotice & { at: Date }>(
    `SELECT key, assignment_id AS "assignmentId", seq, occurred_at AS at, recipient, kind, subject, body
     FROM notices WHERE (assignment_id, seq) IN (SELECT * FROM unnest($1::text[], $2::int[]))
     ORDER BY assignment_id, seq, key`,
    [rows.map((r) => r.assignment_id), rows.map((r) => r.seq)],
  );
  const byEvent = new Map<string, PublishedNotice[]>();
  for (const n of notices) {
    const id = `${n.assignmentId}#${n.seq}`;
    byEvent.set(id, [...(byEvent.get(id) ?? []), { ...n, at: n.at.toISOString() }]);
  }
  for (const row of rows) row.notices = byEvent.get(`${row.assignment_id}#${row.seq}`) ?? [];
}

async function markPublished(client: PoolClient, rows: PendingRow[]): Promise<void> {
  await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
  await client.query(
    `UPDATE assignment_events SET published_at = now()
     WHERE (assignment_id, seq) IN (SELECT * FROM unnest($1::text[], $2::int[])) AND published_at IS NULL`,
    [rows.map((r) => r.assignment_id), rows.map((r) => r.seq)],
  );
}

/** Consecutive groups of records whose sizes add up to at most `limit` (a record alone may exceed it). */
function* bySize(records: OutgoingRecord[], limit: number): Generator<OutgoingRecord[]> {
  let chunk: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (chunk.length > 0 && bytes + record.bytes > limit) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += record.bytes;
  }
  if (chunk.length > 0) yield chunk;
}

/** Kafka's answer for a record it will never take, however often it is sent (e.g. MESSAGE_TOO_LARGE). */
function isRefusedForGood(error: unknown): boolean {
  const e = error as { name?: string; retriable?: boolean } | null;
  return e?.name === 'KafkaJSProtocolError' && e.retriable === false;
}

// ---------------------------------------------------------------------------------------------------------------
// For operators: what the outbox holds, and putting set-aside rows back (`npx duban outbox status|retry`).

export interface SetAsideRow {
  assignmentId: string;
  seq: number;
  topic: string;
  setAsideAt: Date;
  attempts: number;
  lastError: string;
}

export interface OutboxStatus {
  pending: number;
  oldestPending?: Date;
  setAside: SetAsideRow[];
}

export async function outboxStatus(pool: Pool, limit = 50): Promise<OutboxStatus> {
  const [{ rows: counts }, { rows: setAside }] = await Promise.all([
    pool.query<{ pending: number; oldest: Date | null }>(
      'SELECT count(*)::int AS pending, min(enqueued_at) AS oldest FROM outbox WHERE set_aside_at IS NULL',
    ),
    pool.query<SetAsideRow>(
      `SELECT assignment_id AS "assignmentId", seq, topic, set_aside_at AS "setAsideAt", attempts,
              last_error AS "lastError"
       FROM outbox WHERE set_aside_at IS NOT NULL ORDER BY id LIMIT $1`,
      [limit],
    ),
  ]);
  const { pending, oldest } = counts[0]!;
  return { pending, ...(oldest && { oldestPending: oldest }), setAside };
}

/**
 * Puts set-aside rows back in line — all, or one assignment's — and wakes the relays: after the cause was dealt with
 * (a broker's size limit raised, say). A row Kafka still refuses is set aside again, with one attempt more.
 */
export async function retrySetAside(pool: Pool, assignmentId?: string): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE outbox SET set_aside_at = NULL
       WHERE set_aside_at IS NOT NULL AND ($1::text IS NULL OR assignment_id = $1)`,
      [assignmentId ?? null],
    );
    if (rowCount) await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(rowCount)]);
    return rowCount ?? 0;
  });
}
