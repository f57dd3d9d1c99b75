/**
 * Test tiers are told apart by file name (see README, "Tests"), one jest project each:
 *   *.unit.test.ts      pure code, milliseconds: no server, no socket, no child process (tests/support/pure-unit.ts
 *                       makes any of them fail the test)
 *   *.int.test.ts       real servers and processes: the Temporal dev server, Kafka, PostgreSQL, the duban command
 *   *.workflow.test.ts  Temporal's time-skipping test server, in band
 *   *.replay.test.ts    recorded workflow histories replayed with the current code
 * `npm test` runs every project in one jest run; `jest --selectProjects unit` (or a tier's npm script) runs one.
 */
const tier = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testMatch: [`**/*.${name}.test.ts`],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    tier('unit', { setupFilesAfterEnv: ['<rootDir>/tests/support/pure-unit.ts'] }),
    tier('int'),
    tier('workflow'),
    tier('replay'),
  ],
};
