/**
 * What every workflow in a worker shares instead of evaluating it for itself: zod.
 *
 * Temporal's reusable V8 context gives each workflow its own module cache, so every module a workflow imports is
 * evaluated again for it and held as long as the workflow waits in the worker's cache. zod alone was about 540 KB of
 * the 949 KB a waiting assignment held (2026-11-24: 300 workflows that import zod and parse one schema, a full
 * collection in the workflow thread, 577 KB each against 38 KB without zod; with zod shared an assignment holds 304
 * KB). The bundler's `preloadModules` evaluates this module once, before any workflow exists, and the modules it
 * loads are shared by all of them.
 *
 * The SDK deep-freezes what it shares, so zod's configuration is complete here, before the freeze: its Chinese
 * messages (domain/validation.ts), the memoizer it would otherwise install at the first schema, and `jitless`, since
 * it would otherwise probe whether `eval` works at the first parse and cache the answer in a frozen object. Our own
 * schemas cannot be preloaded the same way (zod writes to a schema as it is used, which a frozen schema refuses); the
 * assignment's are shared unfrozen instead (sandbox-schemas.ts). A parse keeps its state in its own context, and our
 * schemas register nothing in zod's registry (no `.meta`, no `.describe`), so nothing one workflow does reaches
 * another through the zod they share.
 */
import { z } from 'zod';
import '../domain/validation';

z.config({ memoizer: z.core.memoizer(), jitless: true });

/**
 * Exported whole on purpose: the bundler evaluates only the parts of zod a preloaded module uses, and each workflow
 * would evaluate the rest (its schemas, parsers and checks) for itself; tests/workflows/shared-modules.workflow.test.ts
 * checks that no workflow holds a zod module of its own.
 */
export { z };
