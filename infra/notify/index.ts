/**
 * Sending one message to one address, by email or webhook: what the delivery activities call. A failure says whether
 * another attempt could help ({@link DeliveryFailure}); retrying, holding and giving up are the orchestration's.
 */
import type { Config } from '../config';
import type { Address, Message } from '../../domain/notify/message';
import { DeliveryFailure } from './delivery-failure';
import { EmailSender } from './email';
import { WebhookSender, type WebhookOptions } from './webhook';

export { DeliveryFailure } from './delivery-failure';
export { messageIdOf } from './email';
export { dingTalkSign, jsonSignature, signedDingTalkUrl } from './signatures';

export interface Sender {
  /** Sends one message to one address; resolves with a short receipt (SMTP response / HTTP status and body). */
  send(address: Address, message: Message): Promise<{ receipt: string }>;
  close(): Promise<void>;
}

/**
 * The sender for every channel, from the configuration: one pooled SMTP transport (opened on the first email) and
 * fetch for webhooks. `options.fetch` replaces the global fetch (a proxy-aware one, say); `options.now` the clock
 * the signatures use.
 */
export function createSender(config: Config, options: WebhookOptions = {}): Sender {
  let email: EmailSender | undefined;
  const webhooks = new WebhookSender(config, options);
  return {
    async send(address, message) {
      if (address.channel === 'email') {
        email ??= new EmailSender(config);
        return email.send(address, message);
      }
      return webhooks.send(address, message);
    },
    async close() {
      await email?.close();
    },
  };
}

/** Whether an error from {@link Sender.send} may pass on another attempt (an unexpected error: yes). */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof DeliveryFailure) || error.retryable;
}
