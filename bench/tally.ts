/** What the benchmarks' empty workflows (bench/cycle-workflows.ts) report through their sink, counted. */
import { performance } from 'node:perf_hooks';
import type { InjectedSinks } from '@temporalio/worker';
import type { BenchSinks } from './cycle-workflows';

/** Counts reports, and when the last one arrived (performance.now()). */
export class Tally {
  count = 0;
  last = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  add(): void {
    this.count++;
    this.last = performance.now();
    this.waiters = this.waiters.filter((w) => (this.count >= w.n ? (w.resolve(), false) : true));
  }

  reach(n: number): Promise<void> {
    return this.count >= n ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** The sinks a worker of empty workflows is given, and the tallies of their first tasks run and signals handled. */
export function benchSinks(): { started: Tally; handled: Tally; sinks: InjectedSinks<BenchSinks> } {
  const started = new Tally();
  const handled = new Tally();
  return {
    started,
    handled,
    sinks: {
      bench: {
        started: { fn: () => started.add(), callDuringReplay: false },
        handled: { fn: () => handled.add(), callDuringReplay: false },
      },
    },
  };
}
