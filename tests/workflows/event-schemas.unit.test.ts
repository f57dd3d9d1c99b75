/**
 * Event schemas describe what was written: every event ever stored, published or recorded in a workflow's history
 * must go on parsing, and the workflow parses its own input with the TaskAssigned spec schema on every replay. So
 * they never change shape in place; a new shape is a new version beside the old, with an upcaster. This test holds
 * them to the snapshot in event-schemas.json (as JSON Schema). Tighter bounds for new input belong at the edge
 * (api/assignments.ts, workflows/assignment/messages.ts), where a change alters no replay.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { assignmentEventSchema, recordedEventSchema } from '../../workflows/assignment/events';
import { assignmentInputSchema } from '../../workflows/assignment/messages';

const SNAPSHOT = path.join(__dirname, 'event-schemas.json');

function shapes() {
  const json = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any' });
  return {
    event: json(assignmentEventSchema),
    recorded: json(recordedEventSchema),
    workflowInput: json(assignmentInputSchema),
  };
}

test('the event schemas and the workflow input schema are the ones events were written with', () => {
  const frozen = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as unknown;
  expect(shapes()).toEqual(frozen);
});
