/**
 * One message to one address: what the channels send (infra/notify) and what the orchestration builds from a notice,
 * a digest or a failed delivery. Pure data, so the renderers are tested without servers and the workflow can carry a
 * message in its history.
 */
import type { WebhookKind } from '../units/contacts';

/** The ways a message leaves: email (SMTP) or one of the webhook formats. */
export type Channel = 'email' | WebhookKind;

/** Where one message goes: an email address, or a webhook URL (with the secret it is signed with, if any). */
export interface Address {
  channel: Channel;
  to: string;
  name?: string;
  secret?: string;
}

/** One entry of a digest. */
export interface MessageItem {
  assignmentId: string;
  subject: string;
  body: string;
  at: string;
}

export interface Message {
  /** The idempotency key of this delivery: the same on every attempt; the receiver sees it. */
  deliveryId: string;
  /** The directory name told: a unit, "<unit>主要负责人", or the coordinator's office. */
  recipient: string;
  /** A NoticeKind ('reminder', 'urge', …), or 'digest', or 'delivery-failed'. */
  kind: string;
  /** Chinese, e.g. 【提醒】「1.2 xxx」…. */
  subject: string;
  /** Chinese plain text. */
  body: string;
  /** ISO instant the event happened. */
  at: string;
  /** The item; with DUBAN_WEB_URL set, email and robots carry a link to it. */
  assignmentId?: string;
  /** A digest's list. */
  items?: MessageItem[];
}
