/** PostgreSQL: the pool and the versioned migrations in infra/migrations (NNN_name.sql, applied in order once). */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { chainUnchainedEvents } from './event-chain';
import type { Logger } from './logger';
import { unreachable } from './reachability';

/**
 * A pool that survives a PostgreSQL restart: an idle connection the server closed is reported and dropped (pg's
 * default for an unhandled 'error' event would be to crash the process), and the next query opens a new one.
 */
export function createPool(databaseUrl: string, logger?: Logger): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
  pool.on('error', (error) => logger?.debug({ name: 'postgres' }, `空闲连接已断开：${error.message}`));
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

/**
 * Rows as the column arrays `unnest($1::text[], $2::int[], …)` takes, one array per key in the order given: many
 * rows in one statement, each column typed by its cast.
 */
export function columnsOf<T, K extends keyof T>(rows: readonly T[], keys: readonly K[]): Array<Array<T[K]>> {
  return keys.map((key) => rows.map((row) => row[key]));
}

/**
 * Runs `work` in one transaction on one connection. A failed ROLLBACK (the server went away mid-transaction) never
 * hides the error that caused it: the connection is discarded and the original error is what the caller sees.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await checkOut(pool);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * A client from the pool that survives the server going away while it is checked out: pg emits 'error' on a
 * checked-out client when its connection is terminated (a restart), and an 'error' event with no listener ends the
 * process. The query in flight fails with the same error, which is what the caller handles; the listener only keeps
 * the event from crashing the process, and is removed when the client goes back to the pool.
 */
export async function checkOut(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  const ignore = () => undefined;
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (error?: Error | boolean) => {
    client.off('error', ignore);
    return release(error);
  };
  return client;
}

/**
 * Errors PostgreSQL gives for what it can never store, whatever the retries: a data exception (SQLSTATE class 22:
 * a NUL in text, a value out of range, an invalid byte sequence), an integrity violation (class 23) and a program
 * limit (class 54: a row or index entry too large). Connection failures and server restarts are not among them.
 */
export function isPermanentPgError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/**
 * Whether an error means PostgreSQL could not be reached or went away (refused, reset, timed out connecting, shut
 * down: SQLSTATE class 08 and 57P), as opposed to PostgreSQL refusing a statement.
 */
export function isPostgresUnreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^(08|57P)/.test(code))) return true;
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(message);
}

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock so two processes
 * starting together do not race; then chains any stored event that has no hash yet (older rows, or rows an older
 * worker appended during a rolling upgrade). Returns the names it applied.
 */
export async function migrate(pool: Pool): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const client = await checkOut(pool);
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
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`数据库迁移 ${file} 失败：${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
    if (done.has('009_hash_chain.sql') || applied.includes('009_hash_chain.sql')) {
      await client.query('BEGIN');
      try {
        await chainUnchainedEvents(client);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`为已存事件补算哈希链失败：${(error as Error).message}`, { cause: error });
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['duban.migrate']).catch(() => undefined);
    client.release();
  }
}
