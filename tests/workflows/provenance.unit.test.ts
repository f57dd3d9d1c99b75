/**
 * Who made each event happen, and why (provenance.ts): the unit for its own turns, the coordinator's office for its
 * turns with the reason or comment it gave, the clock for what the clock brings — also when a person's turn brought
 * it along — and the caller the API names in preference to the name in the body. The events are the decider's own,
 * for the turns of one version-3 assignment; and the update payloads that carry a caller are checked as strictly as
 * the bodies they extend.
 */
import { decide, fold, type AssignmentCommand } from '../../workflows/assignment/decider';
import type { AssignmentEvent } from '../../workflows/assignment/events';
import { calledSchema } from '../../workflows/assignment/caller';
import { acknowledgePayloadSchema, reviewPayloadSchema } from '../../workflows/assignment/payloads';
import { DEFAULT_CONVERSATION } from '../../workflows/assignment/policy';
import { provenanceOf } from '../../workflows/assignment/provenance';
import type { CycleEvent } from '../../workflows/cycle/events';
import { cycleProvenanceOf } from '../../workflows/cycle/provenance';
import { at, iso, runClock, spec } from './decider-v2-fixtures';

const UNIT = '市质监局';
const COORDINATOR = '市质强委办公室';
const CLOCK = { role: 'clock', name: '时钟' };
const v3 = { ...spec, ...DEFAULT_CONVERSATION, targets: [] };
const assigned: AssignmentEvent = { type: 'TaskAssigned', version: 3, at: iso('2017-01-03', '10:00'), spec: v3 };

/** Each event a command decides, with who made it happen and why. */
function provenance(
  command: AssignmentCommand,
  history: AssignmentEvent[] = [assigned],
  caller?: { role: 'unit' | 'coordinator'; name: string },
) {
  return decide(command, fold(history)).map((event) => [event.type, provenanceOf(command, event, caller)]);
}

/** The lead's report of January, before any 协办意见 came. */
const report: AssignmentCommand = {
  type: 'SubmitProgressReport',
  now: at('2017-01-25'),
  unit: UNIT,
  period: '2017-01',
  summary: '已完成抽检',
  percentComplete: 40,
};

describe("a unit's turns name the unit", () => {
  test('签收', () => {
    expect(provenance({ type: 'AcknowledgeAssignment', now: at('2017-01-04'), unit: UNIT })).toEqual([
      ['AssignmentAcknowledged', { actor: { role: 'unit', name: UNIT } }],
    ]);
  });

  test('a report that acknowledges and finds a 协办意见 missing: the unit reports, the clock notes the gap', () => {
    expect(provenance(report)).toEqual([
      ['AssignmentAcknowledged', { actor: { role: 'unit', name: UNIT } }],
      ['ProgressReportSubmitted', { actor: { role: 'unit', name: UNIT } }],
      ['ContributionsMissing', { actor: CLOCK }],
    ]);
  });

  test('退回 and 延期申请 carry the reason the unit gave; a 协办意见 names the cooperating unit', () => {
    expect(provenance({ type: 'SendBack', now: at('2017-01-04'), unit: UNIT, reason: '不属于本单位职责' })).toEqual([
      ['AssignmentSentBack', { actor: { role: 'unit', name: UNIT }, reason: '不属于本单位职责' }],
    ]);
    expect(
      provenance({
        type: 'RequestExtension',
        now: at('2017-01-04'),
        unit: UNIT,
        period: '2017-01',
        to: '2017-02-10',
        reason: '样品送检',
      }),
    ).toEqual([['ExtensionRequested', { actor: { role: 'unit', name: UNIT }, reason: '样品送检' }]]);
    expect(
      provenance({ type: 'SubmitContribution', now: at('2017-01-16'), unit: '市工商局', summary: '已配合抽检' }),
    ).toEqual([['ContributionSubmitted', { actor: { role: 'unit', name: '市工商局' } }]]);
  });
});

describe("the coordinator's turns name its office and the reason it gave", () => {
  const reported: AssignmentEvent[] = [assigned, ...decide(report, fold([assigned]))];

  test('a report returned: the comment is the reason', () => {
    const review: AssignmentCommand = {
      type: 'ReviewReport',
      now: at('2017-01-26'),
      by: COORDINATOR,
      period: '2017-01',
      accept: false,
      comment: '请补充不合格批次的处置情况',
    };
    expect(provenance(review, reported)).toEqual([
      ['ReportReturned', { actor: { role: 'coordinator', name: COORDINATOR }, reason: '请补充不合格批次的处置情况' }],
    ]);
  });

  test('a report accepted without a comment gives no reason', () => {
    const review: AssignmentCommand = {
      type: 'ReviewReport',
      now: at('2017-01-26'),
      by: COORDINATOR,
      period: '2017-01',
      accept: true,
      comment: '',
    };
    expect(provenance(review, reported)).toEqual([
      ['ReportAccepted', { actor: { role: 'coordinator', name: COORDINATOR } }],
    ]);
  });

  test('a report accepted with no comment at all (a client that sends straight to Temporal) gives no reason', () => {
    // The handler gets the payload as sent: the schema's default of '' never applied. A throw would stall the workflow.
    const review = {
      type: 'ReviewReport',
      now: at('2017-01-26'),
      by: COORDINATOR,
      period: '2017-01',
      accept: true,
    } as unknown as AssignmentCommand;
    expect(provenance(review, reported)).toEqual([
      ['ReportAccepted', { actor: { role: 'coordinator', name: COORDINATOR } }],
    ]);
  });

  test('暂停 carries its reason; 恢复 names the coordinator', () => {
    const pause: AssignmentCommand = {
      type: 'PauseAssignment',
      now: at('2017-01-10'),
      by: COORDINATOR,
      reason: '机构调整',
    };
    expect(provenance(pause)).toEqual([
      ['AssignmentPaused', { actor: { role: 'coordinator', name: COORDINATOR }, reason: '机构调整' }],
    ]);
    const paused = [assigned, ...decide(pause, fold([assigned]))];
    expect(provenance({ type: 'ResumeAssignment', now: at('2017-02-10'), by: COORDINATOR }, paused)).toEqual([
      ['AssignmentResumed', { actor: { role: 'coordinator', name: COORDINATOR } }],
    ]);
  });

  test("a successor's first events name whoever reassigned the item, with the reason", () => {
    const handover = {
      predecessor: 'ezhou-2017:五.(二).29:市工商局',
      from: '市工商局',
      by: COORDINATOR,
      reason: '按职责分工',
    };
    expect(provenance({ type: 'AssignTask', now: at('2017-01-03', '10:00'), spec: v3, handover }, [])).toEqual([
      ['TaskAssigned', { actor: { role: 'coordinator', name: COORDINATOR }, reason: '按职责分工' }],
      ['AssignmentHandedOver', { actor: { role: 'coordinator', name: COORDINATOR }, reason: '按职责分工' }],
    ]);
    expect(provenance({ type: 'AssignTask', now: at('2017-01-03', '10:00'), spec: v3 }, [])).toEqual([
      ['TaskAssigned', { actor: { role: 'coordinator', name: COORDINATOR } }],
    ]);
  });
});

test("the clock's events name the clock: 催签收, reminders, 逾期 and the escalation ladder", () => {
  const { events } = runClock(fold([assigned]), at('2017-02-20'));
  const kinds = new Set(events.map((e) => e.type));
  expect([...kinds].sort()).toEqual([
    'AcknowledgementUrged',
    'CooperationReminderSent',
    'DeadlineReminderSent',
    'OverdueEscalated',
    'ReportingPeriodOverdue',
  ]);
  const alarm: AssignmentCommand = { type: 'EscalateOverdue', now: at('2017-02-06'), period: '2017-01', step: 0 };
  for (const event of events) expect(provenanceOf(alarm, event)).toEqual({ actor: CLOCK });
});

test('the caller the API names is preferred to the name in the body', () => {
  const signedIn = { role: 'unit' as const, name: '市质监局 张三' };
  expect(
    provenance({ type: 'AcknowledgeAssignment', now: at('2017-01-04'), unit: UNIT }, [assigned], signedIn),
  ).toEqual([['AssignmentAcknowledged', { actor: signedIn }]]);
});

describe('an update payload with a caller', () => {
  const acknowledge = calledSchema(acknowledgePayloadSchema);

  test('is the body and, optionally, who sent it', () => {
    expect(acknowledge.parse({ unit: UNIT })).toEqual({ unit: UNIT });
    expect(acknowledge.parse({ unit: UNIT, actor: { role: 'unit', name: UNIT } })).toEqual({
      unit: UNIT,
      actor: { role: 'unit', name: UNIT },
    });
  });

  test('refuses a caller without a role or a name, and anything the body does not know', () => {
    const problems = (payload: unknown) =>
      calledSchema(reviewPayloadSchema)
        .safeParse(payload)
        .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const review = { by: COORDINATOR, period: '2017-01', decision: 'accept' };
    expect(problems({ ...review, actor: { role: 'auditor', name: COORDINATOR } })).toEqual([
      'actor.role: 操作人角色应为 unit、coordinator、clock、system 之一',
    ]);
    expect(problems({ ...review, actor: { role: 'coordinator', name: '' } })).toEqual([
      'actor.name: 操作人名称不能为空',
    ]);
    expect(problems({ ...review, actor: { role: 'coordinator' } })).toHaveLength(1);
    expect(problems({ ...review, signedBy: COORDINATOR })).toHaveLength(1);
  });
});

describe("a cycle's events", () => {
  const base = { version: 1 as const, at: iso('2017-04-10') };
  const cases: Array<[CycleEvent, unknown]> = [
    [
      { type: 'CyclePaused', ...base, by: COORDINATOR, reason: '防汛' },
      { actor: { role: 'coordinator', name: COORDINATOR }, reason: '防汛' },
    ],
    [{ type: 'CycleResumed', ...base, by: COORDINATOR }, { actor: { role: 'coordinator', name: COORDINATOR } }],
    [
      { type: 'CycleCancelled', ...base, by: COORDINATOR, reason: '计划调整' },
      { actor: { role: 'coordinator', name: COORDINATOR }, reason: '计划调整' },
    ],
    [
      { type: 'CycleAssignmentsStarted', ...base, started: 3, existing: 0, schedule: [] },
      { actor: { role: 'system', name: '督办系统' } },
    ],
  ];

  test('name the coordinator for its actions, with the reason, and the system for the launch report', () => {
    for (const [event, expected] of cases)
      expect([event.type, cycleProvenanceOf(event)]).toEqual([event.type, expected]);
  });

  test('name the caller the API gives', () => {
    const caller = { role: 'coordinator' as const, name: '督查室 李四' };
    expect(cycleProvenanceOf({ type: 'CycleResumed', ...base, by: COORDINATOR }, caller)).toEqual({ actor: caller });
  });
});
