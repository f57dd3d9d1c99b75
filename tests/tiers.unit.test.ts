/**
 * The tiers mean what they say. A unit test that would open a socket, start a server or spawn a process fails and
 * says where it belongs (tests/support/pure-unit.ts), and every test file names a tier, or no jest project runs it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { Client } from 'pg';
import { PURE_UNIT_MESSAGE, takeBlockedAttempts } from './support/pure-unit';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require('../jest.config.js') as { projects: Array<{ displayName: string }> };

describe('a unit test cannot leave the process', () => {
  afterEach(() => {
    takeBlockedAttempts(); // provoked on purpose here; anywhere else they fail the test
  });

  it('cannot dial a port, directly or through a client library', async () => {
    expect(() => net.connect(1, '127.0.0.1')).toThrow(PURE_UNIT_MESSAGE);
    expect(() => http.get('http://127.0.0.1:1/')).toThrow(PURE_UNIT_MESSAGE);
    expect(() => fetch('http://127.0.0.1:1/')).toThrow(PURE_UNIT_MESSAGE);
    await expect(new Client({ host: '127.0.0.1', port: 1 }).connect()).rejects.toThrow(PURE_UNIT_MESSAGE);
    await expect(NativeConnection.connect({ address: '127.0.0.1:1' })).rejects.toThrow(PURE_UNIT_MESSAGE);
    expect(takeBlockedAttempts()).toEqual(
      [
        'net.connect',
        'http.get',
        'fetch http://127.0.0.1:1/',
        'net.Socket#connect',
        'the Temporal core (newClient)',
      ].map((what) => `${what}: ${PURE_UNIT_MESSAGE}`),
    );
  });

  it('cannot listen on a port', () => {
    expect(() => net.createServer().listen(0)).toThrow(PURE_UNIT_MESSAGE);
    expect(() => http.createServer().listen(0)).toThrow(PURE_UNIT_MESSAGE);
    expect(() => new http.Server().listen(0)).toThrow(PURE_UNIT_MESSAGE);
  });

  it('cannot spawn a process or start a Temporal server', async () => {
    expect(() => spawnSync(process.execPath, ['--version'])).toThrow(PURE_UNIT_MESSAGE);
    await expect(TestWorkflowEnvironment.createTimeSkipping()).rejects.toThrow(PURE_UNIT_MESSAGE);
  });
});

test('every test file names a tier that a jest project runs', () => {
  const tiers = jestConfig.projects.map((project) => project.displayName);
  expect(tiers).toEqual(['unit', 'int', 'workflow', 'replay']);
  const untiered = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => !tiers.some((tier) => file.endsWith(`.${tier}.test.ts`)))
    .map((file) => path.join('tests', file));
  expect(untiered).toEqual([]);
});
