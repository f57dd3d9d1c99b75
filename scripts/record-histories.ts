/**
 * Records workflow histories that tests/replay/ replays with the current code, so a change that would make running
 * workflows non-deterministic fails the build. A recorded history is a contract with every workflow running in
 * production: this script never overwrites one. Record a new one (with the stack up) when a deliberate, versioned
 * change to the workflow adds a path worth holding to:
 *
 *   npm run record:histories -- NAME [NAME …]
 *
 * Scenarios (the file is tests/replay/histories/<prefix><scenario>.json; the prefix names the workflow's version):
 *   year-on-time, year-late, year-never   a simulated year on the time-skipping server: reminders, late reports,
 *                                         the whole escalation ladder (ended by termination at the year's end)
 *   lifecycle-completed                   assign, 签收, report, 办结 on the dev server, through the updates
 *   refused-updates                       the same, with a refused call before and after each accepted one
 */
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { AssignmentService, assignmentIdOf } from '../api/assignments';
import { addDays, shanghaiDate } from '../domain/calendar';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { createAssignmentWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { openDependencies } from '../worker/dependencies';
import { submitReportUpdate } from '../workflows/assignment/messages';
import { simulateYear, startTimeSkippingServer } from './year-simulation';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'tests', 'replay', 'histories');
/** Histories recorded with the `stored-before-counted` patch in force. */
const PREFIX = 'v2-';

const YEAR = ['year-on-time', 'year-late', 'year-never'] as const;
const DEV = ['lifecycle-completed', 'refused-updates'] as const;
type Scenario = (typeof YEAR)[number] | (typeof DEV)[number];
const SCENARIOS: readonly Scenario[] = [...YEAR, ...DEV];

function fileOf(scenario: Scenario): string {
  return path.join(OUT, `${PREFIX}${scenario}.json`);
}

/**
 * Saves a history as the Temporal CLI prints it (`temporal workflow show --output json`), the JSON form that
 * Worker.runReplayHistories reads and that people can open and diff.
 */
async function save(scenario: Scenario, address: string, workflowId: string): Promise<void> {
  const { stdout } = await run(
    path.join(ROOT, '.tools', 'bin', 'temporal'),
    ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(fileOf(scenario), stdout, { flag: 'wx' });
  console.log(`已录制 ${path.relative(ROOT, fileOf(scenario))}`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2) as Scenario[];
  const unknown = wanted.filter((name) => !SCENARIOS.includes(name));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new Error(
      `请指定要录制的场景（${SCENARIOS.join('、')}）${unknown.length ? `；不认识：${unknown.join('、')}` : ''}`,
    );
  }
  for (const scenario of wanted) {
    const exists = await access(fileOf(scenario)).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new Error(
        `${path.relative(ROOT, fileOf(scenario))} 已存在：录制的历史是与运行中工作流的约定，不能重录；` +
          '工作流有版本化改动时，改 PREFIX 录制新的一份',
      );
    }
  }

  const config = loadConfig();
  const logger = createLogger('record', { level: 'warn' });
  installTemporalLogging(logger);
  const { activities, close } = await openDependencies(config, logger);
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  const prefix = `record-${Date.now().toString(36)}`;

  if (wanted.some((s) => (YEAR as readonly string[]).includes(s))) {
    const env = await startTimeSkippingServer();
    try {
      const taskQueue = `${prefix}-year`;
      const worker = await createAssignmentWorker({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities,
      });
      await worker.runUntil(async () => {
        const { handles } = await simulateYear({ env, taskQueue, prefix });
        for (const handle of Object.values(handles)) await handle.terminate('end of the simulated year');
        const ids = { 'year-on-time': handles.onTime, 'year-late': handles.late, 'year-never': handles.never };
        for (const scenario of YEAR) {
          if (wanted.includes(scenario)) await save(scenario, env.address, ids[scenario].workflowId);
        }
      });
    } finally {
      await env.teardown();
    }
  }

  const dev = wanted.filter((s): s is (typeof DEV)[number] => (DEV as readonly string[]).includes(s));
  if (dev.length > 0) {
    const { connection, client } = await connectClient(config);
    const nativeConnection = await connectWorker(config);
    const taskQueue = `${prefix}-dev`;
    const worker = await createAssignmentWorker({
      connection: nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    await worker.runUntil(async () => {
      for (const scenario of dev) {
        const id = await (scenario === 'lifecycle-completed' ? lifecycle : refusals)(client, taskQueue, prefix);
        await save(scenario, config.TEMPORAL_ADDRESS, id);
      }
    });
    await connection.close();
    await nativeConnection.close();
  }
  await close();
}

function service(client: Client, taskQueue: string): AssignmentService {
  return new AssignmentService({ client, taskQueue, coordinator: '市政府督查室' });
}

async function assign(svc: AssignmentService, planId: string): Promise<string> {
  await svc.assign({
    planId,
    ref: '五.(二).29',
    title: '开展质量提升行动',
    unit: '市质监局',
    deadlineText: '持续推进',
    due: addDays(shanghaiDate(new Date()), 200),
  });
  return assignmentIdOf(planId, '五.(二).29', '市质监局');
}

/** 交办, 签收, a report, 办结. */
async function lifecycle(client: Client, taskQueue: string, prefix: string): Promise<string> {
  const svc = service(client, taskQueue);
  const id = await assign(svc, `${prefix}-lifecycle`);
  await svc.acknowledge(id, { unit: '市质监局' });
  await svc.submitReport(id, { unit: '市质监局', summary: '完成抽检1200批次', percentComplete: 40 });
  await svc.complete(id, { by: '市政府督查室', summary: '办结销号' });
  return id;
}

/**
 * The lifecycle with refused calls around each step: each refusal must leave the history as if it never came —
 * and whatever the server does write for it must replay.
 */
async function refusals(client: Client, taskQueue: string, prefix: string): Promise<string> {
  const svc = service(client, taskQueue);
  const id = await assign(svc, `${prefix}-refusals`);
  const refused = (call: Promise<unknown>) =>
    call.then(
      () => {
        throw new Error('录制失败：本应被拒绝的调用被接受了');
      },
      () => undefined,
    );
  const handle = client.workflow.getHandle(id);
  await refused(svc.submitReport(id, { unit: '市商务局', summary: '越权报送', percentComplete: 10 }));
  // Past the edge, straight to the workflow: its validator refuses what the API would have.
  await refused(
    handle.executeUpdate(submitReportUpdate, { args: [{ unit: '市质监局', summary: '', percentComplete: 1 }] }),
  );
  await svc.acknowledge(id, { unit: '市质监局' });
  await svc.submitReport(id, { unit: '市质监局', summary: '完成抽检1200批次', percentComplete: 40 });
  await refused(svc.submitReport(id, { unit: '市质监局', summary: '再报一次', percentComplete: 50 }));
  await svc.complete(id, { by: '市政府督查室', summary: '办结销号' });
  return id;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
