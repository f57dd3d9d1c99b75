/**
 * Writes the workflow bundle the compiled worker loads (`workflowBundle: { codePath }`): the code of workflows/ and
 * everything it imports, bundled once at build time by the same bundleWorkflowCode the worker would run at start.
 * Bundled from the TypeScript sources, as the tests and the replayed histories are, so production runs the code they
 * checked.   tsx scripts/build-workflow-bundle.ts OUT.js
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { bundleWorkflows } from '../worker/workflow-bundle';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('name the file to write: tsx scripts/build-workflow-bundle.ts dist/workflow-bundle.js');
  const { code } = await bundleWorkflows({ logger: new DefaultLogger('WARN') });
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, code);
  console.log(`[build] workflow bundle ${out} (${Math.round(code.length / 1024)} KB)`);
}

main().catch((error: unknown) => {
  console.error(`[build] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
