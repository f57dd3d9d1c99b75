/**
 * The HTTP API: thin routes over the application functions. Every error leaves through one handler as an
 * application/problem+json body with a stable English `code`, a Chinese `title` and `detail` that say what is wrong
 * and how to fix it, and the request's id. A server error never shows its internal message: it is logged with the
 * request id, and the answer gives that id to quote.
 */
import { DELIVERY_STATES, deliveryCounts, listDeliveries, type DeliveryFilter } from '../infra/delivery-store';
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type RouteHandlerMethod,
} from 'fastify';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import type { Logger } from '../infra/logger';
import { isPostgresUnreachable } from '../infra/postgres';
import { ServerUnreachableError } from '../infra/reachability';
import { unitName } from '../workflows/assignment/caller';
import type { EvidenceLimits } from '../domain/evidence/sniff';
import type { AssignmentService } from './assignments';
import { installAuthentication, authOptionsOf, type AuthOptions } from './auth/authenticate';
import { AUTH_ROUTE_DOCS, AUTH_ROUTES, authRoutes } from './auth/routes';
import { AuthError } from '../infra/auth/errors';
import { grantCycle } from '../infra/account-store';
import { loadConfig } from '../infra/config';
import { enforceAccess } from './access';
import { actingAs } from './caller';
import type { Account } from './auth/account';
import { CycleDesk } from './cycle-desk';
import { CYCLE_ROUTE_DOCS, CYCLE_ROUTES, cycleRoutes } from './cycle-routes';
import type { CycleService } from './cycles';
import { AppError } from './errors';
import { EVIDENCE_ROUTES, evidenceRouteDocs, evidenceRoutes } from './evidence';
import { docsRoutes, DOCS_ROUTE_DOCS } from './docs-page';
import { openApiDocument, type RouteDoc } from './openapi';
import { inboxOf, ReadModelLagGauge, supportedBy } from './read-models';
import { lagHeader, readModelLag } from '../read-models/status';
import { RefusalLog, withCycleRefusalLog, withRefusalLog, type RefusalFilter } from './refusals';
import { rateLimit, securityHeaders, type RateLimitOptions } from './security';
import { ASSIGNMENT_ROUTE_DOCS, READ_MODEL_ROUTE_DOCS, REFUSAL_ROUTE_DOCS } from './server-docs';
import { UNIT_ROUTE_DOCS, UNIT_ROUTES, unitRoutes } from './units';
import { WEB_ROUTE_DOCS, WEB_ROUTES, webRoutes } from './web';
import { refusalPage } from './web/layout';
import { COORDINATOR_PAGES, coordinatorPages } from './web/coordinator';
import { ADMIN_PAGE_ROUTES, adminPages } from './web/admin';
import { AUDIT_DOCS, AUDIT_ROUTES, auditRoutes } from './audit-routes';
import { UNIT_ASSIGNMENT_DOCS, UNIT_ASSIGNMENT_ROUTES, unitAssignmentRoutes } from './unit-routes';
import { PAGE_ROUTE_DOCS } from './web/page-docs';
import { UNIT_PAGE_ROUTES, unitPages } from './web/unit';
import { AUDITOR_PAGE_ROUTES, auditorPages } from './web/auditor';
import type { AuditVerifier } from '../infra/audit-verify';

export interface ApiDependencies {
  assignments: AssignmentService;
  pool: Pool;
  logger: Logger;
  /** EVIDENCE_MAX_BYTES; 20 MB when not given. */
  evidence?: EvidenceLimits;
  /** WEBHOOK_FORBID_PRIVATE for the directory's webhooks (PUT /units); false when not given. */
  forbidPrivateWebhooks?: boolean;
  /** Sign-in (api/auth/): the secret, lifetimes, cookie flags; from the environment's configuration when not given. */
  auth?: AuthOptions;
  /**
   * RATE_LIMIT_PER_MINUTE and RATE_LIMIT_BURST per account (per client address before sign-in); 600 a minute, 200 at
   * once when not given; false: no limit.
   */
  rateLimit?: RateLimitOptions | false;
  /** The reverse proxies whose X-Forwarded-For names the client (API_TRUST_PROXY); none by default. */
  trustProxy?: readonly string[];
  /** The cycles' routes and the coordinator's pages, with `client` for the lights in Temporal's visibility. */
  cycles?: CycleService;
  client?: Client;
  /** After a launch through the API: the lead grants the cycle to the account that launched it. */
  onCycleLaunched?: (cycleId: string, account: Account | undefined) => Promise<void> | void;
  /** The present for launches and dashboards: the system clock when not given (see CycleDeskOptions.now). */
  now?: () => Date | Promise<Date>;
  /** Verification against Temporal's histories (GET /assignments/:id/verify); without it that route answers 503. */
  verifier?: AuditVerifier;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perMinute: 600, burst: 200 };

/** The API's title and version as /openapi.json gives them. */
export const API_INFO = {
  title: '督办 API',
  version: '0.1.0',
  description:
    '督办系统的 HTTP 接口：交办、签收、报送、审核、延期、办结等督办事项的全过程，佐证材料，单位名录，通知送达和拒绝记录。',
};

/** The tags of /docs, in the order a reader meets them. */
const TAGS = [
  { name: '督办事项', description: '交办一项任务，并办理其后的签收、报送、审核、延期、办结、退回、改派等各个环节' },
  { name: '佐证材料', description: '报送进展和申请办结时引用的文件：先上传，再在请求中引用其 sha256' },
  { name: '单位', description: '单位名录、单位的通知和配合事项' },
  { name: '拒绝记录', description: '被拒绝的操作：供审计人员查阅' },
  { name: '通知送达', description: '通知在邮件和机器人等渠道上的送达情况' },
  { name: '运维', description: '读模型的状态' },
  { name: 'API 文档', description: '本说明及其机器可读版本' },
  { name: '网页工作台', description: '督办人员、单位和审计人员在浏览器中使用的页面（HTML）' },
  { name: '登录与令牌', description: '登录、退出、令牌、修改密码' },
  { name: '督办周期', description: '发布一份任务分解表为督办周期，查看其进展，暂停、恢复、撤销' },
  { name: '督查通报', description: '各期督查通报：得分、扣分事项，可下载 XLSX' },
  { name: '审计', description: '事项的全过程、任一时点的状态、与 Temporal 历史的核验、事项查找' },
];

/** Every route the API registers, documented: the OpenAPI document and the tests read this list. */
export function routeDocs(limits: { evidence?: EvidenceLimits } = {}): RouteDoc[] {
  return [
    ...ASSIGNMENT_ROUTE_DOCS,
    ...REFUSAL_ROUTE_DOCS,
    ...READ_MODEL_ROUTE_DOCS,
    ...evidenceRouteDocs(limits.evidence ?? DEFAULT_EVIDENCE_LIMITS),
    ...UNIT_ROUTE_DOCS,
    ...DOCS_ROUTE_DOCS,
    ...WEB_ROUTE_DOCS,
    ...AUTH_ROUTE_DOCS,
    ...CYCLE_ROUTE_DOCS,
    ...UNIT_ASSIGNMENT_DOCS,
    ...AUDIT_DOCS,
    ...PAGE_ROUTE_DOCS,
  ];
}

/** The OpenAPI 3.1 document of the API as configured (the evidence limit is the deployment's). */
export function apiDocument(limits: { evidence?: EvidenceLimits } = {}): Record<string, unknown> {
  return openApiDocument(routeDocs(limits), API_INFO, { bodyLimit: BODY_LIMIT_BYTES, tags: TAGS });
}

const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = { maxBytes: 20 * 1024 * 1024 };

/** The routes an app registered (method and pattern; not HEAD, not the 405 answers): the tests compare them with the docs. */
const REGISTERED = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();
export function registeredRoutes(app: FastifyInstance): ReadonlyArray<{ method: string; url: string }> {
  return REGISTERED.get(app) ?? [];
}

/** Larger than any request the bounds on its fields allow, far smaller than what Kafka or PostgreSQL would refuse. */
export const BODY_LIMIT_BYTES = 64 * 1024;

type Method = 'GET' | 'POST' | 'PUT';
interface Route {
  method: Method;
  url: string;
  handler: RouteHandlerMethod;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function buildApi({
  assignments: service,
  pool,
  logger,
  evidence,
  forbidPrivateWebhooks = false,
  rateLimit: rate = DEFAULT_RATE_LIMIT,
  auth = authOptionsOf(loadConfig()),
  cycles: cycleService,
  client,
  onCycleLaunched,
  now,
  verifier,
  trustProxy = [],
}: ApiDependencies): FastifyInstance {
  const refusals = new RefusalLog(pool);
  const assignments = withRefusalLog(service, refusals, 'api', (error) =>
    logger.error({ err: error }, `拒绝记录未能写入：${(error as Error).message}`),
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: trustProxy.length > 0 ? [...trustProxy] : false,
    bodyLimit: BODY_LIMIT_BYTES,
    // A caller's own request id is kept when it is a plain token, so one id follows a request across systems.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const registered: Array<{ method: string; url: string }> = [];
  REGISTERED.set(app, registered);
  app.addHook('onRoute', (route) => {
    if ((route.config as { methodNotAllowed?: boolean } | undefined)?.methodNotAllowed) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') registered.push({ method, url: route.url });
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Every handler runs as the signed-in account: the application names it as the actor of what it does (caller.ts).
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (request, reply) {
      return actingAs(request.account, () => handler.call(this, request, reply));
    };
  });
  securityHeaders(app);
  if (rate && rate.perMinute > 0) rateLimit(app, rate);
  // Who is calling (a session or a token), then whether they may: both before any body is read.
  installAuthentication(app, { pool, options: auth });
  enforceAccess(app, { pool, refusals });

  // Routes that answer from the read models say how far behind those are: Read-Model-Lag: events=…, notices=…, seconds=….
  const gauge = new ReadModelLagGauge(pool);
  const fromReadModels = (handler: RouteHandlerMethod): RouteHandlerMethod =>
    async function (request, reply) {
      const answer: unknown = await handler.call(this, request, reply);
      void reply.header('read-model-lag', lagHeader(await gauge.current()));
      return answer;
    };

  type ById = { Params: { id: string } };
  const routes: Route[] = [
    {
      method: 'POST',
      url: '/assignments',
      handler: async (request, reply) => reply.code(201).send(await assignments.assign(request.body)),
    },
    {
      method: 'GET',
      url: '/assignments/:id',
      handler: async (request) => assignments.status((request.params as ById['Params']).id),
    },
    {
      method: 'POST',
      url: '/assignments/:id/acknowledge',
      handler: async (request) =>
        assignments.acknowledge((request.params as ById['Params']).id, request.body, idempotencyKey(request.headers)),
    },
    {
      method: 'POST',
      url: '/assignments/:id/reports',
      handler: async (request) =>
        assignments.submitReport((request.params as ById['Params']).id, request.body, idempotencyKey(request.headers)),
    },
    // The turns of the 督办 conversation: each an update on the assignment's workflow, refused before it is recorded.
    ...(
      [
        ['complete', 'complete'],
        ['reviews', 'reviewReport'],
        ['extensions', 'requestExtension'],
        ['extensions/decision', 'decideExtension'],
        ['deadline', 'moveDeadline'],
        ['closure', 'requestClosure'],
        ['closure/decision', 'decideClosure'],
        ['contributions', 'contribute'],
        ['policy', 'changePolicy'],
        ['cooperating', 'changeCooperating'],
        ['send-back', 'sendBack'],
        ['send-back/insist', 'insist'],
        ['reassign', 'reassign'],
      ] as const
    ).map(([path, turn]): Route => ({
      method: 'POST',
      url: `/assignments/:id/${path}`,
      handler: async (request) =>
        assignments[turn]((request.params as ById['Params']).id, request.body, idempotencyKey(request.headers)),
    })),
    // The refusal log, for auditors: who tried what on an assignment, a task, or as a caller, and why it was refused.
    {
      method: 'GET',
      url: '/assignments/:id/refusals',
      handler: async (request) => refusals.list({ assignmentId: (request.params as ById['Params']).id }),
    },
    {
      method: 'GET',
      url: '/refusals',
      handler: async (request) => refusals.list(refusalFilter(request.query)),
    },
    {
      method: 'GET',
      url: '/units/:unit/supporting',
      handler: fromReadModels(async (request) => supportedBy(pool, unitParam(request.params))),
    },
    {
      method: 'GET',
      url: '/units/:unit/inbox',
      handler: fromReadModels(async (request) => inboxOf(pool, unitParam(request.params))),
    },
    // Where notices stand on people's channels: the coordinator looks for failed ones (?state=failed).
    {
      method: 'GET',
      url: '/deliveries',
      handler: async (request) => {
        const filter = deliveryFilter(request.query);
        return { counts: await deliveryCounts(pool), deliveries: await listDeliveries(pool, filter) };
      },
    },
    {
      method: 'GET',
      url: '/readmodels/status',
      handler: async (request) => {
        const { assignment } = request.query as { assignment?: string };
        return readModelLag(pool, assignment ? [assignment] : undefined);
      },
    },
  ];
  for (const route of routes) app.route(route);
  void app.register(evidenceRoutes, { pool, limits: evidence ?? DEFAULT_EVIDENCE_LIMITS });
  void app.register(unitRoutes, { pool, forbidPrivate: forbidPrivateWebhooks });
  void app.register(webRoutes);
  void app.register(adminPages, { pool });
  docsRoutes(app, apiDocument({ evidence }), {
    bodyLimit: BODY_LIMIT_BYTES,
    ...(rate && rate.perMinute > 0 && { rate: { perMinute: rate.perMinute, burst: rate.burst } }),
  });
  void app.register(authRoutes, { pool, options: auth, bodyLimit: BODY_LIMIT_BYTES });
  const withCycles = cycleService && client;
  if (withCycles) {
    const cycles = withCycleRefusalLog(cycleService, refusals, 'api', (error) =>
      logger.error({ err: error }, `拒绝记录未能写入：${(error as Error).message}`),
    );
    const desk = new CycleDesk({ client, pool, cycles, ...(now && { now }) });
    // The coordinator who launches a cycle coordinates it: the cycle is granted to the account at once.
    const grantLaunched = async (cycleId: string, account: Account | undefined) => {
      if (account?.role === 'coordinator') await grantCycle(pool, account.id, cycleId);
    };
    void app.register(cycleRoutes, { desk, cycles, onLaunched: onCycleLaunched ?? grantLaunched });
    void app.register(coordinatorPages, { desk, cycles, assignments });
  }
  void app.register(unitAssignmentRoutes, { pool, lag: () => gauge.current() });
  void app.register(auditRoutes, { pool, verifier });
  void app.register(unitPages, { assignments, pool });
  void app.register(auditorPages, { pool, verifier });
  refuseOtherMethods(app, [
    ...routes,
    ...EVIDENCE_ROUTES,
    ...UNIT_ROUTES,
    ...WEB_ROUTES,
    ...ADMIN_PAGE_ROUTES,
    ...DOCS_ROUTE_DOCS,
    ...AUTH_ROUTES,
    ...(withCycles ? [...CYCLE_ROUTES, ...COORDINATOR_PAGES] : []),
    ...UNIT_ASSIGNMENT_ROUTES,
    ...AUDIT_ROUTES,
    ...UNIT_PAGE_ROUTES,
    ...AUDITOR_PAGE_ROUTES,
  ]);

  app.setNotFoundHandler((request) => {
    throw new AppError(
      'NOT_FOUND',
      `没有这个地址：${request.method} ${request.url}；可用的地址见 README 的「API」一节`,
    );
  });

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const problem = toProblem(error, request.id);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, `请求失败：${error.message}`);
    // A person at the web workspace gets a page saying it, not JSON; a script gets the problem.
    if (request.url.startsWith('/web/') && request.headers.accept?.includes('text/html')) {
      return refusalPage(reply, request, problem);
    }
    return reply
      .code(problem.status)
      .type('application/problem+json')
      .send({ ...problem, requestId: request.id });
  });
  return app;
}

/** GET /refusals?task=…|caller=…|assignment=…: at least one of them, so the log is never dumped whole by accident. */
function refusalFilter(query: unknown): RefusalFilter {
  const { task, caller, assignment } = (query ?? {}) as Record<string, unknown>;
  const given = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const filter = { taskId: given(task), caller: given(caller), assignmentId: given(assignment) };
  if (!filter.taskId && !filter.caller && !filter.assignmentId) {
    throw new AppError(
      'INVALID_PAYLOAD',
      '请写明要查哪些拒绝记录：?task=任务编号、?caller=单位名称 或 ?assignment=督办事项编号，可同时给出',
    );
  }
  return filter;
}

/** GET /deliveries?state=…&recipient=…&assignment=…: every filter optional; an unknown state names the known ones. */
function deliveryFilter(query: unknown): DeliveryFilter {
  const { state, recipient, assignment } = (query ?? {}) as Record<string, unknown>;
  const given = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const wanted = given(state);
  if (wanted !== undefined && !(DELIVERY_STATES as readonly string[]).includes(wanted)) {
    throw new AppError('INVALID_PAYLOAD', `state 只能是 ${DELIVERY_STATES.join('、')} 之一，而不是 ${wanted}`);
  }
  return {
    ...(wanted && { state: wanted as DeliveryFilter['state'] }),
    ...(given(recipient) && { recipient: given(recipient) }),
    ...(given(assignment) && { assignmentId: given(assignment) }),
  };
}

/** The unit named in a /units/:unit/… address, checked as every unit name is. */
function unitParam(params: unknown): string {
  const unit = unitName.safeParse((params as { unit: string }).unit);
  if (!unit.success) throw new AppError('INVALID_PAYLOAD', `单位名称有误：${unit.error.issues[0]?.message}`);
  return unit.data;
}

/**
 * A known address asked with another method answers 405 with the methods it has (Allow), not 404 as if it did not
 * exist. Fastify answers HEAD wherever it answers GET.
 */
function refuseOtherMethods(app: FastifyInstance, routes: ReadonlyArray<{ method: string; url: string }>): void {
  const methodsByUrl = new Map<string, string[]>();
  for (const { method, url } of routes) methodsByUrl.set(url, [...(methodsByUrl.get(url) ?? []), method]);
  const all = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  for (const [url, methods] of methodsByUrl) {
    const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    app.route({
      method: all.filter((m) => !allowed.includes(m)),
      url,
      config: { methodNotAllowed: true },
      handler: async (request, reply) => {
        void reply.header('allow', allowed.join(', '));
        throw new AppError(
          'METHOD_NOT_ALLOWED',
          `${url} 不支持 ${request.method} 请求；可用的方法：${allowed.join('、')}`,
        );
      },
    });
  }
}

/**
 * A client that may retry a call sends the same Idempotency-Key each time; it is applied once. (Node joins repeated
 * headers with ", ", which no valid key contains, so two keys are refused as a malformed one.)
 */
function idempotencyKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
}

function toProblem(error: Error, requestId: string): Problem {
  if (error instanceof AuthError) return toProblem(new AppError(error.code, error.message), requestId);
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, title: error.title, detail: error.message };
  }
  if (error instanceof ServerUnreachableError || isPostgresUnreachable(error)) {
    const server = error instanceof ServerUnreachableError ? error.server : 'PostgreSQL';
    return unreachable(server);
  }
  const fastify = error as FastifyError;
  const status = fastify.statusCode ?? 500;
  if (status < 500) return clientError(fastify, status);
  return {
    status: 500,
    code: 'INTERNAL',
    title: '服务器内部错误',
    detail: `服务器内部错误，已记录（请求编号 ${requestId}）；请稍后重试，或把请求编号告知管理员`,
  };
}

function unreachable(server: string): Problem {
  return {
    status: 503,
    code: 'SERVER_UNREACHABLE',
    title: '服务暂不可用',
    detail: `${server} 暂时无法连接；请稍后重试（运维人员：检查 ${server} 是否运行）`,
  };
}

/** Fastify's own refusals (body too large, not JSON, malformed JSON), in the same shape and language as ours. */
function clientError(error: FastifyError, status: number): Problem {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        title: '请求体过大',
        detail: `请求体超过 ${BODY_LIMIT_BYTES} 字节上限；请缩短文本后再提交`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: '请求体类型不受支持',
        detail: '请求体须为 JSON，并带 Content-Type: application/json 头',
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        code: 'INVALID_PAYLOAD',
        title: '请求格式有误',
        detail: '请求体不是有效的 JSON；请检查引号、逗号和括号',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'INVALID_PAYLOAD', title: '请求格式有误', detail: '请求体为空；请发送 JSON 对象' };
    default:
      return {
        status,
        code: 'INVALID_PAYLOAD',
        title: '请求格式有误',
        detail: '请求有误，请检查后重试',
      };
  }
}
