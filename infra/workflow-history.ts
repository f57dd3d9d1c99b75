/**
 * The Temporal side of `duban audit verify` and `export`: a workflow's history, every run of it (a cycle continues as
 * new when its history grows long), the `recordEvents` calls read out of it, and its replay with the current
 * workflow code.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { tsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import type { RecordCall } from '../domain/audit/history';
import { BUILT_WORKFLOW_BUNDLE, WORKFLOWS_PATH } from '../worker/create-worker';

type History = temporal.api.history.v1.IHistory;

export interface WorkflowRun {
  runId: string;
  history: History;
}

/**
 * Every run of a workflow, the first first: the latest run's history, then each run it continued from, found by the
 * run id its first event names. Undefined when Temporal has no such workflow (never started here, or past the
 * namespace's retention).
 */
export async function fetchRuns(client: Client, workflowId: string): Promise<WorkflowRun[] | undefined> {
  const runs: WorkflowRun[] = [];
  try {
    let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
    while (runId) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      runs.unshift({ runId, history });
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
  } catch (error) {
    if (error instanceof WorkflowNotFoundError || (error as Error).name === 'WorkflowNotFoundError') return undefined;
    throw error;
  }
  return runs;
}

/** The `recordEvents` activities of some runs, in history order, with their decoded input and their outcome. */
export function recordCalls(runs: readonly WorkflowRun[]): RecordCall[] {
  const calls: RecordCall[] = [];
  for (const { runId, history } of runs) {
    const byId = new Map<string, RecordCall>();
    for (const e of history.events ?? []) {
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'recordEvents') {
        const input = scheduled.input?.payloads?.[0];
        const call: RecordCall = {
          runId,
          eventId: String(e.eventId),
          scheduledAt: tsToDate(e.eventTime!).toISOString(),
          outcome: 'pending',
          events: input ? defaultPayloadConverter.fromPayload(input as Payload) : [],
        };
        byId.set(call.eventId, call);
        calls.push(call);
        continue;
      }
      const done = e.activityTaskCompletedEventAttributes;
      if (done) {
        const call = byId.get(String(done.scheduledEventId));
        if (call) call.outcome = 'completed';
        continue;
      }
      const ended =
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes ??
        e.activityTaskCanceledEventAttributes;
      if (ended) {
        const call = byId.get(String(ended.scheduledEventId));
        if (call) call.outcome = 'failed';
      }
    }
  }
  return calls;
}

/** The workflow code replays run against: the build's bundle when compiled, else bundled from workflows/ once. */
export async function replayBundle(): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
  if (__filename.endsWith('.js') && existsSync(BUILT_WORKFLOW_BUNDLE)) return { codePath: BUILT_WORKFLOW_BUNDLE };
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop },
  });
  return { code };
}

/** Replays print their warnings (a non-determinism, expected when one is found) only as errors: the report says it. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // A runtime is installed already (a test, the worker): its logger stays.
  }
}

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  error?: string;
}

/**
 * Replays runs with the current workflow code, in one replay worker: a run whose recorded commands the code would
 * not issue the same way fails with Temporal's non-determinism message.
 */
export async function replayRuns(
  bundle: NonNullable<WorkerOptions['workflowBundle']>,
  runs: ReadonlyArray<{ workflowId: string } & WorkflowRun>,
): Promise<ReplayOutcome[]> {
  quietRuntime();
  const outcomes: ReplayOutcome[] = [];
  const histories = runs.map(({ workflowId, history }) => ({ workflowId, history }));
  let i = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'duban-audit' },
    histories,
  )) {
    const run = runs[i++]!;
    outcomes.push({
      workflowId: result.workflowId,
      runId: run.runId,
      ...(result.error !== undefined && { error: (result.error as Error).message ?? String(result.error) }),
    });
  }
  return outcomes;
}
