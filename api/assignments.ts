/**
 * The application's assignment functions: the API, the CLI and the demo call these, never Temporal directly. They
 * validate at the edge, start or message the workflow, and turn Temporal's failures into AppErrors that say what
 * went wrong in the caller's terms.
 */
import {
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { reportDueDates, shanghaiDate } from '../domain/calendar';
import { describeIssues } from '../domain/validation';
import { assignmentSpecSchema, supervisionPolicySchema } from '../workflows/assignment/events';
import {
  acknowledgePayloadSchema,
  acknowledgeUpdate,
  completePayloadSchema,
  completeUpdate,
  progressReportPayloadSchema,
  statusQuery,
  submitReportUpdate,
  type AcknowledgePayload,
  type AssignmentView,
  type CompletePayload,
  type ProgressReportPayload,
} from '../workflows/assignment/messages';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import type { assignmentWorkflow } from '../workflows/assignment/workflow';
import { AppError, isAppErrorCode } from './errors';

/** What a coordinator gives to assign one task item to one lead unit. */
export const assignRequestSchema = z
  .object({
    planId: z
      .string()
      .trim()
      .min(1)
      .regex(/^[^:]+$/, 'planId must not contain ":"'),
    ref: z.string().trim().min(1),
    title: z.string().trim().min(1),
    unit: z.string().trim().min(1),
    deadlineText: z.string().default(''),
    due: assignmentSpecSchema.shape.due,
    /** Defaults to every quarter end until the due date, and the due date. */
    reportsDue: assignmentSpecSchema.shape.reportsDue.optional(),
    coordinator: z.string().trim().min(1).optional(),
    policy: supervisionPolicySchema.optional(),
  })
  .strict();
export type AssignRequest = z.input<typeof assignRequestSchema>;

export interface AssignmentServiceOptions {
  client: Client;
  taskQueue: string;
  coordinator: string;
  /** The moment "now" for new assignments; the real clock outside tests. */
  now?: () => Date;
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

  async assign(body: unknown): Promise<AssignmentView> {
    const request = parse(assignRequestSchema, body);
    const today = shanghaiDate(this.now());
    if (request.due < today) {
      throw new AppError('INVALID_SPEC', `due date ${request.due} has passed; give a due date from ${today} on`);
    }
    const assignmentId = assignmentIdOf(request.planId, request.ref, request.unit);
    const spec = parse(assignmentSpecSchema, {
      taskId: `${request.planId}:${request.ref}`,
      ref: request.ref,
      title: request.title,
      unit: request.unit,
      coordinator: request.coordinator ?? this.options.coordinator,
      deadlineText: request.deadlineText,
      due: request.due,
      reportsDue: request.reportsDue ?? reportDueDates(today, request.due),
      policy: request.policy ?? DEFAULT_POLICY,
    });
    try {
      const handle = await this.options.client.workflow.start<typeof assignmentWorkflow>('assignmentWorkflow', {
        taskQueue: this.options.taskQueue,
        workflowId: assignmentId,
        // One lifecycle per id for good: a second run would restart its event stream at seq 1 over the first's.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ spec }],
      });
      return await this.query(handle);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new AppError(
          'ALREADY_ASSIGNED',
          `task ${request.ref} is already assigned to ${request.unit} in plan ${request.planId}`,
        );
      }
      throw error;
    }
  }

  /*
   * `requestId` (the HTTP Idempotency-Key) becomes the update's id: Temporal applies an update id once per workflow
   * run, so a client that retries after a lost answer gets the first answer, not a second report.
   */

  acknowledge(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [AcknowledgePayload] = [parse(acknowledgePayloadSchema, body)];
    return this.update(assignmentId, (h) => h.executeUpdate(acknowledgeUpdate, { args, ...updateId(requestId) }));
  }

  submitReport(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [ProgressReportPayload] = [parse(progressReportPayloadSchema, body)];
    return this.update(assignmentId, (h) => h.executeUpdate(submitReportUpdate, { args, ...updateId(requestId) }));
  }

  complete(assignmentId: string, body: unknown, requestId?: string): Promise<AssignmentView> {
    const args: [CompletePayload] = [parse(completePayloadSchema, body)];
    return this.update(assignmentId, (h) => h.executeUpdate(completeUpdate, { args, ...updateId(requestId) }));
  }

  /** The current state; a completed assignment answers from its result. */
  async status(assignmentId: string): Promise<AssignmentView> {
    const handle = this.options.client.workflow.getHandle(assignmentId);
    try {
      const { status } = await handle.describe();
      if (status.name === 'COMPLETED') return (await handle.result()) as AssignmentView;
      return await this.query(handle);
    } catch (error) {
      throw this.translate(error, assignmentId);
    }
  }

  private query(handle: WorkflowHandle): Promise<AssignmentView> {
    return handle.query(statusQuery);
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
      return new AppError(
        'ALREADY_COMPLETED',
        `task ${assignmentId} was completed (办结) at ${description.closeTime?.toISOString()}; nothing more can be recorded`,
      );
    }
    return error;
  }

  private translate(error: unknown, assignmentId: string): unknown {
    if (isGrpcServiceError(error) && error.code === GRPC_UNAVAILABLE) {
      return new AppError(
        'SERVER_UNREACHABLE',
        `Temporal did not answer (${error.details}): start the local stack with \`scripts/stack.sh up\``,
      );
    }
    if (error instanceof WorkflowNotFoundError) {
      return new AppError(
        'UNKNOWN_TASK',
        `no task is assigned under ${assignmentId}: check the id, or assign the task first`,
      );
    }
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type ?? undefined;
      if (isAppErrorCode(code)) return new AppError(code, error.cause.message);
    }
    return error;
  }
}

const GRPC_UNAVAILABLE = 14;

function updateId(requestId: string | undefined): { updateId?: string } {
  return requestId ? { updateId: requestId } : {};
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new AppError('INVALID_PAYLOAD', `malformed request: ${describeIssues(result.error, 'body')}`);
}
