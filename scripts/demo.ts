/**
 * The demo (`npm run demo`): on the local stack that scripts/stack.sh brought up, one task item from a real
 * published plan goes through its lifecycle on the Temporal dev server — 交办, 签收, 报送, 办结 — read back from
 * PostgreSQL and Kafka, then as an auditor sees it (its timeline, and the chain, the history and the replay verified);
 * then the product's main job: a year of the whole Ezhou plan supervised in seconds on the
 * time-skipping server — 212 assignments, reminders and escalations on 2017's working days, a 督查通报 each quarter.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Activities } from '../activities';
import { AssignmentService, assignmentIdOf } from '../api/assignments';
import { simulateCycle } from '../api/simulation';
import { formatVerdict, verifyOne } from '../infra/audit-verify';
import { readCsv } from '../cli/csv';
import { formatShanghai, shanghaiDate } from '../domain/calendar';
import { buildTimeline, formatTimeline } from '../domain/audit/timeline';
import { formatBulletin } from '../domain/cycle/bulletin';
import { parsePlan } from '../domain/plan';
import { readDirectoryTable } from '../domain/units';
import { loadCalendarYears } from '../infra/calendar-store';
import { noticesOf, streamEvents } from '../infra/audit-store';
import { loadConfig } from '../infra/config';
import { readAssignmentEvents } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { readSeed, seedPath, SEEDS_DIR } from '../seeds';
import { createAssignmentWorker } from '../worker/create-worker';
import { NOTICE_KIND_NAMES, type NoticeKind } from '../workflows/assignment/notices';
import { deliveryDispatcher, openDependencies } from '../worker/dependencies';
import { addressesOf } from '../domain/notify/contacts';
import { parseOfficeHours } from '../domain/notify/hours';
import { listDeliveries } from '../infra/delivery-store';
import { loadDirectory, replaceDirectory } from '../infra/unit-store';
import { awaitReadModels } from '../read-models/status';
import { bundleWorkflows } from '../worker/workflow-bundle';

const SEED = seedPath('ezhou-2017');

const say = (line = '') => console.log(line);

async function main(): Promise<void> {
  const config = loadConfig();
  // The demo's own lines tell the story; the libraries speak only when something is wrong.
  const logger = createLogger('demo', { level: 'warn', format: config.LOG_FORMAT });
  installTemporalLogging(logger);
  const { pool, kafka, activities, close } = await openDependencies(config, logger);
  const workflowBundle = await bundleWorkflows();
  const run = `demo-${Date.now().toString(36)}`;

  await oneTask({ config, pool, kafka, activities, workflowBundle, run });
  await ezhouYear({ pool, workflowBundle, run, topic: config.KAFKA_EVENTS_TOPIC });

  await close();
}

type Deps = {
  pool: Pool;
  activities: Activities;
  workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;
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
  // As the API makes them: on the working-day calendar (version 3), each notice stored with its event.
  const service = new AssignmentService({
    client,
    taskQueue,
    coordinator: config.DUBAN_COORDINATOR,
    calendarYears: () => loadCalendarYears(pool),
  });
  const id = assignmentIdOf(run, task.ref, unit);
  // Notices also go by email, through the local stack's real SMTP server (GreenMail): the unit and the coordinator's
  // office get a liaison's address in the directory where they have no channel yet, and the dispatcher sends at any
  // hour, so the demo shows delivery whatever day it runs (the product's default holds to office hours).
  const inboxes = await demoContacts(pool, [unit, config.DUBAN_COORDINATOR]);
  const dispatcher = deliveryDispatcher(
    pool,
    { ...config, DELIVERY_HOURS: parseOfficeHours('always') },
    createLogger('demo', { level: 'error' }),
    { client, taskQueue },
  );
  await dispatcher.start();

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
    const sent = await deliveriesSettled(pool, id, [unit, config.DUBAN_COORDINATOR]);
    say(`邮件（GreenMail SMTP ${config.SMTP_HOST}:${config.SMTP_PORT}）：`);
    for (const d of sent)
      say(`  ${d.subject} → ${d.address}：${d.state === 'sent' ? '已送达' : d.state}（${d.detail}）`);
    for (const address of inboxes) {
      const arrived = await greenMailCount(address);
      if (arrived !== undefined) say(`  GreenMail 中 ${address} 的收件箱：${arrived} 封`);
    }
  });
  await dispatcher.stop();
  await nativeConnection.close();

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
  // The inbox is a read model, built from the topic by the worker's projector: read once it has caught up.
  await awaitReadModels(pool, [id]);
  const { rows: inbox } = await pool.query<{ subject: string }>(
    'SELECT subject FROM inbox WHERE assignment_id = $1 ORDER BY seq',
    [id],
  );
  say(`${unit}收件箱：${inbox.map((n) => n.subject).join('  ')}`);

  // The auditor's view of the same item: its timeline, and the three checks of `duban audit verify`.
  const timeline = buildTimeline(id, [await streamEvents(pool, id)], await noticesOf(pool, [id]));
  say('审计时间线（duban audit timeline）：');
  for (const line of formatTimeline(timeline, 'text').trimEnd().split('\n')) say(`  ${line}`);
  say(formatVerdict(await verifyOne(pool, client, id)).trimEnd());
  await connection.close();

  const [host] = config.TEMPORAL_ADDRESS.split(':');
  say(
    `Temporal UI：http://${host}:${process.env.TEMPORAL_UI_PORT ?? '8233'}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(id)}`,
  );
  say();
}

/**
 * Gives each of `names` a liaison's email in the unit directory when it has no channel yet (a demo address, at
 * GreenMail), adding the unit when the directory lacks it; a unit's real contacts are left as they are. Returns the
 * addresses notices to them will go to.
 */
async function demoContacts(pool: Pool, names: string[]): Promise<string[]> {
  const units = await loadDirectory(pool);
  const addresses: string[] = [];
  names.forEach((name, i) => {
    const reached = addressesOf(name, units).addresses.filter((a) => a.channel === 'email');
    if (reached.length > 0) {
      addresses.push(...reached.map((a) => a.to));
      return;
    }
    const email = `demo-liaison-${i + 1}@example.gov.cn`;
    const liaison = { name: '演示联络员', email };
    const known = units.find((u) => u.name === name);
    if (known) known.contacts = { ...known.contacts, liaisons: [...known.contacts.liaisons, liaison] };
    else units.push({ name, aliases: [], groups: [], contacts: { liaisons: [liaison], webhooks: [], digest: false } });
    addresses.push(email);
  });
  await replaceDirectory(pool, units);
  return addresses;
}

/** The deliveries of an assignment's notices to `recipients` once each has been sent or has failed (at most a minute). */
async function deliveriesSettled(pool: Pool, assignmentId: string, recipients: string[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notices n
       WHERE n.assignment_id = $1 AND n.recipient = ANY($2::text[])
         AND NOT EXISTS (SELECT 1 FROM delivery_outcomes o WHERE o.notice_key = n.key AND o.outcome IN ('sent', 'failed'))`,
      [assignmentId, recipients],
    );
    if (rows[0]!.n === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (await listDeliveries(pool, { assignmentId })).reverse();
}

/** How many messages GreenMail holds for `address`; undefined when its API does not answer (another SMTP server). */
async function greenMailCount(address: string): Promise<number | undefined> {
  const api = `http://127.0.0.1:${process.env.GREENMAIL_API_PORT ?? '8080'}`;
  try {
    const response = await fetch(`${api}/api/user/${encodeURIComponent(address)}/messages/INBOX`);
    return response.ok ? ((await response.json()) as unknown[]).length : 0;
  } catch {
    return undefined;
  }
}

/**
 * Part two: a year of the Ezhou plan, the product's main job. Its 97 items become 212 assignments (a shared lead
 * gives each unit its own; 各区人民政府 and 市质强委相关成员单位 expanded through the unit directory in
 * seeds/units/), supervised through 2017 on the time-skipping server started in 2017, so that year's Spring Festival,
 * 清明, May Day and National Day weeks and their make-up Saturdays are the working days counted. Scripted units
 * report on time, late or never (a seeded mix); each quarter ends in a 督查通报.
 */
async function ezhouYear({ pool, workflowBundle, run, topic }: Omit<Deps, 'activities'> & { topic: string }) {
  say('━━ 二、鄂州市方案的一个督办年度（2017年；时间跳跃测试服务器，按2017年的节假日和调休计算工作日）');
  const plan = parsePlan(readSeed('ezhou-2017')).plan;
  const directory = readDirectoryTable(readCsv(readFileSync(path.join(SEEDS_DIR, 'units', 'ezhou-2017.csv'))));
  const started = Date.now();
  const result = await simulateCycle({
    plan,
    directory,
    calendarYears: await loadCalendarYears(pool),
    year: 2017,
    pool,
    topic,
    runId: run,
    workflowBundle,
    onProgress: (message) => say(`  ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} 秒  ${message}`),
  });
  try {
    const behaviours = { 'on-time': 0, late: 0, silent: 0 };
    for (const s of result.scripts) behaviours[s.behaviour]++;
    say(
      `单位脚本（固定种子，可复现）：${result.scripts.length} 个牵头单位中，按期报送 ${behaviours['on-time']} 个，` +
        `逾期报送 ${behaviours.late} 个，不报送 ${behaviours.silent} 个`,
    );
    say();
    for (const b of result.bulletins) {
      const t = b.totals;
      const rate =
        t.onTime + t.late + t.missing > 0 ? ((t.onTime / (t.onTime + t.late + t.missing)) * 100).toFixed(1) : '—';
      say(
        `${b.period.label}督查通报：${t.units} 个单位、${t.assigned} 项督办；按时报送 ${t.onTime}，逾期 ${t.late}，` +
          `未报送 ${t.missing}；按时报送率 ${rate}%；第一名 ${b.units[0]?.unit}（${b.units[0]?.score} 分），` +
          `末位 ${b.units.at(-1)?.unit}（${b.units.at(-1)?.score} 分）`,
      );
    }
    const q2 = result.bulletins.find((b) => b.period.key === '2017-Q2');
    if (q2) {
      say();
      say(formatBulletin(q2, 'text'));
    }
    say(
      `合计：${result.assignments} 项督办；通知 ${Object.entries(result.notices)
        .map(([k, n]) => `${NOTICE_KIND_NAMES[k as NoticeKind] ?? k} ${n} 条`)
        .join('，')}；用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
    );
    say(
      `每期通报可用 npx duban cycle bulletin ${result.cycleId} --period 2017-Q2 --format md|xlsx 导出（本次模拟的服务器已关闭，通报存于 PostgreSQL）`,
    );
    // The read models (the bulletins `cycle bulletin` exports among them) follow from the topic: let the projector
    // catch up before the demo stops it.
    const { rows: items } = await pool.query<{ assignment_id: string }>(
      'SELECT assignment_id FROM cycle_items WHERE cycle_id = $1',
      [result.cycleId],
    );
    await awaitReadModels(pool, [`cycle:${result.cycleId}`, ...items.map((i) => i.assignment_id)], {
      timeoutMs: 120_000,
    });
  } finally {
    await result.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
