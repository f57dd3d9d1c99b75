/**
 * What the audit commands read of the store, in the shapes they read it in: an event as stored (with its metadata and
 * its link in the hash chain), and a notice as sent. The SQL that fills them is in infra/audit-store.ts; everything
 * that reasons about them is pure and lives beside this file.
 */
import type { AssignmentEvent } from '../../workflows/assignment/events';
import type { CycleEvent } from '../../workflows/cycle/events';
import type { EventMeta, StoredLink } from './chain';

export interface StoredEvent {
  /** The stream: an assignment's id, or `cycle:<cycleId>`. */
  assignmentId: string;
  seq: number;
  event: AssignmentEvent | CycleEvent;
  meta: EventMeta | null;
  /** Null only for a row the chain has not reached yet (migrate() chains every row stored before the chain). */
  prevHash: string | null;
  hash: string | null;
  /** When PostgreSQL stored it (ISO). */
  recordedAt: string;
}

/** A notice that went out for an event: to whom, what kind, with what subject. */
export interface SentNotice {
  assignmentId: string;
  seq: number;
  recipient: string;
  /** A NoticeKind ('reminder', 'urge', …), or what the store's newer notice table calls it. */
  kind: string;
  subject: string;
  /** When the event behind it happened (ISO). */
  at: string;
  /** What became of it on the recipient's channels (email, webhooks), in order; none when it stayed in the inbox. */
  deliveries?: NoticeDelivery[];
}

/** One outcome of delivering a notice on a channel (`delivery_outcomes`). */
export interface NoticeDelivery {
  channel: string;
  address: string;
  outcome: 'held' | 'digest' | 'sent' | 'failed';
  /** ISO: the delivery workflow's time. */
  at: string;
  detail: string;
}

/** The link an event is in the chain, for `firstBreak`: a row the chain has not reached has empty hashes. */
export function linkOf(stored: StoredEvent): StoredLink {
  return {
    assignmentId: stored.assignmentId,
    seq: stored.seq,
    event: stored.event,
    meta: stored.meta,
    prevHash: stored.prevHash ?? '',
    hash: stored.hash ?? '',
  };
}
