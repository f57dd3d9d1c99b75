/**
 * How the API answers what goes wrong, over HTTP on loopback, with the application functions behind it replaced by
 * stubs that fail as asked: every refusal is a problem+json body with a stable code and Chinese text; a server error
 * never shows its internal message, which is logged instead under the request id the answer quotes. Sign-in and the
 * authorization hook are the real ones, on the real PostgreSQL: each call is signed in as the one it concerns, on an
 * item the event store knows, so that it reaches the stub behind.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { AppError } from '../../api/errors';
import { buildApi } from '../../api/server';
import { createLogger } from '../../infra/logger';
import { bearerFor, createAccount } from '../support/accounts';
import { storeKnownItem } from '../support/known-item';
import { connectPostgres } from '../support/stack';

const apps: FastifyInstance[] = [];
let pool: Pool;
/** An item of 市质监局's, and the Authorization headers of the auditor and of 市质监局's head. */
let item: string;
let auditor: { authorization: string };
let unitHead: { authorization: string };

beforeAll(async () => {
  pool = await connectPostgres();
  item = await storeKnownItem(pool, { unit: '市质监局' });
  auditor = await bearerFor(pool, (await createAccount(pool, { role: 'auditor' })).id);
  unitHead = await bearerFor(pool, (await createAccount(pool, { role: 'unit-head', unit: '市质监局' })).id);
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await pool?.end();
});

interface Injected {
  method: string;
  url: string;
  headers?: Record<string, string | string[]>;
  payload?: string | object;
}

/** The API on a free port, and a way to call it that answers like fastify's inject, which needs Node ≥ 22 to load. */
async function apiWith(assignments: Partial<AssignmentService>) {
  const lines = new PassThrough();
  let logged = '';
  lines.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const logger = createLogger('api', { level: 'warn', format: 'json', destination: lines });
  const app = buildApi({ assignments: assignments as AssignmentService, pool, logger });
  apps.push(app);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async ({ method, url, headers = {}, payload }: Injected) => {
    const outgoing = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      for (const v of [value].flat()) outgoing.append(name, v);
    }
    if (typeof payload === 'object') outgoing.set('content-type', 'application/json');
    const response = await fetch(base + url, {
      method,
      headers: outgoing,
      ...(payload !== undefined && { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
    const body = await response.text();
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      json: () => JSON.parse(body),
    };
  };
  return { app: { inject: call }, logged: () => logged };
}

test('a server error answers 500 without its internal message, and logs it under the request id', async () => {
  const { app, logged } = await apiWith({
    status: async () => {
      throw new Error('relation "assignments" does not exist at 10.0.0.7:5432 (password=hunter2)');
    },
  });
  const response = await app.inject({
    method: 'GET',
    url: `/assignments/${encodeURI(item)}`,
    headers: { 'x-request-id': 'req-42', ...auditor },
  });
  expect(response.statusCode).toBe(500);
  expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(response.headers['x-request-id']).toBe('req-42');
  expect(response.json()).toEqual({
    status: 500,
    code: 'INTERNAL',
    title: '服务器内部错误',
    detail: '服务器内部错误，已记录（请求编号 req-42）；请稍后重试，或把请求编号告知管理员',
    requestId: 'req-42',
  });
  expect(response.body).not.toMatch(/hunter2|10\.0\.0\.7|relation/);
  const line = JSON.parse(logged().trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(line).toMatchObject({ level: 'error', reqId: 'req-42', code: 'INTERNAL' });
  expect(JSON.stringify(line)).toMatch(/password=hunter2/);
});

test('a request id that is not a plain token is replaced by a fresh one', async () => {
  const { app } = await apiWith({
    status: async () => {
      throw new AppError('UNKNOWN_TASK', '没有编号为 x 的任务');
    },
  });
  const response = await app.inject({
    method: 'GET',
    url: `/assignments/${encodeURI(item)}`,
    headers: { 'x-request-id': '<script>alert(1)</script>', ...auditor },
  });
  expect(response.statusCode).toBe(404);
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.json().requestId).toBe(response.headers['x-request-id']);
});

test.each([
  [
    'not JSON at all',
    '{"unit": 市质监局}',
    'application/json',
    400,
    'INVALID_PAYLOAD',
    '请求体不是有效的 JSON；请检查引号、逗号和括号',
  ],
  ['an empty JSON body', '', 'application/json', 400, 'INVALID_PAYLOAD', '请求体为空；请发送 JSON 对象'],
  [
    'a form instead of JSON',
    'unit=x',
    'application/x-www-form-urlencoded',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    '请求体须为 JSON，并带 Content-Type: application/json 头',
  ],
])('%s is refused in the same shape and language', async (_name, payload, type, status, code, detail) => {
  const { app } = await apiWith({ acknowledge: async () => ({}) as never });
  const response = await app.inject({
    method: 'POST',
    url: `/assignments/${encodeURI(item)}/acknowledge`,
    headers: { 'content-type': type, ...unitHead },
    payload,
  });
  expect(response.statusCode).toBe(status);
  expect(response.json()).toMatchObject({ status, code, detail });
});

test('an inbox asked for with a unit name no unit could have', async () => {
  const { app } = await apiWith({});
  const response = await app.inject({
    method: 'GET',
    url: `/units/${encodeURIComponent('市'.repeat(100))}/inbox`,
    headers: auditor,
  });
  expect(response.statusCode).toBe(400);
  expect(response.json().detail).toBe('单位名称有误：单位名称（如 市质监局）最长 64 个字符');
});
