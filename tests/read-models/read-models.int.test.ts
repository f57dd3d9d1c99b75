/**
 * The read models built from the stream, on the real Kafka and PostgreSQL, in a schema of their own (so the whole of
 * the read models is this file's): each (stream, seq) is applied once — when the projector starts again from offset
 * zero, when a message comes twice — and in order, an early message waiting for its predecessor; notices delivered
 * after their event still reach the inbox; `duban readmodels rebuild` gives back the same tables, row for row, and
 * with Kafka down fails naming it and changes nothing; `duban readmodels status` and the API say how far behind the
 * read models are.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ConfigResourceTypes, type Kafka, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { PassThrough } from 'node:stream';
import { createActivities } from '../../activities';
import type { AssignmentService } from '../../api/assignments';
import { buildApi } from '../../api/server';
import { main } from '../../cli/main';
import type { Io } from '../../cli/plan-command';
import { computeBulletin, DEFAULT_SCORING } from '../../domain/cycle/bulletin';
import { createProducer, readAssignmentEvents } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { readModelGroup, ReadModelProjector } from '../../read-models/projector';
import { readModelLag } from '../../read-models/status';
import type { AssignmentEvent, RecordedEvent } from '../../workflows/assignment/events';
import { normalizeSpec } from '../../workflows/assignment/decider';
import { noticesFor } from '../../workflows/assignment/notices';
import type { RecordedCycleEvent } from '../../workflows/cycle/events';
import { iso, spec } from '../workflows/decider-v2-fixtures';
import { bearerFor, createAccount } from '../support/accounts';
import {
  config,
  connectKafka,
  readModelsOf,
  ROOT,
  scratchSchema,
  startReadModels,
  testLogger,
  uniqueId,
} from '../support/stack';

jest.setTimeout(120_000);

const topic = uniqueId('duban.test-read-models');
let scratch: Awaited<ReturnType<typeof scratchSchema>>;
let pool: Pool;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  scratch = await scratchSchema();
  pool = scratch.pool;
  kafka = await connectKafka(topic);
  producer = createProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await scratch?.drop();
});

function run<A extends unknown[]>(fn: (...args: A) => Promise<void>, ...args: A): Promise<void> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') }).run(fn, ...args);
}

const activities = () => createActivities({ pool, topic });

function lifecycle(assignmentId: string, unit = '市农委'): RecordedEvent[] {
  const events: AssignmentEvent[] = [
    {
      type: 'TaskAssigned',
      version: 2,
      at: iso('2017-01-03', '10:00'),
      spec: { ...spec, taskId: `t:${assignmentId}`, unit },
    },
    { type: 'AssignmentAcknowledged', version: 1, at: iso('2017-02-21'), unit, implicit: false },
    {
      type: 'ReportingPeriodOverdue',
      version: 1,
      at: iso('2017-01-27', '00:00'),
      period: '2017-01',
      due: '2017-01-26',
    },
    {
      type: 'ProgressReportSubmitted',
      version: 1,
      at: iso('2017-04-02'),
      period: '2017-01',
      due: '2017-01-26',
      unit,
      summary: '农产品抽检合格率达到96%',
      percentComplete: 30,
      late: true,
    },
    {
      type: 'ReportingPeriodOverdue',
      version: 1,
      at: iso('2017-10-09', '00:00'),
      period: '2017-Q3',
      due: '2017-09-30',
    },
  ];
  return events.map((event, i) => ({ assignmentId, seq: i + 1, event }));
}

/** The notices the workflow sends for these events (version 2 stores them with the events). */
function noticesOf(batch: RecordedEvent[]) {
  const first = lifecycle(batch[0]!.assignmentId)[0]!;
  if (first.event.type !== 'TaskAssigned') throw new Error('fixture starts with TaskAssigned');
  const spec = normalizeSpec(first.event.spec);
  return batch.flatMap((recorded) => noticesFor(recorded, spec));
}

async function assignmentRow(id: string) {
  const { rows } = await pool.query(
    'SELECT status, overdue_periods, last_seq FROM assignments WHERE assignment_id = $1',
    [id],
  );
  return rows[0];
}

async function inboxKeys(id: string): Promise<string[]> {
  const { rows } = await pool.query<{ key: string }>('SELECT key FROM inbox WHERE assignment_id = $1 ORDER BY key', [
    id,
  ]);
  return rows.map((r) => r.key);
}

async function positionOf(stream: string): Promise<number> {
  const { rows } = await pool.query<{ seq: number }>('SELECT seq FROM read_model_positions WHERE stream = $1', [
    stream,
  ]);
  return rows[0]?.seq ?? 0;
}

/** Polls until `check` holds, failing after the deadline with what was awaited. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends messages straight to the topic, as a relay that sent twice or out of turn would have. */
async function produce(messages: Array<RecordedEvent & { notices?: unknown[] }>): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: messages.map((m) => ({ key: m.assignmentId, value: JSON.stringify({ notices: [], ...m }) })),
  });
}

/** Every read-model table of the schema, row for row (but for the moment a row was written). */
async function readModelTables(): Promise<Record<string, unknown[]> & { inbox: unknown[] }> {
  const tables: Record<string, string> = {
    assignments: 'SELECT * FROM assignments ORDER BY assignment_id',
    progress_reports: 'SELECT * FROM progress_reports ORDER BY assignment_id, period',
    cooperations: 'SELECT * FROM cooperations ORDER BY assignment_id, unit',
    bulletins: 'SELECT * FROM bulletins ORDER BY cycle_id, period',
    inbox:
      'SELECT key, recipient, assignment_id, seq, occurred_at, kind, subject, body, read_at FROM inbox ORDER BY key',
    read_model_positions: 'SELECT stream, seq FROM read_model_positions ORDER BY stream',
    read_model_parked: 'SELECT stream, seq, message FROM read_model_parked ORDER BY stream, seq',
  };
  const result: Record<string, unknown[]> & { inbox: unknown[] } = { inbox: [] };
  for (const [name, sql] of Object.entries(tables)) result[name] = (await pool.query(sql)).rows;
  return result;
}

function cliIo(env: NodeJS.ProcessEnv): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (s) => (out += String(s)),
    stderr: (s) => (err += s),
    cwd: ROOT,
    isTty: false,
    env,
    out: () => out,
    err: () => err,
  };
}

const scratchEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: scratch.databaseUrl,
  KAFKA_EVENTS_TOPIC: topic,
});

test('the event store keeps events, outbox rows and notices; the read models follow from Kafka', async () => {
  const id = uniqueId('rm-assignment');
  const batch = lifecycle(id).slice(0, 2);
  await run(activities().recordEvents, batch, noticesOf(batch));

  expect(await assignmentRow(id)).toBeUndefined();
  const { rows: notices } = await pool.query(
    'SELECT recipient, kind FROM notices WHERE assignment_id = $1 ORDER BY key',
    [id],
  );
  expect(notices.length).toBeGreaterThan(0);
  expect((await readModelLag(pool, [id])).events).toBe(2);

  const readModels = await startReadModels(pool, topic);
  try {
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  expect(await assignmentRow(id)).toEqual({ status: 'acknowledged', overdue_periods: [], last_seq: 2 });
  expect(await inboxKeys(id)).toEqual(
    noticesOf(batch)
      .map((n) => n.key)
      .sort(),
  );
  const { rows } = await pool.query('SELECT unit FROM cooperations WHERE assignment_id = $1 ORDER BY unit', [id]);
  expect(rows.map((r) => r.unit).sort()).toEqual([...spec.cooperating].sort());
});

test('each (stream, seq) is applied once: a message delivered twice, and a projector started again from offset zero', async () => {
  const id = uniqueId('rm-assignment');
  const events = lifecycle(id);
  await run(activities().recordEvents, events.slice(0, 3), noticesOf(events.slice(0, 3)));
  let readModels = await startReadModels(pool, topic);
  try {
    await readModelsOf(pool, id);
    // ReportingPeriodOverdue applied twice would list 2017-Q1 twice.
    expect(await assignmentRow(id)).toEqual({ status: 'acknowledged', overdue_periods: ['2017-01'], last_seq: 3 });
    await produce(events.slice(0, 3));
    await run(activities().recordEvents, events.slice(3, 4), noticesOf(events.slice(3, 4)));
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  const before = await readModelTables();
  expect(await assignmentRow(id)).toEqual({ status: 'acknowledged', overdue_periods: [], last_seq: 4 });

  // The group's offsets back to zero: the projector reads every message again, and every one is a repeat.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.resetOffsets({ groupId: readModelGroup({ KAFKA_EVENTS_TOPIC: topic }), topic, earliest: true });
  } finally {
    await admin.disconnect();
  }
  await run(activities().recordEvents, events.slice(4), noticesOf(events.slice(4)));
  readModels = await startReadModels(pool, topic);
  try {
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  expect(await assignmentRow(id)).toEqual({ status: 'acknowledged', overdue_periods: ['2017-Q3'], last_seq: 5 });
  const after = await readModelTables();
  expect(after.progress_reports).toEqual(before.progress_reports);
  expect(after.inbox.length).toBe(before.inbox.length + noticesOf(events.slice(4)).length);
});

test('a message that arrives before its predecessor waits for it', async () => {
  const id = uniqueId('rm-early');
  const [assigned, acknowledged, overdue] = lifecycle(id);
  const readModels = await startReadModels(pool, topic);
  try {
    await produce([assigned!, overdue!]);
    await eventually(`${id}/3 held for its predecessor`, async () => {
      const { rows } = await pool.query('SELECT seq FROM read_model_parked WHERE stream = $1', [id]);
      return rows.length === 1 && (await positionOf(id)) === 1;
    });
    expect(await assignmentRow(id)).toEqual({ status: 'assigned', overdue_periods: [], last_seq: 1 });

    await produce([acknowledged!]);
    await eventually(`${id} applied up to 3`, async () => (await positionOf(id)) === 3);
  } finally {
    await readModels.stop();
  }
  expect(await assignmentRow(id)).toEqual({ status: 'acknowledged', overdue_periods: ['2017-01'], last_seq: 3 });
  const { rows } = await pool.query('SELECT seq FROM read_model_parked WHERE stream = $1', [id]);
  expect(rows).toEqual([]);
});

test('a crash kafkajs does not restart its consumer after: the projector joins the group again and nothing is lost', async () => {
  const id = uniqueId('rm-crash');
  const events = lifecycle(id);
  // The projector's first transaction fails with a TypeError, a cause kafkajs deems final: its consumer leaves the
  // group and is not started again. The database behind the pool is the real one; only that one checkout fails.
  let failing = true;
  const faulty = Object.create(pool) as Pool;
  faulty.connect = (() => {
    if (!failing) return pool.connect();
    failing = false;
    return Promise.reject(new TypeError('a client went missing'));
  }) as Pool['connect'];
  const lines = new PassThrough();
  let logged = '';
  lines.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const projector = new ReadModelProjector({
    kafka,
    pool: faulty,
    topic,
    groupId: readModelGroup({ KAFKA_EVENTS_TOPIC: topic }),
    logger: createLogger('test', { level: 'info', destination: lines }),
  });
  await projector.start();
  try {
    await produce(events.slice(0, 2));
    await eventually(`${id} applied up to 2 after the crash`, async () => (await positionOf(id)) === 2);
    await produce(events.slice(2));
    await eventually(`${id} applied up to 5`, async () => (await positionOf(id)) === 5);
  } finally {
    await projector.stop();
  }
  expect(failing).toBe(false);
  expect(await assignmentRow(id)).toEqual({
    status: 'acknowledged',
    overdue_periods: ['2017-Q3'],
    last_seq: 5,
  });
  expect(logged).toMatch(
    /ERROR +\[read-models\] 读模型的 Kafka 消费者已停止（TypeError：a client went missing），kafkajs 不会重启它/,
  );
  expect(logged).toContain('读模型的 Kafka 消费者已重新加入消费组，从已提交的位置继续');
});

test('notices delivered after their event was published still reach the inbox, once', async () => {
  const id = uniqueId('rm-late');
  const [assigned] = lifecycle(id);
  const readModels = await startReadModels(pool, topic);
  try {
    await run(activities().recordEvents, [assigned!]);
    await readModelsOf(pool, id);
    expect(await inboxKeys(id)).toEqual([]);

    const notices = noticesOf([assigned!]);
    await run(activities().deliverNotices, notices);
    await run(activities().deliverNotices, notices);
    await readModelsOf(pool, id);
    expect(await inboxKeys(id)).toEqual(notices.map((n) => n.key).sort());
  } finally {
    await readModels.stop();
  }
});

test('notices too large to ride along stay out of the message, and still reach the inbox from the store', async () => {
  const id = uniqueId('rm-large');
  const [assigned] = lifecycle(id);
  // A notice to 70 units with a 5,000-character body: about 1 MB together, Kafka's limit for one record.
  const notices = Array.from({ length: 70 }, (_, i) => ({
    ...noticesOf([assigned!])[0]!,
    key: `${id}#1#单位${i}`,
    recipient: `单位${i}`,
    body: '通'.repeat(5_000),
  }));
  const readModels = await startReadModels(pool, topic);
  try {
    await run(activities().recordEvents, [assigned!], notices);
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  const [published] = await readAssignmentEvents(kafka, { topic, assignmentId: id, count: 1 });
  expect(published).toMatchObject({ assignmentId: id, seq: 1 });
  expect(published!.notices).toBeUndefined();
  expect(await inboxKeys(id)).toEqual(notices.map((n) => n.key).sort());
});

test("a message published before notices rode along takes them from the event store's record", async () => {
  const id = uniqueId('rm-older');
  const batch = lifecycle(id).slice(0, 2);
  await run(activities().recordEvents, batch, noticesOf(batch));
  // As published before this version: the relay sent the events (their outbox rows are gone) without `notices`.
  await pool.query('DELETE FROM outbox WHERE assignment_id = $1', [id]);
  await producer.send({
    topic,
    acks: -1,
    messages: batch.map((m) => ({ key: id, value: JSON.stringify(m) })),
  });
  const readModels = await startReadModels(pool, topic);
  try {
    await readModelsOf(pool, id);
  } finally {
    await readModels.stop();
  }
  expect(await inboxKeys(id)).toEqual(
    noticesOf(batch)
      .map((n) => n.key)
      .sort(),
  );
});

test('the lag: events stored while the projector is stopped, zero once it has caught up; the API says so', async () => {
  const id = uniqueId('rm-lag');
  const api = buildApi({ assignments: {} as AssignmentService, pool, logger: testLogger });
  const base = await api.listen({ host: '127.0.0.1', port: 0 });
  // A member of 市农委 reads its inbox (and the read models' status, as anyone signed in may).
  const signedIn = await bearerFor(pool, (await createAccount(pool, { role: 'unit-member', unit: '市农委' })).id);
  const get = async (url: string) => {
    const response = await fetch(base + encodeURI(url), { headers: signedIn });
    return {
      status: response.status,
      lag: response.headers.get('read-model-lag'),
      body: (await response.json()) as unknown,
    };
  };
  try {
    await run(activities().recordEvents, lifecycle(id).slice(0, 2), noticesOf(lifecycle(id).slice(0, 2)));
    const behind = await readModelLag(pool);
    expect(behind.events).toBeGreaterThanOrEqual(2);
    expect(behind.oldestStoredAt).toBeInstanceOf(Date);

    const status = cliIo(scratchEnv());
    expect(await main(['readmodels', 'status'], status)).toBe(0);
    expect(status.out()).toContain(`未应用的事件：${behind.events} 个`);

    const inbox = await get('/units/市农委/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.lag).toMatch(new RegExp(`^events=${behind.events}, notices=\\d+, seconds=[\\d.]+$`));
    expect((await get(`/readmodels/status?assignment=${id}`)).body).toMatchObject({ events: 2, parked: 0 });

    const readModels = await startReadModels(pool, topic);
    try {
      await readModelsOf(pool, id);
    } finally {
      await readModels.stop();
    }
    expect(await readModelLag(pool)).toMatchObject({ events: 0, notices: 0, seconds: 0 });
    expect((await get('/readmodels/status')).body).toEqual({
      events: 0,
      notices: 0,
      parked: 0,
      seconds: 0,
      unreadable: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the header's measure is at most a second old
    expect((await get('/units/市农委/supporting')).lag).toBe('events=0, notices=0, seconds=0');
  } finally {
    await api.close();
  }
});

test('a rebuild from offset zero gives the same read models, row for row, the inbox and bulletins included', async () => {
  const cycleId = uniqueId('rm-cycle');
  const stream = `cycle:${cycleId}`;
  const bulletin = computeBulletin({
    cycleId,
    cycleTitle: '读模型重建测试',
    period: { key: '2017-Q1', label: '2017年第一季度' },
    issuedAt: iso('2017-04-10'),
    assignments: [],
    scoring: DEFAULT_SCORING,
  });
  const issued: RecordedCycleEvent = {
    assignmentId: stream,
    seq: 1,
    event: { type: 'BulletinIssued', version: 1, at: iso('2017-04-10'), period: '2017-Q1', bulletin },
  };
  const returned = uniqueId('rm-returned');
  const rework: RecordedEvent = {
    assignmentId: returned,
    seq: 5,
    event: {
      type: 'ReportReturned',
      version: 1,
      at: iso('2017-04-03'),
      period: '2017-01',
      by: '督查室',
      comment: '请补充数据',
      reworkDue: '2017-02-10',
    },
  } as RecordedEvent;
  const readModels = await startReadModels(pool, topic);
  try {
    await run(activities().recordEvents, [issued]);
    await run(activities().deliverNotices, [
      {
        key: `${stream}#1#督查室`,
        assignmentId: stream,
        seq: 1,
        at: iso('2017-04-10'),
        recipient: '督查室',
        kind: 'bulletin',
        subject: '【督查通报】2017年第一季度',
        body: '督查室：通报已生成\n附表\t第一期\\C:\\通报 "全市"',
      },
    ]);
    const events = [...lifecycle(returned, '市商务局').slice(0, 4), rework];
    await run(activities().recordEvents, events, noticesOf(events));
    await readModelsOf(pool, [stream, returned]);
  } finally {
    await readModels.stop();
  }
  const live = await readModelTables();
  expect(live.bulletins).toHaveLength(1);
  const count = async (table: string) =>
    (await pool.query(`SELECT key FROM ${table} WHERE assignment_id = ANY($1) ORDER BY key`, [[stream, returned]]))
      .rows;
  expect((await count('inbox')).length).toBeGreaterThan(1);
  expect(await count('inbox')).toEqual(await count('notices'));

  const io = cliIo(scratchEnv());
  expect(await main(['readmodels', 'rebuild'], io)).toBe(0);
  expect(io.out()).toMatch(/读模型已从 .* 重建：\d+ 条消息，应用 \d+ 个事件/);
  expect(io.out()).toMatch(/\d+ 事件\/秒/);
  expect(io.err()).toContain('重建中：');
  expect(await readModelTables()).toEqual(live);
  // COPY's text format carries line breaks, tabs and backslashes through unchanged.
  const { rows } = await pool.query('SELECT body FROM inbox WHERE assignment_id = $1', [stream]);
  expect(rows).toEqual([{ body: '督查室：通报已生成\n附表\t第一期\\C:\\通报 "全市"' }]);
});

test('readmodels rebuild with Kafka down fails naming Kafka and changes nothing', async () => {
  const before = await readModelTables();
  const io = cliIo({ ...scratchEnv(), KAFKA_BROKERS: '127.0.0.1:1' });
  expect(await main(['readmodels', 'rebuild'], io)).toBe(1);
  expect(io.err()).toMatch(/Kafka/);
  expect(io.err()).toContain('127.0.0.1:1');
  expect(await readModelTables()).toEqual(before);
  expect(config.KAFKA_EVENTS_TOPIC).not.toBe(topic);
});

test('the events topic keeps its records for ever; one whose start was deleted is not rebuilt from, and nothing changes', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [described] = (
      await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      })
    ).resources;
    const retention = Object.fromEntries(described!.configEntries.map((e) => [e.configName, e.configValue]));
    expect({ ms: retention['retention.ms'], bytes: retention['retention.bytes'] }).toEqual({ ms: '-1', bytes: '-1' });

    // As a broker's retention would have: the first record of a partition that has any is deleted.
    const partition = (await admin.fetchTopicOffsets(topic)).find((p) => Number(p.high) > 0)!;
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: partition.partition, offset: '1' }] });
  } finally {
    await admin.disconnect();
  }
  const before = await readModelTables();
  const io = cliIo(scratchEnv());
  expect(await main(['readmodels', 'rebuild'], io)).toBe(1);
  expect(io.err()).toMatch(/开头已被删除.*原有读模型未改动/);
  expect(await readModelTables()).toEqual(before);
});

test('a message the read models cannot read is kept with where it was and why, and the status says so', async () => {
  const key = uniqueId('rm-unreadable');
  await producer.send({
    topic,
    messages: [{ key, value: '{"assignmentId":"x","seq":1,"event":{"type":"FromTheFuture"}}' }],
  });
  const readModels = await startReadModels(pool, topic);
  try {
    const deadline = Date.now() + 30_000;
    let rows: Array<{ error: string; value: Buffer }> = [];
    while (rows.length === 0 && Date.now() < deadline) {
      ({ rows } = await pool.query('SELECT error, value FROM read_model_unreadable WHERE topic = $1', [topic]));
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value.toString()).toContain('FromTheFuture');
  } finally {
    await readModels.stop();
  }
  const io = cliIo(scratchEnv());
  expect(await main(['readmodels', 'status'], io)).toBe(1);
  expect(io.out()).toContain('无法解析的消息：1 条');
});
