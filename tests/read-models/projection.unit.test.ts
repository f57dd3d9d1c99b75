/**
 * The read models' fold, without servers: what each event leaves in a stream's view, a repeat changing nothing, an
 * early message held until its predecessor, and each notice gathered once.
 */
import { Folding, type StreamMessage } from '../../read-models/projection';
import type { AssignmentEvent } from '../../workflows/assignment/events';
import { assigned, iso } from '../workflows/decider-v2-fixtures';

const ID = 'plan:1:市质监局';

function message(seq: number, event: AssignmentEvent, recipients: string[] = []): StreamMessage {
  return {
    assignmentId: ID,
    seq,
    event,
    notices: recipients.map((recipient) => ({
      key: `${ID}#${seq}#${recipient}`,
      assignmentId: ID,
      seq,
      at: event.at,
      recipient,
      kind: 'reminder',
      subject: '【提醒】',
      body: '…',
    })),
  };
}

const report = (seq: number, summary: string, late = false) =>
  message(seq, {
    type: 'ProgressReportSubmitted',
    version: 1,
    at: iso('2017-01-20'),
    period: '2017-01',
    due: '2017-01-26',
    unit: '市质监局',
    summary,
    percentComplete: 10,
    late,
  });
const overdue = (seq: number) =>
  message(seq, {
    type: 'ReportingPeriodOverdue',
    version: 1,
    at: iso('2017-01-27', '00:00'),
    period: '2017-01',
    due: '2017-01-26',
  });

describe('a stream folded in order', () => {
  test('TaskAssigned makes the row and the cooperating units; later events move it', () => {
    const folding = new Folding();
    folding.offer(message(1, assigned, ['市质监局', '市工商局']));
    folding.offer(overdue(2));
    const view = folding.view(ID);
    expect(view.assignment).toMatchObject({ status: 'assigned', overduePeriods: ['2017-01'], lastSeq: 2 });
    expect([...view.cooperations].sort()).toEqual(['市工商局', '市经信委'].sort());
    folding.offer(report(3, '第一次'));
    folding.offer(report(4, '第二次', true));
    expect(view.assignment).toMatchObject({ overduePeriods: [], lastSeq: 4 });
    // A report submitted again keeps its first due, unit and lateness, and takes the new summary.
    expect(view.reports.get('2017-01')).toMatchObject({ summary: '第二次', late: false });
    expect(folding.takeDelivered().map((n) => n.key)).toEqual([`${ID}#1#市质监局`, `${ID}#1#市工商局`]);
  });
});

describe('when a message comes twice', () => {
  test('the repeat changes nothing, and its notices are not gathered twice', () => {
    const folding = new Folding();
    folding.offer(message(1, assigned, ['市质监局']));
    folding.offer(overdue(2));
    folding.offer(overdue(2));
    expect(folding.view(ID).assignment?.overduePeriods).toEqual(['2017-01']);
    expect(folding.repeats).toBe(1);
    folding.offer(message(1, assigned, ['市质监局']));
    expect(folding.takeDelivered()).toHaveLength(1);
    expect(folding.takeDelivered()).toEqual([]);
  });
});

describe('when a message comes before its predecessor', () => {
  test('it is held, then applied right after the predecessor', () => {
    const folding = new Folding();
    folding.offer(message(1, assigned));
    folding.offer(report(3, '先到'));
    expect(folding.view(ID).seq).toBe(1);
    expect(folding.held).toBe(1);
    expect(folding.parkedChanges().parked.map((m) => m.seq)).toEqual([3]);
    folding.offer(overdue(2));
    expect(folding.view(ID).seq).toBe(3);
    expect(folding.view(ID).assignment?.overduePeriods).toEqual([]);
    expect(folding.parkedChanges()).toEqual({ parked: [], released: [] });
  });

  test('a message held in an earlier batch is released once applied', () => {
    const folding = new Folding(undefined, [report(3, '先到')]);
    folding.offer(message(1, assigned));
    folding.offer(overdue(2));
    expect(folding.parkedChanges()).toEqual({ parked: [], released: [{ stream: ID, seq: 3 }] });
  });
});
