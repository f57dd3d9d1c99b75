/**
 * Set up before every unit test file (jest.config.js, the `unit` project): unit tests are pure, so anything that
 * would dial a port, start a server or spawn a process fails the test with a message saying where the test belongs.
 *
 * jest gives each test file its own module registry, so the modules are replaced for unit test files only, through
 * jest's explicit mocks, and the integration tiers that run in the same process (`npm test` runs in band) keep the
 * real ones. Covered: Node's socket, server and process modules (as the test, pg, kafkajs or grpc-js load them), the
 * global fetch, and the Temporal core (native code, which connects and starts test servers outside of Node's
 * modules). A blocked call throws at once and is also recorded, so a library that catches the error and retries
 * still fails the test (in afterEach), naming the call.
 */
export const PURE_UNIT_MESSAGE = 'unit tests are pure: move this test to *.int.test.ts';

const attempts: string[] = [];

/** The blocked calls since the last look, emptied: lets tests/tiers.unit.test.ts check this guard itself. */
export function takeBlockedAttempts(): string[] {
  return attempts.splice(0);
}

function refuse(what: string): never {
  const message = `${what}: ${PURE_UNIT_MESSAGE}`;
  attempts.push(message);
  throw new Error(message);
}

type Module = Record<string, unknown>;

/**
 * The real module with its dialling, listening and spawning entry points replaced by `refuse`. A server may be
 * created (fastify builds one to answer in-process injected requests), but not listen.
 */
function guarded(name: string, functions: string[], classes: Record<string, string[]> = {}): Module {
  const actual = jest.requireActual<Module>(name);
  const module: Module = { ...actual };
  for (const fn of functions) module[fn] = () => refuse(`${name}.${fn}`);
  if (typeof actual.createServer === 'function') {
    const create = actual.createServer as (...args: unknown[]) => { listen: unknown };
    module.createServer = (...args: unknown[]) => {
      const server = create(...args);
      server.listen = () => refuse(`${name}.Server#listen`);
      return server;
    };
  }
  for (const [cls, methods] of Object.entries(classes)) {
    const Base = actual[cls] as new (...args: unknown[]) => object;
    const Guarded = class extends Base {};
    for (const method of methods) {
      Object.defineProperty(Guarded.prototype, method, { value: () => refuse(`${name}.${cls}#${method}`) });
    }
    module[cls] = Guarded;
  }
  return module;
}

const BLOCKED: Array<[string, string[], Record<string, string[]>?]> = [
  ['net', ['connect', 'createConnection'], { Socket: ['connect'], Server: ['listen'] }],
  ['tls', ['connect'], { Server: ['listen'] }],
  ['http', ['request', 'get'], { Server: ['listen'] }],
  ['https', ['request', 'get'], { Server: ['listen'] }],
  ['http2', ['connect', 'createServer', 'createSecureServer']],
  ['dgram', ['createSocket']],
  ['child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']],
];

for (const [name, functions, classes] of BLOCKED) {
  for (const id of [name, `node:${name}`]) jest.doMock(id, () => guarded(name, functions, classes));
}

/** Temporal's core: a client connection (NativeConnection, the test environments) and the servers it starts. */
const NATIVE_BLOCKED = new Set(['newClient', 'newEphemeralServer']);
jest.doMock('@temporalio/core-bridge', () => {
  const actual = jest.requireActual<{ native: Module }>('@temporalio/core-bridge');
  const native = new Proxy(actual.native, {
    get: (target, key) =>
      typeof key === 'string' && NATIVE_BLOCKED.has(key)
        ? () => refuse(`the Temporal core (${key})`)
        : Reflect.get(target, key),
  });
  return { ...actual, native };
});

globalThis.fetch = (input) => refuse(`fetch ${String(input)}`);

afterEach(() => {
  const blocked = [...new Set(takeBlockedAttempts())];
  if (blocked.length > 0) throw new Error(blocked.join('\n'));
});
