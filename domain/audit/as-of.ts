/**
 * `duban audit as-of`: an assignment's state at a past moment, folded from its stored events with the workflow's own
 * `fold` (the decider's `evolve`), and its light computed at that moment by the decider's `lightOf` — so it is what
 * the workflow held then, not a second reading of the rules. Beside it: what was overdue, and every notice the unit
 * had been sent by then.
 */
import { shanghaiDate } from '../calendar';
import {
  fold,
  lightOf,
  nextAlarm,
  type AssignmentState,
  type Light,
  type PeriodState,
} from '../../workflows/assignment/decider';
import type { AssignmentEvent } from '../../workflows/assignment/events';
import { NOTICE_KIND_NAMES, type NoticeKind } from '../../workflows/assignment/notices';
import { AuditError } from './errors';
import type { SentNotice, StoredEvent } from './records';
import { shanghaiTime } from './timeline';

export interface AsOfView extends AssignmentState {
  assignmentId: string;
  /** The moment asked for (ISO) and the same in Beijing time. */
  asOf: string;
  asOfTime: string;
  /** The last event folded in: everything the workflow had stored by then. */
  lastSeq: number;
  light: Light;
  /** Periods that had gone overdue by then (closed by the clock, or past their due date without a report). */
  overdue: Array<Pick<PeriodState, 'period' | 'label' | 'due' | 'escalations'> & { reported: boolean }>;
  /** The notices the lead unit had been sent by then, oldest first. */
  told: SentNotice[];
  nextAlarm?: { at: string; command: string; period: string };
}

/**
 * The state at `at`: the events that happened at or before it, folded. Refuses a moment before the assignment was
 * made (there was no state) and one after `now` (the future is not on record).
 */
export function assignmentAsOf(
  assignmentId: string,
  stored: readonly StoredEvent[],
  notices: readonly SentNotice[],
  at: Date,
  now: Date,
): AsOfView {
  const first = stored[0];
  if (!first) throw new AuditError('UNKNOWN_ASSIGNMENT', `没有督办事项 ${assignmentId} 的事件记录：请核对编号`);
  if (first.event.type !== 'TaskAssigned') {
    throw new AuditError(
      'UNKNOWN_ASSIGNMENT',
      `${assignmentId} 不是督办事项（它的第一条事件是 ${first.event.type}）：as-of 查询一项督办事项，如 周期:任务编号:牵头单位`,
    );
  }
  if (at.getTime() > now.getTime()) {
    throw new AuditError(
      'AS_OF_IN_FUTURE',
      `${shanghaiTime(at.toISOString())} 尚未到来（现在是 ${shanghaiTime(now.toISOString())}）：只能查询已经发生的状态`,
    );
  }
  if (at.getTime() < new Date(first.event.at).getTime()) {
    throw new AuditError(
      'AS_OF_BEFORE_ASSIGNMENT',
      `督办事项 ${assignmentId} 交办于 ${shanghaiTime(first.event.at)}，${shanghaiTime(at.toISOString())} 时尚不存在：` +
        '请给出交办之后的时间',
    );
  }
  const happened = stored.filter((s) => new Date(s.event.at).getTime() <= at.getTime());
  const state = fold(happened.map((s) => s.event as AssignmentEvent));
  const lastSeq = happened[happened.length - 1]?.seq ?? 0;
  const today = shanghaiDate(at);
  const unit = state.spec?.unit;
  const alarm = nextAlarm(state, at);
  return {
    assignmentId,
    asOf: at.toISOString(),
    asOfTime: shanghaiTime(at.toISOString()),
    lastSeq,
    ...state,
    light: lightOf(state, at),
    overdue: state.periods
      .filter((p) => p.overdue || (!p.report && today > p.due))
      .map((p) => ({ period: p.period, label: p.label, due: p.due, escalations: p.escalations, reported: !!p.report })),
    told: notices.filter((n) => n.recipient === unit && n.seq <= lastSeq),
    ...(alarm && {
      nextAlarm: { at: alarm.at.toISOString(), command: alarm.command.type, period: alarm.command.period },
    }),
  };
}

const STATUS_WORD: Record<AssignmentState['status'], string> = {
  unassigned: '未交办',
  assigned: '待签收',
  acknowledged: '已签收，办理中',
  completed: '已办结（销号）',
  cancelled: '已撤销',
  reassigned: '已改派',
};
const LIGHT_WORD: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯', none: '无（未在办理中）' };
const LEVEL_WORD: Record<string, string> = { urge: '催办', 'notify-head': '督办', 'report-coordinator': '通报' };

/** The view for people: status, light, each period, what was overdue, what the unit had been told. */
export function formatAsOf(view: AsOfView): string {
  const spec = view.spec;
  const lines = [
    `督办事项 ${view.assignmentId} 截至 ${view.asOfTime}（北京时间）的状态，据第 1–${view.lastSeq} 条事件：`,
    ...(spec
      ? [`  任务：${spec.ref}「${spec.title}」；牵头单位：${spec.unit}；完成时限：${spec.deadlineText || spec.due}`]
      : []),
    `  状态：${STATUS_WORD[view.status]}${view.paused ? `（暂停中：${view.paused.by}，${view.paused.reason}）` : ''}`,
    `  灯色：${LIGHT_WORD[view.light]}`,
    '  报送周期：',
    ...view.periods.map((p) => {
      const report = p.report
        ? `已报送（${shanghaiTime(p.report.at)}，完成 ${p.report.percentComplete}%${p.report.late ? '，逾期' : ''}` +
          `${p.report.accepted ? '，已审核通过' : ''}）`
        : p.overdue
          ? '逾期未报'
          : '未报送';
      const ladder = p.escalations.length > 0 ? `；已${p.escalations.map((l) => LEVEL_WORD[l] ?? l).join('、')}` : '';
      return `    ${p.period}（${p.label}）截止 ${p.due}：${report}${ladder}`;
    }),
    `  逾期：${view.overdue.length === 0 ? '无' : view.overdue.map((o) => `${o.period}（截止 ${o.due}${o.reported ? '，后已补报' : ''}）`).join('、')}`,
    `  ${spec?.unit ?? '责任单位'}此前收到的通知（${view.told.length} 条）：`,
    ...view.told.map(
      (n) => `    ${shanghaiTime(n.at)}  ${NOTICE_KIND_NAMES[n.kind as NoticeKind] ?? n.kind}：${n.subject}`,
    ),
    ...(view.nextAlarm
      ? [
          `  下一步（按当时的状态）：${shanghaiTime(view.nextAlarm.at)} ${view.nextAlarm.command} ${view.nextAlarm.period}`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
