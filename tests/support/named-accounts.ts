/**
 * Signing in as the one a request names, for the tests written before sign-in: a unit's turn (`unit` in the body)
 * is sent by that unit's head, a coordinator's (`by`) by a coordinator of that office who coordinates the item's
 * cycle, a 交办 by the office it names, the directory's upload by an admin, and a read by the auditor. Each such
 * account is made once per test run and reused; every request carries a fresh bearer token of it.
 *
 * A test of who may do what (tests/api/access.int.test.ts) signs in as the accounts it means instead.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { partiesOf } from '../../api/access';
import type { Account } from '../../api/auth/account';
import { createAccount, tokenFor } from './accounts';
import { uniqueId } from './stack';

const run = uniqueId('run').slice(-6).toLowerCase();

type Named = Omit<Account, 'id' | 'displayName'>;

export function namedAccounts(pool: Pool, { office = '市政府督查室' }: { office?: string } = {}) {
  const made = new Map<string, Promise<string>>();

  const accountFor = (named: Named): Promise<string> => {
    const key = JSON.stringify(named);
    const known = made.get(key);
    if (known) return known;
    const digest = createHash('sha256').update(key).digest('hex').slice(0, 12);
    const accountId = `t-${named.role}-${digest}-${run}`;
    const id = createAccount(pool, { id: accountId, displayName: `测试${named.role}`, ...named }).then(() => accountId);
    made.set(key, id);
    return id;
  };

  /** Who sends `method url` with `payload`, as the test that sends it means. */
  async function whoSends(method: string, url: string, payload: unknown): Promise<Named> {
    const body = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
    if (text(body.unit) && method !== 'GET' && url !== '/assignments')
      return { role: 'unit-head', unit: text(body.unit)! };
    if (method === 'POST' && url === '/assignments') {
      return { role: 'coordinator', office: text(body.coordinator) ?? office, cycles: [] };
    }
    if (text(body.by)) {
      const item = /^\/assignments\/([^/]+)/.exec(url)?.[1];
      const parties = item ? await partiesOf(pool, decodeURIComponent(item)) : undefined;
      const cycle = /^\/cycles\/([^/]+)/.exec(url)?.[1];
      const cycles = [parties?.cycleId, cycle && decodeURIComponent(cycle)].filter((c): c is string => !!c);
      return { role: 'coordinator', office: text(body.by)!, cycles };
    }
    if (method === 'PUT' && url.startsWith('/units')) return { role: 'admin' };
    if (method === 'POST' && url === '/evidence') return { role: 'unit-head', unit: '测试单位' };
    return { role: 'auditor' };
  }

  /** The Authorization header of the one `method url` with `payload` comes from. */
  return async function headersFor(method: string, url: string, payload?: unknown): Promise<Record<string, string>> {
    const id = await accountFor(await whoSends(method, url, payload));
    return { authorization: `Bearer ${await tokenFor(pool, id)}` };
  };
}

export type SignIn = ReturnType<typeof namedAccounts>;
