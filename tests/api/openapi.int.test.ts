/**
 * The API's documentation against the API itself, on the real stack (the Temporal dev server with the product's
 * worker, PostgreSQL): every route the app registers is documented once and every documented route exists; the
 * document served at /openapi.json is OpenAPI 3.1 in structure, every schema in it compiles as JSON Schema 2020-12;
 * /docs shows every route; and for every route that reads a body, the body the documentation gives as its example
 * is valid by the documented schema and gets past the route's validation, while a body the documented schema
 * refuses is refused by the route with 400 — so the documentation cannot drift from what the code checks. The
 * examples are sent by callers signed in for real, each the one the route is for (tests/support/named-accounts.ts; a
 * web session for the routes that take no token), and unsigned, to see the sign-in the documentation asks for.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { ACCESS } from '../../api/access';
import { AssignmentService, assignmentIdOf } from '../../api/assignments';
import { TABLE_MAX_BYTES } from '../../api/cycle-routes';
import { CycleService } from '../../api/cycles';
import { APP_ERROR_CODES, appErrorInfo, type AppErrorCode } from '../../api/errors';
import { IdempotencyKeys } from '../../api/idempotency';
import { BODY_LIMIT_BYTES, apiDocument, buildApi, registeredRoutes, routeDocs } from '../../api/server';
import { DIRECTORY_BODY_LIMIT } from '../../api/units';
import type { DirectoryUnit } from '../../domain/units';
import { loadCalendarYears } from '../../infra/calendar-store';
import { resolveEvidence } from '../../infra/evidence-store';
import { loadDirectory, replaceDirectory } from '../../infra/unit-store';
import packageJson from '../../package.json';
import { png } from '../evidence/files';
import { createAccount, TEST_PASSWORD } from '../support/accounts';
import { namedAccounts, type SignIn } from '../support/named-accounts';
import { connectPostgres, startStackWorker, testLogger, uniqueId } from '../support/stack';

jest.setTimeout(180_000);

type Json = Record<string, unknown>;
const EVIDENCE = { maxBytes: 1024 * 1024 };
const taskQueue = uniqueId('openapi-test');
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let api: FastifyInstance;
let base: string;
let document: Json;
let savedDirectory: DirectoryUnit[];
let signIn: SignIn;
/** A web session's cookie and CSRF token, for the routes that refuse a bearer token (a new token, a new password). */
let session: Record<string, string>;

beforeAll(async () => {
  pool = await connectPostgres();
  savedDirectory = await loadDirectory(pool);
  stack = await startStackWorker(pool, taskQueue);
  const assignments = new AssignmentService({
    client: stack.client,
    taskQueue,
    coordinator: '市政府督查室',
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
    resolveEvidence: (cited) => resolveEvidence(pool, cited),
  });
  // The whole API: with the cycles' routes and the coordinator's pages, which need the cycle service and the client.
  const cycles = new CycleService({ client: stack.client, pool, taskQueue });
  api = buildApi({ assignments, pool, logger: testLogger, evidence: EVIDENCE, cycles, client: stack.client });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  signIn = namedAccounts(pool);
  const account = await createAccount(pool, { role: 'auditor' });
  const signedIn = await fetch(`${base}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: account.id, password: TEST_PASSWORD }),
  });
  expect(signedIn.status).toBe(200);
  const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
  session = { cookie, 'x-csrf-token': ((await signedIn.json()) as { csrfToken: string }).csrfToken };
  const served = await fetch(`${base}/openapi.json`);
  expect(served.status).toBe(200);
  document = (await served.json()) as Json;
});

afterAll(async () => {
  await api?.close();
  await stack?.stop();
  if (pool) {
    await pool.query('DELETE FROM units');
    if (savedDirectory?.length > 0) await replaceDirectory(pool, savedDirectory);
    await pool.end();
  }
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(): Array<{ path: string; method: string; op: Json }> {
  return Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
}

const components = () => (document.components as { schemas: Record<string, Json> }).schemas;

/** The schema with every #/components/schemas reference replaced by what it names, for a validator on its own. */
function inline(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inline);
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === 'string') return inline(components()[ref.replace('#/components/schemas/', '')]);
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value)]));
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validator = (schema: unknown) => ajv.compile(inline(schema) as Json);

function everyRef(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => everyRef(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else everyRef(v, found);
    }
  }
  return found;
}

test('every route the API registers has exactly one description, and every description is a route', () => {
  const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
  const registered = registeredRoutes(api).map(key);
  const documented = routeDocs({ evidence: EVIDENCE }).map(key);
  expect(new Set(registered).size).toBe(registered.length);
  expect(new Set(documented).size).toBe(documented.length);
  expect([...documented].sort()).toEqual([...registered].sort());
  // The document holds each of them once, under OpenAPI's form of the pattern.
  const inDocument = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
  expect(inDocument.sort()).toEqual(
    registeredRoutes(api)
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort(),
  );
});

test('/openapi.json is an OpenAPI 3.1 document: its required fields, parameters, references and schemas hold', () => {
  expect(document).toEqual(JSON.parse(JSON.stringify(apiDocument({ evidence: EVIDENCE }))));
  expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  const info = document.info as Json;
  expect(typeof info.title).toBe('string');
  expect(info.version).toBe(packageJson.version);
  const tags = (document.tags as Array<{ name: string }>).map((t) => t.name);
  expect(new Set(tags).size).toBe(tags.length);

  const ids = new Set<string>();
  for (const { path, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    expect({ where, path: path.startsWith('/') && !path.includes(':') }).toEqual({ where, path: true });
    expect(METHODS).toContain(method);
    expect(typeof op.operationId).toBe('string');
    expect(ids.has(op.operationId as string)).toBe(false);
    ids.add(op.operationId as string);
    expect(typeof op.summary).toBe('string');
    for (const tag of op.tags as string[])
      expect({ where, tag, declared: tags.includes(tag) }).toMatchObject({ declared: true });

    // Every {name} of the path is a required path parameter, and every path parameter is in the path.
    const parameters = (op.parameters as Json[] | undefined) ?? [];
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const inPath = parameters.filter((p) => p.in === 'path');
    expect({ where, params: inPath.map((p) => p.name).sort() }).toEqual({ where, params: templated });
    for (const p of parameters) {
      expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
      expect(typeof p.name).toBe('string');
      if (p.in === 'path') expect(p.required).toBe(true);
      validator(p.schema);
    }
    expect(new Set(parameters.map((p) => `${p.in as string}:${p.name as string}`)).size).toBe(parameters.length);

    const body = op.requestBody as { content: Record<string, Json> } | undefined;
    if (body) {
      expect(Object.keys(body.content).length).toBeGreaterThan(0);
      for (const media of Object.values(body.content)) validator(media.schema);
    }

    const responses = Object.entries(op.responses as Record<string, Json>);
    expect(responses.length).toBeGreaterThan(0);
    for (const [status, answer] of responses) {
      expect(status).toMatch(/^[1-5]\d\d$/);
      expect(typeof answer.description).toBe('string');
      for (const media of Object.values((answer.content as Record<string, Json> | undefined) ?? {})) {
        if (media.schema) validator(media.schema);
      }
      const codes = answer['x-problem-codes'] as AppErrorCode[] | undefined;
      if (Number(status) >= 400 && codes) {
        // Every refusal is the one Problem shape; each code listed is one the API has, under its own status.
        expect((answer.content as Json)['application/problem+json']).toEqual({
          schema: { $ref: '#/components/schemas/Problem' },
        });
        for (const code of codes)
          expect({ where, code, status: appErrorInfo(code).status }).toEqual({ where, code, status: Number(status) });
      }
    }
    // Every route may be refused for its rate.
    expect({ where, codes: (op.responses as Record<string, Json>)['429']?.['x-problem-codes'] }).toEqual({
      where,
      codes: ['TOO_MANY_REQUESTS'],
    });
  }
  for (const ref of everyRef(document)) {
    expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
    expect(components()[ref.split('/').at(-1)!]).toBeDefined();
  }
});

test('the body limits are the ones the routes apply: the upload and the unit directory larger than the rest', () => {
  const limits = Object.fromEntries(
    operations()
      .filter(({ op }) => op.requestBody)
      .map(({ method, path, op }) => [`${method.toUpperCase()} ${path}`, op['x-body-limit-bytes']]),
  );
  expect(limits['POST /evidence']).toBe(EVIDENCE.maxBytes);
  expect(limits['PUT /units']).toBe(DIRECTORY_BODY_LIMIT);
  expect(limits['POST /cycles']).toBe(TABLE_MAX_BYTES);
  const own = ['POST /evidence', 'PUT /units', 'POST /cycles'];
  const others = Object.entries(limits).filter(([route]) => !own.includes(route));
  expect(others.length).toBeGreaterThan(10);
  for (const [route, limit] of others) expect({ route, limit }).toEqual({ route, limit: BODY_LIMIT_BYTES });
});

test('/docs shows every route, its body fields, its problem codes and every code of the API, without a script', async () => {
  const response = await fetch(`${base}/docs`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const page = await response.text();
  const text = page
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  for (const { path, method, op } of operations()) {
    expect(page).toContain(`id="${op.operationId as string}"`);
    expect(text).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
    expect(text).toContain(op.summary as string);
    for (const answer of Object.values(op.responses as Record<string, Json>)) {
      for (const code of (answer['x-problem-codes'] as string[] | undefined) ?? []) expect(text).toContain(code);
    }
  }
  // A body's fields are listed, nested ones by their dotted path.
  for (const field of ['percentComplete', 'values[].indicator', 'policy.ladder[].level']) {
    expect(text).toContain(`<code>${field}</code>`);
  }
  for (const code of APP_ERROR_CODES) expect(text).toContain(`<code>${code}</code>`);
  // Content-Security-Policy allows our own files only: no inline script or style on the page.
  expect(page).not.toMatch(/<script|<style|\sstyle=/i);
  const stylesheet = page.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1];
  const css = await fetch(`${base}${stylesheet}`);
  expect({ status: css.status, type: css.headers.get('content-type') }).toEqual({
    status: 200,
    type: 'text/css; charset=utf-8',
  });
});

/** Bodies the documented schema refuses: a field it does not list (when it lists all), each required one missing. */
function violating(schema: Json, example: Json): Json[] {
  const missing = ((schema.required as string[] | undefined) ?? []).map((name) =>
    Object.fromEntries(Object.entries(example).filter(([key]) => key !== name)),
  );
  return schema.additionalProperties === false ? [{ ...example, 未列出的字段: 1 }, ...missing] : missing;
}

test('the example of every JSON body passes the route; a body the documented schema refuses is refused with 400', async () => {
  const problem = validator({ $ref: '#/components/schemas/Problem' });
  const planId = uniqueId('openapi');
  let assignmentId = 'none:none:none';
  // A cycle no one launched: its coordinator (granted it) gets past the sign-in and the validation to the cycle's answer.
  const cycleId = uniqueId('openapi-cycle');
  const bodies = operations().filter(({ op }) => (op.requestBody as Json | undefined)?.content);
  // The item first; then its cooperating unit, so that unit sees the item when it contributes; the turns that end the
  // item go last, so the others reach it while it runs.
  const rank = (path: string) =>
    path === '/assignments' ? 0 : path.endsWith('/cooperating') ? 1 : /\/(complete|reassign)$/.test(path) ? 3 : 2;
  const json = bodies
    .filter(({ op }) => (op.requestBody as { content: Json }).content['application/json'])
    .sort((a, b) => rank(a.path) - rank(b.path));
  expect(json.length).toBeGreaterThanOrEqual(17);
  for (const { path, method, op } of json) {
    const where = `${method.toUpperCase()} ${path}`;
    const media = (op.requestBody as { content: Record<string, Json> }).content['application/json']!;
    const schema = inline(media.schema) as Json;
    const check = ajv.compile(schema);
    expect({ where, example: media.example !== undefined }).toEqual({ where, example: true });
    let example = media.example as Json;
    if (path === '/assignments') {
      example = { ...example, planId };
      assignmentId = assignmentIdOf(planId, example.ref as string, example.unit as string);
    }
    expect({ where, valid: check(example), errors: check.errors }).toEqual({ where, valid: true, errors: null });
    const address = path.replace('{id}', encodeURIComponent(assignmentId)).replace('{cycle}', cycleId);
    const rule = ACCESS[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`]!;
    // Sent as the one the example is for (a body missing its `unit` or `by` too); unsigned, to see the sign-in asked for.
    const send = async (body: unknown, signed = true) =>
      fetch(base + address, {
        method: method.toUpperCase(),
        headers: {
          'content-type': 'application/json',
          ...(signed && (rule.sessionOnly ? session : await signIn(method.toUpperCase(), address, example))),
        },
        body: JSON.stringify(body),
      });

    const unsigned = await send(example, false);
    const unsignedCode = ((await unsigned.json()) as Json).code;
    if (!rule.public) expect({ where, status: unsigned.status }).toEqual({ where, status: 401 });
    if (unsigned.status >= 400) {
      const listed = (op.responses as Record<string, Json>)[String(unsigned.status)]?.['x-problem-codes'];
      expect({ where, code: unsignedCode, listed }).toEqual({
        where,
        code: unsignedCode,
        listed: expect.arrayContaining([unsignedCode]),
      });
    }

    const accepted = await send(example);
    const answer = (await accepted.json()) as Json;
    // Past the validation: done, or refused by the item's state (409, 403 …), never as a malformed body.
    const passed = accepted.status < 500 && answer.code !== 'INVALID_PAYLOAD';
    expect({ where, status: accepted.status, code: answer.code, passed }).toMatchObject({ where, passed: true });
    // A refusal is one the documentation lists for the route, under that status.
    const documented = (op.responses as Record<string, Json>)[String(accepted.status)];
    if (accepted.status >= 400) {
      expect({ where, code: answer.code, listed: documented?.['x-problem-codes'] }).toEqual({
        where,
        code: answer.code,
        listed: expect.arrayContaining([answer.code]),
      });
    } else expect({ where, documented: documented !== undefined }).toEqual({ where, documented: true });

    const violations = violating(schema, example);
    expect(violations.length).toBeGreaterThan(0);
    for (const bad of violations) {
      expect({ where, bad, valid: check(bad) }).toEqual({ where, bad, valid: false });
      const refused = await send(bad);
      const refusal = (await refused.json()) as Json;
      expect({
        where,
        bad,
        status: refused.status,
        type: refused.headers.get('content-type'),
        code: refusal.code,
      }).toEqual({
        where,
        bad,
        status: 400,
        type: 'application/problem+json; charset=utf-8',
        code: 'INVALID_PAYLOAD',
      });
      expect({ where, valid: problem(refusal), errors: problem.errors }).toEqual({ where, valid: true, errors: null });
    }
  }
  // The assignment the example made is real: the worker ran it through the turns.
  const address = `/assignments/${encodeURIComponent(assignmentId)}`;
  const read = await fetch(base + address, { headers: await signIn('GET', address) });
  const view = (await read.json()) as Json;
  expect(view.assignmentId).toBe(assignmentId);
});

test('the upload takes the file as documented: with its X-File-Name header it is stored, without it refused 400', async () => {
  const upload = operations().find(({ path, method }) => method === 'post' && path === '/evidence')!.op;
  const header = (upload.parameters as Json[]).find((p) => p.in === 'header')!;
  expect(header).toMatchObject({ name: 'X-File-Name', required: true });
  const file = png();
  const uploader = await signIn('POST', '/evidence');
  const stored = await fetch(`${base}/evidence`, {
    method: 'POST',
    headers: { ...uploader, 'content-type': 'image/png', [header.name as string]: encodeURIComponent('现场照片.png') },
    body: file,
  });
  expect([200, 201]).toContain(stored.status);
  const ref = (await stored.json()) as Json;
  const answer = (upload.responses as Record<string, Json>)[String(stored.status)]!;
  const check = validator((answer.content as Record<string, Json>)['application/json']!.schema);
  expect({ valid: check(ref), errors: check.errors }).toEqual({ valid: true, errors: null });
  expect(ref).toMatchObject({ name: '现场照片.png', size: file.length, type: 'image/png' });

  const unnamed = await fetch(`${base}/evidence`, {
    method: 'POST',
    headers: { ...uploader, 'content-type': 'image/png' },
    body: file,
  });
  expect(unnamed.status).toBe(400);
  expect(((await unnamed.json()) as Json).code).toBe('EVIDENCE_NAME_INVALID');
  const codes = (upload.responses as Record<string, Json>)['400']!['x-problem-codes'];
  expect(codes).toContain('EVIDENCE_NAME_INVALID');
});
