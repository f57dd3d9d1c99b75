/**
 * Notices delivered at a quarter end (`npm run bench:deliveries -- [--notices N]`, 10,000 by default), on the local
 * stack: the Temporal dev server, PostgreSQL (a schema of its own, so no directory or notice of yours is touched) and
 * GreenMail, with a webhook receiver in this process.
 *
 * 1. The baselines, in the same run: nodemailer's raw send rate to the same GreenMail (a pooled transport, as the
 *    product's), and plain signed-less HTTP POSTs to the same receiver.
 * 2. The quarter end: N reminders to 100 units (each with a liaison's email and a JSON webhook) are recorded as the
 *    assignments' activity records them; the dispatcher starts one delivery workflow per notice, each sends its
 *    email and its webhook in activities and records the outcome. Timed from the first notice stored to the last
 *    delivery recorded sent.
 *
 * Prints the rates and the ratio of emails delivered per second to nodemailer's raw rate. Figures, not assertions.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { DirectoryUnit } from '../domain/units';
import { parseOfficeHours } from '../domain/notify/hours';
import { loadConfig } from '../infra/config';
import { eachLimited } from '../infra/each-limited';
import { createLogger } from '../infra/logger';
import { checkPostgres, createPool } from '../infra/postgres';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { replaceDirectory } from '../infra/unit-store';
import { createAssignmentWorker } from '../worker/create-worker';
import { openDependencies } from '../worker/dependencies';
import type { Notice } from '../workflows/assignment/notices';
import { option } from './options';

const N = option('notices', 10_000);
const UNITS = 100;
const RAW = Math.min(N, 2_000);
const logger = createLogger('bench', { level: 'warn' });
const load = () => loadavg()[0]!.toFixed(1);
const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

/** Counts what arrives; answers 200 at once. */
async function startReceiver(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function purgeGreenMail(apiPort: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${apiPort}/api/mail/purge`, { method: 'POST' });
  if (!response.ok) throw new Error(`GreenMail 的 API（端口 ${apiPort}）未能清空邮箱：${response.status}`);
}

async function main(): Promise<void> {
  const base = loadConfig();
  installTemporalLogging(logger);
  const apiPort = Number(process.env.GREENMAIL_API_PORT ?? 8080);
  const runId = randomUUID().slice(0, 8);
  const schema = `bench_deliveries_${runId}`;
  const admin = createPool(base.DATABASE_URL);
  await checkPostgres(admin, base.DATABASE_URL);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(base.DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const taskQueue = `bench-deliveries-${runId}`;
  const config = {
    ...base,
    DATABASE_URL: url.toString(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    DELIVERY_HOURS: parseOfficeHours('always'),
  };
  const temporal = await connectClient(config);
  const deps = await openDependencies(config, logger, { client: temporal.client, taskQueue });
  const receiver = await startReceiver();
  const connection = await connectWorker(config);
  const worker = await createAssignmentWorker({ connection, taskQueue, activities: deps.activities });
  const running = worker.run();
  try {
    console.log(
      `通知投递基准：季度末 ${N} 条提醒，发往 ${UNITS} 个单位（每单位一个联络员邮箱和一个 JSON Webhook）；` +
        `SMTP：GreenMail ${config.SMTP_HOST}:${config.SMTP_PORT}；Temporal ${config.TEMPORAL_ADDRESS}；` +
        `数据库模式 ${schema}`,
    );
    console.log(`机器：${cpus().length} 核，开始时负载 ${load()}`);
    await purgeGreenMail(apiPort);

    // 1. baselines
    const transport = nodemailer.createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: false,
      pool: true,
      maxConnections: 5,
    });
    const m0 = performance.now();
    await eachLimited(
      Array.from({ length: RAW }, (_, i) => i),
      16,
      async (i) => {
        await transport.sendMail({
          from: config.SMTP_FROM,
          to: `raw${i % UNITS}@bench.example.cn`,
          subject: `【提醒】基准 ${i}`,
          text: '请于季度末前报送进展。',
        });
      },
    );
    const rawMailMs = performance.now() - m0;
    transport.close();
    const h0 = performance.now();
    await eachLimited(
      Array.from({ length: RAW }, (_, i) => i),
      16,
      async (i) => {
        const response = await fetch(`${receiver.url}/raw${i % UNITS}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ i }),
        });
        await response.arrayBuffer();
      },
    );
    const rawHookMs = performance.now() - h0;
    console.log(`\n一、基线（同一运行、同一服务器）：`);
    console.log(`  nodemailer 直发 ${RAW} 封：${rawMailMs.toFixed(0)} ms，${rate(RAW, rawMailMs)} 封/秒`);
    console.log(`  HTTP POST 直发 ${RAW} 次：${rawHookMs.toFixed(0)} ms，${rate(RAW, rawHookMs)} 次/秒`);

    // 2. the quarter end
    const units: DirectoryUnit[] = Array.from({ length: UNITS }, (_, i) => ({
      name: `基准单位${i + 1}`,
      aliases: [],
      groups: [],
      contacts: {
        liaisons: [{ name: `联络员${i + 1}`, email: `unit${i + 1}@bench.example.cn` }],
        webhooks: [{ kind: 'json', url: `${receiver.url}/unit${i + 1}`, secret: `secret-${i + 1}` }],
        digest: false,
      },
    }));
    await replaceDirectory(deps.pool, units);
    const at = new Date().toISOString();
    const notices: Notice[] = Array.from({ length: N }, (_, i) => {
      const unit = units[i % UNITS]!.name;
      const assignmentId = `bench-${runId}:${i + 1}:${unit}`;
      return {
        key: `${assignmentId}#5#${unit}`,
        assignmentId,
        seq: 5,
        at,
        recipient: unit,
        kind: 'reminder',
        subject: `【提醒】「${i + 1} 推进质量提升行动」第一季度进展报送`,
        body: `${unit}：请于3月31日前报送第一季度进展。`,
      };
    });
    const t0 = performance.now();
    // As the assignments' activity records them (in an activity's context, which it logs through).
    const activity = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
    for (let i = 0; i < N; i += 500) await activity.run(deps.activities.deliverNotices, notices.slice(i, i + 500));
    const storedMs = performance.now() - t0;
    let last = 0;
    for (;;) {
      const { rows } = await deps.pool.query<{ channel: string; n: number }>(
        `SELECT channel, count(*)::int AS n FROM delivery_outcomes WHERE outcome = 'sent' GROUP BY channel`,
      );
      const sent = rows.reduce((sum, r) => sum + r.n, 0);
      if (sent >= 2 * N) break;
      const now = performance.now();
      if (now - last > 5_000) {
        last = now;
        console.log(`  已送达 ${sent}/${2 * N}（${((now - t0) / 1000).toFixed(0)} 秒，负载 ${load()}）`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const allMs = performance.now() - t0;
    console.log(`\n二、季度末投递（${N} 条通知 × 邮件和 Webhook）：`);
    console.log(`  记录 ${N} 条通知：${storedMs.toFixed(0)} ms`);
    console.log(
      `  全部送达：${(allMs / 1000).toFixed(1)} 秒；邮件 ${rate(N, allMs)} 封/秒，Webhook ${rate(N, allMs)} 次/秒，` +
        `合计 ${rate(2 * N, allMs)} 次投递/秒`,
    );
    console.log(`  Webhook 接收方共收到 ${receiver.received() - RAW} 次（应为 ${N}）`);
    console.log(
      `  邮件送达速率 / nodemailer 直发速率 = ${(rate(N, allMs) / rate(RAW, rawMailMs)).toFixed(2)}；结束时负载 ${load()}`,
    );
  } finally {
    worker.shutdown();
    await running;
    await deps.close();
    await connection.close();
    await temporal.connection.close();
    await receiver.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    await purgeGreenMail(apiPort).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
