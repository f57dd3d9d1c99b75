/**
 * A deliberately non-deterministic edit of the assignment workflow, for the replay test to prove it would catch
 * one: the same workflow, but it now waits an hour before assigning, so its first command no longer matches
 * the recorded histories.
 */
import { sleep } from '@temporalio/workflow';
import { assignmentWorkflow as current, assignmentWorkflowV2 as currentV2 } from '../../workflows/assignment/workflow';
import { cycleWorkflow as currentCycle } from '../../workflows/cycle/workflow';

export async function assignmentWorkflow(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('1 hour');
  return current(...args);
}

export async function assignmentWorkflowV2(...args: Parameters<typeof currentV2>): ReturnType<typeof currentV2> {
  await sleep('1 hour');
  return currentV2(...args);
}

export async function cycleWorkflow(...args: Parameters<typeof currentCycle>): ReturnType<typeof currentCycle> {
  await sleep('1 hour');
  return currentCycle(...args);
}
