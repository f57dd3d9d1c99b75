/** One way to build the assignment worker, for the worker process, the demo and the tests alike. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/types';
import { WORKFLOWS_PATH } from './workflow-bundle';

export { WORKFLOWS_PATH };

/**
 * Where `npm run build` (scripts/build.sh) writes the workflow bundle: beside the compiled folders, dist/workflow-bundle.js.
 * Only the compiled worker uses it; from the sources there is no dist/ next to this file.
 */
export const BUILT_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

/** Compiled to JavaScript (dist/, production) rather than run from TypeScript (tsx, jest). */
const COMPILED = path.extname(__filename) === '.js';

export interface AssignmentWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** All of them in the worker process; a test may give only those its workflows call. */
  activities: Partial<Activities>;
  /** A prebuilt bundle (bundleWorkflows), so tests do not bundle once per worker. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** What workflows report to the worker's process without a server round trip (the benchmarks time with them). */
  sinks?: WorkerOptions['sinks'];
}

/**
 * The worker, with its workflow code from the bundle given, else from the bundle the build made (compiled), else
 * bundled from workflows/ now (from the sources, for development and tests: a few seconds at each start).
 */
export function createAssignmentWorker(options: AssignmentWorkerOptions): Promise<Worker> {
  const { workflowBundle, ...rest } = options;
  return Worker.create({ ...rest, ...(workflowBundle ? { workflowBundle } : defaultWorkflowCode()) });
}

function defaultWorkflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (!COMPILED) return { workflowsPath: WORKFLOWS_PATH };
  if (!existsSync(BUILT_WORKFLOW_BUNDLE)) {
    throw new Error(`找不到工作流代码包 ${BUILT_WORKFLOW_BUNDLE}：请先运行 \`npm run build\` 构建`);
  }
  return { workflowBundle: { codePath: BUILT_WORKFLOW_BUNDLE } };
}
