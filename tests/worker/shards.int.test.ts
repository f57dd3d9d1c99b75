/**
 * The worker process's SDK workers (worker/create-worker.ts, createAssignmentWorkers) on the dev server of the local
 * stack: three of them on one task queue share a cycle's assignments between their caches; the one that polls the
 * server's activities starts the cycle's batches, and each of the others stores its own assignments' turns through
 * its local activities. Shut down together, they all stop.
 */
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { prepareLaunch } from '../../api/cycle-launch';
import { CycleService } from '../../api/cycles';
import { shanghaiDate } from '../../domain/calendar';
import { parsePlan } from '../../domain/plan';
import { loadCalendarYears } from '../../infra/calendar-store';
import { connectPostgres, startStackWorker, uniqueId } from '../support/stack';

jest.setTimeout(120_000);

const ITEMS = 30;
const COORDINATOR = '市政府督查室';
const taskQueue = uniqueId('shards');
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let stopped = false;
const ids: string[] = [];

/** 一 … 三十, as plans number their items. */
function chineseNumber(n: number): string {
  const digits = '零一二三四五六七八九';
  const tens = Math.floor(n / 10);
  const ones = n % 10 === 0 ? '' : digits[n % 10]!;
  if (tens === 0) return digits[n]!;
  return `${tens === 1 ? '' : digits[tens]}十${ones}`;
}

/** A plan of thirty items, each led by a unit of its own, due at the end of 2027. */
function planOfThirty(): string {
  return [
    '某某市2027年质量工作要点',
    '一、质量提升',
    ...Array.from({ length: ITEMS }, (_, i) => {
      const n = chineseNumber(i + 1);
      return `（${n}）开展第${i + 1}项质量工作。（责任单位：市第${n}局；完成时限：2027年12月底前）`;
    }),
    '',
  ].join('\n');
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`60 秒内未等到：${what}（最后一次：${JSON.stringify(value)}）`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue, { shards: 3 });
});

afterAll(async () => {
  for (const id of ids) {
    await stack.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  }
  if (!stopped) await stack?.stop();
  await pool?.end();
});

test("three workers share a cycle's thirty assignments, and each stores its assignments' turns", async () => {
  const cycleId = uniqueId('sharded');
  const { launch, config } = prepareLaunch({
    plan: parsePlan(planOfThirty()).plan,
    directory: [],
    calendarYears: await loadCalendarYears(pool),
    cycleId,
    today: shanghaiDate(new Date()),
    coordinator: COORDINATOR,
  });
  expect(launch.errors).toEqual([]);
  expect(launch.items).toHaveLength(ITEMS);
  ids.push(...launch.items.map((item) => item.assignmentId));
  const cycles = new CycleService({ client: stack.client, pool, taskQueue });
  const { handle } = await cycles.launch({ cycleId, config, items: launch.items, launchedBy: COORDINATOR });
  ids.push(handle.workflowId);

  // The cycle's batches are a server activity: only the first worker polls for them.
  await until(
    '周期离开“发布中”',
    () => cycles.status(cycleId),
    (view) => view.status !== 'launching',
  );
  // Each assignment's first task leaves it in the cache of the worker that ran it: every worker holds some.
  const { shards } = stack.workers;
  const held = await until(
    '每项督办的第一个工作流任务执行完',
    () => shards.map((worker) => worker.getStatus().numCachedWorkflows),
    (counts) => counts.reduce((a, b) => a + b, 0) >= ITEMS + 1,
  );
  expect(held).toHaveLength(3);
  for (const count of held) expect(count).toBeGreaterThan(0);

  // A 签收 to each: decided by the workflow wherever it is held, stored by that worker's local activity.
  const assignments = new AssignmentService({ client: stack.client, taskQueue, coordinator: COORDINATOR });
  for (const item of launch.items) {
    const view = await assignments.acknowledge(item.assignmentId, { unit: item.unit });
    expect(view.status).toBe('acknowledged');
  }
  const { rows } = await pool.query<{ assignment_id: string; type: string }>(
    `SELECT assignment_id, type FROM assignment_events WHERE assignment_id = ANY($1) AND seq = 2`,
    [launch.items.map((item) => item.assignmentId)],
  );
  expect(rows).toHaveLength(ITEMS);
  expect(new Set(rows.map((row) => row.type))).toEqual(new Set(['AssignmentAcknowledged']));
});

test('shut down together, every worker stops', async () => {
  await stack.stop();
  stopped = true;
  expect(stack.workers.shards.map((worker) => worker.getState())).toEqual(['STOPPED', 'STOPPED', 'STOPPED']);
});
