/** PostgreSQL: the pool and the versioned migrations in infra/migrations (NNN_name.sql, applied in order once). */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Pool } from 'pg';
import { unreachable } from './reachability';

/**
 * A pool that survives a PostgreSQL restart: an idle connection the server closed is reported and dropped (pg's
 * default for an unhandled 'error' event would be to crash the process), and the next query opens a new one.
 */
export function createPool(databaseUrl: string): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
  pool.on('error', (error) => console.warn(`[postgres] idle connection lost: ${error.message}`));
  return pool;
}

/** Fails fast, naming the server and how to start it, instead of hanging on a dead port. */
export async function checkPostgres(pool: Pool, databaseUrl: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw unreachable('PostgreSQL', new URL(databaseUrl).host, error);
  }
}

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock so two processes
 * starting together do not race. Returns the names it applied.
 */
export async function migrate(pool: Pool): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['duban.migrate']);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    const applied: string[] = [];
    for (const file of files.filter((f) => !done.has(f))) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['duban.migrate']).catch(() => undefined);
    client.release();
  }
}
