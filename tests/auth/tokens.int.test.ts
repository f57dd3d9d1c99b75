/**
 * Bearer tokens against the API on the real PostgreSQL: a good token signs its account in; an expired, tampered,
 * unsigned ('alg: none'), revoked token, one of a disabled account, and one issued before a password change are each
 * refused with 401, WWW-Authenticate and their own reason.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { disableAccount, enableAccount, setPassword } from '../../infra/account-store';
import { issueToken, revokeToken } from '../../infra/auth/tokens';
import { createAccount, testAuthOptions, tokenFor } from '../support/accounts';
import { connectPostgres, testLogger } from '../support/stack';

let pool: Pool;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  pool = await connectPostgres();
  app = buildApi({ assignments: {} as AssignmentService, pool, logger: testLogger });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await pool.end();
});

async function me(token: string) {
  const response = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    type: response.headers.get('content-type'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
    body: (await response.json()) as any,
  };
}

/** The answer every refused token gets, with its own detail. */
function refused(detail: string | RegExp) {
  return {
    status: 401,
    wwwAuthenticate: 'Bearer realm="duban", error="invalid_token"',
    type: 'application/problem+json; charset=utf-8',
    body: expect.objectContaining({
      code: 'UNAUTHENTICATED',
      title: '未登录或登录已失效',
      detail: expect.stringMatching(detail),
    }),
  };
}

const parts = (token: string) => token.split('.') as [string, string, string];
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

test('a token signs its account in: GET /auth/me names the account, signed in by token, with its cycles', async () => {
  const account = await createAccount(pool, { role: 'coordinator', displayName: '王督查', cycles: ['ezhou-2017'] });
  const answer = await me(await tokenFor(pool, account.id));
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({
    account: {
      id: account.id,
      displayName: '王督查',
      role: 'coordinator',
      office: '市政府督查室',
      cycles: ['ezhou-2017'],
    },
    signedInBy: 'token',
  });
});

test('an expired token is refused, saying when it expired', async () => {
  const account = await createAccount(pool);
  const { token } = await issueToken(pool, testAuthOptions().secret, account.id, {
    minutes: 5,
    issuedBy: 'test',
    now: new Date(Date.now() - 10 * 60_000),
  });
  expect(await me(token)).toEqual(refused(/^令牌已于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）过期；请重新签发令牌/));
});

test('a token whose payload was changed (another account, a later expiry) is refused as a bad signature', async () => {
  const mine = await createAccount(pool);
  const admin = await createAccount(pool, { role: 'admin' });
  const [header, payload, signature] = parts(await tokenFor(pool, mine.id));
  const claims = decode(payload);
  for (const changed of [
    { ...claims, sub: admin.id },
    { ...claims, exp: (claims.exp as number) + 86_400 },
  ]) {
    expect(await me(`${header}.${encode(changed)}.${signature}`)).toEqual(
      refused(/^令牌签名无效：令牌被改动过，或不是本系统签发的/),
    );
  }
});

test('a token whose signature was changed, or signed with another secret, is refused', async () => {
  const account = await createAccount(pool);
  const [header, payload, signature] = parts(await tokenFor(pool, account.id));
  const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  expect(await me(`${header}.${payload}.${flipped}`)).toEqual(refused(/^令牌签名无效/));
  const foreign = createHmac('sha256', 'another deployment secret of 32 bytes!').update(`${header}.${payload}`);
  expect(await me(`${header}.${payload}.${foreign.digest('base64url')}`)).toEqual(refused(/^令牌签名无效/));
});

test("an unsigned token (alg 'none'), or one naming another algorithm, is refused whatever its signature", async () => {
  const account = await createAccount(pool);
  const [, payload, signature] = parts(await tokenFor(pool, account.id));
  expect(await me(`${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`)).toEqual(
    refused(/^令牌的签名算法 none 不被接受：本系统只接受 HS256 签名的令牌/),
  );
  expect(await me(`${encode({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`)).toEqual(
    refused(/^令牌的签名算法 HS512 不被接受/),
  );
});

test('a malformed token or Authorization header is refused, saying how to write it', async () => {
  expect(await me('not-a-jwt')).toEqual(refused(/^令牌格式有误：应为 JWT/));
  const response = await fetch(`${base}/auth/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
  expect(response.status).toBe(401);
  expect(((await response.json()) as { detail: string }).detail).toMatch(/^Authorization 头应写作 “Bearer 令牌”/);
});

test('a revoked token is refused from then on', async () => {
  const account = await createAccount(pool);
  const { token, jti } = await issueToken(pool, testAuthOptions().secret, account.id, {
    minutes: 15,
    issuedBy: 'test',
  });
  expect((await me(token)).status).toBe(200);
  await revokeToken(pool, jti);
  expect(await me(token)).toEqual(refused(/^令牌已于 .*（北京时间）被吊销；请重新签发令牌/));
});

test("a disabled account's tokens are refused, and work again once it is enabled", async () => {
  const account = await createAccount(pool);
  const token = await tokenFor(pool, account.id);
  await disableAccount(pool, account.id);
  expect(await me(token)).toEqual(refused(`账号 ${account.id} 已停用，其令牌一律无效；请联系系统管理员`));
  await enableAccount(pool, account.id);
  expect((await me(token)).status).toBe(200);
});

test('a password change voids the tokens issued before it', async () => {
  const account = await createAccount(pool);
  const token = await tokenFor(pool, account.id);
  expect((await me(token)).status).toBe(200);
  await setPassword(pool, account.id, '一个新的密码-new-password');
  expect(await me(token)).toEqual(refused(`账号 ${account.id} 的密码在令牌签发之后改过，此前签发的令牌均已作废`));
  expect((await me(await tokenFor(pool, account.id))).status).toBe(200);
});

test('without any credential the authorization table decides: public routes answer, the rest and /auth/me ask to sign in', async () => {
  expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
  const unsigned = await fetch(`${base}/refusals`);
  expect(unsigned.status).toBe(401);
  expect(((await unsigned.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  // Signed in as one who may read it, the route gives its own answer: it asks which refusals.
  const auditor = await createAccount(pool, { role: 'auditor' });
  const refusals = await fetch(`${base}/refusals`, {
    headers: { authorization: `Bearer ${await tokenFor(pool, auditor.id)}` },
  });
  expect(refusals.status).toBe(400);
  const response = await fetch(`${base}/auth/me`);
  expect(response.status).toBe(401);
  expect(((await response.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
});

test("POST /auth/tokens/revoke: one's own token by jti; another account's answers as unknown; an admin any", async () => {
  const [alice, bob, admin] = [
    await createAccount(pool),
    await createAccount(pool),
    await createAccount(pool, { role: 'admin' }),
  ];
  const secret = testAuthOptions().secret;
  const issue = (id: string) => issueToken(pool, secret, id, { minutes: 15, issuedBy: 'test' });
  const [aliceToken, bobToken, adminToken] = [await issue(alice.id), await issue(bob.id), await issue(admin.id)];
  const revoke = async (by: string, jti: string) => {
    const response = await fetch(`${base}/auth/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${by}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jti }),
    });
    return { status: response.status, body: (await response.json()) as { code?: string; account?: string } };
  };
  expect(await revoke(aliceToken.token, bobToken.jti)).toEqual({
    status: 404,
    body: expect.objectContaining({ code: 'UNKNOWN_TOKEN' }),
  });
  expect((await me(bobToken.token)).status).toBe(200);
  expect(await revoke(adminToken.token, bobToken.jti)).toEqual({
    status: 200,
    body: expect.objectContaining({ account: bob.id }),
  });
  expect((await me(bobToken.token)).status).toBe(401);
  expect(await revoke(aliceToken.token, aliceToken.jti)).toEqual({
    status: 200,
    body: expect.objectContaining({ account: alice.id }),
  });
  expect((await me(aliceToken.token)).status).toBe(401);
});
