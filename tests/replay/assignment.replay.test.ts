/**
 * Recorded histories (scripts/record-histories.ts) replayed with the current workflow code. A change that would
 * break workflows already running in production — a new activity, a timer moved, a different order — fails here.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

jest.setTimeout(120_000);
// ERROR only: the drifted replay's expected nondeterminism warnings would bury real ones.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const HISTORIES = path.join(__dirname, 'histories');

async function histories() {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(await readFile(path.join(HISTORIES, file), 'utf8')),
    })),
  );
}

async function replay(workflowsPath: string) {
  const results: Array<{ workflowId: string; error?: unknown }> = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath, replayName: 'assignment-replay' },
    await histories(),
  )) {
    results.push({ workflowId: result.workflowId, error: result.error });
  }
  return results;
}

test('every recorded history replays with the current workflow code', async () => {
  const results = await replay(WORKFLOWS_PATH);
  expect(results.map((r) => r.workflowId)).toEqual(['lifecycle-completed', 'year-late', 'year-never', 'year-on-time']);
  expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
});

test('a non-deterministic edit of the workflow fails the replay', async () => {
  const results = await replay(path.join(__dirname, 'drifted-workflow.ts'));
  expect(results).toHaveLength(4);
  for (const { error } of results) expect(String(error)).toMatch(/DeterminismViolation|Nondeterminism/i);
});
