/**
 * Event schemas describe what was written: every event ever stored, published or recorded in a workflow's history
 * must go on parsing, and the workflow parses its own input with the TaskAssigned spec schemas on every replay. So
 * they never change shape in place; a new shape is a new version beside the old (TaskAssigned version 2 beside 1),
 * read by the decider as the newest. Two guards: every event and every workflow input in the recorded histories
 * parses, as it was written; and the schemas, as JSON Schema, equal the snapshot in event-schemas.json, so that any
 * change to them is a deliberate, reviewed one. Tighter bounds for new input belong at the edge (api/assignments.ts,
 * workflows/assignment/messages.ts), where a change alters no replay.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { assignmentEventSchema, recordedEventSchema } from '../../workflows/assignment/events';
import { assignmentInputSchema, type AssignmentInput } from '../../workflows/assignment/input';
import { openingEvent } from '../../workflows/assignment/opening';
import { cycleEventSchema, recordedCycleEventSchema } from '../../workflows/cycle/events';
import { cycleInputSchema } from '../../workflows/cycle/messages';

const SNAPSHOT = path.join(__dirname, 'event-schemas.json');
const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');

function shapes() {
  const json = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any' });
  return {
    event: json(assignmentEventSchema),
    recorded: json(recordedEventSchema),
    workflowInput: json(assignmentInputSchema),
    cycleEvent: json(cycleEventSchema),
    cycleInput: json(cycleInputSchema),
  };
}

interface Payloads {
  payloads?: Array<{ data: string }>;
}
interface HistoryEvent {
  workflowExecutionStartedEventAttributes?: { workflowType: { name: string }; input?: Payloads };
  activityTaskScheduledEventAttributes?: { activityType: { name: string }; input?: Payloads };
  markerRecordedEventAttributes?: { markerName: string; details?: Record<string, Payloads> };
}

/** A storeEvents local activity's marker: its result is the batch it stored. */
const isStoreEventsMarker = (e: HistoryEvent): boolean =>
  e.markerRecordedEventAttributes?.markerName === 'core_local_activity' &&
  (decoded(e.markerRecordedEventAttributes.details?.['data'])[0] as { activity_type?: string }).activity_type ===
    'storeEvents';

const decoded = (payloads: Payloads | undefined): unknown[] =>
  (payloads?.payloads ?? []).map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) as unknown);

/** Each recorded history's workflow input and the batches its runs stored, decoded from the history's payloads. */
function recorded(): Array<{ file: string; type: string; inputs: unknown[]; batches: unknown[] }> {
  return readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const { events } = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')) as { events: HistoryEvent[] };
      return {
        file,
        type: events[0]!.workflowExecutionStartedEventAttributes!.workflowType.name,
        inputs: events.flatMap((e) => decoded(e.workflowExecutionStartedEventAttributes?.input)),
        // recordEvents(events, notices?): the first argument is the batch of events; storeEvents returns the batch;
        // an assignment its launch assigned starts with its first event.
        batches: events.flatMap((e) => {
          const started = decoded(e.workflowExecutionStartedEventAttributes?.input)[0] as AssignmentInput | undefined;
          if (started?.assigned) return [[openingEvent(started.assigned, started.spec)]];
          if (e.activityTaskScheduledEventAttributes?.activityType.name === 'recordEvents') {
            return decoded(e.activityTaskScheduledEventAttributes.input).slice(0, 1);
          }
          return isStoreEventsMarker(e) ? decoded(e.markerRecordedEventAttributes!.details?.['result']) : [];
        }),
      };
    });
}

test('every event and every workflow input in the recorded histories parses as it was written', () => {
  const histories = recorded();
  expect(histories.length).toBeGreaterThan(0);
  for (const { file, type, inputs, batches } of histories) {
    const input = type === 'cycleWorkflow' ? cycleInputSchema : assignmentInputSchema;
    expect([file, inputs.map((i) => input.parse(i))]).toEqual([file, inputs]);
    const events = batches.flatMap((batch) =>
      z.array(z.union([recordedEventSchema, recordedCycleEventSchema])).parse(batch),
    );
    expect([file, events.length > 0]).toEqual([file, true]);
    expect([file, events]).toEqual([file, batches.flat()]);
  }
});

test('the event schemas and the workflow input schema are the ones in the reviewed snapshot', () => {
  const frozen = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as unknown;
  expect(shapes()).toEqual(frozen);
});
