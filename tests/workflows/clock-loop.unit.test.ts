/**
 * The workflow's guard against a clock that would spin: an alarm whose command changed nothing must not be due again
 * at once. Each case is what the loop sees after firing an alarm: what fired, and what nextAlarm offers next.
 */
import type { Alarm } from '../../workflows/assignment/decider';
import { refuseClockLoop } from '../../workflows/assignment/workflow';

const at = new Date('2027-03-31T01:00:00Z');
const reminder: Alarm = { at, command: { type: 'SendDeadlineReminder', period: '2027-Q1', kind: 'due-day' } };

test('the same alarm due again at once is refused, naming the command and the bug', () => {
  expect(() => refuseClockLoop(reminder, { ...reminder })).toThrow(
    /^clock loop: the alarm \{"type":"SendDeadlineReminder","period":"2027-Q1","kind":"due-day"\} at 2027-03-31T01:00:00.000Z changed nothing/,
  );
});

test('a later alarm, another command or no alarm at all goes on', () => {
  expect(() => refuseClockLoop(reminder, { ...reminder, at: new Date(at.getTime() + 60_000) })).not.toThrow();
  expect(() => refuseClockLoop(reminder, { at, command: { type: 'ClosePeriod', period: '2027-Q1' } })).not.toThrow();
  expect(() => refuseClockLoop(reminder, undefined)).not.toThrow();
});
