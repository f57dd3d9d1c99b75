/**
 * Email through SMTP with nodemailer's pooled transport: a few connections kept open and reused, so a quarter end's
 * thousands of notices do not each pay for a TCP and SMTP handshake. Each message carries its delivery id twice — a
 * Message-ID derived from it and an `X-Duban-Delivery` header — so a repeated attempt is recognisable in the mailbox.
 */
import { createHash } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Config } from '../config';
import type { Address, Message } from '../../domain/notify/message';
import { renderEmail } from '../../domain/notify/render';
import { DeliveryFailure } from './delivery-failure';

export type EmailConfig = Pick<
  Config,
  'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_FROM' | 'DUBAN_WEB_URL'
>;

/** `<first 32 hex of sha256(deliveryId)@duban>`: the same id on every attempt, and no raw id in a header field. */
export function messageIdOf(deliveryId: string): string {
  return `<${createHash('sha256').update(deliveryId, 'utf8').digest('hex').slice(0, 32)}@duban>`;
}

export class EmailSender {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly config: EmailConfig) {
    this.transport = createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      pool: true,
      maxConnections: 4,
      ...(config.SMTP_USER !== undefined && { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } }),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as SMTPTransport.Options);
  }

  async send(address: Address, message: Message): Promise<{ receipt: string }> {
    const email = renderEmail(message, { ...(this.config.DUBAN_WEB_URL && { webUrl: this.config.DUBAN_WEB_URL }) });
    try {
      const info = await this.transport.sendMail({
        from: this.config.SMTP_FROM,
        to: address.name ? { name: address.name, address: address.to } : address.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: messageIdOf(message.deliveryId),
        headers: { 'X-Duban-Delivery': message.deliveryId, 'X-Duban-Kind': message.kind },
      });
      return { receipt: info.response };
    } catch (error) {
      throw emailFailure(error, address.to);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * What an SMTP error means for retrying: a 4xx reply (mailbox busy, greylisting) and anything before a reply
 * (connection refused, timeouts, a dropped socket) may pass; a 5xx reply (mailbox refused, authentication failed)
 * will not pass by itself.
 */
export function emailFailure(error: unknown, to: string): DeliveryFailure {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const status = e.responseCode;
  if (typeof status === 'number' && status >= 500) {
    return new DeliveryFailure(
      `邮件服务器拒收发往 ${to} 的邮件（${status}）：${e.response ?? e.message}；检查该邮箱地址是否正确`,
      false,
      `SMTP_${status}`,
      status,
    );
  }
  if (typeof status === 'number' && status >= 400) {
    return new DeliveryFailure(
      `邮件服务器暂时拒收发往 ${to} 的邮件（${status}）：${e.response ?? e.message}`,
      true,
      `SMTP_${status}`,
      status,
    );
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') {
    return new DeliveryFailure(`发往 ${to} 的邮件无法组成：${e.message}`, false, e.code);
  }
  return new DeliveryFailure(
    `无法连接邮件服务器（${e.code ?? 'ERROR'}）：${e.message}；检查 SMTP_HOST、SMTP_PORT 和邮件服务器是否运行`,
    true,
    e.code === 'ETIMEDOUT' ? 'TIMEOUT' : 'CONNECTION',
  );
}
