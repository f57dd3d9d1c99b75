/**
 * Domain events of a supervision cycle (督办周期): one stream per cycle, `cycle:<cycleId>`, stored and published like
 * an assignment's. Past-tense names, a literal `type` and `version` each; see workflows/assignment/events.ts.
 */
import { z } from 'zod';
import { eventMetaSchema } from '../../domain/audit/meta';
import { bulletinSchema, scoringRulesSchema } from '../../domain/cycle/bulletin';
import { isCalendarDate } from '../../domain/calendar';
import {
  chainHashSchema,
  lightThresholdsSchema,
  supervisionPolicyV2Schema,
  workingCalendarSchema,
} from '../assignment/events';

const instant = z.iso.datetime();
const calendarDate = z.string().refine(isCalendarDate, { message: '应为真实存在的日期，写作 YYYY-MM-DD' });

/** How a cycle supervises: the same for every assignment it launches, and its bulletins' scoring. */
export const cycleConfigSchema = z.object({
  /** '鄂州市创建全国质量强市示范城市工作方案 2017年督办': the bulletins' title. */
  title: z.string().min(1),
  planId: z.string().min(1),
  /** The coordinator's office: it alone pauses, resumes, cancels and notifies; it receives 通报. */
  coordinator: z.string().min(1),
  policy: supervisionPolicyV2Schema,
  lights: lightThresholdsSchema,
  scoring: scoringRulesSchema,
  /** The working days the cycle's own clock counts (bulletin dates), the same slice its assignments carry. */
  calendar: workingCalendarSchema,
  /** When the plan's dates were moved by whole years to this cycle's year (`--year`), by how many. */
  yearShift: z.number().int().optional(),
  /**
   * The conversation's clock for the cycle's assignments (version 3): working days for 签收, and before each due date
   * for the cooperating units' reminder. Absent in cycles launched before it: the defaults (2 and 3) applied.
   */
  conversation: z
    .object({
      acknowledgeWithinDays: z.number().int().min(0).max(30),
      cooperationReminderDays: z.number().int().min(0).max(30),
    })
    .optional(),
});
export type CycleConfig = z.infer<typeof cycleConfigSchema>;

/** A reporting period the cycle issues a bulletin for, and when. */
export const bulletinScheduleSchema = z.object({
  key: z.string().min(1),
  label: z.string().min(1),
  /** The latest due date any of the cycle's assignments has for this period. */
  lastDue: calendarDate,
  /** After that period's last escalation step. */
  at: instant,
});
export type BulletinSchedule = z.infer<typeof bulletinScheduleSchema>;

const base = { version: z.literal(1), at: instant };
const who = { by: z.string() };

export const cycleLaunchedSchema = z.object({
  type: z.literal('CycleLaunched'),
  ...base,
  ...who,
  cycleId: z.string(),
  config: cycleConfigSchema,
  /** Assignments the task table gives (one per item × lead unit), and a SHA-256 of the table they came from. */
  items: z.number().int().min(0),
  tableHash: z.string(),
});
export const cycleAssignmentsStartedSchema = z.object({
  type: z.literal('CycleAssignmentsStarted'),
  ...base,
  /** Started by this launch, and found already running (a relaunch, or an interrupted launch taken up again). */
  started: z.number().int().min(0),
  existing: z.number().int().min(0),
  schedule: z.array(bulletinScheduleSchema),
});
export const cyclePausedSchema = z.object({ type: z.literal('CyclePaused'), ...base, ...who, reason: z.string() });
export const cycleResumedSchema = z.object({
  type: z.literal('CycleResumed'),
  ...base,
  ...who,
  /** Absent from resumes recorded before a reason was asked. */
  reason: z.string().optional(),
});
export const cycleCancelledSchema = z.object({
  type: z.literal('CycleCancelled'),
  ...base,
  ...who,
  reason: z.string(),
});
/** A notice the coordinator sent to every unit of the cycle. */
export const cycleNoticeSentSchema = z.object({
  type: z.literal('CycleNoticeSent'),
  ...base,
  ...who,
  subject: z.string(),
  body: z.string(),
  recipients: z.array(z.string()),
});
/**
 * The working-day calendar the cycle and its assignments count on was replaced (a year's notice imported since the
 * launch): the bulletins not yet issued are rescheduled on it, and each running assignment is given it.
 */
export const cycleCalendarUpdatedSchema = z.object({
  type: z.literal('CycleCalendarUpdated'),
  ...base,
  ...who,
  calendar: workingCalendarSchema,
  reason: z.string(),
  /** The bulletins' schedule on the new calendar (those already issued as they were). */
  schedule: z.array(bulletinScheduleSchema),
});
/** 督查通报: a period's bulletin, ranking the units. */
export const bulletinIssuedSchema = z.object({
  type: z.literal('BulletinIssued'),
  ...base,
  period: z.string(),
  bulletin: bulletinSchema,
});

export const cycleEventSchema = z.discriminatedUnion('type', [
  cycleLaunchedSchema,
  cycleAssignmentsStartedSchema,
  cyclePausedSchema,
  cycleResumedSchema,
  cycleCancelledSchema,
  cycleNoticeSentSchema,
  cycleCalendarUpdatedSchema,
  bulletinIssuedSchema,
]);
export type CycleEvent = z.infer<typeof cycleEventSchema>;

/** The stream of a cycle's events in the event store and on Kafka. */
export function cycleStream(cycleId: string): string {
  return `cycle:${cycleId}`;
}

/** A cycle's event as stored and published: like an assignment's, keyed by the cycle's stream. */
export const recordedCycleEventSchema = z.object({
  assignmentId: z.string(),
  seq: z.number().int().min(1),
  event: cycleEventSchema,
  meta: eventMetaSchema.optional(),
  prevHash: chainHashSchema.optional(),
  hash: chainHashSchema.optional(),
});
export type RecordedCycleEvent = z.infer<typeof recordedCycleEventSchema>;
