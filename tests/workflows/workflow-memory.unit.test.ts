/**
 * What one workflow holds in the worker's memory. The SDK's sandbox evaluates every module a workflow imports for
 * that workflow alone and keeps it while the workflow waits, so an assignment must not import the modules only the
 * cycle, the deliveries or the event store need; and the worker's cache must fit its heap.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheSizeFor, HEAP_PER_CACHED_WORKFLOW } from '../../worker/create-worker';
import { PRELOADED_MODULES } from '../../worker/workflow-bundle';

const ROOT = path.join(__dirname, '..', '..');

/** The modules a file imports for their values (not `import type`, not `{ type X }` alone), resolved to paths. */
function valueImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  const statement = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms;
  for (const [, , typeOnly, clause, specifier] of source.matchAll(statement)) {
    if (typeOnly || !specifier!.startsWith('.')) continue;
    const names = /^\{([^}]*)\}$/s.exec(clause!.trim());
    if (names && names[1]!.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    found.push(path.resolve(path.dirname(file), `${specifier}.ts`));
  }
  for (const [, specifier] of source.matchAll(/^import\s+'([^']+)';/gm)) {
    if (specifier!.startsWith('.')) found.push(path.resolve(path.dirname(file), `${specifier}.ts`));
  }
  return found;
}

/** The modules a file loads on demand (`require('./x')` at the call), resolved to paths. */
function deferredRequires(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/\brequire\('(\.[^']+)'\)/g)].map(([, specifier]) =>
    path.resolve(path.dirname(file), `${specifier}.ts`),
  );
}

/** Whether a module imports zod for its values, that is, builds schemas when it is evaluated. */
function importsZodValues(source: string): boolean {
  return /^import\s+(?!type\s)[^;]*?\s+from\s+'zod(\/[^']*)?';/ms.test(source);
}

/**
 * Every module of ours a workflow evaluates when it starts from `entry`; with `deferred`, also those it may load
 * later (a workflow type's modules from the bundle entry, the payload schemas at an assignment's first update).
 */
function moduleGraph(entry: string, { deferred = false } = {}): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    valueImports(file).forEach(visit);
    if (deferred) deferredRequires(file).forEach(visit);
  };
  visit(path.join(ROOT, entry));
  return new Set([...seen].map((f) => path.relative(ROOT, f)));
}

describe('what a waiting workflow holds', () => {
  it('the bundle entry imports no workflow for its values: each type loads its own modules when it starts', () => {
    expect(valueImports(path.join(ROOT, 'workflows/index.ts'))).toEqual([]);
  });

  it("an assignment evaluates its own modules and the domain's, not the event schemas, the cycle's or the deliveries'", () => {
    const graph = moduleGraph('workflows/assignment/workflow.ts');
    expect(graph).toContain('workflows/assignment/decider.ts');
    expect(graph).toContain('workflows/assignment/messages.ts');
    expect(graph).not.toContain('workflows/assignment/events.ts');
    expect([...graph].filter((f) => f.startsWith('workflows/cycle/') || f.startsWith('workflows/delivery/'))).toEqual(
      [],
    );
    expect(graph).not.toContain('domain/cycle/bulletin.ts');
  });

  it('an assignment builds no schema for itself: the sandbox builds its schemas once for all (sandbox-schemas.ts)', () => {
    const shared = new Set(PRELOADED_MODULES.flatMap((file) => [...moduleGraph(path.relative(ROOT, file))]));
    const own = [...moduleGraph('workflows/assignment/workflow.ts')].filter((file) => !shared.has(file));
    const buildingSchemas = own.filter((file) => importsZodValues(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(buildingSchemas).toEqual([]);
    // What the sandbox loads at the first assignment that asks, and shares: the input's and the payloads' schemas.
    const loadedOnce = moduleGraph('workflows/sandbox-schemas.ts', { deferred: true });
    expect([...loadedOnce]).toEqual(
      expect.arrayContaining(['workflows/assignment/input.ts', 'workflows/assignment/payloads.ts']),
    );
  });

  it('no module a workflow evaluates for itself changes the zod all workflows share (workflows/shared-modules.ts)', () => {
    const shared = moduleGraph('workflows/shared-modules.ts');
    const own = [...moduleGraph('workflows/index.ts', { deferred: true })].filter((file) => !shared.has(file));
    expect(own).toEqual(expect.arrayContaining(['workflows/cycle/workflow.ts', 'workflows/assignment/payloads.ts']));
    // The configuration is frozen once shared; a schema registered by id would stay in the shared registry.
    const touching = own.filter((file) =>
      /z\.config\(|\.(meta|describe|register)\(|globalRegistry/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(touching).toEqual([]);
  });

  it('the worker caches as many workflows as its heap holds, with room to spare', () => {
    const MB = 2 ** 20;
    // This machine's 4.2 GB heap: 15,104 at 0.25 MB each, where the SDK's default of 2,310 at 1.9 MB each once ran out
    // of memory.
    expect(cacheSizeFor(4288 * MB)).toBe(15104);
    for (const heap of [1024, 4288, 16384, 65536].map((n) => n * MB)) {
      expect(cacheSizeFor(heap) * HEAP_PER_CACHED_WORKFLOW + 512 * MB).toBeLessThanOrEqual(heap);
      expect((cacheSizeFor(heap) + 1) * HEAP_PER_CACHED_WORKFLOW + 512 * MB).toBeGreaterThan(heap);
    }
    expect(cacheSizeFor(256 * MB)).toBe(10); // a tiny heap still keeps a few
  });
});
