/**
 * Who is calling: on every request, before any route, the credential it carries — a bearer token
 * (`Authorization: Bearer <jwt>`, scripts) or the session cookie `duban_session` (the web page) — is checked and
 * `request.account` set. A request with no credential passes through with no account: whether its route needs one is
 * the authorization table's decision (api/access.ts), not this hook's. A credential that does not hold (tampered,
 * expired, revoked, account disabled, password changed) is refused with 401 and the reason.
 *
 * The session cookie is an ambient credential, sent by the browser whatever page caused the request, so a
 * state-changing request (POST, PUT, PATCH, DELETE) that relies on it must also carry the session's CSRF token, in
 * the `x-csrf-token` header or a form's `_csrf` field; the pages render it from `request.csrfToken`. A bearer token is
 * never sent unasked, so token requests need none.
 *
 * The cookie is HttpOnly (no script reads it), Path=/, Max-Age = SESSION_HOURS, Secure per COOKIE_SECURE, and
 * SameSite=Lax rather than Strict: the notices link an item's page (DUBAN_WEB_URL) from emails and group-chat robots,
 * and Strict would withhold the cookie on that first navigation, landing every such click on the sign-in page. Lax
 * still withholds it from other sites' POSTs, and the CSRF token covers the rest.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import { AuthError } from '../../infra/auth/errors';
import { loadAuthSecret } from '../../infra/auth/secret';
import { openSession } from '../../infra/auth/sessions';
import { verifyToken } from '../../infra/auth/tokens';
import type { StoredAccount } from '../../infra/account-store';
import { AppError } from '../errors';
import type { Account } from './account';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session's CSRF token, for forms to send back (`_csrf`); only for a request signed in by its session. */
    csrfToken?: string;
  }
}

export const SESSION_COOKIE = 'duban_session';

export interface AuthOptions {
  /** HMAC key of session cookies and bearer tokens (infra/auth/secret.ts). */
  secret: Buffer;
  /** SESSION_HOURS: a session's lifetime and the cookie's Max-Age. */
  sessionHours: number;
  /** TOKEN_MINUTES: a bearer token's lifetime when none is asked for. */
  tokenMinutes: number;
  /** COOKIE_SECURE. */
  cookieSecure: 'auto' | 'always' | 'never';
  /** How long a throttled sign-in is held before its 429, at most; 1 s when not given. */
  throttleHoldMs?: number;
}

/** The options from the configuration; reads (or creates) the secret file. */
export function authOptionsOf(config: Config, cwd?: string): AuthOptions {
  return {
    secret: loadAuthSecret(config, cwd),
    sessionHours: config.SESSION_HOURS,
    tokenMinutes: config.TOKEN_MINUTES,
    cookieSecure: config.COOKIE_SECURE,
  };
}

/** The session a request came with, kept beside it for sign-out (never on the request, where a route could leak it). */
const sessions = new WeakMap<FastifyRequest, { key: string; csrfToken: string }>();
/** The bearer token's jti, for sign-out of a token. */
const tokens = new WeakMap<FastifyRequest, string>();

export function sessionKeyOf(request: FastifyRequest): string | undefined {
  return sessions.get(request)?.key;
}
export function tokenIdOf(request: FastifyRequest): string | undefined {
  return tokens.get(request);
}

/** The Account a request carries: the contract's fields only, never the store's bookkeeping. */
export function accountOf(stored: StoredAccount): Account {
  return {
    id: stored.id,
    displayName: stored.displayName,
    role: stored.role,
    ...(stored.unit !== undefined && { unit: stored.unit }),
    ...(stored.office !== undefined && { office: stored.office }),
    ...(stored.cycles !== undefined && { cycles: stored.cycles }),
  };
}

/** Whether the session cookie should be Secure for this request (COOKIE_SECURE=auto: it came over https). */
export function cookieSecure(request: FastifyRequest, setting: AuthOptions['cookieSecure']): boolean {
  if (setting !== 'auto') return setting === 'always';
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || first === 'https';
}

/** Set-Cookie for a session (`value`), or clearing it (undefined). */
export function sessionCookie(request: FastifyRequest, options: AuthOptions, value: string | undefined): string {
  const maxAge = value === undefined ? 0 : options.sessionHours * 3600;
  const secure = cookieSecure(request, options.cookieSecure) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value ?? ''}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Where a stale cookie is ignored rather than refused, so that someone whose session ended can sign in again: the
 * sign-in itself, its page and the page's assets.
 */
function toleratesStaleCookie(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return path === '/auth/sign-in' || path === '/web/sign-in' || path.startsWith('/web/assets/');
}

/** The form fields of application/x-www-form-urlencoded: a string each, or the strings of a field given several times. */
export function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const before = fields[name];
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return fields;
}

const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Lets the routes of a scope take HTML forms (application/x-www-form-urlencoded) as well as JSON, within the API's
 * body limit: the sign-in routes here, and the web pages' form posts in their own scopes. Only those: the JSON API
 * keeps answering 415 to a form, as it always has.
 */
export function acceptForms(scope: FastifyInstance, bodyLimit: number): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => done(null, parseForm(body as string)),
  );
}

/**
 * Installs the authentication on the app, before its routes: the hook that sets `request.account` (onRequest: a bad
 * credential is refused before the body is read), and the CSRF check (preHandler, once a form's `_csrf` field is
 * parsed; the field is then removed so the routes' strict schemas never see it).
 */
export function installAuthentication(
  app: FastifyInstance,
  { pool, options }: { pool: Pool; options: AuthOptions },
): void {
  app.decorateRequest('account', undefined);
  app.decorateRequest('signedInBy', undefined);
  app.decorateRequest('csrfToken', undefined);

  app.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) return bearer(request, reply, authorization);
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (cookie !== undefined && cookie !== '') return session(request, reply, cookie);
    return undefined;
  });

  async function bearer(request: FastifyRequest, reply: FastifyReply, authorization: string): Promise<void> {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    try {
      if (!match) {
        throw new AuthError(
          'UNAUTHENTICATED',
          'Authorization 头应写作 “Bearer 令牌”（令牌由 duban token issue 或 POST /auth/tokens 签发）',
        );
      }
      const { account, claims } = await verifyToken(pool, options.secret, match[1]!);
      request.account = accountOf(account);
      request.signedInBy = 'token';
      tokens.set(request, claims.jti);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      void reply.header('www-authenticate', `Bearer realm="duban", error="invalid_token"`);
      throw new AppError('UNAUTHENTICATED', error.message);
    }
  }

  async function session(request: FastifyRequest, reply: FastifyReply, cookie: string): Promise<unknown> {
    try {
      const open = await openSession(pool, options.secret, cookie);
      request.account = accountOf(open.account);
      request.signedInBy = 'session';
      request.csrfToken = open.csrfToken;
      sessions.set(request, { key: open.key, csrfToken: open.csrfToken });
      return undefined;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      // The browser drops the stale cookie whatever the answer.
      void reply.header('set-cookie', sessionCookie(request, options, undefined));
      if (toleratesStaleCookie(request)) return undefined;
      const accepts = request.headers.accept ?? '';
      if ((request.method === 'GET' || request.method === 'HEAD') && accepts.includes('text/html')) {
        // A page asked for by a browser whose session ended: to the sign-in page, and back here after it.
        return reply.redirect(`/web/sign-in?expired=1&next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new AppError('UNAUTHENTICATED', error.message);
    }
  }

  app.addHook('preHandler', async (request) => {
    const open = sessions.get(request);
    if (!open || !STATE_CHANGING.has(request.method) || request.routeOptions.url === '/auth/sign-in') return;
    const body = request.body;
    const field =
      typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && '_csrf' in body
        ? (body as Record<string, unknown>)._csrf
        : undefined;
    if (field !== undefined) delete (body as Record<string, unknown>)._csrf;
    const header = request.headers['x-csrf-token'];
    const given = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined;
    if (given === undefined || !same(given, open.csrfToken)) {
      throw new AppError(
        'CSRF_TOKEN_INVALID',
        given === undefined
          ? '这个请求缺少 CSRF 令牌：网页表单须带 _csrf 字段，脚本请在 x-csrf-token 头中给出 GET /auth/me 返回的 csrfToken，或改用 Bearer 令牌'
          : 'CSRF 令牌与当前登录不符（页面可能已过期）：请刷新页面后重试',
      );
    }
  });
}
