/** The API process: HTTP on API_HOST:API_PORT, talking to Temporal and the PostgreSQL read models. */
import { loadConfig } from '../infra/config';
import { checkPostgres, createPool } from '../infra/postgres';
import { connectClient } from '../infra/temporal';
import { AssignmentService } from './assignments';
import { buildApi } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const pool = createPool(config.DATABASE_URL);
  await checkPostgres(pool, config.DATABASE_URL);
  const { connection, client } = await connectClient(config);
  const assignments = new AssignmentService({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    coordinator: config.DUBAN_COORDINATOR,
  });
  const app = buildApi({ assignments, pool });
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  console.log(`[api] listening on ${address}`);

  const stop = async () => {
    await app.close();
    await connection.close();
    await pool.end();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[api] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
