/**
 * Each of the five seed plans supervised for its own year, as `duban simulate` runs it: the cycle launched on the
 * time-skipping server started in the plan's year (so that year's holidays and 调休 days count), the real workflows,
 * activities and PostgreSQL, scripted units (the default mix, from the default seed), played to the year's end.
 * What a coordinator and an auditor would check afterwards:
 *   - no workflow task failed, in the cycle's history or any assignment's;
 *   - every scripted 签收 and 报送 was accepted;
 *   - the year issued the bulletins its periods call for, one per reporting period due within the year;
 *   - each bulletin agrees with the assignments' own states: recomputed from each assignment's stored events up to
 *     the bulletin's issuing instant (a late report after it may change the state since), it is the bulletin that
 *     was issued; and the stored events, folded, are the state each workflow itself reports, so store and workflow
 *     agree;
 *   - each unit's line says what its script did: on time, late (never on time, every one 催办), or silent (missing,
 *     the whole ladder).
 * The plans are launched as tests/cycle/seed-launch.unit.test.ts launches them (tests/cycle/seed-plans.ts: the
 * directories, and the lead units Xi'an and Tianjin lack filled in); the assignment counts are the ones worked out
 * there by hand. Each seed's simulation time is printed at the end (a figure, not an assertion).
 */

import type { Pool } from 'pg';
import { cycleWorkflowId } from '../../api/cycles';
import { simulateCycle, type SimulationResult } from '../../api/simulation';
import { computeBulletin, type Bulletin, type BulletinAssignment } from '../../domain/cycle/bulletin';
import { packageCalendarYears } from '../../domain/calendar-years';
import { eachLimited } from '../../infra/each-limited';
import { fold, type AssignmentState } from '../../workflows/assignment/decider';
import type { AssignmentEvent } from '../../workflows/assignment/events';
import { statusQuery, type AssignmentView } from '../../workflows/assignment/messages';
import { bulletinAssignmentOf } from '../../activities/cycle';
import { config, connectPostgres, uniqueId, useTemporal } from '../support/stack';
import { directoryUnitsOf, launchablePlanOf, type SeedName } from './seed-plans';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(15 * 60_000);

/** History fetches and queries in flight at once: enough to keep the test server busy, not so many it queues them. */
const CONCURRENCY = 16;

interface SeedYear {
  seed: SeedName;
  year: number;
  /** tests/cycle/seed-launch.unit.test.ts works these out from the plans and the directories. */
  assignments: number;
  /** The reporting periods due within the year, in the order their bulletins are issued. */
  bulletins: string[];
}

const quarters = (y: number) => [`${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`];

const SEED_YEARS: SeedYear[] = [
  { seed: 'harbin-2017', year: 2017, assignments: 68, bulletins: quarters(2017) },
  { seed: 'hebei-2015', year: 2015, assignments: 162, bulletins: quarters(2015) },
  // The table keeps no reporting rules: quarterly, as the plan's 每季度末 says.
  { seed: 'xian-2017', year: 2017, assignments: 436, bulletins: quarters(2017) },
  {
    seed: 'ezhou-2017',
    year: 2017,
    assignments: 212,
    // besides the quarters: 五.(一).2 due 每年4月底之前, 五.(一).9 due 每年7月.
    bulletins: ['2017-Q1', '2017-04-30', '2017-Q2', '2017-07-31', '2017-Q3', '2017-Q4'],
  },
  // 上半年 by 7月15日; items due at the year's end report then; the annual report (次年1月15日) falls in 2014.
  { seed: 'tianjin-2013', year: 2013, assignments: 173, bulletins: ['2013-H1', '2013-12-31'] },
];

let pool: Pool;
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;
const figures: string[] = [];

beforeAll(async () => {
  useTemporal();
  pool = await connectPostgres();
  workflowBundle = await bundleWorkflows();
});

afterAll(async () => {
  await pool?.end();
  if (figures.length > 0) process.stdout.write(`\nseed years simulated:\n${figures.join('\n')}\n`);
});

test.each(SEED_YEARS)('$seed: a year simulated, bulletins agreeing with the assignments', async (s) => {
  const started = Date.now();
  const result = await simulateCycle({
    plan: launchablePlanOf(s.seed),
    directory: directoryUnitsOf(s.seed),
    calendarYears: packageCalendarYears(),
    year: s.year,
    pool,
    topic: config.KAFKA_EVENTS_TOPIC,
    runId: uniqueId(s.seed),
    workflowBundle,
  });
  const seconds = (Date.now() - started) / 1000;
  try {
    const ids = result.prepared.launch.items.map((i) => i.assignmentId);
    expect(result.assignments).toBe(s.assignments);
    expect(result.refused).toEqual([]);

    const histories = await failedWorkflowTasks(result, [cycleWorkflowId(result.cycleId), ...ids]);
    expect(histories.failed).toEqual([]);

    expect(result.bulletins.map((b) => b.period.key)).toEqual(s.bulletins);
    expect(result.cycle.bulletins.map((b) => b.period)).toEqual(s.bulletins);
    expect(result.notices.assignment).toBe(s.assignments);
    expect(result.notices.bulletin).toBe(s.bulletins.length);
    // Recorded for the inboxes, and none queued for delivery: a worker's dispatcher must never send a simulated year.
    const { rows: queued } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_queue q JOIN notices n ON n.key = q.notice_key
        WHERE n.assignment_id = ANY($1::text[])`,
      [[cycleWorkflowId(result.cycleId), ...ids]],
    );
    expect(queued[0]!.n).toBe(0);

    const streams = await storedEvents(pool, ids);
    const views = await queryAll(result, ids);
    // The store and the workflow agree: every assignment's stored events fold into the state it reports itself.
    for (const id of ids)
      expect({ id, state: plain(fold(eventsOf(streams, id))) }).toEqual({ id, state: stateOf(views.get(id)!) });

    for (const bulletin of result.bulletins) {
      const issuedAt = new Date(bulletin.issuedAt).getTime();
      const asIssued = ids.flatMap((id) => {
        const state = fold(eventsOf(streams, id, issuedAt));
        const record = bulletinAssignmentOf(id, state, bulletin.period.key);
        return record ? [record] : [];
      });
      const recomputed = computeBulletin({
        cycleId: bulletin.cycleId,
        cycleTitle: bulletin.cycleTitle,
        period: bulletin.period,
        issuedAt: bulletin.issuedAt,
        assignments: asIssued,
        scoring: bulletin.scoring,
      });
      expect(unitFigures(bulletin)).toEqual(unitFigures(recomputed));
      expect(bulletin).toEqual(recomputed);
      expectScriptsFollowed(result, bulletin, asIssued);
    }

    const notices = Object.entries(result.notices)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    figures.push(
      `  ${s.seed}: ${result.assignments} assignments, ${result.bulletins.length} bulletins, ` +
        `simulated in ${seconds.toFixed(1)} s; largest history ${histories.largest} events; notices: ${notices}`,
    );
  } finally {
    await result.close();
  }
});

/** Every history's failed workflow tasks (WORKFLOW_TASK_FAILED), with the failure's message; and the longest one. */
async function failedWorkflowTasks(
  result: SimulationResult,
  workflowIds: string[],
): Promise<{ failed: string[]; largest: number }> {
  const failed: string[] = [];
  let largest = 0;
  await eachLimited(workflowIds, CONCURRENCY, async (id) => {
    const history = await result.env.client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    largest = Math.max(largest, events.length);
    for (const event of events) {
      const attributes = event.workflowTaskFailedEventAttributes;
      if (attributes)
        failed.push(`${id} #${String(event.eventId)}: ${attributes.failure?.message ?? attributes.cause}`);
    }
  });
  return { failed, largest };
}

type Streams = Map<string, Array<{ at: number; event: AssignmentEvent }>>;

/** Each assignment's stored domain events, in seq order, with the instant each occurred. */
async function storedEvents(db: Pool, ids: string[]): Promise<Streams> {
  const { rows } = await db.query<{ assignment_id: string; occurred_at: Date; payload: AssignmentEvent }>(
    `SELECT assignment_id, occurred_at, payload FROM assignment_events
     WHERE assignment_id = ANY($1) ORDER BY assignment_id, seq`,
    [ids],
  );
  const streams: Streams = new Map(ids.map((id) => [id, []]));
  for (const row of rows) streams.get(row.assignment_id)!.push({ at: row.occurred_at.getTime(), event: row.payload });
  return streams;
}

/** The events of one stream that occurred at or before `until` (all of them when absent). */
function eventsOf(streams: Streams, id: string, until = Infinity): AssignmentEvent[] {
  return streams
    .get(id)!
    .filter((e) => e.at <= until)
    .map((e) => e.event);
}

/** Each assignment's state as its workflow reports it (statusQuery; the run's result once it has closed). */
async function queryAll(result: SimulationResult, ids: string[]): Promise<Map<string, AssignmentView>> {
  const views = new Map<string, AssignmentView>();
  await eachLimited(ids, CONCURRENCY, async (id) => {
    const handle = result.env.client.workflow.getHandle(id);
    const { status } = await handle.describe();
    views.set(
      id,
      status.name === 'RUNNING' ? await handle.query(statusQuery) : ((await handle.result()) as AssignmentView),
    );
  });
  return views;
}

/** The decider's state within a workflow's view: what the view adds (its id, light, warnings, next alarm) left out. */
function stateOf(view: AssignmentView): AssignmentState {
  const state: Partial<AssignmentView> = { ...view };
  delete state.assignmentId;
  delete state.light;
  delete state.warnings;
  delete state.nextAlarm;
  return state as AssignmentState;
}

/** As it travels: a state through JSON, as the workflow's query answer does (no undefined fields). */
function plain(state: AssignmentState): AssignmentState {
  return JSON.parse(JSON.stringify(state)) as AssignmentState;
}

function unitFigures(b: Bulletin) {
  return b.units.map(({ unit, assigned, onTime, late, missing, escalations, score }) => ({
    unit,
    assigned,
    onTime,
    late,
    missing,
    escalations,
    score,
  }));
}

/**
 * What each unit's script made it do, as its bulletin line must show it. On time: every report in, none late, nothing
 * escalated. Late: none on time; each late or, when its report came after the bulletin, missing; each one 催办 (the
 * urge goes out the morning after the due day, before any late report). Silent: every report missing, and the whole
 * ladder — 催办, 督办, 通报 — for each, since a bulletin is issued after the ladder's last step.
 */
function expectScriptsFollowed(result: SimulationResult, bulletin: Bulletin, records: BulletinAssignment[]): void {
  const behaviour = new Map(result.scripts.map((s) => [s.unit, s.behaviour]));
  const withPeriod = records.filter((r) => r.period?.key === bulletin.period.key);
  for (const line of bulletin.units) {
    const n = withPeriod.filter((r) => r.unit === line.unit).length;
    const figures = { unit: line.unit, assigned: line.assigned, pending: line.pending, cancelled: line.cancelled };
    expect(figures).toEqual({ unit: line.unit, assigned: n, pending: 0, cancelled: 0 });
    const said = { unit: line.unit, onTime: line.onTime, lateOrMissing: line.late + line.missing, ...line.escalations };
    switch (behaviour.get(line.unit)) {
      case 'on-time':
        expect(said).toEqual({
          unit: line.unit,
          onTime: n,
          lateOrMissing: 0,
          urge: 0,
          'notify-head': 0,
          'report-coordinator': 0,
        });
        break;
      case 'late':
        expect({
          unit: line.unit,
          onTime: line.onTime,
          lateOrMissing: said.lateOrMissing,
          urge: line.escalations.urge,
        }).toEqual({
          unit: line.unit,
          onTime: 0,
          lateOrMissing: n,
          urge: n,
        });
        break;
      case 'silent':
        expect({ ...said, missing: line.missing }).toEqual({
          unit: line.unit,
          onTime: 0,
          lateOrMissing: n,
          missing: n,
          urge: n,
          'notify-head': n,
          'report-coordinator': n,
        });
        break;
      case undefined:
        throw new Error(`unit ${line.unit} in the bulletin of ${bulletin.period.key} has no script`);
    }
  }
}
