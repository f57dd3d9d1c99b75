/**
 * The API process purges what can no longer sign anybody in (infra/account-store.ts, `purgeExpiredSignIns`): once at
 * its start and then every hour. Several API processes may purge at once; a purge is one idempotent statement.
 */
import type { Pool } from 'pg';
import { purgeExpiredSignIns, type Purged } from '../../infra/account-store';
import type { Logger } from '../../infra/logger';

export const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface Housekeeping {
  /** Resolves when the purge under way, if any, has ended. */
  stop(): Promise<void>;
}

export function startSignInHousekeeping(pool: Pool, logger: Logger, everyMs = PURGE_EVERY_MS): Housekeeping {
  let running: Promise<Purged | void> = Promise.resolve();
  const purge = () => {
    running = purgeExpiredSignIns(pool).then(
      (purged) => {
        if (purged.sessions + purged.revokedTokens + purged.signInAttempts > 0) {
          logger.info(
            purged,
            `已清理过期登录记录：会话 ${purged.sessions} 个，令牌吊销记录 ${purged.revokedTokens} 条，` +
              `登录尝试 ${purged.signInAttempts} 条`,
          );
        }
        return purged;
      },
      (error: unknown) => logger.warn({ err: error }, '清理过期登录记录失败，一小时后再试'),
    );
  };
  purge();
  const timer = setInterval(purge, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
