/**
 * `duban cycle …` on the dev server, as a coordinator runs it, with a worker on the test's own task queue: a dry run
 * starts nothing; a table with a problem is refused whole and starts nothing; a launch shows its progress, says loudly
 * that 2027's holidays are not known yet, and ends with counts, moving by the assignment, not by the batch; a launch
 * interrupted before its cycle began starts, run again, only what is missing; a launch puts off its assignments' first
 * tasks until it is expected to end; a relaunch starts nothing twice; the status lists the lights; only the coordinator
 * may pause.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { CycleService, cycleWorkflowId, specOf } from '../../api/cycles';
import { prepareLaunch } from '../../api/cycle-launch';
import { parsePlan } from '../../domain/plan';
import { loadCalendarYears } from '../../infra/calendar-store';
import { shanghaiDate } from '../../domain/calendar';
import { dubanIn } from '../support/duban-cli';
import { smallPlan } from '../support/small-plan';
import { connectPostgres, startStackWorker, uniqueId } from '../support/stack';
import { ASSIGNMENT_WORKFLOW_TYPE } from '../../workflows/assignment/messages';
import { LAUNCH_BATCH } from '../../workflows/cycle/workflow';

jest.setTimeout(180_000);

const taskQueue = uniqueId('cycle-cli');
const PLAN = smallPlan(2027, { sharedLead: true });
let dir: string;
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
const duban = dubanIn(() => dir, { TEMPORAL_TASK_QUEUE: taskQueue });
/** `duban cycle launch TABLE --cycle ID --by 市政府督查室`, with more options after. */
const launch = (table: string, cycleId: string, ...more: string[]) =>
  duban('cycle', 'launch', table, '--cycle', cycleId, '--by', '市政府督查室', ...more);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-cycle-'));
  writeFileSync(path.join(dir, 'plan.txt'), PLAN);
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(parsePlan(PLAN).plan));
  const leadless = parsePlan(PLAN).plan;
  leadless.tasks[1] = { ...leadless.tasks[1]!, lead: [] };
  leadless.tasks[3] = { ...leadless.tasks[3]!, lead: [] };
  writeFileSync(path.join(dir, 'leadless.json'), JSON.stringify(leadless));
  const repeated = parsePlan(PLAN).plan;
  repeated.tasks[2] = { ...repeated.tasks[2]!, ref: repeated.tasks[0]!.ref };
  writeFileSync(path.join(dir, 'repeated.json'), JSON.stringify(repeated));
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
});

afterAll(async () => {
  await stack?.stop();
  await pool?.end();
  rmSync(dir, { recursive: true, force: true });
});

async function storedCycle(cycleId: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM cycles WHERE cycle_id = $1', [cycleId]);
  return rows[0].n;
}

test('a dry run says what would start, and starts nothing', async () => {
  const cycleId = uniqueId('dry');
  const r = await launch('plan.txt', cycleId, '--dry-run');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^试运行：不启动任何督办事项。/);
  expect(r.stdout).toContain('将启动 5 项督办（4 项任务，每个牵头单位一项）');
  expect(await storedCycle(cycleId)).toBe(0);
});

test('a table with items without a lead unit is refused whole, each item named with the fix, nothing started', async () => {
  const cycleId = uniqueId('leadless');
  const r = await launch('leadless.json', cycleId);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^duban：任务分解表有 2 处问题，未发布任何督办/);
  expect(r.stderr).toContain('一.(二)');
  expect(r.stderr).toContain('一.(四)');
  expect(await storedCycle(cycleId)).toBe(0);
});

test('a table with a repeated ref is refused as it is read, nothing started', async () => {
  const cycleId = uniqueId('repeated');
  const r = await launch('repeated.json', cycleId);
  expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('任务编号 一.(一) 重复出现 [INVALID_TABLE]') });
  expect(await storedCycle(cycleId)).toBe(0);
});

test('a launch shows its progress, says 2027 has no official calendar yet, and ends with counts', async () => {
  const cycleId = uniqueId('launch');
  const r = await launch('plan.txt', cycleId);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/2027年.*的法定节假日和调休安排尚未知晓/);
  expect(r.stderr).toContain(`duban：发布督办周期 ${cycleId}，共 5 项督办`);
  expect(r.stderr).toMatch(/发布中：5\/5（100%）/);
  expect(r.stdout).toMatch(new RegExp(`^督办周期 ${cycleId}：新发布 5 项，已在运行 0 项，共 5 项；督查通报 \\d+ 期`));

  const again = await launch('plan.txt', cycleId);
  expect(again.stderr).toContain(`duban：督办周期 ${cycleId} 已发布过，核对并补发缺少的督办`);

  const status = await duban('cycle', 'status', cycleId, '--light', 'green');
  expect(status.stdout).toContain(`督办周期 ${cycleId}：某某市2027年质量工作要点`);
  expect(status.stdout).toMatch(/灯色：红灯 0，黄灯 0，绿灯 \d/);

  const refused = await duban('cycle', 'pause', cycleId, '--by', '市科技局', '--reason', '自行暂停');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    `duban：市科技局不是督办周期 ${cycleId} 的督办单位，不能暂停；请由市政府督查室办理 [NOT_COORDINATOR]\n`,
  );
  // Refused, it changed nothing in the cycle, but the auditor sees who tried and why.
  const log = await duban('audit', 'refusals', '--caller', '市科技局', '--format', 'json');
  expect(JSON.parse(log.stdout)).toContainEqual(
    expect.objectContaining({ operation: 'pause', code: 'NOT_COORDINATOR', assignmentId: cycleWorkflowId(cycleId) }),
  );

  // Paused and resumed by its coordinator, each saying why; a resume without a reason is asked for one.
  const paused = await duban('cycle', 'pause', cycleId, '--by', '市政府督查室', '--reason', '机构调整');
  expect(paused.stdout).toMatch(/状态：已暂停（市政府督查室，.*：机构调整）/);
  const bare = await duban('cycle', 'resume', cycleId, '--by', '市政府督查室');
  expect([bare.code, bare.stderr]).toEqual([2, expect.stringContaining('--reason')]);
  const resumed = await duban('cycle', 'resume', cycleId, '--by', '市政府督查室', '--reason', '调整完毕');
  expect(resumed.stdout).toContain('状态：运行中');
  const { rows } = await pool.query<{ type: string; reason: string }>(
    `SELECT type, meta->>'reason' AS reason FROM assignment_events WHERE assignment_id = $1 AND type LIKE 'Cycle%ed'
     ORDER BY seq`,
    [cycleWorkflowId(cycleId)],
  );
  expect(rows.slice(-2)).toEqual([
    { type: 'CyclePaused', reason: '机构调整' },
    { type: 'CycleResumed', reason: '调整完毕' },
  ]);
});

test('a launch of more than a batch shows its progress by the assignment, not by the batch of 500', async () => {
  const cycleId = uniqueId('big');
  const plan = parsePlan(PLAN).plan;
  const first = plan.tasks[0]!;
  const tasks = Array.from({ length: LAUNCH_BATCH + 20 }, (_, i) => ({ ...first, ref: `九.(${i + 1})`, line: 0 }));
  writeFileSync(path.join(dir, 'big.json'), JSON.stringify({ ...plan, tasks }));
  const cycles = new CycleService({ client: stack.client, pool, taskQueue });
  const seen = new Set<number>();
  let launching = true;
  const watched = (async () => {
    while (launching) {
      const view = await cycles.status(cycleId).catch(() => undefined);
      if (view?.status === 'launching') seen.add(view.started + view.existing);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const r = await launch('big.json', cycleId).finally(() => (launching = false));
  await watched;
  expect(r.code).toBe(0);
  const between = [...seen].filter((n) => n > 0 && n < LAUNCH_BATCH);
  expect(between.length).toBeGreaterThan(1);
  // the lines a log shows, a tenth at a time: some fall within the first batch
  const counts = [...r.stderr.matchAll(/发布中：(\d+)\/520/g)].map((m) => Number(m[1]));
  expect(counts.filter((n) => n > 0 && n < LAUNCH_BATCH).length).toBeGreaterThan(0);
  expect(counts.at(-1)).toBe(520);
  // The first assignment's first task was put off for the 519 starts after it, at 150 a second before the batch
  // had shown its own rate, and 2 s; the last one's by the 2 s alone.
  const { rows } = await pool.query<{ assignment_id: string }>(
    'SELECT assignment_id FROM cycle_items WHERE cycle_id = $1 ORDER BY position',
    [cycleId],
  );
  const putOff = async (id: string) => {
    const { startTime, executionTime } = await stack.client.workflow.getHandle(id).describe();
    return executionTime!.getTime() - startTime.getTime();
  };
  expect(await putOff(rows[0]!.assignment_id)).toBe(Math.round((519 / 150) * 1000) + 2_000);
  expect(await putOff(rows.at(-1)!.assignment_id)).toBe(2_000);
});

test("a launch with --year says, as its dry run does, that the plan's dates were moved", async () => {
  const cycleId = uniqueId('moved');
  const r = await launch('plan.txt', cycleId, '--year', '2028');
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('duban：计划日期已整体后移 1 年（月、日不变）。');
  expect(r.stderr).toMatch(/\[YEAR_SHIFTED\]/);
  expect(r.stdout).toMatch(new RegExp(`^督办周期 ${cycleId}：新发布 5 项`));
});

test("a cycle's yellow light threshold is set at launch; one out of range is refused and nothing is stored", async () => {
  const bad = uniqueId('lights-bad');
  const refused = await launch('plan.txt', bad, '--yellow-when-left', '150%');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--yellow-when-left 应为 1% 到 99% 之间的百分比');
  expect(refused.stderr).toContain('而不是“150%”');
  expect(await storedCycle(bad)).toBe(0);

  const cycleId = uniqueId('lights');
  const r = await launch('plan.txt', cycleId, '--yellow-when-left', '20%');
  expect(r.code).toBe(0);
  const { rows } = await pool.query("SELECT config->'lights' AS lights FROM cycles WHERE cycle_id = $1", [cycleId]);
  expect(rows[0].lights).toEqual({ yellowWhenLeft: 0.2 });
  const specs = await pool.query("SELECT DISTINCT spec->'lights' AS lights FROM cycle_items WHERE cycle_id = $1", [
    cycleId,
  ]);
  expect(specs.rows).toEqual([{ lights: { yellowWhenLeft: 0.2 } }]);
});

test('a launch interrupted before its cycle began starts, run again, only what is missing', async () => {
  const cycleId = uniqueId('interrupted');
  const plan = parsePlan(PLAN).plan;
  const prepared = prepareLaunch({
    plan,
    directory: [],
    calendarYears: await loadCalendarYears(pool),
    cycleId,
    today: shanghaiDate(new Date()),
    coordinator: '市政府督查室',
  });
  // The first launch stored the cycle, started two assignments and died before the cycle's own workflow began:
  // its client could reach PostgreSQL, and Temporal only for those two.
  const dead = { workflow: { start: () => Promise.reject(new Error('killed')) } } as unknown as Client;
  await expect(
    new CycleService({ client: dead, pool, taskQueue }).launch({
      cycleId,
      config: prepared.config,
      items: prepared.launch.items,
      launchedBy: '市政府督查室',
    }),
  ).rejects.toThrow('killed');
  for (const item of prepared.launch.items.slice(0, 2)) {
    await stack.client.workflow.start(ASSIGNMENT_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: item.assignmentId,
      args: [{ spec: specOf(item, cycleId, prepared.config) }],
    });
  }
  const r = await launch('plan.txt', cycleId);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^督办周期 ${cycleId}：新发布 3 项，已在运行 2 项，共 5 项`));
});
