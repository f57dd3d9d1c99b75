/**
 * The hash chain of an event stream (审计链): every stored event carries a SHA-256 over its canonical content and
 * the previous event's hash, the first over a fixed genesis value. Whoever edits a stored event — even with the
 * database's own rights, past the append-only trigger — breaks the chain from that event on, and `duban audit verify`
 * names the first event that no longer matches.
 *
 * Pure: the worker computes the hash when it appends, the migration for rows stored before the chain, and the
 * auditor's offline check of an exported package, all with this one function.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';

/** Who made an event happen. */
export interface Actor {
  /** A unit (lead or cooperating), the coordinator's office, the clock (reminders, escalations), or the system. */
  role: 'unit' | 'coordinator' | 'clock' | 'system';
  /** The unit's or office's name; for the clock, `时钟`. */
  name: string;
  /** The signed-in account that acted for the unit or office (api/auth); absent on events from before sign-in. */
  account?: string;
}

/** Where an event came from, beside the event itself: who, why, and the Temporal run that decided it. */
export interface EventMeta {
  actor: Actor;
  /** The reason a person gave (a cancel, a send-back, an extension request), when they gave one. */
  reason?: string;
  workflowId: string;
  runId: string;
}

/** What the chain covers of one stored event: its place in its stream, the event, and its metadata when known. */
export interface ChainedContent {
  /** The stream: an assignment id, or a cycle's stream id. */
  assignmentId: string;
  seq: number;
  event: unknown;
  /** Absent on events stored before events carried metadata. */
  meta?: EventMeta | null;
}

/** The value the first event of every stream chains from: SHA-256 of `duban:genesis`. */
export const GENESIS_HASH = sha256('duban:genesis');

/** The hash of one event: SHA-256 (hex) over the previous hash, a newline, and the canonical JSON of its content. */
export function eventHash(previousHash: string, { assignmentId, seq, event, meta }: ChainedContent): string {
  const content = canonicalJson({ assignmentId, seq, event, ...(meta ? { meta } : {}) });
  return sha256(`${previousHash}\n${content}`);
}

export interface StoredLink extends ChainedContent {
  prevHash: string;
  hash: string;
}

/** Where a stream's chain first fails, and why, in words an auditor signs under. */
export interface ChainBreak {
  seq: number;
  problem: 'seq-gap' | 'prev-hash' | 'hash';
  message: string;
}

/**
 * Walks a stream's stored events in order and returns the first that breaks the chain: a missing sequence number,
 * a previous-hash that is not the hash before it, or a hash that does not match the content (the event was changed).
 */
export function firstBreak(links: readonly StoredLink[]): ChainBreak | undefined {
  let previous = GENESIS_HASH;
  let expectedSeq = 1;
  for (const link of links) {
    if (link.seq !== expectedSeq) {
      return {
        seq: link.seq,
        problem: 'seq-gap',
        message: `第 ${expectedSeq} 条事件缺失（下一条是第 ${link.seq} 条）：事件被删除或未完整导出`,
      };
    }
    if (link.prevHash !== previous) {
      return {
        seq: link.seq,
        problem: 'prev-hash',
        message: `第 ${link.seq} 条事件的前序哈希与第 ${link.seq - 1} 条事件的哈希不符：链在此处被改动`,
      };
    }
    const recomputed = eventHash(previous, link);
    if (recomputed !== link.hash) {
      return {
        seq: link.seq,
        problem: 'hash',
        message: `第 ${link.seq} 条事件的内容与其哈希不符：事件存储后被改动（存 ${link.hash.slice(0, 12)}…，算得 ${recomputed.slice(0, 12)}…）`,
      };
    }
    previous = link.hash;
    expectedSeq++;
  }
  return undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
