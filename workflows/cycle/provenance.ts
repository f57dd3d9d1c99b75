/**
 * Who made a cycle's event happen, and why: the coordinator's office for its launch and its actions on the whole
 * cycle (暂停, 恢复, 撤销, 通知) — or the caller the API names — the clock for each period's 督查通报, and the system
 * for the report that the cycle's assignments have started. Pure, like the assignment's (../assignment/provenance.ts).
 */
import type { Actor } from '../../domain/audit/chain';
import { CLOCK, SYSTEM } from '../../domain/audit/actors';
import { withReason, type Provenance } from '../assignment/provenance';
import type { CycleEvent } from './events';

export function cycleProvenanceOf(event: CycleEvent, caller?: Actor): Provenance {
  const coordinator = (name: string): Actor => caller ?? { role: 'coordinator', name };
  switch (event.type) {
    case 'CycleLaunched':
    case 'CycleNoticeSent':
      return { actor: coordinator(event.by) };
    case 'CycleResumed':
      return withReason(coordinator(event.by), event.reason);
    case 'CyclePaused':
    case 'CycleCancelled':
    case 'CycleCalendarUpdated':
      return withReason(coordinator(event.by), event.reason);
    case 'CycleAssignmentsStarted':
      return { actor: SYSTEM };
    case 'BulletinIssued':
      return { actor: CLOCK };
    default: {
      const unknown: never = event;
      throw new Error(`no actor for cycle event ${JSON.stringify(unknown)}`);
    }
  }
}
