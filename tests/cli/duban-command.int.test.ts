/**
 * The one test of `duban` as its own process, as a user runs it after `npm ci`: npx finds bin/duban.js, which runs
 * the TypeScript through tsx and hands main's exit code to the process. Every behaviour of the commands is tested
 * in-process in plan-cli.unit.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { goldenPath } from '../plan/seeds';

const ROOT = path.resolve(__dirname, '..', '..');

jest.setTimeout(60_000);

test('npx duban: the result on stdout, the summary on stderr, the exit code on the process', () => {
  const duban = (...args: string[]) =>
    spawnSync('npx', ['--no-install', 'duban', ...args], { cwd: ROOT, encoding: 'utf8' });

  const golden = JSON.parse(readFileSync(goldenPath('hebei-2015'), 'utf8'));
  const parsed = duban('plan', 'parse', path.join('seeds', 'hebei-2015.txt'), '--format', 'json');
  expect(parsed.status).toBe(0);
  expect(JSON.parse(parsed.stdout)).toEqual(golden);
  // npm may print its own warnings (about the machine's npm configuration) before the command's line.
  expect(parsed.stderr.split('\n').filter((line) => line.startsWith('duban：'))).toEqual([
    `duban：${golden.tasks.length} 项任务，${golden.units.length} 个单位，${golden.warnings.length} 条提示`,
  ]);

  const refused = duban('plan', 'parse', 'no-such-plan.txt');
  expect(refused.status).toBe(2);
  expect(refused.stderr).toMatch(/(^|\n)duban：找不到文件 no-such-plan\.txt：请检查路径\n/);
  expect(refused.stdout).toBe('');
});
