/**
 * When each assignment a launch starts runs its first workflow task: once the launch is expected to have ended.
 *
 * An assignment's first task was half of what the dev server did for it in a launch's window (README, Benchmarks:
 * 8.1 ms of the server's CPU an assignment, 4.2–4.8 ms with it put off). Nothing needs that task soon: the launch
 * stores each assignment's 交办 (and its notice) before starting it, a unit's page shows an assignment from its stored
 * events until the task has run (api/assignments.ts `status`), and a turn sent to it meanwhile — a 签收, a cycle's
 * pause — starts it at once. So each start of a launch of some size carries Temporal's `startDelay`: the time the
 * launch's starts still to come are expected to take, at the rate this batch has made them so far (an assumed rate
 * before it has made enough to tell), and a margin for the cycle's own steps after its last start, which share the
 * task queue with those first tasks. A small launch starts as it always did.
 */
import { performance } from 'node:perf_hooks';

/** A launch of fewer assignments puts off none: it is over in about a second. */
export const PUT_OFF_FROM = 150;
/** The rate assumed before a batch has made enough starts to measure its own (the dev server's, on two cores). */
export const ASSUMED_STARTS_PER_SECOND = 150;
/** Starts a batch makes before its own rate is trusted. */
export const MEASURED_AFTER = 64;
/** After the launch's expected end: its last batch's answer, the cycle's record that it has started them all. */
export const MARGIN_MS = 2_000;
/** However long the launch looks: a unit's assignment never waits longer for its first task. */
export const LONGEST_DELAY_MS = 10 * 60_000;

/** The pace of a batch of a launch of `items` assignments with `afterBatch` after the batch's; none if small. */
export function launchPace(items: number, afterBatch: number): LaunchPace | undefined {
  return items >= PUT_OFF_FROM ? new LaunchPace(afterBatch) : undefined;
}

export class LaunchPace {
  private made = 0;
  private readonly began: number;

  /**
   * @param afterBatch the launch's items after this batch's
   * @param clock milliseconds, monotonic
   */
  constructor(
    private readonly afterBatch: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.began = clock();
  }

  /** The first-task delay, in milliseconds, of a start made now with `leftInBatch` of its batch to start after it. */
  delayFor(leftInBatch: number): number {
    const seconds = (this.clock() - this.began) / 1000;
    const perSecond = this.made >= MEASURED_AFTER && seconds > 0 ? this.made / seconds : ASSUMED_STARTS_PER_SECOND;
    const ms = Math.round(((leftInBatch + this.afterBatch) / perSecond) * 1000) + MARGIN_MS;
    return Math.min(ms, LONGEST_DELAY_MS);
  }

  /**
   * One start made. One found made before (a launch taken up again) is not counted: refused at once, it would make
   * the rate look higher than the starts still to come will go, and their first tasks fall inside the launch.
   */
  started(): void {
    this.made++;
  }
}
