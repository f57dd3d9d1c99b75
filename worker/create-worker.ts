/** One way to build the assignment worker, for the worker process, the demo and the tests alike. */
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/types';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

export interface AssignmentWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (bundleWorkflowCode), so tests do not bundle once per worker. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createAssignmentWorker(options: AssignmentWorkerOptions): Promise<Worker> {
  const { workflowBundle, ...rest } = options;
  return Worker.create({
    ...rest,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
