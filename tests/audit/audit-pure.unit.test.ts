/**
 * The pure parts of `duban audit`: the instant an auditor names, the actor of an event stored without metadata, the
 * sentence each event reads as, and as-of's refusals.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { assignmentAsOf } from '../../domain/audit/as-of';
import { eventHash, GENESIS_HASH } from '../../domain/audit/chain';
import { checkPackage, keyFingerprint, manifestFile, PACKAGE_FORMAT, type Manifest } from '../../domain/audit/package';
import { actorOf, derivedActor } from '../../domain/audit/actor';
import { describeEvent } from '../../domain/audit/describe';
import { AuditError } from '../../domain/audit/errors';
import { compareWithHistory, type RecordCall } from '../../domain/audit/history';
import type { StoredEvent } from '../../domain/audit/records';
import { parseAuditTime } from '../../domain/audit/time';
import { buildTimeline, formatTimeline } from '../../domain/audit/timeline';
import type { AssignmentEvent } from '../../workflows/assignment/events';

const AT = '2027-04-01T01:00:00.000Z';

describe('the time an auditor names', () => {
  it('reads Beijing wall-clock time, a date as the end of that day, and ISO with its own offset', () => {
    expect(parseAuditTime('2027-06-30 18:00').toISOString()).toBe('2027-06-30T10:00:00.000Z');
    expect(parseAuditTime('2027-06-30T18:00:30').toISOString()).toBe('2027-06-30T10:00:30.000Z');
    expect(parseAuditTime('2027-06-30').toISOString()).toBe('2027-06-30T16:00:00.000Z');
    expect(parseAuditTime('2027-06-30T10:00:00Z').toISOString()).toBe('2027-06-30T10:00:00.000Z');
    expect(parseAuditTime('2027-06-30T18:00:00+08:00').toISOString()).toBe('2027-06-30T10:00:00.000Z');
  });

  it('refuses what is not a time, naming the forms it takes', () => {
    for (const text of ['2027-02-30 10:00', '2027-06-30 25:00', 'yesterday', '']) {
      expect(() => parseAuditTime(text)).toThrow(AuditError);
      expect(() => parseAuditTime(text)).toThrow(/请写北京时间，如 2027-06-30 18:00/);
    }
  });
});

describe('who made an event happen', () => {
  const report: AssignmentEvent = {
    type: 'ProgressReportSubmitted',
    version: 1,
    at: AT,
    period: '2027-Q1',
    due: '2027-03-31',
    unit: '市质监局',
    summary: '已完成',
    percentComplete: 50,
    late: true,
  };
  it('a unit, the office named in by, or the clock — from the event when no metadata was stored', () => {
    expect(derivedActor(report, {})).toEqual({ role: 'unit', name: '市质监局' });
    expect(
      derivedActor({ type: 'AssignmentPaused', version: 1, at: AT, by: '市政府督查室', reason: '汛期' }, {}),
    ).toEqual({
      role: 'coordinator',
      name: '市政府督查室',
    });
    expect(
      derivedActor(
        {
          type: 'OverdueEscalated',
          version: 1,
          at: AT,
          period: 'Q',
          due: '2027-03-31',
          step: 1,
          level: 'urge',
          daysOverdue: 1,
        },
        {},
      ),
    ).toEqual({ role: 'clock', name: '时钟' });
    expect(
      derivedActor({ type: 'TargetValuesReported', version: 1, at: AT, period: 'Q', values: [] }, { unit: '市农委' }),
    ).toEqual({ role: 'unit', name: '市农委' });
  });
  it('the metadata, when the event carries it', () => {
    const meta = { actor: { role: 'coordinator' as const, name: '市长办公室' }, workflowId: 'w', runId: 'r' };
    expect(actorOf(report, meta, {})).toEqual(meta.actor);
  });
});

describe('what happened, in a sentence', () => {
  it('names who, what, when and why from the event alone', () => {
    expect(
      describeEvent({
        type: 'ProgressReportSubmitted',
        version: 1,
        at: AT,
        period: '2027-Q1',
        due: '2027-03-31',
        unit: '市质监局',
        summary: '已完成抽检',
        percentComplete: 50,
        late: true,
      }),
    ).toBe('市质监局报送 2027-Q1 进展，完成 50%（逾期报送）：“已完成抽检”。');
    expect(
      describeEvent({
        type: 'OverdueEscalated',
        version: 1,
        at: AT,
        period: '2027-Q1',
        due: '2027-03-31',
        step: 2,
        level: 'notify-head',
        daysOverdue: 3,
      }),
    ).toBe('2027-Q1 进展逾期 3 天，第 2 级升级：督办（告知单位主要负责人）。');
    expect(
      describeEvent({
        type: 'ExtensionRequested',
        version: 1,
        at: AT,
        unit: '市质监局',
        from: '2027-06-30',
        to: '2027-07-31',
        reason: '设备未到',
      }),
    ).toBe('市质监局申请将完成时限由 2027-06-30 延至 2027-07-31，理由：“设备未到”。');
    expect(describeEvent({ type: 'CycleResumed', version: 1, at: AT, by: '市政府督查室' })).toBe(
      '市政府督查室恢复整个督办周期。',
    );
  });
});

const spec = {
  taskId: 'p:一.(一)',
  ref: '一.(一)',
  title: '抽检',
  unit: '市质监局',
  coordinator: '市政府督查室',
  deadlineText: '2027年底',
  due: '2027-12-31',
  reportsDue: ['2027-06-30', '2027-12-31'],
  policy: { reminderDaysBefore: 5, noticeTime: '09:00', ladder: [{ level: 'urge' as const, afterDays: 1 }] },
};
const stored = (seq: number, event: AssignmentEvent): StoredEvent => ({
  assignmentId: 'p:一.(一):市质监局',
  seq,
  event,
  meta: null,
  prevHash: null,
  hash: null,
  recordedAt: event.at,
});
const events = [
  stored(1, { type: 'TaskAssigned', version: 1, at: '2027-04-01T01:00:00.000Z', spec }),
  stored(2, {
    type: 'AssignmentAcknowledged',
    version: 1,
    at: '2027-04-02T01:00:00.000Z',
    unit: '市质监局',
    implicit: false,
  }),
  stored(3, {
    type: 'ReportingPeriodOverdue',
    version: 1,
    at: '2027-07-01T01:00:00.000Z',
    period: '2027-Q2',
    due: '2027-06-30',
  }),
];

describe('as of a moment', () => {
  const now = new Date('2027-08-01T00:00:00Z');
  it('folds the events up to that moment', () => {
    expect(assignmentAsOf('a', events, [], new Date('2027-04-01T01:00:00Z'), now)).toMatchObject({
      status: 'assigned',
      lastSeq: 1,
    });
    const july = assignmentAsOf('a', events, [], new Date('2027-07-02T00:00:00Z'), now);
    expect(july).toMatchObject({ status: 'acknowledged', lastSeq: 3, light: 'red' });
    expect(july.overdue.map((o) => o.period)).toEqual(['2027-Q2']);
  });
  it('refuses a stream that is not an assignment (a cycle stream)', () => {
    const cycle = {
      ...events[0]!,
      event: { type: 'CycleResumed', version: 1, at: AT, by: '市政府督查室' },
    } as StoredEvent;
    expect(() => assignmentAsOf('cycle:c', [cycle], [], new Date(AT), now)).toThrow(/cycle:c 不是督办事项/);
  });
  it('refuses a moment before the assignment, and one still to come', () => {
    expect(() => assignmentAsOf('a', events, [], new Date('2027-04-01T00:59:59Z'), now)).toThrow(
      expect.objectContaining({ code: 'AS_OF_BEFORE_ASSIGNMENT' }),
    );
    expect(() => assignmentAsOf('a', events, [], new Date('2027-08-01T00:00:01Z'), now)).toThrow(
      expect.objectContaining({ code: 'AS_OF_IN_FUTURE' }),
    );
  });
});

describe('the timeline page', () => {
  it('escapes what units wrote, and needs nothing from outside the page', () => {
    const html = formatTimeline(
      buildTimeline(
        'p:一.(一)',
        [
          [
            events[0]!,
            stored(2, { ...(events[1]!.event as AssignmentEvent), unit: '<script>x</script>' } as AssignmentEvent),
          ],
        ],
        [],
      ),
      'html',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(src|href)=|url\(/);
  });
});

describe('the stored events against the history that recorded them', () => {
  const call = (outcome: RecordCall['outcome'], ...seqs: number[]): RecordCall => ({
    runId: 'run-1',
    eventId: String(seqs[0]! * 10),
    scheduledAt: '2027-08-01T00:00:00.000Z',
    outcome,
    events: seqs.map((seq) => ({ assignmentId: 'a', seq, event: events[seq - 1]!.event })),
  });
  const ours = events.map((e) => ({ ...e, assignmentId: 'a' }));

  it('agree when every completed call stored exactly its events, in order', () => {
    expect(compareWithHistory('a', ours, [call('completed', 1), call('completed', 2, 3)])).toBeUndefined();
    // A call still running may have stored its events or not; a failed one stored nothing.
    expect(compareWithHistory('a', ours, [call('completed', 1, 2), call('pending', 3)])).toBeUndefined();
    expect(compareWithHistory('a', ours.slice(0, 2), [call('completed', 1, 2), call('pending', 3)])).toBeUndefined();
  });

  it('name the first event a history edited to differ from the store disagrees on', () => {
    const edited = call('completed', 2, 3);
    edited.events[1] = { assignmentId: 'a', seq: 3, event: { ...(events[2]!.event as object), due: '2027-06-29' } };
    expect(compareWithHistory('a', ours, [call('completed', 1), edited])).toMatchObject({
      seq: 3,
      problem: 'content',
      message: expect.stringContaining('字段 due：历史中为 "2027-06-29"，事件库中为 "2027-06-30"'),
    });
  });

  it('name an event the store has that no activity recorded, and one recorded that the store lacks', () => {
    expect(compareWithHistory('a', ours, [call('completed', 1, 2), call('failed', 3)])).toMatchObject({
      seq: 3,
      problem: 'missing-in-history',
    });
    expect(compareWithHistory('a', ours.slice(0, 2), [call('completed', 1, 2, 3)])).toMatchObject({
      seq: 3,
      problem: 'missing-in-store',
    });
  });

  it('leave the events a running workflow stored after its history was read for a later check, and only then', () => {
    const readBeforeTheLast = [call('completed', 1, 2)];
    expect(compareWithHistory('a', ours, readBeforeTheLast, true)).toBeUndefined();
    expect(compareWithHistory('a', ours, readBeforeTheLast, false)).toMatchObject({
      seq: 3,
      problem: 'missing-in-history',
    });
  });

  it('name an event whose actor or reason was changed after it was stored', () => {
    const meta = { actor: { role: 'unit', name: '市农委' }, workflowId: 'a', runId: 'run-1' };
    const recorded = call('completed', 1, 2, 3);
    recorded.events = recorded.events.map((e) => ({ ...e, meta }));
    const stored = ours.map((e) => ({ ...e, meta })) as StoredEvent[];
    expect(compareWithHistory('a', stored, [recorded])).toBeUndefined();
    stored[1] = {
      ...stored[1]!,
      meta: { ...meta, actor: { role: 'coordinator', name: '市政府督查室' } },
    } as StoredEvent;
    expect(compareWithHistory('a', stored, [recorded])).toMatchObject({
      seq: 2,
      problem: 'content',
      message: expect.stringContaining('元数据'),
    });
  });

  it('refuse an event dated after the activity that stored it', () => {
    const early = { ...call('completed', 1, 2, 3), scheduledAt: '2027-06-01T00:00:00.000Z' };
    expect(compareWithHistory('a', ours, [early])).toMatchObject({ seq: 3, problem: 'time' });
  });
});

describe('an audit package checked offline', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  function packageOf(lines: object[]): Map<string, Buffer> {
    const events = Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const manifest: Manifest = {
      format: PACKAGE_FORMAT,
      cycleId: 'c',
      title: 't',
      exportedAt: '2027-08-01T00:00:00.000Z',
      keyFingerprint: keyFingerprint(publicKey),
      streams: [{ stream: 'a', events: 'events/0000.jsonl', history: null, count: 2, lastHash: chained[1]!.hash }],
      files: [manifestFile('events/0000.jsonl', events)],
      notes: [],
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    return new Map([
      ['manifest.json', bytes],
      ['manifest.sig', Buffer.from(sign(null, bytes, privateKey).toString('base64'))],
      ['public-key.pem', Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }))],
      ['events/0000.jsonl', events],
    ]);
  }
  const first = eventHash(GENESIS_HASH, { assignmentId: 'a', seq: 1, event: events[0]!.event });
  const chained = [
    { assignmentId: 'a', seq: 1, event: events[0]!.event, meta: null, prevHash: GENESIS_HASH, hash: first },
    {
      assignmentId: 'a',
      seq: 2,
      event: events[1]!.event,
      meta: null,
      prevHash: first,
      hash: eventHash(first, { assignmentId: 'a', seq: 2, event: events[1]!.event }),
    },
  ];

  it('passes as exported', () => {
    expect(checkPackage(packageOf(chained), publicKey)).toMatchObject({ ok: true, files: 1, streams: 1, events: 2 });
  });

  it('names a file missing, a file added, and a chain re-signed with another key', () => {
    const files = packageOf(chained);
    files.delete('events/0000.jsonl');
    files.set('extra.txt', Buffer.from('x'));
    expect(checkPackage(files).problems.map((p) => [p.code, p.file])).toEqual([
      ['PACKAGE_FILE_MISSING', 'events/0000.jsonl'],
      ['PACKAGE_FILE_EXTRA', 'extra.txt'],
    ]);
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(checkPackage(packageOf(chained), other).problems.map((p) => p.code)).toEqual(['PACKAGE_KEY_MISMATCH']);
  });

  it('names the event whose line was edited, even when the file list agrees, and a tail cut off', () => {
    const edited = [chained[0]!, { ...chained[1]!, event: { ...(chained[1]!.event as object), unit: '别的单位' } }];
    expect(checkPackage(packageOf(edited)).problems).toEqual([
      expect.objectContaining({ code: 'PACKAGE_CHAIN_BROKEN', file: 'events/0000.jsonl', seq: 2 }),
    ]);
    expect(checkPackage(packageOf(chained.slice(0, 1))).problems.map((p) => p.code)).toEqual([
      'PACKAGE_STREAM_INCOMPLETE',
    ]);
  });
});
