/**
 * Workflows for the tests of the servers themselves (not the product's workflows): what the workflow clock reads on
 * a server started at a chosen instant, and the project's search attributes upserted as an assignment will upsert
 * them. Bundled from this file by tests/workflows/initial-time.workflow.test.ts,
 * tests/workflows/search-attributes.workflow.test.ts and tests/infra/search-attributes.int.test.ts.
 */
import { sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DUBAN_CYCLE, DUBAN_LIGHT, DUBAN_NEXT_DUE, DUBAN_STATUS, DUBAN_UNIT } from '../../infra/search-attributes';

/** Reads the workflow clock, sleeps until `until` (an ISO instant) and reads it again. */
export async function sleepUntilWorkflow(until: string): Promise<{ started: string; woke: string }> {
  const started = new Date();
  await sleep(new Date(until).getTime() - started.getTime());
  return { started: started.toISOString(), woke: new Date().toISOString() };
}

export interface DubanAttributes {
  cycle: string;
  unit: string;
  status: string;
  light: string;
  /** ISO instant. */
  nextDue: string;
}

/** Upserts the five attributes and returns what the workflow then reads back from its own info. */
export async function upsertDubanAttributesWorkflow(values: DubanAttributes): Promise<DubanAttributes> {
  upsertSearchAttributes([
    { key: DUBAN_CYCLE, value: values.cycle },
    { key: DUBAN_UNIT, value: values.unit },
    { key: DUBAN_STATUS, value: values.status },
    { key: DUBAN_LIGHT, value: values.light },
    { key: DUBAN_NEXT_DUE, value: new Date(values.nextDue) },
  ]);
  const read = workflowInfo().typedSearchAttributes;
  return {
    cycle: read.get(DUBAN_CYCLE) ?? '',
    unit: read.get(DUBAN_UNIT) ?? '',
    status: read.get(DUBAN_STATUS) ?? '',
    light: read.get(DUBAN_LIGHT) ?? '',
    nextDue: read.get(DUBAN_NEXT_DUE)?.toISOString() ?? '',
  };
}
