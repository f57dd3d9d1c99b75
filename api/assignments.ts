/**
 * The application's assignment functions: the HTTP API, the demo and the tests call these, never Temporal directly.
 * They validate at the edge — to what every store behind it can take — start or message the workflow, and turn
 * Temporal's failures into AppErrors that say what went wrong in the caller's terms.
 */
import {
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { z } from 'zod';
import {
  addDays,
  formatShanghai,
  isCalendarDate,
  quarterKey,
  quarterLabel,
  reportDueDates,
  shanghaiDate,
} from '../domain/calendar';
import type { EvidenceRef } from '../domain/evidence/ref';
import { calendarSlice, noticeSpan, sameCalendar, type YearDates } from '../domain/working-days';
import { eachLimited } from '../infra/each-limited';
import { boundedText, trimStrings } from '../domain/text';
import { describeIssues } from '../domain/validation';
import { decide, DEFAULT_LIGHTS, DomainError, fold, initialState } from '../workflows/assignment/decider';
import { assignedSearchAttributes } from '../workflows/assignment/search';
import {
  assignmentSpecSchema,
  supervisionPolicySchema,
  type AssignmentEvent,
  type AssignmentSpec,
  type AssignmentSpecV3,
} from '../workflows/assignment/events';
import {
  ASSIGNMENT_WORKFLOW_TYPE,
  acknowledgeUpdate,
  assignedUpdate,
  updateCalendarUpdate,
  cancelUpdate,
  completeUpdate,
  pauseUpdate,
  resumeUpdate,
  type CoordinatorAction,
  type ResumePayload,
  reviewReportUpdate,
  requestExtensionUpdate,
  decideExtensionUpdate,
  moveDeadlineUpdate,
  requestClosureUpdate,
  decideClosureUpdate,
  type ReviewPayload,
  type ExtensionPayload,
  type DecisionPayload,
  type MoveDeadlinePayload,
  type ClosureRequestPayload,
  sendBackUpdate,
  changePolicyUpdate,
  changeCooperatingUpdate,
  type ChangePolicyPayload,
  type ChangeCooperatingPayload,
  contributeUpdate,
  type ContributionPayload,
  insistUpdate,
  reassignUpdate,
  type SendBackPayload,
  type InsistPayload,
  type ReassignPayload,
  statusQuery,
  submitReportUpdate,
  type AcknowledgePayload,
  type AssignmentView,
  type CompletePayload,
  type ProgressReportPayload,
} from '../workflows/assignment/messages';
import { LIMITS, unitName } from '../workflows/assignment/caller';
import {
  acknowledgePayloadSchema,
  completePayloadSchema,
  coordinatorActionSchema,
  resumePayloadSchema,
  reviewPayloadSchema,
  extensionPayloadSchema,
  decisionPayloadSchema,
  moveDeadlinePayloadSchema,
  closureRequestPayloadSchema,
  sendBackPayloadSchema,
  changePolicyPayloadSchema,
  changeCooperatingPayloadSchema,
  contributionPayloadSchema,
  insistPayloadSchema,
  reassignPayloadSchema,
  progressReportPayloadSchema,
} from '../workflows/assignment/payloads';
import { DEFAULT_CONVERSATION, DEFAULT_CYCLE_POLICY, DEFAULT_POLICY } from '../workflows/assignment/policy';
import { assignmentView } from '../workflows/assignment/view';
import type { assignmentWorkflowV2 } from '../workflows/assignment/workflow';
import { assigningOffice, called } from './caller';
import { AppError, isAppErrorCode } from './errors';
import type { IdempotencyKeys } from './idempotency';

/** How far ahead a due date may lie: a plan runs a year, a 五年规划 five; ten leaves room and bounds the periods. */
export const DUE_HORIZON_YEARS = 10;
/** Quarters over the horizon, and a due date of its own. */
const MAX_REPORT_DATES = DUE_HORIZON_YEARS * 4 + 1;

const calendarDate = z
  .string()
  .refine(isCalendarDate, { message: '应为真实存在的日期，写作 YYYY-MM-DD，如 2027-03-31' });

/** What a coordinator gives to assign one task item to one lead unit, bounded to what every store can take. */
export const assignRequestSchema = z
  .object({
    planId: z
      .string()
      .min(1, '计划编号不能为空')
      .max(64, '计划编号最长 64 个字符')
      .regex(/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u, '计划编号只能由文字、数字和 . _ - 组成，如 ezhou-2017'),
    ref: boundedText('任务编号（如 五.(二).29）', 64).refine((s) => !s.includes(':'), '任务编号不能含有 ":"'),
    title: boundedText('任务名称', LIMITS.title),
    unit: unitName.refine((s) => !s.includes(':'), '单位名称不能含有 ":"'),
    deadlineText: boundedText('完成时限原文', 200, { optional: true }).default(''),
    due: calendarDate,
    /** Defaults to every quarter end until the due date, and the due date. */
    reportsDue: z
      .array(calendarDate)
      .min(1, '报送日期至少一个')
      .max(MAX_REPORT_DATES, `报送日期最多 ${MAX_REPORT_DATES} 个`)
      .refine((dates) => dates.every((d, i) => i === 0 || dates[i - 1]! < d), '报送日期须按先后排列且互不重复')
      .optional(),
    coordinator: boundedText('督办单位（如 市政府督查室）', LIMITS.unit).optional(),
    policy: supervisionPolicySchema.optional(),
  })
  .strict();
export type AssignRequest = z.input<typeof assignRequestSchema>;

export interface AssignmentServiceOptions {
  client: Client;
  taskQueue: string;
  coordinator: string;
  /** Binds Idempotency-Keys to their requests; without it a key is used as the update id unchecked. */
  idempotency?: IdempotencyKeys;
  /** The moment "now" for new assignments; the real clock outside tests. */
  now?: () => Date;
  /**
   * The working-day calendar's years (the package's and those imported). Given, an assignment is made as version 2:
   * its reminders and escalations count working days on the calendar slice it carries. Without, as version 1
   * (calendar days), which only tools that replay or record the first assignments still make.
   */
  calendarYears?: () => Promise<readonly YearDates[]>;
  /**
   * The workflow type new assignments start as: `assignmentWorkflowV2` (ASSIGNMENT_WORKFLOW_TYPE). Tests of runs begun
   * before it give the old type, `assignmentWorkflow`, whose runs still ask each patch.
   */
  workflowType?: 'assignmentWorkflow' | typeof ASSIGNMENT_WORKFLOW_TYPE;
  /**
   * The evidence store's view of the files a report or a closure request cites (infra/evidence-store.ts
   * resolveEvidence). Without it, a call citing evidence is refused: nothing can vouch for the files.
   */
  resolveEvidence?: (cited: ReadonlyArray<Pick<EvidenceRef, 'sha256' | 'name'>>) => Promise<{
    refs: EvidenceRef[];
    missing: string[];
  }>;
  /**
   * An assignment's events as the event store holds them (infra/audit-store.ts assignmentEventsOf). Given, an
   * assignment whose workflow has not yet run its first task — a launch puts that off until it ends
   * (activities/launch-pace.ts) — is shown from them at once; without, `status` waits for that task, as a query does.
   */
  storedEvents?: (assignmentId: string) => Promise<AssignmentEvent[]>;
}

/**
 * Histories shorter than this are read to see whether the workflow has completed a task yet. One that has not holds
 * few events: its start, its first task scheduled and started, and again for each time that task timed out.
 */
const FEW_EVENTS = 16;

/**
 * Whether a workflow has completed a workflow task: whether its code has set its state, so that a query is answered
 * at once. A query before that waits for the first task, which a launch puts off until it ends
 * (activities/launch-pace.ts).
 */
function hasCompletedTask(history: temporal.api.history.v1.IHistory): boolean {
  return (history.events ?? []).some((e) => e.workflowTaskCompletedEventAttributes);
}

/** One workflow per task item × lead unit, so its id says which: "ezhou-2017:五.(二).29:市质监局". */
export function assignmentIdOf(planId: string, ref: string, unit: string): string {
  return `${planId}:${ref}:${unit}`;
}

export class AssignmentService {
  private readonly now: () => Date;

  constructor(private readonly options: AssignmentServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * After a calendar year was imported: each running assignment on this service's task queue that belongs to no cycle
   * (a cycle passes the calendar on itself) and whose calendar reaches into `year` gets its calendar cut again from
   * `years`, in its coordinator's name, with `reason`. Counts what became of them: given the new calendar, already on
   * it (or version 1, which counts calendar days), or ended meanwhile.
   */
  async recountWorkingDays(
    year: YearDates,
    years: readonly YearDates[],
    reason: string,
  ): Promise<{ updated: number; unchanged: number; closed: number }> {
    const span = noticeSpan(year);
    const counts = { updated: 0, unchanged: 0, closed: 0 };
    const query =
      `TaskQueue = '${this.options.taskQueue}' AND ExecutionStatus = 'Running' AND DubanCycle IS NULL ` +
      `AND WorkflowType IN ('${ASSIGNMENT_WORKFLOW_TYPE}', 'assignmentWorkflow')`;
    const ids: string[] = [];
    for await (const info of this.options.client.workflow.list({ query })) ids.push(info.workflowId);
    await eachLimited(ids, 16, async (id) => {
      const handle = this.options.client.workflow.getHandle(id);
      try {
        const { spec } = await handle.query(statusQuery);
        if (!spec || spec.version === 1 || spec.calendar.from > span.to || spec.calendar.to < span.from) {
          counts.unchanged++;
          return;
        }
        const calendar = calendarSlice({ from: spec.calendar.from, to: spec.calendar.to }, years);
        if (sameCalendar(calendar, spec.calendar)) {
          counts.unchanged++;
          return;
        }
        await handle.executeUpdate(updateCalendarUpdate, { args: [{ by: spec.coordinator, calendar, reason }] });
        counts.updated++;
      } catch (error) {
        // ended, or refused for its own state, between the listing and the update
        if (!(error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError)) throw error;
        counts.closed++;
      }
    });
    return counts;
  }

  /** The office that assigns when a request names none: who a 交办 comes from. */
  get coordinator(): string {
    return this.options.coordinator;
  }

  /**
   * 交办: starts the assignment's workflow and answers once its TaskAssigned event is stored (update-with-start), so
   * the caller knows the task exists, not merely that it was requested. Everything the workflow would refuse is
   * refused here first, by the same pure decider, so no run starts only to fail.
   */
  async assign(body: unknown): Promise<AssignmentView> {
    const request = parse(assignRequestSchema, body);
    const now = this.now();
    const v1 = this.specOf(request, shanghaiDate(now));
    const spec = this.options.calendarYears ? await this.workingDaySpec(v1, request, shanghaiDate(now)) : v1;
    try {
      decide({ type: 'AssignTask', now, spec }, initialState);
    } catch (error) {
      if (error instanceof DomainError) throw new AppError(error.code, error.message);
      throw error;
    }
    const assignmentId = assignmentIdOf(request.planId, request.ref, request.unit);
    const { actor: assignedBy } = assigningOffice(request.coordinator, this.options.coordinator);
    const start = new WithStartWorkflowOperation<typeof assignmentWorkflowV2>(
      this.options.workflowType ?? ASSIGNMENT_WORKFLOW_TYPE,
      {
        taskQueue: this.options.taskQueue,
        workflowId: assignmentId,
        args: [{ spec, ...(assignedBy && { actor: assignedBy }) }],
        // What it shows once assigned, so that its first task has nothing to upsert.
        typedSearchAttributes: assignedSearchAttributes(spec, now),
        workflowIdConflictPolicy: 'FAIL',
        // One event stream per id: a completed run's id is never reused. A run that failed before storing anything
        // may be started again; one that failed after would meet its stored events and stop (EVENT_STREAM_CONFLICT).
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      },
    );
    try {
      return await this.options.client.workflow.executeUpdateWithStart(assignedUpdate, {
        startWorkflowOperation: start,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new AppError('ALREADY_ASSIGNED', `计划 ${request.planId} 的任务 ${request.ref} 已交办给${request.unit}`);
      }
      throw this.translate(error, assignmentId);
    }
  }

  /** The same assignment as version 2: its periods named as version 1 names them, its days counted as working days. */
  private async workingDaySpec(
    v1: AssignmentSpec,
    request: z.output<typeof assignRequestSchema>,
    today: string,
  ): Promise<AssignmentSpecV3> {
    const years = await this.options.calendarYears!();
    const { reportsDue, policy, ...rest } = v1;
    return {
      ...rest,
      cooperating: [],
      periods: reportsDue.map((due) => ({ key: quarterKey(due), label: quarterLabel(due), due })),
      policy: request.policy ? { ...policy, days: 'working' } : DEFAULT_CYCLE_POLICY,
      calendar: calendarSlice({ from: today, to: addDays(v1.due, 60) }, years),
      lights: DEFAULT_LIGHTS,
      ...DEFAULT_CONVERSATION,
      targets: [],
    };
  }

  private specOf(request: z.output<typeof assignRequestSchema>, today: string): AssignmentSpec {
    if (request.due < today) {
      throw new AppError('INVALID_SPEC', `完成时限 ${request.due} 已过；请给出 ${today} 及以后的日期`);
    }
    const horizon = addDays(today, DUE_HORIZON_YEARS * 366);
    if (request.due > horizon) {
      throw new AppError(
        'INVALID_SPEC',
        `完成时限 ${request.due} 超出 ${DUE_HORIZON_YEARS} 年的督办期限；请给出 ${horizon} 以前的日期，长期任务按年度分期交办`,
      );
    }
    const reportsDue = request.reportsDue ?? reportDueDates(today, request.due);
    const late = reportsDue.find((d) => d > request.due);
    if (late) {
      throw new AppError('INVALID_SPEC', `报送日期 ${late} 晚于完成时限 ${request.due}；报送日期不能晚于完成时限`);
    }
    return parse(assignmentSpecSchema, {
      taskId: `${request.planId}:${request.ref}`,
      ref: request.ref,
      title: request.title,
      unit: request.unit,
      coordinator: assigningOffice(request.coordinator, this.options.coordinator).office,
      deadlineText: request.deadlineText,
      due: request.due,
      reportsDue,
      policy: request.policy ?? DEFAULT_POLICY,
    });
  }

  /*
   * `requestId` (the HTTP Idempotency-Key) becomes the update's id: Temporal applies an update id once per workflow
   * run, so a client that retries after a lost answer gets the first answer, not a second report.
   */

  async acknowledge(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [AcknowledgePayload] = [parse(acknowledgePayloadSchema, body)];
    await this.bindKey(requestId, 'acknowledge', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(acknowledgeUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 报送进展, with evidence already uploaded (POST /evidence); a report not yet reviewed may be replaced. */
  async submitReport(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const payload = parse(progressReportPayloadSchema, body);
    const args: [ProgressReportPayload] = [
      payload.evidence ? { ...payload, evidence: await this.vouchFor(payload.evidence) } : payload,
    ];
    await this.bindKey(requestId, 'submitReport', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(submitReportUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 审核: the coordinator accepts a period's report, or returns it for rework with a comment. */
  async reviewReport(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ReviewPayload] = [parse(reviewPayloadSchema, body)];
    await this.bindKey(requestId, 'reviewReport', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(reviewReportUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 延期申请: the unit asks for a later due date for a period, or for the item. */
  async requestExtension(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ExtensionPayload] = [parse(extensionPayloadSchema, body)];
    await this.bindKey(requestId, 'requestExtension', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(requestExtensionUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** The coordinator's answer to the pending extension request. */
  async decideExtension(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [DecisionPayload] = [parse(decisionPayloadSchema, body)];
    await this.bindKey(requestId, 'decideExtension', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(decideExtensionUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 调整时限: the coordinator moves a due date, with a reason. */
  async moveDeadline(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [MoveDeadlinePayload] = [parse(moveDeadlinePayloadSchema, body)];
    await this.bindKey(requestId, 'moveDeadline', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(moveDeadlineUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 申请办结: the unit asks for closure with a summary and evidence. */
  async requestClosure(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const payload = parse(closureRequestPayloadSchema, body);
    const args: [ClosureRequestPayload] = [{ ...payload, evidence: await this.vouchFor(payload.evidence) }];
    await this.bindKey(requestId, 'requestClosure', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(requestClosureUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** The coordinator's answer to the pending closure request: 办结（销号）, or 退办 with a comment. */
  async decideClosure(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [DecisionPayload] = [parse(decisionPayloadSchema, body)];
    await this.bindKey(requestId, 'decideClosure', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(decideClosureUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 协办意见: a cooperating unit's contribution to the lead's report, with evidence already uploaded. */
  async contribute(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const payload = parse(contributionPayloadSchema, body);
    const args: [ContributionPayload] = [
      payload.evidence ? { ...payload, evidence: await this.vouchFor(payload.evidence) } : payload,
    ];
    await this.bindKey(requestId, 'contribute', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(contributeUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 调整督办规则: the coordinator changes one item's reminders and escalation ladder, with a reason. */
  async changePolicy(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ChangePolicyPayload] = [parse(changePolicyPayloadSchema, body)];
    await this.bindKey(requestId, 'changePolicy', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(changePolicyUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 调整配合单位: the coordinator adds or removes cooperating units, with a reason. */
  async changeCooperating(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ChangeCooperatingPayload] = [parse(changeCooperatingPayloadSchema, body)];
    await this.bindKey(requestId, 'changeCooperating', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(changeCooperatingUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 退回: the unit says the item is not its own. */
  async sendBack(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [SendBackPayload] = [parse(sendBackPayloadSchema, body)];
    await this.bindKey(requestId, 'sendBack', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(sendBackUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 坚持交办: the coordinator keeps a sent-back item with its unit, saying why. */
  async insist(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [InsistPayload] = [parse(insistPayloadSchema, body)];
    await this.bindKey(requestId, 'insist', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(insistUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 改派: the coordinator hands the item to another unit; the answer names the new assignment (`reassigned`). */
  async reassign(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ReassignPayload] = [parse(reassignPayloadSchema, body)];
    await this.bindKey(requestId, 'reassign', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(reassignUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /**
   * The cited files as the evidence store knows them — their stored size and type, whatever the caller said — or a
   * refusal naming the ones never uploaded, before anything is recorded.
   */
  private async vouchFor(cited: readonly EvidenceRef[]): Promise<EvidenceRef[]> {
    if (cited.length === 0) return [];
    if (!this.options.resolveEvidence) {
      throw new AppError('EVIDENCE_NOT_STORED', '本服务未连接佐证材料库，不能引用佐证材料');
    }
    const { refs, missing } = await this.options.resolveEvidence(cited);
    if (missing.length > 0) {
      throw new AppError(
        'EVIDENCE_NOT_STORED',
        `佐证材料 ${missing.map((h) => h.slice(0, 12)).join('、')} 尚未上传；请先用 POST /evidence 上传文件，再引用它返回的 sha256`,
      );
    }
    return refs;
  }

  async complete(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [CompletePayload] = [parse(completePayloadSchema, body)];
    await this.bindKey(requestId, 'complete', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(completeUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 暂停: the coordinator stops the assignment's clock, with a reason. */
  async pause(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [CoordinatorAction] = [parse(coordinatorActionSchema, body)];
    await this.bindKey(requestId, 'pause', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(pauseUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 恢复: the clock goes on. */
  async resume(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ResumePayload] = [parse(resumePayloadSchema, body)];
    await this.bindKey(requestId, 'resume', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(resumeUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /** 撤销: the coordinator withdraws the item, with a reason. */
  async cancel(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [CoordinatorAction] = [parse(coordinatorActionSchema, body)];
    await this.bindKey(requestId, 'cancel', assignmentId, args[0]);
    return this.update(assignmentId, (h) =>
      h.executeUpdate(cancelUpdate, { args: [called(args[0])], ...updateId(requestId) }),
    );
  }

  /**
   * The current state; a completed assignment answers from its result, and one whose workflow has not yet run its
   * first task from its stored events (a query would wait for that task, and a launch puts it off until it ends).
   */
  async status(assignmentId: string): Promise<AssignmentView> {
    const handle = this.options.client.workflow.getHandle(assignmentId);
    try {
      const { status, historyLength } = await handle.describe();
      if (status.name === 'COMPLETED') return (await handle.result()) as AssignmentView;
      if (status.name === 'RUNNING' && historyLength < FEW_EVENTS && !hasCompletedTask(await handle.fetchHistory())) {
        const stored = await this.storedView(assignmentId);
        if (stored) return stored;
      }
      return await handle.query(statusQuery);
    } catch (error) {
      throw this.translate(error, assignmentId);
    }
  }

  /**
   * The assignment as its stored events show it; none before its 交办 is stored, without the store, or while the store
   * does not answer (the query then waits for the workflow, as it did before there was this view).
   */
  private async storedView(assignmentId: string): Promise<AssignmentView | undefined> {
    const events = await this.options.storedEvents?.(assignmentId).catch(() => undefined);
    const state = events && fold(events);
    return state?.spec ? assignmentView(assignmentId, state, this.now()) : undefined;
  }

  private async bindKey(requestId: string | undefined, operation: string, assignmentId: string, body: unknown) {
    if (requestId !== undefined) await this.options.idempotency?.bind(requestId, { operation, assignmentId, body });
  }

  private async update(
    assignmentId: string,
    send: (h: WorkflowHandle) => Promise<AssignmentView>,
  ): Promise<AssignmentView> {
    const handle = this.options.client.workflow.getHandle(assignmentId);
    try {
      return await send(handle);
    } catch (error) {
      throw await this.explainClosed(handle, assignmentId, this.translate(error, assignmentId));
    }
  }

  /** An update to a closed workflow comes back as "not found"; say instead that the task was closed (办结). */
  private async explainClosed(handle: WorkflowHandle, assignmentId: string, error: unknown): Promise<unknown> {
    if (!(error instanceof AppError) || error.code !== 'UNKNOWN_TASK') return error;
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name === 'COMPLETED') {
      const closed = description.closeTime ? `已于 ${formatShanghai(description.closeTime)} ` : '已';
      const ended = (await handle.result().catch(() => undefined)) as AssignmentView | undefined;
      if (ended?.reassigned) {
        return new AppError(
          'ALREADY_REASSIGNED',
          `任务 ${assignmentId} ${closed}改由${ended.reassigned.to}牵头，不再办理；请对新任务 ${ended.reassigned.successor} 办理`,
        );
      }
      if (ended?.status === 'cancelled') {
        return new AppError('ALREADY_CANCELLED', `任务 ${assignmentId} ${closed}撤销，不能再记录任何事项`);
      }
      return new AppError('ALREADY_COMPLETED', `任务 ${assignmentId} ${closed}办结，不能再记录任何事项`);
    }
    return error;
  }

  private translate(error: unknown, assignmentId: string): unknown {
    const grpc = grpcCause(error);
    if (grpc && (grpc.code === GRPC_UNAVAILABLE || grpc.code === GRPC_DEADLINE_EXCEEDED)) {
      return new AppError(
        'SERVER_UNREACHABLE',
        'Temporal 服务暂时无法连接；请稍后重试（运维人员：检查 Temporal 是否运行）',
      );
    }
    if (error instanceof WorkflowNotFoundError) {
      return new AppError('UNKNOWN_TASK', `没有编号为 ${assignmentId} 的任务；请核对编号，或先交办该任务`);
    }
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type ?? undefined;
      if (isAppErrorCode(code)) return new AppError(code, error.cause.message);
    }
    return error;
  }
}

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The gRPC status behind a client error: the SDK wraps it (a ServiceError's `cause`), sometimes more than once. */
function grpcCause(error: unknown): { code: number } | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e;
  }
  return undefined;
}

function updateId(requestId: string | undefined): { updateId?: string } {
  return requestId ? { updateId: requestId } : {};
}

/** The edge trims the blanks around every text, then checks the request as the workflow will. */
function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(trimStrings(body));
  if (result.success) return result.data;
  throw new AppError('INVALID_PAYLOAD', `请求格式有误：${describeIssues(result.error, '请求体')}`);
}
