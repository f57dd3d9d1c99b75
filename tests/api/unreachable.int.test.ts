/**
 * A server behind the API goes away: the API answers 503 SERVER_UNREACHABLE at once, naming the server and not its
 * internals, instead of a 500 after twenty seconds. Each server is reached through a TCP proxy that the test cuts,
 * so the shared local stack stays up for the other tests. The calls are signed in as the auditor, whose token is
 * issued before any cut; the item asked for is known to the event store, so the authorization hook lets the request
 * through to Temporal.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { IdempotencyKeys } from '../../api/idempotency';
import { buildApi } from '../../api/server';
import { createPool } from '../../infra/postgres';
import { connectClient } from '../../infra/temporal';
import { bearerFor, createAccount } from '../support/accounts';
import { storeKnownItem } from '../support/known-item';
import { startProxy, type Proxy } from '../support/proxy';
import { config, connectPostgres, testLogger } from '../support/stack';

// The bound this test proves: a 503 well within it, where the SDK's default retries took 17–21 s.
jest.setTimeout(10_000);

let api: FastifyInstance;
let base: string;
let temporalProxy: Proxy;
let postgresProxy: Proxy;
let pool: Pool;
let closeTemporal: () => Promise<void>;
let auditor: { authorization: string };
let item: string;

beforeAll(async () => {
  const direct = await connectPostgres();
  try {
    auditor = await bearerFor(direct, (await createAccount(direct, { role: 'auditor' })).id);
    item = await storeKnownItem(direct);
  } finally {
    await direct.end();
  }
  temporalProxy = await startProxy(config.TEMPORAL_ADDRESS);
  const pgUrl = new URL(config.DATABASE_URL);
  postgresProxy = await startProxy(pgUrl.host);
  pgUrl.host = postgresProxy.address;
  pool = createPool(pgUrl.toString());
  const { connection, client } = await connectClient({ ...config, TEMPORAL_ADDRESS: temporalProxy.address });
  closeTemporal = () => connection.close();
  const assignments = new AssignmentService({
    client,
    taskQueue: 'unreachable-test',
    coordinator: '市政府督查室',
    idempotency: new IdempotencyKeys(pool),
  });
  api = buildApi({ assignments, pool, logger: testLogger });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
}, 30_000);

afterAll(async () => {
  await api?.close();
  await closeTemporal?.();
  await pool?.end().catch(() => undefined);
});

async function get(url: string) {
  const response = await fetch(base + encodeURI(url), { headers: auditor });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('Temporal down: 503 SERVER_UNREACHABLE, naming Temporal', async () => {
  // Through the proxy, Temporal answers: it runs no workflow of that id.
  expect((await get(`/assignments/${item}`)).body.code).toBe('UNKNOWN_TASK');
  await temporalProxy.cut();
  expect(await get(`/assignments/${item}`)).toEqual({
    status: 503,
    body: {
      status: 503,
      code: 'SERVER_UNREACHABLE',
      title: '服务暂不可用',
      detail: 'Temporal 服务暂时无法连接；请稍后重试（运维人员：检查 Temporal 是否运行）',
      requestId: expect.any(String),
    },
  });
});

test('PostgreSQL down: 503 SERVER_UNREACHABLE, naming PostgreSQL', async () => {
  expect((await get('/units/市质监局/inbox')).status).toBe(200);
  await postgresProxy.cut();
  expect(await get('/units/市质监局/inbox')).toEqual({
    status: 503,
    body: {
      status: 503,
      code: 'SERVER_UNREACHABLE',
      title: '服务暂不可用',
      detail: 'PostgreSQL 暂时无法连接；请稍后重试（运维人员：检查 PostgreSQL 是否运行）',
      requestId: expect.any(String),
    },
  });
});
