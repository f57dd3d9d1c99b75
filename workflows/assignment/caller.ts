/**
 * Who calls an assignment, and the bounds of what they may send: the schemas the API, the input's and the payloads'
 * schemas share. Apart from messages.ts, which every assignment evaluates for itself (its updates' definitions), so
 * that these schemas are built once in the worker's sandbox with the input's and the payloads' (sandbox-schemas.ts).
 */
import { z } from 'zod';
import { ACTOR_ROLES } from '../../domain/audit/actors';
import { boundedText } from '../../domain/text';

/** Bounds every store behind the edge can take; a title travels into every event, record and notice of its task. */
export const LIMITS = {
  title: 500,
  unit: 64,
  summary: 5_000,
  closingSummary: 2_000,
  comment: 2_000,
  evidence: 20,
  /** Holidays or make-up days in one calendar slice: a few dozen a year, a slice a few years long. */
  calendarDates: 1_000,
} as const;

export const unitName = boundedText('单位名称（如 市质监局）', LIMITS.unit);

/**
 * Who sends an update, as the API knows them: today the unit or office the request body names, after sign-in (issue
 * 11) the signed-in account. The workflow names it as the actor of the events the update brings (provenance.ts).
 */
export const callerSchema = z
  .object({
    role: z.enum(ACTOR_ROLES, { error: `操作人角色应为 ${ACTOR_ROLES.join('、')} 之一` }),
    name: boundedText('操作人名称', LIMITS.unit),
    /** The signed-in account acting for the unit or office (api/auth/account.ts). */
    account: boundedText('操作人账号', 64).optional(),
  })
  .strict();
export type Caller = z.infer<typeof callerSchema>;

/** The schema an update's validator parses its payload with: the body's, and the optional caller. */
export function calledSchema<S extends z.ZodObject>(schema: S) {
  return schema.extend({ actor: callerSchema.optional() });
}
