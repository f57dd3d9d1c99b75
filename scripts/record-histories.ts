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
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { AssignmentService, assignmentIdOf } from '../api/assignments';
import { addDays, quarterEndsBetween, shanghaiDate, shanghaiInstant } from '../domain/calendar';
import { loadConfig } from '../infra/config';
import { createKafka, createProducer, ensureTopic } from '../infra/kafka';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { acknowledgeUpdate, submitReportUpdate } from '../workflows/assignment/messages';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import type { assignmentWorkflow } from '../workflows/assignment/workflow';
import { createAssignmentWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { Client, Connection } from '@temporalio/client';

const run = promisify(execFile);
const OUT = path.join(__dirname, '..', 'tests', 'replay', 'histories');
const ROOT = path.join(__dirname, '..');

/**
 * Saves a history as the Temporal CLI prints it (`temporal workflow show --output json`), the JSON form that
 * Worker.runReplayHistories reads and that people can open and diff.
 */
async function save(name: string, address: string, workflowId: string): Promise<void> {
  const file = path.join(OUT, `${name}.json`);
  const { stdout } = await run(path.join(ROOT, '.tools', 'bin', 'temporal'), [
    'workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json',
  ], { maxBuffer: 64 * 1024 * 1024 });
  await writeFile(file, stdout);
  console.log(`recorded ${path.relative(ROOT, file)}`);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  const pool = createPool(config.DATABASE_URL);
  await checkPostgres(pool, config.DATABASE_URL);
  await migrate(pool);
  const kafka = createKafka(config);
  await ensureTopic(kafka, config);
  const producer = createProducer(kafka);
  await producer.connect();
  const activities = createActivities({ pool, producer, topic: config.KAFKA_EVENTS_TOPIC });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  const prefix = `record-${Date.now().toString(36)}`;

  // A simulated year on the time-skipping server.
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.join(ROOT, 'scripts', 'temporal-test-server') } },
  });
  try {
    const taskQueue = `${prefix}-year`;
    const worker: Worker = await createAssignmentWorker({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
    await worker.runUntil(async () => {
      const year = Number(shanghaiDate(new Date(await env.currentTimeMs())).slice(0, 4)) + 1;
      const reportsDue = quarterEndsBetween(`${year}-01-01`, `${year}-12-31`);
      const start = (unit: string) =>
        env.client.workflow.start<typeof assignmentWorkflow>('assignmentWorkflow', {
          taskQueue,
          workflowId: `${prefix}:${unit}`,
          args: [{ spec: { taskId: `${prefix}:二.(三)`, ref: '二.(三)', title: '强化质量安全监管', unit, coordinator: '市政府督查室',
            deadlineText: `${year}年12月底之前`, due: `${year}-12-31`, reportsDue, policy: DEFAULT_POLICY } }],
        });
      const onTime = await start('市质监局');
      const late = await start('市农委');
      const never = await start('市商务局');
      await onTime.executeUpdate(acknowledgeUpdate, { args: [{ unit: '市质监局' }] });
      const skipTo = async (date: string, time: string) => {
        const ms = shanghaiInstant(date, time).getTime() - (await env.currentTimeMs());
        if (ms > 0) await env.sleep(ms);
      };
      for (const due of reportsDue) {
        await skipTo(addDays(due, -2), '15:00');
        await onTime.executeUpdate(submitReportUpdate, { args: [{ unit: '市质监局', summary: '按期完成', percentComplete: 25 }] });
        await skipTo(addDays(due, 2), '10:00');
        await late.executeUpdate(submitReportUpdate, { args: [{ unit: '市农委', summary: '补报', percentComplete: 20 }] });
      }
      await skipTo(addDays(reportsDue.at(-1)!, 12), '09:00');
      for (const handle of [onTime, late, never]) await handle.terminate('end of the simulated year');
      await save('year-on-time', env.address, onTime.workflowId);
      await save('year-late', env.address, late.workflowId);
      await save('year-never', env.address, never.workflowId);
    });
  } finally {
    await env.teardown();
  }

  // A whole lifecycle through the updates, on the dev server.
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const taskQueue = `${prefix}-lifecycle`;
  const worker = await createAssignmentWorker({ connection: nativeConnection, taskQueue, workflowBundle, activities });
  await worker.runUntil(async () => {
    const service = new AssignmentService({ client, taskQueue, coordinator: '市政府督查室' });
    const id = assignmentIdOf(prefix, '五.(二).29', '市质监局');
    await service.assign({ planId: prefix, ref: '五.(二).29', title: '开展质量提升行动', unit: '市质监局', deadlineText: '持续推进',
      due: addDays(shanghaiDate(new Date()), 200) });
    await service.acknowledge(id, { unit: '市质监局' });
    await service.submitReport(id, { unit: '市质监局', summary: '完成抽检1200批次', percentComplete: 40 });
    await service.complete(id, { by: '市政府督查室', summary: '办结销号' });
    await save('lifecycle-completed', config.TEMPORAL_ADDRESS, id);
  });
  await connection.close();
  await nativeConnection.close();
  await producer.disconnect();
  await pool.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
