/**
 * How `duban task` shows an assignment (督办事项) to the people who work it: the whole item as a coordinator reads it
 * before deciding (`task show`), and one or two lines saying what a turn of the conversation changed. Pure: it reads
 * the AssignmentView the service answers with, so the texts are tested without servers.
 */
import { formatShanghai } from '../domain/calendar';
import { LEVEL_NAMES } from '../domain/cycle/bulletin';
import type { EvidenceRef } from '../domain/evidence/ref';
import type { PeriodState } from '../workflows/assignment/decider';
import type { EscalationLevel, ItemTarget } from '../workflows/assignment/events';
import type { AssignmentView } from '../workflows/assignment/messages';

const LIGHT_WORD: Record<AssignmentView['light'], string> = { red: '红灯', yellow: '黄灯', green: '绿灯', none: '无' };
const STATUS_WORD: Record<AssignmentView['status'], string> = {
  unassigned: '未交办',
  assigned: '待签收',
  acknowledged: '已签收，办理中',
  completed: '已办结',
  cancelled: '已撤销',
  reassigned: '已改派',
};
const ALARM_WORD: Record<string, string> = {
  SendDeadlineReminder: '到期提醒',
  ClosePeriod: '逾期登记',
  EscalateOverdue: '逾期升级（催办、督办、通报）',
};

/** An ISO instant as Beijing time, to the minute. */
const beijing = (at: string) => formatShanghai(new Date(at));

/** Which due date a change is about: one period's, or (no period) the item's 完成时限. */
export function dateWhat(period: string | undefined): string {
  return period === undefined ? '完成时限' : `${period} 的报送截止日期`;
}

function evidenceNames(evidence: readonly EvidenceRef[] | undefined): string {
  return evidence && evidence.length > 0 ? `；佐证材料：${evidence.map((e) => e.name).join('、')}` : '';
}

/** A period's line, and under it the 协办意见 in and the cooperating units not heard from (version 3 asks them). */
function periodLines(p: PeriodState, cooperating: readonly string[]): string[] {
  const heard = (p.contributions ?? []).map(
    (c) => `    协办意见：${c.unit}（${beijing(c.at)}）：${c.summary}${evidenceNames(c.evidence)}`,
  );
  const missing = cooperating.filter((u) => !(p.contributions ?? []).some((c) => c.unit === u));
  return [periodLine(p), ...heard, ...(missing.length > 0 ? [`    未提交协办意见：${missing.join('、')}`] : [])];
}

function periodLine(p: PeriodState): string {
  const due = `截止 ${p.due}${p.originalDue ? `（原定 ${p.originalDue}）` : ''}`;
  let state: string;
  if (p.report) {
    const review = p.report.accepted
      ? `已审核通过（${p.report.accepted.by}${p.report.accepted.comment ? `：${p.report.accepted.comment}` : ''}）`
      : '待审核';
    state =
      `已报送 ${beijing(p.report.at)}，完成 ${p.report.percentComplete}%` +
      `${p.report.late ? '，逾期报送' : ''}，${review}：${p.report.summary}${evidenceNames(p.report.evidence)}`;
  } else if (p.returned) {
    state = `已退回重报（${p.returned.by}，${beijing(p.returned.at)}：${p.returned.comment}），待重报`;
  } else {
    state = p.overdue ? '逾期未报' : '未报送';
  }
  const escalations = p.escalations.length > 0 ? `；已${p.escalations.map(levelWord).join('、')}` : '';
  const values = (p.values ?? [])
    .map(
      (v) =>
        `；${v.indicator} ${v.value}${v.unit}` +
        `（目标 ${COMPARATOR_WORD[v.target.comparator]}${v.target.value}${v.unit}，${v.met ? '达标' : '未达标'}）`,
    )
    .join('');
  return `  ${p.period}（${p.label}）  ${due}  ${state}${values}${escalations}`;
}

const levelWord = (level: EscalationLevel) => LEVEL_NAMES[level];

const COMPARATOR_WORD: Record<ItemTarget['comparator'], string> = {
  '>=': '≥',
  '<=': '≤',
  '>': '>',
  '<': '<',
  '=': '达到',
  '~': '约',
  decrease: '降低',
  increase: '提高',
};

/** `task show`: the item, its periods, what waits for an answer, the dates moved, what the clock does next. */
export function describeAssignment(view: AssignmentView): string {
  const spec = view.spec;
  const lines = [`督办事项 ${view.assignmentId}`];
  if (spec) {
    lines.push(`任务 ${spec.ref}：${spec.title}`);
    const cooperating = spec.cooperating.length > 0 ? `；配合单位：${spec.cooperating.join('、')}` : '';
    lines.push(`牵头单位：${spec.unit}${cooperating}；督办单位：${spec.coordinator}`);
    const firstItemChange = view.dateChanges?.find((c) => c.period === undefined);
    const notes = [
      ...(firstItemChange ? [`原定 ${firstItemChange.from}`] : []),
      ...(spec.deadlineText ? [`原文：${spec.deadlineText}`] : []),
    ];
    lines.push(`完成时限：${spec.due}${notes.length > 0 ? `（${notes.join('；')}）` : ''}`);
  }
  const paused = view.paused ? `；已暂停（${view.paused.by}，${beijing(view.paused.at)}：${view.paused.reason}）` : '';
  const ended =
    view.status === 'completed' && view.completedAt
      ? `（${beijing(view.completedAt)}）`
      : view.cancelled
        ? `（${view.cancelled.by}，${beijing(view.cancelled.at)}：${view.cancelled.reason}）`
        : view.reassigned
          ? `（${view.reassigned.by}于 ${beijing(view.reassigned.at)} 改由${view.reassigned.to}牵头：` +
            `${view.reassigned.reason}；新的督办事项 ${view.reassigned.successor}）`
          : '';
  lines.push(`状态：${STATUS_WORD[view.status]}${ended}；灯色：${LIGHT_WORD[view.light]}${paused}`);
  if (view.handover) {
    const h = view.handover;
    lines.push(`转办：原由${h.from}牵头（${h.predecessor}），${h.by}于 ${beijing(h.at)} 改由本单位牵头：${h.reason}`);
  }
  const asked = spec && spec.version === 3 ? spec.cooperating : [];
  if (view.periods.length > 0) lines.push('报送周期：', ...view.periods.flatMap((p) => periodLines(p, asked)));

  const pending: string[] = [];
  const ext = view.extensionRequest;
  if (ext) {
    pending.push(
      `  延期申请：${ext.unit}于 ${beijing(ext.at)} 申请将${dateWhat(ext.period)}由 ${ext.from} 延至 ${ext.to}；` +
        `理由：${ext.reason}`,
    );
  }
  const sentBack = view.sentBack;
  if (sentBack) pending.push(`  退回：${sentBack.unit}于 ${beijing(sentBack.at)} 退回，理由：${sentBack.reason}`);
  const closure = view.closureRequest;
  if (closure) {
    pending.push(
      `  办结申请：${closure.unit}于 ${beijing(closure.at)} 申请办结：${closure.summary}${evidenceNames(closure.evidence)}`,
    );
  }
  lines.push(pending.length > 0 ? '待答复的申请：' : '待答复的申请：无', ...pending);

  const changes = view.dateChanges ?? [];
  if (changes.length > 0) {
    lines.push(
      '时限调整：',
      ...changes.map(
        (c) =>
          `  ${beijing(c.at)} ${c.by}${c.granted ? '准予延期' : '调整时限'}：${dateWhat(c.period)}由 ${c.from} 改为 ${c.to}`,
      ),
    );
  }
  if (view.nextAlarm) {
    const word = ALARM_WORD[view.nextAlarm.command] ?? view.nextAlarm.command;
    lines.push(`下一步：${beijing(view.nextAlarm.at)} ${view.nextAlarm.period} ${word}`);
  }
  for (const warning of view.warnings) lines.push(`注意：${warning}`);
  return lines.join('\n') + '\n';
}

/** The period whose report came in last: the one a report without --period went to. */
export function lastReported(view: AssignmentView): PeriodState | undefined {
  return view.periods
    .filter((p) => p.report)
    .reduce<PeriodState | undefined>((last, p) => (!last || p.report!.at > last.report!.at ? p : last), undefined);
}

/** The latest date change: what an extension granted or a move did. */
export function lastDateChange(view: AssignmentView): NonNullable<AssignmentView['dateChanges']>[number] | undefined {
  return view.dateChanges?.at(-1);
}
