/**
 * One supervision cycle (督办周期) as a durable workflow: it holds the cycle's configuration, starts its assignments
 * in batches (from the task table stored in PostgreSQL at launch), issues each period's 督查通报 after the period's
 * last escalation step, and carries out the coordinator's actions on the whole cycle — pause, resume, cancel, a
 * notice to every unit — each recorded with who did it and why.
 *
 * Assignments are workflows of their own, started by an activity with ids derived from the table, so a relaunch or a
 * launch taken up again after a crash starts only what is missing, and they go on if this workflow restarts. Its
 * history stays small — a handful of events per batch of 500 assignments and per bulletin — and it continues as new
 * when Temporal suggests it, carrying its state.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Activities } from '../../activities/types';
import { describeIssues } from '../../domain/validation';
import type { CycleEvent, RecordedCycleEvent } from './events';
import { cycleStream } from './events';
import { calledSchema, type Caller } from '../assignment/caller';
import type { Called } from '../assignment/messages';
import { cycleProvenanceOf } from './provenance';
import {
  cancelCycleUpdate,
  cycleActionSchema,
  cycleInputSchema,
  cycleNoticeSchema,
  cycleResumeSchema,
  cycleStatusQuery,
  notifyUnitsUpdate,
  pauseCycleUpdate,
  resumeCycleUpdate,
  cycleCalendarSchema,
  updateCycleCalendarUpdate,
  type CycleInput,
  type CycleStatus,
  type CycleView,
} from './messages';
import { UNTIL_IT_WORKS } from '../retry';
import { bulletinInstant } from './schedule';
import { carryOf, evolveCarry, type CycleCarry } from './carry';
import { sameCalendar } from '../../domain/working-days';

const { recordEvents, deliverNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: UNTIL_IT_WORKS,
});

/** Starting a batch and acting on every assignment take longer; they heartbeat their progress. */
const { startCycleAssignments, broadcastToCycle, cycleSchedule, computeCycleBulletin, cycleUnits } =
  proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    retry: UNTIL_IT_WORKS,
  });

/** Assignments started per activity: its heartbeats show the progress in between. */
export const LAUNCH_BATCH = 500;

/**
 * Patch: the bulletins' schedule is read from the stored table while the first batch starts, not after the last: the
 * launch then ends one activity sooner, at the moment it is slowest to get a workflow task through (the worker busy
 * with the first tasks of the assignments it just started). Runs recorded before it (tests/replay/histories/cycle,
 * local-cycle, wf2-cycle) read it after the last batch, as they did.
 */
export const SCHEDULE_WITH_STARTS = 'schedule-with-starts';

/**
 * How long after a resume, or a calendar given, a bulletin due by then waits, so what the assignments catch up on (the
 * notices held back, the steps the new calendar brings due) is in it.
 */
const RESUME_SETTLE_MS = 60 * 60 * 1000;

export async function cycleWorkflow(input: CycleInput, carried?: CycleCarry): Promise<CycleView> {
  const { cycleId, config, items, tableHash, launchedBy } = parse(cycleInputSchema, input);
  const stream = cycleStream(cycleId);
  const state: CycleCarry = carried ?? carryOf([]);
  let recording: Promise<void> = Promise.resolve();
  /** The configuration as it stands: the launch's, with the calendar last given to the cycle. */
  const current = () => (state.calendar ? { ...config, calendar: state.calendar } : config);
  /** Until when a bulletin waits after the last resume or calendar given (0: it need not wait). */
  const settledAt = () =>
    Math.max(...[state.resumedAt, state.recountedAt].map((at) => (at ? new Date(at).getTime() + RESUME_SETTLE_MS : 0)));
  /** Calendars are given one after another, each to every assignment before the next: they arrive in order. */
  let recounting: Promise<void> = Promise.resolve();

  const view = (): CycleView => ({
    cycleId,
    title: config.title,
    coordinator: config.coordinator,
    status: state.status,
    items,
    started: state.started,
    existing: state.existing,
    ...(state.paused && { paused: state.paused }),
    ...(state.cancelled && { cancelled: state.cancelled }),
    schedule: state.schedule,
    bulletins: state.bulletins,
    config: current(),
  });

  /**
   * Records an event of the cycle's stream in its turn, with who made it happen and this run's ids (a cycle that
   * continued as new names its new run); it counts once stored, as an assignment's do (carry.ts `evolveCarry`).
   */
  const record = (event: CycleEvent, caller?: Caller): Promise<void> => {
    const turn = recording.then(async () => {
      const { workflowId, runId } = workflowInfo();
      const recorded: RecordedCycleEvent = {
        assignmentId: stream,
        seq: state.seq + 1,
        event,
        meta: { ...cycleProvenanceOf(event, caller), workflowId, runId },
      };
      await recordEvents([recorded]);
      evolveCarry(state, recorded.seq, event);
    });
    recording = turn.catch(() => undefined);
    return turn;
  };

  const now = () => new Date();
  const requireCoordinator = (by: string, what: string) => {
    if (by !== config.coordinator) {
      throw ApplicationFailure.nonRetryable(
        `${by}不是督办周期 ${cycleId} 的督办单位，不能${what}；请由${config.coordinator}办理`,
        'NOT_COORDINATOR',
      );
    }
  };
  const refuse = (code: string, message: string): never => {
    throw ApplicationFailure.nonRetryable(message, code);
  };

  /** An update's handler: `act` gets the payload as accepted, and the caller the API named (`actor`), if any. */
  const handle = <S extends z.ZodObject>(
    update: UpdateDefinition<CycleView, [Called<z.infer<S>>]>,
    schema: S,
    check: (payload: z.infer<S>) => void,
    act: (payload: z.infer<S>, at: string, caller: Caller | undefined) => Promise<void>,
  ) => {
    const called = calledSchema(schema);
    setHandler(
      update,
      async ({ actor, ...payload }) => {
        await act(payload as z.infer<S>, now().toISOString(), actor);
        return view();
      },
      {
        validator: (payload) => {
          parse(called, payload);
          check(payload);
        },
      },
    );
  };

  handle(
    pauseCycleUpdate,
    cycleActionSchema,
    ({ by }) => {
      requireCoordinator(by, '暂停');
      if (state.status === 'launching')
        refuse('CYCLE_LAUNCHING', `督办周期 ${cycleId} 正在发布任务，请发布完成后再暂停`);
      if (state.status !== 'running')
        refuse('CYCLE_NOT_RUNNING', `督办周期 ${cycleId} 当前${STATUS_WORD[state.status]}，不能暂停`);
    },
    async ({ by, reason }, at, caller) => {
      await record({ type: 'CyclePaused', version: 1, at, by, reason }, caller);
      await broadcastToCycle({
        cycleId,
        action: 'pause',
        payload: { by, reason, ...(caller && { actor: caller }) },
        requestId: `${stream}#${state.seq}`,
      });
    },
  );
  handle(
    resumeCycleUpdate,
    cycleResumeSchema,
    ({ by }) => {
      requireCoordinator(by, '恢复');
      if (state.status !== 'paused')
        refuse('CYCLE_NOT_PAUSED', `督办周期 ${cycleId} 当前${STATUS_WORD[state.status]}，无需恢复`);
    },
    async ({ by, reason }, at, caller) => {
      await record({ type: 'CycleResumed', version: 1, at, by, ...(reason !== undefined && { reason }) }, caller);
      await broadcastToCycle({
        cycleId,
        action: 'resume',
        payload: { by, ...(reason !== undefined && { reason }), ...(caller && { actor: caller }) },
        requestId: `${stream}#${state.seq}`,
      });
    },
  );
  handle(
    cancelCycleUpdate,
    cycleActionSchema,
    ({ by }) => {
      requireCoordinator(by, '撤销');
      if (state.status === 'cancelled' || state.status === 'finished') {
        refuse('CYCLE_CLOSED', `督办周期 ${cycleId} 已${STATUS_WORD[state.status]}`);
      }
    },
    async ({ by, reason }, at, caller) => {
      await record({ type: 'CycleCancelled', version: 1, at, by, reason }, caller);
      await broadcastToCycle({
        cycleId,
        action: 'cancel',
        payload: { by, reason, ...(caller && { actor: caller }) },
        requestId: `${stream}#${state.seq}`,
      });
    },
  );
  handle(
    notifyUnitsUpdate,
    cycleNoticeSchema,
    ({ by }) => {
      requireCoordinator(by, '发通知');
      if (state.status === 'cancelled') refuse('CYCLE_CLOSED', `督办周期 ${cycleId} 已撤销`);
    },
    async ({ by, subject, body }, at, caller) => {
      const recipients = await cycleUnits({ cycleId });
      await record({ type: 'CycleNoticeSent', version: 1, at, by, subject, body, recipients }, caller);
      await deliverNotices(
        recipients.map((recipient) => ({
          key: `${stream}#${state.seq}#${recipient}`,
          assignmentId: stream,
          seq: state.seq,
          at,
          recipient,
          kind: 'cycle-notice' as const,
          subject: `【通知】${subject}`,
          body: `${recipient}：${body}（${by}）`,
        })),
      );
    },
  );
  handle(
    updateCycleCalendarUpdate,
    cycleCalendarSchema,
    ({ by, calendar }) => {
      requireCoordinator(by, '更新节假日安排');
      if (state.status === 'launching')
        refuse('CYCLE_LAUNCHING', `督办周期 ${cycleId} 正在发布任务，请发布完成后再更新节假日安排`);
      if (state.status === 'cancelled' || state.status === 'finished')
        refuse('CYCLE_CLOSED', `督办周期 ${cycleId} 已${STATUS_WORD[state.status]}，无需更新节假日安排`);
      const held = current().calendar;
      if (calendar.from !== held.from || calendar.to !== held.to) {
        refuse(
          'INVALID_SPEC',
          `督办周期 ${cycleId} 的工作日日历覆盖 ${held.from} 至 ${held.to}；` +
            `新的日历（${calendar.from} 至 ${calendar.to}）须覆盖同一时段`,
        );
      }
      if (sameCalendar(calendar, held))
        refuse('CALENDAR_UNCHANGED', `督办周期 ${cycleId} 的工作日日历已是如此，无需更新`);
    },
    async ({ by, calendar, reason }, at, caller) => {
      const turn = recounting.then(async () => {
        if (sameCalendar(calendar, current().calendar)) return; // the same calendar, given just before this one
        // a bulletin not yet issued goes after its period's last ladder step as the new calendar counts it
        const schedule = state.schedule.map((p) =>
          state.bulletins.some((b) => b.period === p.key)
            ? p
            : { ...p, at: bulletinInstant({ ...config, calendar }, p.lastDue).toISOString() },
        );
        await record({ type: 'CycleCalendarUpdated', version: 1, at, by, calendar, reason, schedule }, caller);
        await broadcastToCycle({
          cycleId,
          action: 'calendar',
          payload: { by, calendar, reason, ...(caller && { actor: caller }) },
          requestId: `${stream}#${state.seq}`,
        });
      });
      recounting = turn.catch(() => undefined);
      await turn;
    },
  );
  setHandler(cycleStatusQuery, view);

  /** Continues as new at a quiet moment when the history grows long, carrying the state. */
  const keepHistoryShort = async () => {
    if (!workflowInfo().continueAsNewSuggested) return;
    await recording;
    await condition(allHandlersFinished);
    await continueAsNew<typeof cycleWorkflow>(input, state);
  };

  if (!carried) {
    await record({
      type: 'CycleLaunched',
      version: 1,
      at: now().toISOString(),
      by: launchedBy,
      cycleId,
      config,
      items,
      tableHash,
    });
  }

  // 发布: start the assignments, a batch at a time, reading the schedule meanwhile (it needs the table, not the starts).
  const scheduled =
    state.status === 'launching' && patched(SCHEDULE_WITH_STARTS) ? cycleSchedule({ cycleId }) : undefined;
  // Awaited only if the launch finishes: a cycle cancelled while launching leaves it, and its failure (the workflow
  // cancelled) must not count as unhandled.
  scheduled?.catch(() => undefined);
  while (state.status === 'launching' && state.launched < items) {
    const { started, existing } = await startCycleAssignments({
      cycleId,
      offset: state.launched,
      limit: LAUNCH_BATCH,
    });
    state.launched = Math.min(items, state.launched + LAUNCH_BATCH);
    state.started += started;
    state.existing += existing;
    await keepHistoryShort();
  }
  if (state.status === 'launching') {
    const periods = await (scheduled ?? cycleSchedule({ cycleId }));
    const schedule = periods.map((p) => ({ ...p, at: bulletinInstant(current(), p.lastDue).toISOString() }));
    await record({
      type: 'CycleAssignmentsStarted',
      version: 1,
      at: now().toISOString(),
      started: state.started,
      existing: state.existing,
      schedule,
    });
  }

  // 督查通报: each period's, after its last escalation step; a paused cycle issues nothing until it resumes.
  for (const period of state.schedule) {
    if (state.bulletins.some((b) => b.period === period.key)) continue;
    // the period's time as the schedule now says: a calendar given meanwhile may move it
    const dueOf = () => new Date(state.schedule.find((p) => p.key === period.key)?.at ?? period.at).getTime();
    for (;;) {
      while (state.status !== 'cancelled' && now().getTime() < dueOf()) {
        const due = dueOf();
        await condition(() => state.status === 'cancelled' || dueOf() !== due, due - now().getTime());
      }
      await condition(() => state.status !== 'paused');
      while (state.status === 'running' && now().getTime() < settledAt()) {
        const settled = settledAt();
        await condition(() => state.status !== 'running' || settledAt() !== settled, settled - now().getTime());
      }
      // a calendar given while this one waited may have moved it later: wait for it again
      if (state.status === 'cancelled' || now().getTime() >= dueOf()) break;
    }
    if (state.status === 'cancelled') break;
    const issuedAt = now().toISOString();
    const bulletin = await computeCycleBulletin({
      cycleId,
      title: config.title,
      period: { key: period.key, label: period.label },
      issuedAt,
      scoring: config.scoring,
    });
    await record({ type: 'BulletinIssued', version: 1, at: issuedAt, period: period.key, bulletin });
    await deliverNotices([
      {
        key: `${stream}#${state.seq}#${config.coordinator}`,
        assignmentId: stream,
        seq: state.seq,
        at: issuedAt,
        recipient: config.coordinator,
        kind: 'bulletin',
        subject: `【督查通报】${period.label}`,
        body: `${config.coordinator}：${config.title}${period.label}督查通报已生成，共 ${bulletin.units.length} 个单位参加排名。`,
      },
    ]);
    await keepHistoryShort();
  }

  if (state.status === 'running') state.status = 'finished';
  await recording;
  await condition(allHandlersFinished);
  return view();
}

const STATUS_WORD: Record<CycleStatus, string> = {
  launching: '正在发布',
  running: '运行中',
  paused: '已暂停',
  cancelled: '撤销',
  finished: '结束',
};

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw ApplicationFailure.nonRetryable(`请求格式有误：${describeIssues(result.error)}`, 'INVALID_PAYLOAD');
}
