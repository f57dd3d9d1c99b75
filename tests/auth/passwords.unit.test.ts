/**
 * Password hashes as stored: scrypt with its parameters in the string (read back here, as a later raise of the
 * parameters relies on), a fresh salt each time, and the rules a new password must meet.
 */
import { AuthError } from '../../infra/auth/errors';
import { hashPassword, needsRehash, parseHash, verifyPassword } from '../../infra/auth/passwords';

jest.setTimeout(30_000);

const PASSWORD = '正确的密码-horse-battery';

test('the stored string names scrypt with ln=15, r=8, p=1, a 16-byte salt and a 32-byte key', async () => {
  const stored = await hashPassword(PASSWORD);
  expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  const parsed = parseHash(stored)!;
  expect({ ln: parsed.ln, r: parsed.r, p: parsed.p }).toEqual({ ln: 15, r: 8, p: 1 });
  expect(parsed.salt).toHaveLength(16);
  expect(parsed.key).toHaveLength(32);
  expect(needsRehash(stored)).toBe(false);
});

test('the right password verifies; a wrong one, a near one and an empty one do not', async () => {
  const stored = await hashPassword(PASSWORD);
  expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  expect(await verifyPassword('错误的密码-horse-battery', stored)).toBe(false);
  expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
  expect(await verifyPassword('', stored)).toBe(false);
});

test('two hashes of the same password differ (each has its own salt) and both verify', async () => {
  const [a, b] = [await hashPassword(PASSWORD), await hashPassword(PASSWORD)];
  expect(a).not.toBe(b);
  expect(parseHash(a)!.salt.equals(parseHash(b)!.salt)).toBe(false);
  expect(await verifyPassword(PASSWORD, a)).toBe(true);
  expect(await verifyPassword(PASSWORD, b)).toBe(true);
});

test('verification uses the parameters the string names, so older hashes keep working after a raise', async () => {
  const older = await hashPassword(PASSWORD, { ln: 12, r: 8, p: 1 });
  expect(older.startsWith('$scrypt$ln=12,r=8,p=1$')).toBe(true);
  expect(await verifyPassword(PASSWORD, older)).toBe(true);
  expect(needsRehash(older)).toBe(true);
});

test('a stored string that is not a hash, or asks for absurd parameters, verifies nothing', async () => {
  const stored = await hashPassword(PASSWORD);
  expect(await verifyPassword(PASSWORD, 'plain-text-password')).toBe(false);
  expect(await verifyPassword(PASSWORD, stored.replace('ln=15', 'ln=40'))).toBe(false);
  expect(await verifyPassword(PASSWORD, stored.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
});

test('a new password has at least 10 characters, at most 200, and no NUL; each refusal says so', async () => {
  const refusal = async (password: string) => {
    const error = await hashPassword(password).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).message;
  };
  expect(await refusal('short-123')).toContain('密码太短：至少 10 个字符（现有 9 个）');
  expect(await refusal('x'.repeat(201))).toContain('密码太长：至多 200 个字符（现有 201 个）');
  expect(await refusal('long enough\0password')).toContain('不能含有空字符');
  // characters, not bytes: ten Chinese characters are a long enough phrase
  expect(parseHash(await hashPassword('督办系统登录密码十字'))).toBeDefined();
});
