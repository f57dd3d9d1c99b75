/**
 * The assignment's schemas, built once in the worker's sandbox and used by every assignment: its input's (the spec
 * schemas of three versions, parsed at each start and replay) and its updates' payloads' (parsed by the validators).
 *
 * Temporal's reusable V8 context evaluates every module a workflow imports again for that workflow and keeps it while
 * the workflow waits in the worker's cache (worker/workflow-bundle.ts). For an assignment that meant building some
 * 180 zod schemas at its start and holding them, about 200 of the 300 KB a waiting assignment held, and the payloads'
 * 340 KB more from its first update on (measured 2026-11-24 from heap snapshots of the workflow thread).
 *
 * Preloading the schema modules cannot share them: the SDK deep-freezes what it preloads, and zod writes to a schema
 * as it is used (each member is built on the schema at first read, the memoizer rewrites a schema's parse at its first
 * parse, a regex check resets its pattern's `lastIndex`), all of which a frozen schema refuses. So this module, which
 * is preloaded, holds them in closures the freeze does not reach: the first assignment that asks loads the modules,
 * and every later one is answered from here. The sharing is safe for the same reasons zod's is (shared-modules.ts):
 * what zod writes to a schema is the same whichever workflow writes it first, a parse keeps its state in its own
 * context, and nothing parses differently on replay.
 */
import type * as Input from './assignment/input';
import type * as Payloads from './assignment/payloads';
import type * as Caller from './assignment/caller';

type PayloadSchemaName = keyof typeof Payloads;

/* eslint-disable @typescript-eslint/no-require-imports -- a require at the call is what defers the module */
let input: typeof Input.assignmentInputSchema | undefined;
let payloads: typeof Payloads | undefined;
const called = new Map<PayloadSchemaName, unknown>();

/** What an assignment's input is parsed with, at its start and at every replay. */
export function assignmentInputSchema(): typeof Input.assignmentInputSchema {
  return (input ??= (require('./assignment/input') as typeof Input).assignmentInputSchema);
}

/** What an update's validator parses its payload with: the body's schema, and the optional caller (caller.ts). */
export function calledPayloadSchema<K extends PayloadSchemaName>(name: K): ReturnType<typeof calledOf<K>> {
  let schema = called.get(name) as ReturnType<typeof calledOf<K>> | undefined;
  if (!schema) called.set(name, (schema = calledOf(name)));
  return schema;
}

function calledOf<K extends PayloadSchemaName>(name: K) {
  payloads ??= require('./assignment/payloads') as typeof Payloads;
  return (require('./assignment/caller') as typeof Caller).calledSchema(payloads[name]);
}
/* eslint-enable @typescript-eslint/no-require-imports */
