/**
 * Whether the record of an assignment can be trusted, on three legs, each naming the first event that fails and why —
 * (a) its hash chain is intact, (b) the stored events are the ones the Temporal workflow history handed to
 * `recordEvents` (same events, same order, same times), (c) that history replays with the current workflow code
 * without non-determinism. `duban audit verify` bundles the workflow code once per command; the API keeps one
 * replay worker for the process (AuditVerifier), started at its first verify.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { firstBreak } from '../domain/audit/chain';
import { compareWithHistory, type RecordCall } from '../domain/audit/history';
import { linkOf, type StoredEvent } from '../domain/audit/records';
import { cycleRecord, requireStream, streamsEvents } from './audit-store';
import { eachLimited } from './each-limited';
import {
  fetchRuns,
  isOpen,
  recordCalls,
  replayBundle,
  Replayer,
  type ReplayOutcome,
  type WorkflowRun,
} from './workflow-history';
import { cycleStream } from '../workflows/cycle/events';

export interface LegResult {
  ok: boolean;
  /** The first event that fails this leg (its seq), when one does. */
  seq?: number;
  message: string;
  /** The replay leg's: no run had run a workflow task yet, so nothing was replayed. */
  nothingRan?: true;
}

export interface StreamVerdict {
  stream: string;
  events: number;
  chain: LegResult;
  history: LegResult;
  replay: LegResult;
  ok: boolean;
}

export interface Timings {
  chain: number;
  history: number;
  replay: number;
}

/** The chain leg: every row chained, each hash over its content and the one before. */
export function verifyChain(stored: readonly StoredEvent[]): LegResult {
  const unchained = stored.find((s) => s.hash === null || s.prevHash === null);
  if (unchained) {
    return {
      ok: false,
      seq: unchained.seq,
      message: `第 ${unchained.seq} 条事件尚未入链（没有哈希）：请先运行一次迁移`,
    };
  }
  const broken = firstBreak(stored.map(linkOf));
  if (broken) return { ok: false, seq: broken.seq, message: broken.message };
  const last = stored[stored.length - 1];
  return { ok: true, message: `完整：第 1–${stored.length} 条，末条哈希 ${last?.hash?.slice(0, 16) ?? '—'}…` };
}

/** The history leg, for one stream and the runs of its workflow (undefined: Temporal has none). */
export function verifyHistory(
  streamId: string,
  stored: readonly StoredEvent[],
  runs: WorkflowRun[] | undefined,
): LegResult {
  if (!runs) {
    return {
      ok: false,
      message: `Temporal 中找不到工作流 ${streamId} 的历史（未在此部署运行，或已超过保留期）：无法比对`,
    };
  }
  const calls = recordCalls(runs);
  const mismatch = compareWithHistory(streamId, stored, calls, isOpen(runs));
  if (mismatch) return { ok: false, seq: mismatch.seq, message: mismatch.message };
  return {
    ok: true,
    message: `一致：${stored.length} 条事件与 ${calls.filter((c) => c.outcome === 'completed').length} 次写入活动逐条相符（${runs.length} 个 run）`,
  };
}

function replayLeg(outcomes: ReplayOutcome[], runs: WorkflowRun[]): LegResult {
  const failed = outcomes.find((o) => o.error !== undefined);
  if (!failed) {
    const idle = outcomes.filter((o) => o.ranNothing).length;
    if (idle === runs.length) return { ok: true, nothingRan: true, message: '无可重放：工作流尚未执行任何工作流任务' };
    return {
      ok: true,
      message:
        `无不确定性：${runs.length - idle} 个 run 均按记录重放` +
        (idle > 0 ? `（另有 ${idle} 个 run 尚未执行任何任务）` : ''),
    };
  }
  const at = failedAt(failed.error!, recordCalls(runs.filter((r) => r.runId === failed.runId)));
  return {
    ok: false,
    ...(at?.seq !== undefined && { seq: at.seq }),
    message:
      `当前工作流代码重放 run ${failed.runId} 失败` +
      (at
        ? `（历史事件 ${at.eventId}${at.seq !== undefined ? `，第 ${at.seq} 条事件之后` : '，第 1 条事件之前'}）`
        : '') +
      `：${failed.error}`,
  };
}

/**
 * Where in the history a replay failed, when Temporal's message names a history event: that event's id, and the
 * last stored event the history had recorded by then (the first one that may differ is the one after it).
 */
export function failedAt(error: string, calls: RecordCall[]): { eventId: number; seq?: number } | undefined {
  const m = /HistoryEvent\(id: (\d+)|event[_ ]id[:= ]+(\d+)/i.exec(error);
  if (!m) return undefined;
  const eventId = Number(m[1] ?? m[2]);
  const before = calls.filter((c) => c.outcome === 'completed' && Number(c.eventId) <= eventId);
  const seq = before.flatMap((c) => c.events.map((e) => e.seq)).pop();
  return { eventId, ...(seq !== undefined && { seq }) };
}

function verdictOf(
  stream: string,
  events: number,
  chain: LegResult,
  history: LegResult,
  replay: LegResult,
): StreamVerdict {
  return { stream, events, chain, history, replay, ok: chain.ok && history.ok && replay.ok };
}

/**
 * Verifies some streams (their workflows have the streams' ids), `concurrency` histories fetched at a time, all
 * replayed through one replay worker (the command's, or one started for this call); `progress` hears of each
 * stream done.
 */
export async function verifyStreams(
  pool: Pool,
  client: Client,
  streamIds: readonly string[],
  options: { replayer?: Replayer; progress?: (done: number) => void; timings?: Timings } = {},
): Promise<StreamVerdict[]> {
  const replayer = options.replayer ?? new Replayer(await replayBundle());
  try {
    return await verifyWith(pool, client, streamIds, replayer, options);
  } finally {
    if (!options.replayer) await replayer.close();
  }
}

async function verifyWith(
  pool: Pool,
  client: Client,
  streamIds: readonly string[],
  replayer: Replayer,
  options: { progress?: (done: number) => void; timings?: Timings },
): Promise<StreamVerdict[]> {
  const timings = options.timings ?? { chain: 0, history: 0, replay: 0 };
  const verdicts: StreamVerdict[] = [];
  const CHUNK = 50;
  for (let from = 0; from < streamIds.length; from += CHUNK) {
    const ids = streamIds.slice(from, from + CHUNK);
    // The histories first, then the events: an event a running workflow stores in between is one its history has not
    // reached yet (compareWithHistory leaves it), never one the history lacks.
    let t = performance.now();
    const runsOf = new Map<string, WorkflowRun[] | undefined>();
    await eachLimited(ids, 8, async (id) => {
      runsOf.set(id, await fetchRuns(client, id));
    });
    const fetched = performance.now() - t;

    t = performance.now();
    const streams = await streamsEvents(pool, ids);
    const chains = new Map(ids.map((id) => [id, verifyChain(streams.get(id) ?? [])]));
    timings.chain += performance.now() - t;

    t = performance.now();
    const histories = new Map(ids.map((id) => [id, verifyHistory(id, streams.get(id) ?? [], runsOf.get(id))]));
    timings.history += fetched + performance.now() - t;

    t = performance.now();
    const toReplay = ids.flatMap((id) => (runsOf.get(id) ?? []).map((run) => ({ workflowId: id, ...run })));
    const outcomes = toReplay.length > 0 ? await replayer.replay(toReplay) : [];
    timings.replay += performance.now() - t;

    for (const id of ids) {
      const runs = runsOf.get(id);
      const replay = runs
        ? replayLeg(
            outcomes.filter((o) => o.workflowId === id),
            runs,
          )
        : { ok: false, message: '没有历史可重放' };
      verdicts.push(verdictOf(id, streams.get(id)?.length ?? 0, chains.get(id)!, histories.get(id)!, replay));
      options.progress?.(verdicts.length);
    }
  }
  return verdicts;
}

/** One assignment (or a cycle's own stream): refused when the event store has no such stream. */
export async function verifyOne(
  pool: Pool,
  client: Client,
  streamId: string,
  timings?: Timings,
  replayer?: Replayer,
): Promise<StreamVerdict> {
  await requireStream(pool, streamId);
  const [verdict] = await verifyStreams(pool, client, [streamId], {
    ...(replayer && { replayer }),
    ...(timings && { timings }),
  });
  return verdict!;
}

/** A cycle's streams: its own, then each assignment of its task table (successors included), in table order. */
export async function cycleStreams(pool: Pool, cycleId: string): Promise<string[]> {
  const record = await cycleRecord(pool, cycleId);
  return [cycleStream(cycleId), ...record.table.map((row) => row.assignmentId)];
}

export function formatVerdict(v: StreamVerdict): string {
  const leg = (name: string, r: LegResult) => `  ${name}：${r.ok ? '' : '✗ '}${r.message}`;
  return (
    [
      `核验 ${v.stream}（${v.events} 条事件）：`,
      leg('哈希链', v.chain),
      leg('与 Temporal 历史比对', v.history),
      leg('用当前工作流代码重放', v.replay),
      `结论：${v.ok ? '通过' : `未通过——${firstFailure(v)}`}`,
    ].join('\n') + '\n'
  );
}

/** The first failing leg of a stream, in words, naming its event. */
export function firstFailure(v: StreamVerdict): string {
  const failed = [v.chain, v.history, v.replay].find((r) => !r.ok);
  if (!failed) return '';
  return failed.seq !== undefined ? `第 ${failed.seq} 条事件：${failed.message}` : failed.message;
}

/** The verdict in one sentence an auditor can sign under: intact, or the first event that is not and why. */
export function verdictSentence(v: StreamVerdict): string {
  if (v.ok) {
    const replayed = v.replay.nothingRan ? '工作流尚未执行任何任务，无可重放' : '用当前工作流代码重放无误';
    return `记录完整可信：${v.events} 条事件的哈希链完整，与 Temporal 工作流历史逐条一致，${replayed}。`;
  }
  return `记录未通过核验——${firstFailure(v)}`;
}

/**
 * Verification for a long-running process (the API): one replay worker, started at the first verify — bundling the
 * workflow code and starting the worker take seconds, replaying one assignment milliseconds — and kept until close.
 */
export class AuditVerifier {
  private replayer?: Promise<Replayer>;

  constructor(
    private readonly pool: Pool,
    private readonly client: Client,
  ) {}

  /** One stream's verdict; an unknown stream is refused (UNKNOWN_ASSIGNMENT) before anything slower starts. */
  async verify(streamId: string): Promise<StreamVerdict> {
    return verifyOne(this.pool, this.client, streamId, undefined, await this.replayerOnce());
  }

  private replayerOnce(): Promise<Replayer> {
    if (!this.replayer) {
      this.replayer = replayBundle().then((bundle) => new Replayer(bundle));
      this.replayer.catch(() => (this.replayer = undefined));
    }
    return this.replayer;
  }

  async close(): Promise<void> {
    const replayer = await this.replayer?.catch(() => undefined);
    this.replayer = undefined;
    await replayer?.close();
  }
}
