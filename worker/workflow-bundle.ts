/**
 * How the workflow code is bundled, for the worker, the build, the replays, the tests and the benchmarks alike.
 *
 * Temporal's reusable V8 context evaluates every module of the bundle again for each new workflow, so that module
 * state stays each workflow's own; for this bundle that was most of what starting a workflow cost and most of what a
 * waiting one held (zod and the message schemas). So each workflow type loads its modules when one of its workflows
 * starts (workflows/index.ts), zod itself is evaluated once and shared by every workflow (workflows/shared-modules.ts,
 * the bundler's `preloadModules`), and so are the assignment's input's and payloads' schemas, built at the first
 * assignment that asks (workflows/sandbox-schemas.ts, preloaded too).
 */
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

/** Evaluated once in the worker's sandbox and shared by its workflows, whatever entry file the bundle has. */
export const PRELOADED_MODULES = [
  path.join(__dirname, '..', 'workflows', 'shared-modules.ts'),
  path.join(__dirname, '..', 'workflows', 'sandbox-schemas.ts'),
];

const noop = () => undefined;
const QUIET = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/**
 * The product's workflows bundled (or another entry file's, a test's or a benchmark's, that exports them with its
 * own), without webpack's progress lines unless a logger is given.
 */
export function bundleWorkflows(
  options: Partial<Pick<BundleOptions, 'workflowsPath' | 'logger'>> = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    logger: options.logger ?? QUIET,
    preloadModules: PRELOADED_MODULES,
  });
}
