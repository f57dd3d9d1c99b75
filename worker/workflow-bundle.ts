/**
 * How the workflow code is bundled, for the worker, the build, the replays, the tests and the benchmarks alike.
 *
 * Temporal's reusable V8 context evaluates every module of the bundle again for each new workflow, so that module
 * state stays each workflow's own; for this bundle that is most of what starting a workflow costs (zod and the
 * message schemas: 500 empty workflows in this bundle had their first task run at 24/s, in a bundle of nothing but
 * the SDK at 52/s). So each workflow type loads its modules when one of its workflows starts (workflows/index.ts),
 * and an assignment loads its updates' payload schemas at its first update (workflows/assignment/payloads.ts). The bundler's `preloadModules` would load them once and share them, but the SDK deep-freezes what
 * it shares, and zod 4 builds its schemas' members on first use, on the schema itself: a frozen schema cannot parse
 * ("Cannot define property safeParse, object is not extensible"). Preloading only the modules without zod changed
 * nothing measurable, so the bundle is the SDK's default.
 */
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

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
  });
}
