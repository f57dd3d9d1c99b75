/**
 * Bearer tokens for scripts: JWTs signed with HS256 (RFC 7519, written here on node:crypto rather than with a
 * dependency: one algorithm, a few claims), short-lived, each with a jti recorded at issue so that its owner (or an
 * admin) can revoke it. Verification refuses, each with its own message: a malformed token, any algorithm but HS256
 * (`none` included: the header never chooses how it is checked), a bad signature (compared in constant time), an
 * expired or not-yet-valid token, a revoked one, one whose account is gone or disabled, and one issued before its
 * account's password last changed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { shanghaiTime } from '../../domain/audit/timeline';
import type { StoredAccount } from '../account-store';
import { findAccount } from '../account-store';
import { AuthError } from './errors';

export const ISSUER = 'duban';
/** A token asked for may live at most a day: a script that runs longer asks again. */
export const TOKEN_MAX_MINUTES = 24 * 60;
/** How far ahead of this machine's clock another process's iat may be (clocks drift by seconds, not minutes). */
const CLOCK_SKEW_SECONDS = 60;

export interface TokenClaims {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');
const HEADER = b64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));

function signature(secret: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** A signed token for `claims`: header.payload.signature, base64url each. */
export function signToken(claims: TokenClaims, secret: Buffer): string {
  const input = `${HEADER}.${b64url(Buffer.from(JSON.stringify(claims)))}`;
  return `${input}.${b64url(signature(secret, input))}`;
}

const refused = (message: string) => new AuthError('UNAUTHENTICATED', message);
const REISSUE = '请重新签发令牌（duban token issue 或 POST /auth/tokens）';
const MALFORMED = `令牌格式有误：应为 JWT（三段以 . 分隔的 base64url 文本）；请在 Authorization 头中写 “Bearer 令牌”`;

function decodePart(part: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw refused(MALFORMED);
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refused(MALFORMED);
    return value as Record<string, unknown>;
  } catch {
    throw refused(MALFORMED);
  }
}

/**
 * The claims of a token this deployment signed and that is valid at `nowSeconds`, checked without the database:
 * shape, algorithm, signature, issuer, times. The signature is checked before any claim is trusted.
 */
export function decodeToken(token: string, secret: Buffer, nowSeconds: number): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 4096) throw refused(MALFORMED);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  if (header.alg !== 'HS256') {
    throw refused(
      `令牌的签名算法 ${typeof header.alg === 'string' ? header.alg : '（未写明）'} 不被接受：本系统只接受 HS256 签名的令牌；${REISSUE}`,
    );
  }
  if (header.typ !== undefined && header.typ !== 'JWT') throw refused(`令牌类型 ${String(header.typ)} 有误：应为 JWT`);
  if (!/^[A-Za-z0-9_-]*$/.test(signaturePart)) throw refused(MALFORMED);
  const expected = signature(secret, `${headerPart}.${payloadPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw refused(`令牌签名无效：令牌被改动过，或不是本系统签发的；${REISSUE}`);
  }
  const claims = decodePart(payloadPart);
  const { iss, sub, jti, iat, exp } = claims;
  if (
    typeof sub !== 'string' ||
    typeof jti !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    !Number.isFinite(iat) ||
    !Number.isFinite(exp)
  ) {
    throw refused(`令牌缺少必需的声明（sub、jti、iat、exp）；${REISSUE}`);
  }
  if (iss !== ISSUER) throw refused(`令牌的签发者 ${String(iss)} 不是本系统（${ISSUER}）；${REISSUE}`);
  if (exp <= nowSeconds) {
    throw refused(`令牌已于 ${shanghaiTime(new Date(exp * 1000).toISOString())}（北京时间）过期；${REISSUE}`);
  }
  const nbf = typeof claims.nbf === 'number' ? Math.max(claims.nbf, iat) : iat;
  if (nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw refused(
      `令牌尚未生效：签发时间 ${shanghaiTime(new Date(nbf * 1000).toISOString())}（北京时间）晚于现在；请检查签发令牌的机器的时钟`,
    );
  }
  return { iss, sub, jti, iat, exp };
}

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
  account: StoredAccount;
}

/**
 * A new token for an enabled account, valid `minutes` (1 to 24 h), recorded by jti with who issued it (the account
 * itself through the API, or `cli`). `now` is for tests that need a token issued in the past.
 */
export async function issueToken(
  pool: Pool,
  secret: Buffer,
  accountId: string,
  { minutes, issuedBy, now }: { minutes: number; issuedBy: string; now?: Date },
): Promise<IssuedToken> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > TOKEN_MAX_MINUTES) {
    throw new AuthError(
      'INVALID_ACCOUNT',
      `令牌有效期应为 1 到 ${TOKEN_MAX_MINUTES} 分钟之间的整数（收到 ${minutes}）`,
    );
  }
  const account = await findAccount(pool, accountId);
  if (!account) {
    throw new AuthError('UNKNOWN_ACCOUNT', `没有账号 ${accountId}；用 duban users list 查看已有账号`);
  }
  if (account.disabledAt) throw new AuthError('INVALID_ACCOUNT', `账号 ${account.id} 已停用，不能为它签发令牌`);
  const iat = Math.floor((now ?? new Date()).getTime() / 1000);
  const claims: TokenClaims = {
    iss: ISSUER,
    sub: account.id,
    jti: randomBytes(16).toString('hex'),
    iat,
    exp: iat + minutes * 60,
  };
  const expiresAt = new Date(claims.exp * 1000);
  await pool.query(
    // PostgreSQL's clock, as password_changed_at's: the two are compared to the millisecond.
    `INSERT INTO issued_tokens (jti, account_id, issued_at, expires_at, issued_by)
     VALUES ($1, $2, coalesce($3, now()), $4, $5)`,
    [claims.jti, account.id, now ?? null, expiresAt, issuedBy],
  );
  return { token: signToken(claims, secret), jti: claims.jti, expiresAt, account };
}

/**
 * The account a bearer token stands for, or UNAUTHENTICATED with the reason: everything `decodeToken` checks, then
 * the token's record (a token this deployment signed but never recorded is refused), the revocation list, the
 * account (gone, disabled) and its password's last change, which voids every token issued before it (compared with
 * the recorded issue time to the millisecond: iat counts whole seconds).
 */
export async function verifyToken(
  pool: Pool,
  secret: Buffer,
  token: string,
  now: Date = new Date(),
): Promise<{ account: StoredAccount; claims: TokenClaims }> {
  const claims = decodeToken(token, secret, Math.floor(now.getTime() / 1000));
  const { rows } = await pool.query<{ issued_at: Date; revoked_at: Date | null }>(
    `SELECT i.issued_at, r.revoked_at FROM issued_tokens i LEFT JOIN revoked_tokens r ON r.jti = i.jti
     WHERE i.jti = $1 AND i.account_id = $2`,
    [claims.jti, claims.sub],
  );
  const issued = rows[0];
  if (!issued) throw refused(`令牌未经本系统登记（编号 ${claims.jti.slice(0, 64)}）；${REISSUE}`);
  if (issued.revoked_at) {
    throw refused(`令牌已于 ${shanghaiTime(issued.revoked_at.toISOString())}（北京时间）被吊销；${REISSUE}`);
  }
  const account = await findAccount(pool, claims.sub);
  if (!account) throw refused(`令牌所属的账号 ${claims.sub} 已不存在`);
  if (account.disabledAt) throw refused(`账号 ${account.id} 已停用，其令牌一律无效；请联系系统管理员`);
  if (account.passwordChangedAt > issued.issued_at) {
    throw refused(`账号 ${account.id} 的密码在令牌签发之后改过，此前签发的令牌均已作废；${REISSUE}`);
  }
  return { account, claims };
}

/**
 * Revokes a token by its jti: refused until it would have expired. `by` is the account asking: an admin revokes any
 * token, anyone else only their own — another's jti answers as an unknown one, so the route does not tell which
 * tokens exist. Revoking twice is not an error. Without `by` (the command line, run by whoever holds the database):
 * any.
 */
export async function revokeToken(
  pool: Pool,
  jti: string,
  by?: { id: string; role: string },
): Promise<{ jti: string; accountId: string; revokedAt: Date }> {
  const { rows } = await pool.query<{ account_id: string; expires_at: Date }>(
    'SELECT account_id, expires_at FROM issued_tokens WHERE jti = $1',
    [jti],
  );
  const issued = rows[0];
  if (!issued || (by && by.role !== 'admin' && issued.account_id !== by.id)) {
    throw new AuthError(
      'UNKNOWN_TOKEN',
      `没有编号为 ${jti.slice(0, 64)} 的${by && by.role !== 'admin' ? '、属于你的' : ''}令牌；请核对令牌编号（jti）`,
    );
  }
  const inserted = await pool.query<{ revoked_at: Date }>(
    `INSERT INTO revoked_tokens (jti, account_id, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (jti) DO UPDATE SET jti = EXCLUDED.jti RETURNING revoked_at`,
    [jti, issued.account_id, issued.expires_at],
  );
  return { jti, accountId: issued.account_id, revokedAt: inserted.rows[0]!.revoked_at };
}
