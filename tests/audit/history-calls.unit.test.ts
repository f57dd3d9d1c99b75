/**
 * The history leg of `duban audit verify` read from the recorded histories (tests/replay/histories), no server: the
 * events every history hands to the store (recordEvents inputs, or storeEvents markers' results in the `local-` ones)
 * come out in order, one stream each, seq 1, 2, 3 …; stored rows made from them
 * agree; one changed field, one event gone, one event too many are each named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { failedAt } from '../../infra/audit-verify';
import { compareWithHistory } from '../../domain/audit/history';
import type { StoredEvent } from '../../domain/audit/records';
import { recordCalls } from '../../infra/workflow-history';

const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

function callsOf(file: string) {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
  // The run that recorded it: the events of histories recorded since events name their run carry its id.
  const runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId ?? 'recorded';
  return recordCalls([{ runId, history }]);
}

function storedFrom(calls: ReturnType<typeof callsOf>): StoredEvent[] {
  return calls
    .filter((c) => c.outcome === 'completed')
    .flatMap((c) => c.events)
    .map((e) => ({
      assignmentId: e.assignmentId,
      seq: e.seq,
      event: e.event as StoredEvent['event'],
      // Histories recorded since events carried who acted and why hand that to the store too.
      meta: (e.meta as StoredEvent['meta']) ?? null,
      prevHash: null,
      hash: null,
      recordedAt: '',
    }));
}

test.each(files)(
  '%s: the events it hands to the store, one stream, seq 1…n, agree with rows made from them',
  (file) => {
    const calls = callsOf(file);
    const stored = storedFrom(calls);
    expect(stored.length).toBeGreaterThan(0);
    const stream = stored[0]!.assignmentId;
    expect(new Set(stored.map((s) => s.assignmentId))).toEqual(new Set([stream]));
    expect(stored.map((s) => s.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(compareWithHistory(stream, stored, calls)).toBeUndefined();
  },
);

test('a changed field, a missing event and an extra event are each named', () => {
  const calls = callsOf('v2-conversation.json');
  const stored = storedFrom(calls);
  const stream = stored[0]!.assignmentId;
  const changed = stored.map((s) =>
    s.seq === 3 ? { ...s, event: { ...s.event, at: '2017-01-01T00:00:00.000Z' } as StoredEvent['event'] } : s,
  );
  expect(compareWithHistory(stream, changed, calls)).toMatchObject({
    seq: 3,
    problem: 'content',
    message: expect.stringMatching(/字段 at：历史中为 ".*"，事件库中为 "2017-01-01T00:00:00.000Z"/),
  });
  expect(compareWithHistory(stream, stored.slice(0, -1), calls)).toMatchObject({
    seq: stored.length,
    problem: 'missing-in-store',
  });
  const extra = { ...stored[stored.length - 1]!, seq: stored.length + 1 };
  expect(compareWithHistory(stream, [...stored, extra], calls)).toMatchObject({
    seq: stored.length + 1,
    problem: 'missing-in-history',
  });
});

test('a replay failure that names a history event is placed after the last stored event recorded before it', () => {
  const calls = callsOf('v2-conversation.json');
  const completed = calls.filter((c) => c.outcome === 'completed');
  const third = completed[2]!;
  const at = failedAt(
    `[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: ${Number(third.eventId) + 1}, TimerStarted)`,
    calls,
  );
  expect(at).toEqual({ eventId: Number(third.eventId) + 1, seq: third.events[third.events.length - 1]!.seq });
  expect(failedAt('Non-deprecated patch marker encountered for change x', calls)).toBeUndefined();
});
