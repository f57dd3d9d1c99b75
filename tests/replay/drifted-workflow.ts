/**
 * A deliberately non-deterministic edit of the assignment workflow, for the replay test to prove it would catch
 * one: the same workflow, but it now writes a memo before assigning, so its first command no longer matches the
 * recorded histories. (A timer would not do: an assignment its launch assigned begins with a timer of its own, and
 * a replay checks a timer's place, not its duration.)
 */
import { upsertMemo } from '@temporalio/workflow';
import { assignmentWorkflow as current, assignmentWorkflowV2 as currentV2 } from '../../workflows/assignment/workflow';
import { cycleWorkflow as currentCycle } from '../../workflows/cycle/workflow';

export async function assignmentWorkflow(...args: Parameters<typeof current>): ReturnType<typeof current> {
  upsertMemo({ drifted: true });
  return current(...args);
}

export async function assignmentWorkflowV2(...args: Parameters<typeof currentV2>): ReturnType<typeof currentV2> {
  upsertMemo({ drifted: true });
  return currentV2(...args);
}

export async function cycleWorkflow(...args: Parameters<typeof currentCycle>): ReturnType<typeof currentCycle> {
  upsertMemo({ drifted: true });
  return currentCycle(...args);
}
