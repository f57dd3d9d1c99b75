/**
 * A browser's session for tests of the web pages: signed in through POST /auth/sign-in as the sign-in page does, the
 * session cookie sent back on every request and the session's CSRF token in each form's `_csrf` field (or the
 * `x-csrf-token` header, as app.js sends it with an upload) — so a page test goes through the same authentication and
 * CSRF check a person's browser does, never around them.
 */
import { TEST_PASSWORD } from './accounts';

export interface WebSession {
  accountId: string;
  /** `duban_session=…`, for the Cookie header. */
  cookie: string;
  csrfToken: string;
}

/** Signs `accountId` in at `base` with `password` (TEST_PASSWORD by default); fails the test, saying why, if it cannot. */
export async function signInWeb(base: string, accountId: string, password = TEST_PASSWORD): Promise<WebSession> {
  const response = await fetch(`${base}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: accountId, password }),
  });
  const text = await response.text();
  const setCookie = response.headers.getSetCookie()[0];
  if (response.status !== 200 || !setCookie) {
    throw new Error(`signing ${accountId} in answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return {
    accountId,
    cookie: setCookie.split(';')[0]!,
    csrfToken: (JSON.parse(text) as { csrfToken: string }).csrfToken,
  };
}

/** A form's body as a browser posts it (application/x-www-form-urlencoded), with the session's `_csrf` first. */
export function formBody(session: WebSession, fields: Record<string, string> | Array<[string, string]>): string {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  return new URLSearchParams([['_csrf', session.csrfToken], ...pairs]).toString();
}
