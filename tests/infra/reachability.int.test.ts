/**
 * A server that does not answer makes every entry point fail fast, saying which server, where, and how to start
 * it — never hang. Real connections to ports 1, 2 and 3 on loopback, where nothing listens; how the failure is
 * worded is checked without sockets in reachability.unit.test.ts.
 */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../infra/config';
import { createKafka, ensureTopic } from '../../infra/kafka';
import { checkPostgres, createPool } from '../../infra/postgres';

jest.setTimeout(30_000);

const HOW = '请先启动本地服务栈 `scripts/stack.sh up`（或 `docker compose up -d`）';

test('PostgreSQL', async () => {
  const url = 'postgres://duban:duban@127.0.0.1:1/duban';
  const pool = createPool(url);
  await expect(checkPostgres(pool, url)).rejects.toThrow(
    `无法连接 PostgreSQL（127.0.0.1:1：connect ECONNREFUSED 127.0.0.1:1）：${HOW}`,
  );
  await pool.end();
});

test('Kafka', async () => {
  const config = { ...loadConfig({}), KAFKA_BROKERS: ['127.0.0.1:2'] };
  await expect(ensureTopic(createKafka(config), config)).rejects.toThrow(
    /^无法连接 Kafka（127\.0\.0\.1:2：.*）：请先启动本地服务栈 `scripts\/stack\.sh up`/,
  );
});

// The test's time-out (30 s) is the bound: a connection that waited for the server would fail it. The wording the
// entry points give is checked in entry-points.int.test.ts.
test('Temporal: connecting fails rather than waiting', async () => {
  await expect(NativeConnection.connect({ address: '127.0.0.1:3' })).rejects.toThrow();
});
