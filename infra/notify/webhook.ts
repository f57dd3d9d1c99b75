/**
 * Webhooks: the plain JSON endpoint (signed with HMAC-SHA256 over the timestamp and the body), the DingTalk custom
 * robot (markdown, with its signed URL when 加签 is on) and the WeCom group robot (markdown). One POST per message,
 * with a timeout; the answer decides whether a failure may be retried (see {@link httpFailure}).
 */
import { lookup } from 'node:dns/promises';
import type { Config } from '../config';
import { forbiddenHostReason, maskUrl } from '../../domain/units/contacts';
import type { Address, Message } from '../../domain/notify/message';
import { renderDingTalk, renderJson, renderWeCom, type RenderOptions } from '../../domain/notify/render';
import { DeliveryFailure } from './delivery-failure';
import { jsonSignature, signedDingTalkUrl } from './signatures';

export type WebhookConfig = Pick<Config, 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_FORBID_PRIVATE' | 'DUBAN_WEB_URL'>;

export interface WebhookOptions {
  fetch?: typeof fetch;
  /** The clock signatures are made with (milliseconds). */
  now?: () => number;
}

/** DingTalk errcodes worth another try: -1 系统繁忙, 130101 发送太快而限流 (a robot takes 20 messages a minute). */
const DINGTALK_RETRYABLE = new Set([-1, 130101]);
/** WeCom errcodes worth another try: -1 系统繁忙, 45009 接口调用超过限制, 45033 并发调用超过限制. */
const WECOM_RETRYABLE = new Set([-1, 45009, 45033]);

const RECEIPT_CHARS = 300;

export class WebhookSender {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly render: RenderOptions;

  constructor(
    private readonly config: WebhookConfig,
    options: WebhookOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.render = config.DUBAN_WEB_URL ? { webUrl: config.DUBAN_WEB_URL } : {};
  }

  async send(address: Address, message: Message): Promise<{ receipt: string }> {
    const shown = maskUrl(address.to);
    let url: URL;
    try {
      url = new URL(address.to);
    } catch {
      throw new DeliveryFailure(`“${shown}”不是网址：在单位名录中改正`, false, 'INVALID_URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DeliveryFailure(`“${shown}”不是 http(s) 地址：在单位名录中改正`, false, 'INVALID_URL');
    }
    if (this.config.WEBHOOK_FORBID_PRIVATE) await refuseForbiddenHost(url.hostname, shown);

    const nowMs = this.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'duban-notify/1',
      'x-duban-delivery': message.deliveryId,
    };
    let target = address.to;
    let body: string;
    switch (address.channel) {
      case 'json': {
        body = JSON.stringify(renderJson(message, this.render));
        const timestamp = Math.floor(nowMs / 1000);
        headers['x-duban-timestamp'] = String(timestamp);
        if (address.secret !== undefined) headers['x-duban-signature'] = jsonSignature(address.secret, timestamp, body);
        break;
      }
      case 'dingtalk':
        body = JSON.stringify(renderDingTalk(message, this.render));
        if (address.secret !== undefined) target = signedDingTalkUrl(address.to, address.secret, nowMs);
        break;
      case 'wecom':
        body = JSON.stringify(renderWeCom(message, this.render));
        break;
      case 'email':
        throw new DeliveryFailure('邮件地址不能用 Webhook 发送', false, 'WRONG_CHANNEL');
      default: {
        const never: never = address.channel;
        throw new DeliveryFailure(`未知的渠道 ${String(never)}`, false, 'WRONG_CHANNEL');
      }
    }

    let response: Response;
    try {
      response = await this.fetch(target, {
        method: 'POST',
        headers,
        body,
        // A redirect could lead anywhere, inside the network too: the receiver's address is the one in the directory.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      throw fetchFailure(error, shown, this.config.WEBHOOK_TIMEOUT_MS);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw fetchFailure(error, shown, this.config.WEBHOOK_TIMEOUT_MS);
    }
    const receipt = `HTTP ${response.status} ${text.slice(0, RECEIPT_CHARS)}`.trim();
    if (response.status < 200 || response.status >= 300) throw httpFailure(response.status, text, shown);
    if (address.channel === 'dingtalk' || address.channel === 'wecom') robotAnswer(address.channel, text, shown);
    return { receipt };
  }
}

/**
 * What an HTTP answer means for retrying: 429 (slow down) and 5xx (the receiver's trouble) may pass later; any other
 * 4xx (a wrong address, a refused signature) will not pass by itself, and neither will a redirect.
 */
export function httpFailure(status: number, text: string, shown: string): DeliveryFailure {
  const said = text.trim().slice(0, 200);
  const retryable = status === 429 || status >= 500;
  const hint = retryable
    ? '接收方暂时不可用，将重试'
    : status >= 300 && status < 400
      ? '接收方要求跳转：在单位名录中改为跳转后的地址'
      : '检查单位名录中的地址和密钥';
  return new DeliveryFailure(
    `${shown} 答复 HTTP ${status}${said ? `（${said}）` : ''}：${hint}`,
    retryable,
    `HTTP_${status}`,
    status,
  );
}

/** A robot answers 200 with `{errcode, errmsg}`: 0 is delivered, the rest a failure, retryable only when busy. */
function robotAnswer(channel: 'dingtalk' | 'wecom', text: string, shown: string): void {
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new DeliveryFailure(`${shown} 的答复不是机器人的 JSON：${text.slice(0, 100)}`, false, 'NOT_A_ROBOT', 200);
  }
  const code = typeof answer.errcode === 'number' ? answer.errcode : Number.NaN;
  if (code === 0) return;
  const name = channel === 'dingtalk' ? '钉钉' : '企业微信';
  const retryable = (channel === 'dingtalk' ? DINGTALK_RETRYABLE : WECOM_RETRYABLE).has(code);
  throw new DeliveryFailure(
    `${name}机器人拒收（errcode ${String(answer.errcode)}：${String(answer.errmsg ?? '')}）：` +
      (retryable ? '发送过快或系统繁忙，将重试' : '检查机器人地址、加签密钥、关键词和 IP 白名单设置'),
    retryable,
    `${channel.toUpperCase()}_${Number.isNaN(code) ? 'UNKNOWN' : code}`,
    200,
  );
}

function fetchFailure(error: unknown, shown: string, timeoutMs: number): DeliveryFailure {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new DeliveryFailure(`${shown} 在 ${timeoutMs} 毫秒内没有答复：将重试`, true, 'TIMEOUT');
  }
  const why = e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
  return new DeliveryFailure(`无法连接 ${shown}（${why}）：将重试`, true, 'CONNECTION');
}

/**
 * WEBHOOK_FORBID_PRIVATE at send: the host's every address after DNS resolution, so a name pointing inside the
 * network is refused like a literal one. (fetch resolves again; a name whose answer changes between the two lookups
 * is not caught here: a firewall rule is the complete defence.)
 */
async function refuseForbiddenHost(host: string, shown: string): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, '');
  const literal = forbiddenHostReason(bare);
  if (literal) throw forbidden(shown, literal);
  let addresses: { address: string }[];
  try {
    addresses = await lookup(bare, { all: true });
  } catch (error) {
    throw new DeliveryFailure(
      `无法解析 ${shown} 的主机名（${(error as { code?: string }).code ?? (error as Error).message}）：将重试`,
      true,
      'DNS',
    );
  }
  for (const { address } of addresses) {
    const reason = forbiddenHostReason(address);
    if (reason) throw forbidden(shown, `${reason}（${bare} 解析为 ${address}）`);
  }
}

function forbidden(shown: string, reason: string): DeliveryFailure {
  return new DeliveryFailure(
    `${shown} 指向${reason}，本系统配置为不向内部网络发送（WEBHOOK_FORBID_PRIVATE）：在单位名录中改用外网可达的地址`,
    false,
    'FORBIDDEN_ADDRESS',
  );
}
