/**
 * The signatures receivers check, in one place so the senders, the README's recipe and the tests agree: the plain
 * JSON webhook's HMAC over the timestamp and the body, and DingTalk's signed URL.
 */
import { createHmac } from 'node:crypto';

/**
 * `X-Duban-Signature` of a plain JSON webhook: `sha256=` and the hex HMAC-SHA256, keyed with the address's secret,
 * of `${timestamp}.${body}` (timestamp = `X-Duban-Timestamp`, unix seconds; body = the exact bytes sent). Signing
 * the timestamp with the body lets a receiver refuse a replayed request outside its window.
 */
export function jsonSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** DingTalk's `sign`: base64 HMAC-SHA256, keyed with the robot's SEC… secret, of `${timestampMs}\n${secret}`. */
export function dingTalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** A DingTalk robot URL with `&timestamp=…&sign=…` (the sign URL-encoded) added, as its 加签 setting requires. */
export function signedDingTalkUrl(url: string, secret: string, timestampMs: number): string {
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestampMs));
  signed.searchParams.set('sign', dingTalkSign(secret, timestampMs));
  return signed.toString();
}
