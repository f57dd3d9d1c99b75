/**
 * Who is calling: the one place the application decides the actor it passes to a workflow's update, which names it
 * on every event the update brings (workflows/assignment/provenance.ts).
 *
 * Until sign-in (issue 11) the caller is whoever the request body says: the `unit` of a unit's turn, the `by` of a
 * coordinator's. Sign-in replaces this function by the signed-in account, and nothing else changes.
 */
import type { Called, Caller } from '../workflows/assignment/messages';

/** A turn's body names its unit (a unit's turn) or its office (`by`, the coordinator's turn). */
export type NamedBody = { unit: string } | { by: string };

export function callerOf(body: NamedBody): Caller {
  return 'unit' in body ? { role: 'unit', name: body.unit } : { role: 'coordinator', name: body.by };
}

/** The update's payload: the body as validated, and its caller. */
export function called<T extends NamedBody>(body: T): Called<T> {
  return { ...body, actor: callerOf(body) };
}

/**
 * Who a request says it comes from before it is validated — for the refusal log, where the body may be malformed:
 * the caller's name when the body names one, else `（未署名）`.
 */
export function claimedCaller(body: unknown): string {
  if (body && typeof body === 'object') {
    const { unit, by } = body as { unit?: unknown; by?: unknown };
    for (const name of [unit, by]) {
      if (typeof name === 'string' && name.trim() !== '') return name.trim();
    }
  }
  return '（未署名）';
}
