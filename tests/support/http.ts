/** The HTTP API as a test calls it: JSON in, the status, the content type, the headers and the JSON body out. */
export interface JsonAnswer {
  status: number;
  type: string | null;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
  body: any;
}

/** The headers that sign a request in (tests/support/named-accounts.ts), from what it is. */
export type SignInHeaders = (method: string, url: string, payload?: unknown) => Promise<Record<string, string>>;

/**
 * A caller of the API at `base()` (read at each call, so it may be set in beforeAll); addresses are encodeURI'd.
 * With `signIn`, every request carries the headers it gives (a bearer token).
 */
export function jsonCaller(base: () => string, signIn?: () => SignInHeaders | undefined) {
  return async (method: string, url: string, payload?: unknown): Promise<JsonAnswer> => {
    const response = await fetch(base() + encodeURI(url), {
      method,
      headers: {
        ...(payload !== undefined && { 'content-type': 'application/json' }),
        ...(await signIn?.()?.(method, url, payload)),
      },
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      headers: response.headers,
      body: await response.json(),
    };
  };
}
