/**
 * The refusal log (拒绝记录): a refused turn of the 督办 conversation leaves no event in its task's stream — the
 * workflow's validator rejects it before anything is written — so the application records who tried what, when, and
 * the refusal's code in a separate append-only table (migration 012), for the auditor to list per task and per
 * caller. The API and the CLI both go through `withRefusalLog`, so a refusal is recorded whichever way it came.
 */
import type { Pool } from 'pg';
import { assignmentIdOf, type AssignmentService } from './assignments';
import { claimedCaller, currentAccount } from './caller';
import { cycleWorkflowId, type CycleService } from './cycles';
import { AppError } from './errors';

/** The turns whose refusals are recorded: every call that would change an assignment. */
export const RECORDED_TURNS = [
  'acknowledge',
  'submitReport',
  'reviewReport',
  'requestExtension',
  'decideExtension',
  'moveDeadline',
  'requestClosure',
  'decideClosure',
  'contribute',
  'changePolicy',
  'changeCooperating',
  'sendBack',
  'insist',
  'reassign',
  'complete',
  'pause',
  'resume',
  'cancel',
] as const satisfies ReadonlyArray<keyof AssignmentService>;
export type RecordedTurn = (typeof RECORDED_TURNS)[number];

export interface Refusal {
  id: number;
  refusedAt: Date;
  /** Who tried: today the unit or office the request names; with sign-in (issue 11), the signed-in account. */
  caller: string;
  operation: string;
  assignmentId: string;
  code: string;
  detail: string;
  source: 'api' | 'cli';
  /** The body as it was sent, as JSON text. */
  request: string;
}

export interface RefusalFilter {
  assignmentId?: string;
  /**
   * Every assignment of the task, successors (改派) included, as their first stored events name it: the event store
   * has them as soon as they are assigned, where the assignments read model follows the projector.
   */
  taskId?: string;
  caller?: string;
  limit?: number;
}

/** The most of a refused body kept: enough to see what was tried, bounded so that a refusal never fills the log. */
export const REQUEST_TEXT_LIMIT = 8 * 1024;

export class RefusalLog {
  constructor(private readonly pool: Pool) {}

  async record(refusal: Omit<Refusal, 'id' | 'refusedAt' | 'request'> & { request: unknown }): Promise<void> {
    await this.pool.query(
      `INSERT INTO refusals (caller, operation, assignment_id, code, detail, source, request)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        storable(refusal.caller),
        refusal.operation,
        storable(refusal.assignmentId),
        refusal.code,
        storable(refusal.detail),
        refusal.source,
        requestText(refusal.request),
      ],
    );
  }

  /** The refusals that match, oldest first. */
  async list({ assignmentId, taskId, caller, limit = 1000 }: RefusalFilter): Promise<Refusal[]> {
    const { rows } = await this.pool.query<Refusal>(
      `SELECT id::int, refused_at AS "refusedAt", caller, operation, assignment_id AS "assignmentId", code, detail,
              source, request
       FROM refusals r
       WHERE ($1::text IS NULL OR r.assignment_id = $1)
         AND ($2::text IS NULL OR r.assignment_id IN (
               SELECT assignment_id FROM assignment_events WHERE seq = 1 AND payload -> 'spec' ->> 'taskId' = $2))
         AND ($3::text IS NULL OR r.caller = $3)
       ORDER BY r.id LIMIT $4`,
      [assignmentId ?? null, taskId ?? null, caller ?? null, limit],
    );
    return rows;
  }
}

/**
 * The service with its turns recording their refusals: a call refused with a 4xx AppError (a malformed body, a
 * decider's refusal, a closed task) is recorded, then the same error goes on to the caller. Servers that could not be
 * reached are not refusals: nothing was decided. A log that cannot be written does not hide the refusal either; the
 * caller still gets it, and the failure to record goes to `onLogFailure`.
 */
export function withRefusalLog(
  service: AssignmentService,
  log: RefusalLog,
  source: 'api' | 'cli',
  onLogFailure: (error: unknown) => void = () => undefined,
): AssignmentService {
  const sink = { log, source, onLogFailure };
  const recording = recordingRefusals(service, RECORDED_TURNS, (assignmentId) => assignmentId, sink);
  // 交办 comes from the coordinator's office (its signed-in account, through the API), under the id the request would
  // give the assignment.
  Object.defineProperty(recording, 'assign', {
    value: async (body: unknown) => {
      try {
        return await service.assign(body);
      } catch (error) {
        const { planId, ref, unit, coordinator } = (body ?? {}) as Record<string, unknown>;
        const named = (value: unknown) => typeof value === 'string' && value.trim() !== '';
        await noteRefusal(sink, error, {
          caller: currentAccount()?.id ?? (named(coordinator) ? String(coordinator).trim() : service.coordinator),
          operation: 'assign',
          assignmentId:
            named(planId) && named(ref) && named(unit)
              ? assignmentIdOf(String(planId).trim(), String(ref).trim(), String(unit).trim())
              : '（请求未写明计划、任务或单位）',
          request: body,
        });
        throw error;
      }
    },
  });
  return recording;
}

/** The coordinator's actions on a whole cycle (暂停, 恢复, 撤销, 通知), recorded under the cycle's stream id. */
export function withCycleRefusalLog(
  cycles: CycleService,
  log: RefusalLog,
  source: 'api' | 'cli',
  onLogFailure: (error: unknown) => void = () => undefined,
): CycleService {
  return recordingRefusals(cycles, RECORDED_CYCLE_ACTIONS, cycleWorkflowId, { log, source, onLogFailure });
}

export const RECORDED_CYCLE_ACTIONS = ['pause', 'resume', 'cancel', 'notify'] as const satisfies ReadonlyArray<
  keyof CycleService
>;

/**
 * `target` with the named methods — each called as (id, body, …) — recording their 4xx refusals under the stream
 * `streamOf(id)`; every other method is the target's own.
 */
function recordingRefusals<T extends object>(
  target: T,
  operations: ReadonlyArray<keyof T & string>,
  streamOf: (id: string) => string,
  sink: Sink,
): T {
  const recording = Object.create(target) as T;
  for (const operation of operations) {
    Object.defineProperty(recording, operation, {
      value: async (id: string, body: unknown, ...rest: unknown[]) => {
        try {
          const call = target[operation] as (id: string, body: unknown, ...rest: unknown[]) => Promise<unknown>;
          return await call.call(target, id, body, ...rest);
        } catch (error) {
          await noteRefusal(sink, error, {
            caller: claimedCaller(body),
            operation,
            assignmentId: streamOf(id),
            request: body,
          });
          throw error;
        }
      },
    });
  }
  return recording;
}

interface Sink {
  log: RefusalLog;
  source: 'api' | 'cli';
  onLogFailure: (error: unknown) => void;
}

/** Records `error` when it is a refusal (a 4xx AppError); anything else — a server down, a bug — is not one. */
async function noteRefusal(
  { log, source, onLogFailure }: Sink,
  error: unknown,
  entry: { caller: string; operation: string; assignmentId: string; request: unknown },
): Promise<void> {
  if (!(error instanceof AppError) || error.status >= 500) return;
  await log.record({ ...entry, code: error.code, detail: error.message, source }).catch(onLogFailure);
}

/** The body as JSON text: NULs and lone surrogates come out escaped (PostgreSQL's text refuses the raw ones). */
function requestText(body: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(body) ?? 'null';
  } catch {
    text = String(body);
  }
  text = storable(text);
  return text.length > REQUEST_TEXT_LIMIT ? `${text.slice(0, REQUEST_TEXT_LIMIT)}…（已截断）` : text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What PostgreSQL's text can hold: a NUL written as \u0000, a lone surrogate as U+FFFD. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE, '\uFFFD');
}
