/**
 * The cycle workflow's activities: starting a cycle's assignments from its stored task table, sending one action to
 * all of them, and computing a period's bulletin from their stored events. They reach Temporal through the worker's
 * own client, on the worker's own task queue.
 */
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { Pool } from 'pg';
import { computeBulletin, type BulletinAssignment } from '../domain/cycle/bulletin';
import { fold, type AnySpec, type AssignmentState } from '../workflows/assignment/decider';
import type { AssignmentEvent, RecordedEvent } from '../workflows/assignment/events';
import {
  launchedOf,
  openingOf,
  startsFrom,
  type DecidingRun,
  type Launched,
  type Opening,
} from '../workflows/assignment/opening';
import {
  ASSIGNMENT_WORKFLOW_TYPE,
  cancelUpdate,
  pauseUpdate,
  resumeUpdate,
  updateCalendarUpdate,
} from '../workflows/assignment/messages';
import type { assignmentWorkflowV2 } from '../workflows/assignment/workflow';
import { cycleStartOptions } from '../workflows/cycle/start-options';
import { eachLimited } from '../infra/each-limited';
import { launchPace, type LaunchPace } from './launch-pace';
import type { Activities } from './types';

export interface TemporalTarget {
  client: Client;
  taskQueue: string;
}

type CycleActivities = Pick<
  Activities,
  | 'startCycleAssignments'
  | 'cycleSchedule'
  | 'broadcastToCycle'
  | 'computeCycleBulletin'
  | 'cycleUnits'
  | 'startSuccessor'
>;

/** Workflow starts and updates in flight at once: enough to keep the server busy, not so many it queues them. */
export const CONCURRENCY = 32;

/** A row of a cycle's task table (cycle_items) as a launch starts it. */
export interface CycleItem {
  assignment_id: string;
  unit: string;
  spec: AnySpec;
}

export interface CycleActivityDependencies {
  pool: Pool;
  temporal?: TemporalTarget;
  /** Stores a launch's openings with their outbox rows and notices; answers each stream's first event as stored. */
  storeOpenings: (openings: Opening[]) => Promise<Map<string, RecordedEvent>>;
}

export function createCycleActivities({ pool, temporal, storeOpenings }: CycleActivityDependencies): CycleActivities {
  const requireTemporal = (): TemporalTarget => {
    if (!temporal)
      throw ApplicationFailure.nonRetryable('this worker was built without a Temporal client', 'NO_CLIENT');
    return temporal;
  };

  return {
    async startCycleAssignments({ cycleId, offset, limit }) {
      const { client, taskQueue } = requireTemporal();
      const { rows } = await pool.query<CycleItem>(
        `SELECT assignment_id, unit, spec FROM cycle_items WHERE cycle_id = $1 ORDER BY position OFFSET $2 LIMIT $3`,
        [cycleId, offset, limit],
      );
      const { rows: counted } = await pool.query<{ items: number }>(
        'SELECT count(*)::int AS items FROM cycle_items WHERE cycle_id = $1',
        [cycleId],
      );
      const { items } = counted[0]!;
      const pace = launchPace(items, Math.max(0, items - offset - rows.length));
      const cycleRun = Context.current().info.workflowExecution;
      if (!cycleRun) throw ApplicationFailure.nonRetryable('a launch runs for its cycle workflow', 'NO_WORKFLOW');
      const { workflowId, runId } = cycleRun;
      const starter = { client, taskQueue, storeOpenings, decidedBy: { workflowId, runId }, now: serverClock() };
      return startAssignments(starter, rows, (counts) => heartbeat(counts), pace);
    },

    async cycleSchedule({ cycleId }) {
      const { rows } = await pool.query<{ key: string; label: string; last_due: string }>(
        `SELECT p->>'key' AS key, min(p->>'label') AS label, max(p->>'due') AS last_due
         FROM cycle_items, jsonb_array_elements(spec->'periods') AS p
         WHERE cycle_id = $1 GROUP BY p->>'key' ORDER BY max(p->>'due'), p->>'key'`,
        [cycleId],
      );
      return rows.map((r) => ({ key: r.key, label: r.label, lastDue: r.last_due }));
    },

    async broadcastToCycle({ cycleId, requestId, ...broadcast }) {
      const { client } = requireTemporal();
      const { rows } = await pool.query<{ assignment_id: string }>(
        'SELECT assignment_id FROM cycle_items WHERE cycle_id = $1 ORDER BY position',
        [cycleId],
      );
      let applied = 0;
      let skipped = 0;
      await eachLimited(rows, CONCURRENCY, async ({ assignment_id: id }) => {
        const handle = client.workflow.getHandle(id);
        const options = { updateId: requestId };
        try {
          if (broadcast.action === 'resume') {
            await handle.executeUpdate(resumeUpdate, { ...options, args: [broadcast.payload] });
          } else if (broadcast.action === 'pause') {
            await handle.executeUpdate(pauseUpdate, { ...options, args: [broadcast.payload] });
          } else if (broadcast.action === 'cancel') {
            await handle.executeUpdate(cancelUpdate, { ...options, args: [broadcast.payload] });
          } else {
            await handle.executeUpdate(updateCalendarUpdate, { ...options, args: [broadcast.payload] });
          }
          applied++;
        } catch (error) {
          // Closed (办结, 撤销) or refused for its own state: nothing to do for this one.
          if (!(error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError)) throw error;
          skipped++;
        }
        heartbeat({ applied, skipped });
      });
      return { applied, skipped };
    },

    async computeCycleBulletin({ cycleId, title, period, issuedAt, scoring }) {
      const { rows } = await pool.query<{ assignment_id: string; events: AssignmentEvent[] }>(
        `SELECT c.assignment_id, coalesce(jsonb_agg(e.payload ORDER BY e.seq) FILTER (WHERE e.seq IS NOT NULL), '[]')
                AS events
         FROM cycle_items c
         LEFT JOIN assignment_events e ON e.assignment_id = c.assignment_id AND e.occurred_at <= $2
         WHERE c.cycle_id = $1 GROUP BY c.assignment_id, c.position ORDER BY c.position`,
        [cycleId, issuedAt],
      );
      const assignments = rows.flatMap(
        ({ assignment_id: assignmentId, events }) => bulletinAssignmentOf(assignmentId, fold(events), period.key) ?? [],
      );
      return computeBulletin({ cycleId, cycleTitle: title, period, issuedAt, assignments, scoring });
    },

    async cycleUnits({ cycleId }) {
      const { rows } = await pool.query<{ unit: string }>(
        `SELECT unit FROM cycle_items WHERE cycle_id = $1
         UNION SELECT jsonb_array_elements_text(spec->'cooperating') FROM cycle_items WHERE cycle_id = $1
         ORDER BY 1`,
        [cycleId],
      );
      return rows.map((r) => r.unit);
    },

    async startSuccessor({ workflowId, spec, handover, actor }) {
      const { client, taskQueue } = requireTemporal();
      if (spec.cycleId) {
        await pool.query(
          `INSERT INTO cycle_items (cycle_id, position, assignment_id, ref, unit, spec)
           SELECT $1, coalesce(max(position), -1) + 1, $2, $3, $4, $5 FROM cycle_items WHERE cycle_id = $1
           HAVING EXISTS (SELECT 1 FROM cycles WHERE cycle_id = $1)
           ON CONFLICT (assignment_id) DO NOTHING`,
          [spec.cycleId, workflowId, spec.ref, spec.unit, spec],
        );
      }
      try {
        await client.workflow.start<typeof assignmentWorkflowV2>(ASSIGNMENT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [{ spec, handover, ...(actor && { actor }) }],
          ...cycleStartOptions(spec, serverNow(), handover),
        });
        return { started: true };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        return { started: false };
      }
    },
  };
}

/** What a launch starts assignments with: the worker's client and queue, the store, the deciding run, the clock. */
export interface Starter extends TemporalTarget {
  storeOpenings: CycleActivityDependencies['storeOpenings'];
  decidedBy: DecidingRun;
  now: () => Date;
}

/**
 * Starts each item's assignment, at most CONCURRENCY at once, each with its 交办 stored first
 * (workflows/assignment/opening.ts): a chunk of CONCURRENCY items' openings in one statement, the next chunk's while
 * this one's are started. One already started — by an earlier launch, or an earlier attempt of this one — is counted,
 * not started again. `progress` hears the counts after each item. With a `pace`, each start puts off the assignment's
 * first workflow task until the launch is expected to have ended (launch-pace.ts).
 */
export async function startAssignments(
  { client, taskQueue, storeOpenings, decidedBy, now }: Starter,
  items: CycleItem[],
  progress?: (counts: { started: number; existing: number }) => void,
  pace?: LaunchPace,
): Promise<{ started: number; existing: number }> {
  const chunks = new Map<number, Promise<Map<string, Launched>>>();
  const chunkAt = (chunk: number): Promise<Map<string, Launched>> | undefined => {
    if (chunk * CONCURRENCY >= items.length) return undefined;
    let opened = chunks.get(chunk);
    if (!opened) {
      const of = items.slice(chunk * CONCURRENCY, (chunk + 1) * CONCURRENCY);
      chunks.set(chunk, (opened = open(storeOpenings, of, now(), decidedBy)));
      opened.catch(() => undefined); // a chunk stored ahead fails its own items, when they ask, not the process
    }
    return opened;
  };
  let started = 0;
  let existing = 0;
  await eachLimited([...items.keys()], CONCURRENCY, async (i) => {
    const item = items[i]!;
    const chunk = Math.floor(i / CONCURRENCY);
    void chunkAt(chunk + 1); // stored ahead
    const assigned = (await chunkAt(chunk)!).get(item.assignment_id);
    // Put off only with its 交办 given: one deciding its own would be shown as unassigned until then.
    const startDelay = assigned ? pace?.delayFor(items.length - 1 - i) : undefined;
    try {
      await client.workflow.start<typeof assignmentWorkflowV2>(ASSIGNMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: item.assignment_id,
        args: [{ spec: item.spec, ...(assigned && { assigned }) }],
        ...cycleStartOptions(item.spec, now()),
        ...(startDelay && { startDelay }),
      });
      started++;
      pace?.started();
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      existing++;
    }
    progress?.({ started, existing });
  });
  return { started, existing };
}

/**
 * Stores the openings of some items at `at` and answers what each is to be started with: its opening as stored —
 * this call's, or one stored before (a launch taken up again) if the workflow, deciding it again, gets the same event.
 * Items left out start without one and decide their own 交办, meeting whatever is stored as they always have.
 */
async function open(
  storeOpenings: Starter['storeOpenings'],
  items: CycleItem[],
  at: Date,
  decidedBy: DecidingRun,
): Promise<Map<string, Launched>> {
  const openings = new Map(
    items.flatMap((item) => {
      const opening = openingOf(item.assignment_id, item.spec, at, decidedBy);
      return opening ? [[item.assignment_id, opening] as const] : [];
    }),
  );
  const stored = await storeOpenings([...openings.values()]);
  const launched = new Map<string, Launched>();
  for (const { assignment_id: id, spec } of items) {
    const mine = openings.get(id)?.recorded;
    const held = stored.get(id);
    if (held && held === mine) launched.set(id, launchedOf(mine));
    else if (held && startsFrom(held, spec)) launched.set(id, launchedOf(held));
  }
  return launched;
}

/**
 * The server's time in this activity: when its attempt was scheduled. Not the machine's clock: on the time-skipping
 * server a simulation's assignments start in the year simulated. An assignment whose attributes changed in the
 * seconds a batch takes upserts them in its first task (workflows/assignment/search.ts).
 */
function serverNow(): Date {
  return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
}

/**
 * The server's time as the activity goes on: when its attempt was scheduled, plus the time it has run since it began
 * (the time-skipping server does not skip while an activity runs). Never ahead of the server's own clock, so an event
 * decided here is not later than the start that carries it (`duban audit verify` checks that).
 */
function serverClock(): () => Date {
  const scheduled = serverNow().getTime();
  const began = performance.now();
  return () => new Date(scheduled + Math.floor(performance.now() - began));
}

/**
 * What a bulletin counts of one assignment: its state as the decider folds it (from stored events, or as its
 * workflow answers), and its period with the bulletin's key. None for an assignment not yet assigned.
 */
export function bulletinAssignmentOf(
  assignmentId: string,
  state: AssignmentState,
  periodKey: string,
): BulletinAssignment | undefined {
  if (!state.spec || state.status === 'unassigned') return undefined;
  const p = state.periods.find((x) => x.period === periodKey);
  // Extensions granted for this period, or for the item while this period was due on its 完成时限.
  const extensionsGranted = (state.dateChanges ?? []).filter(
    (c) => c.granted && (c.period === periodKey || (c.period === undefined && p?.originalDue === c.from)),
  ).length;
  return {
    assignmentId,
    ref: state.spec.ref,
    title: state.spec.title,
    unit: state.spec.unit,
    // A reassigned item is counted on its successor's line, the new unit's: here it is out of the count, as withdrawn.
    status: state.status === 'reassigned' ? 'cancelled' : state.status,
    ...(p && {
      period: {
        key: p.period,
        due: p.due,
        overdue: p.overdue,
        ...(p.report && { report: { at: p.report.at, late: p.report.late } }),
        escalations: p.escalations,
      },
    }),
    ...(extensionsGranted > 0 && { extensionsGranted }),
    ...(p?.values &&
      p.values.length > 0 && { targets: { reported: p.values.length, met: p.values.filter((v) => v.met).length } }),
  };
}
