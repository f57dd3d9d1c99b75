/**
 * `duban audit timeline`: every event of a task's assignments in order, each with its time (Asia/Shanghai), its
 * actor, what happened in a sentence, and the notices that went out for it and to whom — as text for a terminal,
 * JSON for programs, Markdown for a report, and one self-contained HTML page (no external assets) to file away.
 */
import { NOTICE_KIND_NAMES, type NoticeKind } from '../../workflows/assignment/notices';
import { actorOf, actorText, partiesOf } from './actor';
import type { Actor } from './chain';
import { describeEvent } from './describe';
import type { NoticeDelivery, SentNotice, StoredEvent } from './records';

export interface TimelineNotice {
  recipient: string;
  kind: string;
  /** What the offices call the kind: 催办, 提醒 … */
  kindName: string;
  subject: string;
  /** Its outcomes on the recipient's channels, each with its time in Beijing time. */
  deliveries: Array<NoticeDelivery & { time: string }>;
}

export interface TimelineEntry {
  assignmentId: string;
  seq: number;
  /** ISO, UTC, as stored. */
  at: string;
  /** Asia/Shanghai, to the second. */
  time: string;
  type: string;
  actor: Actor;
  /** The reason a person gave, where the metadata carries one. */
  reason?: string;
  what: string;
  notices: TimelineNotice[];
  hash: string | null;
}

export interface Timeline {
  /** The task or assignment id asked for. */
  subject: string;
  assignments: Array<{ assignmentId: string; unit: string; ref: string; title: string; events: number }>;
  entries: TimelineEntry[];
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** An instant as 'YYYY-MM-DD HH:MM:SS', Beijing time: an audit record names the second. */
export function shanghaiTime(iso: string): string {
  return new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The timeline of some streams: their events interleaved by time (each stream keeps its own order), each with the
 * notices stored for it.
 */
export function buildTimeline(subject: string, streams: StoredEvent[][], notices: readonly SentNotice[]): Timeline {
  const noticesOf = new Map<string, SentNotice[]>();
  for (const n of notices) {
    const key = `${n.assignmentId}#${n.seq}`;
    noticesOf.set(key, [...(noticesOf.get(key) ?? []), n]);
  }
  const entries: Array<TimelineEntry & { order: number }> = [];
  const assignments: Timeline['assignments'] = [];
  streams.forEach((events, order) => {
    const first = events[0]?.event;
    const parties = partiesOf(first);
    if (first?.type === 'TaskAssigned') {
      const { spec } = first;
      assignments.push({
        assignmentId: events[0]!.assignmentId,
        unit: spec.unit,
        ref: spec.ref,
        title: spec.title,
        events: events.length,
      });
    }
    for (const stored of events) {
      const { event, meta } = stored;
      entries.push({
        order,
        assignmentId: stored.assignmentId,
        seq: stored.seq,
        at: event.at,
        time: shanghaiTime(event.at),
        type: event.type,
        actor: actorOf(event, meta, parties),
        ...(meta?.reason !== undefined && { reason: meta.reason }),
        what: describeEvent(event),
        notices: (noticesOf.get(`${stored.assignmentId}#${stored.seq}`) ?? []).map((n) => ({
          recipient: n.recipient,
          kind: n.kind,
          kindName: NOTICE_KIND_NAMES[n.kind as NoticeKind] ?? n.kind,
          subject: n.subject,
          deliveries: (n.deliveries ?? []).map((d) => ({ ...d, time: shanghaiTime(d.at) })),
        })),
        hash: stored.hash,
      });
    }
  });
  entries.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order || a.seq - b.seq);
  return { subject, assignments, entries: entries.map(({ order: _order, ...entry }) => entry) };
}

export type TimelineFormat = 'text' | 'json' | 'md' | 'html';

export function formatTimeline(timeline: Timeline, format: TimelineFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(timeline, null, 2)}\n`;
    case 'text':
      return timelineText(timeline);
    case 'md':
      return timelineMarkdown(timeline);
    case 'html':
      return timelineHtml(timeline);
    default:
      return assertNever(format);
  }
}

const many = (timeline: Timeline) => timeline.assignments.length > 1;
const where = (timeline: Timeline, e: TimelineEntry) =>
  many(timeline) ? `[${e.assignmentId}#${e.seq}] ` : `#${e.seq} `;
const noticeText = (n: TimelineNotice) => `${n.kindName} → ${n.recipient}：${n.subject}`;

const OUTCOME_NAMES: Record<NoticeDelivery['outcome'], string> = {
  held: '暂缓',
  digest: '待汇总',
  sent: '已送达',
  failed: '投递失败',
};
const CHANNEL_NAMES: Record<string, string> = { email: '邮件', json: 'Webhook', dingtalk: '钉钉', wecom: '企业微信' };

/** One delivery outcome: "2017-01-09 09:00:00 邮件 a@b.cn 已送达（250 OK）". */
export function deliveryText(d: TimelineNotice['deliveries'][number]): string {
  const detail = d.detail ? `（${d.detail}）` : '';
  return `${d.time} ${CHANNEL_NAMES[d.channel] ?? d.channel} ${d.address} ${OUTCOME_NAMES[d.outcome]}${detail}`;
}
const noticeWithDeliveries = (n: TimelineNotice) =>
  [noticeText(n), ...n.deliveries.map((d) => `  · ${deliveryText(d)}`)].join('\n');

function heading(timeline: Timeline): string {
  const first = timeline.assignments[0];
  const task = first ? `${first.ref}「${first.title}」` : timeline.subject;
  return `督办时间线：${task}（${timeline.subject}），${timeline.assignments.length} 项督办，${timeline.entries.length} 条事件，时间为北京时间`;
}

function timelineText(timeline: Timeline): string {
  const lines = [heading(timeline)];
  for (const a of timeline.assignments) lines.push(`  ${a.assignmentId}：${a.unit}，${a.events} 条事件`);
  for (const e of timeline.entries) {
    lines.push(`${e.time}  ${where(timeline, e)}${actorText(e.actor)}  ${e.what}`);
    for (const n of e.notices) {
      lines.push(`    通知 ${noticeText(n)}`);
      for (const d of n.deliveries) lines.push(`      投递 ${deliveryText(d)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function timelineMarkdown(timeline: Timeline): string {
  const lines = [`# ${heading(timeline)}`, ''];
  for (const a of timeline.assignments) lines.push(`- \`${a.assignmentId}\`：${a.unit}，${a.events} 条事件`);
  lines.push('', '| 时间（北京） | 事件 | 办理方 | 经过 | 通知 |', '| --- | --- | --- | --- | --- |');
  for (const e of timeline.entries) {
    lines.push(
      `| ${e.time} | ${cell(`${where(timeline, e).trim()} ${e.type}`)} | ${cell(actorText(e.actor))} | ${cell(e.what)} | ` +
        `${cell(e.notices.map((n) => noticeWithDeliveries(n).replace(/\n/g, '；')).join('；')) || '—'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function timelineHtml(timeline: Timeline): string {
  const rows = timeline.entries
    .map(
      (e) =>
        `<tr><td class="t">${escapeHtml(e.time)}</td><td>${escapeHtml(`${where(timeline, e).trim()} ${e.type}`)}</td>` +
        `<td>${escapeHtml(actorText(e.actor))}</td><td>${escapeHtml(e.what)}</td>` +
        `<td>${e.notices.map((n) => `<div>${escapeHtml(noticeWithDeliveries(n)).replace(/\n/g, '<br>')}</div>`).join('') || '—'}</td></tr>`,
    )
    .join('\n');
  const assignments = timeline.assignments
    .map((a) => `<li><code>${escapeHtml(a.assignmentId)}</code>：${escapeHtml(a.unit)}，${a.events} 条事件</li>`)
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(heading(timeline))}</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.t{white-space:nowrap;font-variant-numeric:tabular-nums}code{font-size:90%}
</style></head><body>
<h1>${escapeHtml(heading(timeline))}</h1>
<ul>${assignments}</ul>
<table><thead><tr><th>时间（北京）</th><th>事件</th><th>办理方</th><th>经过</th><th>通知</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

function assertNever(value: never): never {
  throw new Error(`unknown format ${String(value)}`);
}
