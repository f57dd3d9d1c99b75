/**
 * Appending events through the activity path against the local stack (`npm run bench:append -- [--events N]
 * [--streams S] [--concurrency C] [--passes P]`), the two paths alternating P times over N new events each, with the
 * median of each:
 *
 * 1. The recordEvents activity: N events over S assignments, in the batches a workflow sends (one to three events a
 *    turn, each with its metadata), C calls at a time as a worker runs them. Each call is one transaction: the
 *    events chained to their streams (the previous hash read, the new one computed), the read models, the outbox
 *    rows and the NOTIFY.
 * 2. Plain INSERTs of the same rows (read back from the store: payload, metadata, hashes) into a scratch table shaped
 *    like assignment_events with its primary key, in the same batches, one transaction each, C at a time.
 * 3. What the chain costs in CPU alone: eventHash over the same events, in this process.
 *
 * The activity writes more than the plain INSERTs do — that is the point of the comparison: the ratio is what the
 * store's guarantees cost per event. Figures, not assertions: the README quotes what this prints.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { eventHash, GENESIS_HASH, type EventMeta } from '../domain/audit/chain';
import { eachLimited } from '../infra/each-limited';
import { loadConfig } from '../infra/config';
import { checkPostgres, createPool, migrate, withTransaction } from '../infra/postgres';
import type { AssignmentEvent, RecordedEvent } from '../workflows/assignment/events';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import { option } from './options';

const EVENTS = option('events', 10_000);
const STREAMS = option('streams', 200);
const CONCURRENCY = option('concurrency', 10);
/** Passes of both paths, alternating, so that a machine busy with other work slows both alike. */
const PASSES = option('passes', 3);
/** Events per turn, as a workflow's turns give them: mostly one, a report with what it sets off two or three. */
const TURN_SIZES = [1, 1, 2, 1, 3, 1];

const at = (n: number) => new Date(Date.UTC(2027, 0, 1, 1, 0, n)).toISOString();
const UNIT = '市市场监督管理局';
const COORDINATOR = '市政府督查室';

/** The n-th event of a stream (from 1) and who made it happen: an assignment, then the clock's and the unit's turns. */
function eventOf(assignmentId: string, seq: number): { event: AssignmentEvent; meta: EventMeta } {
  const meta = (actor: EventMeta['actor']): EventMeta => ({
    actor,
    workflowId: assignmentId,
    runId: `${assignmentId}-run`,
  });
  if (seq === 1) {
    return {
      event: {
        type: 'TaskAssigned',
        version: 1,
        at: at(seq),
        spec: {
          taskId: assignmentId,
          ref: '五.(二).29',
          title: '开展重点产品质量提升行动',
          unit: UNIT,
          coordinator: COORDINATOR,
          deadlineText: '2027年12月底之前',
          due: '2027-12-31',
          reportsDue: ['2027-03-31', '2027-06-30', '2027-09-30', '2027-12-31'],
          policy: DEFAULT_POLICY,
        },
      },
      meta: meta({ role: 'coordinator', name: COORDINATOR }),
    };
  }
  if (seq % 3 === 2) {
    return {
      event: {
        type: 'DeadlineReminderSent',
        version: 1,
        at: at(seq),
        period: '2027-Q1',
        due: '2027-03-31',
        kind: 'advance',
        daysLeft: 5,
      },
      meta: meta({ role: 'clock', name: '时钟' }),
    };
  }
  return {
    event: {
      type: 'ProgressReportSubmitted',
      version: 1,
      at: at(seq),
      period: '2027-Q1',
      due: '2027-03-31',
      unit: UNIT,
      summary: '本季度完成重点产品质量监督抽查1200批次，合格率96.5%，对不合格产品企业依法处置并跟踪整改。'.repeat(4),
      percentComplete: 40,
      late: false,
    },
    meta: meta({ role: 'unit', name: UNIT }),
  };
}

/**
 * Every stream's events cut into turns, in rounds: round r holds the r-th turn of every stream, as many workflows
 * would send them at once; a stream's next turn waits for the round before (a workflow waits for its turn's store).
 */
function roundsOf(run: string): RecordedEvent[][][] {
  const perStream = Math.ceil(EVENTS / STREAMS);
  const streams = Array.from({ length: STREAMS }, (_, s) => {
    const assignmentId = `${run}:${s}`;
    const turns: RecordedEvent[][] = [];
    for (let seq = 1, t = 0; seq <= perStream; t++) {
      const size = Math.min(TURN_SIZES[t % TURN_SIZES.length]!, perStream - seq + 1);
      turns.push(
        Array.from({ length: size }, (_, i) => ({ assignmentId, seq: seq + i, ...eventOf(assignmentId, seq + i) })),
      );
      seq += size;
    }
    return turns;
  });
  const rounds = Math.max(...streams.map((turns) => turns.length));
  return Array.from({ length: rounds }, (_, r) => streams.flatMap((turns) => (turns[r] ? [turns[r]!] : [])));
}

/** Sends each round's batches C at a time, round after round; returns events per second. */
async function timed(rounds: RecordedEvent[][][], append: (batch: RecordedEvent[]) => Promise<void>): Promise<number> {
  const count = rounds.flat(2).length;
  const t0 = performance.now();
  for (const round of rounds) await eachLimited(round, CONCURRENCY, append);
  return count / ((performance.now() - t0) / 1000);
}

interface StoredRow {
  assignment_id: string;
  seq: number;
  type: string;
  version: number;
  occurred_at: Date;
  payload: unknown;
  meta: unknown;
  prev_hash: string;
  hash: string;
}

async function storedRows(pool: Pool, run: string): Promise<Map<string, StoredRow>> {
  const { rows } = await pool.query<StoredRow>(
    `SELECT assignment_id, seq, type, version, occurred_at, payload, meta, prev_hash, hash
     FROM assignment_events WHERE assignment_id LIKE $1`,
    [`${run}:%`],
  );
  return new Map(rows.map((r) => [`${r.assignment_id}/${r.seq}`, r]));
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const config = loadConfig();
  const pool = createPool(config.DATABASE_URL);
  await checkPostgres(pool, config.DATABASE_URL);
  await migrate(pool);
  const run = `bench-append-${Date.now().toString(36)}`;
  const scratch = `bench_append_${Date.now().toString(36)}`;
  const topic = `duban.bench-append-${run}`;
  const { recordEvents } = createActivities({ pool, topic });

  const shape = roundsOf(`${run}-shape`);
  const batches = shape.flat();
  const events = batches.flat();
  const sample = events.find((e) => e.event.type === 'ProgressReportSubmitted')!;
  console.log(
    `事件追加基准 / append benchmark：每轮 ${events.length} 个事件，${STREAMS} 个任务流，${batches.length} 批（每批 1–3 个），` +
      `并发 ${CONCURRENCY}，共 ${PASSES} 轮，两条路径交替；报送事件约 ${Buffer.byteLength(JSON.stringify(sample))} 字节`,
  );

  await pool.query(
    `CREATE TABLE ${scratch} (LIKE assignment_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
  try {
    // A short warm-up of both paths (connections, JIT, the server's caches), not counted.
    await timed(roundsOf(`${run}-warm`).slice(0, 2), (batch) => recordEvents(batch));

    const results: Array<{ activity: number; plain: number }> = [];
    for (let pass = 1; pass <= PASSES; pass++) {
      const rounds = roundsOf(`${run}-${pass}`);
      const activity = await timed(rounds, (batch) => recordEvents(batch));
      const rows = await storedRows(pool, `${run}-${pass}`);
      if (rows.size !== events.length) throw new Error(`只存了 ${rows.size}/${events.length} 个事件`);
      const plain = await timed(rounds, (batch) =>
        withTransaction(pool, async (client) => {
          for (const { assignmentId, seq } of batch) {
            const r = rows.get(`${assignmentId}/${seq}`)!;
            await client.query(
              `INSERT INTO ${scratch} (assignment_id, seq, type, version, occurred_at, payload, meta, prev_hash, hash)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
              [r.assignment_id, r.seq, r.type, r.version, r.occurred_at, r.payload, r.meta, r.prev_hash, r.hash],
            );
          }
        }),
      );
      results.push({ activity, plain });
      console.log(
        `第 ${pass} 轮 / pass ${pass}：recordEvents ${activity.toFixed(0)} 条/秒，直接 INSERT ${plain.toFixed(0)} 条/秒，` +
          `比值 ${((activity / plain) * 100).toFixed(0)}%`,
      );
    }
    const activity = median(results.map((r) => r.activity));
    const plain = median(results.map((r) => r.plain));
    console.log(
      `recordEvents 活动（链接哈希、元数据、读模型、发件箱）/ activity path, median：${activity.toFixed(0)} 条/秒 events/s`,
    );
    console.log(
      `同样的行直接 INSERT 到对照表 / plain INSERTs of the same rows, median：${plain.toFixed(0)} 条/秒 events/s`,
    );
    console.log(
      `活动路径为直接 INSERT 的 / activity ÷ plain, median of passes：` +
        `${(median(results.map((r) => r.activity / r.plain)) * 100).toFixed(0)}%`,
    );

    const t0 = performance.now();
    let previous = GENESIS_HASH;
    for (const { assignmentId, seq, event, meta } of events)
      previous = eventHash(previous, { assignmentId, seq, event, meta });
    const hashing = events.length / ((performance.now() - t0) / 1000);
    console.log(
      `其中哈希计算（本进程，单线程）/ of which hashing alone：${hashing.toFixed(0)} 条/秒 events/s，` +
        `每条 ${(1e6 / hashing).toFixed(0)} 微秒 µs`,
    );
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${scratch}`);
    // The bench's events stay in the store (it is append-only); their outbox rows, on a topic of their own, are
    // dropped so that no relay publishes them.
    await pool.query('DELETE FROM outbox WHERE topic = $1', [topic]);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
