import { shanghaiInstant } from '../../domain/calendar';
import { decide, fold, nextAlarm, normalizeSpec, type AssignmentCommand } from '../../workflows/assignment/decider';
import { assignmentSpecSchema, type AssignmentEvent, type AssignmentSpec } from '../../workflows/assignment/events';
import { noticesFor } from '../../workflows/assignment/notices';
import { DEFAULT_POLICY } from '../../workflows/assignment/policy';
import { given } from '../support/specification';

const spec: AssignmentSpec = {
  taskId: 'ezhou-2017:五.(二).29',
  ref: '五.(二).29',
  title: '开展重点产品质量提升行动',
  unit: '市质监局',
  coordinator: '市质强委办公室',
  deadlineText: '2017年12月底之前',
  due: '2017-12-31',
  reportsDue: ['2017-03-31', '2017-06-30', '2017-09-30', '2017-12-31'],
  policy: DEFAULT_POLICY,
};

const at = (date: string, time = '09:00') => shanghaiInstant(date, time);
const iso = (date: string, time = '09:00') => at(date, time).toISOString();

const DUE: Record<string, string> = { '2017-Q1': '2017-03-31', '2017-Q2': '2017-06-30' };

/** A progress report by the lead unit, as submitted (a command) and as recorded (an event). */
const report = (now: Date, summary: string, percentComplete: number, period?: string): AssignmentCommand => ({
  type: 'SubmitProgressReport',
  now,
  unit: '市质监局',
  summary,
  percentComplete,
  ...(period && { period }),
});
const reported = (
  instant: string,
  period: string,
  summary: string,
  percentComplete: number,
  late: boolean,
): AssignmentEvent => ({
  type: 'ProgressReportSubmitted',
  version: 1,
  at: instant,
  period,
  due: DUE[period]!,
  unit: '市质监局',
  summary,
  percentComplete,
  late,
});

const assigned: AssignmentEvent = { type: 'TaskAssigned', version: 1, at: iso('2017-02-20', '10:00'), spec };
const acknowledged: AssignmentEvent = {
  type: 'AssignmentAcknowledged',
  version: 1,
  at: iso('2017-02-21'),
  unit: '市质监局',
  implicit: false,
};
const q1Overdue: AssignmentEvent = {
  type: 'ReportingPeriodOverdue',
  version: 1,
  at: iso('2017-04-01', '00:00'),
  period: '2017-Q1',
  due: '2017-03-31',
};
const q1Urged: AssignmentEvent = {
  type: 'OverdueEscalated',
  version: 1,
  at: iso('2017-04-01'),
  period: '2017-Q1',
  due: '2017-03-31',
  step: 1,
  level: 'urge',
  daysOverdue: 1,
};

describe('when not yet assigned', () => {
  test('assigning records the whole spec', () => {
    given()
      .when({ type: 'AssignTask', now: at('2017-02-20', '10:00'), spec })
      .then([assigned]);
  });

  test('reports are refused: there is nothing to report on', () => {
    given()
      .when(report(at('2017-03-01'), '进展', 10))
      .thenRefused('NOT_ASSIGNED');
  });

  test('report dates that are all before the assignment are refused: the task would wait for nothing', () => {
    given()
      .when({ type: 'AssignTask', now: at('2018-01-05'), spec })
      .thenRefused('INVALID_SPEC', /都早于交办日 2018-01-05；请给出 2018-01-05 及以后的报送日期/);
  });

  test('an impossible date is refused at the edge, with the form expected', () => {
    const result = assignmentSpecSchema.safeParse({ ...spec, due: '2017-02-30' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be a real calendar date written YYYY-MM-DD, e.g. 2027-03-31');
  });

  test('report dates out of order are refused', () => {
    given()
      .when({ type: 'AssignTask', now: at('2017-02-20'), spec: { ...spec, reportsDue: ['2017-06-30', '2017-03-31'] } })
      .thenRefused('INVALID_SPEC', /须按先后排列且互不重复/);
  });
});

describe('when assigned', () => {
  test('the lead unit acknowledges (签收)', () => {
    given(assigned)
      .when({ type: 'AcknowledgeAssignment', now: at('2017-02-21'), unit: '市质监局' })
      .then([acknowledged]);
  });

  test('another unit cannot acknowledge, and is told who the lead unit is', () => {
    given(assigned)
      .when({ type: 'AcknowledgeAssignment', now: at('2017-02-21'), unit: '市商务局' })
      .thenRefused('WRONG_UNIT', /^市商务局不是任务 五\.\(二\)\.29 的责任单位；该任务的牵头单位是市质监局$/);
  });

  test('a report before acknowledging acknowledges implicitly', () => {
    given(assigned)
      .when(report(at('2017-03-20'), '已部署', 20))
      .then([
        { type: 'AssignmentAcknowledged', version: 1, at: iso('2017-03-20'), unit: '市质监局', implicit: true },
        reported(iso('2017-03-20'), '2017-Q1', '已部署', 20, false),
      ]);
  });

  test('the first alarm is the advance reminder five days before the first quarter end', () => {
    expect(nextAlarm(fold([assigned]))).toEqual({
      at: at('2017-03-26'),
      command: { type: 'SendDeadlineReminder', period: '2017-Q1', kind: 'advance' },
    });
  });

  test('a reminder whose time passed before the assignment is not sent late', () => {
    const late = { ...assigned, at: iso('2017-03-28') };
    expect(nextAlarm(fold([late]))?.command).toEqual({
      type: 'SendDeadlineReminder',
      period: '2017-Q1',
      kind: 'due-day',
    });
  });

  test('quarters that ended before the assignment are not reporting periods', () => {
    const state = fold([{ ...assigned, at: iso('2017-05-10') }]);
    expect(state.periods.map((p) => p.period)).toEqual(['2017-Q2', '2017-Q3', '2017-Q4']);
  });

  test('commands dated before the last event are refused', () => {
    given(assigned, acknowledged)
      .when(report(at('2017-02-01'), '进展', 1))
      .thenRefused('OUT_OF_ORDER');
  });
});

describe('when a quarter ends without a report', () => {
  test('the period closes as overdue (逾期) at midnight after the due day', () => {
    const state = fold([assigned, acknowledged]);
    const reminded = fold(
      [
        {
          type: 'DeadlineReminderSent',
          version: 1,
          at: iso('2017-03-26'),
          period: '2017-Q1',
          due: '2017-03-31',
          kind: 'advance',
          daysLeft: 5,
        },
        {
          type: 'DeadlineReminderSent',
          version: 1,
          at: iso('2017-03-31'),
          period: '2017-Q1',
          due: '2017-03-31',
          kind: 'due-day',
          daysLeft: 0,
        },
      ],
      state,
    );
    expect(nextAlarm(reminded)).toEqual({
      at: at('2017-04-01', '00:00'),
      command: { type: 'ClosePeriod', period: '2017-Q1' },
    });
    given(assigned, acknowledged)
      .when({ type: 'ClosePeriod', now: at('2017-04-01', '00:00'), period: '2017-Q1' })
      .then([q1Overdue]);
  });

  test('escalation climbs the ladder one step at a time: 催办, then 督办 three days later, then 通报', () => {
    expect(nextAlarm(fold([assigned, acknowledged, q1Overdue]))?.at).toEqual(at('2017-04-01'));
    given(assigned, acknowledged, q1Overdue)
      .when({ type: 'EscalateOverdue', now: at('2017-04-01'), period: '2017-Q1', step: 1 })
      .then([q1Urged]);
    expect(nextAlarm(fold([assigned, acknowledged, q1Overdue, q1Urged]))).toEqual({
      at: at('2017-04-04'),
      command: { type: 'EscalateOverdue', period: '2017-Q1', step: 2 },
    });
    given(assigned, acknowledged, q1Overdue, q1Urged)
      .when({ type: 'EscalateOverdue', now: at('2017-04-04'), period: '2017-Q1', step: 2 })
      .then([
        {
          type: 'OverdueEscalated',
          version: 1,
          at: iso('2017-04-04'),
          period: '2017-Q1',
          due: '2017-03-31',
          step: 2,
          level: 'notify-head',
          daysOverdue: 4,
        },
      ]);
  });

  test('a late report is marked late and stops the ladder', () => {
    given(assigned, acknowledged, q1Overdue, q1Urged)
      .when(report(at('2017-04-02'), '补报', 25))
      .then([reported(iso('2017-04-02'), '2017-Q1', '补报', 25, true)]);
    const afterReport = fold([
      assigned,
      acknowledged,
      q1Overdue,
      q1Urged,
      reported(iso('2017-04-02'), '2017-Q1', '补报', 25, true),
    ]);
    expect(nextAlarm(afterReport)?.command).toEqual({
      type: 'SendDeadlineReminder',
      period: '2017-Q2',
      kind: 'advance',
    });
  });

  test('a step that is not the next one is ignored, so a repeated timer does nothing', () => {
    given(assigned, acknowledged, q1Overdue, q1Urged)
      .when({ type: 'EscalateOverdue', now: at('2017-04-04'), period: '2017-Q1', step: 1 })
      .then([]);
  });

  test('after the last step the period waits for its report and the clock moves on to the next quarter', () => {
    const steps = DEFAULT_POLICY.ladder.map((s, i): AssignmentEvent => ({
      type: 'OverdueEscalated',
      version: 1,
      at: iso('2017-04-09'),
      period: '2017-Q1',
      due: '2017-03-31',
      step: i + 1,
      level: s.level,
      daysOverdue: 9,
    }));
    const state = fold([assigned, acknowledged, q1Overdue, ...steps]);
    expect(nextAlarm(state)?.command).toEqual({ type: 'SendDeadlineReminder', period: '2017-Q2', kind: 'advance' });
  });
});

describe('when reported', () => {
  const q1Reported: AssignmentEvent = reported(iso('2017-03-28'), '2017-Q1', '按期推进', 25, false);

  test('a second report for the same period is refused, with when the first came', () => {
    given(assigned, acknowledged, q1Reported)
      .when(report(at('2017-03-29'), '再报', 30, '2017-Q1'))
      .thenRefused('ALREADY_REPORTED', /市质监局已于 2017-\d\d-\d\d \d\d:\d\d 报送任务 五\.\(二\)\.29 的 2017-Q1 进展/);
  });

  test('a report without a period goes to the earliest one not yet reported', () => {
    given(assigned, acknowledged, q1Reported)
      .when(report(at('2017-04-02'), '二季度进展', 30))
      .then([reported(iso('2017-04-02'), '2017-Q2', '二季度进展', 30, false)]);
  });

  test('the next period opens for reports the day after the previous one was due, not before', () => {
    given(assigned, acknowledged, q1Reported)
      .when(report(at('2017-03-29'), '提前', 30))
      .thenRefused('PERIOD_NOT_OPEN', /任务 五\.\(二\)\.29 的 2017-Q2 进展自 2017-04-01（2017-Q1 截止后）起才能报送/);
  });

  test('an unknown period is refused, listing the periods there are', () => {
    given(assigned, acknowledged)
      .when(report(at('2017-03-29'), '进展', 1, '2018-Q1'))
      .thenRefused('UNKNOWN_PERIOD', /其报送周期为 2017-Q1、2017-Q2、2017-Q3、2017-Q4$/);
  });

  test('the reported period sends no further reminder', () => {
    given(assigned, acknowledged, q1Reported)
      .when({ type: 'SendDeadlineReminder', now: at('2017-03-31'), period: '2017-Q1', kind: 'due-day' })
      .then([]);
  });
});

describe('when the clock runs late (a worker that was down)', () => {
  test('a report after the due day is late even before the period was closed', () => {
    given(assigned, acknowledged)
      .when(report(at('2017-04-01', '00:30'), '补报', 25))
      .then([reported(iso('2017-04-01', '00:30'), '2017-Q1', '补报', 25, true)]);
  });

  test('an advance reminder that comes after the due-day one was due is dropped, and not offered again', () => {
    const now = at('2017-03-31', '10:00');
    given(assigned, acknowledged)
      .when({ type: 'SendDeadlineReminder', now, period: '2017-Q1', kind: 'advance' })
      .then([]);
    expect(nextAlarm(fold([assigned, acknowledged]), now)?.command).toEqual({
      type: 'SendDeadlineReminder',
      period: '2017-Q1',
      kind: 'due-day',
    });
  });

  test('every alarm changes something, so the workflow never spins, however late the clock', () => {
    for (const lateness of [0, 3 * 60 * 60 * 1000, 10 * 24 * 60 * 60 * 1000]) {
      let state = fold([assigned, acknowledged]);
      const types: string[] = [];
      for (let alarm = nextAlarm(state); alarm;) {
        const now = new Date(Math.max(alarm.at.getTime() + lateness, new Date(state.lastEventAt!).getTime()));
        const events = decide({ ...alarm.command, now }, state);
        const next = nextAlarm(fold(events, state), now);
        expect(events.length > 0 || JSON.stringify(next?.command) !== JSON.stringify(alarm.command)).toBe(true);
        state = fold(events, state);
        types.push(...events.map((e) => e.type));
        alarm = next;
      }
      const escalations = types.filter((t) => t === 'OverdueEscalated').length;
      expect([types.filter((t) => t === 'ReportingPeriodOverdue').length, escalations]).toEqual([4, 12]);
    }
  });
});

describe('when completed', () => {
  const completed: AssignmentEvent = {
    type: 'TaskCompleted',
    version: 1,
    at: iso('2017-12-20'),
    by: '市质强委办公室',
    summary: '已完成',
  };

  test('nothing more is accepted', () => {
    given(assigned, acknowledged, completed)
      .when(report(at('2017-12-21'), '进展', 100))
      .thenRefused('ALREADY_COMPLETED', /任务 五\.\(二\)\.29 已于 \d{4}-\d\d-\d\d \d\d:\d\d 办结，不能再记录任何事项/);
  });

  test('the clock has nothing left to do', () => {
    expect(nextAlarm(fold([assigned, acknowledged, completed]))).toBeUndefined();
  });
});

describe('notices', () => {
  test('督办 goes to the head of the unit, 通报 to the coordinator, in Chinese', () => {
    const head = noticesFor(
      {
        assignmentId: 'a',
        seq: 7,
        event: {
          type: 'OverdueEscalated',
          version: 1,
          at: iso('2017-04-04'),
          period: '2017-Q1',
          due: '2017-03-31',
          step: 2,
          level: 'notify-head',
          daysOverdue: 4,
        },
      },
      normalizeSpec(spec),
    );
    expect(head).toEqual([
      expect.objectContaining({
        recipient: '市质监局主要负责人',
        subject: '【督办】「五.(二).29 开展重点产品质量提升行动」',
        body: '市质监局主要负责人：任务「五.(二).29 开展重点产品质量提升行动」2017年第一季度进展情况应于3月31日前报送，已逾期4天，请督促落实。',
      }),
    ]);
    const coordinator = noticesFor(
      {
        assignmentId: 'a',
        seq: 8,
        event: {
          type: 'OverdueEscalated',
          version: 1,
          at: iso('2017-04-09'),
          period: '2017-Q1',
          due: '2017-03-31',
          step: 3,
          level: 'report-coordinator',
          daysOverdue: 9,
        },
      },
      normalizeSpec(spec),
    );
    expect(coordinator[0]?.recipient).toBe('市质强委办公室');
    expect(coordinator[0]?.key).toBe('a#8#市质强委办公室');
  });
});
