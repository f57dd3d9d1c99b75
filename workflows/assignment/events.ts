/**
 * Domain events of one assignment (one task item × one lead unit).
 *
 * Past-tense names, a literal `type` and `version` each, so a reader of the Kafka topic or the event store can
 * parse exactly the shape it was written in; a later shape gets its own schema and an upcaster beside this file.
 * `at` is the instant the event happened, ISO 8601 in UTC; dates meant for people are Asia/Shanghai calendar dates.
 */
import { z } from 'zod';
import { eventMetaSchema } from '../../domain/audit/meta';
import { isCalendarDate } from '../../domain/calendar';
import { evidenceRefSchema } from '../../domain/evidence/ref';

const calendarDate = z
  .string()
  .refine(isCalendarDate, { message: 'must be a real calendar date written YYYY-MM-DD, e.g. 2027-03-31' });
const instant = z.iso.datetime();

export const escalationLevelSchema = z.enum(['urge', 'notify-head', 'report-coordinator']);
/** 催办 urge the unit → 督办 notify the unit's head → 通报 report to the coordinator. */
export type EscalationLevel = z.infer<typeof escalationLevelSchema>;

export const escalationStepSchema = z.object({
  level: escalationLevelSchema,
  /** Days after the previous step (the first step: after the due date); at least one, so a step follows the close. */
  afterDays: z.number().int().min(1).max(366),
});
export type EscalationStep = z.infer<typeof escalationStepSchema>;

export const supervisionPolicySchema = z.object({
  /** Days before a period's due date on which the unit is reminded; 0 sends no advance reminder. */
  reminderDaysBefore: z.number().int().min(0).max(60),
  /** Shanghai wall-clock time at which reminders and escalations go out. */
  noticeTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  ladder: z.array(escalationStepSchema).min(1).max(5),
});
export type SupervisionPolicy = z.infer<typeof supervisionPolicySchema>;

export const assignmentSpecSchema = z.object({
  taskId: z.string().min(1),
  /** The item's numbering path in the plan, e.g. "五.(二).29.(1)". */
  ref: z.string().min(1),
  title: z.string().min(1),
  /** The lead unit (牵头单位) this assignment belongs to. */
  unit: z.string().min(1),
  /** Who receives 通报 reports: the coordinator's office. */
  coordinator: z.string().min(1),
  /** The deadline as the plan wrote it, e.g. "2017年12月底之前", kept beside its normalized `due`. */
  deadlineText: z.string(),
  due: calendarDate,
  /** Due dates of the progress reports, one per reporting period (quarter ends), ascending. */
  reportsDue: z.array(calendarDate).min(1),
  policy: supervisionPolicySchema,
});
export type AssignmentSpec = z.infer<typeof assignmentSpecSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Version 2 of the assignment: what a supervision cycle launches (and the API since). Its reporting periods are
// given (quarterly, monthly, half-yearly, annual, or one date), its reminders and escalation steps count working
// days on the calendar slice it carries — so its schedule never changes on replay, whatever later calendars say —
// and it knows its cycle, its cooperating units and its light thresholds.

export const reportingPeriodSchema = z.object({
  /** '2017-Q1', '2017-07', '2017-H1', '2017', or the due date itself for a one-off report. */
  key: z.string().min(1),
  /** For people: '2017年第一季度'. */
  label: z.string().min(1),
  /** The day the report is due, as the plan states it (kept as written, even on a non-working day). */
  due: calendarDate,
});
export type ReportingPeriodSpec = z.infer<typeof reportingPeriodSchema>;

export const workingCalendarSchema = z.object({
  from: calendarDate,
  to: calendarDate,
  holidays: z.array(calendarDate),
  workdays: z.array(calendarDate),
  unknownYears: z.array(z.number().int()),
});

export const supervisionPolicyV2Schema = supervisionPolicySchema.extend({
  /** What reminders and escalation delays count: working days (工作日), or calendar days as version 1 did. */
  days: z.enum(['working', 'calendar']),
});
export type SupervisionPolicyV2 = z.infer<typeof supervisionPolicyV2Schema>;

export const lightThresholdsSchema = z.object({
  /** Yellow when less than this share of the open period is left and no report is in (0.3: the last 30 %). */
  yellowWhenLeft: z.number().min(0).max(1),
});
export type LightThresholds = z.infer<typeof lightThresholdsSchema>;

/** Version 1's item, unit, coordinator and deadline; its own periods, policy, calendar, cycle and lights. */
export const assignmentSpecV2Schema = assignmentSpecSchema.omit({ reportsDue: true, policy: true }).extend({
  /** The supervision cycle that launched it; absent for an assignment made on its own. */
  cycleId: z.string().min(1).optional(),
  /** 配合单位: told what they support; their own turns come with the conversation's next version. */
  cooperating: z.array(z.string().min(1)),
  /** Ascending by due date, distinct keys. */
  periods: z.array(reportingPeriodSchema).min(1),
  policy: supervisionPolicyV2Schema,
  calendar: workingCalendarSchema,
  lights: lightThresholdsSchema,
});
export type AssignmentSpecV2 = z.infer<typeof assignmentSpecV2Schema>;

/**
 * Version 3: version 2 with the turns of the conversation that run on the clock — 签收 expected within a number of
 * working days (or urged), and the cooperating units reminded a number of working days before each due date to send
 * their 协办意见. Zero turns either off.
 */
/** A quantitative target (量化指标) of the item, as the plan's parser read it: "合格率达到90%以上" → 合格率 >= 90 %. */
export const itemTargetSchema = z.object({
  indicator: z.string().min(1),
  comparator: z.enum(['>=', '<=', '>', '<', '=', '~', 'decrease', 'increase']),
  value: z.number(),
  unit: z.string(),
  /** The phrase it was read from. */
  text: z.string(),
});
export type ItemTarget = z.infer<typeof itemTargetSchema>;

export const assignmentSpecV3Schema = assignmentSpecV2Schema.extend({
  acknowledgeWithinDays: z.number().int().min(0).max(30),
  cooperationReminderDays: z.number().int().min(0).max(30),
  /** The item's quantitative targets: each report may give the value reached for each. */
  targets: z.array(itemTargetSchema).max(100),
});
export type AssignmentSpecV3 = z.infer<typeof assignmentSpecV3Schema>;

const base = { version: z.literal(1), at: instant };
const period = { period: z.string(), due: calendarDate };

export const taskAssignedSchema = z.discriminatedUnion('version', [
  z.object({ type: z.literal('TaskAssigned'), ...base, spec: assignmentSpecSchema }),
  z.object({ type: z.literal('TaskAssigned'), version: z.literal(2), at: instant, spec: assignmentSpecV2Schema }),
  z.object({ type: z.literal('TaskAssigned'), version: z.literal(3), at: instant, spec: assignmentSpecV3Schema }),
]);
export const assignmentAcknowledgedSchema = z.object({
  type: z.literal('AssignmentAcknowledged'),
  ...base,
  unit: z.string(),
  /** True when a progress report arrived before any explicit 签收. */
  implicit: z.boolean(),
});
export const deadlineReminderSentSchema = z.object({
  type: z.literal('DeadlineReminderSent'),
  ...base,
  ...period,
  kind: z.enum(['advance', 'due-day']),
  daysLeft: z.number().int(),
});
export const progressReportSubmittedSchema = z.object({
  type: z.literal('ProgressReportSubmitted'),
  ...base,
  ...period,
  unit: z.string(),
  summary: z.string(),
  percentComplete: z.number().min(0).max(100),
  late: z.boolean(),
});
export const reportingPeriodOverdueSchema = z.object({ type: z.literal('ReportingPeriodOverdue'), ...base, ...period });
export const overdueEscalatedSchema = z.object({
  type: z.literal('OverdueEscalated'),
  ...base,
  ...period,
  step: z.number().int().min(1),
  level: escalationLevelSchema,
  daysOverdue: z.number().int(),
});
export const taskCompletedSchema = z.object({
  type: z.literal('TaskCompleted'),
  ...base,
  by: z.string(),
  summary: z.string(),
});

/** The coordinator stops the clock of one assignment (or the cycle of it does): no reminders, no escalations. */
export const assignmentPausedSchema = z.object({
  type: z.literal('AssignmentPaused'),
  ...base,
  by: z.string(),
  reason: z.string(),
});
/** The clock goes on: what came due meanwhile is sent once, a late period's ladder at its highest step reached. */
export const assignmentResumedSchema = z.object({ type: z.literal('AssignmentResumed'), ...base, by: z.string() });
/** 撤销: the item is withdrawn from supervision; nothing more is due, and it is never counted late. */
export const assignmentCancelledSchema = z.object({
  type: z.literal('AssignmentCancelled'),
  ...base,
  by: z.string(),
  reason: z.string(),
});

// ---------------------------------------------------------------------------------------------------------------
// The 督办 conversation: the turns a unit and the coordinator take on a running assignment. A request names what it
// asks for; the coordinator's answer names the request it answers only by coming after it (one is pending at a time).

/** What a date change applies to: one reporting period's due date, or (no period) the item's 完成时限. */
const dateChange = { period: z.string().optional(), from: calendarDate, to: calendarDate };

/** A progress report with files of evidence; version 1 carries none. */
export const progressReportSubmittedV2Schema = progressReportSubmittedSchema.extend({
  version: z.literal(2),
  evidence: z.array(evidenceRefSchema),
  /** True when it replaces the period's report not yet reviewed. */
  replaces: z.boolean(),
});

/** 审核通过: the report stands; it can no longer be replaced. */
export const reportAcceptedSchema = z.object({
  type: z.literal('ReportAccepted'),
  ...base,
  period: z.string(),
  by: z.string(),
  comment: z.string(),
});
/** 退回重报: the report is set aside (it stays in the history), the period is open again until `reworkDue`. */
export const reportReturnedSchema = z.object({
  type: z.literal('ReportReturned'),
  ...base,
  period: z.string(),
  by: z.string(),
  comment: z.string(),
  /** The day the reworked report is due: the period's due date, or later when that is too close or past. */
  reworkDue: calendarDate,
});

/** 延期申请: the unit asks for a later due date, for one period or for the item. */
export const extensionRequestedSchema = z.object({
  type: z.literal('ExtensionRequested'),
  ...base,
  unit: z.string(),
  ...dateChange,
  reason: z.string(),
});
/** The coordinator grants the pending extension: the due date, reminders, light and ladder move with it. */
export const extensionGrantedSchema = z.object({
  type: z.literal('ExtensionGranted'),
  ...base,
  by: z.string(),
  ...dateChange,
  comment: z.string(),
});
export const extensionRefusedSchema = z.object({
  type: z.literal('ExtensionRefused'),
  ...base,
  by: z.string(),
  ...dateChange,
  comment: z.string(),
});
/** The coordinator moves a due date on their own, with a reason (调整时限). */
export const deadlineMovedSchema = z.object({
  type: z.literal('DeadlineMoved'),
  ...base,
  by: z.string(),
  ...dateChange,
  reason: z.string(),
});

/** 申请办结: the unit asks for the item to be closed, with a summary and evidence. */
export const closureRequestedSchema = z.object({
  type: z.literal('ClosureRequested'),
  ...base,
  unit: z.string(),
  summary: z.string(),
  evidence: z.array(evidenceRefSchema),
});
/** 退办: the coordinator does not close the item yet; reporting goes on. (Approval is TaskCompleted.) */
export const closureReturnedSchema = z.object({
  type: z.literal('ClosureReturned'),
  ...base,
  by: z.string(),
  comment: z.string(),
});

/** 退回: the unit says the item is not its own. */
export const assignmentSentBackSchema = z.object({
  type: z.literal('AssignmentSentBack'),
  ...base,
  unit: z.string(),
  reason: z.string(),
});
/** The coordinator insists: the item is the unit's again. */
export const sendBackRefusedSchema = z.object({
  type: z.literal('SendBackRefused'),
  ...base,
  by: z.string(),
  comment: z.string(),
});
/** The coordinator hands the item to another unit: this assignment ends; a new one begins with `to`. */
export const assignmentReassignedSchema = z.object({
  type: z.literal('AssignmentReassigned'),
  ...base,
  by: z.string(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  /** The new unit's assignment. */
  successor: z.string(),
});

/** The first turn of an assignment handed over from another unit's: who had it, who handed it over, and why. */
export const assignmentHandedOverSchema = z.object({
  type: z.literal('AssignmentHandedOver'),
  ...base,
  from: z.string(),
  predecessor: z.string(),
  by: z.string(),
  reason: z.string(),
});

/** 催签收: the unit has not acknowledged within the working days its spec allows. */
export const acknowledgementUrgedSchema = z.object({
  type: z.literal('AcknowledgementUrged'),
  ...base,
  /** The last day the 签收 was expected on. */
  expectedBy: calendarDate,
});
/** The cooperating units not yet heard from are reminded to send their 协办意见 for the lead's period. */
export const cooperationReminderSentSchema = z.object({
  type: z.literal('CooperationReminderSent'),
  ...base,
  ...period,
  units: z.array(z.string()).min(1),
});
/** 协办意见: a cooperating unit's contribution to the lead's report of one period. */
export const contributionSubmittedSchema = z.object({
  type: z.literal('ContributionSubmitted'),
  ...base,
  period: z.string(),
  unit: z.string(),
  summary: z.string(),
  evidence: z.array(evidenceRefSchema),
});
/** The values a report gives for the item's targets, each with its target and whether it is met. */
export const targetValuesReportedSchema = z.object({
  type: z.literal('TargetValuesReported'),
  ...base,
  period: z.string(),
  values: z.array(
    z.object({
      indicator: z.string(),
      unit: z.string(),
      value: z.number(),
      target: itemTargetSchema.pick({ comparator: true, value: true }),
      met: z.boolean(),
    }),
  ),
});

/** The lead reported a period without the contributions of these cooperating units: the coordinator is told. */
export const contributionsMissingSchema = z.object({
  type: z.literal('ContributionsMissing'),
  ...base,
  period: z.string(),
  units: z.array(z.string()).min(1),
});

/** The coordinator changes how one item is supervised: its reminders and escalation ladder from now on. */
export const supervisionPolicyChangedSchema = z.object({
  type: z.literal('SupervisionPolicyChanged'),
  ...base,
  by: z.string(),
  policy: supervisionPolicyV2Schema,
  reason: z.string(),
});
/** The coordinator adds or removes cooperating units (配合单位) of one item. */
export const cooperatingUnitsChangedSchema = z.object({
  type: z.literal('CooperatingUnitsChanged'),
  ...base,
  by: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  reason: z.string(),
});

export const assignmentEventSchema = z.discriminatedUnion('type', [
  taskAssignedSchema,
  assignmentAcknowledgedSchema,
  deadlineReminderSentSchema,
  z.discriminatedUnion('version', [progressReportSubmittedSchema, progressReportSubmittedV2Schema]),
  reportingPeriodOverdueSchema,
  overdueEscalatedSchema,
  taskCompletedSchema,
  assignmentPausedSchema,
  assignmentResumedSchema,
  assignmentCancelledSchema,
  reportAcceptedSchema,
  reportReturnedSchema,
  extensionRequestedSchema,
  extensionGrantedSchema,
  extensionRefusedSchema,
  deadlineMovedSchema,
  closureRequestedSchema,
  closureReturnedSchema,
  assignmentSentBackSchema,
  sendBackRefusedSchema,
  assignmentReassignedSchema,
  assignmentHandedOverSchema,
  acknowledgementUrgedSchema,
  cooperationReminderSentSchema,
  contributionSubmittedSchema,
  contributionsMissingSchema,
  targetValuesReportedSchema,
  supervisionPolicyChangedSchema,
  cooperatingUnitsChangedSchema,
]);
export type AssignmentEvent = z.infer<typeof assignmentEventSchema>;

/** A SHA-256, in hex: a link of a stream's hash chain (domain/audit/chain.ts). */
export const chainHashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A notice that went out with an event (workflows/assignment/notices.ts), as its Kafka message carries it: the read
 * models build the inbox from these, so the inbox can be rebuilt from the topic.
 */
export const publishedNoticeSchema = z.object({
  key: z.string(),
  assignmentId: z.string(),
  seq: z.number().int().min(1),
  at: z.iso.datetime(),
  recipient: z.string(),
  kind: z.string(),
  subject: z.string(),
  body: z.string(),
});

/**
 * An event as stored and published: the assignment it belongs to and its position in that assignment's stream; who
 * made it happen, why, and the run that decided it (`meta`, which the workflow sends with the event); and, on Kafka,
 * its link of the stream's hash chain, as the store computed it, and the notices that went out with it. All four are
 * absent from what was recorded or published before them.
 */
export const recordedEventSchema = z.object({
  assignmentId: z.string(),
  seq: z.number().int().min(1),
  event: assignmentEventSchema,
  meta: eventMetaSchema.optional(),
  prevHash: chainHashSchema.optional(),
  hash: chainHashSchema.optional(),
  notices: z.array(publishedNoticeSchema).optional(),
});
export type RecordedEvent = z.infer<typeof recordedEventSchema>;
