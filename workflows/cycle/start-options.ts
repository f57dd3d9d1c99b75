/**
 * How a cycle's assignment workflows are started, by the launch activity: under the id the task table gives them,
 * never twice — a relaunch, or a launch taken up again after a crash, finds the ones already started.
 */
import type { WorkflowStartOptions } from '@temporalio/client';

export function cycleStartOptions(
  _cycleId: string,
  _unit: string,
): Pick<WorkflowStartOptions, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'> {
  return { workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE' };
}
