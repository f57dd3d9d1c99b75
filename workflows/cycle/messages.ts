/**
 * The cycle workflow's messages and payload schemas, for the API and the CLI to call it without loading workflow
 * code. Validators parse with these schemas; handlers apply a payload as accepted (see the assignment's messages).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { boundedText } from '../../domain/text';
import { LIMITS } from '../assignment/caller';
import type { Called } from '../assignment/messages';
import { calendarPayloadSchema, resumePayloadSchema } from '../assignment/payloads';
import { cycleConfigSchema, type BulletinSchedule, type CycleConfig } from './events';

export const cycleInputSchema = z.object({
  cycleId: z.string().min(1),
  config: cycleConfigSchema,
  /** How many assignments the cycle's task table gives, stored in cycle_items before the workflow starts. */
  items: z.number().int().min(0),
  tableHash: z.string().min(1),
  launchedBy: z.string().min(1),
});
export type CycleInput = z.infer<typeof cycleInputSchema>;

const by = boundedText('办理人（督办单位，如 市政府督查室）', LIMITS.unit);

export const cycleActionSchema = z
  .object({ by, reason: boundedText('原因', LIMITS.closingSummary, { multiline: true }) })
  .strict();
export type CycleAction = z.infer<typeof cycleActionSchema>;

/** The API, the page and the CLI ask a reason now (api/cycle-routes.ts); the workflow still takes a resume without. */
export const cycleResumeSchema = z.object({ by, reason: resumePayloadSchema.shape.reason }).strict();
export type CycleResume = z.infer<typeof cycleResumeSchema>;

export const cycleNoticeSchema = z
  .object({
    by,
    subject: boundedText('通知标题', 100),
    body: boundedText('通知正文', LIMITS.summary, { multiline: true }),
  })
  .strict();
export type CycleNotice = z.infer<typeof cycleNoticeSchema>;

/** The cycle's working-day calendar replaced: the same span, cut from the calendar years now known. */
export const cycleCalendarSchema = z
  .object({
    by,
    calendar: calendarPayloadSchema,
    reason: boundedText('更新原因', LIMITS.comment, { multiline: true }),
  })
  .strict();
export type CycleCalendarChange = z.infer<typeof cycleCalendarSchema>;

export type CycleStatus = 'launching' | 'running' | 'paused' | 'cancelled' | 'finished';

/** What callers see of a cycle: how far its launch is, its state, and its bulletins so far. */
export interface CycleView {
  cycleId: string;
  title: string;
  coordinator: string;
  status: CycleStatus;
  items: number;
  started: number;
  existing: number;
  paused?: { at: string; by: string; reason: string };
  cancelled?: { at: string; by: string; reason: string };
  schedule: BulletinSchedule[];
  bulletins: Array<{ period: string; label: string; issuedAt: string }>;
  config: CycleConfig;
}

/** 暂停 the whole cycle: every running assignment of it stops its clock. */
export const pauseCycleUpdate = defineUpdate<CycleView, [Called<CycleAction>]>('pauseCycle');
/** 恢复 the cycle: what came due meanwhile goes out once per assignment. */
export const resumeCycleUpdate = defineUpdate<CycleView, [Called<CycleResume>]>('resumeCycle');
/** 撤销 the whole cycle: every running assignment is withdrawn, with the reason. */
export const cancelCycleUpdate = defineUpdate<CycleView, [Called<CycleAction>]>('cancelCycle');
/** A notice to every unit of the cycle. */
export const notifyUnitsUpdate = defineUpdate<CycleView, [Called<CycleNotice>]>('notifyUnits');
/** 更新节假日安排: the cycle's calendar replaced; its bulletins rescheduled, each running assignment given it. */
export const updateCycleCalendarUpdate = defineUpdate<CycleView, [Called<CycleCalendarChange>]>('updateCycleCalendar');
export const cycleStatusQuery = defineQuery<CycleView>('cycleStatus');
