/**
 * Password hashing with scrypt (node:crypto, no dependency): memory-hard, so a stolen `accounts` table is expensive
 * to guess through even on GPUs. The stored value is a PHC-style string that carries its own parameters,
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in unpadded base64), so the parameters can be raised later:
 * old hashes keep verifying with theirs, and `needsRehash` says which to rewrite at the next sign-in.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AuthError } from './errors';

export interface ScryptParameters {
  /** log2 of the cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * N = 2^15, r = 8, p = 1: 32 MiB per hash, so ten sign-ins at once stay under 400 MiB. OWASP's password cheat sheet
 * asks for N = 2^15 with p = 3 (or 2^17 with p = 1): raise `p` here when the machines allow; stored hashes keep
 * their parameters and `needsRehash` upgrades them at the next sign-in.
 */
export const SCRYPT_PARAMETERS: ScryptParameters = { ln: 15, r: 8, p: 1 };
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** Bounds on parameters read back from a stored string, so a corrupted row cannot make one sign-in take the server. */
const MAX = { ln: 20, r: 32, p: 16 };

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function scrypt(password: string, salt: Buffer, keyLength: number, { ln, r, p }: ScryptParameters): Promise<Buffer> {
  const N = 2 ** ln;
  // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly that for ln=15, r=8, and refuses it.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * The password rules, checked before hashing: at least 10 characters (a phrase rather than a word; counted as
 * characters, so a Chinese phrase counts as written), at most 200, no NUL (which some tools cut a string at).
 */
export function checkPassword(password: string): void {
  const length = [...password].length;
  if (password.includes('\0')) {
    throw new AuthError('PASSWORD_REFUSED', '密码中不能含有空字符（\\0）；请换一个密码');
  }
  if (length < PASSWORD_MIN_LENGTH) {
    throw new AuthError(
      'PASSWORD_REFUSED',
      `密码太短：至少 ${PASSWORD_MIN_LENGTH} 个字符（现有 ${length} 个）；可用一句好记的话，字母、数字、汉字都可以`,
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new AuthError('PASSWORD_REFUSED', `密码太长：至多 ${PASSWORD_MAX_LENGTH} 个字符（现有 ${length} 个）`);
  }
}

/** The stored form of a new password (checked first): a fresh 16-byte salt, so two hashes of one password differ. */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = SCRYPT_PARAMETERS,
): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, parameters);
  return `$scrypt$ln=${parameters.ln},r=${parameters.r},p=${parameters.p}$${b64(salt)}$${b64(key)}`;
}

export interface StoredHash extends ScryptParameters {
  salt: Buffer;
  key: Buffer;
}

/** A stored hash's parts, or undefined for a string that is not one (or whose parameters are out of bounds). */
export function parseHash(stored: string): StoredHash | undefined {
  const match = PHC.exec(stored);
  if (!match) return undefined;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > MAX.ln || r < 1 || r > MAX.r || p < 1 || p > MAX.p) return undefined;
  const salt = Buffer.from(match[4]!, 'base64');
  const key = Buffer.from(match[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { ln, r, p, salt, key };
}

/**
 * Whether `password` is the one `stored` was made from, with the parameters `stored` names; compared in constant
 * time. A malformed stored string verifies nothing (and is not an error: the caller answers as for a wrong password).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || password.length > PASSWORD_MAX_LENGTH * 2) return false;
  const key = await scrypt(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash was made with weaker parameters than today's: rewrite it once the password is known. */
export function needsRehash(stored: string, parameters: ScryptParameters = SCRYPT_PARAMETERS): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.ln < parameters.ln || parsed.r < parameters.r || parsed.p < parameters.p;
}

/**
 * A hash of no one's password, to verify against when the account asked for does not exist: the answer then takes
 * as long as for a wrong password, and so does not tell which accounts exist.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}
