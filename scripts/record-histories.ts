/**
 * Records the workflow histories that tests/replay/ replays with the current code, so a change that would make
 * running workflows non-deterministic fails the build. Run it (with the stack up) when a deliberate, versioned
 * change to the workflow needs new fixtures:  npm run record:histories
 *
 *   year-on-time, year-late, year-never   a simulated year on the time-skipping server: reminders, late reports,
 *                                         the whole escalation ladder (ended by termination at the year's end)
 *   lifecycle-completed                   assign, 签收, report, 办结 on the dev server, through the updates
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { AssignmentService, assignmentIdOf } from '../api/assignments';
import { addDays, shanghaiDate } from '../domain/calendar';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { createAssignmentWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { openDependencies } from '../worker/dependencies';
import { simulateYear, startTimeSkippingServer } from './year-simulation';

const run = promisify(execFile);
const OUT = path.join(__dirname, '..', 'tests', 'replay', 'histories');
const ROOT = path.join(__dirname, '..');

/**
 * Saves a history as the Temporal CLI prints it (`temporal workflow show --output json`), the JSON form that
 * Worker.runReplayHistories reads and that people can open and diff.
 */
async function save(name: string, address: string, workflowId: string): Promise<void> {
  const file = path.join(OUT, `${name}.json`);
  const { stdout } = await run(
    path.join(ROOT, '.tools', 'bin', 'temporal'),
    ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(file, stdout);
  console.log(`recorded ${path.relative(ROOT, file)}`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('record', { level: 'warn' });
  installTemporalLogging(logger);
  const { activities, close } = await openDependencies(config, logger);
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  const prefix = `record-${Date.now().toString(36)}`;

  // A simulated year on the time-skipping server.
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
      await save('year-on-time', env.address, handles.onTime.workflowId);
      await save('year-late', env.address, handles.late.workflowId);
      await save('year-never', env.address, handles.never.workflowId);
    });
  } finally {
    await env.teardown();
  }

  // A whole lifecycle through the updates, on the dev server.
  const { connection, client } = await connectClient(config);
  const nativeConnection = await connectWorker(config);
  const taskQueue = `${prefix}-lifecycle`;
  const worker = await createAssignmentWorker({ connection: nativeConnection, taskQueue, workflowBundle, activities });
  await worker.runUntil(async () => {
    const service = new AssignmentService({ client, taskQueue, coordinator: '市政府督查室' });
    const id = assignmentIdOf(prefix, '五.(二).29', '市质监局');
    await service.assign({
      planId: prefix,
      ref: '五.(二).29',
      title: '开展质量提升行动',
      unit: '市质监局',
      deadlineText: '持续推进',
      due: addDays(shanghaiDate(new Date()), 200),
    });
    await service.acknowledge(id, { unit: '市质监局' });
    await service.submitReport(id, { unit: '市质监局', summary: '完成抽检1200批次', percentComplete: 40 });
    await service.complete(id, { by: '市政府督查室', summary: '办结销号' });
    await save('lifecycle-completed', config.TEMPORAL_ADDRESS, id);
  });
  await connection.close();
  await nativeConnection.close();
  await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
