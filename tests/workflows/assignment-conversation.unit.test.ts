/**
 * The 督办 conversation on a version-2 assignment, turn by turn: a report replaced, accepted or returned for rework;
 * an extension asked for, granted or refused, and a due date the coordinator moves; a closure asked for, returned or
 * approved; the coordinator changes the item's rules, units or calendar. Each turn's refusals name the problem and
 * the fix. Dates are on 2017's working days (the fixture's
 * calendar): the Spring Festival week 01-27…02-02 off, 02-04 (Saturday) worked; the National Day week 10-01…10-08
 * off, 09-30 (Saturday) worked.
 */
import { bulletinAssignmentOf } from '../../activities/cycle';
import { computeBulletin, DEFAULT_SCORING, formatBulletin } from '../../domain/cycle/bulletin';
import type { EvidenceRef } from '../../domain/evidence/ref';
import {
  decide,
  fold,
  isClosed,
  lightOf,
  missingContributors,
  nextAlarm,
  normalizeSpec,
  successorSpec,
  type AssignmentCommand,
  type AssignmentState,
} from '../../workflows/assignment/decider';
import type { AssignmentEvent } from '../../workflows/assignment/events';
import { noticesFor } from '../../workflows/assignment/notices';
import { DEFAULT_CONVERSATION } from '../../workflows/assignment/policy';
import { given } from '../support/specification';
import { assigned, at, CALENDAR_2017, iso, runClock, spec, timeline } from './decider-v2-fixtures';

const UNIT = '市质监局';
const COORDINATOR = '市质强委办公室';
const PDF: EvidenceRef = {
  sha256: 'a'.repeat(64),
  name: '质量提升行动总结.pdf',
  size: 48_213,
  type: 'application/pdf',
};

/** Applies commands one after another, as the workflow does, and returns every event and the state they lead to. */
function play(commands: AssignmentCommand[], from: AssignmentEvent[] = [assigned]) {
  let state = fold(from);
  const events: AssignmentEvent[] = [];
  for (const command of commands) {
    const produced = decide(command, state);
    state = fold(produced, state);
    events.push(...produced);
  }
  return { state, events, history: [...from, ...events] };
}

const report = (date: string, period?: string, evidence?: EvidenceRef[]): AssignmentCommand => ({
  type: 'SubmitProgressReport',
  now: at(date),
  unit: UNIT,
  ...(period && { period }),
  summary: `${date} 进展`,
  percentComplete: 40,
  ...(evidence && { evidence }),
});
const review = (date: string, period: string, accept: boolean, comment = ''): AssignmentCommand => ({
  type: 'ReviewReport',
  now: at(date, '14:00'),
  by: COORDINATOR,
  period,
  accept,
  comment,
});
const notices = (state: AssignmentState, events: AssignmentEvent[], seq = 10) =>
  events.flatMap((event, i) =>
    noticesFor({ assignmentId: 'a', seq: seq + i, event }, state.spec ?? normalizeSpec(spec)),
  );

describe('report review (审核)', () => {
  test('a report not yet reviewed can be replaced; the replacement keeps the evidence it brings', () => {
    const { events, state } = play([report('2017-01-20', '2017-01'), report('2017-01-24', '2017-01', [PDF])]);
    expect(events[2]).toEqual({
      type: 'ProgressReportSubmitted',
      version: 2,
      at: iso('2017-01-24'),
      period: '2017-01',
      due: '2017-01-26',
      unit: UNIT,
      summary: '2017-01-24 进展',
      percentComplete: 40,
      late: false,
      evidence: [PDF],
      replaces: true,
    });
    expect(state.periods[0]!.report).toMatchObject({ at: iso('2017-01-24'), evidence: [PDF] });
  });

  test('an accepted report stands: it can no longer be replaced or reviewed again', () => {
    const { history, state } = play([
      report('2017-01-20', '2017-01'),
      review('2017-01-23', '2017-01', true, '内容翔实'),
    ]);
    expect(state.periods[0]!.report!.accepted).toEqual({
      at: iso('2017-01-23', '14:00'),
      by: COORDINATOR,
      comment: '内容翔实',
    });
    given(...history)
      .when(report('2017-01-24', '2017-01'))
      .thenRefused('ALREADY_REPORTED', /已审核通过，不能更改/);
    given(...history)
      .when(review('2017-01-24', '2017-01', false, '补充数据'))
      .thenRefused('ALREADY_REVIEWED', /已于 2017-01-23 14:00 审核通过/);
  });

  test('a review of a report that does not exist, by someone else, or a return without a comment is refused', () => {
    given(assigned)
      .when(review('2017-01-20', '2017-01', true))
      .thenRefused('NO_REPORT', /还没有报送进展，没有可审核的报告；请待市质监局报送后再审核/);
    const reported = play([report('2017-01-20', '2017-01')]).history;
    given(...reported)
      .when({ ...review('2017-01-21', '2017-01', true), by: '市工商局' } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR', /请由市质强委办公室办理/);
    given(...reported)
      .when(review('2017-01-21', '2017-01', false, '  '))
      .thenRefused('COMMENT_REQUIRED', /退回重报须写明意见/);
    given(...reported)
      .when(review('2017-01-21', '2017-09', true))
      .thenRefused('UNKNOWN_PERIOD');
  });

  test('a returned report reopens its period until five working days later, turns the light yellow and reminds', () => {
    // Returned on Wednesday 01-25, the day before the period is due: five working days, over the Spring Festival
    // week, are 01-26, 02-03, 02-04 (a Saturday worked), 02-06 and 02-07.
    const { state, events } = play([
      report('2017-01-20', '2017-01'),
      review('2017-01-25', '2017-01', false, '请补充抽检数据'),
    ]);
    expect(events[2]).toEqual({
      type: 'ReportReturned',
      version: 1,
      at: iso('2017-01-25', '14:00'),
      period: '2017-01',
      by: COORDINATOR,
      comment: '请补充抽检数据',
      reworkDue: '2017-02-07',
    });
    const period = state.periods[0]!;
    expect(period).toMatchObject({ due: '2017-02-07', originalDue: '2017-01-26', returned: { late: false } });
    expect(period.report).toBeUndefined();
    expect(lightOf(state, at('2017-01-25', '15:00'))).toBe('yellow');
    expect(notices(state, events.slice(2)).map((n) => [n.recipient, n.kind, n.body])).toEqual([
      [
        UNIT,
        'rework',
        '市质监局：任务「五.(二).29 开展重点产品质量提升行动」2017年1月进展情况已由市质强委办公室退回重报。' +
          '意见：请补充抽检数据。请于2月7日前修改后重新报送。',
      ],
    ]);
    // The clock now runs for the rework's due date: the due-day reminder (the advance one's day, 01-25, had passed
    // when the report was returned), then the ladder if nothing comes.
    const { events: clock } = runClock(state, at('2017-02-09', '23:00'));
    expect(timeline(clock)).toEqual([
      '2017-02-07 09:00 DeadlineReminderSent 2017-01 due-day',
      '2017-02-08 00:00 ReportingPeriodOverdue 2017-01',
      '2017-02-08 09:00 OverdueEscalated 2017-01 urge',
    ]);
    // The next period opened after the date first set, as it always would have.
    expect(() => decide(report('2017-01-28', '2017-Q3'), state)).not.toThrow();
  });

  test('the reworked report is on time when it comes by the rework date, and late when the first one was', () => {
    const returned = play([report('2017-01-20', '2017-01'), review('2017-01-25', '2017-01', false, '补充')]);
    expect(decide(report('2017-02-06', '2017-01'), returned.state)).toMatchObject([{ late: false }]);
    const lateFirst = play([report('2017-01-27', '2017-01'), review('2017-02-03', '2017-01', false, '补充')]);
    expect(decide(report('2017-02-06', '2017-01'), lateFirst.state)).toMatchObject([{ late: true }]);
  });
});

describe('extensions (延期申请) and moved deadlines (调整时限)', () => {
  const januaryReported = play([report('2017-01-20', '2017-01')]).history;
  const ask = (date: string, to: string, period?: string): AssignmentCommand => ({
    type: 'RequestExtension',
    now: at(date),
    unit: UNIT,
    ...(period && { period }),
    to,
    reason: '抽检样品送检周期延长',
  });
  const answer = (date: string, grant: boolean, comment = ''): AssignmentCommand => ({
    type: 'DecideExtension',
    now: at(date, '15:00'),
    by: COORDINATOR,
    grant,
    comment,
  });

  test('granted, the period is due on the new date: its reminders, light and ladder move with it', () => {
    const { events, state } = play(
      [ask('2017-09-01', '2017-10-20', '2017-Q3'), answer('2017-09-04', true, '同意')],
      januaryReported,
    );
    expect(events).toEqual([
      {
        type: 'ExtensionRequested',
        version: 1,
        at: iso('2017-09-01'),
        unit: UNIT,
        period: '2017-Q3',
        from: '2017-09-30',
        to: '2017-10-20',
        reason: '抽检样品送检周期延长',
      },
      {
        type: 'ExtensionGranted',
        version: 1,
        at: iso('2017-09-04', '15:00'),
        by: COORDINATOR,
        period: '2017-Q3',
        from: '2017-09-30',
        to: '2017-10-20',
        comment: '同意',
      },
    ]);
    expect(state.extensionRequest).toBeUndefined();
    expect(state.dateChanges).toEqual([
      {
        at: iso('2017-09-04', '15:00'),
        by: COORDINATOR,
        period: '2017-Q3',
        from: '2017-09-30',
        to: '2017-10-20',
        granted: true,
      },
    ]);
    // Past the date first set, the light shows the new one: yellow (the last 30 % of the period), not red.
    expect(lightOf(state, at('2017-10-01'))).toBe('yellow');
    expect(lightOf(state, at('2017-10-21', '00:01'))).toBe('red');
    const { events: clock } = runClock(state, at('2017-10-24', '23:00'));
    // Five working days before Friday 10-20 is 10-13; the urge on the next working day after it, Monday 10-23.
    expect(timeline(clock)).toEqual([
      '2017-10-13 09:00 DeadlineReminderSent 2017-Q3 advance',
      '2017-10-20 09:00 DeadlineReminderSent 2017-Q3 due-day',
      '2017-10-21 00:00 ReportingPeriodOverdue 2017-Q3',
      '2017-10-23 09:00 OverdueEscalated 2017-Q3 urge',
    ]);
    expect(notices(state, events).map((n) => [n.recipient, n.kind, n.subject])).toEqual([
      [COORDINATOR, 'extension-request', '【延期申请】市质监局：「五.(二).29 开展重点产品质量提升行动」'],
      [UNIT, 'extension-answer', '【延期同意】「五.(二).29 开展重点产品质量提升行动」'],
    ]);
  });

  test('granted on an overdue period, the ladder starts again from the new date', () => {
    // Due Saturday 09-30 (worked); after the National Day week, 催办 on 10-09 and 督办 three working days later.
    const overdue = runClock(fold(januaryReported), at('2017-10-13', '10:00'));
    expect(overdue.state.periods[1]).toMatchObject({ overdue: true, escalations: ['urge', 'notify-head'] });
    const granted = [ask('2017-10-13', '2017-10-31', '2017-Q3'), answer('2017-10-13', true)];
    const state = granted.reduce((s, command) => fold(decide(command, s), s), overdue.state);
    expect(state.periods[1]).toMatchObject({
      due: '2017-10-31',
      overdue: false,
      step: 0,
      escalations: ['urge', 'notify-head'],
    });
    expect(lightOf(state, at('2017-10-16'))).not.toBe('red');
    // Five working days before Tuesday 10-31 is Tuesday 10-24.
    expect(nextAlarm(state, at('2017-10-16'))).toEqual({
      at: at('2017-10-24'),
      command: { type: 'SendDeadlineReminder', period: '2017-Q3', kind: 'advance' },
    });
  });

  test('a granted extension shows on the bulletin of its period, and the report by the new date is on time', () => {
    const { history } = play(
      [ask('2017-09-01', '2017-10-20', '2017-Q3'), answer('2017-09-04', true), report('2017-10-18', '2017-Q3')],
      januaryReported,
    );
    const record = bulletinAssignmentOf('a', fold(history), '2017-Q3')!;
    expect(record).toMatchObject({ extensionsGranted: 1, period: { due: '2017-10-20', report: { late: false } } });
    expect(bulletinAssignmentOf('a', fold(history), '2017-01')!.extensionsGranted).toBeUndefined();
    const bulletin = computeBulletin({
      cycleId: 'ezhou-2017',
      cycleTitle: '鄂州市2017年质量工作督办',
      period: { key: '2017-Q3', label: '2017年第三季度' },
      issuedAt: iso('2017-10-31', '17:00'),
      assignments: [record],
      scoring: DEFAULT_SCORING,
    });
    expect(bulletin.units[0]).toMatchObject({ unit: UNIT, onTime: 1, extensionsGranted: 1, score: 100 });
    expect(formatBulletin(bulletin, 'text')).toContain('准予延期 1 次，不扣分。');
  });

  test('refused with a comment, the date stands and the unit is told it must still report by it', () => {
    const { events, state } = play([
      ask('2017-09-01', '2017-10-20', '2017-Q3'),
      answer('2017-09-04', false, '时间充足，请按期报送'),
    ]);
    expect(state.periods[1]!.due).toBe('2017-09-30');
    expect(state.extensionRequest).toBeUndefined();
    expect(notices(state, events.slice(1))[0]!.body).toBe(
      '市质监局：你单位关于任务「五.(二).29 开展重点产品质量提升行动」 2017-Q3 进展的报送时限延至10月20日的申请，' +
        '市质强委办公室不同意，仍须于9月30日前报送。意见：时间充足，请按期报送',
    );
  });

  test('the item itself: its 完成时限 and the report due on it move together', () => {
    const { state } = play([ask('2017-12-01', '2018-03-30'), answer('2017-12-04', true)]);
    expect(state.spec!.due).toBe('2018-03-30');
    expect(state.periods.map((p) => [p.period, p.due])).toEqual([
      ['2017-01', '2017-01-26'],
      ['2017-Q3', '2017-09-30'],
      ['2017-Q4', '2018-03-30'],
    ]);
  });

  test('an extension to the past, not later, past the next period or the item, or asked twice, is refused', () => {
    const refused: Array<[AssignmentCommand, string, RegExp]> = [
      [
        ask('2017-09-01', '2017-08-31', '2017-Q3'),
        'INVALID_DATE',
        /不能改到已经过去的 2017-08-31；请给出 2017-09-01 及以后的日期/,
      ],
      [ask('2017-09-01', '2017-09-20', '2017-Q3'), 'INVALID_DATE', /须晚于当前的 2017-09-30/],
      [ask('2017-09-01', '2017-09-30', '2017-Q3'), 'INVALID_DATE', /已是 2017-09-30；请给出不同的日期/],
      [
        ask('2017-09-01', '2017-12-31', '2017-Q3'),
        'INVALID_DATE',
        /须早于下一周期 2017-Q4 的截止日期 2017-12-31；如需更久，请申请调整任务完成时限/,
      ],
      [ask('2017-09-01', '2018-01-31', '2017-Q4'), 'INVALID_DATE', /不能晚于任务完成时限 2017-12-31/],
      [ask('2017-09-01', '2017-10-20', '2017-Q9'), 'UNKNOWN_PERIOD', /没有报送周期 2017-Q9/],
      [
        { ...ask('2017-09-01', '2017-10-20', '2017-Q3'), unit: '市工商局' } as AssignmentCommand,
        'WRONG_UNIT',
        /不是任务/,
      ],
    ];
    for (const [command, code, message] of refused)
      given(assigned)
        .when(command)
        .thenRefused(code as never, message);
    const pending = play([ask('2017-09-01', '2017-10-20', '2017-Q3')]).history;
    given(...pending)
      .when(ask('2017-09-02', '2017-10-25', '2017-Q3'))
      .thenRefused('REQUEST_PENDING', /已于 2017-09-01 09:00 申请延期至 2017-10-20，尚待市质强委办公室答复/);
    given(assigned)
      .when(answer('2017-09-02', true))
      .thenRefused('NO_REQUEST', /没有待答复的延期申请/);
    given(...pending)
      .when(answer('2017-09-02', false))
      .thenRefused('COMMENT_REQUIRED');
    const reported = play([report('2017-01-20', '2017-01')]).history;
    given(...reported)
      .when(ask('2017-01-21', '2017-01-30', '2017-01'))
      .thenRefused('ALREADY_REPORTED', /无需调整其截止日期/);
  });

  test('the coordinator moves a due date either way, with a reason, and the unit is told', () => {
    const move: AssignmentCommand = {
      type: 'MoveDeadline',
      now: at('2017-09-01'),
      by: COORDINATOR,
      period: '2017-Q3',
      to: '2017-09-15',
      reason: '市政府常务会议提前听取汇报',
    };
    const { events, state } = play([move]);
    expect(events[0]).toMatchObject({ type: 'DeadlineMoved', from: '2017-09-30', to: '2017-09-15' });
    expect(state.periods[1]).toMatchObject({ due: '2017-09-15', originalDue: '2017-09-30' });
    expect(notices(state, events)[0]!.body).toBe(
      '市质监局：任务「五.(二).29 开展重点产品质量提升行动」 2017-Q3 进展的报送时限已由市质强委办公室由9月30日' +
        '调整为9月15日（市政府常务会议提前听取汇报），请按新的时限报送。',
    );
    given(assigned)
      .when({ ...move, by: UNIT } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR');
  });
});

describe('closure requests (申请办结)', () => {
  const request = (date: string): AssignmentCommand => ({
    type: 'RequestClosure',
    now: at(date),
    unit: UNIT,
    summary: '重点产品抽检合格率达到 95%',
    evidence: [PDF],
  });
  const answer = (date: string, approve: boolean, comment = ''): AssignmentCommand => ({
    type: 'DecideClosure',
    now: at(date, '16:00'),
    by: COORDINATOR,
    approve,
    comment,
  });

  test('returned (退办), reporting goes on and the next period is still supervised', () => {
    const { events, state } = play([request('2017-09-01'), answer('2017-09-05', false, '第四季度任务尚未完成')]);
    expect(events.map((e) => e.type)).toEqual(['ClosureRequested', 'ClosureReturned']);
    expect(state.status).toBe('assigned');
    expect(state.closureRequest).toBeUndefined();
    expect(nextAlarm(state, at('2017-09-05', '17:00'))?.command).toMatchObject({ period: '2017-01' });
    expect(notices(state, events).map((n) => [n.recipient, n.kind])).toEqual([
      [COORDINATOR, 'closure-request'],
      [UNIT, 'closure-returned'],
    ]);
    expect(notices(state, events)[0]!.body).toContain('（佐证材料 1 份）');
  });

  test("approved, the item ends (办结/销号) with the unit's summary and the review", () => {
    const { events, state } = play([request('2017-09-01'), answer('2017-09-05', true, '同意销号')]);
    expect(events[1]).toEqual({
      type: 'TaskCompleted',
      version: 1,
      at: iso('2017-09-05', '16:00'),
      by: COORDINATOR,
      summary: '重点产品抽检合格率达到 95%（审核意见：同意销号）',
    });
    expect(state.status).toBe('completed');
    expect(nextAlarm(state)).toBeUndefined();
  });

  test('a second request while one is pending, or an answer with none, is refused', () => {
    const pending = play([request('2017-09-01')]).history;
    given(...pending)
      .when(request('2017-09-02'))
      .thenRefused('REQUEST_PENDING', /已于 2017-09-01 09:00 申请办结，尚待市质强委办公室答复；请待答复后再申请/);
    given(assigned)
      .when(answer('2017-09-02', true))
      .thenRefused('NO_REQUEST', /没有待答复的办结申请/);
    given(...pending)
      .when(answer('2017-09-02', false))
      .thenRefused('COMMENT_REQUIRED', /退办须写明意见/);
    given(...pending)
      .when({ ...answer('2017-09-02', true), by: UNIT } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR');
  });
});

describe('send-back (退回), insisting (坚持交办) and reassignment (改派)', () => {
  const sendBack = (date: string): AssignmentCommand => ({
    type: 'SendBack',
    now: at(date),
    unit: UNIT,
    reason: '该项属于市场主体登记，由市工商局负责',
  });
  const reassign = (date: string, to = '市工商局'): AssignmentCommand => ({
    type: 'ReassignAssignment',
    now: at(date, '11:00'),
    by: COORDINATOR,
    to,
    reason: '按职责分工改派',
    successor: `ezhou:五.(二).29:${to}`,
  });

  test("sent back and insisted on, the item is the unit's again; the coordinator and the unit are told", () => {
    const insist: AssignmentCommand = {
      type: 'InsistOnUnit',
      now: at('2017-01-06'),
      by: COORDINATOR,
      comment: '属本单位职责',
    };
    const { events, state } = play([sendBack('2017-01-05'), insist]);
    expect(events.map((e) => e.type)).toEqual(['AssignmentSentBack', 'SendBackRefused']);
    expect(state.sentBack).toBeUndefined();
    expect(notices(state, events).map((n) => [n.recipient, n.kind])).toEqual([
      [COORDINATOR, 'send-back'],
      [UNIT, 'send-back-refused'],
    ]);
    given(...play([sendBack('2017-01-05')]).history)
      .when(sendBack('2017-01-06'))
      .thenRefused('REQUEST_PENDING', /已于 2017-01-05 09:00 退回任务/);
    given(assigned)
      .when(insist)
      .thenRefused('NO_REQUEST', /没有待答复的退回/);
    given(...play([sendBack('2017-01-05')]).history)
      .when({ ...insist, comment: '' } as AssignmentCommand)
      .thenRefused('COMMENT_REQUIRED');
  });

  test('reassigned, this assignment ends and its successor takes the item as it stands', () => {
    const { events, state } = play([report('2017-01-20', '2017-01'), sendBack('2017-03-01'), reassign('2017-03-02')]);
    expect(events.at(-1)).toEqual({
      type: 'AssignmentReassigned',
      version: 1,
      at: iso('2017-03-02', '11:00'),
      by: COORDINATOR,
      from: UNIT,
      to: '市工商局',
      reason: '按职责分工改派',
      successor: 'ezhou:五.(二).29:市工商局',
    });
    expect(state).toMatchObject({ status: 'reassigned', reassigned: { to: '市工商局' } });
    expect(isClosed(state)).toBe(true);
    expect(nextAlarm(state)).toBeUndefined();
    expect(lightOf(state, at('2017-03-03'))).toBe('none');
    given(...play([reassign('2017-03-02')]).history)
      .when(report('2017-03-03', '2017-Q3'))
      .thenRefused(
        'ALREADY_REASSIGNED',
        /改由市工商局牵头，本任务不再办理；请对新任务 ezhou:五.\(二\).29:市工商局 办理/,
      );
    const next = successorSpec(state, '市工商局');
    expect(next).toMatchObject({ unit: '市工商局', cooperating: ['市经信委'], cycleId: 'ezhou-2017' });
    expect(next.periods.map((p) => p.key)).toEqual(['2017-Q3', '2017-Q4']);
    const handedOver = decide(
      {
        type: 'AssignTask',
        now: at('2017-03-02', '11:00'),
        spec: next,
        handover: { predecessor: 'ezhou:五.(二).29:市质监局', from: UNIT, by: COORDINATOR, reason: '按职责分工改派' },
      },
      fold([]),
    );
    expect(handedOver.map((e) => e.type)).toEqual(['TaskAssigned', 'AssignmentHandedOver']);
    expect(fold(handedOver).handover).toMatchObject({ from: UNIT, predecessor: 'ezhou:五.(二).29:市质监局' });
  });

  test('a reassignment to the same unit, by someone else, or with nothing left to report is refused', () => {
    given(assigned)
      .when(reassign('2017-03-02', UNIT))
      .thenRefused('SAME_UNIT', /不能改派给同一单位；请给出另一个单位，或坚持交办/);
    given(assigned)
      .when({ ...reassign('2017-03-02'), by: '市工商局' } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR');
    const allReported = play([
      report('2017-01-20', '2017-01'),
      report('2017-09-20', '2017-Q3'),
      report('2017-12-20', '2017-Q4'),
    ]).history;
    given(...allReported)
      .when(reassign('2017-12-21'))
      .thenRefused('NOTHING_TO_REPORT', /已没有今后到期的报送周期/);
  });
});

describe('version 3: 签收 expected in time, and the cooperating units (配合单位) heard', () => {
  const v3 = { ...spec, ...DEFAULT_CONVERSATION, targets: [] };
  const assignedV3: AssignmentEvent = { type: 'TaskAssigned', version: 3, at: iso('2017-01-03', '10:00'), spec: v3 };
  const contribute = (date: string, unit: string, period?: string): AssignmentCommand => ({
    type: 'SubmitContribution',
    now: at(date),
    unit,
    ...(period && { period }),
    summary: `${unit}已配合开展抽检`,
  });

  test('assigned as version 3; not acknowledged within two working days, the unit is urged once', () => {
    expect(decide({ type: 'AssignTask', now: at('2017-01-03', '10:00'), spec: v3 }, fold([]))).toEqual([assignedV3]);
    // Assigned on Tuesday 01-03: 签收 expected by Thursday 01-05, urged on Friday 01-06 at 09:00.
    const { events, state } = runClock(fold([assignedV3]), at('2017-01-10'));
    expect(timeline(events)).toEqual(['2017-01-06 09:00 AcknowledgementUrged']);
    expect(events[0]).toMatchObject({ expectedBy: '2017-01-05' });
    expect(notices(state, events)[0]!.body).toBe(
      '市质监局：任务「五.(二).29 开展重点产品质量提升行动」的签收期限为1月5日，至今未签收，请立即签收并落实。',
    );
    const acknowledged = fold(
      decide({ type: 'AcknowledgeAssignment', now: at('2017-01-05'), unit: UNIT }, fold([assignedV3])),
      fold([assignedV3]),
    );
    expect(runClock(acknowledged, at('2017-01-10')).events).toEqual([]);
  });

  test('the units not yet heard from are reminded three working days before the due date', () => {
    const one = play([contribute('2017-01-16', '市工商局')], [assignedV3, { ...acknowledgedOn('2017-01-04') }]);
    expect(one.state.periods[0]!.contributions).toEqual([
      { unit: '市工商局', at: iso('2017-01-16'), summary: '市工商局已配合开展抽检' },
    ]);
    // Thursday 01-26 is due; three working days before it is Monday 01-23 (five, for the lead: Friday 01-20, as Sunday
    // 01-22 is worked before the Spring Festival).
    const { events, state } = runClock(one.state, at('2017-01-25', '23:00'));
    expect(timeline(events)).toEqual([
      '2017-01-20 09:00 DeadlineReminderSent 2017-01 advance',
      '2017-01-23 09:00 CooperationReminderSent 2017-01',
    ]);
    expect(events[1]).toMatchObject({ units: ['市经信委'] });
    expect(notices(state, events.slice(1)).map((n) => [n.recipient, n.kind, n.subject])).toEqual([
      ['市经信委', 'cooperation-reminder', '【协办提醒】2017年1月协办意见'],
    ]);
  });

  test('the lead reports without a contribution: the report stands, and the coordinator is told who is missing', () => {
    const { events, state } = play(
      [contribute('2017-01-16', '市工商局'), report('2017-01-25', '2017-01')],
      [assignedV3, acknowledgedOn('2017-01-04')],
    );
    expect(events.map((e) => e.type)).toEqual([
      'ContributionSubmitted',
      'ProgressReportSubmitted',
      'ContributionsMissing',
    ]);
    expect(events[2]).toMatchObject({ period: '2017-01', units: ['市经信委'] });
    expect(missingContributors(state.periods[0]!, state.spec!)).toEqual(['市经信委']);
    expect(notices(state, events.slice(2))[0]).toMatchObject({
      recipient: COORDINATOR,
      kind: 'contribution-missing',
      body: '市质强委办公室：市质监局已报送任务「五.(二).29 开展重点产品质量提升行动」2017年1月进展，配合单位市经信委未提交协办意见。',
    });
  });

  test('a contribution from a unit that does not cooperate, or after the report was accepted, is refused', () => {
    given(assignedV3)
      .when(contribute('2017-01-16', '市教育局'))
      .thenRefused(
        'NOT_COOPERATING',
        /市教育局不是任务 五.\(二\).29 的配合单位，不能提交协办意见；该任务的配合单位是市工商局、市经信委/,
      );
    const accepted = play(
      [report('2017-01-20', '2017-01'), review('2017-01-23', '2017-01', true)],
      [assignedV3],
    ).history;
    given(...accepted)
      .when(contribute('2017-01-24', '市工商局', '2017-01'))
      .thenRefused('ALREADY_REVIEWED', /不再接收协办意见/);
  });

  function acknowledgedOn(date: string): AssignmentEvent {
    return { type: 'AssignmentAcknowledged', version: 1, at: iso(date), unit: UNIT, implicit: false };
  }
});

describe('the coordinator changes a running item (调整督办规则, 调整配合单位)', () => {
  const faster = {
    ...spec.policy,
    reminderDaysBefore: 3,
    ladder: [
      { level: 'urge' as const, afterDays: 1 },
      { level: 'report-coordinator' as const, afterDays: 2 },
    ],
  };

  test("a new ladder applies from now on: the item's next steps follow it", () => {
    const change: AssignmentCommand = {
      type: 'ChangePolicy',
      now: at('2017-09-01'),
      by: COORDINATOR,
      policy: faster,
      reason: '重点事项，加快督办',
    };
    const { state, events } = play([report('2017-01-20', '2017-01'), change]);
    expect(events.at(-1)).toMatchObject({
      type: 'SupervisionPolicyChanged',
      policy: faster,
      reason: '重点事项，加快督办',
    });
    // Saturday 09-30 (worked) due: three working days before is 09-27; 催办 10-09 after the National Day week, then
    // 通报 two working days later — no 督办 step any more.
    const { events: clock } = runClock(state, at('2017-10-12', '23:00'));
    expect(timeline(clock)).toEqual([
      '2017-09-27 09:00 DeadlineReminderSent 2017-Q3 advance',
      '2017-09-30 09:00 DeadlineReminderSent 2017-Q3 due-day',
      '2017-10-01 00:00 ReportingPeriodOverdue 2017-Q3',
      '2017-10-09 09:00 OverdueEscalated 2017-Q3 urge',
      '2017-10-11 09:00 OverdueEscalated 2017-Q3 report-coordinator',
    ]);
    expect(notices(state, events.slice(-1))[0]!.body).toBe(
      '市质监局：任务「五.(二).29 开展重点产品质量提升行动」的督办规则已由市质强委办公室调整（重点事项，加快督办）：' +
        '截止前3个工作日提醒；逾期后1个工作日后催办，2个工作日后通报。',
    );
    given(assigned)
      .when({ ...change, by: UNIT } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR');
    given(assigned)
      .when({ ...change, policy: spec.policy } as AssignmentCommand)
      .thenRefused('INVALID_SPEC', /督办规则已是如此/);
  });

  /** Launched before 2017's notice was known: weekends only. The fixture's own calendar is the notice's. */
  const launched: AssignmentEvent = {
    type: 'TaskAssigned',
    version: 2,
    at: assigned.at,
    spec: { ...spec, calendar: { ...CALENDAR_2017, holidays: [], workdays: [], unknownYears: [2017, 2018] } },
  };

  test('a calendar year known since the launch: the clock counts its working days from then on', () => {
    const reported = play([report('2017-01-20', '2017-01')], [launched]);
    const untilUpdate = runClock(reported.state, at('2017-09-26', '12:00'));
    expect(timeline(untilUpdate.events)).toEqual(['2017-09-25 09:00 DeadlineReminderSent 2017-Q3 advance']);
    const update: AssignmentCommand = {
      type: 'UpdateCalendar',
      now: at('2017-09-26', '12:00'),
      by: COORDINATOR,
      calendar: CALENDAR_2017,
      reason: '导入2017年节假日安排',
    };
    const updated = play([update], [launched, ...reported.events, ...untilUpdate.events]);
    expect(updated.events).toEqual([
      {
        type: 'WorkingCalendarUpdated',
        version: 1,
        at: iso('2017-09-26', '12:00'),
        by: COORDINATOR,
        calendar: CALENDAR_2017,
        reason: '导入2017年节假日安排',
      },
    ]);
    expect(updated.state.spec!.calendar).toEqual(CALENDAR_2017);
    expect(notices(updated.state, updated.events)).toEqual([]);
    // Saturday 09-30 is a make-up working day, and the National Day week puts 催办 after it: 10-09, not 10-02.
    expect(timeline(runClock(updated.state, at('2017-10-12', '23:00')).events)).toEqual([
      '2017-09-30 09:00 DeadlineReminderSent 2017-Q3 due-day',
      '2017-10-01 00:00 ReportingPeriodOverdue 2017-Q3',
      '2017-10-09 09:00 OverdueEscalated 2017-Q3 urge',
      '2017-10-12 09:00 OverdueEscalated 2017-Q3 notify-head',
    ]);
    // Weekends only, as it would have gone on.
    expect(timeline(runClock(untilUpdate.state, at('2017-10-03', '23:00')).events)).toEqual([
      '2017-09-29 09:00 DeadlineReminderSent 2017-Q3 due-day',
      '2017-10-01 00:00 ReportingPeriodOverdue 2017-Q3',
      '2017-10-02 09:00 OverdueEscalated 2017-Q3 urge',
    ]);
  });

  test('a reminder whose day had passed when the calendar changed is not sent late', () => {
    const reported = play([report('2017-01-20', '2017-01')], [launched]);
    // The week before 09-30 off: five working days before it now fall on 09-22, two days before the update.
    const weekOff = {
      ...CALENDAR_2017,
      holidays: [
        ...CALENDAR_2017.holidays,
        '2017-09-25',
        '2017-09-26',
        '2017-09-27',
        '2017-09-28',
        '2017-09-29',
      ].sort(),
    };
    const { state } = play(
      [{ type: 'UpdateCalendar', now: at('2017-09-24', '12:00'), by: COORDINATOR, calendar: weekOff, reason: '更正' }],
      [launched, ...reported.events],
    );
    expect(timeline(runClock(state, at('2017-09-30', '23:00')).events)).toEqual([
      '2017-09-30 09:00 DeadlineReminderSent 2017-Q3 due-day',
    ]);
  });

  test('a calendar given during a pause: what came due in the pause is still sent once on resume', () => {
    const { state } = play(
      [
        report('2017-01-20', '2017-01'),
        { type: 'PauseAssignment', now: at('2017-09-20', '10:00'), by: COORDINATOR, reason: '机构调整' },
        {
          type: 'UpdateCalendar',
          now: at('2017-09-26', '12:00'),
          by: COORDINATOR,
          calendar: CALENDAR_2017,
          reason: '导入2017年节假日安排',
        },
        { type: 'ResumeAssignment', now: at('2017-09-27', '10:00'), by: COORDINATOR, reason: '调整完毕' },
      ],
      [launched],
    );
    expect(timeline(runClock(state, at('2017-09-30', '23:00')).events)).toEqual([
      '2017-09-27 10:00 DeadlineReminderSent 2017-Q3 advance',
      '2017-09-30 09:00 DeadlineReminderSent 2017-Q3 due-day',
    ]);
  });

  test('a calendar update is refused when it is not the coordinator’s, changes nothing, or covers another span', () => {
    const update = {
      type: 'UpdateCalendar',
      now: at('2017-03-01'),
      by: COORDINATOR,
      calendar: { ...CALENDAR_2017, unknownYears: [2018] },
      reason: '导入',
    } as AssignmentCommand;
    given(assigned)
      .when({ ...update, by: UNIT } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR', /不能更新节假日安排；请由市质强委办公室办理/);
    given(assigned)
      .when({ ...update, calendar: CALENDAR_2017 } as AssignmentCommand)
      .thenRefused('CALENDAR_UNCHANGED', /工作日日历已是如此，无需更新/);
    given(assigned)
      .when({ ...update, calendar: { ...CALENDAR_2017, from: '2017-03-01' } } as AssignmentCommand)
      .thenRefused('INVALID_SPEC', /覆盖 2017-01-01 至 2018-12-31；新的日历（2017-03-01 至 2018-12-31）须覆盖同一时段/);
  });

  test('cooperating units added and removed: each told, and only the current ones may contribute', () => {
    const change: AssignmentCommand = {
      type: 'ChangeCooperatingUnits',
      now: at('2017-03-01'),
      by: COORDINATOR,
      add: ['市教育局'],
      remove: ['市经信委'],
      reason: '按职责调整',
    };
    const { state, events, history } = play([change]);
    expect(state.spec!.cooperating).toEqual(['市工商局', '市教育局']);
    expect(notices(state, events).map((n) => [n.recipient, n.kind])).toEqual([
      ['市教育局', 'cooperation'],
      ['市经信委', 'cooperation-changed'],
      [UNIT, 'cooperation-changed'],
    ]);
    given(...history)
      .when({ type: 'SubmitContribution', now: at('2017-03-02'), unit: '市经信委', summary: 'x' })
      .thenRefused('NOT_COOPERATING', /该任务的配合单位是市工商局、市教育局/);
    const refused: Array<[Partial<AssignmentCommand>, string, RegExp]> = [
      [{ add: [UNIT], remove: [] }, 'SAME_UNIT', /是任务 五.\(二\).29 的牵头单位，不能同时作为配合单位/],
      [{ add: ['市工商局'], remove: [] }, 'INVALID_SPEC', /已是任务 五.\(二\).29 的配合单位，无需增加/],
      [{ add: [], remove: ['市教育局'] }, 'NOT_COOPERATING', /不是任务 五.\(二\).29 的配合单位，无法减少/],
      [{ add: [], remove: [] }, 'INVALID_SPEC', /请给出要增加（add）或减少（remove）的配合单位/],
    ];
    for (const [edit, code, message] of refused) {
      given(assigned)
        .when({ ...change, ...edit } as AssignmentCommand)
        .thenRefused(code as never, message);
    }
  });
});

describe('quantitative targets (量化指标) in reports', () => {
  const targets = [
    {
      indicator: '重点产品抽检合格率',
      comparator: '>=' as const,
      value: 95,
      unit: '%',
      text: '重点产品抽检合格率达到95%以上',
    },
    { indicator: '投诉处理时间', comparator: '<=' as const, value: 5, unit: '天', text: '投诉处理时间不超过5天' },
  ];
  const withTargets: AssignmentEvent = {
    type: 'TaskAssigned',
    version: 3,
    at: iso('2017-01-03', '10:00'),
    spec: { ...spec, ...DEFAULT_CONVERSATION, cooperating: [], targets },
  };
  const reportWith = (values: Array<{ indicator: string; value: number; unit: string }>): AssignmentCommand => ({
    ...(report('2017-01-20', '2017-01') as Extract<AssignmentCommand, { type: 'SubmitProgressReport' }>),
    values,
  });

  test('a report gives the value reached for each target; each is shown with its target and whether it is met', () => {
    const { events, state } = play(
      [
        reportWith([
          { indicator: '重点产品抽检合格率', value: 96.4, unit: '%' },
          { indicator: '投诉处理时间', value: 6, unit: '天' },
        ]),
      ],
      [withTargets],
    );
    expect(events.map((e) => e.type)).toEqual([
      'AssignmentAcknowledged',
      'ProgressReportSubmitted',
      'TargetValuesReported',
    ]);
    expect(state.periods[0]!.values).toEqual([
      { indicator: '重点产品抽检合格率', unit: '%', value: 96.4, target: { comparator: '>=', value: 95 }, met: true },
      { indicator: '投诉处理时间', unit: '天', value: 6, target: { comparator: '<=', value: 5 }, met: false },
    ]);
    const record = bulletinAssignmentOf('a', state, '2017-01')!;
    expect(record.targets).toEqual({ reported: 2, met: 1 });
    const bulletin = computeBulletin({
      cycleId: 'ezhou-2017',
      cycleTitle: '鄂州市2017年质量工作督办',
      period: { key: '2017-01', label: '2017年1月' },
      issuedAt: iso('2017-02-10', '17:00'),
      assignments: [record],
      scoring: DEFAULT_SCORING,
    });
    expect(bulletin.units[0]).toMatchObject({ targetsReported: 2, targetsMet: 1 });
    expect(formatBulletin(bulletin, 'text')).toContain('报送量化指标 2 项，达标 1 项。');
  });

  test('a value for a target the item does not have, or in another unit of measure, is refused', () => {
    given(withTargets)
      .when(reportWith([{ indicator: '覆盖率', value: 30, unit: '%' }]))
      .thenRefused('UNKNOWN_TARGET', /没有指标「覆盖率」；其指标为：重点产品抽检合格率（%）、投诉处理时间（天）/);
    given(withTargets)
      .when(reportWith([{ indicator: '投诉处理时间', value: 120, unit: '小时' }]))
      .thenRefused('WRONG_MEASURE', /指标「投诉处理时间」的单位是「天」，不是「小时」；请按天填写/);
    given(assigned)
      .when(reportWith([{ indicator: '覆盖率', value: 30, unit: '%' }]))
      .thenRefused('UNKNOWN_TARGET', /该任务没有量化指标，报送时不填指标值/);
  });
});
