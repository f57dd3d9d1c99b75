/**
 * How a cycle's assignment workflows are started, by the launch activity and by 改派: as `assignmentWorkflowV2`,
 * under the id the task table gives them, never twice — a relaunch, or a launch taken up again after a crash, finds
 * the ones already started — and with the search attributes the assignment shows once assigned, so that its first
 * workflow task has none to upsert (workflows/assignment/search.ts).
 */
import type { WorkflowStartOptions } from '@temporalio/client';
import type { AnySpec, Handover } from '../assignment/decider';
import { assignedSearchAttributes } from '../assignment/search';

export function cycleStartOptions(
  spec: AnySpec,
  now: Date,
  handover?: Handover,
): Pick<WorkflowStartOptions, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy' | 'typedSearchAttributes'> {
  return {
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: assignedSearchAttributes(spec, now, handover),
  };
}
