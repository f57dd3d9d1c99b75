/**
 * The metadata stored beside every event (who, why, which Temporal run), as zod schemas for the edges that read it
 * back — a Kafka record, an activity's batch. The actors' roles, and the two actors no person plays, are in actors.ts.
 */
import { z } from 'zod';
import { ACTOR_ROLES } from './actors';
import type { Actor, EventMeta } from './chain';

export { ACTOR_ROLES, CLOCK, SYSTEM } from './actors';

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

// The schemas read exactly the shapes domain/audit/chain.ts hashes.
const readsActor: z.ZodType<Actor> = actorSchema;
const readsMeta: z.ZodType<EventMeta> = eventMetaSchema;
void readsActor;
void readsMeta;
