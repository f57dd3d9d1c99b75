/**
 * The activities the workflows call, as types only: workflow code imports this file, never the implementations
 * (which hold database, Kafka and Temporal clients and must stay out of the workflow bundle).
 */
import type { Bulletin, ScoringRules } from '../domain/cycle/bulletin';
import type { AssignmentSpecV3, RecordedEvent } from '../workflows/assignment/events';
import type { Caller } from '../workflows/assignment/messages';
import type { Notice } from '../workflows/assignment/notices';
import type { RecordedCycleEvent } from '../workflows/cycle/events';
import type { Address, Message } from '../domain/notify/message';
import type { WorkingCalendar } from '../domain/working-days';
import type { DeliveryOutcome, DigestInput, DigestEntry } from '../workflows/delivery/messages';

/** What the cycle asks of all its running assignments at once, and who asked (each assignment's events name them). */
export type CycleBroadcast =
  | { action: 'pause' | 'cancel'; payload: { by: string; reason: string; actor?: Caller } }
  | { action: 'resume'; payload: { by: string; reason?: string; actor?: Caller } }
  | { action: 'calendar'; payload: { by: string; calendar: WorkingCalendar; reason: string; actor?: Caller } };

export interface Activities {
  /**
   * Appends events to the event store and the outbox — and the notices they send to the store's record of notices —
   * in one transaction; the outbox relay publishes the events, with their notices, to Kafka afterwards, and the read
   * models (the inbox among them) are built from there. Idempotent by (stream, seq) and by notice key: Temporal
   * retries it until PostgreSQL has them, and fails it at once (non-retryable) for what PostgreSQL can never store.
   */
  recordEvents(events: Array<RecordedEvent | RecordedCycleEvent>, notices?: Notice[]): Promise<void>;
  /**
   * `recordEvents` for a local activity: stores the same way, then returns the events as stored. Temporal keeps a
   * local activity's result in its MarkerRecorded event, not its input, so the result is the history's own copy of
   * what the store was handed — what `duban audit verify` compares the stored rows with.
   */
  storeEvents(events: RecordedEvent[], notices?: Notice[]): Promise<RecordedEvent[]>;
  /**
   * Records notices of events already stored (the record of notices, and their event published again if it went out
   * without them), so they reach their recipients' inboxes through the read models; idempotent by notice key.
   */
  deliverNotices(notices: Notice[]): Promise<void>;

  /**
   * Starts the assignments at positions [offset, offset + limit) of a cycle's task table (cycle_items), each under
   * its own id: one already started — by an earlier launch, or an earlier attempt of this one — is counted, not
   * started again. Heartbeats its progress.
   */
  startCycleAssignments(input: { cycleId: string; offset: number; limit: number }): Promise<{
    started: number;
    existing: number;
  }>;
  /** The reporting periods of a cycle's assignments, each with the latest due date any assignment has in it. */
  cycleSchedule(input: { cycleId: string }): Promise<Array<{ key: string; label: string; lastDue: string }>>;
  /**
   * Sends one action to every running assignment of the cycle, as an update whose id is `requestId`, so a retried
   * broadcast applies it once per assignment. Closed assignments are skipped.
   */
  broadcastToCycle(input: { cycleId: string; requestId: string } & CycleBroadcast): Promise<{
    applied: number;
    skipped: number;
  }>;
  /** A period's 督查通报, from the stored events of the cycle's assignments folded with the decider's evolve. */
  computeCycleBulletin(input: {
    cycleId: string;
    title: string;
    period: { key: string; label: string };
    issuedAt: string;
    scoring: ScoringRules;
  }): Promise<Bulletin>;
  /**
   * 改派: starts the assignment that takes over a handed-over item, under `workflowId`, with the handover as its
   * input; one already started under that id (an earlier attempt, or the unit's own assignment of the item) is left
   * as it is. A cycle's successor joins the cycle's task table, so its bulletins count it.
   */
  startSuccessor(input: {
    workflowId: string;
    spec: AssignmentSpecV3;
    handover: { predecessor: string; from: string; by: string; reason: string };
    /** Who reassigned it, as the API named them (the signed-in account): the actor of the successor's first events. */
    actor?: Caller;
  }): Promise<{ started: boolean }>;
  /** Every unit the cycle supervises: lead units and cooperating units. */
  cycleUnits(input: { cycleId: string }): Promise<string[]>;

  /**
   * Sends one message to one address — unless this delivery (its id, for these notices) was sent already, by an
   * earlier attempt or a replayed workflow: then nothing goes out again — and records it sent for every notice the
   * message carries. A refusal that can never succeed (a 4xx answer but 429, a mailbox the server rejects) fails
   * non-retryable, with the channel's reason.
   */
  sendDelivery(input: { address: Address; message: Message; noticeKeys: string[]; at: string }): Promise<{
    receipt: string;
    repeated: boolean;
  }>;
  /** Appends outcomes (held, digest, failed) to `delivery_outcomes`. */
  recordDeliveryOutcomes(outcomes: DeliveryOutcome[]): Promise<void>;
  /**
   * Puts a notice in its recipient's daily digest: signals the recipient's digest workflow, starting it if it is not
   * running. A repeated signal (a retried activity) is ignored by the digest, which keys entries by notice.
   */
  joinDigest(input: Omit<DigestInput, 'entries'> & { entry: DigestEntry }): Promise<void>;
}
