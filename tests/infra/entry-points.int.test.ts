/**
 * The worker and the API, started as their own processes with one server's address wrong, stop at once and say
 * which server, where, and how to start it. The other servers are the real local stack.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT, connectPostgres } from '../support/stack';

jest.setTimeout(60_000);
const run = promisify(execFile);

beforeAll(async () => {
  await (await connectPostgres()).end(); // the real PostgreSQL answers, so the failure below is Temporal's
});

async function start(entry: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

test.each([
  ['worker/main.ts', '[worker]'],
  ['api/main.ts', '[api]'],
])('%s with Temporal unreachable', async (entry, prefix) => {
  const { code, stderr } = await start(entry, { TEMPORAL_ADDRESS: '127.0.0.1:3', API_PORT: '0' });
  expect(code).toBe(1);
  expect(stderr).toContain(`${prefix} 无法连接 Temporal（127.0.0.1:3：`);
  expect(stderr).toContain('）：请先启动本地服务栈 `scripts/stack.sh up`（或 `docker compose up -d`）');
});

test('the worker with PostgreSQL unreachable', async () => {
  const { code, stderr } = await start('worker/main.ts', { DATABASE_URL: 'postgres://duban:duban@127.0.0.1:1/duban' });
  expect(code).toBe(1);
  expect(stderr).toContain('[worker] 无法连接 PostgreSQL（127.0.0.1:1：connect ECONNREFUSED 127.0.0.1:1）');
});
