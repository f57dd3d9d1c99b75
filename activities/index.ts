/**
 * The activities, built from their dependencies (samples-typescript `activities-dependency-injection`): the worker
 * passes real clients, and tests pass the same real clients pointed at the local stack.
 *
 * Recording an event is storing it: the event with who made it happen and its link of the stream's hash chain, its
 * read-model changes and its outbox row are written in one transaction, and the activity returns. Only the outbox relay (worker/outbox-relay.ts) publishes to Kafka, so an
 * update never waits for Kafka and no two publishers send the same row.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { eventHash, GENESIS_HASH } from '../domain/audit/chain';
import { chainStream } from '../infra/event-chain';
import { isPermanentPgError, withTransaction } from '../infra/postgres';
import type { AssignmentEvent, RecordedEvent } from '../workflows/assignment/events';
import type { Notice } from '../workflows/assignment/notices';
import type { CycleEvent, RecordedCycleEvent } from '../workflows/cycle/events';
import { createCycleActivities, type TemporalTarget } from './cycle';
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
}

export function createActivities({ pool, topic, temporal }: ActivityDependencies): Activities {
  return {
    ...createCycleActivities({ pool, temporal }),
    async recordEvents(batch, notices = []) {
      if (batch.length === 0) return;
      await permanentFailuresStop(() =>
        withTransaction(pool, async (client) => {
          await store(client, topic, batch);
          await deliver(client, notices);
        }),
      );
    },

    async deliverNotices(notices) {
      const delivered = await permanentFailuresStop(() => deliver(pool, notices));
      for (const n of delivered) log.debug(`[通知] → ${n.recipient} ${n.subject}`, { key: n.key });
    },
  };
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
 * Appends the batch with its read-model changes and outbox rows; events already there are left untouched (a retried
 * activity), and the relay is woken when the transaction commits.
 *
 * Each event is chained as it is appended (domain/audit/chain.ts): `prev_hash` is the hash of the event before it in
 * its stream — the genesis value for the first — and `hash` covers that and the event's content with its metadata.
 * The chain is written in the same statement as the event, so no event is ever stored unchained by this worker; one
 * appended by an older worker (without a hash) is chained before the event that follows it.
 */
async function store(
  client: PoolClient,
  topic: string,
  batch: Array<RecordedEvent | RecordedCycleEvent>,
): Promise<void> {
  let appended = 0;
  /** The hash of the latest event of each stream the batch has reached: the next one in that stream chains from it. */
  const heads = new Map<string, string>();
  for (const recorded of batch) {
    const { assignmentId, seq, event, meta } = recorded;
    const prevHash = heads.get(assignmentId) ?? (await hashBefore(client, assignmentId, seq));
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
      heads.set(assignmentId, await requireSameEvent(client, recorded));
      continue;
    }
    heads.set(assignmentId, hash);
    if (isCycleEvent(event)) await projectCycle(client, event);
    else await project(client, assignmentId, seq, event);
    appended++;
  }
  if (appended > 0) await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(appended)]);
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
 * A retry stores what is already there: fine, and the next event chains from the stored one's hash. A different
 * event under the same (assignmentId, seq) means two histories claim one stream — a reset or a reused workflow id —
 * and storing on would silently drop the second: fail loudly instead, without retrying. The payload is what is
 * compared: an event stored by an older worker, without metadata, is still the same event.
 */
async function requireSameEvent(
  client: PoolClient,
  { assignmentId, seq, event }: RecordedEvent | RecordedCycleEvent,
): Promise<string> {
  const { rows } = await client.query<{ same: boolean }>(
    'SELECT payload = $3::jsonb AS same FROM assignment_events WHERE assignment_id = $1 AND seq = $2',
    [assignmentId, seq, JSON.stringify(event)],
  );
  if (!rows[0]?.same) {
    throw ApplicationFailure.nonRetryable(
      `event ${assignmentId}/${seq} is already stored with other content: another run wrote this assignment's ` +
        'stream (a reset, or a reused workflow id); the stream must not fork',
      'EVENT_STREAM_CONFLICT',
    );
  }
  return (await storedHash(client, assignmentId, seq))!;
}

const CYCLE_EVENT_TYPES = new Set<string>([
  'CycleLaunched',
  'CycleAssignmentsStarted',
  'CyclePaused',
  'CycleResumed',
  'CycleCancelled',
  'CycleNoticeSent',
  'BulletinIssued',
]);

function isCycleEvent(event: AssignmentEvent | CycleEvent): event is CycleEvent {
  return CYCLE_EVENT_TYPES.has(event.type);
}

/** A cycle's events change one read model: the bulletins it issued. */
async function projectCycle(client: PoolClient, event: CycleEvent): Promise<void> {
  if (event.type !== 'BulletinIssued') return;
  await client.query(
    `INSERT INTO bulletins (cycle_id, period, issued_at, bulletin) VALUES ($1, $2, $3, $4)
     ON CONFLICT (cycle_id, period) DO NOTHING`,
    [event.bulletin.cycleId, event.period, event.at, event.bulletin],
  );
}

/** Keeps the `assignments` and `progress_reports` read models in step with the events. */
async function project(client: PoolClient, assignmentId: string, seq: number, event: AssignmentEvent): Promise<void> {
  const touch = (set: string, params: unknown[] = []) =>
    client.query(
      `UPDATE assignments SET ${set}${set ? ', ' : ''}last_seq = $2, updated_at = $3 WHERE assignment_id = $1`,
      [assignmentId, seq, event.at, ...params],
    );
  switch (event.type) {
    case 'TaskAssigned': {
      const { spec } = event;
      const cycleId = 'cycleId' in spec ? (spec.cycleId ?? null) : null;
      await client.query(
        `INSERT INTO assignments (assignment_id, task_id, ref, title, unit, deadline_text, due, status, last_seq,
                                  updated_at, cycle_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'assigned', $8, $9, $10)`,
        [
          assignmentId,
          spec.taskId,
          spec.ref,
          spec.title,
          spec.unit,
          spec.deadlineText,
          spec.due,
          seq,
          event.at,
          cycleId,
        ],
      );
      if ('cooperating' in spec && spec.cooperating.length > 0) {
        await client.query(
          `INSERT INTO cooperations (assignment_id, unit) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [assignmentId, spec.cooperating],
        );
      }
      return;
    }
    case 'CooperatingUnitsChanged':
      await client.query(
        `INSERT INTO cooperations (assignment_id, unit) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [assignmentId, event.added],
      );
      await client.query('DELETE FROM cooperations WHERE assignment_id = $1 AND unit = ANY($2)', [
        assignmentId,
        event.removed,
      ]);
      await touch('');
      return;
    case 'AssignmentAcknowledged':
      await touch(`status = 'acknowledged'`);
      return;
    case 'ProgressReportSubmitted':
      await client.query(
        `INSERT INTO progress_reports (assignment_id, period, due, unit, summary, percent_complete, late, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (assignment_id, period) DO UPDATE
           SET summary = excluded.summary, percent_complete = excluded.percent_complete, submitted_at = excluded.submitted_at`,
        [assignmentId, event.period, event.due, event.unit, event.summary, event.percentComplete, event.late, event.at],
      );
      await touch('overdue_periods = array_remove(overdue_periods, $4)', [event.period]);
      return;
    case 'ReportingPeriodOverdue':
      await touch('overdue_periods = array_append(overdue_periods, $4)', [event.period]);
      return;
    case 'TaskCompleted':
      await touch(`status = 'completed'`);
      return;
    case 'AssignmentCancelled':
      await touch(`status = 'cancelled'`);
      return;
    case 'ReportReturned':
      // The returned report stays in the event history; the read model shows the period as awaiting its rework.
      await client.query('DELETE FROM progress_reports WHERE assignment_id = $1 AND period = $2', [
        assignmentId,
        event.period,
      ]);
      await touch('overdue_periods = array_remove(overdue_periods, $4)', [event.period]);
      return;
    case 'ExtensionGranted':
    case 'DeadlineMoved':
      if (event.period === undefined) await touch('due = $4', [event.to]);
      else await touch('overdue_periods = array_remove(overdue_periods, $4)', [event.period]);
      return;
    case 'AssignmentReassigned':
      await touch(`status = 'reassigned'`);
      return;
    case 'AssignmentPaused':
    case 'AssignmentResumed':
    case 'DeadlineReminderSent':
    case 'OverdueEscalated':
    case 'ReportAccepted':
    case 'ExtensionRequested':
    case 'ExtensionRefused':
    case 'ClosureRequested':
    case 'ClosureReturned':
    case 'AssignmentSentBack':
    case 'SendBackRefused':
    case 'AssignmentHandedOver':
    case 'AcknowledgementUrged':
    case 'CooperationReminderSent':
    case 'ContributionSubmitted':
    case 'ContributionsMissing':
    case 'TargetValuesReported':
    case 'SupervisionPolicyChanged':
      await touch('');
      return;
  }
}

/** Puts the notices in their recipients' inboxes in one statement; those already there (a retry) are left alone. */
async function deliver(db: Pool | PoolClient, notices: Notice[]): Promise<Notice[]> {
  if (notices.length === 0) return [];
  const { rows } = await db.query<{ key: string }>(
    `INSERT INTO inbox (key, recipient, assignment_id, seq, occurred_at, kind, subject, body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[], $7::text[],
                          $8::text[])
     ON CONFLICT (key) DO NOTHING
     RETURNING key`,
    [
      notices.map((n) => n.key),
      notices.map((n) => n.recipient),
      notices.map((n) => n.assignmentId),
      notices.map((n) => n.seq),
      notices.map((n) => n.at),
      notices.map((n) => n.kind),
      notices.map((n) => n.subject),
      notices.map((n) => n.body),
    ],
  );
  const inserted = new Set(rows.map((r) => r.key));
  return notices.filter((n) => inserted.has(n.key));
}
