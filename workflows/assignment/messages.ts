/**
 * The assignment workflow's messages (its updates, its query, the workflow type it starts as). The API imports this
 * file to call the workflow without loading workflow code; every assignment evaluates it for itself, so it builds no
 * schema (who calls is in caller.ts). The updates' payload schemas are in payloads.ts: the workflow's update
 * validators parse payloads with them; handlers use the payload as accepted and do not parse again, because a
 * validator runs only when an update arrives, never on replay — so tightening a schema there changes what new calls
 * may say, never how recorded histories replay.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Caller } from './caller';
import type { AssignmentState, Light } from './decider';
import type {
  AcknowledgePayload,
  ProgressReportPayload,
  CompletePayload,
  CoordinatorAction,
  ResumePayload,
  ReviewPayload,
  ExtensionPayload,
  DecisionPayload,
  MoveDeadlinePayload,
  ClosureRequestPayload,
  SendBackPayload,
  ContributionPayload,
  ChangePolicyPayload,
  UpdateCalendarPayload,
  ChangeCooperatingPayload,
  InsistPayload,
  ReassignPayload,
} from './payloads';

/** The payloads' schemas are in payloads.ts, which the workflow loads at its first update; their types are here too. */
export type * from './payloads';
/** The input's schema is in input.ts, which the sandbox loads once for all assignments; its type is here too. */
export type { AssignmentInput } from './input';
/** Who calls, and the bounds of what they send, are in caller.ts; the caller's type is here too. */
export type { Caller } from './caller';

/**
 * The workflow type every assignment is started as since 2026-11-24: the same code as `assignmentWorkflow`, which runs
 * started before keep, with every patch in force and none asked (workflows/assignment/workflow.ts).
 */
export const ASSIGNMENT_WORKFLOW_TYPE = 'assignmentWorkflowV2';

/** An update's payload: the request's body, and who sent it when the API says so (older callers did not). */
export type Called<T> = T & { actor?: Caller };

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
/** 更新节假日安排: the item's working-day calendar replaced, a year's notice imported since (its cycle passes it on). */
export const updateCalendarUpdate = defineUpdate<AssignmentView, [Called<UpdateCalendarPayload>]>('updateCalendar');
/** 调整配合单位: the coordinator adds or removes cooperating units. */
export const changeCooperatingUpdate = defineUpdate<AssignmentView, [Called<ChangeCooperatingPayload>]>(
  'changeCooperating',
);
/** 坚持交办: the coordinator's answer to a send-back that keeps the item with the unit. */
export const insistUpdate = defineUpdate<AssignmentView, [Called<InsistPayload>]>('insist');
/** 改派: the coordinator hands the item to another unit; this assignment ends and the new one starts. */
export const reassignUpdate = defineUpdate<AssignmentView, [Called<ReassignPayload>]>('reassign');
export const statusQuery = defineQuery<AssignmentView>('status');
