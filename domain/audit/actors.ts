/**
 * Who can act on an item, and the two actors no person plays: the clock and the system itself. Apart from the schemas
 * in meta.ts, so that workflow code naming the clock builds no schema for it (workflows/sandbox-schemas.ts).
 */
import type { Actor } from './chain';

export const ACTOR_ROLES = ['unit', 'coordinator', 'clock', 'system'] as const;

/** The clock's events (reminders, 逾期, 催办 → 督办 → 通报, 催签收, 协办提醒, 协办缺报, 督查通报) name it as their actor. */
export const CLOCK: Actor = { role: 'clock', name: '时钟' };

/** What duban does on its own account, on nobody's turn: a cycle reporting that its assignments have started. */
export const SYSTEM: Actor = { role: 'system', name: '督办系统' };
