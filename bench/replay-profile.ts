/**
 * The replay leg of `audit verify` alone, on a history already on the dev server (`npx tsx bench/replay-profile.ts
 * WORKFLOW_ID [runs]`): fetches it once, replays it `runs` times through one replay worker, prints each replay's ms.
 * Run under `node --cpu-prof` to see where a replay's time goes.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../infra/config';
import { connectClient } from '../infra/temporal';
import { fetchRuns, replayBundle, Replayer } from '../infra/workflow-history';

async function main(): Promise<void> {
  const [id, runsText = '10'] = process.argv.slice(2);
  if (!id) throw new Error('用法：tsx bench/replay-profile.ts WORKFLOW_ID [次数]');
  const { connection, client } = await connectClient(loadConfig());
  try {
    const runs = await fetchRuns(client, id);
    if (!runs) throw new Error(`Temporal 中没有工作流 ${id}`);
    const events = runs.reduce((n, r) => n + (r.history.events?.length ?? 0), 0);
    const replayer = new Replayer(await replayBundle());
    await replayer.ready();
    const times: number[] = [];
    for (let i = 0; i < Number(runsText); i++) {
      const t = performance.now();
      const [outcome] = await replayer.replay(runs.map((run) => ({ workflowId: id, ...run })));
      times.push(performance.now() - t);
      if (outcome?.error) throw new Error(outcome.error);
    }
    await replayer.close();
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `${events} history events; replays (ms): ${times.map((t) => t.toFixed(0)).join(' ')}; median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
