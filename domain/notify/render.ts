/**
 * What one message looks like on each channel: an email (subject, plain text, HTML), the plain JSON payload, and the
 * DingTalk and WeCom robots' markdown within the sizes those robots accept. Pure, so the wording and the limits are
 * tested without servers; the senders only sign and send what comes out of here.
 */
import { formatShanghai } from '../calendar';
import type { Message, MessageItem } from './message';

export interface RenderOptions {
  /** DUBAN_WEB_URL: when set, a message about an item links to `${webUrl}/assignments/${id}`. */
  webUrl?: string;
}

/**
 * DingTalk's custom robot takes a message of at most 20,000 bytes; WeCom's group robot a markdown `content` of at most
 * 4,096 bytes of UTF-8. A longer one is refused by the robot, so it is cut here with this note instead.
 */
export const DINGTALK_MAX_BYTES = 20_000;
export const WECOM_MAX_BYTES = 4_096;
export const TRUNCATED = '……（内容过长，已截断；完整内容请查看邮件或督办系统）';

/** The link to an item on the web page, or undefined without DUBAN_WEB_URL. */
export function itemUrl(assignmentId: string | undefined, { webUrl }: RenderOptions): string | undefined {
  if (assignmentId === undefined || webUrl === undefined) return undefined;
  return `${webUrl.replace(/\/+$/, '')}/assignments/${encodeURIComponent(assignmentId)}`;
}

/** When the event happened, as the offices read a time: Beijing wall clock. */
function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : `${formatShanghai(d)}（北京时间）`;
}

const FOOTER = '此消息由督办系统自动发送，请勿直接回复。';
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

const encoder = new TextEncoder();
export const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** `text` cut (at a character, never inside one) so that it and the note fit in `maxBytes` of UTF-8. */
export function truncateBytes(text: string, maxBytes: number, note = TRUNCATED): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Bytes(note);
  let used = 0;
  let cut = '';
  for (const ch of text) {
    const size = utf8Bytes(ch);
    if (used + size > budget) break;
    used += size;
    cut += ch;
  }
  return `${cut}${note}`;
}

/** The plain-text lines of a message: the body, a digest's items numbered, the link; shared by email and robots. */
function itemLines(items: readonly MessageItem[], options: RenderOptions): string[] {
  return items.flatMap((item, i) => {
    const url = itemUrl(item.assignmentId, options);
    return [
      `${i + 1}. ${oneLine(item.subject)}（${when(item.at)}）`,
      ...item.body.split(/\r?\n/).map((l) => `   ${l}`),
      ...(url ? [`   查看：${url}`] : []),
    ];
  });
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** An email: the subject on one line, the text, and the same as HTML with every piece of text escaped. */
export function renderEmail(message: Message, options: RenderOptions = {}): RenderedEmail {
  const url = itemUrl(message.assignmentId, options);
  const items = message.items ?? [];
  const text = [
    message.body,
    ...(items.length > 0 ? ['', ...itemLines(items, options)] : []),
    '',
    `时间：${when(message.at)}`,
    ...(url ? [`在督办系统中查看：${url}`] : []),
    '',
    '——',
    FOOTER,
    `投递编号：${message.deliveryId}`,
    '',
  ].join('\n');
  const paragraphs = (s: string) =>
    s
      .split(/\r?\n/)
      .map((l) => `<p style="margin:0 0 8px">${escapeHtml(l) || '&nbsp;'}</p>`)
      .join('\n');
  const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const list =
    items.length === 0
      ? ''
      : `<ol>\n${items
          .map((item) => {
            const href = itemUrl(item.assignmentId, options);
            return (
              `<li style="margin-bottom:8px"><strong>${escapeHtml(oneLine(item.subject))}</strong>` +
              `<span style="color:#888">（${escapeHtml(when(item.at))}）</span><br>` +
              `${item.body.split(/\r?\n/).map(escapeHtml).join('<br>')}` +
              `${href ? `<br>${link(href, '查看')}` : ''}</li>`
            );
          })
          .join('\n')}\n</ol>`;
  const html = [
    '<!doctype html>',
    '<html lang="zh-CN"><head><meta charset="utf-8">',
    `<title>${escapeHtml(oneLine(message.subject))}</title></head>`,
    "<body style=\"font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;line-height:1.6;color:#222\">",
    `<h3 style="margin:0 0 12px">${escapeHtml(oneLine(message.subject))}</h3>`,
    paragraphs(message.body),
    list,
    `<p style="color:#555">时间：${escapeHtml(when(message.at))}</p>`,
    ...(url ? [`<p>${link(url, '在督办系统中查看')}</p>`] : []),
    '<hr style="border:none;border-top:1px solid #ddd">',
    `<p style="color:#888;font-size:12px">${FOOTER}投递编号：${escapeHtml(message.deliveryId)}</p>`,
    '</body></html>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return { subject: oneLine(message.subject), text, html };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The plain JSON payload: the message as data, with links when there is a web page; `version` for receivers. */
export type JsonPayload = { version: 1 } & Omit<Message, 'items'> & {
    url?: string;
    items?: (MessageItem & { url?: string })[];
  };

export function renderJson(message: Message, options: RenderOptions = {}): JsonPayload {
  const url = itemUrl(message.assignmentId, options);
  return {
    version: 1,
    deliveryId: message.deliveryId,
    recipient: message.recipient,
    kind: message.kind,
    subject: message.subject,
    body: message.body,
    at: message.at,
    ...(message.assignmentId !== undefined && { assignmentId: message.assignmentId }),
    ...(url !== undefined && { url }),
    ...(message.items !== undefined && {
      items: message.items.map((item) => {
        const itemLink = itemUrl(item.assignmentId, options);
        return { ...item, ...(itemLink !== undefined && { url: itemLink }) };
      }),
    }),
  };
}

/** Markdown for the robots: the subject as a heading, the body, a digest's items, the link; cut to `maxBytes`. */
function robotMarkdown(message: Message, options: RenderOptions, maxBytes: number): string {
  const url = itemUrl(message.assignmentId, options);
  const lines = (s: string) => s.split(/\r?\n/).join('  \n');
  const head = `### ${oneLine(message.subject)}\n\n`;
  const items = (message.items ?? []).map((item, i) => {
    const href = itemUrl(item.assignmentId, options);
    return (
      `${i + 1}. **${oneLine(item.subject)}**（${when(item.at)}）  \n${lines(item.body)}` +
      `${href ? `  \n[查看](${href})` : ''}`
    );
  });
  const body = [lines(message.body), ...(items.length > 0 ? [items.join('\n\n')] : [])].join('\n\n');
  const tail = `\n\n> ${when(message.at)}${url ? `  \n> [在督办系统中查看](${url})` : ''}`;
  return `${head}${truncateBytes(body, maxBytes - utf8Bytes(head) - utf8Bytes(tail))}${tail}`;
}

/** DingTalk custom robot: `{msgtype:'markdown', markdown:{title, text}}`; the title is what the chat list shows. */
export function renderDingTalk(
  message: Message,
  options: RenderOptions = {},
): { msgtype: 'markdown'; markdown: { title: string; text: string } } {
  const title = truncateBytes(oneLine(message.subject), 200, '……');
  return {
    msgtype: 'markdown',
    markdown: { title, text: robotMarkdown(message, options, DINGTALK_MAX_BYTES - utf8Bytes(title) - 100) },
  };
}

/** WeCom group robot: `{msgtype:'markdown', markdown:{content}}`, content at most 4,096 bytes. */
export function renderWeCom(
  message: Message,
  options: RenderOptions = {},
): { msgtype: 'markdown'; markdown: { content: string } } {
  return { msgtype: 'markdown', markdown: { content: robotMarkdown(message, options, WECOM_MAX_BYTES) } };
}
