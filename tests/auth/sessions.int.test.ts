/**
 * The web page's session on the real PostgreSQL: sign-in sets a cookie with the flags a browser needs to keep it
 * safe, a state-changing request on that cookie needs the session's CSRF token, sign-out ends the session for good,
 * a form's `next` never leads off the site, and a session that ended is refused (or, for a page, sent to sign-in).
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { setPassword } from '../../infra/account-store';
import { createAccount, TEST_PASSWORD, testAuthOptions } from '../support/accounts';
import { connectPostgres, testLogger } from '../support/stack';

let pool: Pool;
const apps: FastifyInstance[] = [];
let base: string;

async function api(cookieSecure: 'auto' | 'always' | 'never' = 'auto'): Promise<string> {
  const app = buildApi({
    assignments: {} as AssignmentService,
    pool,
    logger: testLogger,
    auth: { ...testAuthOptions(), cookieSecure },
  });
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

beforeAll(async () => {
  pool = await connectPostgres();
  base = await api();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  // The wrong passwords tried here would otherwise count against 127.0.0.1 for the other test files.
  await pool.query("DELETE FROM sign_in_attempts WHERE account_id LIKE 't-%' AND NOT ok");
  await pool.end();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, asserted field by field
type Answer = { status: number; headers: Headers; body: any };

async function call(
  method: string,
  url: string,
  {
    json,
    form,
    headers = {},
    at = base,
  }: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string>; at?: string } = {},
): Promise<Answer> {
  const response = await fetch(at + url, {
    method,
    redirect: 'manual',
    headers: {
      ...(json !== undefined && { 'content-type': 'application/json' }),
      ...(form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
      ...headers,
    },
    ...(json !== undefined && { body: JSON.stringify(json) }),
    ...(form !== undefined && { body: new URLSearchParams(form).toString() }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

/** Signs in with JSON; the cookie to send back and the session's CSRF token. */
async function signIn(id: string, headers: Record<string, string> = {}, at = base) {
  const answer = await call('POST', '/auth/sign-in', { json: { account: id, password: TEST_PASSWORD }, headers, at });
  expect(answer.status).toBe(200);
  const setCookie = answer.headers.getSetCookie();
  expect(setCookie).toHaveLength(1);
  return {
    setCookie: setCookie[0]!,
    cookie: setCookie[0]!.split(';')[0]!,
    csrfToken: answer.body.csrfToken as string,
    answer,
  };
}

test('sign-in answers the account and a CSRF token, and sets an HttpOnly, SameSite=Lax cookie for the whole site', async () => {
  const account = await createAccount(pool, { role: 'unit-head', unit: '市工商局', displayName: '李处长' });
  const { setCookie, cookie, csrfToken, answer } = await signIn(account.id.toUpperCase());
  expect(answer.body).toEqual({
    account: { id: account.id, displayName: '李处长', role: 'unit-head', unit: '市工商局' },
    csrfToken: expect.stringMatching(/^[\w-]{43}$/),
    expiresAt: expect.any(String),
  });
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(setCookie).toMatch(/^duban_session=[0-9a-f]{64}\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
  const me = await call('GET', '/auth/me', { headers: { cookie } });
  expect(me.body).toEqual({ account: answer.body.account, signedInBy: 'session', csrfToken });
});

test('the cookie is Secure when the request came over https (X-Forwarded-Proto), or always when so configured', async () => {
  const account = await createAccount(pool);
  expect((await signIn(account.id, { 'x-forwarded-proto': 'https' })).setCookie).toMatch(/; Secure$/);
  expect((await signIn(account.id)).setCookie).not.toMatch(/Secure/);
  const always = await api('always');
  expect((await signIn(account.id, {}, always)).setCookie).toMatch(/; Secure$/);
  const never = await api('never');
  expect((await signIn(account.id, { 'x-forwarded-proto': 'https' }, never)).setCookie).not.toMatch(/Secure/);
});

test('a state-changing request on the cookie needs the CSRF token: missing or wrong → 403, right → passes', async () => {
  const account = await createAccount(pool);
  const { cookie, csrfToken } = await signIn(account.id);
  const missing = await call('POST', '/auth/tokens', { json: {}, headers: { cookie } });
  expect(missing.status).toBe(403);
  expect(missing.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID', detail: expect.stringContaining('缺少 CSRF 令牌') });
  const wrong = await call('POST', '/auth/tokens', { json: {}, headers: { cookie, 'x-csrf-token': `${csrfToken}x` } });
  expect(wrong.status).toBe(403);
  expect(wrong.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID', detail: expect.stringContaining('请刷新页面') });
  const other = await signIn(account.id);
  const anotherSessions = await call('POST', '/auth/tokens', {
    json: {},
    headers: { cookie, 'x-csrf-token': other.csrfToken },
  });
  expect(anotherSessions.status).toBe(403);

  const byHeader = await call('POST', '/auth/tokens', {
    json: { minutes: 5 },
    headers: { cookie, 'x-csrf-token': csrfToken },
  });
  expect(byHeader.status).toBe(201);
  expect(byHeader.body).toEqual({
    token: expect.any(String),
    tokenType: 'Bearer',
    jti: expect.any(String),
    expiresAt: expect.any(String),
  });
  const byForm = await call('POST', '/auth/tokens', { form: { minutes: '5', _csrf: csrfToken }, headers: { cookie } });
  expect(byForm.status).toBe(201);
  // and the token it issued works on its own, without cookie or CSRF token
  const me = await call('GET', '/auth/me', { headers: { authorization: `Bearer ${byForm.body.token}` } });
  expect(me.body.signedInBy).toBe('token');
});

test('a token cannot issue tokens: POST /auth/tokens by bearer is refused', async () => {
  const account = await createAccount(pool);
  const { cookie, csrfToken } = await signIn(account.id);
  const issued = await call('POST', '/auth/tokens', { json: {}, headers: { cookie, 'x-csrf-token': csrfToken } });
  const again = await call('POST', '/auth/tokens', {
    json: {},
    headers: { authorization: `Bearer ${issued.body.token}` },
  });
  expect(again.status).toBe(403);
  expect(again.body.code).toBe('FORBIDDEN');
});

test('sign-out ends the session: the cookie is cleared, and the old cookie is refused from then on', async () => {
  const account = await createAccount(pool);
  const { cookie, csrfToken } = await signIn(account.id);
  expect((await call('POST', '/auth/sign-out', { headers: { cookie } })).status).toBe(403); // CSRF here too
  const out = await call('POST', '/auth/sign-out', { headers: { cookie, 'x-csrf-token': csrfToken } });
  expect(out.status).toBe(204);
  expect(out.headers.getSetCookie()).toEqual(['duban_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0']);
  const after = await call('GET', '/auth/me', { headers: { cookie } });
  expect(after.status).toBe(401);
  expect(after.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: '已退出登录；请重新登录' });
  // a form's sign-out goes to the sign-in page
  const again = await signIn(account.id);
  const form = await call('POST', '/auth/sign-out', {
    form: { _csrf: again.csrfToken },
    headers: { cookie: again.cookie },
  });
  expect({ status: form.status, location: form.headers.get('location') }).toEqual({
    status: 303,
    location: '/web/sign-in',
  });
});

test("a form's sign-in goes to its next path on this site only; anything else goes to /web/", async () => {
  const account = await createAccount(pool);
  const form = (next: string, password = TEST_PASSWORD) =>
    call('POST', '/auth/sign-in', { form: { account: account.id, password, next } });
  const to = async (next: string) => (await form(next)).headers.get('location');
  const ok = await form('/web/cycles/ezhou-2017?tab=units');
  expect(ok.status).toBe(303);
  expect(ok.headers.get('location')).toBe('/web/cycles/ezhou-2017?tab=units');
  expect(ok.headers.getSetCookie()[0]).toMatch(/^duban_session=/);
  for (const away of [
    '//evil.example/',
    'https://evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
    'web/x',
    '/\tevil',
    '',
  ]) {
    expect(await to(away)).toBe('/web/');
  }
  const failed = await form('/web/cycles', 'wrong-password-123');
  expect({ status: failed.status, location: failed.headers.get('location') }).toEqual({
    status: 303,
    location: '/web/sign-in?error=1&next=%2Fweb%2Fcycles',
  });
  expect(failed.headers.getSetCookie()).toEqual([]);
  expect((await form('//evil.example', 'wrong-password-123')).headers.get('location')).toBe('/web/sign-in?error=1');
});

test('a tampered cookie is refused; a page asked for on an ended session goes to sign-in; sign-in itself still works', async () => {
  const account = await createAccount(pool);
  const { cookie } = await signIn(account.id);
  const tampered = `${cookie.slice(0, 20)}${cookie[20] === 'a' ? 'b' : 'a'}${cookie.slice(21)}`;
  const refused = await call('GET', '/auth/me', { headers: { cookie: tampered } });
  expect(refused.status).toBe(401);
  expect(refused.body.detail).toBe('登录凭据（Cookie）无效或被改动过；请重新登录');
  expect(refused.headers.getSetCookie()).toEqual(['duban_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0']);

  await setPassword(pool, account.id, '管理员重置的新密码-reset');
  const page = await call('GET', '/web/cycles?x=1', { headers: { cookie, accept: 'text/html,application/xhtml+xml' } });
  expect({ status: page.status, location: page.headers.get('location') }).toEqual({
    status: 303,
    location: '/web/sign-in?expired=1&next=%2Fweb%2Fcycles%3Fx%3D1',
  });
  const me = await call('GET', '/auth/me', { headers: { cookie } });
  expect(me.body.detail).toBe(`账号 ${account.id} 的密码已更改；请用新密码重新登录`);
  const back = await call('POST', '/auth/sign-in', {
    json: { account: account.id, password: '管理员重置的新密码-reset' },
    headers: { cookie },
  });
  expect(back.status).toBe(200);
  expect(back.headers.getSetCookie()).toHaveLength(1);
});

test('an expired session is refused, saying when it expired', async () => {
  const account = await createAccount(pool);
  const { cookie } = await signIn(account.id);
  await pool.query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE account_id = $1", [account.id]);
  const me = await call('GET', '/auth/me', { headers: { cookie } });
  expect(me.status).toBe(401);
  expect(me.body.detail).toMatch(/^登录已于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）过期；请重新登录$/);
});

test('POST /auth/password: the current password proves it; other sessions end, this one goes on under a new cookie', async () => {
  const account = await createAccount(pool);
  const here = await signIn(account.id);
  const elsewhere = await signIn(account.id);
  const change = (current: string, password: string) =>
    call('POST', '/auth/password', {
      json: { current, password },
      headers: { cookie: here.cookie, 'x-csrf-token': here.csrfToken },
    });
  const wrong = await change('not-the-password', '全新的密码-brand-new');
  expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  const short = await change(TEST_PASSWORD, 'short');
  expect({ status: short.status, code: short.body.code }).toEqual({ status: 400, code: 'PASSWORD_REFUSED' });

  const changed = await change(TEST_PASSWORD, '全新的密码-brand-new');
  expect(changed.status).toBe(200);
  const renewed = changed.headers.getSetCookie()[0]!.split(';')[0]!;
  expect((await call('GET', '/auth/me', { headers: { cookie: renewed } })).body.csrfToken).toBe(changed.body.csrfToken);
  expect((await call('GET', '/auth/me', { headers: { cookie: elsewhere.cookie } })).status).toBe(401);
  expect((await call('GET', '/auth/me', { headers: { cookie: here.cookie } })).status).toBe(401);
  const withNew = await call('POST', '/auth/sign-in', {
    json: { account: account.id, password: '全新的密码-brand-new' },
  });
  expect(withNew.status).toBe(200);
});
