/**
 * A unit's worklist (待办事项) and the auditor's item search, read from the `assignments` and `cooperations` read
 * models. Which items a unit has, and their status, come from the read models (built from the events topic, so they
 * lag the event store by the projector's delay: the Read-Model-Lag header says by how much). The light, the next due
 * period and the overdue periods of each open item are computed at the moment of the request from the item's stored
 * events, folded by the decider's own `evolve` and judged by its `lightOf` — the light the workflow itself would show
 * now, never a copy that went stale when the clock passed a due date.
 */
import type { Pool } from 'pg';
import { shanghaiDate } from '../domain/calendar';
import { streamsEvents } from '../infra/audit-store';
import { fold, isClosed, lightOf, type AssignmentState, type Light } from '../workflows/assignment/decider';
import type { AssignmentEvent } from '../workflows/assignment/events';

export const STATUS_NAMES: Record<string, string> = {
  unassigned: '未交办',
  assigned: '待签收',
  acknowledged: '办理中',
  completed: '已办结',
  cancelled: '已撤销',
  reassigned: '已改派',
};

export type ItemRole = 'lead' | 'cooperating';
export const ROLE_NAMES: Record<ItemRole, string> = { lead: '牵头', cooperating: '配合' };

export interface UnitItem {
  assignmentId: string;
  ref: string;
  title: string;
  /** 牵头 (the unit leads it) or 配合 (it cooperates with the lead unit). */
  role: ItemRole;
  roleName: string;
  leadUnit: string;
  status: string;
  statusName: string;
  /** Paused by the coordinator: the clock stands still. */
  paused: boolean;
  light: Light;
  /** The earliest period not yet reported, with its due date (YYYY-MM-DD). */
  nextDue?: { period: string; label: string; due: string };
  deadlineText: string;
  /** 完成时限, YYYY-MM-DD, as extended or moved. */
  due: string;
  /** Periods overdue now (past their due date without a report, or closed by the clock), oldest first. */
  overduePeriods: string[];
  cycleId: string | null;
}

interface ItemRow {
  assignmentId: string;
  ref: string;
  title: string;
  leadUnit: string;
  status: string;
  deadlineText: string;
  due: string;
  overduePeriods: string[];
  cycleId: string | null;
  role: ItemRole;
}

const CLOSED = ['completed', 'cancelled', 'reassigned'];
const LIGHT_ORDER: Record<Light, number> = { red: 0, yellow: 1, green: 2, none: 3 };

/** At most this many items of one unit, open ones first: a unit leads or supports a few dozen in a year. */
export const UNIT_ITEMS_LIMIT = 500;

/**
 * The items a unit leads and those it cooperates on, what needs doing first: open before closed, red before yellow
 * before green, then by the next due date. `now` is the instant the lights are judged at.
 */
export async function unitItems(pool: Pool, unit: string, now: Date): Promise<UnitItem[]> {
  const { rows } = await pool.query<ItemRow>(
    `SELECT * FROM (
       SELECT a.assignment_id AS "assignmentId", a.ref, a.title, a.unit AS "leadUnit", a.status,
              a.deadline_text AS "deadlineText", to_char(a.due, 'YYYY-MM-DD') AS due,
              a.overdue_periods AS "overduePeriods", a.cycle_id AS "cycleId", 'lead' AS role
       FROM assignments a WHERE a.unit = $1
       UNION ALL
       SELECT a.assignment_id, a.ref, a.title, a.unit, a.status, a.deadline_text, to_char(a.due, 'YYYY-MM-DD'),
              a.overdue_periods, a.cycle_id, 'cooperating'
       FROM cooperations c JOIN assignments a USING (assignment_id) WHERE c.unit = $1 AND a.unit <> $1
     ) items
     ORDER BY status = ANY($2), due, "assignmentId" LIMIT $3`,
    [unit, CLOSED, UNIT_ITEMS_LIMIT],
  );
  const open = rows.filter((r) => !CLOSED.includes(r.status)).map((r) => r.assignmentId);
  const states = await statesOf(pool, open);
  const items = rows.map((row) => itemOf(row, states.get(row.assignmentId), now));
  return items.sort(
    (a, b) =>
      Number(CLOSED.includes(a.status)) - Number(CLOSED.includes(b.status)) ||
      LIGHT_ORDER[a.light] - LIGHT_ORDER[b.light] ||
      (a.nextDue?.due ?? a.due).localeCompare(b.nextDue?.due ?? b.due) ||
      a.assignmentId.localeCompare(b.assignmentId),
  );
}

/** Each stream's state now: its stored events folded as the workflow folds them. */
async function statesOf(pool: Pool, ids: string[]): Promise<Map<string, AssignmentState>> {
  if (ids.length === 0) return new Map();
  const streams = await streamsEvents(pool, ids);
  return new Map([...streams].map(([id, events]) => [id, fold(events.map((e) => e.event as AssignmentEvent))]));
}

function itemOf(row: ItemRow, state: AssignmentState | undefined, now: Date): UnitItem {
  const base = {
    assignmentId: row.assignmentId,
    ref: row.ref,
    title: row.title,
    role: row.role,
    roleName: ROLE_NAMES[row.role],
    leadUnit: row.leadUnit,
    deadlineText: row.deadlineText,
    due: row.due,
    cycleId: row.cycleId,
  };
  if (!state?.spec || isClosed(state)) {
    return {
      ...base,
      status: row.status,
      statusName: STATUS_NAMES[row.status] ?? row.status,
      paused: false,
      light: 'none',
      overduePeriods: CLOSED.includes(row.status) ? [] : row.overduePeriods,
    };
  }
  const today = shanghaiDate(now);
  const next = state.periods.find((p) => !p.report);
  return {
    ...base,
    status: state.status,
    statusName: STATUS_NAMES[state.status] ?? state.status,
    paused: state.paused !== undefined,
    light: lightOf(state, now),
    ...(next && { nextDue: { period: next.period, label: next.label, due: next.due } }),
    due: state.spec.due,
    overduePeriods: state.periods.filter((p) => !p.report && (p.overdue || today > p.due)).map((p) => p.period),
  };
}

export interface SearchHit {
  assignmentId: string;
  taskId: string;
  ref: string;
  title: string;
  unit: string;
  status: string;
  statusName: string;
  due: string;
  deadlineText: string;
  cycleId: string | null;
}

export interface SearchPage {
  query: string;
  page: number;
  pageSize: number;
  total: number;
  items: SearchHit[];
}

/** Bounds of a search: at most this many words, each this long at most, this many hits a page, this many pages. */
export const SEARCH_LIMITS = { words: 8, wordLength: 64, pageSize: 20, maxPageSize: 50, maxPages: 200 } as const;

/**
 * Items whose number (任务编号, or the whole 督办事项编号), title or lead unit contains every word of the query,
 * case-insensitive: the most recently changed first. A word is matched as text, never as a pattern.
 */
export async function searchItems(
  pool: Pool,
  words: readonly string[],
  page: number,
  pageSize: number,
): Promise<{ total: number; items: SearchHit[] }> {
  const patterns = words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const { rows } = await pool.query<SearchHit & { total: number }>(
    `SELECT a.assignment_id AS "assignmentId", a.task_id AS "taskId", a.ref, a.title, a.unit, a.status,
            to_char(a.due, 'YYYY-MM-DD') AS due, a.deadline_text AS "deadlineText", a.cycle_id AS "cycleId",
            count(*) OVER ()::int AS total
     FROM assignments a
     WHERE NOT EXISTS (
       SELECT 1 FROM unnest($1::text[]) p
       WHERE NOT (a.assignment_id ILIKE p OR a.title ILIKE p OR a.unit ILIKE p)
     )
     ORDER BY a.updated_at DESC, a.assignment_id LIMIT $2 OFFSET $3`,
    [patterns, pageSize, (page - 1) * pageSize],
  );
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map(({ total: _total, ...hit }) => ({ ...hit, statusName: STATUS_NAMES[hit.status] ?? hit.status })),
  };
}
