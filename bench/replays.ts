/**
 * Timing replays, for the benchmarks that measure them (bench:verify's floor, bench/replay-profile.ts): the same runs
 * replayed again and again through one replay worker, each replay's milliseconds kept.
 */
import { performance } from 'node:perf_hooks';
import type { Replayer, WorkflowRun } from '../infra/workflow-history';

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Replays `runs` `times` times, in order; the ms of each replay. A replay that fails stops it with its error. */
export async function timeReplays(
  replayer: Replayer,
  runs: ReadonlyArray<{ workflowId: string } & WorkflowRun>,
  times: number,
): Promise<number[]> {
  const replays: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    const outcomes = await replayer.replay(runs);
    replays.push(performance.now() - t);
    const failed = outcomes.find((o) => o.error);
    if (failed) throw new Error(`the replay of ${failed.workflowId} failed: ${failed.error}`);
  }
  return replays;
}
