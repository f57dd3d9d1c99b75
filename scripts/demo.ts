/**
 * The demo (`npm run demo`): on the local stack that scripts/stack.sh brought up, one task item from a real
 * published plan goes through its lifecycle on the Temporal dev server — 交办, 签收, 报送, 办结 — and then a whole
 * supervision year runs in seconds on the time-skipping server: reminders, late reports and the escalation ladder.
 * Everything is stored in PostgreSQL and published to Kafka, and the demo reads it back from there.
 */
import { readFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Activities } from '../activities';
import { AssignmentService, assignmentIdOf } from '../api/assignments';
import { formatShanghai, shanghaiDate } from '../domain/calendar';
import { parsePlan } from '../domain/plan';
import { loadConfig } from '../infra/config';
import { readAssignmentEvents } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { seedPath } from '../seeds';
import { createAssignmentWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { openDependencies } from '../worker/dependencies';
import { simulateYear, startTimeSkippingServer } from './year-simulation';

const SEED = seedPath('ezhou-2017');

const say = (line = '') => console.log(line);
const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

async function main(): Promise<void> {
  const config = loadConfig();
  // The demo's own lines tell the story; the libraries speak only when something is wrong.
  const logger = createLogger('demo', { level: 'warn', format: config.LOG_FORMAT });
  installTemporalLogging(logger);
  const { pool, kafka, activities, close } = await openDependencies(config, logger);
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
  const run = `demo-${Date.now().toString(36)}`;

  await oneTask({ config, pool, kafka, activities, workflowBundle, run });
  await aYear({ pool, activities, workflowBundle, run });

  await close();
}

type Deps = {
  pool: Pool;
  activities: Activities;
  workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  run: string;
};

/** Part one: a real plan's task item, on the dev server, in real time. */
async function oneTask({ config, kafka, ...deps }: Deps & { config: ReturnType<typeof loadConfig>; kafka: Kafka }) {
  const { pool, activities, workflowBundle, run } = deps;
  const bytes = await readFile(SEED).catch((error: Error) => {
    throw new Error(`the demo reads a published plan from ${SEED}, beside the repository (${error.message})`);
  });
  const { plan } = parsePlan(bytes);
  // A task with a dated deadline whose lead is one department (not a collective such as 各区人民政府).
  const collective = new Set(plan.units.filter((u) => u.collective).map((u) => u.name));
  const task = plan.tasks.find((t) => t.deadline.kind === 'date' && t.lead.length > 0 && !collective.has(t.lead[0]!));
  if (!task) throw new Error(`${SEED} has no task item with a single lead unit and a dated deadline`);
  const unit = task.lead[0]!;
  const today = shanghaiDate(new Date());
  // The seed is a 2017 plan; its deadline moves to the same day of the year in the present, so reminders lie ahead.
  const original = task.deadline.due!;
  let due = `${today.slice(0, 4)}${original.slice(4)}`;
  if (due < today) due = `${Number(today.slice(0, 4)) + 1}${original.slice(4)}`;

  say(`━━ 一、单项任务全流程（Temporal 开发服务器 ${config.TEMPORAL_ADDRESS}）`);
  say(`读取计划：${plan.title}（${plan.docNumber ?? '无文号'}，${plan.tasks.length}项任务）`);
  say(`选取任务 ${task.ref}「${task.title}」`);
  say(
    `  牵头单位：${task.lead.join('、')}${task.cooperating.length ? `；配合单位：${task.cooperating.join('、')}` : ''}`,
  );
  say(`  完成时限：${task.deadline.text}（原定 ${original}，演示中顺延至 ${due}）`);

  const { connection, client } = await connectClient(config);
  const nativeConnection = await connectWorker(config);
  const taskQueue = `${config.TEMPORAL_TASK_QUEUE}-${run}`;
  const worker = await createAssignmentWorker({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle,
    activities,
  });
  const service = new AssignmentService({ client, taskQueue, coordinator: config.DUBAN_COORDINATOR });
  const id = assignmentIdOf(run, task.ref, unit);

  await worker.runUntil(async () => {
    const assigned = await service.assign({
      planId: run,
      ref: task.ref,
      title: task.title,
      unit,
      deadlineText: task.deadline.text,
      due,
    });
    say(`交办 → ${unit}：报送周期 ${assigned.periods.map((p) => `${p.period}（${p.due}）`).join('、')}`);
    if (assigned.nextAlarm)
      say(`  下一次提醒：${formatShanghai(new Date(assigned.nextAlarm.at))}（${assigned.nextAlarm.command}）`);
    await service.acknowledge(id, { unit });
    say(`签收 ← ${unit}`);
    const reported = await service.submitReport(id, {
      unit,
      summary: '已制定实施方案，完成第一阶段工作',
      percentComplete: 40,
    });
    say(`报送 ← ${unit}：${reported.periods[0]?.period} 进展 40%`);
    const refused = await service
      .submitReport(id, { unit: '市商务局', summary: '越权报送', percentComplete: 10 })
      .catch((e: Error) => e.message);
    say(`拒收 ← 市商务局：${String(refused)}`);
    await service.complete(id, { by: config.DUBAN_COORDINATOR, summary: '任务完成，予以销号' });
    say(`办结 ← ${config.DUBAN_COORDINATOR}`);
  });
  await nativeConnection.close();
  await connection.close();

  const { rows: events } = await pool.query<{ seq: number; type: string; published_at: Date | null }>(
    'SELECT seq, type, published_at FROM assignment_events WHERE assignment_id = $1 ORDER BY seq',
    [id],
  );
  say(`PostgreSQL 事件库：${events.map((e) => `${e.seq}.${e.type}`).join(' ')}`);
  const onTopic = await readAssignmentEvents(kafka, {
    topic: config.KAFKA_EVENTS_TOPIC,
    assignmentId: id,
    count: events.length,
  });
  say(
    `Kafka ${config.KAFKA_EVENTS_TOPIC}（按任务分区有序）：${onTopic.map((r) => `${r.seq}.${r.event.type}`).join(' ')}`,
  );
  const { rows: inbox } = await pool.query<{ subject: string }>(
    'SELECT subject FROM inbox WHERE assignment_id = $1 ORDER BY seq',
    [id],
  );
  say(`${unit}收件箱：${inbox.map((n) => n.subject).join('  ')}`);
  const [host] = config.TEMPORAL_ADDRESS.split(':');
  say(
    `Temporal UI：http://${host}:${process.env.TEMPORAL_UI_PORT ?? '8233'}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(id)}`,
  );
  say();
}

/** Part two: a whole year on the time-skipping server, with the same worker code and the real storage. */
async function aYear({ pool, activities, workflowBundle, run }: Deps) {
  say('━━ 二、模拟一个督办年度（时间跳跃测试服务器：一年压缩为数秒）');
  const started = Date.now();
  const env = await startTimeSkippingServer();
  try {
    const worker = await createAssignmentWorker({
      connection: env.nativeConnection,
      taskQueue: `${run}-year`,
      workflowBundle,
      activities,
    });
    const { handles } = await worker.runUntil(async () => {
      const sim = await simulateYear({
        env,
        taskQueue: `${run}-year`,
        prefix: `${run}-year`,
        onStep: (m) => say(`  ${m}`),
      });
      for (const handle of Object.values(sim.handles)) await handle.terminate('模拟年度结束');
      return sim;
    });
    const ids = Object.values(handles).map((h) => h.workflowId);
    const { rows } = await pool.query<{ occurred_at: Date; recipient: string; kind: string; subject: string }>(
      `SELECT occurred_at, recipient, kind, subject FROM inbox
       WHERE assignment_id = ANY($1) AND kind <> 'assignment' ORDER BY occurred_at, recipient`,
      [ids],
    );
    say('时间线（收件箱，北京时间）：');
    for (const r of rows) say(`  ${formatShanghai(r.occurred_at)}  ${r.recipient.padEnd(10, '　')} ${r.subject}`);
    const count = (kind: string) => rows.filter((r) => r.kind === kind).length;
    say(
      `合计：提醒 ${count('reminder')} 条，催办 ${count('urge')} 条，督办 ${count('notify-head')} 条，通报 ${count('report-coordinator')} 条；` +
        `用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
    );
  } finally {
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
