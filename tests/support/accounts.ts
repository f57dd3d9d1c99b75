/**
 * Accounts for tests: one made in a line, and a bearer token for it that the API under test accepts (signed with the
 * secret of the test environment's configuration, as `buildApi` uses when given no `auth`).
 */
import type { Pool } from 'pg';
import type { Account } from '../../api/auth/account';
import { authOptionsOf, type AuthOptions } from '../../api/auth/authenticate';
import { addAccount, type StoredAccount } from '../../infra/account-store';
import { issueToken } from '../../infra/auth/tokens';
import { config, uniqueId } from './stack';

/** The password `createAccount` gives when none is asked for. */
export const TEST_PASSWORD = '测试用的密码-correct-horse';

let options: AuthOptions | undefined;
/** The sign-in options of the test environment (AUTH_SECRET or AUTH_SECRET_FILE), the ones `buildApi` defaults to. */
export function testAuthOptions(): AuthOptions {
  options ??= authOptionsOf(config);
  return options;
}

/**
 * An account with a unique id unless one is given: a unit member of 市质监局 unless told otherwise. Any field of
 * Account may be given; `password` defaults to TEST_PASSWORD.
 */
export async function createAccount(
  pool: Pool,
  account: Partial<Account> & { password?: string } = {},
): Promise<StoredAccount> {
  const { password = TEST_PASSWORD, ...fields } = account;
  const role = fields.role ?? 'unit-member';
  return addAccount(
    pool,
    {
      id: fields.id ?? uniqueId(`t-${role}`),
      displayName: fields.displayName ?? '测试用户',
      role,
      ...((role === 'unit-head' || role === 'unit-member') && { unit: fields.unit ?? '市质监局' }),
      ...(role === 'coordinator' && { office: fields.office ?? '市政府督查室', cycles: fields.cycles ?? [] }),
    },
    password,
  );
}

/** A bearer token for an account, valid `minutes` (15 by default): the header a test sends is `Bearer ${token}`. */
export async function tokenFor(pool: Pool, accountId: string, minutes = 15): Promise<string> {
  const { token } = await issueToken(pool, testAuthOptions().secret, accountId, { minutes, issuedBy: 'test' });
  return token;
}

/** The Authorization header for an account. */
export async function bearerFor(pool: Pool, accountId: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(pool, accountId)}` };
}
