/**
 * The read models as a fold over the stream: what one stream (an assignment's, or a cycle's `cycle:<id>`) shows in
 * the `assignments`, `progress_reports`, `cooperations` and `bulletins` tables, and the notices its events put in
 * the inbox. Pure: the live projector (read-models/projector.ts) loads a stream's view, applies the messages that
 * came and writes it back; the rebuild (read-models/rebuild.ts) folds the whole topic in memory and writes it once.
 * One fold for both is what makes a rebuilt read model equal to the one built live.
 */
import { z } from 'zod';
import type { Bulletin } from '../domain/cycle/bulletin';
import {
  assignmentEventSchema,
  recordedEventSchema,
  type AssignmentEvent,
  type publishedNoticeSchema,
} from '../workflows/assignment/events';
import { cycleEventSchema, type CycleEvent } from '../workflows/cycle/events';

/** A message of the events topic: an assignment's event or a cycle's, with the notices that went out with it. */
export const streamMessageSchema = recordedEventSchema.extend({
  event: z.discriminatedUnion('type', [assignmentEventSchema, cycleEventSchema]),
});
export type StreamMessage = z.infer<typeof streamMessageSchema>;
export type PublishedNotice = z.infer<typeof publishedNoticeSchema>;

export interface AssignmentRow {
  assignmentId: string;
  taskId: string;
  ref: string;
  title: string;
  unit: string;
  deadlineText: string;
  /** YYYY-MM-DD. */
  due: string;
  status: string;
  overduePeriods: string[];
  lastSeq: number;
  /** An instant: the time of the last event applied. */
  updatedAt: string | Date;
  cycleId: string | null;
}

export interface ReportRow {
  period: string;
  due: string;
  unit: string;
  summary: string;
  /** numeric(5,2): PostgreSQL gives it back as text. */
  percentComplete: number | string;
  late: boolean;
  submittedAt: string | Date;
}

export interface BulletinRow {
  cycleId: string;
  period: string;
  issuedAt: string;
  bulletin: Bulletin;
}

/** What one stream shows in the read models, and how far it has been applied. */
export interface StreamView {
  stream: string;
  /** The last seq applied; 0 before the first. */
  seq: number;
  assignment?: AssignmentRow;
  reports: Map<string, ReportRow>;
  cooperations: Set<string>;
  /** Bulletins issued by this (cycle) stream's events; the first one of a period stays. */
  bulletins: Map<string, BulletinRow>;
}

export function emptyView(stream: string, seq = 0): StreamView {
  return { stream, seq, reports: new Map(), cooperations: new Set(), bulletins: new Map() };
}

/** What happened to a message offered to a view. */
export type Applied = 'applied' | 'repeat' | 'early';

/**
 * Applies a message if it is the next of its stream: a repeat (seq at or below the position) changes nothing, and a
 * message whose predecessor has not been applied yet is `early` — the caller holds it until the predecessor comes.
 */
export function applyMessage(view: StreamView, message: StreamMessage): Applied {
  if (message.seq <= view.seq) return 'repeat';
  if (message.seq !== view.seq + 1) return 'early';
  const { event } = message;
  if (isCycleEvent(event)) applyCycleEvent(view, event);
  else applyAssignmentEvent(view, message.seq, event);
  view.seq = message.seq;
  return 'applied';
}

/** Every type of a cycle's event, as its schema lists them: a new one is a cycle's event here too. */
const CYCLE_EVENT_TYPES = new Set<string>(cycleEventSchema.options.map((o) => o.shape.type.value));

export function isCycleEvent(event: AssignmentEvent | CycleEvent): event is CycleEvent {
  return CYCLE_EVENT_TYPES.has(event.type);
}

/** A cycle's events change one read model: the bulletins it issued. */
function applyCycleEvent(view: StreamView, event: CycleEvent): void {
  if (event.type !== 'BulletinIssued' || view.bulletins.has(event.period)) return;
  view.bulletins.set(event.period, {
    cycleId: event.bulletin.cycleId,
    period: event.period,
    issuedAt: event.at,
    bulletin: event.bulletin,
  });
}

/** An assignment's row, its progress reports and its cooperating units, as each event leaves them. */
function applyAssignmentEvent(view: StreamView, seq: number, event: AssignmentEvent): void {
  const row = view.assignment;
  const touch = (change: (row: AssignmentRow) => void = () => undefined) => {
    if (!row) return;
    change(row);
    row.lastSeq = seq;
    row.updatedAt = event.at;
  };
  const withoutPeriod = (period: string) => (r: AssignmentRow) => {
    r.overduePeriods = r.overduePeriods.filter((p) => p !== period);
  };
  switch (event.type) {
    case 'TaskAssigned': {
      const { spec } = event;
      view.assignment = {
        assignmentId: view.stream,
        taskId: spec.taskId,
        ref: spec.ref,
        title: spec.title,
        unit: spec.unit,
        deadlineText: spec.deadlineText,
        due: spec.due,
        status: 'assigned',
        overduePeriods: [],
        lastSeq: seq,
        updatedAt: event.at,
        cycleId: 'cycleId' in spec ? (spec.cycleId ?? null) : null,
      };
      if ('cooperating' in spec) for (const unit of spec.cooperating) view.cooperations.add(unit);
      return;
    }
    case 'CooperatingUnitsChanged':
      for (const unit of event.added) view.cooperations.add(unit);
      for (const unit of event.removed) view.cooperations.delete(unit);
      touch();
      return;
    case 'AssignmentAcknowledged':
      touch((r) => (r.status = 'acknowledged'));
      return;
    case 'ProgressReportSubmitted': {
      const earlier = view.reports.get(event.period);
      view.reports.set(
        event.period,
        earlier
          ? { ...earlier, summary: event.summary, percentComplete: event.percentComplete, submittedAt: event.at }
          : {
              period: event.period,
              due: event.due,
              unit: event.unit,
              summary: event.summary,
              percentComplete: event.percentComplete,
              late: event.late,
              submittedAt: event.at,
            },
      );
      touch(withoutPeriod(event.period));
      return;
    }
    case 'ReportingPeriodOverdue':
      touch((r) => r.overduePeriods.push(event.period));
      return;
    case 'TaskCompleted':
      touch((r) => (r.status = 'completed'));
      return;
    case 'AssignmentCancelled':
      touch((r) => (r.status = 'cancelled'));
      return;
    case 'ReportReturned':
      // The returned report stays in the event history; the read model shows the period as awaiting its rework.
      view.reports.delete(event.period);
      touch(withoutPeriod(event.period));
      return;
    case 'ExtensionGranted':
    case 'DeadlineMoved':
      if (event.period === undefined) touch((r) => (r.due = event.to));
      else touch(withoutPeriod(event.period));
      return;
    case 'AssignmentReassigned':
      touch((r) => (r.status = 'reassigned'));
      return;
    case 'AssignmentPaused':
    case 'AssignmentResumed':
    case 'DeadlineReminderSent':
    case 'OverdueEscalated':
    case 'ReportAccepted':
    case 'ExtensionRequested':
    case 'ExtensionRefused':
    case 'ClosureRequested':
    case 'ClosureReturned':
    case 'AssignmentSentBack':
    case 'SendBackRefused':
    case 'AssignmentHandedOver':
    case 'AcknowledgementUrged':
    case 'CooperationReminderSent':
    case 'ContributionSubmitted':
    case 'ContributionsMissing':
    case 'TargetValuesReported':
    case 'SupervisionPolicyChanged':
    case 'WorkingCalendarUpdated':
      touch();
      return;
    default: {
      const unknown: never = event;
      throw new Error(`the read models do not know event ${(unknown as { type: string }).type}`);
    }
  }
}

/**
 * Messages folded into views: each applied once and in order per stream, an early one held until its predecessor is
 * applied, repeats skipped. The notices of every message offered — a repeat's too, since a notice delivered late
 * comes with its event published again — are gathered for the inbox, once per key.
 */
export class Folding {
  readonly views: Map<string, StreamView>;
  /** The keys of the notices gathered: only these, so a rebuild holds no notice once it is written. */
  private readonly noticeKeys = new Set<string>();
  applied = 0;
  repeats = 0;
  private readonly parked = new Map<string, Map<number, StreamMessage>>();
  private readonly parkedBefore = new Set<string>();
  private delivered: PublishedNotice[] = [];

  constructor(views = new Map<string, StreamView>(), parked: StreamMessage[] = []) {
    this.views = views;
    for (const message of parked) {
      this.hold(message);
      this.parkedBefore.add(`${message.assignmentId}#${message.seq}`);
    }
  }

  offer(message: StreamMessage): void {
    const view = this.view(message.assignmentId);
    const result = applyMessage(view, message);
    if (result === 'early') {
      this.hold(message);
      return;
    }
    this.deliver(message);
    if (result === 'repeat') {
      this.repeats++;
      return;
    }
    this.applied++;
    const held = this.parked.get(view.stream);
    this.parked.get(view.stream)?.delete(message.seq);
    for (let next = held?.get(view.seq + 1); next; next = held?.get(view.seq + 1)) {
      applyMessage(view, next);
      this.deliver(next);
      this.applied++;
      held?.delete(next.seq);
    }
  }

  /** The view of a stream, empty when the stream has not been seen. */
  view(stream: string): StreamView {
    let view = this.views.get(stream);
    if (!view) this.views.set(stream, (view = emptyView(stream)));
    return view;
  }

  /** Messages still held (to keep), and those held before this folding that have now been applied (to forget). */
  parkedChanges(): { parked: StreamMessage[]; released: Array<{ stream: string; seq: number }> } {
    const now = new Map<string, StreamMessage>();
    for (const held of this.parked.values()) for (const m of held.values()) now.set(`${m.assignmentId}#${m.seq}`, m);
    return {
      parked: [...now].filter(([key]) => !this.parkedBefore.has(key)).map(([, m]) => m),
      released: [...this.parkedBefore]
        .filter((key) => !now.has(key))
        .map((key) => {
          const at = key.lastIndexOf('#');
          return { stream: key.slice(0, at), seq: Number(key.slice(at + 1)) };
        }),
    };
  }

  /** How many notices were gathered, each counted once. */
  get notices(): number {
    return this.noticeKeys.size;
  }

  /** How many messages are held, waiting for their predecessor. */
  get held(): number {
    let n = 0;
    for (const held of this.parked.values()) n += held.size;
    return n;
  }

  private hold(message: StreamMessage): void {
    let held = this.parked.get(message.assignmentId);
    if (!held) this.parked.set(message.assignmentId, (held = new Map()));
    if (!held.has(message.seq)) held.set(message.seq, message);
  }

  /** The notices gathered since the last call, each once: a rebuild writes them as it goes. */
  takeDelivered(): PublishedNotice[] {
    const delivered = this.delivered;
    this.delivered = [];
    return delivered;
  }

  private deliver(message: StreamMessage): void {
    for (const notice of message.notices ?? []) {
      if (this.noticeKeys.has(notice.key)) continue;
      this.noticeKeys.add(notice.key);
      this.delivered.push(notice);
    }
  }
}
