/**
 * Domain events of one assignment (one task item × one lead unit).
 *
 * Past-tense names, a literal `type` and `version` each, so a reader of the Kafka topic or the event store can
 * parse exactly the shape it was written in; a later shape gets its own schema and an upcaster beside this file.
 * `at` is the instant the event happened, ISO 8601 in UTC; dates meant for people are Asia/Shanghai calendar dates.
 */
import { z } from 'zod';
import { eventMetaSchema } from '../../domain/audit/meta';
import { evidenceRefSchema } from '../../domain/evidence/ref';
import {
  assignmentSpecSchema,
  assignmentSpecV2Schema,
  assignmentSpecV3Schema,
  calendarDate,
  escalationLevelSchema,
  itemTargetSchema,
  supervisionPolicyV2Schema,
  workingCalendarSchema,
} from './spec';

// The specs' schemas are the TaskAssigned events' own; every reader of events finds them here too.
export * from './spec';

const instant = z.iso.datetime();

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

/**
 * The working-day calendar the assignment counts on was replaced: a year nobody knew at assignment (or a year revised
 * since) imported by `duban calendar import`, the cycle passing it on. Reminders and escalation steps from then on fall
 * on the new calendar's working days; a reminder whose day had passed by then is not sent late.
 */
export const workingCalendarUpdatedSchema = z.object({
  type: z.literal('WorkingCalendarUpdated'),
  ...base,
  by: z.string(),
  calendar: workingCalendarSchema,
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
  workingCalendarUpdatedSchema,
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
