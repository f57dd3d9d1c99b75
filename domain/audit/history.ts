/**
 * The second leg of `duban audit verify`: the stored events agree with the Temporal workflow history that decided
 * them. Every batch of events a workflow stores goes through an activity the history keeps a copy of: `recordEvents`,
 * whose input Temporal keeps in the ActivityTaskScheduled event with the time it was scheduled, or the local activity
 * `storeEvents`, which returns the events it stored so that its MarkerRecorded event keeps them as its result; so the
 * history holds its own copy of every event, in order. This compares the two copies — same events, same order, same times — and
 * names the first event where they part. Pure: the history's calls are read out by infra/workflow-history.ts.
 */
import { canonicalJson } from '../canonical-json';
import type { StoredEvent } from './records';
import { shanghaiTime } from './timeline';

/** One write of events in the history (a `recordEvents` activity or a `storeEvents` marker): its events, its outcome. */
export interface RecordCall {
  runId: string;
  /** The history event id of its ActivityTaskScheduled event, or of its MarkerRecorded event. */
  eventId: string;
  /**
   * When Temporal scheduled the activity, or recorded the local activity's marker (ISO): the events' own times cannot
   * be later.
   */
  scheduledAt: string;
  /** completed: stored; pending: running now (its events may or may not be stored yet); failed: stored nothing. */
  outcome: 'completed' | 'pending' | 'failed';
  events: Array<{ assignmentId: string; seq: number; event: unknown; meta?: unknown }>;
  /**
   * The run's start event, whose input carries the events its launch stored before starting it: decided by the run
   * their metadata names (the cycle's), not by this one.
   */
  startInput?: true;
}

export interface HistoryMismatch {
  seq: number;
  problem: 'missing-in-store' | 'missing-in-history' | 'content' | 'order' | 'time' | 'run';
  message: string;
}

/**
 * The first stored event that the history does not vouch for, or that the history has and the store lacks.
 * `historyOpen`: the workflow was still running when its history was read (read before the events, so that an event
 * stored meanwhile is one the history has not reached yet, not one it lacks): stored events after the last one the
 * history names are left for a later check.
 */
export function compareWithHistory(
  streamId: string,
  stored: readonly StoredEvent[],
  calls: readonly RecordCall[],
  historyOpen = false,
): HistoryMismatch | undefined {
  const bySeq = new Map(stored.map((s) => [s.seq, s]));
  let expectedSeq = 1;
  const pending = new Map<number, RecordCall['events'][number]>();
  for (const call of calls) {
    if (call.outcome === 'failed') continue;
    for (const recorded of call.events) {
      if (recorded.assignmentId !== streamId) continue;
      if (call.outcome === 'pending') {
        pending.set(recorded.seq, recorded);
        continue;
      }
      const where = `Temporal 历史（run ${call.runId}，事件 ${call.eventId}，${shanghaiTime(call.scheduledAt)}）`;
      if (recorded.seq !== expectedSeq) {
        return {
          seq: recorded.seq,
          problem: 'order',
          message: `${where}写入的是第 ${recorded.seq} 条事件，按顺序应为第 ${expectedSeq} 条：历史与事件库的顺序不一致`,
        };
      }
      const row = bySeq.get(recorded.seq);
      if (!row) {
        return {
          seq: recorded.seq,
          problem: 'missing-in-store',
          message: `第 ${recorded.seq} 条事件（${typeOf(recorded.event)}）已由${where}写入，但事件库中没有：事件被删除`,
        };
      }
      const difference = firstDifference(recorded.event, row.event);
      if (difference !== undefined) {
        return {
          seq: recorded.seq,
          problem: 'content',
          message:
            `第 ${recorded.seq} 条事件（${typeOf(row.event)}）与${where}不符：${difference}` +
            '——事件库中的记录在写入后被改动，或历史被改动',
        };
      }
      const at =
        typeof (recorded.event as { at?: unknown }).at === 'string' ? (recorded.event as { at: string }).at : '';
      if (at && new Date(at).getTime() > new Date(call.scheduledAt).getTime()) {
        return {
          seq: recorded.seq,
          problem: 'time',
          message: `第 ${recorded.seq} 条事件的时间 ${shanghaiTime(at)} 晚于${where}写入它的时间：时间不可信`,
        };
      }
      // Who acted and why are part of the record: the history's copy of them (when the run sent them) must agree.
      const metaDifference =
        recorded.meta === undefined ? undefined : firstDifference(recorded.meta, row.meta ?? undefined, 'meta');
      if (metaDifference !== undefined) {
        return {
          seq: recorded.seq,
          problem: 'content',
          message:
            `第 ${recorded.seq} 条事件（${typeOf(row.event)}）的元数据与${where}不符：${metaDifference}` +
            '——办理方或理由在写入后被改动',
        };
      }
      if (row.meta?.runId && row.meta.runId !== call.runId && !call.startInput) {
        return {
          seq: recorded.seq,
          problem: 'run',
          message: `第 ${recorded.seq} 条事件的元数据记为 run ${row.meta.runId}，而写入它的是 run ${call.runId}`,
        };
      }
      expectedSeq++;
    }
  }
  const lastInHistory = Math.max(expectedSeq - 1, ...pending.keys());
  for (const row of stored) {
    if (row.seq < expectedSeq) continue;
    if (historyOpen && row.seq > lastInHistory) break;
    const inFlight = pending.get(row.seq);
    if (inFlight && firstDifference(inFlight.event, row.event) === undefined) continue;
    return {
      seq: row.seq,
      problem: 'missing-in-history',
      message:
        `第 ${row.seq} 条事件（${typeOf(row.event)}，${shanghaiTime(String((row.event as { at?: unknown }).at))}）` +
        '在事件库中，但 Temporal 历史中没有写入它的活动：事件不是工作流产生的',
    };
  }
  return undefined;
}

function typeOf(event: unknown): string {
  return String((event as { type?: unknown }).type ?? '?');
}

/**
 * Where two JSON values first differ, for people: "字段 summary：历史中为“…”，事件库中为“…”". Undefined when they are
 * the same (key order does not count).
 */
export function firstDifference(history: unknown, stored: unknown, path = ''): string | undefined {
  if (canonicalJson(history) === canonicalJson(stored)) return undefined;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(history) && isObject(stored) && Array.isArray(history) === Array.isArray(stored)) {
    const keys = [...new Set([...Object.keys(history), ...Object.keys(stored)])].sort();
    for (const key of keys) {
      const inner = firstDifference(history[key], stored[key], path ? `${path}.${key}` : key);
      if (inner !== undefined) return inner;
    }
  }
  const shown = (v: unknown) => (v === undefined ? '（无）' : clip(JSON.stringify(v)));
  return `字段 ${path || '（整条）'}：历史中为 ${shown(history)}，事件库中为 ${shown(stored)}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
