/**
 * An item the event store knows, for the tests of what the API does once a request is let through: the
 * authorization hook (api/access.ts) reads an item's parties from its first event before any route runs, so a test
 * whose application functions are stubs, or whose Temporal is cut, still needs the item to exist there. Only the
 * first event is stored, already marked published: no relay sends it on, and no workflow runs for it.
 */
import type { Pool } from 'pg';
import { uniqueId } from './stack';

export async function storeKnownItem(
  pool: Pool,
  { unit = '市质监局', coordinator = '市政府督查室' }: { unit?: string; coordinator?: string } = {},
): Promise<string> {
  const assignmentId = `${uniqueId('known-plan')}:一.(一).1:${unit}`;
  const event = { type: 'TaskAssigned', version: 1, at: new Date().toISOString(), spec: { unit, coordinator } };
  await pool.query(
    `INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload, published_at)
     VALUES ($1, 1, 'TaskAssigned', 1, now(), $2, now())`,
    [assignmentId, event],
  );
  return assignmentId;
}
