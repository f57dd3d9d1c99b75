/**
 * A workflow that reports what the sandbox evaluated for it alone, bundled like the product's (bundleWorkflows, with
 * its preloaded modules): tests/workflows/shared-modules.workflow.test.ts.
 */
import { describeIssues } from '../../domain/validation';
import { assignmentSpecV3Schema } from '../../workflows/assignment/spec';

interface Probe {
  /** The modules in this workflow's own module cache (the SDK's reusable V8 context keeps one per workflow). */
  ownModules: string[];
  /** How the assignment's input schema refuses an empty input, in this workflow. */
  refusal: string;
}

export async function moduleProbeWorkflow(): Promise<Probe> {
  const parsed = assignmentSpecV3Schema.safeParse({});
  const activator = (globalThis as { __TEMPORAL_ACTIVATOR__?: { moduleCache?: Map<string, unknown> } })
    .__TEMPORAL_ACTIVATOR__;
  return {
    ownModules: [...(activator?.moduleCache?.keys() ?? [])].map(String),
    refusal: parsed.success ? '' : describeIssues(parsed.error, '输入'),
  };
}
