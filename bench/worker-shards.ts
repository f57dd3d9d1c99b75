/**
 * What the SDK's core costs per workflow task against the number of workflows a worker holds, and how sharing them
 * among several workers on one task queue changes it (`npm run bench:shards -- --cached 10000 [--signals 2000]
 * [--shards 1,4,8]`), on the dev server of the local stack.
 *
 * For each shard count K: the worker process's workers as createAssignmentWorkers builds them (K SDK workers, each on
 * its own connection, the cache and the workflow task slots shared among them) start `--cached` empty workflows that
 * each wait for one signal, on a fresh task queue, and hold them all; then `--signals` of them are signalled (32 at a
 * time), timed until every one is handled, with the CPU each process and each kind of this process's threads used in
 * that window (bench/process-cpu.ts). The rest are terminated and the workers shut down before the next K.
 *
 * Figures, not assertions: worker/create-worker.ts and the README quote what this prints.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../infra/config';
import { eachLimited } from '../infra/each-limited';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker, installTemporalLogging } from '../infra/temporal';
import { createAssignmentWorkers } from '../worker/create-worker';
import { bundleWorkflows } from '../worker/workflow-bundle';
import { pokeSignal } from './cycle-workflows';
import { option } from './options';
import { describeCpu, ProcessCpu } from './process-cpu';
import { benchSinks } from './tally';

const CACHED = option('cached', 10_000);
const SIGNALS = Math.min(CACHED, option('signals', 2_000));
const CONCURRENCY = 32;

function shardCounts(): number[] {
  const i = process.argv.indexOf('--shards');
  const text = i >= 0 ? (process.argv[i + 1] ?? '') : '1,4,8';
  const counts = text.split(',').map(Number);
  if (counts.some((k) => !Number.isInteger(k) || k <= 0)) {
    throw new Error(`--shards 应为逗号分隔的正整数，例如 1,4,8（收到 ${text}）`);
  }
  return counts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main(): Promise<void> {
  const config = loadConfig();
  installTemporalLogging(createLogger('bench', { level: 'warn' }));
  const cpu = new ProcessCpu().start();
  const temporal = await connectClient(config);
  const { client } = temporal;
  const { started, handled, sinks } = benchSinks();
  const workflowBundle = await bundleWorkflows({ workflowsPath: path.join(__dirname, 'cycle-workflows.ts') });
  console.log(
    `SDK core 的开销与 worker 缓存的工作流数：每轮 ${CACHED} 个等待信号的空工作流，向其中 ${SIGNALS} 个各发一个信号` +
      `（并发 ${CONCURRENCY}）；Temporal 开发服务器 ${config.TEMPORAL_ADDRESS}`,
  );

  for (const shards of shardCounts()) {
    const runId = Date.now().toString(36);
    const taskQueue = `bench-shards-${runId}`;
    const connection = await connectWorker(config);
    const workers = await createAssignmentWorkers({
      connection,
      connect: () => connectWorker(config),
      taskQueue,
      activities: {},
      workflowBundle,
      sinks,
      maxCachedWorkflows: CACHED + 100,
      shards,
    });
    const running = workers.run();
    const ids = Array.from({ length: CACHED }, (_, i) => `${taskQueue}-${i}`);
    try {
      const startedBefore = started.count;
      const s0 = Date.now();
      await eachLimited(ids, CONCURRENCY, async (workflowId) => {
        await client.workflow.start('benchWaitWorkflow', { taskQueue, workflowId });
      });
      await started.reach(startedBefore + CACHED);
      const held = workers.shards.map((w) => w.getStatus().numCachedWorkflows);
      await sleep(3_000);
      const handledBefore = handled.count;
      const wall = Date.now();
      const g0 = performance.now();
      await eachLimited(ids.slice(0, SIGNALS), CONCURRENCY, (id) => client.workflow.getHandle(id).signal(pokeSignal));
      await handled.reach(handledBefore + SIGNALS);
      const ms = handled.last - g0;
      const window = cpu.between(wall, wall + ms);
      const core = window.threads.get('SDK core') ?? 0;
      console.log(
        `\n${shards} 个 worker（各缓存 ${held.join('/')} 个，启动 ${seconds(Date.now() - s0)} 秒）：` +
          `${SIGNALS} 个信号 ${seconds(ms)} 秒处理完 → ${((SIGNALS * 1000) / ms).toFixed(0)} 个/秒；` +
          `SDK core 每个信号 ${((core * 1000) / SIGNALS).toFixed(2)} 毫秒 CPU；` +
          `本进程 RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
      );
      console.log(`  CPU：${describeCpu(window, SIGNALS)}`);
    } finally {
      await eachLimited(ids, CONCURRENCY, (id) =>
        client.workflow
          .getHandle(id)
          .terminate('基准测试结束')
          .then(
            () => undefined,
            () => undefined,
          ),
      );
      workers.shutdown();
      await running;
      await connection.close();
    }
  }
  cpu.stop();
  await temporal.connection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
