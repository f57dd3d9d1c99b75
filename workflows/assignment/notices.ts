/**
 * What people are told when an event happens: the notices delivered to inboxes (and later to SMS, mail, OA).
 * Pure, so the wording is tested without servers and the workflow only decides *that* a notice goes out.
 */
import { chineseMonthDay, quarterLabel } from '../../domain/calendar';
import type { Spec } from './decider';
import type { EscalationLevel, RecordedEvent } from './events';

export type NoticeKind =
  | 'assignment'
  | 'cooperation'
  | 'reminder'
  | 'urge'
  | 'notify-head'
  | 'report-coordinator'
  | 'completion'
  | 'paused'
  | 'resumed'
  | 'cancelled'
  | 'cycle-notice'
  | 'bulletin'
  | 'review'
  | 'rework'
  | 'extension-request'
  | 'extension-answer'
  | 'deadline-moved'
  | 'closure-request'
  | 'closure-returned'
  | 'send-back'
  | 'send-back-refused'
  | 'reassigned'
  | 'handed-over'
  | 'acknowledge-urge'
  | 'cooperation-reminder'
  | 'contribution'
  | 'contribution-missing'
  | 'policy-changed'
  | 'cooperation-changed'
  /** A notice that did not get through on a channel (workflows/delivery): told to the coordinator. */
  | 'delivery-failed';

/** What each kind of notice is called in the offices: for summaries and counts. */
export const NOTICE_KIND_NAMES: Record<NoticeKind, string> = {
  assignment: '交办',
  cooperation: '协办',
  reminder: '提醒',
  urge: '催办',
  'notify-head': '督办',
  'report-coordinator': '通报',
  completion: '办结',
  paused: '暂停',
  resumed: '恢复',
  cancelled: '撤销',
  'cycle-notice': '通知',
  bulletin: '督查通报',
  review: '审核通过',
  rework: '退回重报',
  'extension-request': '延期申请',
  'extension-answer': '延期答复',
  'deadline-moved': '调整时限',
  'closure-request': '办结申请',
  'closure-returned': '退办',
  'send-back': '退回',
  'send-back-refused': '坚持交办',
  reassigned: '改派',
  'handed-over': '转办',
  'acknowledge-urge': '催签收',
  'cooperation-reminder': '协办提醒',
  contribution: '协办意见',
  'contribution-missing': '协办缺报',
  'policy-changed': '调整督办规则',
  'cooperation-changed': '调整配合单位',
  'delivery-failed': '投递失败',
};

export interface Notice {
  /** Unique per event and recipient, so a retried delivery never writes a second copy. */
  key: string;
  assignmentId: string;
  seq: number;
  /** When the event behind the notice happened (ISO); the inbox shows this, not the moment of delivery. */
  at: string;
  recipient: string;
  kind: NoticeKind;
  subject: string;
  body: string;
}

const LEVEL_WORD: Record<EscalationLevel, string> = {
  urge: '催办',
  'notify-head': '督办',
  'report-coordinator': '通报',
};

/** What a date change is about: a period's report deadline, or the item's 完成时限. */
function dateWhat(period: string | undefined): string {
  return period === undefined ? '的完成时限' : ` ${period} 进展的报送时限`;
}

/** The head of a unit, who receives 督办 notices: "市质监局主要负责人". */
export function unitHead(unit: string): string {
  return `${unit}主要负责人`;
}

/** The notices an event of an assignment sends, and to whom; none for events nobody needs to be told of. */
export function noticesFor(recorded: RecordedEvent, spec: Spec): Notice[] {
  const { event, assignmentId, seq } = recorded;
  const task = `「${spec.ref} ${spec.title}」`;
  const label = (key: string, due: string) =>
    spec.periods.find((p) => p.key === key)?.label ?? (due ? quarterLabel(due) : key);
  const notice = (recipient: string, kind: NoticeKind, subject: string, body: string): Notice => ({
    key: `${assignmentId}#${seq}#${recipient}`,
    assignmentId,
    seq,
    at: event.at,
    recipient,
    kind,
    subject,
    body,
  });

  switch (event.type) {
    case 'TaskAssigned': {
      const deadline = spec.deadlineText || spec.due;
      if (spec.version === 1) {
        return [
          notice(
            spec.unit,
            'assignment',
            `【交办】${task}`,
            `${spec.unit}：任务${task}由你单位牵头落实，完成时限：${deadline}。请及时签收，并于每季度末前报送进展。`,
          ),
        ];
      }
      const first = spec.periods[0]!;
      return [
        notice(
          spec.unit,
          'assignment',
          `【交办】${task}`,
          `${spec.unit}：任务${task}由你单位牵头落实，完成时限：${deadline}。请及时签收，并于各报送周期截止前` +
            `报送进展（首次：${first.label}，${chineseMonthDay(first.due)}前）。` +
            (spec.cooperating.length > 0 ? `配合单位：${spec.cooperating.join('、')}。` : ''),
        ),
        ...spec.cooperating.map((unit) =>
          notice(
            unit,
            'cooperation',
            `【协办】${task}`,
            `${unit}：任务${task}由${spec.unit}牵头落实，你单位为配合单位，完成时限：${deadline}。` +
              `请主动对接${spec.unit}，支持其按期完成。`,
          ),
        ),
      ];
    }
    case 'DeadlineReminderSent':
      return [
        notice(
          spec.unit,
          'reminder',
          `【提醒】${label(event.period, event.due)}进展报送`,
          `${spec.unit}：任务${task}${label(event.period, event.due)}进展情况应于${chineseMonthDay(event.due)}前报送，` +
            (event.daysLeft > 0 ? `还有${event.daysLeft}天。` : '今天截止。'),
        ),
      ];
    case 'OverdueEscalated': {
      const word = LEVEL_WORD[event.level];
      const late = `任务${task}${label(event.period, event.due)}进展情况应于${chineseMonthDay(event.due)}前报送，已逾期${event.daysOverdue}天`;
      switch (event.level) {
        case 'urge':
          return [notice(spec.unit, 'urge', `【${word}】${task}`, `${spec.unit}：${late}，请立即报送。`)];
        case 'notify-head':
          return [
            notice(
              unitHead(spec.unit),
              'notify-head',
              `【${word}】${task}`,
              `${unitHead(spec.unit)}：${late}，请督促落实。`,
            ),
          ];
        case 'report-coordinator':
          return [
            notice(
              spec.coordinator,
              'report-coordinator',
              `【${word}】${spec.unit}逾期未报`,
              `${spec.coordinator}：${spec.unit}${late}，经提醒仍未报送。`,
            ),
          ];
      }
      break;
    }
    case 'TaskCompleted':
      return [notice(spec.unit, 'completion', `【办结】${task}`, `${spec.unit}：任务${task}已由${event.by}办结销号。`)];
    case 'AssignmentPaused':
      return [
        notice(
          spec.unit,
          'paused',
          `【暂停督办】${task}`,
          `${spec.unit}：任务${task}的督办已由${event.by}暂停（${event.reason}），暂停期间不再提醒和催办；恢复时另行通知。`,
        ),
      ];
    case 'AssignmentResumed':
      return [
        notice(
          spec.unit,
          'resumed',
          `【恢复督办】${task}`,
          `${spec.unit}：任务${task}的督办已由${event.by}恢复，请按报送周期报送进展；暂停期间到期的事项随后一并提醒。`,
        ),
      ];
    case 'AssignmentCancelled':
      return [
        notice(
          spec.unit,
          'cancelled',
          `【撤销】${task}`,
          `${spec.unit}：任务${task}已由${event.by}撤销督办（${event.reason}），不再报送。`,
        ),
      ];
    case 'ReportAccepted':
      return [
        notice(
          spec.unit,
          'review',
          `【审核通过】${label(event.period, '')}进展`,
          `${spec.unit}：任务${task}${label(event.period, '')}进展情况已由${event.by}审核通过。` +
            (event.comment ? `审核意见：${event.comment}` : ''),
        ),
      ];
    case 'ReportReturned':
      return [
        notice(
          spec.unit,
          'rework',
          `【退回重报】${label(event.period, event.reworkDue)}进展`,
          `${spec.unit}：任务${task}${label(event.period, event.reworkDue)}进展情况已由${event.by}退回重报。` +
            `意见：${event.comment}。请于${chineseMonthDay(event.reworkDue)}前修改后重新报送。`,
        ),
      ];
    case 'ExtensionRequested':
      return [
        notice(
          spec.coordinator,
          'extension-request',
          `【延期申请】${spec.unit}：${task}`,
          `${spec.coordinator}：${spec.unit}申请将任务${task}${dateWhat(event.period)}由${chineseMonthDay(event.from)}` +
            `延至${chineseMonthDay(event.to)}。理由：${event.reason}。请审核答复。`,
        ),
      ];
    case 'ExtensionGranted':
    case 'ExtensionRefused': {
      const granted = event.type === 'ExtensionGranted';
      return [
        notice(
          spec.unit,
          'extension-answer',
          `【延期${granted ? '同意' : '不同意'}】${task}`,
          `${spec.unit}：你单位关于任务${task}${dateWhat(event.period)}延至${chineseMonthDay(event.to)}的申请，` +
            (granted
              ? `${event.by}已同意，请于${chineseMonthDay(event.to)}前报送。`
              : `${event.by}不同意，仍须于${chineseMonthDay(event.from)}前报送。`) +
            (event.comment ? `意见：${event.comment}` : ''),
        ),
      ];
    }
    case 'DeadlineMoved':
      return [
        notice(
          spec.unit,
          'deadline-moved',
          `【调整时限】${task}`,
          `${spec.unit}：任务${task}${dateWhat(event.period)}已由${event.by}由${chineseMonthDay(event.from)}` +
            `调整为${chineseMonthDay(event.to)}（${event.reason}），请按新的时限报送。`,
        ),
      ];
    case 'ClosureRequested':
      return [
        notice(
          spec.coordinator,
          'closure-request',
          `【办结申请】${spec.unit}：${task}`,
          `${spec.coordinator}：${spec.unit}申请办结任务${task}。办结情况：${event.summary}` +
            (event.evidence.length > 0 ? `（佐证材料 ${event.evidence.length} 份）` : '') +
            '。请审核：同意办结（销号）或退办。',
        ),
      ];
    case 'ClosureReturned':
      return [
        notice(
          spec.unit,
          'closure-returned',
          `【退办】${task}`,
          `${spec.unit}：你单位关于任务${task}的办结申请未获同意（${event.comment}），请继续落实并按期报送进展。`,
        ),
      ];
    case 'AssignmentAcknowledged':
    case 'ProgressReportSubmitted':
    case 'ReportingPeriodOverdue':
    case 'TargetValuesReported':
    case 'WorkingCalendarUpdated': // when the next notices go changes; the unit hears at the reminder's time
      return [];
    case 'AssignmentSentBack':
      return [
        notice(
          spec.coordinator,
          'send-back',
          `【退回】${spec.unit}：${task}`,
          `${spec.coordinator}：${spec.unit}认为任务${task}不属于本单位职责，予以退回。理由：${event.reason}。` +
            '请改派其他单位，或坚持交办并说明理由。',
        ),
      ];
    case 'SendBackRefused':
      return [
        notice(
          spec.unit,
          'send-back-refused',
          `【坚持交办】${task}`,
          `${spec.unit}：你单位退回的任务${task}，${event.by}坚持由你单位牵头落实（${event.comment}），请按期报送进展。`,
        ),
      ];
    case 'AssignmentReassigned':
      return [
        notice(
          event.from,
          'reassigned',
          `【改派】${task}`,
          `${event.from}：任务${task}已由${event.by}改由${event.to}牵头落实（${event.reason}），你单位不再报送。`,
        ),
      ];
    case 'AcknowledgementUrged':
      return [
        notice(
          spec.unit,
          'acknowledge-urge',
          `【催签收】${task}`,
          `${spec.unit}：任务${task}的签收期限为${chineseMonthDay(event.expectedBy)}，至今未签收，请立即签收并落实。`,
        ),
      ];
    case 'CooperationReminderSent':
      return event.units.map((unit) =>
        notice(
          unit,
          'cooperation-reminder',
          `【协办提醒】${label(event.period, event.due)}协办意见`,
          `${unit}：任务${task}由${spec.unit}牵头，${label(event.period, event.due)}进展应于` +
            `${chineseMonthDay(event.due)}前报送。请你单位及时向${spec.unit}提交协办意见。`,
        ),
      );
    case 'ContributionSubmitted':
      return [
        notice(
          spec.unit,
          'contribution',
          `【协办意见】${event.unit}：${label(event.period, '')}`,
          `${spec.unit}：${event.unit}已提交任务${task}${label(event.period, '')}的协办意见：${event.summary}` +
            (event.evidence.length > 0 ? `（佐证材料 ${event.evidence.length} 份）` : ''),
        ),
      ];
    case 'ContributionsMissing':
      return [
        notice(
          spec.coordinator,
          'contribution-missing',
          `【协办缺报】${task}`,
          `${spec.coordinator}：${spec.unit}已报送任务${task}${label(event.period, '')}进展，` +
            `配合单位${event.units.join('、')}未提交协办意见。`,
        ),
      ];
    case 'SupervisionPolicyChanged':
      return [
        notice(
          spec.unit,
          'policy-changed',
          `【调整督办规则】${task}`,
          `${spec.unit}：任务${task}的督办规则已由${event.by}调整（${event.reason}）：截止前` +
            `${event.policy.reminderDaysBefore}个${event.policy.days === 'working' ? '工作日' : '日'}提醒；逾期后` +
            event.policy.ladder
              .map(
                (s) => `${s.afterDays}${event.policy.days === 'working' ? '个工作日' : '日'}后${LEVEL_WORD[s.level]}`,
              )
              .join('，') +
            '。',
        ),
      ];
    case 'CooperatingUnitsChanged':
      return [
        ...event.added.map((unit) =>
          notice(
            unit,
            'cooperation',
            `【协办】${task}`,
            `${unit}：任务${task}由${spec.unit}牵头落实，经${event.by}调整（${event.reason}），你单位为配合单位。` +
              `请主动对接${spec.unit}，支持其按期完成。`,
          ),
        ),
        ...event.removed.map((unit) =>
          notice(
            unit,
            'cooperation-changed',
            `【调整配合单位】${task}`,
            `${unit}：经${event.by}调整（${event.reason}），你单位不再作为任务${task}的配合单位。`,
          ),
        ),
        notice(
          spec.unit,
          'cooperation-changed',
          `【调整配合单位】${task}`,
          `${spec.unit}：任务${task}的配合单位已由${event.by}调整（${event.reason}）` +
            (event.added.length > 0 ? `，增加${event.added.join('、')}` : '') +
            (event.removed.length > 0 ? `，减少${event.removed.join('、')}` : '') +
            '。',
        ),
      ];
    case 'AssignmentHandedOver':
      return [
        notice(
          spec.unit,
          'handed-over',
          `【转办】${task}`,
          `${spec.unit}：任务${task}原由${event.from}牵头，经${event.by}改由你单位牵头落实（${event.reason}）。` +
            '此前的办理情况可在任务记录中查阅。',
        ),
      ];
  }
  return [];
}
