/**
 * Test tiers are told apart by file name (see README, "Tests"):
 *   *.unit.test.ts      pure code, milliseconds, no server
 *   *.int.test.ts       real Kafka and PostgreSQL
 *   *.workflow.test.ts  Temporal's time-skipping test server, in band
 *   *.replay.test.ts    recorded workflow histories replayed with the current code
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testMatch: ['**/*.test.ts'],
};
