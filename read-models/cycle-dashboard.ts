/**
 * What the coordinator's dashboard reads from PostgreSQL about its cycles, one query each: the cycles launched (the
 * `cycles` table, with their state from the cycle's own stream in the event store), each reporting period's reports
 * so far (cycle_items' periods against the `progress_reports` read model), and the overdue items with the highest
 * escalation step each reached (the `assignments` read model, and the OverdueEscalated events of the periods it
 * shows overdue). The lights are not here: they are Temporal visibility's (api/cycle-dashboard.ts says why).
 */
import type { Pool } from 'pg';
import type { CycleStatus } from '../workflows/cycle/messages';
import type { EscalationLevel } from '../workflows/assignment/events';

export interface CycleSummary {
  cycleId: string;
  title: string;
  /** The coordinator's office (督办单位) the cycle's config names. */
  coordinator: string;
  launchedAt: Date;
  launchedBy: string;
  items: number;
  status: CycleStatus;
  /** Periods the cycle issues a bulletin for, and those issued. */
  periods: number;
  bulletins: number;
}

/** The events that change a cycle's state, as the cycle workflow's own `status` follows them. */
const STATE_EVENTS = ['CycleLaunched', 'CycleAssignmentsStarted', 'CyclePaused', 'CycleResumed', 'CycleCancelled'];

/**
 * The cycles launched, newest first; only `cycleIds` when given (a coordinator's own). The state comes from the cycle's
 * stream in the event store, written before the workflow answers, so it costs one query for any number of cycles
 * where asking each cycle's workflow would cost a round trip to Temporal (and a worker) each: launching until the
 * assignments are started, then running, paused, cancelled, finished once every scheduled bulletin is issued.
 */
export async function listCycles(pool: Pool, cycleIds?: readonly string[]): Promise<CycleSummary[]> {
  const { rows } = await pool.query<{
    cycleId: string;
    title: string;
    coordinator: string;
    launchedAt: Date;
    launchedBy: string;
    items: number;
    last: string | null;
    periods: number | null;
    bulletins: number;
  }>(
    `SELECT c.cycle_id AS "cycleId", c.title, c.coordinator, c.launched_at AS "launchedAt",
            c.launched_by AS "launchedBy", c.items,
            (SELECT e.type FROM assignment_events e
             WHERE e.assignment_id = 'cycle:' || c.cycle_id AND e.type = ANY($2)
             ORDER BY e.seq DESC LIMIT 1) AS last,
            (SELECT jsonb_array_length(e.payload -> 'schedule') FROM assignment_events e
             WHERE e.assignment_id = 'cycle:' || c.cycle_id AND e.type = 'CycleAssignmentsStarted'
             ORDER BY e.seq LIMIT 1) AS periods,
            (SELECT count(*)::int FROM assignment_events e
             WHERE e.assignment_id = 'cycle:' || c.cycle_id AND e.type = 'BulletinIssued') AS bulletins
     FROM cycles c
     WHERE $1::text[] IS NULL OR c.cycle_id = ANY($1)
     ORDER BY c.launched_at DESC, c.cycle_id`,
    [cycleIds ?? null, STATE_EVENTS],
  );
  return rows.map(({ last, periods, ...row }) => ({
    ...row,
    periods: periods ?? 0,
    status: stateOf(last, periods ?? 0, row.bulletins),
  }));
}

function stateOf(last: string | null, periods: number, bulletins: number): CycleStatus {
  switch (last) {
    case 'CyclePaused':
      return 'paused';
    case 'CycleCancelled':
      return 'cancelled';
    case 'CycleAssignmentsStarted':
    case 'CycleResumed':
      return bulletins >= periods ? 'finished' : 'running';
    case null:
    default:
      // Stored, its workflow not yet recording (or never started: the launch is taken up again by launching anew).
      return 'launching';
  }
}

/** One reporting period of a cycle as its reports stand so far (the bulletin, once issued, is what counts). */
export interface PeriodSoFar {
  period: string;
  label: string;
  /** The latest due date of the period among the cycle's items. */
  lastDue: string;
  /** Items with this period. */
  assigned: number;
  onTime: number;
  late: number;
  /** Due before `today` with no report, the item still running. */
  missing: number;
}

/**
 * Each period of the cycle's items with the reports the read models hold: on time, late, and missing once the due
 * day is over. Items cancelled, completed or handed to another unit are not counted missing, as the bulletin does not.
 */
export async function periodsSoFar(pool: Pool, cycleId: string, today: string): Promise<PeriodSoFar[]> {
  const { rows } = await pool.query<PeriodSoFar>(
    `WITH periods AS (
       SELECT ci.assignment_id, p ->> 'key' AS period, p ->> 'label' AS label, (p ->> 'due')::date AS due
       FROM cycle_items ci CROSS JOIN LATERAL jsonb_array_elements(ci.spec -> 'periods') p
       WHERE ci.cycle_id = $1
     )
     SELECT p.period, min(p.label) AS label, to_char(max(p.due), 'YYYY-MM-DD') AS "lastDue",
            count(*)::int AS assigned,
            (count(r.assignment_id) FILTER (WHERE NOT r.late))::int AS "onTime",
            (count(r.assignment_id) FILTER (WHERE r.late))::int AS late,
            (count(*) FILTER (WHERE r.assignment_id IS NULL AND p.due < $2::date
                               AND coalesce(a.status, 'assigned') NOT IN ('cancelled', 'completed', 'reassigned')))::int
              AS missing
     FROM periods p
     LEFT JOIN progress_reports r ON r.assignment_id = p.assignment_id AND r.period = p.period
     LEFT JOIN assignments a ON a.assignment_id = p.assignment_id
     GROUP BY p.period
     ORDER BY max(p.due), p.period`,
    [cycleId, today],
  );
  return rows;
}

/** An item with a period overdue (逾期) and the escalation steps (催办 → 督办 → 通报) taken on those periods. */
export interface OverdueItem {
  assignmentId: string;
  cycleId: string;
  ref: string;
  title: string;
  unit: string;
  due: string;
  status: string;
  overduePeriods: string[];
  /** The levels of the steps taken for the overdue periods, in order; the last is the highest reached. */
  escalations: EscalationLevel[];
}

/**
 * The running items of `cycleIds` with a period overdue, oldest due first, at most `limit`. The read model knows which
 * periods are overdue (a report or a new due date takes a period off); the steps taken on them are the
 * OverdueEscalated events of those periods in the event store, read for these few items by their stream's key.
 */
export async function overdueItems(pool: Pool, cycleIds: readonly string[], limit = 500): Promise<OverdueItem[]> {
  const { rows } = await pool.query<OverdueItem>(
    `SELECT a.assignment_id AS "assignmentId", a.cycle_id AS "cycleId", a.ref, a.title, a.unit,
            to_char(a.due, 'YYYY-MM-DD') AS due, a.status, a.overdue_periods AS "overduePeriods",
            coalesce(x.levels, '{}') AS escalations
     FROM assignments a
     LEFT JOIN LATERAL (
       SELECT array_agg(e.payload ->> 'level' ORDER BY e.seq) AS levels
       FROM assignment_events e
       WHERE e.assignment_id = a.assignment_id AND e.type = 'OverdueEscalated'
         AND e.payload ->> 'period' = ANY(a.overdue_periods)
     ) x ON true
     WHERE a.cycle_id = ANY($1) AND cardinality(a.overdue_periods) > 0
       AND a.status NOT IN ('completed', 'cancelled', 'reassigned')
     ORDER BY a.due, a.assignment_id
     LIMIT $2`,
    [cycleIds, limit],
  );
  return rows;
}
