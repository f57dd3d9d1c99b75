/**
 * The read-model rebuild against the local stack (`npm run bench:readmodels -- [--events N]`, 1,000,000 by default):
 *
 * 0. N events (ten per assignment: assigned, acknowledged, four quarters of reports with one overdue, one returned
 *    and reported again, completed; each with the notice it sends) produced straight to a fresh topic — not through
 *    workflows — and written to a CSV file beside, the same messages.
 * 1. Consume-only: one kafkajs consumer reads the topic from offset zero to its end, touching nothing (no parsing,
 *    no writes): what reading the topic costs.
 * 2. COPY: PostgreSQL's COPY of the same messages as rows (stream, seq, message jsonb) into a table, through psql:
 *    what writing that much to PostgreSQL costs.
 * 3. The rebuild, as `duban readmodels rebuild` runs it (read-models/rebuild.ts) in a schema of its own: read the
 *    topic, parse every message, fold it, write the read models in one transaction.
 *
 * Prints the three rates and the rebuild's ratio to the slower of the two baselines (the goal is ≥ 0.5). Figures,
 * not assertions: the README quotes what this prints.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../infra/config';
import { createKafka, createProducer, ensureTopics } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { readTopic, rebuildReadModels } from '../read-models/rebuild';
import type { AssignmentEvent } from '../workflows/assignment/events';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import { option } from './options';

const EVENTS = option('events', 1_000_000);
const PER_STREAM = 10;
const UNITS = ['市市场监督管理局', '市发展改革委', '市商务局', '市农业农村局', '市生态环境局', '市卫生健康委'];
const COORDINATOR = '市政府督查室';

const at = (day: number) => new Date(Date.UTC(2027, 0, 1 + day, 1)).toISOString();

/** The ten events of one assignment, as a year of supervision leaves them. */
function streamEvents(id: string, n: number): AssignmentEvent[] {
  const unit = UNITS[n % UNITS.length]!;
  const report = (period: string, due: string, day: number, late: boolean): AssignmentEvent => ({
    type: 'ProgressReportSubmitted',
    version: 1,
    at: at(day),
    period,
    due,
    unit,
    summary: `${id}：本季度完成重点产品质量监督抽查，合格率96.5%，对不合格产品企业依法处置并跟踪整改。`,
    percentComplete: Math.min(100, day / 3.65),
    late,
  });
  return [
    {
      type: 'TaskAssigned',
      version: 1,
      at: at(2),
      spec: {
        taskId: `bench:${n}`,
        ref: `五.(二).${n}`,
        title: '开展重点产品质量提升行动，提高主要产品质量合格率',
        unit,
        coordinator: COORDINATOR,
        deadlineText: '2027年12月底之前',
        due: '2027-12-31',
        reportsDue: ['2027-03-31', '2027-06-30', '2027-09-30', '2027-12-31'],
        policy: DEFAULT_POLICY,
      },
    },
    { type: 'AssignmentAcknowledged', version: 1, at: at(3), unit, implicit: false },
    report('2027-Q1', '2027-03-31', 85, false),
    { type: 'ReportingPeriodOverdue', version: 1, at: at(181), period: '2027-Q2', due: '2027-06-30' },
    report('2027-Q2', '2027-06-30', 185, true),
    report('2027-Q3', '2027-09-30', 270, false),
    {
      type: 'ReportReturned',
      version: 1,
      at: at(272),
      period: '2027-Q3',
      by: COORDINATOR,
      comment: '请补充抽查数据',
      reworkDue: '2027-10-20',
    },
    report('2027-Q3', '2027-09-30', 280, false),
    report('2027-Q4', '2027-12-31', 360, false),
    { type: 'TaskCompleted', version: 1, at: at(362), by: COORDINATOR, summary: '任务完成，予以销号' },
  ];
}

/** The message the relay would publish for an event: with the notice it sent. */
function message(id: string, seq: number, event: AssignmentEvent, recipient: string): string {
  return JSON.stringify({
    assignmentId: id,
    seq,
    event,
    notices: [
      {
        key: `${id}#${seq}#${recipient}`,
        assignmentId: id,
        seq,
        at: event.at,
        recipient,
        kind: 'reminder',
        subject: `【${event.type}】「五.(二) 开展重点产品质量提升行动」`,
        body: `${recipient}：事件 ${event.type} 已记录。`,
      },
    ],
  });
}

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Produces the events to `topic` and writes the same messages to a CSV file for COPY. */
async function generate(kafka: Kafka, topic: string, csv: string): Promise<number> {
  const producer = createProducer(kafka);
  await producer.connect();
  const file = createWriteStream(csv);
  const t0 = performance.now();
  let batch: Array<{ key: string; value: string }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await producer.sendBatch({ acks: 1, topicMessages: [{ topic, messages: batch }] });
    batch = [];
  };
  let produced = 0;
  for (let n = 0; produced < EVENTS; n++) {
    const id = `bench-${n}`;
    const events = streamEvents(id, n).slice(0, Math.min(PER_STREAM, EVENTS - produced));
    let rows = '';
    events.forEach((event, i) => {
      const value = message(id, i + 1, event, i === 3 ? COORDINATOR : UNITS[n % UNITS.length]!);
      batch.push({ key: id, value });
      rows += `${id},${i + 1},${csvField(value)}\n`;
    });
    produced += events.length;
    if (!file.write(rows)) await once(file, 'drain');
    if (batch.length >= 5_000) await flush();
    if (produced % 100_000 < PER_STREAM) process.stderr.write(`\r生成中：${produced}/${EVENTS}`);
  }
  await flush();
  file.end();
  await once(file, 'finish');
  await producer.disconnect();
  process.stderr.write('\n');
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const topic = `duban.bench-readmodels-${Date.now().toString(36)}`;
  const schema = `bench_readmodels_${randomUUID().slice(0, 8)}`;
  const kafka = createKafka(config, createLogger('bench', { level: 'warn' }));
  const admin = createPool(config.DATABASE_URL);
  await checkPostgres(admin, config.DATABASE_URL);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(config.DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = createPool(url.toString());
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-bench-'));
  const csv = path.join(dir, 'events.csv');
  try {
    await migrate(pool);
    await ensureTopics(kafka, [topic]);
    console.log(`读模型重建基准：${EVENTS} 个事件（每个任务 ${PER_STREAM} 个，各带一条通知），主题 ${topic}`);
    const generated = await generate(kafka, topic, csv);
    console.log(`  生成（直接发送到 Kafka）：${generated.toFixed(1)} 秒，${Math.round(EVENTS / generated)} 条/秒`);

    // 1. Consume-only.
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const ends = new Map(
      (await kafkaAdmin.fetchTopicOffsets(topic)).map((p) => [
        p.partition,
        { low: BigInt(p.low), high: BigInt(p.high) },
      ]),
    );
    const t1 = performance.now();
    const consumed = await readTopic(
      kafka,
      topic,
      ends,
      EVENTS,
      () => undefined,
      undefined,
      () => ({ ok: false, error: 'not parsed' }),
    );
    const consumeSeconds = (performance.now() - t1) / 1000;
    await kafkaAdmin.deleteGroups([consumed.groupId]).catch(() => undefined);
    const consumeRate = consumed.count / consumeSeconds;
    console.log(
      `  只读取（kafkajs，不解析、不写入）：${consumed.count} 条，${consumeSeconds.toFixed(1)} 秒，${Math.round(consumeRate)} 条/秒`,
    );

    // 2. COPY of the same messages.
    await pool.query('CREATE TABLE bench_events (assignment_id text, seq integer, message jsonb)');
    const t2 = performance.now();
    const copy = spawnSync(
      'psql',
      [config.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy bench_events FROM '${csv}' WITH (FORMAT csv)`],
      { encoding: 'utf8', env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` } },
    );
    const copySeconds = (performance.now() - t2) / 1000;
    if (copy.status !== 0) throw new Error(`COPY 失败：${copy.stderr || copy.error?.message}`);
    const copyRate = EVENTS / copySeconds;
    console.log(
      `  PostgreSQL COPY（psql \\copy，同样的消息作为行）：${copySeconds.toFixed(1)} 秒，${Math.round(copyRate)} 行/秒`,
    );

    // 3. The rebuild.
    const rebuilt = await rebuildReadModels({ pool, kafka, topic, brokers: config.KAFKA_BROKERS });
    console.log(
      `  重建读模型：${rebuilt.events} 个事件，${rebuilt.streams} 个流，${rebuilt.notices} 条通知，` +
        `${rebuilt.seconds.toFixed(1)} 秒（读取、解析、折叠 ${rebuilt.readSeconds.toFixed(1)} 秒，写入 ` +
        `${(rebuilt.seconds - rebuilt.readSeconds).toFixed(1)} 秒），${Math.round(rebuilt.eventsPerSecond)} 事件/秒`,
    );
    const slower = Math.min(consumeRate, copyRate);
    console.log(
      `  重建 / 较慢的基线（${consumeRate < copyRate ? '只读取' : 'COPY'}）= ${(rebuilt.eventsPerSecond / slower).toFixed(2)}（目标 ≥ 0.5）`,
    );
    await kafkaAdmin.disconnect();
  } finally {
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin
      .connect()
      .then(() => kafkaAdmin.deleteTopics({ topics: [topic] }))
      .catch(() => undefined);
    await kafkaAdmin.disconnect();
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
