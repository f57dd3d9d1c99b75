/**
 * The decider for version-2 assignments (what a supervision cycle launches): reminders and escalation steps on
 * Chinese working days of the calendar slice the spec carries, pausing and resuming without a storm of notices,
 * withdrawing an item, and its light. Dates are hand-checked against the State Council's 2017 and 2018 notices:
 * 2017-09-30 (Saturday) was a make-up working day before the National Day week 10-01…10-08; the Spring Festival
 * week was 01-27…02-02 with 01-22 (Sunday) and 02-04 (Saturday) worked; 2017-12-31 was a Sunday and 2018-01-01 元旦.
 */
import {
  decide,
  fold,
  lightOf,
  nextAlarm,
  nextLightChange,
  normalizeSpec,
  type AssignmentCommand,
  type AssignmentState,
} from '../../workflows/assignment/decider';
import { noticesFor } from '../../workflows/assignment/notices';
import { given } from '../support/specification';
import { assigned, at, iso, runClock, spec, timeline } from './decider-v2-fixtures';
describe('when a version-2 assignment is made', () => {
  test('assigning records the spec as version 2, and the cooperating units are told what they support', () => {
    given()
      .when({ type: 'AssignTask', now: at('2017-01-03', '10:00'), spec })
      .then([assigned]);
    const notices = noticesFor({ assignmentId: 'a', seq: 1, event: assigned }, normalizeSpec(spec));
    expect(notices.map((n) => [n.recipient, n.kind, n.subject])).toEqual([
      ['市质监局', 'assignment', '【交办】「五.(二).29 开展重点产品质量提升行动」'],
      ['市工商局', 'cooperation', '【协办】「五.(二).29 开展重点产品质量提升行动」'],
      ['市经信委', 'cooperation', '【协办】「五.(二).29 开展重点产品质量提升行动」'],
    ]);
    expect(notices[0]!.body).toContain('首次：2017年1月，1月26日前');
    expect(notices[1]!.body).toBe(
      '市工商局：任务「五.(二).29 开展重点产品质量提升行动」由市质监局牵头落实，你单位为配合单位，完成时限：2017年12月底之前。请主动对接市质监局，支持其按期完成。',
    );
  });

  test('two periods with one key, or a period due after the deadline, are refused', () => {
    const twice = { ...spec, periods: [spec.periods[1]!, { ...spec.periods[1]!, due: '2017-10-15' }] };
    given()
      .when({ type: 'AssignTask', now: at('2017-01-03'), spec: twice })
      .thenRefused('INVALID_SPEC', /有两个同名的报送周期/);
    const after = { ...spec, periods: [{ key: '2018-Q1', label: '2018年第一季度', due: '2018-03-31' }] };
    given()
      .when({ type: 'AssignTask', now: at('2017-01-03'), spec: after })
      .thenRefused('INVALID_SPEC', /报送日期 2018-03-31 晚于完成时限 2017-12-31/);
  });
});

describe('on working days', () => {
  test('the Spring Festival week delays the escalation ladder: 催办 on the first working day after it', () => {
    const { events } = runClock(fold([assigned]), at('2017-02-20'));
    expect(timeline(events)).toEqual([
      '2017-01-20 09:00 DeadlineReminderSent 2017-01 advance',
      '2017-01-26 09:00 DeadlineReminderSent 2017-01 due-day',
      '2017-01-27 00:00 ReportingPeriodOverdue 2017-01',
      '2017-02-03 09:00 OverdueEscalated 2017-01 urge',
      '2017-02-07 09:00 OverdueEscalated 2017-01 notify-head',
      '2017-02-14 09:00 OverdueEscalated 2017-01 report-coordinator',
    ]);
  });

  test('National Day: the reminder goes on the make-up Saturday, the ladder after the holiday week', () => {
    const reported = fold(
      decide(
        { type: 'SubmitProgressReport', now: at('2017-01-20'), unit: '市质监局', summary: '完成', percentComplete: 10 },
        fold([assigned]),
      ),
      fold([assigned]),
    );
    const { events } = runClock(reported, at('2017-10-31'));
    expect(timeline(events)).toEqual([
      '2017-09-25 09:00 DeadlineReminderSent 2017-Q3 advance',
      '2017-09-30 09:00 DeadlineReminderSent 2017-Q3 due-day',
      '2017-10-01 00:00 ReportingPeriodOverdue 2017-Q3',
      '2017-10-09 09:00 OverdueEscalated 2017-Q3 urge',
      '2017-10-12 09:00 OverdueEscalated 2017-Q3 notify-head',
      '2017-10-19 09:00 OverdueEscalated 2017-Q3 report-coordinator',
    ]);
  });

  test('a due date on a Sunday: the due-day reminder goes on the Friday before, 催办 after 元旦', () => {
    const state = initialWith(['2017-01', '2017-Q3']);
    const { events } = runClock(state, at('2018-01-03'));
    expect(timeline(events)).toEqual([
      '2017-12-25 09:00 DeadlineReminderSent 2017-Q4 advance',
      '2017-12-29 09:00 DeadlineReminderSent 2017-Q4 due-day',
      '2018-01-01 00:00 ReportingPeriodOverdue 2017-Q4',
      '2018-01-02 09:00 OverdueEscalated 2017-Q4 urge',
    ]);
    expect(events[1]).toMatchObject({ daysLeft: 2 });
  });
});

/** The state after assignment with the named periods already reported (so the clock looks at the others). */
function initialWith(reported: string[]): AssignmentState {
  const state = fold([assigned]);
  return {
    ...state,
    periods: state.periods.map((p) =>
      reported.includes(p.period)
        ? { ...p, report: { at: iso('2017-01-20'), summary: '完成', percentComplete: 10, late: false } }
        : p,
    ),
  } satisfies AssignmentState;
}

describe('pausing and resuming', () => {
  const pause: AssignmentCommand = {
    type: 'PauseAssignment',
    now: at('2017-09-01'),
    by: '市质强委办公室',
    reason: '机构改革',
  };
  const paused = () => {
    const state = initialWith(['2017-01']);
    return fold(decide(pause, state), state);
  };

  test('only the coordinator pauses, and says why', () => {
    given(assigned)
      .when({ ...pause, by: '市质监局' } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR', /^市质监局不是任务 五\.\(二\)\.29 的督办单位，不能暂停；请由市质强委办公室办理$/);
    expect(decide(pause, initialWith(['2017-01']))).toEqual([
      { type: 'AssignmentPaused', version: 1, at: iso('2017-09-01'), by: '市质强委办公室', reason: '机构改革' },
    ]);
  });

  test('a paused assignment sends nothing, however much comes due', () => {
    expect(nextAlarm(paused(), at('2017-11-01'))).toBeUndefined();
    expect(decide({ type: 'ClosePeriod', now: at('2017-10-01', '00:00'), period: '2017-Q3' }, paused())).toEqual([]);
  });

  test('on resuming, what came due goes out once: the period closes and the ladder goes to its highest step', () => {
    const resume: AssignmentCommand = {
      type: 'ResumeAssignment',
      now: at('2017-10-20', '10:00'),
      by: '市质强委办公室',
    };
    const resumed = fold(decide(resume, paused()), paused());
    const { events } = runClock(resumed, at('2017-10-20', '10:00'));
    expect(timeline(events)).toEqual([
      '2017-10-20 10:00 ReportingPeriodOverdue 2017-Q3',
      '2017-10-20 10:00 OverdueEscalated 2017-Q3 report-coordinator',
    ]);
    expect(events[1]).toMatchObject({ step: 3, daysOverdue: 20 });
    const notices = noticesFor({ assignmentId: 'a', seq: 9, event: events[1]! }, normalizeSpec(spec));
    expect(notices.map((n) => [n.recipient, n.subject])).toEqual([['市质强委办公室', '【通报】市质监局逾期未报']]);
  });
});

describe('withdrawing an item (撤销)', () => {
  const cancel: AssignmentCommand = {
    type: 'CancelAssignment',
    now: at('2017-03-01'),
    by: '市质强委办公室',
    reason: '任务已调整',
  };

  test('the coordinator withdraws it with a reason; nothing more is due and nothing more is recorded', () => {
    const events = decide(cancel, fold([assigned]));
    expect(events).toEqual([
      { type: 'AssignmentCancelled', version: 1, at: iso('2017-03-01'), by: '市质强委办公室', reason: '任务已调整' },
    ]);
    const cancelled = fold(events, fold([assigned]));
    expect(cancelled.status).toBe('cancelled');
    expect(nextAlarm(cancelled)).toBeUndefined();
    expect(lightOf(cancelled, at('2017-12-31'))).toBe('none');
    given(assigned, ...events)
      .when({ type: 'SubmitProgressReport', now: at('2017-03-02'), unit: '市质监局', summary: 'x', percentComplete: 1 })
      .thenRefused('ALREADY_CANCELLED', /已于 2017-03-01 09:00 撤销（任务已调整）/);
  });

  test('nobody else withdraws it', () => {
    given(assigned)
      .when({ ...cancel, by: '市工商局' } as AssignmentCommand)
      .thenRefused('NOT_COORDINATOR');
  });
});

describe('the light', () => {
  test('green, yellow when less than 30 % of the open period is left, red when it is overdue', () => {
    const state = fold([assigned]);
    // The first period runs from the assignment (01-03 10:00) to the end of 01-26: 566 hours; its last 30 %,
    // 169 h 48 min, begins on 01-19 at 22:12 Beijing time.
    expect(lightOf(state, at('2017-01-10'))).toBe('green');
    expect(nextLightChange(state, at('2017-01-10'))?.toISOString()).toBe('2017-01-19T14:12:00.000Z');
    expect(lightOf(state, at('2017-01-20'))).toBe('yellow');
    expect(lightOf(state, at('2017-01-27', '00:01'))).toBe('red');
    const reported = initialWith(['2017-01']);
    expect(lightOf(reported, at('2017-01-27', '00:01'))).toBe('green');
  });
});
