/**
 * The web page's sessions. The cookie's value is `<id>.<mac>`: a random 32-byte id (hex) and its HMAC-SHA256 under
 * the deployment's secret (base64url), so a forged or altered cookie is refused before the database is asked. Only
 * the id's SHA-256 is stored (migration 016). Each session has its own CSRF token, which its state-changing requests
 * must send back (api/auth/authenticate.ts).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { shanghaiTime } from '../../domain/audit/timeline';
import { findAccount, type StoredAccount } from '../account-store';
import { AuthError } from './errors';

export interface NewSession {
  /** The cookie's value. */
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface OpenSession {
  account: StoredAccount;
  csrfToken: string;
  expiresAt: Date;
  /** The stored id (the SHA-256 of the cookie's id), to revoke it. */
  key: string;
}

const mac = (secret: Buffer, id: string) => createHmac('sha256', secret).update(`session:${id}`).digest();
const keyOf = (id: string) => createHash('sha256').update(id).digest('hex');
const SIGN_IN_AGAIN = '请重新登录';

/** Opens a session for an account that has just proved its password. */
export async function createSession(pool: Pool, secret: Buffer, accountId: string, hours: number): Promise<NewSession> {
  const id = randomBytes(32).toString('hex');
  const csrfToken = randomBytes(32).toString('base64url');
  const { rows } = await pool.query<{ expires_at: Date }>(
    `INSERT INTO sessions (id, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))
     RETURNING expires_at`,
    [keyOf(id), accountId, csrfToken, hours],
  );
  return { cookie: `${id}.${mac(secret, id).toString('base64url')}`, csrfToken, expiresAt: rows[0]!.expires_at };
}

/** The id a cookie carries when its MAC is this deployment's, else undefined (checked in constant time). */
export function sessionIdOf(cookie: string, secret: Buffer): string | undefined {
  const match = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!match) return undefined;
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = mac(secret, match[1]!);
  return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : undefined;
}

/**
 * The session a cookie stands for, or UNAUTHENTICATED saying why: altered, unknown, signed out, expired, account
 * disabled, or password changed since it began.
 */
export async function openSession(pool: Pool, secret: Buffer, cookie: string): Promise<OpenSession> {
  const id = sessionIdOf(cookie, secret);
  if (id === undefined) throw new AuthError('UNAUTHENTICATED', `登录凭据（Cookie）无效或被改动过；${SIGN_IN_AGAIN}`);
  const key = keyOf(id);
  const { rows } = await pool.query<{
    account_id: string;
    csrf_token: string;
    created_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    expired: boolean;
  }>(
    `SELECT account_id, csrf_token, created_at, expires_at, revoked_at, expires_at <= now() AS expired
     FROM sessions WHERE id = $1`,
    [key],
  );
  const session = rows[0];
  if (!session) throw new AuthError('UNAUTHENTICATED', `登录已失效；${SIGN_IN_AGAIN}`);
  // The cause first: a disable or a password change also ends the sessions, and says so better than "signed out".
  const account = await findAccount(pool, session.account_id);
  if (!account) throw new AuthError('UNAUTHENTICATED', `账号 ${session.account_id} 已不存在`);
  if (account.disabledAt) throw new AuthError('UNAUTHENTICATED', `账号 ${account.id} 已停用；请联系系统管理员`);
  if (account.passwordChangedAt > session.created_at) {
    throw new AuthError('UNAUTHENTICATED', `账号 ${account.id} 的密码已更改；请用新密码重新登录`);
  }
  if (session.revoked_at) throw new AuthError('UNAUTHENTICATED', `已退出登录；${SIGN_IN_AGAIN}`);
  if (session.expired) {
    throw new AuthError(
      'UNAUTHENTICATED',
      `登录已于 ${shanghaiTime(session.expires_at.toISOString())}（北京时间）过期；${SIGN_IN_AGAIN}`,
    );
  }
  return { account, csrfToken: session.csrf_token, expiresAt: session.expires_at, key };
}

/** Ends a session (sign-out); ending an ended one changes nothing. */
export async function revokeSession(pool: Pool, key: string): Promise<void> {
  await pool.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [key]);
}
