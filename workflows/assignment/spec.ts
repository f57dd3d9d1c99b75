/**
 * What an assignment is given when it starts: its item, unit, deadline, reporting periods, supervision policy, working
 * calendar and light thresholds, in each version (1–3). The workflow parses its input with these, so they live apart
 * from the event schemas (events.ts): a workflow's sandbox evaluates every module it imports once per workflow, and
 * an assignment that imported the forty event schemas held them in memory for as long as it waited.
 */
import { z } from 'zod';
import { isCalendarDate } from '../../domain/calendar';

export const calendarDate = z
  .string()
  .refine(isCalendarDate, { message: 'must be a real calendar date written YYYY-MM-DD, e.g. 2027-03-31' });

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

/**
 * Version 3: version 2 with the turns of the conversation that run on the clock — 签收 expected within a number of
 * working days (or urged), and the cooperating units reminded a number of working days before each due date to send
 * their 协办意见. Zero turns either off.
 */
export const assignmentSpecV3Schema = assignmentSpecV2Schema.extend({
  acknowledgeWithinDays: z.number().int().min(0).max(30),
  cooperationReminderDays: z.number().int().min(0).max(30),
  /** The item's quantitative targets: each report may give the value reached for each. */
  targets: z.array(itemTargetSchema).max(100),
});
export type AssignmentSpecV3 = z.infer<typeof assignmentSpecV3Schema>;
