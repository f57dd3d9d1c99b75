/**
 * What production runs (Dockerfile): `npm run build`'s output started with plain `node`, no tsx and no TypeScript.
 * The build goes to .data/test-build (inside the project, so node_modules is found; dist/ is left alone). The compiled
 * worker must take its workflow code from the bundle the build wrote — it refuses to start without it rather than
 * bundle at start — and run an assignment with it; the compiled API must answer.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { bearerFor, createAccount } from '../support/accounts';
import { ROOT, connectPostgres, connectTemporal, uniqueId } from '../support/stack';

jest.setTimeout(240_000);
const run = promisify(execFile);

const OUT = path.join(ROOT, '.data', 'test-build');
const BUNDLE = path.join(OUT, 'workflow-bundle.js');
const taskQueue = uniqueId('built');
let pool: Pool;
let temporal: { connection: Connection; client: Client };
const children: ChildProcess[] = [];

beforeAll(async () => {
  pool = await connectPostgres();
  temporal = await connectTemporal();
  await run('bash', [path.join(ROOT, 'scripts', 'build.sh'), OUT], { cwd: ROOT, timeout: 200_000 });
});

afterAll(async () => {
  await Promise.all(children.map(stop));
  await temporal?.connection.close();
  await pool?.end();
});

/** `node FILE` with the project's configuration and the test's task queue; output collected. */
function startBuilt(file: string, env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [path.join(OUT, file)], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, output: () => string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} within 30s; the process printed:\n${output()}`);
}

test('npm run build writes the compiled entry points, the migrations and the workflow bundle', () => {
  for (const file of ['worker/main.js', 'api/main.js', 'cli/main.js', 'infra/migrations/001_event_store.sql']) {
    expect(existsSync(path.join(OUT, file))).toBe(true);
  }
  expect(existsSync(BUNDLE)).toBe(true);
});

test('the built worker will not start without the bundle, and says to build', async () => {
  renameSync(BUNDLE, `${BUNDLE}.aside`);
  try {
    const worker = startBuilt('worker/main.js');
    const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(worker.output()).toContain(`找不到工作流代码包 ${BUNDLE}：请先运行 \`npm run build\` 构建`);
  } finally {
    renameSync(`${BUNDLE}.aside`, BUNDLE);
  }
});

test('the built worker runs an assignment from the prebuilt bundle, and the built API answers', async () => {
  const worker = startBuilt('worker/main.js');
  await until(
    'the built worker did not poll its task queue',
    async () => {
      const { pollers } = await temporal.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType: 1, // workflow tasks
      });
      return pollers && pollers.length > 0 ? true : undefined;
    },
    worker.output,
  );

  const service = new AssignmentService({ client: temporal.client, taskQueue, coordinator: '市政府督查室' });
  const planId = uniqueId('plan');
  const id = assignmentIdOf(planId, '一.(二)', '市商务局');
  await service.assign({
    planId,
    ref: '一.(二)',
    title: '推进内外贸产品同线同标同质',
    unit: '市商务局',
    due: addDays(shanghaiDate(new Date()), 120),
  });
  // The workflow code answers the query; the compiled activity stored the event.
  expect((await service.status(id)).status).toBe('assigned');
  const stored = await until(
    'TaskAssigned was not stored',
    async () => {
      const { rows } = await pool.query('SELECT type FROM assignment_events WHERE assignment_id = $1', [id]);
      return rows.length > 0 ? rows.map((r: { type: string }) => r.type) : undefined;
    },
    worker.output,
  );
  expect(stored).toContain('TaskAssigned');
  await temporal.client.workflow.getHandle(id).terminate('test done');

  const port = await freePort();
  const api = startBuilt('api/main.js', { API_PORT: String(port) });
  // Signed in as an auditor: the built API shares the tests' secret (AUTH_SECRET_FILE, from the same directory).
  const auditor = await createAccount(pool, { role: 'auditor' });
  const headers = await bearerFor(pool, auditor.id);
  const inbox = await until(
    'the built API did not answer',
    () => fetch(`http://127.0.0.1:${port}/units/${encodeURIComponent('市商务局')}/inbox`, { headers }),
    api.output,
  );
  expect(inbox.status).toBe(200);
  expect(worker.child.exitCode).toBeNull();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
