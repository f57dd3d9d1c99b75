/**
 * The project's search attributes on the dev server of the local stack, as `scripts/stack.sh` registers them: listed
 * with their types, and a workflow that upserts them is found by a query on cycle and light (and on the next due
 * date), as `duban cycle status` and the Temporal UI will find assignments, without scanning them.
 */
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { DUBAN_SEARCH_ATTRIBUTES } from '../../infra/search-attributes';
import { config, connectTemporal, connectWorkerToStack, uniqueId } from '../support/stack';
import type { DubanAttributes, upsertDubanAttributesWorkflow } from '../workflows/clock-and-search-workflows';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(120_000);

const taskQueue = uniqueId('search-attributes');
let temporal: { connection: Connection; client: Client };
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  temporal = await connectTemporal();
  workerConnection = await connectWorkerToStack();
  worker = await Worker.create({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: await bundleWorkflows({
      workflowsPath: path.join(__dirname, '..', 'workflows', 'clock-and-search-workflows.ts'),
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await temporal?.connection.close();
});

test('the dev server has the five attributes with their types', async () => {
  const { customAttributes } = await temporal.connection.operatorService.listSearchAttributes({
    namespace: config.TEMPORAL_NAMESPACE,
  });
  const registered = Object.fromEntries(DUBAN_SEARCH_ATTRIBUTES.map(({ name }) => [name, customAttributes?.[name]]));
  expect(registered).toEqual(
    Object.fromEntries(
      DUBAN_SEARCH_ATTRIBUTES.map(({ name, type }) => [name, encodeSearchAttributeIndexedValueType(type)]),
    ),
  );
});

/** The ids a visibility query finds, asked again until they are `expected` (visibility follows a moment behind). */
async function findUntil(query: string, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found: string[] = [];
    for await (const execution of temporal.client.workflow.list({ query })) found.push(execution.workflowId);
    found.sort();
    if (JSON.stringify(found) === JSON.stringify(expected) || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('workflows that upsert them are found by cycle and light, and by next due date', async () => {
  const cycle = uniqueId('鄂州市2017年质量强市督办');
  const run = (id: string, values: DubanAttributes) =>
    temporal.client.workflow.execute<typeof upsertDubanAttributesWorkflow>('upsertDubanAttributesWorkflow', {
      taskQueue,
      workflowId: `${cycle}:${id}`,
      args: [values],
    });
  const base = { cycle, status: 'assigned', nextDue: '2017-03-31T16:00:00.000Z' };
  await Promise.all([
    run('二.(三).一是:市质监局', { ...base, unit: '市质监局', light: 'red' }),
    run('二.(三).一是:市农委', { ...base, unit: '市农委', light: 'green' }),
    run('二.(四):市商务局', { ...base, unit: '市商务局', light: 'red', nextDue: '2017-06-30T16:00:00.000Z' }),
    run('other-cycle', { ...base, cycle: `${cycle}-other`, unit: '市质监局', light: 'red' }),
  ]);

  expect(
    await findUntil(
      `DubanCycle = "${cycle}" AND DubanLight = "red"`,
      [`${cycle}:二.(三).一是:市质监局`, `${cycle}:二.(四):市商务局`].sort(),
    ),
  ).toEqual([`${cycle}:二.(三).一是:市质监局`, `${cycle}:二.(四):市商务局`].sort());
  expect(await findUntil(`DubanCycle = "${cycle}" AND DubanUnit = "市农委"`, [`${cycle}:二.(三).一是:市农委`])).toEqual(
    [`${cycle}:二.(三).一是:市农委`],
  );
  expect(
    await findUntil(`DubanCycle = "${cycle}" AND DubanNextDue > "2017-05-01T00:00:00+08:00"`, [
      `${cycle}:二.(四):市商务局`,
    ]),
  ).toEqual([`${cycle}:二.(四):市商务局`]);
});
