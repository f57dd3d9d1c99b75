/**
 * `npm ci` runs no dependency's install script (.npmrc: ignore-scripts=true, which every npm honours; package.json's
 * allowScripts denies the same scripts for npm 11.16 and later), and the packages that have one work without it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import lock from '../package-lock.json';
import pkg from '../package.json';

const ROOT = path.join(__dirname, '..');

test('the project .npmrc tells npm to run no install script', () => {
  const settings = readFileSync(path.join(ROOT, '.npmrc'), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*[#;]/.test(line))
    .map((line) => line.trim());
  expect(settings).toContain('ignore-scripts=true');
});

test('allowScripts names every locked package with an install script, so none goes unreviewed on npm 11.16+', () => {
  const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([, meta]) => meta.hasInstallScript)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
  expect(withScripts.length).toBeGreaterThan(0);
  const allowed = pkg.allowScripts as Record<string, boolean>;
  expect(withScripts.filter((name) => allowed[name] !== false)).toEqual([]);
});

test("npm ci ran no install script: esbuild's launcher is still JavaScript (its postinstall swaps in the binary)", () => {
  const launcher = readFileSync(require.resolve('esbuild/bin/esbuild'));
  expect(launcher.subarray(0, 2).toString()).toBe('#!');
});

test("@swc/core, which bundles the workflow code, loads its platform binary without its postinstall's check", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as typeof import('@swc/core');
  const out = swc.transformSync('const due: string = "2027-03-31";', { jsc: { parser: { syntax: 'typescript' } } });
  expect(out.code).toContain('"2027-03-31"');
  expect(out.code).not.toContain(': string');
});

test('@parcel/watcher (jest --watch only) loads its prebuilt binary without building from source', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const watcher = require('@parcel/watcher') as { subscribe: unknown };
  expect(typeof watcher.subscribe).toBe('function');
});
