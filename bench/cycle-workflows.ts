/**
 * The workflow bundle of `npm run bench:cycle`: the product's workflows, and the baseline's — an empty workflow that
 * waits for one signal. It tells the benchmark, through a sink (no server round trip), when its first workflow task
 * ran and when it handled the signal, then completes. The product's workflows are bundled from the same sources as
 * the worker's, so the launch and the fan-out run exactly the product's code.
 */
import { condition, defineSignal, proxySinks, setHandler, type Sinks } from '@temporalio/workflow';

export { assignmentWorkflow, assignmentWorkflowV2, cycleWorkflow } from '../workflows';

export interface BenchSinks extends Sinks {
  bench: {
    /** The workflow's first task ran. */
    started(): void;
    /** The workflow handled its signal. */
    handled(): void;
  };
}

export const pokeSignal = defineSignal('poke');

const { bench } = proxySinks<BenchSinks>();

export async function benchWaitWorkflow(): Promise<void> {
  let poked = false;
  setHandler(pokeSignal, () => {
    poked = true;
  });
  bench.started();
  await condition(() => poked);
  bench.handled();
}
