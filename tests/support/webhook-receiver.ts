/**
 * A webhook receiver for tests, on 127.0.0.1 and a free port: it checks the plain JSON webhook's signature exactly as
 * the README tells a receiver to (HMAC-SHA256 over `${timestamp}.${body}`, constant-time compare, a 5-minute replay
 * window) and DingTalk's signed URL, records every request with its delivery id, counts repeats per delivery id, and
 * can be told to answer a status (or a robot's errcode) or to stall.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  deliveryId: string | undefined;
  /** Whether the signature checked: true/false, or undefined when the request carried none to check. */
  signatureValid: boolean | undefined;
  /** When it arrived (ms): the server's clock. */
  at: number;
}

/** What the receiver answers: a status with a body, or no answer at all for `stallMs`. */
export type Answer = { status: number; body?: unknown } | { stallMs: number };

export const REPLAY_WINDOW_SECONDS = 300;

/** The README's recipe: `X-Duban-Signature` = `sha256=` hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function verifyJsonSignature(
  secret: string,
  headers: IncomingMessage['headers'],
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = String(headers['x-duban-timestamp'] ?? '');
  const signature = String(headers['x-duban-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > REPLAY_WINDOW_SECONDS) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** DingTalk's check of a signed robot URL: sign = base64 HMAC-SHA256(secret, `${timestamp}\n${secret}`), within 1 hour. */
export function verifyDingTalkSign(secret: string, query: URLSearchParams, nowMs = Date.now()): boolean {
  const timestamp = query.get('timestamp') ?? '';
  const sign = query.get('sign') ?? '';
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > 3_600_000) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  return expected === sign;
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private answers: Answer[] = [];
  private fallback: Answer = { status: 200, body: { ok: true } };
  private readonly byPath = new Map<string, Answer>();
  private readonly secrets = new Map<string, { kind: 'json' | 'dingtalk'; secret: string }>();
  private readonly stalled = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** A receiver listening on 127.0.0.1 and a port the system picks. */
  static async start(): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => holder.receiver!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return holder.receiver;
  }

  /** Requests to `path` are checked with this secret, as a plain JSON endpoint or as a DingTalk robot. */
  expectSecret(path: string, kind: 'json' | 'dingtalk', secret: string): void {
    this.secrets.set(path, { kind, secret });
  }

  /** The next requests get these answers, in order; after them, `otherwise` (200 by default). */
  answer(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  answerAlways(answer: Answer): void {
    this.fallback = answer;
  }

  /** Requests to `path` always get this answer (a refusing robot beside a working one). */
  answerAt(path: string, answer: Answer): void {
    this.byPath.set(path, answer);
  }

  /** The requests to one path, in the order they arrived. */
  at(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Requests held open by a stall right now: a sender killed now leaves them unanswered. */
  inFlight(): number {
    return this.stalled.size;
  }

  /** How many requests carried each delivery id. */
  countsByDelivery(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.requests) if (r.deliveryId) counts.set(r.deliveryId, (counts.get(r.deliveryId) ?? 0) + 1);
    return counts;
  }

  /** The delivery ids received more than once, with their counts: [] means no duplicate. */
  repeats(): [string, number][] {
    return [...this.countsByDelivery()].filter(([, n]) => n > 1);
  }

  reset(): void {
    this.requests.length = 0;
    this.answers = [];
    this.fallback = { status: 200, body: { ok: true } };
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', this.url);
      const expected = this.secrets.get(url.pathname);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const signatureValid =
        expected === undefined
          ? undefined
          : expected.kind === 'json'
            ? verifyJsonSignature(expected.secret, req.headers, body)
            : verifyDingTalkSign(expected.secret, url.searchParams);
      const deliveryHeader = req.headers['x-duban-delivery'];
      this.requests.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        json,
        deliveryId: typeof deliveryHeader === 'string' ? deliveryHeader : undefined,
        signatureValid,
        at: Date.now(),
      });
      const answer = this.byPath.get(url.pathname) ?? this.answers.shift() ?? this.fallback;
      if ('stallMs' in answer) {
        this.stalled.add(res);
        setTimeout(() => {
          this.stalled.delete(res);
          if (!res.destroyed) res.writeHead(200).end('{"ok":true}');
        }, answer.stallMs).unref();
        return;
      }
      if (signatureValid === false) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
        return;
      }
      res
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}));
    });
  }
}
