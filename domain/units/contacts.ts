/**
 * Who in a unit is told, and where: the head (主要负责人, who receives 督办), the liaisons (联络员, who receive the
 * unit's notices by email), the group-chat robots and plain JSON endpoints, and whether the unit takes one daily
 * digest instead of a message per notice. Pure: the table reader checks each cell with these rules, the store keeps
 * the result as it is, and the senders trust it.
 */

export interface Person {
  name: string;
  email?: string;
}

export type WebhookKind = 'json' | 'dingtalk' | 'wecom';

export interface Webhook {
  kind: WebhookKind;
  url: string;
  secret?: string;
}

export interface UnitContacts {
  /** 主要负责人: receives 督办 (recipient "<unit>主要负责人"). */
  head?: Person;
  /** 联络员: receive the unit's notices by email. */
  liaisons: Person[];
  /** The unit's group-chat robots and plain JSON endpoints. */
  webhooks: Webhook[];
  /** true: one daily digest instead of a message per notice (接收方式 = 每日汇总). */
  digest: boolean;
}

/** A unit nobody has given contacts yet: it is still a unit, it just reaches nobody outside the inbox. */
export function noContacts(): UnitContacts {
  return { liaisons: [], webhooks: [], digest: false };
}

/** 接收方式 as a coordinator writes it. */
export const DELIVERY_MODES = { 逐条: false, 每日汇总: true } as const;

/**
 * An address a mail server will take and a person would have typed: one @, a dot in the domain (or `localhost`, for
 * a test server), no blanks or brackets. Not RFC 5322 in full: a quoted local part is refused rather than guessed at.
 */
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:localhost|(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})$/;

/** Whether `text` (already NFKC-folded: ＠ typed by an input method is @) is an address a mail server takes. */
export function isEmail(text: string): boolean {
  return EMAIL.test(text) && !text.includes('..');
}

/** Why `text` cannot be a webhook address (Chinese, with the fix), or undefined when it can. */
export function urlProblem(text: string, forbidPrivate = false): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `“${text}”不是网址：写完整地址，以 https:// 开头`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `“${text}”不是 http(s) 地址（是 ${url.protocol.replace(/:$/, '')}）：写以 https:// 开头的地址`;
  }
  if (url.username !== '' || url.password !== '') {
    return `“${maskUrl(text)}”中含有用户名或密码：去掉 @ 之前的部分，鉴权请用密钥列`;
  }
  if (forbidPrivate) {
    const reason = forbiddenHostReason(url.hostname);
    if (reason)
      return `“${maskUrl(text)}”指向${reason}，本系统配置为不向内部网络发送（WEBHOOK_FORBID_PRIVATE）：改用外网可达的地址`;
  }
  return undefined;
}

/**
 * Why a host is in a range webhooks may not reach when WEBHOOK_FORBID_PRIVATE is set (loopback, RFC 1918 private,
 * link-local, IPv6 unique-local, the unspecified address), in Chinese; undefined for any other host. Only literal
 * addresses and `localhost` are judged here (pure); the sender checks again after resolving a name, so a name that
 * resolves inside is refused too.
 */
export function forbiddenHostReason(host: string): string | undefined {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return '本机（localhost）';
  const v4 = ipv4(h) ?? mappedIpv4(h);
  if (v4) {
    const [a, b] = v4;
    if (a === 127) return '本机回环地址';
    if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return '内网地址（RFC 1918）';
    if (a === 169 && b === 254) return '链路本地地址';
    if (a === 0) return '未指定地址';
    return undefined;
  }
  const v6 = ipv6(h);
  if (!v6) return undefined;
  if (v6.every((x) => x === 0)) return '未指定地址';
  if (v6.slice(0, 7).every((x) => x === 0) && v6[7] === 1) return '本机回环地址';
  if ((v6[0]! & 0xfe00) === 0xfc00) return '内网地址（IPv6 唯一本地）';
  if ((v6[0]! & 0xffc0) === 0xfe80) return '链路本地地址';
  return undefined;
}

function ipv4(h: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** The eight 16-bit groups of an IPv6 literal, or undefined when `h` is not one. */
function ipv6(h: string): number[] | undefined {
  if (!h.includes(':')) return undefined;
  let text = h;
  const tail = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (tail) {
    const v4 = ipv4(tail[1]!);
    if (!v4) return undefined;
    text = `${text.slice(0, tail.index)}:${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return undefined;
  const all = [...head, ...Array<string>(fill).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}

/** ::ffff:a.b.c.d (written either way) is an IPv4 address in IPv6 clothes: judged as the IPv4 one. */
function mappedIpv4(h: string): number[] | undefined {
  const v6 = ipv6(h);
  if (!v6 || !v6.slice(0, 5).every((x) => x === 0) || v6[5] !== 0xffff) return undefined;
  return [v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff];
}

/** What a masked secret ends with: shown by `units list` and GET /units, refused by an import. */
export const MASK = '****';

/**
 * A secret as listings show it: enough to tell two apart (the first 3 and last 2 characters), never enough to sign
 * with. Robots' URLs carry their own secret (access_token, key) and are masked the same way by {@link maskUrl}.
 */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? MASK : `${secret.slice(0, 3)}${MASK}${secret.slice(-2)}`;
}

const TOKEN_PARAMS = /^(access_token|key|token|secret|sign)$/i;

/** A webhook URL with its token-like query values masked (DingTalk's access_token, WeCom's key). */
export function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let masked = false;
  for (const [k, v] of url.searchParams) {
    if (TOKEN_PARAMS.test(k)) {
      url.searchParams.set(k, maskSecret(v));
      masked = true;
    }
  }
  return masked ? url.toString() : text;
}

/** The contacts with every secret masked: what a listing may show. */
export function maskContacts(c: UnitContacts): UnitContacts {
  return {
    ...c,
    liaisons: c.liaisons.map((p) => ({ ...p })),
    webhooks: c.webhooks.map((w) => ({
      ...w,
      url: maskUrl(w.url),
      ...(w.secret !== undefined && { secret: maskSecret(w.secret) }),
    })),
  };
}

/** Whether a unit can be reached outside its inbox: a liaison with an email, or a webhook. */
export function hasChannel(c: UnitContacts): boolean {
  return c.webhooks.length > 0 || c.liaisons.some((p) => p.email !== undefined);
}
