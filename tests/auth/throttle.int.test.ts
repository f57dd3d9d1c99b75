/**
 * Repeated failed sign-ins slow down, on the real PostgreSQL: after 5 failures for an account, the next attempt is
 * refused unchecked with 429 and Retry-After, the wait doubling with each further failure up to 15 minutes; failures
 * from one address across accounts count too; every attempt is in sign_in_attempts and every failure in the log
 * (account and address, never the password); an unknown account gets the very same answers as a known one.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { AuthError } from '../../infra/auth/errors';
import { signIn, THROTTLE } from '../../infra/auth/sign-in';
import { createLogger } from '../../infra/logger';
import { createAccount, TEST_PASSWORD } from '../support/accounts';
import { connectPostgres, uniqueId } from '../support/stack';

jest.setTimeout(60_000);

let pool: Pool;
let app: FastifyInstance;
let base: string;
let logged = '';
const tried: string[] = [];
const addresses: string[] = [];

beforeAll(async () => {
  pool = await connectPostgres();
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const logger = createLogger('api', { level: 'warn', format: 'json', destination });
  app = buildApi({ assignments: {} as AssignmentService, pool, logger });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  // This file's attempts would otherwise count against 127.0.0.1 for the other test files for 15 minutes.
  await pool.query('DELETE FROM sign_in_attempts WHERE account_id = ANY($1) OR ip = ANY($2)', [tried, addresses]);
  await pool.end();
});

async function attempt(account: string, password: string) {
  tried.push(account);
  const response = await fetch(`${base}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account, password }),
  });
  // the request id differs from answer to answer; all the rest must not
  const body = (await response.json()) as Record<string, unknown>;
  delete body.requestId;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

const WRONG = {
  status: 401,
  retryAfter: null,
  body: {
    status: 401,
    code: 'UNAUTHENTICATED',
    title: '未登录或登录已失效',
    detail: '账号或密码不正确；忘记密码请联系系统管理员重置',
  },
};
const THROTTLED = {
  status: 429,
  retryAfter: '1',
  body: {
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    title: '请求过于频繁',
    detail: '登录失败次数过多，请 1 秒后再试；忘记密码请联系系统管理员重置',
  },
};

test('5 failures, then 429 with Retry-After even for the right password; each attempt recorded, each failure logged', async () => {
  const account = await createAccount(pool);
  for (let i = 1; i <= 5; i++) expect(await attempt(account.id, `wrong-password-${i}`)).toEqual(WRONG);
  expect(await attempt(account.id, TEST_PASSWORD)).toEqual(THROTTLED);

  const { rows } = await pool.query(
    'SELECT ip, ok, throttled FROM sign_in_attempts WHERE account_id = $1 ORDER BY id',
    [account.id],
  );
  expect(rows).toEqual([
    ...Array.from({ length: 5 }, () => ({ ip: '127.0.0.1', ok: false, throttled: false })),
    { ip: '127.0.0.1', ok: false, throttled: true },
  ]);
  const lines = logged.split('\n').filter((line) => line.includes(account.id));
  expect(lines).toHaveLength(6);
  for (const line of lines) {
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', account: account.id, ip: '127.0.0.1' });
    expect(line).not.toMatch(/wrong-password|correct-horse/);
  }

  // Once the wait is over, the right password signs in, and the count starts again.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect((await attempt(account.id, TEST_PASSWORD)).status).toBe(200);
  expect(await attempt(account.id, 'wrong-password-6')).toEqual(WRONG);
});

test('an unknown account gets exactly the answers a known one gets, throttling included', async () => {
  const nobody = uniqueId('nobody');
  for (let i = 1; i <= 5; i++) expect(await attempt(nobody, `wrong-password-${i}`)).toEqual(WRONG);
  expect(await attempt(nobody, TEST_PASSWORD)).toEqual(THROTTLED);
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM sign_in_attempts WHERE account_id = $1', [nobody]);
  expect(rows[0].n).toBe(6);
});

/** Failures stored as if made earlier (the wait is reckoned from the last one, which is made now). */
async function failures(account: string, ip: string, count: number) {
  tried.push(account);
  addresses.push(ip);
  await pool.query(
    `INSERT INTO sign_in_attempts (account_id, ip, at)
     SELECT $1, $2, CASE WHEN n = $3 THEN now() ELSE now() - interval '1 minute' END FROM generate_series(1, $3) AS n`,
    [account, ip, count],
  );
}

const log = { warn: () => undefined };
const waitFor = async (account: string, ip: string) => {
  const error = await signIn(pool, { account, password: TEST_PASSWORD, ip }, { log, holdMs: 0 }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return { code: (error as AuthError).code, retryAfter: (error as AuthError).retryAfterSeconds };
};

test('the wait doubles with each further failure (1 s, 2 s, 4 s …) and stops at 15 minutes', async () => {
  const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
  const account = (await createAccount(pool)).id;
  await failures(account, ip, 7);
  expect(await waitFor(account, ip)).toEqual({ code: 'TOO_MANY_REQUESTS', retryAfter: 4 });
  const other = (await createAccount(pool)).id;
  await failures(other, `${ip}0`, 24);
  expect(await waitFor(other, `${ip}0`)).toEqual({ code: 'TOO_MANY_REQUESTS', retryAfter: THROTTLE.maxWaitSeconds });
});

test('failures from one address across many accounts slow that address down, for any account', async () => {
  const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
  for (let i = 0; i < THROTTLE.ipFailures; i++) await failures(uniqueId('sprayed'), ip, 1);
  const fresh = (await createAccount(pool)).id;
  tried.push(fresh);
  expect(await waitFor(fresh, ip)).toEqual({ code: 'TOO_MANY_REQUESTS', retryAfter: 1 });
  // from another address the same account signs in
  const signedIn = await signIn(pool, { account: fresh, password: TEST_PASSWORD, ip: '192.0.2.1' }, { log });
  addresses.push('192.0.2.1');
  expect(signedIn.id).toBe(fresh);
});

test('behind a trusted proxy (API_TRUST_PROXY) each client is counted by its X-Forwarded-For; otherwise the header is not believed', async () => {
  const logger = createLogger('api', { level: 'error' });
  const behindProxy = buildApi({ assignments: {} as AssignmentService, pool, logger, trustProxy: ['127.0.0.1'] });
  const direct = buildApi({ assignments: {} as AssignmentService, pool, logger });
  const client = '203.0.113.7';
  addresses.push(client);
  try {
    const recordedAddress = async (api: FastifyInstance) => {
      const account = uniqueId('t-proxy');
      tried.push(account);
      const url = await api.listen({ host: '127.0.0.1', port: 0 }); // the proxy's address: loopback
      const response = await fetch(`${url}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ account, password: 'wrong-password' }),
      });
      expect(response.status).toBe(401);
      const { rows } = await pool.query('SELECT ip FROM sign_in_attempts WHERE account_id = $1', [account]);
      return rows.map((r) => r.ip);
    };
    expect(await recordedAddress(behindProxy)).toEqual([client]);
    expect(await recordedAddress(direct)).toEqual(['127.0.0.1']);
  } finally {
    await behindProxy.close();
    await direct.close();
  }
});
