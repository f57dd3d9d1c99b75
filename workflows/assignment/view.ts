/**
 * What an assignment shows whoever asks: its state as the decider folds it, with its light and next alarm at `now`
 * and the warnings its calendar carries. The workflow answers its status query with it, and the API answers with it
 * from the stored events while the workflow has not yet run its first task (a launch starts thousands with their
 * first task put off until it ends: activities/launch-pace.ts). Pure, so both answers are one.
 */
import { lightOf, nextAlarm, type Alarm, type AssignmentState, type Spec } from './decider';
import type { AssignmentView } from './messages';

/**
 * The view of `state` at `now`. The workflow gives the spec it was started with (there before its 交办) and the next
 * alarm it has worked out already (none is an answer too); left out, they are the state's and worked out here.
 */
export function assignmentView(
  assignmentId: string,
  state: AssignmentState,
  now: Date,
  known: { spec?: Pick<Spec, 'calendar' | 'cycleId'>; alarm?: Alarm | undefined } = {},
): AssignmentView {
  const spec = known.spec ?? state.spec;
  const alarm = 'alarm' in known ? known.alarm : nextAlarm(state, now);
  return {
    assignmentId,
    ...state,
    light: lightOf(state, now),
    warnings: spec ? calendarWarnings(spec) : [],
    ...(alarm && {
      nextAlarm: { at: alarm.at.toISOString(), command: alarm.command.type, period: alarm.command.period },
    }),
  };
}

/** What an assignment in a year nobody has the official calendar of must say, on the assignment itself. */
function calendarWarnings({ calendar, cycleId }: Pick<Spec, 'calendar' | 'cycleId'>): string[] {
  return calendar.unknownYears.map(
    (year) =>
      `${year}年的法定节假日安排尚未导入，该年只按周末计算工作日；请用 \`npx duban calendar import\` 导入，` +
      (cycleId === undefined
        ? '本任务随即按节假日重新计算'
        : `督办周期 ${cycleId} 的任务（包括本任务）随即按节假日重新计算`),
  );
}
