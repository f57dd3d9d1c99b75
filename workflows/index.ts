/**
 * Every workflow the worker runs; the worker bundles this file (workflowsPath).
 *
 * Each workflow type loads its own modules when one of its workflows starts, not when the bundle is imported. The
 * SDK's sandbox (a reused V8 context with a module cache per workflow) evaluates every module a workflow imports once
 * for that workflow, and keeps them for as long as the workflow waits in the worker's cache. An assignment that
 * imported the cycle's and the deliveries' modules with its own held their schemas too: 1.9 MB of heap per waiting
 * assignment, measured, so that a worker ran out of memory near 2,200 of them (bench:cycle at 10,000).
 */
import type * as Assignment from './assignment/workflow';
import type * as Cycle from './cycle/workflow';
import type * as Delivery from './delivery/workflow';

/* eslint-disable @typescript-eslint/no-require-imports -- a require at the call is what defers the module */
const assignment = () => require('./assignment/workflow') as typeof Assignment;
const cycle = () => require('./cycle/workflow') as typeof Cycle;
const delivery = () => require('./delivery/workflow') as typeof Delivery;
/* eslint-enable @typescript-eslint/no-require-imports */

export function assignmentWorkflow(
  ...args: Parameters<typeof Assignment.assignmentWorkflow>
): ReturnType<typeof Assignment.assignmentWorkflow> {
  return assignment().assignmentWorkflow(...args);
}

export function assignmentWorkflowV2(
  ...args: Parameters<typeof Assignment.assignmentWorkflowV2>
): ReturnType<typeof Assignment.assignmentWorkflowV2> {
  return assignment().assignmentWorkflowV2(...args);
}

export function cycleWorkflow(...args: Parameters<typeof Cycle.cycleWorkflow>): ReturnType<typeof Cycle.cycleWorkflow> {
  return cycle().cycleWorkflow(...args);
}

export function deliveryWorkflow(
  ...args: Parameters<typeof Delivery.deliveryWorkflow>
): ReturnType<typeof Delivery.deliveryWorkflow> {
  return delivery().deliveryWorkflow(...args);
}

export function digestWorkflow(
  ...args: Parameters<typeof Delivery.digestWorkflow>
): ReturnType<typeof Delivery.digestWorkflow> {
  return delivery().digestWorkflow(...args);
}
