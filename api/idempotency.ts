/**
 * Idempotency-Key headers: a client that may retry a call sends the same key each time, and the call is applied
 * once — the key becomes the Temporal update id, which a workflow run applies once. Here each key is bound to the
 * request it first came with, so that a key reused for a different request is refused instead of answered with the
 * first request's result.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { canonicalJson } from '../domain/canonical-json';
import { AppError } from './errors';

/** What a key may look like: printable ASCII, as UUIDs and the like are; long enough for any of them. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export class IdempotencyKeys {
  constructor(private readonly pool: Pool) {}

  /**
   * Binds `key` to this request, or checks that it was bound to the same one before. Refuses a malformed key and a
   * key already used for another request.
   */
  async bind(key: string, request: { operation: string; assignmentId: string; body: unknown }): Promise<void> {
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new AppError(
        'INVALID_PAYLOAD',
        'Idempotency-Key 须为 1 到 128 个可打印 ASCII 字符（如一个 UUID）；请换一个键重试',
      );
    }
    const hash = createHash('sha256').update(canonicalJson(request)).digest('hex');
    const { rows } = await this.pool.query<{ request_hash: string }>(
      `INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
       RETURNING request_hash`,
      [key, hash],
    );
    if (rows[0]?.request_hash !== hash) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key ${key} 已用于另一个请求；重试同一请求请原样发送，新的请求请使用新的键`,
      );
    }
  }
}
