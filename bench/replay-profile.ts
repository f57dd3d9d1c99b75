/**
 * The replay leg of `audit verify` alone, on a history already on the dev server (`npx tsx bench/replay-profile.ts
 * WORKFLOW_ID [runs]`): fetches it once, replays it `runs` times through one replay worker, prints each replay's ms.
 * Run under `node --cpu-prof` to see where a replay's time goes.
 */
import { loadConfig } from '../infra/config';
import { connectClient } from '../infra/temporal';
import { fetchRuns, replayBundle, Replayer } from '../infra/workflow-history';
import { median, timeReplays } from './replays';

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
    const times = await timeReplays(
      replayer,
      runs.map((run) => ({ workflowId: id, ...run })),
      Number(runsText),
    );
    await replayer.close();
    console.log(
      `${events} history events; replays (ms): ${times.map((t) => t.toFixed(0)).join(' ')}; median ${median(times).toFixed(0)}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
