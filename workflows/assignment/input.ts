/**
 * The workflow's input, checked when a run starts — also on every replay — with the TaskAssigned event's own spec
 * schema. Event schemas are frozen with the events they describe (a new shape is a new version with an upcaster,
 * tests/workflows/event-schemas.unit.test.ts guards them), so this check reads every recorded input the same way
 * for good. The edge's tighter bounds live in api/assignments.ts.
 *
 * The workflow reaches it through workflows/sandbox-schemas.ts, which builds it once in the worker's sandbox for
 * every assignment: the spec schemas of three versions are most of what a new assignment would otherwise build.
 */
import { z } from 'zod';
import { eventMetaSchema } from '../../domain/audit/meta';
import { callerSchema } from './caller';
import { assignmentSpecSchema, assignmentSpecV2Schema, assignmentSpecV3Schema } from './spec';

export const assignmentInputSchema = z.object({
  // Newest first: a version-3 spec would also pass version 2's schema, which would strip its own fields.
  spec: z.union([assignmentSpecV3Schema, assignmentSpecV2Schema, assignmentSpecSchema]),
  /** An assignment handed over from another unit's (改派): its first events say so. */
  handover: z
    .object({ predecessor: z.string().min(1), from: z.string().min(1), by: z.string().min(1), reason: z.string() })
    .optional(),
  /** Who assigned it, when the API knows: the signed-in coordinator's office and account (api/caller.ts). */
  actor: callerSchema.optional(),
  /**
   * Its 交办 as its cycle's launch decided and stored it (opening.ts): whose, when, and who decided it. The run goes on
   * from the TaskAssigned of its spec at that time instead of deciding and storing one.
   */
  assigned: z.object({ assignmentId: z.string().min(1), at: z.string(), meta: eventMetaSchema }).optional(),
});
export type AssignmentInput = z.infer<typeof assignmentInputSchema>;
