/**
 * The refusals of sign-in and of the account store, with stable codes the API maps to HTTP (api/errors.ts) and the
 * command line to exit code 2. Messages are Chinese and name the fix; a refused credential never says which part was
 * wrong beyond what its holder already knows.
 */
export type AuthErrorCode =
  /** No valid credential: bad password, tampered, expired or revoked token or session (401). */
  | 'UNAUTHENTICATED'
  /** A form post authenticated by the session cookie without its CSRF token (403). */
  | 'CSRF_TOKEN_INVALID'
  /** Too many failed sign-ins: wait Retry-After seconds (429). */
  | 'TOO_MANY_REQUESTS'
  /** An account's fields refused at the edge: id, role, unit, office, name (400). */
  | 'INVALID_ACCOUNT'
  /** A password too short, too long or with a NUL (400). */
  | 'PASSWORD_REFUSED'
  | 'ACCOUNT_EXISTS'
  | 'UNKNOWN_ACCOUNT'
  | 'UNKNOWN_TOKEN';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    /** TOO_MANY_REQUESTS: seconds until the next attempt is checked. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
