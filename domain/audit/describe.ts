/**
 * What happened, in one plain Chinese sentence per event, as an auditor reads it in a timeline: every event type of
 * an assignment and of a cycle, worded from the event alone (its own fields), so the same stored row reads the same
 * in every report and every export.
 */
import type { AssignmentEvent, EscalationLevel } from '../../workflows/assignment/events';
import type { CycleEvent } from '../../workflows/cycle/events';
import type { WorkingCalendar } from '../working-days';

const LEVEL_WORD: Record<EscalationLevel, string> = {
  urge: '催办（催促责任单位）',
  'notify-head': '督办（告知单位主要负责人）',
  'report-coordinator': '通报（报督办单位）',
};

const quoted = (text: string) => (text.trim() === '' ? '' : `“${text.trim()}”`);
const because = (reason: string) => (reason.trim() === '' ? '' : `，理由：${quoted(reason)}`);
const comment = (text: string) => (text.trim() === '' ? '' : `，意见：${quoted(text)}`);
const what = (period: string | undefined) => (period === undefined ? '完成时限' : `${period} 进展的报送时限`);
/** A calendar slice in words: its span, its days off and make-up days, and the years still counted by weekends. */
const calendarWords = (c: WorkingCalendar) =>
  `${c.from} 至 ${c.to}，放假 ${c.holidays.length} 天（不含周末）、调休上班 ${c.workdays.length} 天` +
  (c.unknownYears.length > 0 ? `，${c.unknownYears.join('、')} 年仍只按周末计算` : '');
const listed = (units: readonly string[]) => (units.length === 0 ? '无' : units.join('、'));

/** One sentence: who did what, with the dates, periods and reasons the event carries. */
export function describeEvent(event: AssignmentEvent | CycleEvent): string {
  switch (event.type) {
    case 'TaskAssigned': {
      const { spec } = event;
      const periods = 'periods' in spec ? spec.periods.map((p) => p.key) : spec.reportsDue;
      return (
        `${spec.coordinator}将任务 ${spec.ref}「${spec.title}」交办${spec.unit}牵头落实，完成时限：` +
        `${spec.deadlineText || spec.due}（${spec.due}），报送周期 ${periods.join('、')}` +
        ('cooperating' in spec && spec.cooperating.length > 0 ? `，配合单位：${listed(spec.cooperating)}` : '') +
        '。'
      );
    }
    case 'AssignmentAcknowledged':
      return event.implicit ? `${event.unit}未经签收即报送进展，视为已签收。` : `${event.unit}签收了任务。`;
    case 'DeadlineReminderSent':
      return event.kind === 'advance'
        ? `提醒责任单位：${event.period} 进展还有 ${event.daysLeft} 天截止（${event.due}）。`
        : `提醒责任单位：${event.period} 进展今日截止（${event.due}）。`;
    case 'ProgressReportSubmitted':
      return (
        `${event.unit}报送 ${event.period} 进展，完成 ${event.percentComplete}%${event.late ? '（逾期报送）' : ''}` +
        `${event.version === 2 && event.replaces ? '，替换待审核的上一份报告' : ''}：${quoted(event.summary)}` +
        (event.version === 2 && event.evidence.length > 0
          ? `；佐证材料：${event.evidence.map((e) => e.name).join('、')}`
          : '') +
        '。'
      );
    case 'ReportingPeriodOverdue':
      return `${event.period} 进展到期（${event.due}）未报送，记为逾期。`;
    case 'OverdueEscalated':
      return `${event.period} 进展逾期 ${event.daysOverdue} 天，第 ${event.step} 级升级：${LEVEL_WORD[event.level]}。`;
    case 'TaskCompleted':
      return `${event.by}办结（销号）本任务：${quoted(event.summary)}。`;
    case 'AssignmentPaused':
      return `${event.by}暂停督办（不再提醒、催办）${because(event.reason)}。`;
    case 'AssignmentResumed':
      return `${event.by}恢复督办。`;
    case 'AssignmentCancelled':
      return `${event.by}撤销本项督办${because(event.reason)}。`;
    case 'ReportAccepted':
      return `${event.by}审核通过 ${event.period} 进展报告${comment(event.comment)}。`;
    case 'ReportReturned':
      return `${event.by}退回 ${event.period} 进展报告，要求于 ${event.reworkDue} 前重报${comment(event.comment)}。`;
    case 'ExtensionRequested':
      return `${event.unit}申请将${what(event.period)}由 ${event.from} 延至 ${event.to}${because(event.reason)}。`;
    case 'ExtensionGranted':
      return `${event.by}同意延期：${what(event.period)}由 ${event.from} 延至 ${event.to}${comment(event.comment)}。`;
    case 'ExtensionRefused':
      return `${event.by}不同意将${what(event.period)}由 ${event.from} 延至 ${event.to}${comment(event.comment)}。`;
    case 'DeadlineMoved':
      return `${event.by}将${what(event.period)}由 ${event.from} 调整为 ${event.to}${because(event.reason)}。`;
    case 'ClosureRequested':
      return (
        `${event.unit}申请办结：${quoted(event.summary)}` +
        (event.evidence.length > 0 ? `；佐证材料：${event.evidence.map((e) => e.name).join('、')}` : '') +
        '。'
      );
    case 'ClosureReturned':
      return `${event.by}退办：暂不办结，继续报送${comment(event.comment)}。`;
    case 'AssignmentSentBack':
      return `${event.unit}退回本任务，认为不属本单位职责${because(event.reason)}。`;
    case 'SendBackRefused':
      return `${event.by}坚持交办，任务仍由原单位落实${comment(event.comment)}。`;
    case 'AssignmentReassigned':
      return `${event.by}将任务由${event.from}改派${event.to}（新督办事项 ${event.successor}）${because(event.reason)}。`;
    case 'AssignmentHandedOver':
      return `本事项由${event.from}的督办事项 ${event.predecessor} 转来，${event.by}改派${because(event.reason)}。`;
    case 'AcknowledgementUrged':
      return `责任单位应于 ${event.expectedBy} 前签收而未签收，催签收。`;
    case 'CooperationReminderSent':
      return `提醒配合单位 ${listed(event.units)} 在 ${event.due} 前提交 ${event.period} 的协办意见。`;
    case 'ContributionSubmitted':
      return (
        `配合单位${event.unit}提交 ${event.period} 的协办意见：${quoted(event.summary)}` +
        (event.evidence.length > 0 ? `；佐证材料：${event.evidence.map((e) => e.name).join('、')}` : '') +
        '。'
      );
    case 'ContributionsMissing':
      return `${event.period} 进展报送时缺少配合单位 ${listed(event.units)} 的协办意见，已告知督办单位。`;
    case 'TargetValuesReported':
      return (
        `${event.period} 报告的量化指标：` +
        event.values
          .map(
            (v) =>
              `${v.indicator} ${v.value}${v.unit}（目标 ${v.target.comparator} ${v.target.value}，${v.met ? '达标' : '未达标'}）`,
          )
          .join('；') +
        '。'
      );
    case 'SupervisionPolicyChanged': {
      const { policy } = event;
      return (
        `${event.by}调整督办规则：截止前 ${policy.reminderDaysBefore} 个${policy.days === 'working' ? '工作日' : '日'}提醒，` +
        `升级 ${policy.ladder.map((s) => `${s.afterDays} 天后${LEVEL_WORD[s.level].slice(0, 2)}`).join('、')}` +
        `${because(event.reason)}。`
      );
    }
    case 'WorkingCalendarUpdated':
    case 'CycleCalendarUpdated':
      return `${event.by}更新工作日日历：${calendarWords(event.calendar)}${because(event.reason)}。`;
    case 'CooperatingUnitsChanged':
      return `${event.by}调整配合单位：增加 ${listed(event.added)}，减少 ${listed(event.removed)}${because(event.reason)}。`;
    case 'CycleLaunched':
      return `${event.by}发布督办周期 ${event.cycleId}「${event.config.title}」，共 ${event.items} 项督办（任务分解表 SHA-256 ${event.tableHash.slice(0, 12)}…）。`;
    case 'CycleAssignmentsStarted':
      return `督办事项已全部发出：新发布 ${event.started} 项，已在运行 ${event.existing} 项；督查通报 ${event.schedule.length} 期。`;
    case 'CyclePaused':
      return `${event.by}暂停整个督办周期${because(event.reason)}。`;
    case 'CycleResumed':
      return `${event.by}恢复整个督办周期${because(event.reason ?? '')}。`;
    case 'CycleCancelled':
      return `${event.by}撤销整个督办周期${because(event.reason)}。`;
    case 'CycleNoticeSent':
      return `${event.by}向周期内 ${event.recipients.length} 个单位发通知「${event.subject}」。`;
    case 'BulletinIssued':
      return `发布 ${event.period} 督查通报。`;
    default:
      return assertNever(event);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown event ${JSON.stringify(value)}`);
}
