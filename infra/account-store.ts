/**
 * Accounts in PostgreSQL (migration 016): who may sign in, as what, for which unit, office and cycles. What comes
 * in is parsed here with zod, at the edge, so the command line and any future admin page refuse the same things with
 * the same messages; the table's CHECKs are the last line, not the first. Passwords are only ever stored hashed
 * (infra/auth/passwords.ts). Also the sign-in attempts that throttle guessing: kept in PostgreSQL so that every API
 * process counts the same failures.
 */
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { ROLE_NAMES, ROLES, isUnitRole, type Account, type Role } from '../api/auth/account';
import { AuthError } from './auth/errors';
import { hashPassword } from './auth/passwords';
import { withTransaction } from './postgres';

/** The sign-in name: what people type, so letters, digits and . _ -; stored in lower case, matched the same way. */
export const ACCOUNT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const text = (what: string, max: number) =>
  z
    .string({ error: `${what}应为文字` })
    .trim()
    .min(1, `${what}不能为空`)
    .max(max, `${what}太长：至多 ${max} 个字符`)
    .refine((s) => !/\p{Cc}/u.test(s), `${what}中不能有控制字符`);

export const accountId = z
  .string({ error: '账号应为文字' })
  .trim()
  .toLowerCase()
  .regex(ACCOUNT_ID, '账号只能由字母、数字和 . _ - 组成，以字母或数字开头，至多 64 个字符（如 zhang.wei）');

const cycleId = text('督办周期编号', 128);

/** A new account as given (by `duban users add` or an admin's request): refused whole, naming the field and the fix. */
export const accountInput = z
  .strictObject(
    {
      id: accountId,
      displayName: text('显示名', 64),
      role: z.enum(ROLES, {
        error: `角色应为 ${ROLES.map((r) => `${r}（${ROLE_NAMES[r]}）`).join('、')} 之一`,
      }),
      unit: text('单位名称', 64).optional(),
      office: text('督办单位名称', 64).optional(),
      cycles: z.array(cycleId).max(1000).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `不认识的字段：${issue.keys.join('、')}` : undefined) },
  )
  .superRefine((a, ctx) => {
    if (isUnitRole(a.role) && !a.unit) {
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: `${ROLE_NAMES[a.role]}须写明所在单位（--unit 单位名称）`,
      });
    }
    if (!isUnitRole(a.role) && a.unit) {
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: `${ROLE_NAMES[a.role]}不属于某个单位：去掉单位，或把角色改为 unit-head 或 unit-member`,
      });
    }
    if (a.role === 'coordinator' && !a.office) {
      ctx.addIssue({
        code: 'custom',
        path: ['office'],
        message: '督办人员须写明所在督办单位（--office 督办单位，如 市政府督查室）',
      });
    }
    if (a.role !== 'coordinator' && a.office) {
      ctx.addIssue({ code: 'custom', path: ['office'], message: `只有督办人员（coordinator）有督办单位；去掉 office` });
    }
    if (a.role !== 'coordinator' && a.cycles && a.cycles.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['cycles'], message: '只有督办人员（coordinator）可被授予督办周期' });
    }
  });
export type AccountInput = z.input<typeof accountInput>;

/** An account as the store keeps it: the Account the request carries, and its state. */
export interface StoredAccount extends Account {
  disabledAt?: Date;
  createdAt: Date;
  passwordChangedAt: Date;
}

interface AccountRow {
  id: string;
  display_name: string;
  role: Role;
  unit: string | null;
  office: string | null;
  disabled_at: Date | null;
  created_at: Date;
  password_changed_at: Date;
  cycles: string[] | null;
}

const SELECT_ACCOUNTS = `
  SELECT a.id, a.display_name, a.role, a.unit, a.office, a.disabled_at, a.created_at, a.password_changed_at,
         (SELECT array_agg(c.cycle_id ORDER BY c.cycle_id) FROM account_cycles c WHERE c.account_id = a.id) AS cycles
  FROM accounts a`;

function toAccount(row: AccountRow): StoredAccount {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    ...(row.unit !== null && { unit: row.unit }),
    ...(row.office !== null && { office: row.office }),
    ...(row.role === 'coordinator' && { cycles: row.cycles ?? [] }),
    ...(row.disabled_at !== null && { disabledAt: row.disabled_at }),
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
  };
}

/** The first problem zod found, as one sentence naming the field. */
function refusal(error: z.ZodError, prefix = '账号信息有误'): AuthError {
  const problems = error.issues.map((i) => i.message);
  return new AuthError('INVALID_ACCOUNT', `${prefix}：${problems.join('；')}`);
}

/** The id as it is stored (trimmed, lower case), or INVALID_ACCOUNT naming the rule. */
export function parseAccountId(id: unknown): string {
  const parsed = accountId.safeParse(id);
  if (!parsed.success) throw refusal(parsed.error, '账号有误');
  return parsed.data;
}

/**
 * Creates an account with its password (checked and hashed here) and, for a coordinator, its cycles. An id already
 * taken is refused (ACCOUNT_EXISTS), never overwritten.
 */
export async function addAccount(pool: Pool, input: unknown, password: string): Promise<StoredAccount> {
  const parsed = accountInput.safeParse(input);
  if (!parsed.success) throw refusal(parsed.error);
  const a = parsed.data;
  const hash = await hashPassword(password);
  return withTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO accounts (id, display_name, role, unit, office, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [a.id, a.displayName, a.role, a.unit ?? null, a.office ?? null, hash],
    );
    if (inserted.rowCount === 0) {
      throw new AuthError('ACCOUNT_EXISTS', `账号 ${a.id} 已存在；换一个账号名，或用 duban users list 查看已有账号`);
    }
    for (const cycle of new Set(a.cycles ?? [])) await grant(client, a.id, cycle);
    return (await findIn(client, a.id))!;
  });
}

async function findIn(client: Pool | PoolClient, id: string): Promise<StoredAccount | undefined> {
  const { rows } = await client.query<AccountRow>(`${SELECT_ACCOUNTS} WHERE a.id = $1`, [id]);
  return rows[0] && toAccount(rows[0]);
}

/** Every account, by id; disabled ones too (with disabledAt). */
export async function listAccounts(pool: Pool): Promise<StoredAccount[]> {
  const { rows } = await pool.query<AccountRow>(`${SELECT_ACCOUNTS} ORDER BY a.id`);
  return rows.map(toAccount);
}

/** One account by its id (any case), or undefined. */
export async function findAccount(pool: Pool, id: string): Promise<StoredAccount | undefined> {
  const parsed = accountId.safeParse(id);
  return parsed.success ? findIn(pool, parsed.data) : undefined;
}

/** What sign-in needs: the account and its stored hash. Only infra/auth and the sign-in route read the hash. */
export async function findForSignIn(
  pool: Pool,
  id: string,
): Promise<{ account: StoredAccount; passwordHash: string } | undefined> {
  const parsed = accountId.safeParse(id);
  if (!parsed.success) return undefined;
  const { rows } = await pool.query<AccountRow & { password_hash: string }>(
    `${SELECT_ACCOUNTS.replace('a.password_changed_at,', 'a.password_changed_at, a.password_hash,')} WHERE a.id = $1`,
    [parsed.data],
  );
  return rows[0] && { account: toAccount(rows[0]), passwordHash: rows[0].password_hash };
}

async function existing(client: Pool | PoolClient, id: string): Promise<StoredAccount> {
  const account = await findIn(client, parseAccountId(id));
  if (!account) {
    throw new AuthError(
      'UNKNOWN_ACCOUNT',
      `没有账号 ${id}；用 duban users list 查看已有账号，或用 duban users add 新建`,
    );
  }
  return account;
}

/**
 * Disables an account: it signs in nowhere, its sessions are ended and its tokens refused; its history stays. Says
 * whether it was enabled before.
 */
export async function disableAccount(pool: Pool, id: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const account = await existing(client, id);
    await client.query('UPDATE accounts SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL', [account.id]);
    await client.query('UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [
      account.id,
    ]);
    return account.disabledAt === undefined;
  });
}

/** Enables a disabled account again (it signs in with its password; old sessions stay ended). */
export async function enableAccount(pool: Pool, id: string): Promise<boolean> {
  const account = await existing(pool, id);
  await pool.query('UPDATE accounts SET disabled_at = NULL WHERE id = $1', [account.id]);
  return account.disabledAt !== undefined;
}

/**
 * A new password: its sessions are ended, and every token issued before now is refused (password_changed_at), so a
 * leaked password or token stops working at once.
 */
export async function setPassword(pool: Pool, id: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await withTransaction(pool, async (client) => {
    const account = await existing(client, id);
    await client.query('UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1', [
      account.id,
      hash,
    ]);
    await client.query('UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [
      account.id,
    ]);
  });
}

/** The same password under stronger parameters (at sign-in, once it is known): nothing is signed out. */
export async function rehashPassword(pool: Pool, id: string, hash: string): Promise<void> {
  await pool.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [id, hash]);
}

async function grant(client: PoolClient, id: string, cycle: string): Promise<boolean> {
  const { rowCount } = await client.query(
    'INSERT INTO account_cycles (account_id, cycle_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [id, cycle],
  );
  return rowCount === 1;
}

/** Grants a coordinator a cycle to supervise; says whether it was new. Other roles are refused. */
export async function grantCycle(pool: Pool, id: string, cycle: string): Promise<boolean> {
  const parsed = cycleId.safeParse(cycle);
  if (!parsed.success) throw refusal(parsed.error, '督办周期有误');
  return withTransaction(pool, async (client) => {
    const account = await existing(client, id);
    if (account.role !== 'coordinator') {
      throw new AuthError(
        'INVALID_ACCOUNT',
        `账号 ${account.id} 是${ROLE_NAMES[account.role]}，不是督办人员：只有督办人员（coordinator）可被授予督办周期`,
      );
    }
    return grant(client, account.id, parsed.data);
  });
}

/** Takes a cycle back from a coordinator; says whether it had been granted. */
export async function revokeCycle(pool: Pool, id: string, cycle: string): Promise<boolean> {
  const account = await existing(pool, id);
  const { rowCount } = await pool.query('DELETE FROM account_cycles WHERE account_id = $1 AND cycle_id = $2', [
    account.id,
    cycle,
  ]);
  return rowCount === 1;
}

// Sign-in attempts -----------------------------------------------------------------------------------------------

/**
 * Records an attempt before its password is checked, as a failure (see migration 016: so that simultaneous attempts
 * count each other); `settleSignInAttempt` turns it into a success or marks it throttled. `accountId` is the name as
 * typed (trimmed, lower case, cut to 64 characters), known account or not.
 */
export async function recordSignInAttempt(pool: Pool, attempt: { accountId: string; ip: string }): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    'INSERT INTO sign_in_attempts (account_id, ip) VALUES ($1, $2) RETURNING id',
    [attempt.accountId.trim().toLowerCase().slice(0, 64), attempt.ip.slice(0, 64)],
  );
  return rows[0]!.id;
}

export async function settleSignInAttempt(pool: Pool, id: string, outcome: 'ok' | 'throttled'): Promise<void> {
  await pool.query(`UPDATE sign_in_attempts SET ${outcome === 'ok' ? 'ok' : 'throttled'} = true WHERE id = $1`, [id]);
}

export interface FailureCount {
  /** Failed, checked attempts within the window (for the account: since its last success). */
  count: number;
  last?: Date;
}

export interface RecentFailures {
  account: FailureCount;
  ip: FailureCount;
  /** PostgreSQL's clock, so that every API process reckons the wait from the same time. */
  now: Date;
}

/**
 * The failed sign-ins that count against an attempt: for the account, those since its last success; for the address,
 * all (a success on one's own account does not excuse guessing at others'). Within `windowMinutes`, throttled
 * attempts not counted, the attempt itself (`except`) left out.
 */
export async function recentFailures(
  pool: Pool,
  {
    accountId,
    ip,
    except,
    windowMinutes = 15,
  }: { accountId: string; ip: string; except?: string; windowMinutes?: number },
): Promise<RecentFailures> {
  const { rows } = await pool.query<{
    account_count: number;
    account_last: Date | null;
    ip_count: number;
    ip_last: Date | null;
    now: Date;
  }>(
    `WITH recent AS (
       SELECT * FROM sign_in_attempts
       WHERE at > now() - make_interval(mins => $4) AND NOT ok AND NOT throttled AND id <> coalesce($3::bigint, 0)
     ),
     last_ok AS (SELECT max(at) AS at FROM sign_in_attempts WHERE account_id = $1 AND ok)
     SELECT (SELECT count(*)::int FROM recent WHERE account_id = $1
               AND at > coalesce((SELECT at FROM last_ok), '-infinity')) AS account_count,
            (SELECT max(at) FROM recent WHERE account_id = $1
               AND at > coalesce((SELECT at FROM last_ok), '-infinity')) AS account_last,
            (SELECT count(*)::int FROM recent WHERE ip = $2) AS ip_count,
            (SELECT max(at) FROM recent WHERE ip = $2) AS ip_last,
            now() AS now`,
    [accountId.trim().toLowerCase().slice(0, 64), ip.slice(0, 64), except ?? null, windowMinutes],
  );
  const row = rows[0]!;
  return {
    account: { count: row.account_count, ...(row.account_last && { last: row.account_last }) },
    ip: { count: row.ip_count, ...(row.ip_last && { last: row.ip_last }) },
    now: row.now,
  };
}

// Housekeeping ---------------------------------------------------------------------------------------------------

/** How long the sign-in log keeps an attempt: throttling looks back 15 minutes, a question about who tried a year. */
export const SIGN_IN_LOG_DAYS = 366;

export interface Purged {
  sessions: number;
  revokedTokens: number;
  signInAttempts: number;
}

/**
 * Deletes what can no longer sign anybody in or be asked about: sessions a day past their end (expired or signed
 * out), revocations of tokens that have expired anyway, and sign-in attempts older than SIGN_IN_LOG_DAYS.
 * Accounts, the tokens issued (who was given one, by whom) and every domain event stay. PostgreSQL's clock decides,
 * as it does for throttling; one statement, so a purge is all or nothing.
 */
export async function purgeExpiredSignIns(pool: Pool): Promise<Purged> {
  const { rows } = await pool.query<{ sessions: number; revoked: number; attempts: number }>(
    `WITH s AS (
       DELETE FROM sessions WHERE least(expires_at, coalesce(revoked_at, 'infinity')) < now() - interval '1 day'
       RETURNING 1
     ), r AS (
       DELETE FROM revoked_tokens WHERE expires_at < now() RETURNING 1
     ), a AS (
       DELETE FROM sign_in_attempts WHERE at < now() - make_interval(days => $1) RETURNING 1
     )
     SELECT (SELECT count(*) FROM s)::int AS sessions, (SELECT count(*) FROM r)::int AS revoked,
            (SELECT count(*) FROM a)::int AS attempts`,
    [SIGN_IN_LOG_DAYS],
  );
  const row = rows[0]!;
  return { sessions: row.sessions, revokedTokens: row.revoked, signInAttempts: row.attempts };
}
