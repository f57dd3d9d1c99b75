/**
 * A unit's worklist and the auditor's search against the local stack's PostgreSQL
 * (`npm run bench:worklist -- [--lead N] [--cooperating N] [--others N] [--runs N]`), in a schema of its own:
 *
 * 0. One unit leading `lead` items and cooperating on `cooperating` more, among `others` items of other units; each
 *    item two years' stream of about 20 events (assigned, acknowledged, six past quarters each with two reminders and
 *    a report — a third of them with the last quarter unreported, so red), written straight to the event store and
 *    the read models, not through workflows.
 * 1. GET /units/:unit/assignments as the route computes it (read-models/unit-items.ts unitItems): the read model's
 *    rows, then every open item's stored events folded by the decider and its light judged now.
 * 2. GET /search with two words, one of them the unit (searchItems).
 *
 * Prints the median and the slowest of `runs` calls of each. Figures, not assertions.
 */
import { performance } from 'node:perf_hooks';
import { addDays, quarterEndsBetween, quarterKey, shanghaiDate } from '../domain/calendar';
import { loadConfig } from '../infra/config';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { searchItems, unitItems } from '../read-models/unit-items';
import type { AssignmentEvent } from '../workflows/assignment/events';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import { option } from './options';

const LEAD = option('lead', 60);
const COOPERATING = option('cooperating', 30);
const OTHERS = option('others', 5_000);
const RUNS = option('runs', 50);
const UNIT = '市市场监督管理局';
const COORDINATOR = '市政府督查室';

const now = new Date();
const today = shanghaiDate(now);
const instant = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString();

/** The quarter ends of the item's span: six past (each reminded twice and reported, but for `late`), two to come. */
const DUES = quarterEndsBetween(addDays(today, -6 * 92), addDays(today, 2 * 92 - 1)).slice(-8);
const ASSIGNED = -(6 * 92 + 5);

function streamOf(n: number, unit: string, late: boolean): AssignmentEvent[] {
  const events: AssignmentEvent[] = [
    {
      type: 'TaskAssigned',
      version: 1,
      at: instant(ASSIGNED),
      spec: {
        taskId: `bench:${n}`,
        ref: `五.(二).${n}`,
        title: `开展重点产品质量提升行动第 ${n} 项，提高主要产品质量合格率`,
        unit,
        coordinator: COORDINATOR,
        deadlineText: '两年内完成',
        due: DUES[DUES.length - 1]!,
        reportsDue: DUES,
        policy: DEFAULT_POLICY,
      },
    },
    { type: 'AssignmentAcknowledged', version: 1, at: instant(ASSIGNED + 1), unit, implicit: false },
  ];
  const past = DUES.filter((due) => due < today);
  past.forEach((due, i) => {
    const offset = daysFromToday(due);
    const period = { period: quarterKey(due), due };
    events.push(
      { type: 'DeadlineReminderSent', version: 1, at: instant(offset - 3), ...period, kind: 'advance', daysLeft: 3 },
      { type: 'DeadlineReminderSent', version: 1, at: instant(offset), ...period, kind: 'due-day', daysLeft: 0 },
    );
    if (late && i === past.length - 1) return;
    events.push({
      type: 'ProgressReportSubmitted',
      version: 1,
      at: instant(offset - 1),
      ...period,
      unit,
      summary: `第 ${n} 项第 ${i + 1} 期：完成重点产品质量监督抽查，合格率 96.5%，对不合格产品企业依法处置并跟踪整改。`,
      percentComplete: (i + 1) * 10,
      late: false,
    });
  });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

function daysFromToday(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const schema = `bench_worklist_${Date.now().toString(36)}`;
  const admin = createPool(config.DATABASE_URL);
  await checkPostgres(admin, config.DATABASE_URL);
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(config.DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = createPool(url.toString());
  try {
    await migrate(pool);
    const total = LEAD + COOPERATING + OTHERS;
    let t = performance.now();
    for (let from = 0; from < total; from += 500) {
      const events: unknown[] = [];
      const rows: unknown[] = [];
      const cooperations: unknown[] = [];
      for (let n = from; n < Math.min(total, from + 500); n++) {
        const unit = n < LEAD ? UNIT : `市其他单位${n % 40}`;
        const id = `bench:五.(二).${n}:${unit}`;
        const stream = streamOf(n, unit, n % 3 === 0);
        stream.forEach((event, i) =>
          events.push({
            assignment_id: id,
            seq: i + 1,
            type: event.type,
            version: 1,
            occurred_at: event.at,
            payload: event,
          }),
        );
        rows.push({
          assignment_id: id,
          task_id: `bench:${n}`,
          ref: `五.(二).${n}`,
          title: `开展重点产品质量提升行动第 ${n} 项，提高主要产品质量合格率`,
          unit,
          deadline_text: '两年内完成',
          due: DUES[DUES.length - 1]!,
          status: 'acknowledged',
          overdue_periods: [],
          last_seq: stream.length,
          updated_at: stream[stream.length - 1]!.at,
        });
        if (n >= LEAD && n < LEAD + COOPERATING) cooperations.push({ assignment_id: id, unit: UNIT });
      }
      await pool.query(
        `INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload)
         SELECT assignment_id, seq, type, version, occurred_at, payload
         FROM json_populate_recordset(null::assignment_events, $1::json)`,
        [JSON.stringify(events)],
      );
      await pool.query(`INSERT INTO assignments SELECT * FROM json_populate_recordset(null::assignments, $1::json)`, [
        JSON.stringify(rows),
      ]);
      await pool.query(`INSERT INTO cooperations SELECT * FROM json_populate_recordset(null::cooperations, $1::json)`, [
        JSON.stringify(cooperations),
      ]);
    }
    await pool.query('ANALYZE');
    console.log(
      `seeded ${total} items × ${streamOf(0, UNIT, false).length} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const time = async (label: string, call: () => Promise<number>) => {
      const ms: number[] = [];
      let size = 0;
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        size = await call();
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      console.log(
        `${label}: ${size} rows; median ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, slowest ${ms[ms.length - 1]!.toFixed(1)} ms over ${RUNS} runs`,
      );
    };
    await time(`unit worklist (${LEAD} led + ${COOPERATING} cooperating of ${total})`, async () => {
      const items = await unitItems(pool, UNIT, new Date());
      return items.length;
    });
    await time(`search "质量提升 ${UNIT}" page 1 of 20`, async () => {
      const found = await searchItems(pool, ['质量提升', UNIT], 1, 20);
      return found.total;
    });
    const red = (await unitItems(pool, UNIT, new Date())).filter((i) => i.light === 'red').length;
    console.log(`lights: ${red} red of ${LEAD + COOPERATING}`);
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
