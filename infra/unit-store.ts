/**
 * The unit directory in PostgreSQL (table `units`, migration 005): read whole, replaced whole. A directory is small
 * (hundreds of offices) and is only meaningful as one consistent set, so an import swaps it in one transaction and
 * the launch reads all of it once.
 */
import type { Pool } from 'pg';
import { diffDirectory, type DirectoryDiff, type DirectoryUnit } from '../domain/units';
import { withTransaction } from './postgres';

const SELECT_UNITS = 'SELECT name, aliases, groups FROM units ORDER BY position, name';

/** The stored directory, in the order of the file it was imported from (empty before the first import). */
export async function loadDirectory(pool: Pool): Promise<DirectoryUnit[]> {
  const { rows } = await pool.query<DirectoryUnit>(SELECT_UNITS);
  return rows;
}

/**
 * Replaces the stored directory with `units` (already checked by `readDirectoryTable`) and says what changed. The
 * table is locked against a concurrent import for the transaction, so two imports never interleave; a unit whose
 * aliases and groups are unchanged keeps its `updated_at`.
 */
export async function replaceDirectory(pool: Pool, units: readonly DirectoryUnit[]): Promise<DirectoryDiff> {
  return withTransaction(pool, async (client) => {
    await client.query('LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE');
    const before = (await client.query<DirectoryUnit>(SELECT_UNITS)).rows;
    const rows = units.map((u, position) => ({ name: u.name, position, aliases: u.aliases, groups: u.groups }));
    await client.query('DELETE FROM units WHERE NOT (name = ANY($1::text[]))', [units.map((u) => u.name)]);
    await client.query(
      `INSERT INTO units (name, position, aliases, groups)
       SELECT u.name, u.position,
              ARRAY(SELECT a FROM jsonb_array_elements_text(u.aliases) WITH ORDINALITY AS x(a, n) ORDER BY n),
              ARRAY(SELECT g FROM jsonb_array_elements_text(u.groups) WITH ORDINALITY AS x(g, n) ORDER BY n)
       FROM jsonb_to_recordset($1::jsonb) AS u(name text, position integer, aliases jsonb, groups jsonb)
       ON CONFLICT (name) DO UPDATE SET
         position = EXCLUDED.position,
         aliases = EXCLUDED.aliases,
         groups = EXCLUDED.groups,
         updated_at = CASE WHEN (units.aliases, units.groups) IS DISTINCT FROM (EXCLUDED.aliases, EXCLUDED.groups)
                           THEN now() ELSE units.updated_at END`,
      [JSON.stringify(rows)],
    );
    return diffDirectory(before, units);
  });
}
