/**
 * Password sign-in with throttling. After 5 failed sign-ins for an account within 15 minutes (25 from one address:
 * an office behind one NAT address shares it), each further attempt is refused unchecked until a wait has passed
 * since the last failure — 1 s, then 2 s, 4 s … up to 15 minutes — so guessing slows to a crawl while the person
 * who mistyped waits seconds. The attempts are in PostgreSQL (account-store.ts), so every API process counts the
 * same ones. Every failure is logged (account as typed and address, never the password) and the answer never says
 * whether the account exists: an unknown account is checked against a decoy hash and answered in the same words.
 */
import type { Pool } from 'pg';
import {
  findForSignIn,
  recentFailures,
  recordSignInAttempt,
  rehashPassword,
  settleSignInAttempt,
  type FailureCount,
  type RecentFailures,
  type StoredAccount,
} from '../account-store';
import { AuthError } from './errors';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords';

export const THROTTLE = {
  /** Failures counted over this window. */
  windowMinutes: 15,
  /** Failures for one account (since its last success) before attempts wait. */
  accountFailures: 5,
  /** Failures from one address before attempts wait. */
  ipFailures: 25,
  /** The longest wait. */
  maxWaitSeconds: 15 * 60,
};

/** How long a throttled attempt is held before its 429 (the wait itself, up to this). */
const HOLD_MS = 1000;

/** The wait after `count` failures with `limit` allowed: none below it, then 1 s, 2 s, 4 s … to the maximum. */
export function waitAfter(count: number, limit: number): number {
  if (count < limit) return 0;
  return Math.min(2 ** (count - limit), THROTTLE.maxWaitSeconds) * 1000;
}

/** The milliseconds still to wait before an attempt is checked, from the failures that count against it. */
export function throttleWait(failures: RecentFailures): number {
  const left = ({ count, last }: FailureCount, limit: number) =>
    last ? last.getTime() + waitAfter(count, limit) - failures.now.getTime() : 0;
  return Math.max(0, left(failures.account, THROTTLE.accountFailures), left(failures.ip, THROTTLE.ipFailures));
}

export interface SignInRequest {
  account: string;
  password: string;
  ip: string;
}

const WRONG = '账号或密码不正确；忘记密码请联系系统管理员重置';

/**
 * The account a password proves, or AuthError: TOO_MANY_REQUESTS (with the seconds to wait) or UNAUTHENTICATED.
 * `holdMs` caps how long a throttled answer is held back (tests shorten it).
 */
export async function signIn(
  pool: Pool,
  { account: typed, password, ip }: SignInRequest,
  { log, holdMs = HOLD_MS }: { log: { warn: (fields: object, message: string) => void }; holdMs?: number },
): Promise<StoredAccount> {
  const name = typed.trim().toLowerCase();
  const attempt = await recordSignInAttempt(pool, { accountId: name, ip });
  const wait = throttleWait(
    await recentFailures(pool, { accountId: name, ip, except: attempt, windowMinutes: THROTTLE.windowMinutes }),
  );
  if (wait > 0) {
    await settleSignInAttempt(pool, attempt, 'throttled');
    const seconds = Math.ceil(wait / 1000);
    log.warn({ account: name, ip, retryAfter: seconds }, `登录尝试过于频繁，已拒绝：账号 ${name}，来自 ${ip}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, holdMs)));
    throw new AuthError(
      'TOO_MANY_REQUESTS',
      `登录失败次数过多，请 ${seconds} 秒后再试；忘记密码请联系系统管理员重置`,
      seconds,
    );
  }
  const found = await findForSignIn(pool, name);
  const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
  if (!found || !ok) {
    log.warn({ account: name, ip }, `登录失败：账号 ${name}，来自 ${ip}（账号或密码不正确）`);
    throw new AuthError('UNAUTHENTICATED', WRONG);
  }
  if (found.account.disabledAt) {
    log.warn({ account: name, ip }, `登录失败：账号 ${name}，来自 ${ip}（账号已停用）`);
    throw new AuthError('UNAUTHENTICATED', `账号 ${found.account.id} 已停用；请联系系统管理员`);
  }
  await settleSignInAttempt(pool, attempt, 'ok');
  if (needsRehash(found.passwordHash)) {
    // A password set under older rules may fail today's; it keeps its old hash rather than failing the sign-in.
    const stronger = await hashPassword(password).catch(() => undefined);
    if (stronger) await rehashPassword(pool, found.account.id, stronger);
  }
  return found.account;
}
