/**
 * Who may do what: one table of (route, role, own/other) → allowed, enforced by one hook for every route, so no
 * route decides for itself and none is forgotten — a route missing from the table is refused to everyone, and the
 * generated test (tests/api/access.int.test.ts) walks every route × role × own/other against this table.
 *
 * "Own" is decided by the route's scope:
 * - assignment (`:id`): a unit's own are the items it leads and those it cooperates on (配合); a coordinator's, the
 *   items of the cycles granted to it, or, outside any cycle, those its office assigned;
 * - unit (`:unit`): a unit's own is itself;
 * - cycle (`:cycle`): a coordinator's own are the cycles granted to it.
 *
 * The answers: no sign-in → 401 (a page: to the sign-in page); a role the route is not for → 403; a coordinator on a
 * cycle or item not theirs → 403; a unit on another unit's item → 404, the very answer an item that does not exist
 * gets, so a unit cannot learn what other units are given. Every refusal here is written to the refusal log.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { isUnitRole, ROLE_NAMES, type Account, type Role } from './auth/account';
import { AppError, type AppErrorCode } from './errors';
import type { RefusalLog } from './refusals';

/** What a role may do on a route: on everything, only on its own, or nothing. */
export type Grant = 'any' | 'own' | 'none';
export type Scope = 'none' | 'assignment' | 'unit' | 'cycle';

export interface Rule {
  /** Where "own" is read from; `none` for routes that concern no one item, unit or cycle. */
  scope: Scope;
  /** Anyone, signed in or not (the sign-in page, its assets, the API's documentation). */
  public?: true;
  /** Every signed-in account, whatever its role (its own session, its own tokens). */
  signedIn?: true;
  /**
   * Only from the web page's session, never with a bearer token: what would let a leaked token outlive itself (a new
   * token, a new password).
   */
  sessionOnly?: true;
  /** What each role may do; a role not named may do nothing. */
  roles?: Partial<Record<Role, Grant>>;
}

const READ_ALL: Partial<Record<Role, Grant>> = { auditor: 'any' };
/** An item's own parties and the auditor see it. */
const ITEM_READ: Partial<Record<Role, Grant>> = {
  coordinator: 'own',
  'unit-head': 'own',
  'unit-member': 'own',
  ...READ_ALL,
};
/** A unit's turn any of its people may take: 签收, 报送, 协办意见. */
const UNIT_TURN: Partial<Record<Role, Grant>> = { 'unit-head': 'own', 'unit-member': 'own' };
/** A turn that binds the unit, taken by its head: 退回, 延期申请, 申请办结. */
const HEAD_TURN: Partial<Record<Role, Grant>> = { 'unit-head': 'own' };
/** The coordinator's turns on an item of its own. */
const COORDINATOR_TURN: Partial<Record<Role, Grant>> = { coordinator: 'own' };

const item = (roles: Partial<Record<Role, Grant>>): Rule => ({ scope: 'assignment', roles });
const cycle = (roles: Partial<Record<Role, Grant>>): Rule => ({ scope: 'cycle', roles });
const unit = (roles: Partial<Record<Role, Grant>>): Rule => ({ scope: 'unit', roles });
const global = (roles: Partial<Record<Role, Grant>>): Rule => ({ scope: 'none', roles });
const PUBLIC: Rule = { scope: 'none', public: true };
const SIGNED_IN: Rule = { scope: 'none', signedIn: true };
const BY_SESSION: Rule = { scope: 'none', signedIn: true, sessionOnly: true };

/** The table: `METHOD /pattern` as Fastify registers it → the rule. */
export const ACCESS: Readonly<Record<string, Rule>> = {
  // 交办 and the item's 督办 conversation.
  'POST /assignments': global({ coordinator: 'any' }),
  'GET /assignments/:id': item(ITEM_READ),
  'POST /assignments/:id/acknowledge': item(UNIT_TURN),
  'POST /assignments/:id/reports': item(UNIT_TURN),
  'POST /assignments/:id/contributions': item(UNIT_TURN),
  'POST /assignments/:id/extensions': item(HEAD_TURN),
  'POST /assignments/:id/closure': item(HEAD_TURN),
  'POST /assignments/:id/send-back': item(HEAD_TURN),
  'POST /assignments/:id/complete': item(COORDINATOR_TURN),
  'POST /assignments/:id/reviews': item(COORDINATOR_TURN),
  'POST /assignments/:id/extensions/decision': item(COORDINATOR_TURN),
  'POST /assignments/:id/deadline': item(COORDINATOR_TURN),
  'POST /assignments/:id/closure/decision': item(COORDINATOR_TURN),
  'POST /assignments/:id/policy': item(COORDINATOR_TURN),
  'POST /assignments/:id/cooperating': item(COORDINATOR_TURN),
  'POST /assignments/:id/send-back/insist': item(COORDINATOR_TURN),
  'POST /assignments/:id/reassign': item(COORDINATOR_TURN),
  // The audit of an item: its timeline, its state as of a time, its verification against Temporal's history.
  'GET /assignments/:id/timeline': item({ coordinator: 'own', ...READ_ALL }),
  'GET /assignments/:id/as-of': item({ coordinator: 'own', ...READ_ALL }),
  'GET /assignments/:id/verify': item({ coordinator: 'own', ...READ_ALL }),
  'GET /search': global(READ_ALL),
  // Supervision cycles: a coordinator launches one (and is granted it), and acts on those granted to it.
  'GET /cycles': global({ coordinator: 'any', ...READ_ALL }),
  'POST /cycles': global({ coordinator: 'any' }),
  'GET /cycles/:cycle': cycle({ coordinator: 'own', ...READ_ALL }),
  'POST /cycles/:cycle/pause': cycle({ coordinator: 'own' }),
  'POST /cycles/:cycle/resume': cycle({ coordinator: 'own' }),
  'POST /cycles/:cycle/cancel': cycle({ coordinator: 'own' }),
  'POST /cycles/:cycle/notify': cycle({ coordinator: 'own' }),
  'GET /cycles/:cycle/bulletins': cycle({ coordinator: 'own', ...READ_ALL }),
  'GET /cycles/:cycle/bulletins/:period': cycle({ coordinator: 'own', ...READ_ALL }),
  'GET /cycles/:cycle/bulletins/:period/xlsx': cycle({ coordinator: 'own', ...READ_ALL }),
  'GET /escalations': global({ coordinator: 'any', ...READ_ALL }),
  // Evidence: uploaded by whoever will cite it, read through an item that cites it; by hash alone only by auditors.
  'POST /evidence': global({ 'unit-head': 'any', 'unit-member': 'any', coordinator: 'any' }),
  'GET /evidence/:sha256': global(READ_ALL),
  'GET /assignments/:id/evidence/:sha256': item(ITEM_READ),
  // The audit: refusals for auditors, and the coordinator of an item sees who was refused on it.
  'GET /assignments/:id/refusals': item({ coordinator: 'own', ...READ_ALL }),
  'GET /refusals': global(READ_ALL),
  // A unit's lists: its own; the coordinators and auditors see every unit's.
  'GET /units/:unit/supporting': unit({ 'unit-head': 'own', 'unit-member': 'own', coordinator: 'any', ...READ_ALL }),
  'GET /units/:unit/assignments': unit({ 'unit-head': 'own', 'unit-member': 'own', coordinator: 'any', ...READ_ALL }),
  'GET /units/:unit/inbox': unit({ 'unit-head': 'own', 'unit-member': 'own', coordinator: 'any', ...READ_ALL }),
  // The unit directory is the admin's to change; the offices that supervise read it.
  'GET /units': global({ admin: 'any', coordinator: 'any', ...READ_ALL }),
  'PUT /units': global({ admin: 'any' }),
  // Operations.
  'GET /deliveries': global({ admin: 'any', coordinator: 'any', ...READ_ALL }),
  'GET /readmodels/status': SIGNED_IN,
  // The API's documentation: public, as any API's reference is.
  'GET /openapi.json': PUBLIC,
  'GET /docs': PUBLIC,
  'GET /docs/assets/docs.css': PUBLIC,
  // Sign-in: anyone may try; the rest is one's own session and tokens (each route checks whose).
  'POST /auth/sign-in': PUBLIC,
  'POST /auth/sign-out': SIGNED_IN,
  'GET /auth/me': SIGNED_IN,
  'POST /auth/tokens': BY_SESSION,
  'POST /auth/tokens/revoke': SIGNED_IN,
  'POST /auth/password': BY_SESSION,
  // The web workspace's shell.
  'GET /web/': PUBLIC,
  'GET /web/sign-in': PUBLIC,
  'GET /web/assets/app.css': PUBLIC,
  'GET /web/assets/app.js': PUBLIC,
  // The coordinator's pages.
  'GET /web/cycles': global({ coordinator: 'any' }),
  'GET /web/escalations': global({ coordinator: 'any' }),
  'GET /web/cycles/:cycle': cycle({ coordinator: 'own' }),
  'POST /web/cycles/:cycle/pause': cycle({ coordinator: 'own' }),
  'POST /web/cycles/:cycle/resume': cycle({ coordinator: 'own' }),
  'POST /web/cycles/:cycle/cancel': cycle({ coordinator: 'own' }),
  'GET /web/assignments/:id': item(COORDINATOR_TURN),
  'POST /web/assignments/:id/review': item(COORDINATOR_TURN),
  'POST /web/assignments/:id/extension': item(COORDINATOR_TURN),
  'POST /web/assignments/:id/closure': item(COORDINATOR_TURN),
  'POST /web/assignments/:id/deadline': item(COORDINATOR_TURN),
  'POST /web/assignments/:id/reassign': item(COORDINATOR_TURN),
  'POST /web/assignments/:id/complete': item(COORDINATOR_TURN),
  // The unit's pages: as its routes.
  'GET /web/unit': global({ 'unit-head': 'any', 'unit-member': 'any' }),
  'GET /web/unit/inbox': global({ 'unit-head': 'any', 'unit-member': 'any' }),
  'GET /web/unit/items/:id': item(UNIT_TURN),
  'POST /web/unit/items/:id/acknowledge': item(UNIT_TURN),
  'POST /web/unit/items/:id/report': item(UNIT_TURN),
  'POST /web/unit/items/:id/contribution': item(UNIT_TURN),
  'POST /web/unit/items/:id/extension': item(HEAD_TURN),
  'POST /web/unit/items/:id/closure': item(HEAD_TURN),
  'POST /web/unit/items/:id/send-back': item(HEAD_TURN),
  // The admin's page: the accounts and the directory as they stand.
  'GET /web/admin': global({ admin: 'any' }),
  // The auditor's pages.
  'GET /web/audit': global(READ_ALL),
  'GET /web/audit/items/:id': item(READ_ALL),
};

/**
 * The refusals the table itself may answer on `METHOD pattern`, for the route's documentation (api/openapi.ts): so a
 * caller reading /docs learns a route needs sign-in, and which refusals come from who it is rather than what it sent.
 */
export function accessProblems(
  method: string,
  url: string,
  table: Readonly<Record<string, Rule>> = ACCESS,
): AppErrorCode[] {
  const rule = table[`${method} ${url}`];
  if (!rule) return ['FORBIDDEN'];
  if (rule.public) return [];
  const codes: AppErrorCode[] = [];
  // A page asked for without sign-in goes to the sign-in page (303) instead.
  if (!(method === 'GET' && url.startsWith('/web/'))) codes.push('UNAUTHENTICATED');
  const roles = rule.roles ?? {};
  const everyRole = Object.keys(ROLE_NAMES).every((role) => roles[role as Role] === 'any');
  if (rule.sessionOnly || (!rule.signedIn && !everyRole)) codes.push('FORBIDDEN');
  if (rule.signedIn) return codes;
  if (rule.scope === 'assignment') codes.push('UNKNOWN_TASK');
  if (rule.scope === 'unit' && Object.values(roles).includes('own')) codes.push('NOT_FOUND');
  return codes;
}

/** Who an item concerns, from its first event and the changes of its cooperating units since. */
export interface Parties {
  unit: string;
  cooperating: string[];
  coordinator: string;
  cycleId?: string;
}

/** The parties of an assignment from the event store (not the read models: an item just assigned is known at once). */
export async function partiesOf(pool: Pool, assignmentId: string): Promise<Parties | undefined> {
  const { rows } = await pool.query<{ type: string; payload: Record<string, unknown> }>(
    `SELECT type, payload FROM assignment_events
     WHERE assignment_id = $1 AND (seq = 1 OR type = 'CooperatingUnitsChanged') ORDER BY seq`,
    [assignmentId],
  );
  const first = rows[0];
  if (first?.type !== 'TaskAssigned') return undefined;
  const spec = first.payload.spec as { unit: string; coordinator: string; cycleId?: string; cooperating?: string[] };
  const cooperating = new Set(spec.cooperating ?? []);
  for (const { payload } of rows.slice(1)) {
    for (const name of payload.added as string[]) cooperating.add(name);
    for (const name of payload.removed as string[]) cooperating.delete(name);
  }
  return {
    unit: spec.unit,
    cooperating: [...cooperating],
    coordinator: spec.coordinator,
    ...(spec.cycleId && { cycleId: spec.cycleId }),
  };
}

/** The 404 an item nobody may see answers with: the same for one that does not exist and one of another unit. */
export function unknownAssignment(assignmentId: string): AppError {
  return new AppError('UNKNOWN_TASK', `没有编号为 ${assignmentId} 的任务；请核对编号，或先交办该任务`);
}

export interface AccessOptions {
  pool: Pool;
  refusals: RefusalLog;
  /** The table; ACCESS unless a test gives its own. */
  table?: Readonly<Record<string, Rule>>;
}

/** Registers the hook on `app`: after authentication (api/auth/authenticate.ts), before any body is read. */
export function enforceAccess(app: FastifyInstance, { pool, refusals, table = ACCESS }: AccessOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    const pattern = request.routeOptions.url;
    // Not a route (404) or one Fastify answers itself for another method (the 405 handlers): nothing to guard.
    if (pattern === undefined || isMethodRefusal(request)) return;
    const key = `${request.method === 'HEAD' ? 'GET' : request.method} ${pattern}`;
    const rule = table[key];
    if (!rule) {
      request.log.error(`路由 ${key} 不在权限表中（api/access.ts），已拒绝所有人访问`);
      throw new AppError('FORBIDDEN', `${key} 尚未配置访问权限；请联系管理员`);
    }
    if (rule.public) return;
    const account = request.account;
    if (!account) {
      if (request.method === 'GET' && pattern.startsWith('/web/')) {
        return reply.redirect(`/web/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new AppError('UNAUTHENTICATED', '请先登录：网页请登录后重试，脚本请在 Authorization 头中带上 Bearer 令牌');
    }
    if (rule.sessionOnly && request.signedInBy !== 'session') {
      throw new AppError('FORBIDDEN', `${key} 只能在网页登录后办理，不能用令牌；请在网页上操作`);
    }
    if (rule.signedIn) return;
    const refusal = await decide(rule, account, request.params, (id) => partiesOf(pool, id));
    if (refusal) {
      await refusals
        .record({
          caller: account.id,
          operation: key,
          assignmentId: scopeId(rule, request.params) ?? '（无）',
          code: refusal.code,
          detail: refusal.message,
          source: 'api',
          request: { params: request.params, query: request.query },
        })
        .catch((error: unknown) => request.log.error({ err: error }, '拒绝记录未能写入'));
      throw refusal;
    }
  });
}

/**
 * The refusal `account` gets on `rule`'s route with these address `params`, or undefined when it may go on; `partiesOf`
 * reads an item's parties (the event store's, in the hook).
 */
export async function decide(
  rule: Rule,
  account: Account,
  params: unknown,
  partiesOf: (assignmentId: string) => Promise<Parties | undefined>,
): Promise<AppError | undefined> {
  const grant = rule.roles?.[account.role] ?? 'none';
  const id = scopeId(rule, params);
  if (rule.scope === 'assignment' && id !== undefined) {
    // Whether the item exists is checked first and alike for everyone, so a unit's 404 says nothing more.
    const parties = await partiesOf(id);
    if (!parties) return grant === 'none' && !isUnitRole(account.role) ? forbidden(account) : unknownAssignment(id);
    const own = ownsItem(account, parties);
    if (isUnitRole(account.role) && !own) return unknownAssignment(id);
    if (grant === 'any' || (grant === 'own' && own)) return undefined;
    return grant === 'own' ? notTheirs(account, parties) : forbidden(account);
  }
  if (grant === 'any') return undefined;
  if (grant === 'none') return forbidden(account);
  if (rule.scope === 'unit' && id !== undefined) {
    return account.unit === id ? undefined : new AppError('NOT_FOUND', `没有名为 ${id} 的单位或您无权查看`);
  }
  if (rule.scope === 'cycle' && id !== undefined) {
    return ownsCycle(account, id)
      ? undefined
      : new AppError('FORBIDDEN', `督办周期 ${id} 不由您督办；请让管理员授权，或联系该周期的督办人员`);
  }
  return forbidden(account);
}

function ownsItem(account: Account, parties: Parties): boolean {
  if (isUnitRole(account.role)) {
    return account.unit !== undefined && (parties.unit === account.unit || parties.cooperating.includes(account.unit));
  }
  if (account.role === 'coordinator') {
    return parties.cycleId !== undefined
      ? ownsCycle(account, parties.cycleId)
      : account.office !== undefined && account.office === parties.coordinator;
  }
  return false;
}

function ownsCycle(account: Account, cycleId: string): boolean {
  return account.role === 'coordinator' && (account.cycles ?? []).includes(cycleId);
}

function forbidden(account: Account): AppError {
  return new AppError('FORBIDDEN', `${ROLE_NAMES[account.role]}无权进行此操作；如确需办理，请联系管理员调整角色`);
}

function notTheirs(account: Account, parties: Parties): AppError {
  const whose = parties.cycleId ? `督办周期 ${parties.cycleId}` : parties.coordinator;
  return new AppError('FORBIDDEN', `此事项属于${whose}，不由您（${account.displayName}）督办；请联系管理员授权`);
}

/** The item, unit or cycle a request concerns, from its address. */
function scopeId(rule: Rule, params: unknown): string | undefined {
  const named = (params ?? {}) as Record<string, string | undefined>;
  if (rule.scope === 'assignment') return named.id;
  if (rule.scope === 'unit') return named.unit;
  if (rule.scope === 'cycle') return named.cycle;
  return undefined;
}

/** The catch-all routes that answer 405 for a known address's other methods (server.ts refuseOtherMethods). */
function isMethodRefusal(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { methodNotAllowed?: boolean } | undefined)?.methodNotAllowed === true;
}
