/**
 * The unit directory in PostgreSQL (table `units`, migrations 005 and 014 for the contacts): read whole, replaced
 * whole. A directory is small
 * (hundreds of offices) and is only meaningful as one consistent set, so an import swaps it in one transaction and
 * the launch reads all of it once.
 */
import type { Pool } from 'pg';
import { diffDirectory, type DirectoryDiff, type DirectoryUnit } from '../domain/units';
import { withTransaction } from './postgres';

const SELECT_UNITS = 'SELECT name, aliases, groups, contacts FROM units ORDER BY position, name';

/** The stored directory, in the order of the file it was imported from (empty before the first import). */
export async function loadDirectory(pool: Pool): Promise<DirectoryUnit[]> {
  const { rows } = await pool.query<DirectoryUnit>(SELECT_UNITS);
  return rows;
}

/**
 * Replaces the stored directory with `units` (already checked by `readDirectoryTable`) and says what changed. The
 * table is locked against a concurrent import for the transaction, so two imports never interleave; a unit whose
 * aliases, groups and contacts are unchanged keeps its `updated_at`.
 */
export async function replaceDirectory(pool: Pool, units: readonly DirectoryUnit[]): Promise<DirectoryDiff> {
  return withTransaction(pool, async (client) => {
    await client.query('LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE');
    const before = (await client.query<DirectoryUnit>(SELECT_UNITS)).rows;
    const rows = units.map((u, position) => ({
      name: u.name,
      position,
      aliases: u.aliases,
      groups: u.groups,
      contacts: u.contacts,
    }));
    await client.query('DELETE FROM units WHERE NOT (name = ANY($1::text[]))', [units.map((u) => u.name)]);
    await client.query(
      `INSERT INTO units (name, position, aliases, groups, contacts)
       SELECT u.name, u.position,
              ARRAY(SELECT a FROM jsonb_array_elements_text(u.aliases) WITH ORDINALITY AS x(a, n) ORDER BY n),
              ARRAY(SELECT g FROM jsonb_array_elements_text(u.groups) WITH ORDINALITY AS x(g, n) ORDER BY n),
              u.contacts
       FROM jsonb_to_recordset($1::jsonb) AS u(name text, position integer, aliases jsonb, groups jsonb, contacts jsonb)
       ON CONFLICT (name) DO UPDATE SET
         position = EXCLUDED.position,
         aliases = EXCLUDED.aliases,
         groups = EXCLUDED.groups,
         contacts = EXCLUDED.contacts,
         updated_at = CASE WHEN (units.aliases, units.groups, units.contacts)
                                IS DISTINCT FROM (EXCLUDED.aliases, EXCLUDED.groups, EXCLUDED.contacts)
                           THEN now() ELSE units.updated_at END`,
      [JSON.stringify(rows)],
    );
    return diffDirectory(before, units);
  });
}
