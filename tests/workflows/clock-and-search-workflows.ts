/**
 * Workflows for the tests of the servers themselves (not the product's workflows): the project's search attributes
 * upserted as an assignment will upsert them. Bundled from this file by tests/infra/search-attributes.int.test.ts.
 */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DUBAN_CYCLE, DUBAN_LIGHT, DUBAN_NEXT_DUE, DUBAN_STATUS, DUBAN_UNIT } from '../../infra/search-attributes';

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
