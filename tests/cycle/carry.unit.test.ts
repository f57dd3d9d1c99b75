/** A cycle's state folded from its stored events: what its workflow starts again from after a run was terminated. */
import { carryOf } from '../../workflows/cycle/carry';
import type { CycleEvent } from '../../workflows/cycle/events';
import { DEFAULT_SCORING, computeBulletin } from '../../domain/cycle/bulletin';
import { DEFAULT_LIGHTS } from '../../workflows/assignment/decider';
import { DEFAULT_CYCLE_POLICY } from '../../workflows/assignment/policy';

const calendar = { from: '2017-01-01', to: '2017-12-31', holidays: [], workdays: [], unknownYears: [2017] };
const config = {
  title: '测试周期',
  planId: 'p',
  coordinator: '市政府督查室',
  policy: DEFAULT_CYCLE_POLICY,
  lights: DEFAULT_LIGHTS,
  scoring: DEFAULT_SCORING,
  calendar,
};
const Q1 = { key: '2017-Q1', label: '2017年第一季度', lastDue: '2017-03-31', at: '2017-04-13T09:00:00.000Z' };
const moved = { ...Q1, at: '2017-04-14T09:00:00.000Z' };
const by = '市政府督查室';

const events: CycleEvent[] = [
  {
    type: 'CycleLaunched',
    version: 1,
    at: '2017-01-03T02:00:00.000Z',
    by,
    cycleId: 'c',
    config,
    items: 3,
    tableHash: 'h',
  },
  {
    type: 'CycleAssignmentsStarted',
    version: 1,
    at: '2017-01-03T02:00:05.000Z',
    started: 2,
    existing: 1,
    schedule: [Q1],
  },
  { type: 'CyclePaused', version: 1, at: '2017-02-01T02:00:00.000Z', by, reason: '机构调整' },
  {
    type: 'CycleCalendarUpdated',
    version: 1,
    at: '2017-02-02T02:00:00.000Z',
    by,
    calendar: { ...calendar, unknownYears: [] },
    reason: '导入',
    schedule: [moved],
  },
  { type: 'CycleResumed', version: 1, at: '2017-02-03T02:00:00.000Z', by, reason: '调整完毕' },
  {
    type: 'BulletinIssued',
    version: 1,
    at: moved.at,
    period: '2017-Q1',
    bulletin: computeBulletin({
      cycleId: 'c',
      cycleTitle: '测试周期',
      period: { key: '2017-Q1', label: '2017年第一季度' },
      issuedAt: moved.at,
      assignments: [],
      scoring: DEFAULT_SCORING,
    }),
  },
];
const stored = events.map((event, i) => ({ seq: i + 1, event }));

test('the launch, the pause and resume, the calendar given and the bulletins issued, as the events left them', () => {
  expect(carryOf(stored)).toEqual({
    status: 'running',
    launched: 3,
    started: 2,
    existing: 1,
    seq: 6,
    schedule: [moved],
    bulletins: [{ period: '2017-Q1', label: '2017年第一季度', issuedAt: moved.at }],
    resumedAt: '2017-02-03T02:00:00.000Z',
    calendar: { ...calendar, unknownYears: [] },
    recountedAt: '2017-02-02T02:00:00.000Z',
  });
});

test('a launch whose assignments were not all started yet is taken up again from its first batch', () => {
  expect(carryOf(stored.slice(0, 1))).toMatchObject({ status: 'launching', launched: 0, seq: 1 });
});

test('a paused or withdrawn cycle stays so', () => {
  expect(carryOf(stored.slice(0, 3))).toMatchObject({
    status: 'paused',
    paused: { at: '2017-02-01T02:00:00.000Z', by, reason: '机构调整' },
  });
  const withdrawn = [
    ...stored.slice(0, 2),
    {
      seq: 3,
      event: {
        type: 'CycleCancelled',
        version: 1,
        at: '2017-03-01T02:00:00.000Z',
        by,
        reason: '另行发布',
      } as CycleEvent,
    },
  ];
  expect(carryOf(withdrawn)).toMatchObject({ status: 'cancelled', cancelled: { by, reason: '另行发布' } });
});
