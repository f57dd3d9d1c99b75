/**
 * Limits and headers every answer of the API carries: browser security headers (the web workspace is served by the
 * same process, so its pages get a Content-Security-Policy that runs only our own scripts and styles), no caching of
 * API answers, and a rate limit per signed-in account — per client address before sign-in — so one script or one
 * stuck page cannot crowd everyone else out.
 *
 * The rate limit is a token bucket per key, held in the memory of each API process: behind a load balancer with n
 * processes a caller may get up to n times the rate. It is a guard against runaway clients, not an accounting.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors';

/** Static assets: cached by the browser, never rate limited (a page's stylesheet must not cost its reader a request). */
export const ASSET_PREFIXES = ['/web/assets/', '/docs/assets/'];

const isAsset = (url: string) => ASSET_PREFIXES.some((prefix) => url.startsWith(prefix));

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; " +
    "form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The headers, on every answer, errors included (onSend runs for those too). A route that set its own policy keeps it:
 * a downloaded evidence file is served with `sandbox` and a long cache.
 */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) void reply.header(name, value);
    }
    if (!reply.hasHeader('cache-control') && !isAsset(request.url)) void reply.header('cache-control', 'no-store');
    if (request.protocol === 'https') {
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
  });
}

export interface RateLimitOptions {
  /** Tokens added per minute (RATE_LIMIT_PER_MINUTE); 0 turns the limit off. */
  perMinute: number;
  /** The bucket's size: how many requests may come at once after a quiet while (RATE_LIMIT_BURST). */
  burst: number;
  /** The clock, in milliseconds; tests drive it. */
  now?: () => number;
  /** Buckets kept at most; the least recently used go first (a full bucket is the same as none). */
  maxKeys?: number;
}

export interface Take {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a request would be allowed again (0 when one is). */
  retryAfter: number;
  /** Seconds until the bucket is full again. */
  reset: number;
}

/** Token buckets by key: `burst` tokens at most, `perMinute` added per minute, one taken per request. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1)) {
      throw new Error(`频率限制须为正数：每分钟 ${options.perMinute} 次，连续 ${options.burst} 次`);
    }
    this.perMs = options.perMinute / 60_000;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  take(key: string): Take {
    const now = this.now();
    const { burst } = this.options;
    const stored = this.buckets.get(key);
    const tokens = stored ? Math.min(burst, stored.tokens + Math.max(0, now - stored.at) * this.perMs) : burst;
    const allowed = tokens >= 1;
    const left = allowed ? tokens - 1 : tokens;
    this.buckets.delete(key); // re-inserted last: the map's order is least recently used first
    this.buckets.set(key, { tokens: left, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return {
      allowed,
      remaining: Math.floor(left),
      retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - left) / this.perMs / 1000)),
      reset: Math.ceil((burst - left) / this.perMs / 1000),
    };
  }
}

/** The signed-in account, or the client's address before sign-in. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.account ? `account:${request.account.id}` : `ip:${request.ip}`;
}

/**
 * The limit as a preParsing hook: after the onRequest hooks (authentication sets `request.account` there), before a
 * body is read — a refused upload is not read first. The answer says when to come back (Retry-After) and every
 * answer how much is left (RateLimit-Limit, -Remaining, -Reset, in requests and seconds).
 */
export function rateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  const buckets = new TokenBuckets(options);
  app.addHook('preParsing', async (request, reply, payload) => {
    if (isAsset(request.url)) return payload;
    const take = buckets.take(rateLimitKey(request));
    void reply.header('ratelimit-limit', String(options.burst));
    void reply.header('ratelimit-remaining', String(take.remaining));
    void reply.header('ratelimit-reset', String(take.reset));
    if (!take.allowed) {
      void reply.header('retry-after', String(take.retryAfter));
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `请求过于频繁（每分钟至多 ${options.perMinute} 次，可连续 ${options.burst} 次）；请 ${take.retryAfter} 秒后再试`,
      );
    }
    return payload;
  });
}
