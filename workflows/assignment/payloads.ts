/**
 * The payloads of the assignment workflow's updates, and their schemas. The API parses request bodies with them, and
 * the workflow's update validators parse what arrives. The worker's sandbox loads this module once, at the first
 * update any assignment receives, and every assignment's validators use the same schemas (workflows/sandbox-schemas.ts):
 * a validator never runs on replay, and a module an assignment imported would be evaluated again for each one
 * (worker/workflow-bundle.ts), 340 KB of schemas held by every assignment from its first update on.
 */
import { z } from 'zod';
import { isCalendarDate } from '../../domain/calendar';
import { calendarSliceProblem } from '../../domain/working-days';
import { evidenceRefSchema } from '../../domain/evidence/ref';
import { boundedText } from '../../domain/text';
import { LIMITS, unitName } from './caller';
import { calendarDate, supervisionPolicyV2Schema, workingCalendarSchema } from './spec';

export const acknowledgePayloadSchema = z.object({ unit: unitName }).strict();
export type AcknowledgePayload = z.infer<typeof acknowledgePayloadSchema>;

export const progressReportPayloadSchema = z
  .object({
    unit: unitName,
    /** '2017-Q1', '2017-07', '2017-H1', '2017' or a one-off date; when absent, the earliest period not yet reported. */
    period: z
      .string()
      .regex(
        /^\d{4}(-Q[1-4]|-H[12]|-(0[1-9]|1[0-2])|-\d{2}-\d{2})?$/,
        '报送周期应写作 2017-Q1（季度）、2017-07（月）、2017-H1（半年）、2017（年度）或 2017-09-30（某一天）',
      )
      .optional(),
    summary: boundedText('进展情况', LIMITS.summary, { multiline: true }),
    percentComplete: z
      .number({ error: '完成进度应为 0 到 100 之间的数字' })
      .min(0, '完成进度不能小于 0')
      .max(100, '完成进度不能大于 100'),
    evidence: z.array(evidenceRefSchema).max(LIMITS.evidence, `佐证材料最多 ${LIMITS.evidence} 份`).optional(),
    /** The values reached for the item's targets: "合格率" 92.5 "%". */
    values: z
      .array(
        z
          .object({
            indicator: boundedText('指标名称', 100),
            value: z.number({ error: '指标值应为数字，如 92.5' }).finite('指标值应为有限的数字'),
            unit: z.string().max(20, '计量单位最长 20 个字符'),
          })
          .strict(),
      )
      .max(20, '指标最多 20 个')
      .optional(),
  })
  .strict();
export type ProgressReportPayload = z.infer<typeof progressReportPayloadSchema>;

export const completePayloadSchema = z
  .object({
    by: boundedText('办结人（如 市政府督查室）', LIMITS.unit),
    summary: boundedText('办结说明', LIMITS.closingSummary, { multiline: true }),
  })
  .strict();
export type CompletePayload = z.infer<typeof completePayloadSchema>;

export const coordinatorActionSchema = z
  .object({
    by: boundedText('办理人（督办单位，如 市政府督查室）', LIMITS.unit),
    reason: boundedText('原因', LIMITS.closingSummary, { multiline: true }),
  })
  .strict();
export type CoordinatorAction = z.infer<typeof coordinatorActionSchema>;

/** Why the clock goes on, an assignment's or a whole cycle's: optional, as resumes sent before it was asked had none. */
const resumeReason = boundedText('恢复的原因', LIMITS.closingSummary, { multiline: true }).optional();

export const resumePayloadSchema = z
  .object({ by: boundedText('办理人（督办单位，如 市政府督查室）', LIMITS.unit), reason: resumeReason })
  .strict();
export type ResumePayload = z.infer<typeof resumePayloadSchema>;

const periodKey = z.string().min(1, '请写明报送周期，如 2017-Q1').max(32);
const dueDate = z
  .string()
  .refine(isCalendarDate, { message: '日期应写作 YYYY-MM-DD，且是真实存在的日期，如 2027-03-31' });
const byCoordinator = boundedText('办理人（督办单位，如 市政府督查室）', LIMITS.unit);
const comment = boundedText('意见', LIMITS.comment, { multiline: true, optional: true });

/** 审核: accept a period's report, or return it for rework with a comment that says what to change. */
export const reviewPayloadSchema = z
  .object({
    by: byCoordinator,
    period: periodKey,
    decision: z.enum(['accept', 'return'], { error: '审核结论应为 accept（通过）或 return（退回重报）' }),
    comment: comment.default(''),
  })
  .strict();
export type ReviewPayload = z.infer<typeof reviewPayloadSchema>;

/** 延期申请: a later due date for one period, or (no period) for the item's 完成时限. */
export const extensionPayloadSchema = z
  .object({
    unit: unitName,
    period: periodKey.optional(),
    to: dueDate,
    reason: boundedText('延期理由', LIMITS.comment, { multiline: true }),
  })
  .strict();
export type ExtensionPayload = z.infer<typeof extensionPayloadSchema>;

/** The coordinator's answer to a pending request: yes, or no with a comment. */
export const decisionPayloadSchema = z
  .object({
    by: byCoordinator,
    decision: z.enum(['approve', 'refuse'], { error: '答复应为 approve（同意）或 refuse（不同意）' }),
    comment: comment.default(''),
  })
  .strict();
export type DecisionPayload = z.infer<typeof decisionPayloadSchema>;

/** 调整时限: the coordinator moves a due date, with a reason. */
export const moveDeadlinePayloadSchema = z
  .object({
    by: byCoordinator,
    period: periodKey.optional(),
    to: dueDate,
    reason: boundedText('调整原因', LIMITS.comment, { multiline: true }),
  })
  .strict();
export type MoveDeadlinePayload = z.infer<typeof moveDeadlinePayloadSchema>;

/** 申请办结: the unit's summary of what was done, with evidence. */
export const closureRequestPayloadSchema = z
  .object({
    unit: unitName,
    summary: boundedText('办结情况', LIMITS.closingSummary, { multiline: true }),
    evidence: z.array(evidenceRefSchema).max(LIMITS.evidence, `佐证材料最多 ${LIMITS.evidence} 份`).default([]),
  })
  .strict();
export type ClosureRequestPayload = z.infer<typeof closureRequestPayloadSchema>;

/** 退回: the unit says the item is not its own, with a reason. */
export const sendBackPayloadSchema = z
  .object({ unit: unitName, reason: boundedText('退回理由', LIMITS.comment, { multiline: true }) })
  .strict();
export type SendBackPayload = z.infer<typeof sendBackPayloadSchema>;

/** 协办意见: a cooperating unit's contribution to the lead's report of a period (the lead's current one if none). */
export const contributionPayloadSchema = z
  .object({
    unit: unitName,
    period: periodKey.optional(),
    summary: boundedText('协办意见', LIMITS.summary, { multiline: true }),
    evidence: z.array(evidenceRefSchema).max(LIMITS.evidence, `佐证材料最多 ${LIMITS.evidence} 份`).optional(),
  })
  .strict();
export type ContributionPayload = z.infer<typeof contributionPayloadSchema>;

/** 调整督办规则: one item's reminders and escalation ladder from now on. */
export const changePolicyPayloadSchema = z
  .object({
    by: byCoordinator,
    policy: supervisionPolicyV2Schema,
    reason: boundedText('调整原因', LIMITS.comment, { multiline: true }),
  })
  .strict();
export type ChangePolicyPayload = z.infer<typeof changePolicyPayloadSchema>;

/**
 * A working-day calendar slice as an update carries it (the cycle's, then each assignment's): bounded, and shaped as
 * `calendarSlice` makes one, so the clock never counts on lists it cannot search.
 */
export const calendarPayloadSchema = workingCalendarSchema
  .extend({
    holidays: z.array(calendarDate).max(LIMITS.calendarDates),
    workdays: z.array(calendarDate).max(LIMITS.calendarDates),
    unknownYears: z.array(z.number().int()).max(50),
  })
  .superRefine((c, ctx) => {
    const problem = calendarSliceProblem(c);
    if (problem) ctx.addIssue({ code: 'custom', message: `工作日日历有误：${problem}` });
  });

/** 更新节假日安排: the working-day calendar of the item's span, as the calendar years now known cut it. */
export const updateCalendarPayloadSchema = z
  .object({
    by: byCoordinator,
    calendar: calendarPayloadSchema,
    reason: boundedText('更新原因', LIMITS.comment, { multiline: true }),
  })
  .strict();
export type UpdateCalendarPayload = z.infer<typeof updateCalendarPayloadSchema>;

/** 调整配合单位: add or remove cooperating units of one item. */
export const changeCooperatingPayloadSchema = z
  .object({
    by: byCoordinator,
    add: z.array(unitName).max(20).default([]),
    remove: z.array(unitName).max(20).default([]),
    reason: boundedText('调整原因', LIMITS.comment, { multiline: true }),
  })
  .strict();
export type ChangeCooperatingPayload = z.infer<typeof changeCooperatingPayloadSchema>;

/** 坚持交办: the coordinator keeps the item with the unit, saying why. */
export const insistPayloadSchema = z.object({ by: byCoordinator, comment }).strict();
export type InsistPayload = z.infer<typeof insistPayloadSchema>;

/** 改派: the coordinator hands the item to another lead unit. */
export const reassignPayloadSchema = z
  .object({ by: byCoordinator, to: unitName, reason: boundedText('改派理由', LIMITS.comment, { multiline: true }) })
  .strict();
export type ReassignPayload = z.infer<typeof reassignPayloadSchema>;
