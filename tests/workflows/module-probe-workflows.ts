/**
 * A workflow that reports what the sandbox evaluated for it alone, bundled like the product's (bundleWorkflows, with
 * its preloaded modules): tests/workflows/shared-modules.workflow.test.ts.
 */
import { describeIssues } from '../../domain/validation';
import { assignmentInputSchema, calledPayloadSchema } from '../../workflows/sandbox-schemas';

interface Probe {
  /** The modules in this workflow's own module cache (the SDK's reusable V8 context keeps one per workflow). */
  ownModules: string[];
  /** How the assignment's input schema refuses an input without a spec, in this workflow. */
  inputRefusal: string;
  /** How the 签收 validator's schema refuses an empty payload, in this workflow. */
  payloadRefusal: string;
}

export async function moduleProbeWorkflow(): Promise<Probe> {
  const input = assignmentInputSchema().safeParse({ spec: {} });
  const payload = calledPayloadSchema('acknowledgePayloadSchema').safeParse({ actor: { role: 'unit' } });
  const activator = (globalThis as { __TEMPORAL_ACTIVATOR__?: { moduleCache?: Map<string, unknown> } })
    .__TEMPORAL_ACTIVATOR__;
  return {
    ownModules: [...(activator?.moduleCache?.keys() ?? [])].map(String),
    inputRefusal: input.success ? '' : describeIssues(input.error, '输入'),
    payloadRefusal: payload.success ? '' : describeIssues(payload.error, '请求'),
  };
}
