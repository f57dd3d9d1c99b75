/**
 * The project's search attributes on the time-skipping server, as far as Temporal's Java test server (1.31.0)
 * supports them: `startTimeSkippingServer` registers them (OperatorService.AddSearchAttributes), a workflow upserts
 * them and describing it shows them; a name it was not told of is refused. It cannot list or count workflows by a
 * query (ListWorkflowExecutions and CountWorkflowExecutions are unimplemented there), so finding assignments by
 * cycle and light is tested on the dev server, tests/infra/search-attributes.int.test.ts.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DUBAN_CYCLE, DUBAN_LIGHT, DUBAN_NEXT_DUE, DUBAN_STATUS, DUBAN_UNIT } from '../../infra/search-attributes';
import { createTimeSkippingEnv, uniqueId } from '../support/stack';
import type { DubanAttributes, upsertDubanAttributesWorkflow } from './clock-and-search-workflows';
import { bundleWorkflows } from '../../worker/workflow-bundle';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueId('search-attributes');

beforeAll(async () => {
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-01-01T00:00:00+08:00') });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows({ workflowsPath: path.join(__dirname, 'clock-and-search-workflows.ts') }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const values: DubanAttributes = {
  cycle: '鄂州市2017年质量强市工作督办',
  unit: '市质监局',
  status: 'assigned',
  light: 'red',
  nextDue: '2017-03-31T01:00:00.000Z',
};

test('a workflow upserts the five attributes, reads them back, and describing it shows them', async () => {
  const workflowId = uniqueId('upsert');
  const read = await env.client.workflow.execute<typeof upsertDubanAttributesWorkflow>(
    'upsertDubanAttributesWorkflow',
    { taskQueue, workflowId, args: [values] },
  );
  expect(read).toEqual(values);
  const shown = (await env.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes;
  expect({
    cycle: shown.get(DUBAN_CYCLE),
    unit: shown.get(DUBAN_UNIT),
    status: shown.get(DUBAN_STATUS),
    light: shown.get(DUBAN_LIGHT),
    nextDue: shown.get(DUBAN_NEXT_DUE)?.toISOString(),
  }).toEqual(values);
});

test('a workflow started with attributes shows them before its first task runs', async () => {
  const handle = await env.client.workflow.start<typeof upsertDubanAttributesWorkflow>(
    'upsertDubanAttributesWorkflow',
    {
      taskQueue: uniqueId('nobody-polls'),
      workflowId: uniqueId('start-with'),
      args: [values],
      typedSearchAttributes: [
        { key: DUBAN_CYCLE, value: values.cycle },
        { key: DUBAN_LIGHT, value: 'green' },
      ],
    },
  );
  const shown = (await handle.describe()).typedSearchAttributes;
  expect([shown.get(DUBAN_CYCLE), shown.get(DUBAN_LIGHT), shown.get(DUBAN_UNIT)]).toEqual([
    values.cycle,
    'green',
    undefined,
  ]);
  await handle.terminate('test done');
});

test('an attribute the server was not told of is refused: registering them is what makes upserts work', async () => {
  const start = env.client.workflow.start('upsertDubanAttributesWorkflow', {
    taskQueue,
    workflowId: uniqueId('unknown'),
    args: [values],
    searchAttributes: { DubanNotRegistered: ['x'] },
  });
  await expect(start).rejects.toMatchObject({
    cause: expect.objectContaining({
      message: expect.stringContaining('search attribute DubanNotRegistered is not defined'),
    }),
  });
});

test('the Java test server cannot list workflows by a query: `cycle status` needs the dev server', async () => {
  const list = async () => {
    const found: string[] = [];
    const query = `DubanCycle = "${values.cycle}" AND DubanLight = "red"`;
    for await (const execution of env.client.workflow.list({ query })) found.push(execution.workflowId);
    return found;
  };
  await expect(list()).rejects.toMatchObject({
    cause: expect.objectContaining({ message: expect.stringContaining('ListWorkflowExecutions is unimplemented') }),
  });
});
