// Every workflow the worker runs; the worker bundles this file (workflowsPath).
export { assignmentWorkflow } from './assignment/workflow';
export { cycleWorkflow } from './cycle/workflow';
export { deliveryWorkflow, digestWorkflow } from './delivery/workflow';
