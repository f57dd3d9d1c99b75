/**
 * The sign-in secret: made once, readable by its owner only, the same for every process that reads it; a short
 * AUTH_SECRET or a file others can read is refused with the fix.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAuthSecret } from '../../infra/auth/secret';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'duban-secret-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the file is made on first use with 32 random bytes, mode 0600, and read back the same afterwards', () => {
  const first = loadAuthSecret({ AUTH_SECRET_FILE: '.data/auth-secret' }, dir);
  const file = path.join(dir, '.data', 'auth-secret');
  expect(first).toHaveLength(32);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(loadAuthSecret({ AUTH_SECRET_FILE: file }, '/')).toEqual(first);
  expect(readdirSync(path.join(dir, '.data'))).toEqual(['auth-secret']);
});

test('AUTH_SECRET, when set, is the secret; shorter than 32 bytes it is refused', () => {
  const given = 'x'.repeat(32);
  expect(loadAuthSecret({ AUTH_SECRET: given, AUTH_SECRET_FILE: 'unused' }, dir)).toEqual(Buffer.from(given));
  expect(() => loadAuthSecret({ AUTH_SECRET: 'short', AUTH_SECRET_FILE: 'unused' }, dir)).toThrow(
    'AUTH_SECRET 太短：至少 32 字节（现有 5 字节）',
  );
});

test('a secret file other users can read is refused, naming the chmod that fixes it', () => {
  loadAuthSecret({ AUTH_SECRET_FILE: 'auth-secret' }, dir);
  chmodSync(path.join(dir, 'auth-secret'), 0o644);
  expect(() => loadAuthSecret({ AUTH_SECRET_FILE: 'auth-secret' }, dir)).toThrow(/权限过宽.*chmod 600/);
});
