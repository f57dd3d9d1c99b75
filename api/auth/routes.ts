/**
 * Sign-in over HTTP: the web page's form and scripts' JSON.
 *   POST /auth/sign-in         {account, password} → 200 {account, csrfToken, expiresAt} and the session cookie;
 *                              a form post → 303 to its `next` (a path on this site) or /web/, and on failure 303
 *                              back to /web/sign-in?error=1&next=…
 *   POST /auth/sign-out        ends the session (or revokes the bearer token it came with), clears the cookie
 *   GET  /auth/me              who is signed in, how, and the session's CSRF token
 *   POST /auth/tokens          {minutes?} → 201 a bearer token for the signed-in account (from a session only)
 *   POST /auth/tokens/revoke   {jti} → one's own token; an admin any
 *   POST /auth/password        {current, password} → a new password for the signed-in account (from a session),
 *                              every other session and token of the account ended, this one renewed
 * Answers carry `Cache-Control: no-store`: they hold credentials.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { AuthError } from '../../infra/auth/errors';
import { PASSWORD_MAX_LENGTH } from '../../infra/auth/passwords';
import { setPassword } from '../../infra/account-store';
import { createSession, revokeSession } from '../../infra/auth/sessions';
import { signIn } from '../../infra/auth/sign-in';
import { issueToken, revokeToken, TOKEN_MAX_MINUTES } from '../../infra/auth/tokens';
import { AppError, type AppErrorCode } from '../errors';
import { ROLES, type Account } from './account';
import { acceptForms, accountOf, sessionCookie, sessionKeyOf, tokenIdOf, type AuthOptions } from './authenticate';

export interface AuthRouteOptions {
  pool: Pool;
  options: AuthOptions;
  /** The API's body limit, for the sign-in form. */
  bodyLimit: number;
}

/** The addresses served here, for the API's answer to other methods (405 with Allow) and the authorization table. */
export const AUTH_ROUTES = [
  { method: 'POST', url: '/auth/sign-in' },
  { method: 'POST', url: '/auth/sign-out' },
  { method: 'GET', url: '/auth/me' },
  { method: 'POST', url: '/auth/tokens' },
  { method: 'POST', url: '/auth/tokens/revoke' },
  { method: 'POST', url: '/auth/password' },
] as const;

const signInBody = z.object({
  account: z.string({ error: '请填写账号' }).trim().min(1, '请填写账号').max(200, '账号太长'),
  password: z
    .string({ error: '请填写密码' })
    .min(1, '请填写密码')
    .max(PASSWORD_MAX_LENGTH * 2, '密码太长'),
  next: z.string().optional(),
});
const tokensBody = z
  .strictObject({
    minutes: z.coerce
      .number({ error: 'minutes 应为分钟数' })
      .int('minutes 应为整数')
      .min(1, 'minutes 至少为 1')
      .max(TOKEN_MAX_MINUTES, `minutes 至多为 ${TOKEN_MAX_MINUTES}（24 小时）`)
      .optional(),
  })
  .default({});
const passwordBody = z.strictObject({
  current: z
    .string({ error: '请填写原密码' })
    .min(1, '请填写原密码')
    .max(PASSWORD_MAX_LENGTH * 2, '原密码太长'),
  password: z.string({ error: '请填写新密码' }),
});
const revokeBody = z.strictObject({
  jti: z.string({ error: '请给出要吊销的令牌编号 jti' }).trim().min(1, '请给出要吊销的令牌编号 jti').max(128),
});

const accountAnswer = z.object({
  id: z.string().describe('账号（登录名）'),
  displayName: z.string().describe('显示名'),
  role: z.enum(ROLES).describe('角色'),
  unit: z.string().optional().describe('单位负责人、单位联络员：所在单位'),
  office: z.string().optional().describe('督办人员：所在督办单位'),
  cycles: z.array(z.string()).optional().describe('督办人员：被授予的督办周期'),
});
const sessionAnswer = z.object({
  csrfToken: z
    .string()
    .describe(
      '本次登录的 CSRF 令牌：用 Cookie 登录时，POST/PUT/PATCH/DELETE 请求须在 x-csrf-token 头或表单 _csrf 字段中带上',
    ),
  expiresAt: z.string().describe('登录的失效时间（ISO 8601）'),
});
const AUTH = ['登录与令牌'];

/** The shape of api/openapi.ts's RouteDoc (DOCS's branch), so the lead can hand these to it unchanged. */
interface AuthRouteDoc {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  description: string;
  tags: string[];
  body?: z.ZodType;
  bodyType?: Array<'json' | 'form'>;
  example?: unknown;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  problems: AppErrorCode[];
}

/**
 * The routes described for the OpenAPI document (api/openapi.ts's RouteDoc, by shape): who may call each is said in
 * its description; the authorization table (api/access.ts) lets everyone reach these, each checks its own caller.
 */
export const AUTH_ROUTE_DOCS: AuthRouteDoc[] = [
  {
    method: 'POST',
    url: '/auth/sign-in',
    summary: '用账号和密码登录',
    description:
      '任何人可调用。JSON 请求答 200 并设置会话 Cookie（duban_session：HttpOnly、SameSite=Lax、Path=/）；' +
      '表单请求答 303，转到 next（本站路径）或 /web/，失败时转回 /web/sign-in?error=1（频繁失败为 error=throttled&retryAfter=秒数）。' +
      '同一账号 15 分钟内失败 5 次（同一地址 25 次）后，须按 Retry-After 等待（1 秒起逐次加倍，至多 15 分钟）。',
    tags: AUTH,
    body: signInBody,
    bodyType: ['json', 'form'],
    example: { account: 'zhang.wei', password: '一句好记的密码-2027' },
    responses: {
      200: { description: '已登录', schema: sessionAnswer.extend({ account: accountAnswer }) },
      303: { description: '表单登录：转到 next 或 /web/；失败时转回登录页' },
    },
    problems: ['UNAUTHENTICATED', 'TOO_MANY_REQUESTS'],
  },
  {
    method: 'POST',
    url: '/auth/sign-out',
    summary: '退出登录',
    description: '已登录者：结束本次会话并清除 Cookie（以令牌调用则吊销该令牌）。表单请求答 303 转到登录页。',
    tags: AUTH,
    responses: { 204: { description: '已退出' }, 303: { description: '表单：转到 /web/sign-in' } },
    problems: ['CSRF_TOKEN_INVALID'],
  },
  {
    method: 'GET',
    url: '/auth/me',
    summary: '当前登录的账号',
    description: '已登录者：账号、登录方式（session 或 token），以 Cookie 登录时还有 CSRF 令牌。',
    tags: AUTH,
    responses: {
      200: {
        description: '当前账号',
        schema: z.object({
          account: accountAnswer,
          signedInBy: z.enum(['session', 'token']),
          csrfToken: z.string().optional(),
        }),
      },
    },
    problems: ['UNAUTHENTICATED'],
  },
  {
    method: 'POST',
    url: '/auth/tokens',
    summary: '为当前账号签发 Bearer 令牌',
    description:
      '以网页登录（Cookie）者：签发供脚本使用的令牌，默认 TOKEN_MINUTES 分钟，至多 24 小时。令牌不能再签发令牌。',
    tags: AUTH,
    body: tokensBody,
    bodyType: ['json', 'form'],
    example: { minutes: 60 },
    responses: {
      201: {
        description: '已签发',
        schema: z.object({
          token: z.string().describe('在 Authorization 头中写 Bearer 加空格加此令牌'),
          tokenType: z.literal('Bearer'),
          jti: z.string().describe('令牌编号，吊销时用'),
          expiresAt: z.string(),
        }),
      },
    },
    problems: ['UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID'],
  },
  {
    method: 'POST',
    url: '/auth/tokens/revoke',
    summary: '吊销令牌',
    description: '已登录者吊销自己的令牌；系统管理员可吊销任何令牌。别人的令牌编号与不存在的一样答 404。',
    tags: AUTH,
    body: revokeBody,
    example: { jti: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
    responses: {
      200: {
        description: '已吊销（再次吊销同样答 200）',
        schema: z.object({ jti: z.string(), account: z.string(), revokedAt: z.string() }),
      },
    },
    problems: ['UNAUTHENTICATED', 'UNKNOWN_TOKEN', 'CSRF_TOKEN_INVALID'],
  },
  {
    method: 'POST',
    url: '/auth/password',
    summary: '修改自己的密码',
    description:
      '以网页登录（Cookie）者：凭原密码设新密码（至少 10 个字符）；该账号其他登录和所有令牌即刻失效，本次登录换发新 Cookie。',
    tags: AUTH,
    body: passwordBody,
    example: { current: '原来的密码-2027', password: '一句新的好记的密码' },
    responses: { 200: { description: '已修改', schema: sessionAnswer } },
    problems: ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_REFUSED', 'TOO_MANY_REQUESTS', 'CSRF_TOKEN_INVALID'],
  },
];

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? undefined);
  if (!parsed.success) {
    throw new AppError('INVALID_PAYLOAD', `请求格式有误：${parsed.error.issues.map((i) => i.message).join('；')}`);
  }
  return parsed.data;
}

/** An AuthError as the API answers it (same code), with Retry-After when it asks for a wait. */
function answer(reply: FastifyReply, error: unknown): never {
  if (!(error instanceof AuthError)) throw error;
  if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  throw new AppError(error.code, error.message);
}

const isForm = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/**
 * Where a form's sign-in goes next: a path on this site only — one '/' then not another '/' or '\' (browsers read
 * both `//host` and `/\host` as another site), no scheme, no control characters or spaces.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 2000) return undefined;
  return /^\/(?![/\\])[^\s\p{Cc}\\]*$/u.test(next) ? next : undefined;
}

const signedIn = (request: FastifyRequest): Account => {
  if (!request.account) {
    throw new AppError('UNAUTHENTICATED', '请先登录：网页登录，或在 Authorization 头中带 Bearer 令牌');
  }
  return request.account;
};

export const authRoutes: FastifyPluginAsync<AuthRouteOptions> = async (scope, { pool, options, bodyLimit }) => {
  acceptForms(scope, bodyLimit);
  scope.addHook('onSend', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  scope.post('/auth/sign-in', async (request, reply) => {
    const form = isForm(request);
    const next = safeNext((request.body as { next?: unknown } | undefined)?.next);
    const back = (error: string) =>
      `/web/sign-in?error=${error}${next !== undefined ? `&next=${encodeURIComponent(next)}` : ''}`;
    let account;
    try {
      const body = parse(signInBody, request.body);
      account = await signIn(
        pool,
        { account: body.account, password: body.password, ip: request.ip },
        { log: request.log, ...(options.throttleHoldMs !== undefined && { holdMs: options.throttleHoldMs }) },
      );
    } catch (error) {
      if (!form || !(error instanceof AuthError || error instanceof AppError)) return answer(reply, error);
      if (error instanceof AuthError && error.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(error.retryAfterSeconds));
        return reply.redirect(back(`throttled&retryAfter=${error.retryAfterSeconds}`), 303);
      }
      return reply.redirect(back('1'), 303);
    }
    // A session the browser still had ends here: a sign-in always starts a new one (no fixation).
    const before = sessionKeyOf(request);
    if (before) await revokeSession(pool, before);
    const session = await createSession(pool, options.secret, account.id, options.sessionHours);
    reply.removeHeader('set-cookie');
    void reply.header('set-cookie', sessionCookie(request, options, session.cookie));
    request.log.info({ account: account.id, ip: request.ip }, `登录成功：账号 ${account.id}`);
    if (form) return reply.redirect(next ?? '/web/', 303);
    return { account: accountOf(account), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  });

  /** Signs out: 204, or 303 to the sign-in page for a form; with no credential, it only clears the cookie. */
  scope.post('/auth/sign-out', async (request, reply) => {
    const key = sessionKeyOf(request);
    if (key) await revokeSession(pool, key);
    const jti = tokenIdOf(request);
    if (jti && request.account) await revokeToken(pool, jti, request.account).catch((e: unknown) => answer(reply, e));
    void reply.header('set-cookie', sessionCookie(request, options, undefined));
    if (request.account) request.log.info({ account: request.account.id }, `已退出登录：账号 ${request.account.id}`);
    return isForm(request) ? reply.redirect('/web/sign-in', 303) : reply.code(204).send();
  });

  scope.get('/auth/me', async (request) => {
    const account = signedIn(request);
    return {
      account,
      signedInBy: request.signedInBy,
      ...(request.csrfToken !== undefined && { csrfToken: request.csrfToken }),
    };
  });

  /**
   * A bearer token for the signed-in account. Only from a session: a token that could mint tokens would let a leaked
   * one outlive its expiry. Scripts of a first admin get theirs from `duban token issue`.
   */
  scope.post('/auth/tokens', async (request, reply) => {
    const account = signedIn(request);
    if (request.signedInBy !== 'session') {
      throw new AppError(
        'FORBIDDEN',
        '令牌不能用来签发新令牌：请在网页登录后签发，或请系统管理员用 duban token issue 签发',
      );
    }
    const { minutes = options.tokenMinutes } = parse(tokensBody, request.body);
    try {
      const issued = await issueToken(pool, options.secret, account.id, { minutes, issuedBy: account.id });
      request.log.info({ account: account.id, jti: issued.jti }, `已签发令牌：账号 ${account.id}`);
      return reply
        .code(201)
        .send({ token: issued.token, tokenType: 'Bearer', jti: issued.jti, expiresAt: issued.expiresAt });
    } catch (error) {
      return answer(reply, error);
    }
  });

  /**
   * A new password, proved by the current one (checked, throttled and logged as a sign-in is). Every session and
   * token of the account ends — a password changed because it leaked must shut out whoever has it — and this
   * request's session is renewed, so the person changing it stays signed in here. Only from a session.
   */
  scope.post('/auth/password', async (request, reply) => {
    const account = signedIn(request);
    if (request.signedInBy !== 'session') {
      throw new AppError(
        'FORBIDDEN',
        '令牌不能用来修改密码：请在网页登录后修改，或请系统管理员用 duban users password 重设',
      );
    }
    const body = parse(passwordBody, request.body);
    if (body.password === body.current) {
      throw new AppError('PASSWORD_REFUSED', '新密码与原密码相同；请换一个新密码');
    }
    try {
      await signIn(
        pool,
        { account: account.id, password: body.current, ip: request.ip },
        { log: request.log, ...(options.throttleHoldMs !== undefined && { holdMs: options.throttleHoldMs }) },
      );
    } catch (error) {
      if (error instanceof AuthError && error.code === 'UNAUTHENTICATED') {
        throw new AppError('FORBIDDEN', '原密码不正确；忘记密码请联系系统管理员重置');
      }
      return answer(reply, error);
    }
    try {
      await setPassword(pool, account.id, body.password);
    } catch (error) {
      return answer(reply, error);
    }
    const session = await createSession(pool, options.secret, account.id, options.sessionHours);
    void reply.header('set-cookie', sessionCookie(request, options, session.cookie));
    request.log.info({ account: account.id, ip: request.ip }, `已修改密码：账号 ${account.id}`);
    return { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  });

  scope.post('/auth/tokens/revoke', async (request, reply) => {
    const account = signedIn(request);
    const { jti } = parse(revokeBody, request.body);
    try {
      const revoked = await revokeToken(pool, jti, account);
      request.log.info({ account: account.id, jti, owner: revoked.accountId }, `已吊销令牌 ${jti}`);
      return { jti: revoked.jti, account: revoked.accountId, revokedAt: revoked.revokedAt };
    } catch (error) {
      return answer(reply, error);
    }
  });
};
