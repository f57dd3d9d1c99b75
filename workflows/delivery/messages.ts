/**
 * The delivery workflows' inputs and the digest's signal: what the dispatcher decides when it takes a notice off the
 * queue (who it reaches and how), fixed in the workflow's input so an audit sees the addresses that were used.
 */
import { defineSignal } from '@temporalio/workflow';
import type { OfficeHours } from '../../domain/notify/hours';
import type { Address, MessageItem } from '../../domain/notify/message';
import type { WorkingCalendar } from '../../domain/working-days';

/** A notice as the delivery workflow carries it (a row of `notices`). */
export interface DeliveryNotice {
  key: string;
  assignmentId: string;
  seq: number;
  recipient: string;
  kind: string;
  subject: string;
  body: string;
  /** When the event behind it happened (ISO). */
  at: string;
}

/**
 * How long a channel that does not answer is tried: after `firstMs`, doubling up to `maxMs` between tries, until
 * `giveUpMs` after the first try; then the delivery is marked failed and the coordinator told.
 */
export interface DeliveryRetry {
  firstMs: number;
  maxMs: number;
  giveUpMs: number;
}

/** When notices may go out: the office hours, on the working days of the calendar slice carried along. */
export interface DeliveryWindow {
  hours: OfficeHours;
  calendar: WorkingCalendar;
}

/** One address of a notice's recipient, with the id of its delivery there. */
export interface AddressedDelivery {
  address: Address;
  /**
   * The idempotency key the receiver sees (email Message-ID and X-Duban-Delivery, the webhook's X-Duban-Delivery):
   * derived from the notice, channel and address, so it is the same on every attempt, on replay, and in any workflow
   * that should ever handle the same notice again; ASCII, since it rides in headers.
   */
  deliveryId: string;
}

/** One notice of a batch: every channel its recipient is reached on, from the unit directory when dispatched. */
export interface QueuedDelivery {
  notice: DeliveryNotice;
  addresses: AddressedDelivery[];
  /** The recipient takes one daily digest instead of a message per notice, and this notice may wait for it. */
  digest: boolean;
  /** Who is told when a channel fails: the coordinator's office of the notice's assignment. */
  coordinator: string;
}

/** The notices one pass of the dispatcher took off the queue, delivered by one workflow. */
export interface DeliveryInput extends DeliveryWindow {
  deliveries: QueuedDelivery[];
  retry: DeliveryRetry;
}

/** A notice waiting in a recipient's daily digest. */
export interface DigestEntry extends MessageItem {
  key: string;
  seq: number;
  kind: string;
}

export interface DigestInput extends DeliveryWindow {
  recipient: string;
  addresses: Address[];
  coordinator: string;
  retry: DeliveryRetry;
  /** Entries carried over from the run before (continue-as-new). */
  entries: DigestEntry[];
}

/** Adds a notice to its recipient's next digest, with the addresses the dispatcher found for it then. */
export type DigestSignal = { entry: DigestEntry; addresses: Address[] } & DeliveryWindow;
export const addToDigestSignal = defineSignal<[DigestSignal]>('addToDigest');

/** The ids the delivery workflows run under: one per batch of notices (a digest of their keys), one per recipient. */
export const deliveryWorkflowId = (batch: string) => `deliveries:${batch}`;
export const digestWorkflowId = (recipient: string) => `digest:${recipient}`;

/** Notices never held for a digest: a 通报 to the coordinator, and a failed delivery the coordinator must act on. */
export const URGENT_KINDS: readonly string[] = ['report-coordinator', 'delivery-failed'];

export type DeliveryOutcomeKind = 'held' | 'digest' | 'sent' | 'failed';

/** A row of `delivery_outcomes`: what happened to one delivery of one notice, at the workflow's time. */
export interface DeliveryOutcome {
  deliveryId: string;
  noticeKey: string;
  recipient: string;
  channel: string;
  address: string;
  outcome: DeliveryOutcomeKind;
  /** ISO. */
  at: string;
  detail: string;
}
