/**
 * The servers a command talks to, opened from the configuration, checked, and always closed after: PostgreSQL (with
 * its migrations applied) and Temporal. A server that does not answer stops the command with its name and how to
 * start it (ServerUnreachableError, which main turns into exit code 1).
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { loadConfig, type Config } from '../infra/config';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { connectClient } from '../infra/temporal';
import type { Io } from './plan-command';

export function configOf(io: Io): Config {
  return loadConfig(io.env ?? process.env);
}

export async function withPool<T>(io: Io, work: (pool: Pool) => Promise<T>): Promise<T> {
  const config = configOf(io);
  const pool = createPool(config.DATABASE_URL);
  try {
    await checkPostgres(pool, config.DATABASE_URL);
    await migrate(pool);
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export async function withTemporal<T>(io: Io, work: (client: Client, config: Config) => Promise<T>): Promise<T> {
  const config = configOf(io);
  const { connection, client } = await connectClient(config);
  try {
    return await work(client, config);
  } finally {
    await connection.close();
  }
}
