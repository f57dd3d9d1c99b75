/**
 * The assignment workflow's messages and their payload schemas. The API imports this file to call the workflow
 * without loading workflow code; the workflow's update validators parse with the same schemas, so a malformed call
 * is refused before it reaches history.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { assignmentSpecSchema } from './events';
import type { AssignmentState } from './decider';

export const unitName = z.string().trim().min(1, 'unit is required: the name of the reporting unit, e.g. 市质监局');

export const assignmentInputSchema = z.object({ spec: assignmentSpecSchema });
export type AssignmentInput = z.infer<typeof assignmentInputSchema>;

export const acknowledgePayloadSchema = z.object({ unit: unitName }).strict();
export type AcknowledgePayload = z.infer<typeof acknowledgePayloadSchema>;

export const progressReportPayloadSchema = z
  .object({
    unit: unitName,
    /** '2017-Q1'; when absent, the earliest period not yet reported. */
    period: z
      .string()
      .regex(/^\d{4}-Q[1-4]$/, 'period must look like 2017-Q1')
      .optional(),
    summary: z.string().trim().min(1, 'summary is required: what was done in the period').max(20_000),
    percentComplete: z.number().min(0).max(100),
  })
  .strict();
export type ProgressReportPayload = z.infer<typeof progressReportPayloadSchema>;

export const completePayloadSchema = z
  .object({
    by: z.string().trim().min(1, 'by is required: who closes the task (办结), e.g. 市政府督查室'),
    summary: z.string().trim().min(1, 'summary is required: why the task is closed').max(20_000),
  })
  .strict();
export type CompletePayload = z.infer<typeof completePayloadSchema>;

/** What callers see of an assignment: its state and when the clock will next act on it. */
export interface AssignmentView extends AssignmentState {
  assignmentId: string;
  nextAlarm?: { at: string; command: string; period: string };
}

/** 签收: the unit confirms it has the task. */
export const acknowledgeUpdate = defineUpdate<AssignmentView, [AcknowledgePayload]>('acknowledge');
/** 报送进展: a progress report for one period. */
export const submitReportUpdate = defineUpdate<AssignmentView, [ProgressReportPayload]>('submitReport');
/** 办结/销号: the coordinator closes the task; the workflow ends. */
export const completeUpdate = defineUpdate<AssignmentView, [CompletePayload]>('complete');
export const statusQuery = defineQuery<AssignmentView>('status');
