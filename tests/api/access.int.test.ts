/**
 * The whole authorization table over HTTP, generated: every route of api/access.ts × every kind of caller — nobody
 * signed in, a unit's head and member, a cooperating unit, another unit's head and member, the item's coordinator
 * and another's, the auditor, the admin — each answer checked against what the issue specifies: 401 without sign-in
 * (a page: to the sign-in page), 403 for a role the route is not for and for a coordinator on what is not theirs,
 * 404 for a unit on another unit's item, and otherwise through to the route itself. Plus: every route the API
 * registers is in the table, and a refusal is in the refusal log under the account that tried.
 *
 * The expected answer is stated here from the table's grants, apart from api/access.ts's own reasoning, so a slip in
 * either shows. Bodies are empty: a route that lets the caller through refuses the empty body (400) or answers a
 * read, and nothing changes.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { ACCESS, type Rule } from '../../api/access';
import { AssignmentService } from '../../api/assignments';
import { CycleService } from '../../api/cycles';
import { AuditVerifier } from '../../infra/audit-verify';
import type { Account, Role } from '../../api/auth/account';
import { buildApi, registeredRoutes } from '../../api/server';
import { loadCalendarYears } from '../../infra/calendar-store';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { createAccount, tokenFor } from '../support/accounts';
import { config, connectPostgres, startStackWorker, testLogger, uniqueId } from '../support/stack';

jest.setTimeout(180_000);

const run = uniqueId('access').slice(-8);
const OFFICE = `督查室${run}`;
const LEAD = `甲局${run}`;
const COOPERATING = `乙局${run}`;
const STRANGER = `丙局${run}`;
const CYCLE = `access-cycle-${run}`;
const taskQueue = uniqueId('access-test');

/** The kinds of caller, and how each stands to the item (lead 甲局, cooperating 乙局) and the cycle. */
interface Principal {
  name: string;
  role?: Role;
  /** Whose the item, the unit and the cycle are, from this caller's side. */
  stands: 'own' | 'cooperating' | 'other' | 'none';
  account?: Omit<Account, 'id' | 'displayName'>;
}

const PRINCIPALS: Principal[] = [
  { name: 'nobody signed in', stands: 'none' },
  { name: 'the lead unit’s head', role: 'unit-head', stands: 'own', account: { role: 'unit-head', unit: LEAD } },
  { name: 'the lead unit’s member', role: 'unit-member', stands: 'own', account: { role: 'unit-member', unit: LEAD } },
  {
    name: 'the cooperating unit’s member',
    role: 'unit-member',
    stands: 'cooperating',
    account: { role: 'unit-member', unit: COOPERATING },
  },
  { name: 'another unit’s head', role: 'unit-head', stands: 'other', account: { role: 'unit-head', unit: STRANGER } },
  {
    name: 'another unit’s member',
    role: 'unit-member',
    stands: 'other',
    account: { role: 'unit-member', unit: STRANGER },
  },
  {
    name: 'the item’s coordinator',
    role: 'coordinator',
    stands: 'own',
    account: { role: 'coordinator', office: OFFICE, cycles: [CYCLE] },
  },
  {
    name: 'another office’s coordinator',
    role: 'coordinator',
    stands: 'other',
    account: { role: 'coordinator', office: `其他${OFFICE}`, cycles: [] },
  },
  { name: 'the auditor', role: 'auditor', stands: 'none', account: { role: 'auditor' } },
  { name: 'the admin', role: 'admin', stands: 'none', account: { role: 'admin' } },
];

type Expected = 'through' | 401 | 303 | 403 | 404;

/** The answer the issue specifies for `principal` on a route with `rule`. */
function expected(method: string, url: string, rule: Rule, principal: Principal): Expected {
  if (rule.public) return 'through';
  if (!principal.role) return method === 'GET' && url.startsWith('/web/') ? 303 : 401;
  // Every caller here signs in with a bearer token, which a session-only route refuses.
  if (rule.sessionOnly) return 403;
  if (rule.signedIn) return 'through';
  const grant = rule.roles?.[principal.role] ?? 'none';
  const unitRole = principal.role === 'unit-head' || principal.role === 'unit-member';
  // The unit a /units/:unit/… address names is the lead's: the cooperating unit's is another one.
  const own = principal.stands === 'own' || (principal.stands === 'cooperating' && rule.scope === 'assignment');
  if (unitRole && !own && (rule.scope === 'assignment' || rule.scope === 'unit')) return 404;
  if (grant === 'any') return 'through';
  if (grant === 'none') return 403;
  return own ? 'through' : 403;
}

let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let api: FastifyInstance;
let base: string;
let itemId: string;
let verifier: AuditVerifier;
const accounts = new Map<string, string>();

beforeAll(async () => {
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  const assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: OFFICE,
    calendarYears: () => loadCalendarYears(pool),
  });
  const today = shanghaiDate(new Date());
  // The item, as the coordinator's office assigns it outside sign-in (as the CLI would), with a cooperating unit.
  const view = await assignments.assign({
    planId: `access-${run}`,
    ref: '一.1',
    title: '权限测试事项',
    unit: LEAD,
    due: addDays(today, 120),
  });
  itemId = view.assignmentId;
  await assignments.changeCooperating(itemId, { by: OFFICE, add: [COOPERATING], reason: '增加配合单位' });
  for (const principal of PRINCIPALS) {
    if (!principal.account) continue;
    const id = `${principal.role}-${principal.stands}-${run}`;
    await createAccount(pool, { id, displayName: principal.name, ...principal.account });
    accounts.set(principal.name, id);
  }
  verifier = new AuditVerifier(pool, stack.client);
  api = buildApi({
    assignments,
    pool,
    logger: testLogger,
    verifier,
    client: stack.client,
    cycles: new CycleService({ client: stack.client, pool, taskQueue }),
  });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  await verifier?.close();
  await stack?.stop();
  await pool?.end();
});

/** A route's address with its parameters filled: the item, the lead unit, the cycle, an unknown file. */
function address(pattern: string): string {
  const values: Record<string, string> = {
    id: itemId,
    unit: LEAD,
    cycle: CYCLE,
    sha256: '0'.repeat(64),
    period: '2027Q1',
  };
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no test value for :${name} in ${pattern}: add one`);
    return encodeURIComponent(value);
  });
}

async function ask(method: string, url: string, principal: Principal) {
  const accountId = accounts.get(principal.name);
  const headers: Record<string, string> = {};
  if (accountId) headers.authorization = `Bearer ${await tokenFor(pool, accountId)}`;
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const response = await fetch(base + url, {
    method,
    headers,
    redirect: 'manual',
    ...(method !== 'GET' && { body: '{}' }),
  });
  const text = await response.text();
  // A problem+json body names its code; a page's refusal puts it on <main data-problem>.
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    code = /<main data-problem="([A-Z_]+)"/.exec(text)?.[1];
  }
  return { status: response.status, code, location: response.headers.get('location') };
}

/** What a refusal by the table looks like, as against an answer of the route itself. */
function refusedAs(answer: { status: number; code?: string; location: string | null }): Expected | undefined {
  if (answer.status === 401) return 401;
  if (answer.status === 303 && answer.location?.startsWith('/web/sign-in?next=')) return 303;
  if (answer.status === 403 && answer.code === 'FORBIDDEN') return 403;
  if (answer.status === 404 && (answer.code === 'UNKNOWN_TASK' || answer.code === 'NOT_FOUND')) return 404;
  return undefined;
}

const ROUTES = Object.entries(ACCESS).map(([key, rule]) => {
  const [method, pattern] = key.split(' ') as [string, string];
  return { key, method, pattern, rule };
});

describe.each(ROUTES)('$key', ({ method, pattern, rule }) => {
  it.each(PRINCIPALS.map((p) => [p.name, p] as const))('for %s', async (_name, principal) => {
    const want = expected(method, pattern, rule, principal);
    const answer = await ask(method, address(pattern), principal);
    const got = refusedAs(answer) ?? 'through';
    expect({ got, status: answer.status, code: answer.code }).toEqual(
      expect.objectContaining({ got: want }) as unknown,
    );
    if (want === 'through') expect(answer.status).toBeLessThan(500);
    if (want === 303) expect(answer.location).toMatch(/^\/web\/sign-in\?next=/);
  });
});

describe('the table and the API', () => {
  it('covers every route the API registers, and nothing it does not', async () => {
    await api.ready();
    const registered = registeredRoutes(api).map(({ method, url }) => `${method} ${url}`);
    expect([...new Set(registered)].sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it('writes a refusal to the refusal log under the account that tried', async () => {
    const principal = PRINCIPALS.find((p) => p.name === 'another office’s coordinator')!;
    await ask('POST', address('/assignments/:id/reviews'), principal);
    const { rows } = await pool.query<{ operation: string; code: string }>(
      'SELECT operation, code FROM refusals WHERE caller = $1 AND assignment_id = $2',
      [accounts.get(principal.name), itemId],
    );
    expect(rows).toContainEqual({ operation: 'POST /assignments/:id/reviews', code: 'FORBIDDEN' });
  });
});

void config;
