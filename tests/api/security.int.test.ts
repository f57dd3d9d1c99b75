/**
 * What every answer of the API carries, over HTTP on loopback with the real PostgreSQL behind it: the security
 * headers on every kind of answer (JSON, HTML, a refusal, 404, 405), no caching of API answers (assets and evidence
 * files keep their own), HSTS only over https; and the rate limit per account on a clock the test drives — a bucket
 * exhausted answers 429 problem+json with Retry-After, another account is not affected, the bucket refills. Callers sign
 * in for real, with bearer tokens of accounts made for the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { SECURITY_HEADERS, securityHeaders } from '../../api/security';
import { buildApi } from '../../api/server';
import { pdf } from '../evidence/files';
import { bearerFor, createAccount } from '../support/accounts';
import { connectPostgres, testLogger } from '../support/stack';

jest.setTimeout(60_000);

let pool: Pool;
const apps: FastifyInstance[] = [];
/** The Authorization header of each caller: two auditors, a coordinator and a unit's member. */
const signed: Record<'zhang' | 'li' | 'coordinator' | 'unit', { authorization: string }> = {} as never;

beforeAll(async () => {
  pool = await connectPostgres();
  for (const [who, role] of [
    ['zhang', 'auditor'],
    ['li', 'auditor'],
    ['coordinator', 'coordinator'],
    ['unit', 'unit-member'],
  ] as const) {
    signed[who] = await bearerFor(pool, (await createAccount(pool, { role })).id);
  }
});
afterAll(async () => {
  // Keep-alive connections from fetch would hold a close open: end them first.
  for (const app of apps) {
    app.server.closeAllConnections();
    await app.close();
  }
  await pool?.end();
});

/** The API; with a clock, rate limited to `burst` at once and one request a second. */
async function api(clock?: { now: number }, burst = 3): Promise<string> {
  const app = buildApi({
    assignments: {} as AssignmentService,
    pool,
    logger: testLogger,
    evidence: { maxBytes: 1024 },
    ...(clock && { rateLimit: { perMinute: 60, burst, now: () => clock.now } }),
  });
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

const expectSecurityHeaders = (what: string, headers: Headers) => {
  const got = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, headers.get(name)]));
  expect({ what, ...got }).toEqual({ what, ...SECURITY_HEADERS });
  expect({ what, hsts: headers.get('strict-transport-security') }).toEqual({ what, hsts: null });
};

test('every kind of answer carries the security headers, and API answers are not cached', async () => {
  const base = await api();
  const answers = {
    json: await fetch(`${base}/openapi.json`),
    html: await fetch(`${base}/docs`),
    refusal: await fetch(`${base}/refusals`, { headers: signed.zhang }),
    unauthenticated: await fetch(`${base}/refusals`),
    notFound: await fetch(`${base}/no-such-address`),
    wrongMethod: await fetch(`${base}/assignments`, { method: 'DELETE' }),
    malformed: await fetch(`${base}/assignments`, {
      method: 'POST',
      headers: { ...signed.coordinator, 'content-type': 'application/json' },
      body: '{',
    }),
  };
  expect(Object.fromEntries(Object.entries(answers).map(([what, r]) => [what, r.status]))).toEqual({
    json: 200,
    html: 200,
    refusal: 400,
    unauthenticated: 401,
    notFound: 404,
    wrongMethod: 405,
    malformed: 400,
  });
  for (const [what, response] of Object.entries(answers)) {
    expectSecurityHeaders(what, response.headers);
    expect({ what, cache: response.headers.get('cache-control') }).toEqual({ what, cache: 'no-store' });
  }
  expect(answers.refusal.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  expect(answers.html.headers.get('content-security-policy')).toContain("script-src 'self'");

  // A stylesheet may be cached; it carries the other headers all the same.
  const css = await fetch(`${base}/docs/assets/docs.css`);
  expectSecurityHeaders('css', css.headers);
  expect(css.headers.get('cache-control')).toBeNull();
});

test('an evidence file keeps its own sandbox policy and long cache, with the other headers added', async () => {
  const base = await api();
  const file = pdf(`security-headers ${Date.now()}`);
  const stored = await fetch(`${base}/evidence`, {
    method: 'POST',
    headers: { ...signed.unit, 'x-file-name': encodeURIComponent('整改报告.pdf') },
    body: file,
  });
  const { sha256 } = (await stored.json()) as { sha256: string };
  const download = await fetch(`${base}/evidence/${sha256}`, { headers: signed.zhang });
  expect(download.status).toBe(200);
  expect(download.headers.get('content-security-policy')).toBe('sandbox');
  expect(download.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
  for (const name of ['x-content-type-options', 'referrer-policy', 'x-frame-options', 'cross-origin-opener-policy']) {
    expect({ name, value: download.headers.get(name) }).toEqual({ name, value: SECURITY_HEADERS[name] });
  }
});

test('Strict-Transport-Security is sent over https, and only there', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const app = Fastify({
      https: { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
      forceCloseConnections: true,
    });
    apps.push(app);
    securityHeaders(app);
    app.get('/ping', async () => ({ ok: true }));
    const port = Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      https
        // A connection of its own (no keep-alive agent), so closing the server waits for nothing.
        .get({ host: '127.0.0.1', port, path: '/ping', rejectUnauthorized: false, agent: false }, (response) => {
          response.resume();
          resolve(response.headers);
        })
        .on('error', reject);
    });
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['x-frame-options']).toBe('DENY');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an account over its rate gets 429 with Retry-After; another account goes on; the bucket refills', async () => {
  const clock = { now: 0 };
  const base = await api(clock, 3);
  const as = (account: 'zhang' | 'li', url = '/openapi.json') => fetch(`${base}${url}`, { headers: signed[account] });

  const allowed = [await as('zhang'), await as('zhang'), await as('zhang')];
  expect(allowed.map((r) => [r.status, r.headers.get('ratelimit-remaining')])).toEqual([
    [200, '2'],
    [200, '1'],
    [200, '0'],
  ]);
  expect(allowed[0]!.headers.get('ratelimit-limit')).toBe('3');

  const refused = await as('zhang');
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  expectSecurityHeaders('429', refused.headers);
  const problem = (await refused.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', title: '请求过于频繁' });
  expect(problem.detail).toMatch(/请 1 秒后再试/);

  // Another account, and a caller not signed in (by its address), have buckets of their own.
  expect((await as('li')).status).toBe(200);
  expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
  // Assets are never counted.
  expect((await as('zhang', '/docs/assets/docs.css')).status).toBe(200);
  // Refused requests take nothing: a second later one token is back, and only one.
  expect((await as('zhang')).status).toBe(429);
  clock.now += 1_000;
  expect((await as('zhang')).status).toBe(200);
  expect((await as('zhang')).status).toBe(429);
  clock.now += 60_000;
  expect((await as('zhang')).headers.get('ratelimit-remaining')).toBe('2');
});

test('an upload over the rate is refused before its body is read: 429, where the body would have answered 413', async () => {
  const clock = { now: 0 };
  const base = await api(clock, 1);
  const upload = () =>
    fetch(`${base}/evidence`, {
      method: 'POST',
      headers: { ...signed.unit, 'x-file-name': 'big.pdf' },
      body: Buffer.alloc(2048),
    });
  const tooLarge = await upload(); // within the rate: the body is read, and is over the evidence limit
  expect({ status: tooLarge.status, code: ((await tooLarge.json()) as { code: string }).code }).toEqual({
    status: 413,
    code: 'EVIDENCE_TOO_LARGE',
  });
  const refused = await upload();
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { code: string }).code).toBe('TOO_MANY_REQUESTS');
});
