/**
 * The activities the workflows call, as types only: workflow code imports this file, never the implementations
 * (which hold database and Kafka clients and must stay out of the workflow bundle).
 */
import type { RecordedEvent } from '../workflows/assignment/events';
import type { Notice } from '../workflows/assignment/notices';

export interface Activities {
  /**
   * Appends events to the event store, its read models and the outbox in one transaction; the outbox relay
   * publishes them to Kafka afterwards. Idempotent by (assignmentId, seq): Temporal retries it until PostgreSQL has
   * the events, and fails it at once (non-retryable) for what PostgreSQL can never store.
   */
  recordEvents(events: RecordedEvent[]): Promise<void>;
  /** Puts notices in their recipients' inboxes; idempotent by notice key. */
  deliverNotices(notices: Notice[]): Promise<void>;
}
