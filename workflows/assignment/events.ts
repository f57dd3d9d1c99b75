/**
 * Domain events of one assignment (one task item × one lead unit), version 1.
 *
 * Past-tense names, a literal `type` and `version` each, so a reader of the Kafka topic or the event store can
 * parse exactly the shape it was written in; a later shape gets its own schema and an upcaster beside this file.
 * `at` is the instant the event happened, ISO 8601 in UTC; dates meant for people are Asia/Shanghai calendar dates.
 */
import { z } from 'zod';
import { isCalendarDate } from '../../domain/calendar';

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

const base = { version: z.literal(1), at: instant };
const period = { period: z.string(), due: calendarDate };

export const taskAssignedSchema = z.object({ type: z.literal('TaskAssigned'), ...base, spec: assignmentSpecSchema });
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

export const assignmentEventSchema = z.discriminatedUnion('type', [
  taskAssignedSchema,
  assignmentAcknowledgedSchema,
  deadlineReminderSentSchema,
  progressReportSubmittedSchema,
  reportingPeriodOverdueSchema,
  overdueEscalatedSchema,
  taskCompletedSchema,
]);
export type AssignmentEvent = z.infer<typeof assignmentEventSchema>;

/** An event as stored and published: the assignment it belongs to and its position in that assignment's stream. */
export const recordedEventSchema = z.object({
  assignmentId: z.string(),
  seq: z.number().int().min(1),
  event: assignmentEventSchema,
});
export type RecordedEvent = z.infer<typeof recordedEventSchema>;
