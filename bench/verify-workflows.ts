/**
 * The baseline of `npm run bench:verify`: the shape of the benchmark's assignment with nothing of the product in it.
 * Each update waits its turn, hands its number to a local activity that returns it, and answers with it — the same
 * activations per update as the assignment's (the update, then the local activity's result), so a replay of its
 * history is what the Temporal SDK alone costs for that many updates: the floor under any workflow's replay.
 */
import { condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export const stepUpdate = defineUpdate<number, [number]>('step');
export const finishUpdate = defineUpdate<void, []>('finish');

export interface FloorActivities {
  echo(n: number): Promise<number>;
}

const { echo } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export async function floorWorkflow(): Promise<void> {
  let finished = false;
  let turn: Promise<unknown> = Promise.resolve();
  setHandler(stepUpdate, (n) => {
    const answer = turn.then(() => echo(n));
    turn = answer;
    return answer;
  });
  setHandler(finishUpdate, () => {
    finished = true;
  });
  await condition(() => finished);
}
