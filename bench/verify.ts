/**
 * `duban audit verify` of one long-running assignment (`npm run bench:verify -- [--events 500] [--runs 5]`), on the
 * local stack's dev server and PostgreSQL, with the product's worker in this process on a fresh task queue:
 *
 * 1. Builds the assignment: assigned, then turn after turn of the coordinator's 暂停 and 恢复 (each a validated update,
 *    a recordEvents activity and its stored event, as in production) until its stream holds N events.
 * 2. Bundles the workflow code once, as one `audit verify` command does.
 * 3. Verifies it `runs` times, as `audit verify ID` does (verifyOne): (a) the hash chain — read the rows, recompute
 *    every hash; (b) the history comparison — fetch the whole history from Temporal, decode every recordEvents input,
 *    compare with the rows; (c) the replay of the history with the current code. Prints ms for each leg and the
 *    total, the first run (cold) and the median of the rest.
 * 4. The same run's floor (bench/verify-workflows.ts): a workflow with nothing of the product in it takes as many
 *    updates, each through a local activity, and its history is fetched and replayed `runs` times through a replay
 *    worker of its own — what the Temporal SDK alone costs for that many updates.
 *
 * Figures, not assertions: the README quotes what this prints. The goal is a total under 200 ms, replay included.
 */
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { AssignmentService } from '../api/assignments';
import { verifyOne, type Timings } from '../infra/audit-verify';
import { addDays, shanghaiDate } from '../domain/calendar';
import { createActivities } from '../activities';
import { loadCalendarYears } from '../infra/calendar-store';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { replayBundle, Replayer } from '../infra/workflow-history';
import { createAssignmentWorker } from '../worker/create-worker';
import { bundleWorkflows } from '../worker/workflow-bundle';
import { option } from './options';
import { median, timeReplays } from './replays';
import { finishUpdate, stepUpdate, type FloorActivities } from './verify-workflows';

const EVENTS = option('events', 500);
const RUNS = option('runs', 5);
const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';

const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('bench', { level: 'warn' });
  installTemporalLogging(logger);
  const pool = createPool(config.DATABASE_URL);
  await checkPostgres(pool, config.DATABASE_URL);
  await migrate(pool);
  const { connection, client } = await connectClient(config);
  const workerConnection = await connectWorker(config);
  const taskQueue = `bench-verify-${Date.now().toString(36)}`;
  const bundle = await replayBundle();
  const worker = await createAssignmentWorker({
    connection: workerConnection,
    taskQueue,
    workflowBundle: 'code' in bundle ? { code: bundle.code } : bundle,
    // Its notices reach the inboxes but are never queued for delivery: 市市场监管局 may be a real unit of the directory.
    activities: createActivities({
      pool,
      topic: config.KAFKA_EVENTS_TOPIC,
      temporal: { client, taskQueue },
      queueDeliveries: false,
    }),
  });
  const running = worker.run();
  try {
    const service = new AssignmentService({
      client,
      taskQueue,
      coordinator: COORDINATOR,
      calendarYears: () => loadCalendarYears(pool),
    });
    let t = performance.now();
    const assigned = await service.assign({
      planId: taskQueue,
      ref: '二.(三).12',
      title: '全面推行质量安全追溯体系',
      unit: UNIT,
      deadlineText: '长期坚持',
      due: addDays(shanghaiDate(new Date()), 720),
    });
    const id = assigned.assignmentId;
    for (let seq = 2; seq <= EVENTS; seq += 2) {
      await service.pause(id, { by: COORDINATOR, reason: `第 ${seq / 2} 次专项检查期间暂停` });
      if (seq + 1 <= EVENTS) await service.resume(id, { by: COORDINATOR });
    }
    const built = performance.now() - t;
    await migrate(pool); // chains the rows, as the appender will when it stores them
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM assignment_events WHERE assignment_id = $1',
      [id],
    );
    const history = await client.workflow.getHandle(id).fetchHistory();

    // What one command does once, before its first verify: bundle the workflow code, start the replay worker.
    t = performance.now();
    const replayer = new Replayer(await replayBundle());
    await replayer.ready();
    const setupMs = performance.now() - t;

    const figures: Array<Timings & { total: number }> = [];
    for (let run = 0; run < RUNS + 1; run++) {
      const timings: Timings = { chain: 0, history: 0, replay: 0 };
      t = performance.now();
      const verdict = await verifyOneWith(pool, client, id, timings, replayer);
      figures.push({ ...timings, total: performance.now() - t });
      if (!verdict) throw new Error(`verify failed on run ${run}`);
    }
    await replayer.close();
    const floor = await measureFloor(workerConnection, client, EVENTS - 1);
    const [cold, ...warm] = figures;
    const line = (name: string, pick: (f: Timings & { total: number }) => number) =>
      `  ${name.padEnd(28)}${ms(pick(cold!))}   ${ms(median(warm.map(pick)))}`;
    const [floorCold, ...floorWarm] = floor.replays;
    console.log(
      [
        `audit verify of one assignment: ${rows[0]!.n} stored events, ${history.events?.length ?? 0} history events`,
        `  (built in ${(built / 1000).toFixed(1)} s through ${EVENTS - 1} updates; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)})`,
        `  once per command (bundle the workflow code, start the replay worker): ${ms(setupMs)}`,
        `  ${''.padEnd(28)}${'first run'.padStart(10)}   ${`median of ${RUNS}`.padStart(10)}`,
        line('(a) hash chain', (f) => f.chain),
        line('(b) history comparison', (f) => f.history),
        line('(c) replay', (f) => f.replay),
        line('total (goal < 200 ms)', (f) => f.total),
        `the floor, same run: a workflow with nothing of the product, ${EVENTS - 1} updates each through a local`,
        `  activity (${floor.events} history events); fetch ${ms(floor.fetch)}; replay${ms(floorCold!)}   ${ms(median(floorWarm))}`,
        `  the assignment's replay over the floor's: ${(median(warm.map((f) => f.replay)) / median(floorWarm)).toFixed(2)}`,
      ].join('\n'),
    );
    await client.workflow
      .getHandle(id)
      .terminate('bench finished')
      .catch(() => undefined);
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await pool.end();
  }
}

/**
 * The floor under any replay of `updates` updates: bench/verify-workflows.ts's workflow takes them on a worker of its
 * own, then its history is fetched once and replayed RUNS + 1 times through a replay worker of its own.
 */
async function measureFloor(
  connection: Awaited<ReturnType<typeof connectWorker>>,
  client: Awaited<ReturnType<typeof connectClient>>['client'],
  updates: number,
): Promise<{ events: number; fetch: number; replays: number[] }> {
  const taskQueue = `bench-verify-floor-${Date.now().toString(36)}`;
  const { code } = await bundleWorkflows({ workflowsPath: path.join(__dirname, 'verify-workflows.ts') });
  const activities: FloorActivities = { echo: async (n) => n };
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: { code }, activities });
  const handle = await worker.runUntil(async () => {
    const started = await client.workflow.start('floorWorkflow', { taskQueue, workflowId: taskQueue });
    for (let n = 1; n <= updates; n++) await started.executeUpdate(stepUpdate, { args: [n] });
    await started.executeUpdate(finishUpdate);
    await started.result();
    return started;
  });
  const t = performance.now();
  const history = await handle.fetchHistory();
  const fetch = performance.now() - t;
  const replayer = new Replayer({ code });
  await replayer.ready();
  const replays = await timeReplays(replayer, [{ workflowId: taskQueue, runId: '', history }], RUNS + 1);
  await replayer.close();
  return { events: history.events?.length ?? 0, fetch, replays };
}

/** verifyOne through the command's one replay worker. */
async function verifyOneWith(
  pool: ReturnType<typeof createPool>,
  client: Awaited<ReturnType<typeof connectClient>>['client'],
  id: string,
  timings: Timings,
  replayer: Replayer,
): Promise<boolean> {
  const verdict = await verifyOne(pool, client, id, timings, replayer);
  if (!verdict.ok) console.error(verdict);
  return verdict.ok;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
