/**
 * The delivery dispatcher: takes the notices queued for delivery (`delivery_queue`, written with each notice in the
 * transaction that stores its event) and starts a delivery workflow for each batch of them whose recipients have a
 * channel in the unit directory. A notice whose recipient has none stays in the inbox only.
 *
 * Each pass claims up to 50 rows with FOR UPDATE SKIP LOCKED (several workers share the queue), starts one workflow
 * for them — its id made from their keys, reuse refused — and deletes the rows in the claiming transaction. A crash
 * between the start and the commit leaves the rows queued; the next pass claims the same rows (oldest first) and
 * finds their workflow started. Should a notice ever reach a second workflow, its delivery ids are the same there
 * (derived from the notice, channel and address), and the send activity finds them sent. One workflow per batch, not
 * per notice: at a quarter end of thousands of reminders the server's work per workflow is what limits the rate
 * (`npm run bench:deliveries`). The dispatcher wakes on the outbox's notification (sent when notices are stored)
 * and polls besides, in case one was missed.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { Client as PgClient, type Pool } from 'pg';
import { OUTBOX_CHANNEL } from '../activities';
import { addressesOf } from '../domain/notify/contacts';
import { calendarAround, type OfficeHours } from '../domain/notify/hours';
import type { YearDates } from '../domain/working-days';
import { loadCalendarYears } from '../infra/calendar-store';
import type { Logger } from '../infra/logger';
import { withTransaction } from '../infra/postgres';
import { loadDirectory } from '../infra/unit-store';
import type { Address } from '../domain/notify/message';
import {
  deliveryWorkflowId,
  type DeliveryInput,
  type DeliveryNotice,
  type DeliveryRetry,
  type QueuedDelivery,
} from '../workflows/delivery/messages';
import type { deliveryWorkflow } from '../workflows/delivery/workflow';

export interface DeliveryDispatcherOptions {
  pool: Pool;
  /** For the dispatcher's own listening connection. */
  databaseUrl: string;
  client: Client;
  taskQueue: string;
  logger: Logger;
  hours: OfficeHours;
  retry: DeliveryRetry;
  /** Who is told of a failed channel when the notice's assignment names no coordinator. */
  coordinator: string;
  batchSize?: number;
  pollIntervalMs?: number;
}

/** Notices per delivery workflow: its workflow task sends them all (local activities), so it stays short. */
const BATCH = 50;

/** 32 hex of a SHA-256: ids that are ASCII and name their content. */
const digestOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);

/**
 * The id of a notice's delivery on one address: the same whichever workflow delivers it, so the send activity's
 * check for a `sent` row holds across workflows too.
 */
export const deliveryIdOf = (noticeKey: string, address: Address) =>
  digestOf(`${noticeKey}\n${address.channel}\n${address.to}`);
const RETRY_MAX_MS = 5_000;

interface QueuedNotice {
  key: string;
  assignment_id: string;
  seq: number;
  recipient: string;
  kind: string;
  subject: string;
  body: string;
  occurred_at: Date;
  coordinator: string | null;
}

export class DeliveryDispatcher {
  private readonly log: Logger;
  private listener?: PgClient;
  private starting?: Promise<void>;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private pending = false;

  constructor(private readonly options: DeliveryDispatcherOptions) {
    this.log = options.logger.child({ name: 'delivery' });
  }

  async start(): Promise<void> {
    this.running = true;
    this.starting = this.listen().catch((error: Error) =>
      this.log.warn(`通知投递监听未能建立，改为轮询：${error.message}`),
    );
    await this.starting;
    if (this.running) this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.starting; // a stop during the start waits for its listening connection, to close it below
    await this.loop;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Dispatches until the queue is empty; returns how many notices it took off the queue. */
  drain(): Promise<number> {
    return this.dispatchWhile(() => true);
  }

  /**
   * Dispatches batch after batch while `more()` says so and the queue has any. The running dispatcher asks whether it
   * is still running: a stop waits for the batch in hand, not for a backlog, which the next worker takes on.
   */
  private async dispatchWhile(more: () => boolean): Promise<number> {
    let taken = 0;
    while (more()) {
      const n = await this.dispatchOnce();
      if (n === 0) break;
      taken += n;
    }
    return taken;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const taken = await this.dispatchWhile(() => this.running);
        if (failures > 0) this.log.info({ taken }, '通知投递恢复');
        failures = 0;
        await this.idle(this.options.pollIntervalMs ?? 2_000);
      } catch (error) {
        failures++;
        if (failures === 1) this.log.warn(`通知投递调度失败，稍后重试：${(error as Error).message}`);
        await this.idle(Math.min(RETRY_MAX_MS, 500 * 2 ** failures));
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.pending || !this.running) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }

  private async dispatchOnce(): Promise<number> {
    const { pool, batchSize = BATCH } = this.options;
    return withTransaction(pool, async (client) => {
      const { rows } = await client.query<QueuedNotice>(
        // The batch is claimed from the front of the queue's index (enqueued_at, notice_key) first, and only its rows
        // are joined: a claim costs its batch, not the length of the queue.
        `WITH claimed AS (
           SELECT notice_key, enqueued_at FROM delivery_queue
           ORDER BY enqueued_at, notice_key
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
         SELECT n.key, n.assignment_id, n.seq, n.recipient, n.kind, n.subject, n.body, n.occurred_at,
                COALESCE(e.payload #>> '{spec,coordinator}', e.payload #>> '{config,coordinator}') AS coordinator
         FROM claimed q
         JOIN notices n ON n.key = q.notice_key
         LEFT JOIN assignment_events e ON e.assignment_id = n.assignment_id AND e.seq = 1
         ORDER BY q.enqueued_at, q.notice_key`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      const directory = await loadDirectory(pool);
      const deliveries: QueuedDelivery[] = [];
      for (const row of rows) {
        const { addresses, digest } = addressesOf(row.recipient, directory);
        if (addresses.length > 0) deliveries.push(this.deliveryOf(row, addresses, digest));
      }
      const started = deliveries.length > 0 && (await this.startBatch(deliveries, await loadCalendarYears(pool)));
      await client.query('DELETE FROM delivery_queue WHERE notice_key = ANY($1::text[])', [rows.map((r) => r.key)]);
      if (started)
        this.log.debug({ notices: deliveries.length, queued: rows.length }, `开始投递 ${deliveries.length} 条通知`);
      return rows.length;
    });
  }

  private deliveryOf(row: QueuedNotice, addresses: Address[], digest: boolean): QueuedDelivery {
    const notice: DeliveryNotice = {
      key: row.key,
      assignmentId: row.assignment_id,
      seq: row.seq,
      recipient: row.recipient,
      kind: row.kind,
      subject: row.subject,
      body: row.body,
      at: row.occurred_at.toISOString(),
    };
    return {
      notice,
      addresses: addresses.map((address) => ({ address, deliveryId: deliveryIdOf(notice.key, address) })),
      digest,
      coordinator: row.coordinator ?? this.options.coordinator,
    };
  }

  /**
   * Starts one workflow for the batch, under an id made from its notices' keys; false when it was started before (the
   * same rows claimed again after a crash between the start and the commit).
   */
  private async startBatch(deliveries: QueuedDelivery[], years: readonly YearDates[]): Promise<boolean> {
    const keys = deliveries.map((d) => d.notice.key);
    // Around the notices' time, which is the workflows' (simulated, in the time-skipping tests), not this clock's.
    const first = deliveries.reduce((a, d) => (d.notice.at < a ? d.notice.at : a), deliveries[0]!.notice.at);
    const input: DeliveryInput = {
      deliveries,
      retry: this.options.retry,
      hours: this.options.hours,
      calendar: calendarAround(new Date(first), years),
    };
    try {
      await this.options.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
        taskQueue: this.options.taskQueue,
        workflowId: deliveryWorkflowId(digestOf(keys.join('\n'))),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        // Its workflow task runs the batch's sends (local activities); on a busy machine that outlasts the default
        // 10 s, and a task timed out is done again. The SDK extends a task that runs long; this leaves it room.
        workflowTaskTimeout: '30 seconds',
        args: [input],
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  private async listen(): Promise<void> {
    const listener = new PgClient({ connectionString: this.options.databaseUrl });
    listener.on('notification', () => this.wake());
    listener.on('error', () => {
      // PostgreSQL restarted: polling carries on; the next start of the worker listens again.
      if (this.listener === listener) this.listener = undefined;
      void listener.end().catch(() => undefined);
    });
    await listener.connect();
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = listener;
  }
}
