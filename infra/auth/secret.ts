/**
 * The deployment's secret for the session cookie's HMAC and the bearer tokens' signatures (HS256): AUTH_SECRET when
 * set (at least 32 bytes), else the file AUTH_SECRET_FILE, created on first use with 32 random bytes, readable by its
 * owner only (0600), so that two processes starting together never write two secrets (in the manner of
 * infra/signing-key.ts, and atomic: the file appears whole). The API and `duban token issue` read the same one, so a token the command prints
 * is one the API accepts. Changing it signs everybody out and voids every token.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const SECRET_MIN_BYTES = 32;

export interface SecretSource {
  AUTH_SECRET?: string | undefined;
  AUTH_SECRET_FILE: string;
}

/** The secret's bytes; an error naming the variable or the file, and the fix, when it is too short or readable by others. */
export function loadAuthSecret(source: SecretSource, cwd: string = process.cwd()): Buffer {
  if (source.AUTH_SECRET !== undefined && source.AUTH_SECRET !== '') {
    const bytes = Buffer.from(source.AUTH_SECRET, 'utf8');
    if (bytes.length < SECRET_MIN_BYTES) {
      throw new Error(
        `AUTH_SECRET 太短：至少 ${SECRET_MIN_BYTES} 字节（现有 ${bytes.length} 字节）；` +
          '可用 `openssl rand -hex 32` 生成，或删去该变量以使用 AUTH_SECRET_FILE 文件',
      );
    }
    return bytes;
  }
  const path = resolve(cwd, source.AUTH_SECRET_FILE);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Written whole under a name of its own, then linked into place: link() fails when the file exists, so two
    // processes starting together keep the first one's secret, and neither ever reads a half-written file.
    const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `${randomBytes(SECRET_MIN_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      chmodSync(draft, 0o600); // whatever the umask
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new Error(`登录密钥文件 ${path} 的权限过宽（其他用户可读）：请执行 chmod 600 ${path}`);
  }
  const text = readFileSync(path, 'utf8').trim();
  const bytes = /^([0-9a-f]{2})+$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'utf8');
  if (bytes.length < SECRET_MIN_BYTES) {
    throw new Error(
      `登录密钥文件 ${path} 太短：至少 ${SECRET_MIN_BYTES} 字节；删去该文件，下次启动会生成新的（所有人须重新登录）`,
    );
  }
  return bytes;
}
