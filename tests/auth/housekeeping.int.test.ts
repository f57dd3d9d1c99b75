/**
 * The API process purges what can no longer sign anybody in, at its start and every hour: sessions a day past their
 * end, revocations of expired tokens, sign-in attempts older than the log keeps. Everything else stays.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { startSignInHousekeeping } from '../../api/auth/housekeeping';
import { purgeExpiredSignIns, SIGN_IN_LOG_DAYS } from '../../infra/account-store';
import { createAccount } from '../support/accounts';
import { connectPostgres, testLogger, uniqueId } from '../support/stack';

let pool: Pool;

beforeAll(async () => {
  pool = await connectPostgres();
});

afterAll(async () => {
  await pool?.end();
});

/** A session row as sign-in writes it, ending (expiring, or signed out) at the times given relative to now. */
async function session(accountId: string, expires: string, revoked: string | null = null): Promise<string> {
  const id = randomBytes(32).toString('hex');
  await pool.query(
    `INSERT INTO sessions (id, account_id, csrf_token, expires_at, revoked_at)
     VALUES ($1, $2, 'csrf', now() + $3::interval, now() + $4::interval)`,
    [id, accountId, expires, revoked],
  );
  return id;
}

async function revocation(accountId: string, expires: string): Promise<string> {
  const jti = uniqueId('jti');
  await pool.query(`INSERT INTO revoked_tokens (jti, account_id, expires_at) VALUES ($1, $2, now() + $3::interval)`, [
    jti,
    accountId,
    expires,
  ]);
  return jti;
}

async function attempt(name: string, ago: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO sign_in_attempts (account_id, ip, at) VALUES ($1, '10.0.0.1', now() - $2::interval) RETURNING id`,
    [name, ago],
  );
  return rows[0]!.id;
}

async function left(table: string, column: string, ids: string[]): Promise<string[]> {
  const { rows } = await pool.query(`SELECT ${column}::text AS id FROM ${table} WHERE ${column}::text = ANY ($1)`, [
    ids,
  ]);
  return ids.filter((id) => rows.some((r) => r.id === id));
}

test('a purge deletes sessions a day past their end, expired revocations and attempts past the log, and nothing else', async () => {
  const account = await createAccount(pool);
  const sessions = {
    expiredTwoDaysAgo: await session(account.id, '-2 days'),
    expiredAnHourAgo: await session(account.id, '-1 hour'), // still answered with when it expired
    live: await session(account.id, '7 days'),
    signedOutTwoDaysAgo: await session(account.id, '5 days', '-2 days'),
  };
  const revocations = { expired: await revocation(account.id, '-1 hour'), live: await revocation(account.id, '1 day') };
  const attempts = {
    pastTheLog: await attempt(account.id, `${SIGN_IN_LOG_DAYS + 1} days`),
    lastWeek: await attempt(account.id, '7 days'),
  };
  await pool.query(
    `INSERT INTO issued_tokens (jti, account_id, expires_at, issued_by) VALUES ($1, $2, now() - interval '30 days', 'admin')`,
    [uniqueId('issued'), account.id],
  );

  const purged = await purgeExpiredSignIns(pool);

  expect(purged.sessions).toBeGreaterThanOrEqual(2);
  expect(await left('sessions', 'id', Object.values(sessions))).toEqual([sessions.expiredAnHourAgo, sessions.live]);
  expect(await left('revoked_tokens', 'jti', Object.values(revocations))).toEqual([revocations.live]);
  expect(await left('sign_in_attempts', 'id', Object.values(attempts))).toEqual([attempts.lastWeek]);
  const issued = await pool.query('SELECT count(*)::int AS n FROM issued_tokens WHERE account_id = $1', [account.id]);
  expect(issued.rows[0].n).toBe(1); // who was given a token, and by whom, stays
  const accounts = await pool.query('SELECT count(*)::int AS n FROM accounts WHERE id = $1', [account.id]);
  expect(accounts.rows[0].n).toBe(1);
});

test('housekeeping purges as soon as it starts (the API process starts it beside its server)', async () => {
  const account = await createAccount(pool);
  const old = await session(account.id, '-3 days');
  const housekeeping = startSignInHousekeeping(pool, testLogger);
  await housekeeping.stop();
  expect(await left('sessions', 'id', [old])).toEqual([]);
});
