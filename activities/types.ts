/**
 * The activities the workflows call, as types only: workflow code imports this file, never the implementations
 * (which hold database and Kafka clients and must stay out of the workflow bundle).
 */
import type { RecordedEvent } from '../workflows/assignment/events';
import type { Notice } from '../workflows/assignment/notices';

export interface Activities {
  /**
   * Appends events to the event store and its read models in one transaction, then publishes them to Kafka keyed
   * by assignment. Idempotent by (assignmentId, seq): Temporal retries it until both have the events.
   */
  recordEvents(events: RecordedEvent[]): Promise<void>;
  /** Puts notices in their recipients' inboxes; idempotent by notice key. */
  deliverNotices(notices: Notice[]): Promise<void>;
}
