/**
 * The metadata stored beside every event (who, why, which Temporal run), as zod schemas for the edges that read it
 * back — a Kafka record, an activity's batch — and the two actors no person plays: the clock and the system itself.
 */
import { z } from 'zod';
import type { Actor, EventMeta } from './chain';

export const ACTOR_ROLES = ['unit', 'coordinator', 'clock', 'system'] as const;

export const actorSchema = z.object({
  role: z.enum(ACTOR_ROLES),
  name: z.string().min(1),
  account: z.string().min(1).optional(),
});

export const eventMetaSchema = z.object({
  actor: actorSchema,
  reason: z.string().optional(),
  workflowId: z.string().min(1),
  runId: z.string().min(1),
});

/** The clock's events (reminders, 逾期, 催办 → 督办 → 通报, 催签收, 协办提醒, 协办缺报, 督查通报) name it as their actor. */
export const CLOCK: Actor = { role: 'clock', name: '时钟' };

/** What duban does on its own account, on nobody's turn: a cycle reporting that its assignments have started. */
export const SYSTEM: Actor = { role: 'system', name: '督办系统' };

// The schemas read exactly the shapes domain/audit/chain.ts hashes.
const readsActor: z.ZodType<Actor> = actorSchema;
const readsMeta: z.ZodType<EventMeta> = eventMetaSchema;
void readsActor;
void readsMeta;
