/** The API process: HTTP on API_HOST:API_PORT, talking to Temporal and the PostgreSQL read models. */
import { loadConfig } from '../infra/config';
import { assignmentEventsOf } from '../infra/audit-store';
import { AuditVerifier } from '../infra/audit-verify';
import { loadCalendarYears } from '../infra/calendar-store';
import { resolveEvidence } from '../infra/evidence-store';
import { createLogger } from '../infra/logger';
import { checkPostgres, createPool, migrate } from '../infra/postgres';
import { connectClient } from '../infra/temporal';
import { AssignmentService } from './assignments';
import { CycleService } from './cycles';
import { IdempotencyKeys } from './idempotency';
import { authOptionsOf } from './auth/authenticate';
import { buildApi } from './server';
import { startSignInHousekeeping } from './auth/housekeeping';

const bootLogger = createLogger('api');

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const pool = createPool(config.DATABASE_URL, logger);
  await checkPostgres(pool, config.DATABASE_URL);
  await migrate(pool);
  const { connection, client } = await connectClient(config);
  const assignments = new AssignmentService({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    coordinator: config.DUBAN_COORDINATOR,
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
    resolveEvidence: (cited) => resolveEvidence(pool, cited),
    storedEvents: (id) => assignmentEventsOf(pool, id),
  });
  const verifier = new AuditVerifier(pool, client);
  const app = buildApi({
    assignments,
    pool,
    logger,
    verifier,
    evidence: { maxBytes: config.EVIDENCE_MAX_BYTES },
    forbidPrivateWebhooks: config.WEBHOOK_FORBID_PRIVATE,
    rateLimit: { perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST },
    trustProxy: config.API_TRUST_PROXY,
    auth: authOptionsOf(config),
    cycles: new CycleService({ client, pool, taskQueue: config.TEMPORAL_TASK_QUEUE }),
    client,
  });
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  logger.info(`API 已在 ${address} 上监听`);
  const housekeeping = startSignInHousekeeping(pool, logger);

  const stop = async () => {
    await app.close();
    await housekeeping.stop();
    await verifier.close();
    await connection.close();
    await pool.end();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  bootLogger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
