/**
 * The assignment workflow's messages and their payload schemas. The API imports this file to call the workflow
 * without loading workflow code. The workflow's update validators parse payloads with these schemas; handlers use
 * the payload as accepted and do not parse again, because a validator runs only when an update arrives, never on
 * replay — so tightening a schema here changes what new calls may say, never how recorded histories replay.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { ACTOR_ROLES } from '../../domain/audit/meta';
import { isCalendarDate } from '../../domain/calendar';
import { evidenceRefSchema } from '../../domain/evidence/ref';
import { boundedText } from '../../domain/text';
import type { AssignmentState, Light } from './decider';
import {
  assignmentSpecSchema,
  assignmentSpecV2Schema,
  assignmentSpecV3Schema,
  supervisionPolicyV2Schema,
} from './spec';

/**
 * The workflow's input, checked when a run starts — also on every replay — with the TaskAssigned event's own spec
 * schema. Event schemas are frozen with the events they describe (a new shape is a new version with an upcaster,
 * tests/workflows/event-schemas.unit.test.ts guards them), so this check reads every recorded input the same way
 * for good. The edge's tighter bounds live in api/assignments.ts.
 */

/** Bounds every store behind the edge can take; a title travels into every event, record and notice of its task. */
export const LIMITS = {
  title: 500,
  unit: 64,
  summary: 5_000,
  closingSummary: 2_000,
  comment: 2_000,
  evidence: 20,
} as const;

export const unitName = boundedText('单位名称（如 市质监局）', LIMITS.unit);

/**
 * Who sends an update, as the API knows them: today the unit or office the request body names, after sign-in (issue
 * 11) the signed-in account. The workflow names it as the actor of the events the update brings (provenance.ts).
 */
export const callerSchema = z
  .object({
    role: z.enum(ACTOR_ROLES, { error: `操作人角色应为 ${ACTOR_ROLES.join('、')} 之一` }),
    name: boundedText('操作人名称', LIMITS.unit),
    /** The signed-in account acting for the unit or office (api/auth/account.ts). */
    account: boundedText('操作人账号', 64).optional(),
  })
  .strict();
export type Caller = z.infer<typeof callerSchema>;

export const assignmentInputSchema = z.object({
  // Newest first: a version-3 spec would also pass version 2's schema, which would strip its own fields.
  spec: z.union([assignmentSpecV3Schema, assignmentSpecV2Schema, assignmentSpecSchema]),
  /** An assignment handed over from another unit's (改派): its first events say so. */
  handover: z
    .object({ predecessor: z.string().min(1), from: z.string().min(1), by: z.string().min(1), reason: z.string() })
    .optional(),
  /** Who assigned it, when the API knows: the signed-in coordinator's office and account (api/caller.ts). */
  actor: callerSchema.optional(),
});
export type AssignmentInput = z.infer<typeof assignmentInputSchema>;

/** An update's payload: the request's body, and who sent it when the API says so (older callers did not). */
export type Called<T> = T & { actor?: Caller };

/** The schema an update's validator parses its payload with: the body's, and the optional caller. */
export function calledSchema<S extends z.ZodObject>(schema: S) {
  return schema.extend({ actor: callerSchema.optional() });
}

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

export const resumePayloadSchema = z
  .object({ by: boundedText('办理人（督办单位，如 市政府督查室）', LIMITS.unit) })
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

/** What callers see of an assignment: its state, its light, and when the clock will next act on it. */
export interface AssignmentView extends AssignmentState {
  assignmentId: string;
  light: Light;
  nextAlarm?: { at: string; command: string; period: string };
  /** What the coordinator and the unit must know about how it is supervised (a calendar year nobody knows). */
  warnings: string[];
}

/**
 * 交办 confirmed: answers once the assignment's TaskAssigned event is stored. Sent together with the workflow's
 * start (update-with-start), so that whoever assigns a task learns it is stored, not merely requested.
 */
export const assignedUpdate = defineUpdate<AssignmentView>('assigned');
/** 签收: the unit confirms it has the task. */
export const acknowledgeUpdate = defineUpdate<AssignmentView, [Called<AcknowledgePayload>]>('acknowledge');
/** 报送进展: a progress report for one period. */
export const submitReportUpdate = defineUpdate<AssignmentView, [Called<ProgressReportPayload>]>('submitReport');
/** 办结/销号: the coordinator closes the task; the workflow ends. */
export const completeUpdate = defineUpdate<AssignmentView, [Called<CompletePayload>]>('complete');
/** 暂停: the coordinator stops the clock — no reminders, no escalations — with a reason. */
export const pauseUpdate = defineUpdate<AssignmentView, [Called<CoordinatorAction>]>('pause');
/** 恢复: the clock goes on; what came due meanwhile goes out once. */
export const resumeUpdate = defineUpdate<AssignmentView, [Called<ResumePayload>]>('resume');
/** 撤销: the coordinator withdraws the item, with a reason; the workflow ends, and the item is never counted late. */
export const cancelUpdate = defineUpdate<AssignmentView, [Called<CoordinatorAction>]>('cancel');
/** 审核报告: the coordinator accepts a report or returns it for rework (退回重报). */
export const reviewReportUpdate = defineUpdate<AssignmentView, [Called<ReviewPayload>]>('reviewReport');
/** 延期申请: the unit asks for a later due date. */
export const requestExtensionUpdate = defineUpdate<AssignmentView, [Called<ExtensionPayload>]>('requestExtension');
/** The coordinator's answer to the pending extension request. */
export const decideExtensionUpdate = defineUpdate<AssignmentView, [Called<DecisionPayload>]>('decideExtension');
/** 调整时限: the coordinator moves a due date on their own. */
export const moveDeadlineUpdate = defineUpdate<AssignmentView, [Called<MoveDeadlinePayload>]>('moveDeadline');
/** 申请办结: the unit asks for closure. */
export const requestClosureUpdate = defineUpdate<AssignmentView, [Called<ClosureRequestPayload>]>('requestClosure');
/** The coordinator's answer to the pending closure request: 办结（销号） or 退办. */
export const decideClosureUpdate = defineUpdate<AssignmentView, [Called<DecisionPayload>]>('decideClosure');
/** 退回: the unit sends the item back to the coordinator. */
export const sendBackUpdate = defineUpdate<AssignmentView, [Called<SendBackPayload>]>('sendBack');
/** 协办意见: a cooperating unit contributes to the lead's report. */
export const contributeUpdate = defineUpdate<AssignmentView, [Called<ContributionPayload>]>('contribute');
/** 调整督办规则: the coordinator changes one item's reminders and escalation ladder. */
export const changePolicyUpdate = defineUpdate<AssignmentView, [Called<ChangePolicyPayload>]>('changePolicy');
/** 调整配合单位: the coordinator adds or removes cooperating units. */
export const changeCooperatingUpdate = defineUpdate<AssignmentView, [Called<ChangeCooperatingPayload>]>(
  'changeCooperating',
);
/** 坚持交办: the coordinator's answer to a send-back that keeps the item with the unit. */
export const insistUpdate = defineUpdate<AssignmentView, [Called<InsistPayload>]>('insist');
/** 改派: the coordinator hands the item to another unit; this assignment ends and the new one starts. */
export const reassignUpdate = defineUpdate<AssignmentView, [Called<ReassignPayload>]>('reassign');
export const statusQuery = defineQuery<AssignmentView>('status');
