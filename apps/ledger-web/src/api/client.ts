/**
 * The console's one HTTP client, generated from the API's OpenAPI document (schema.d.ts, `npm run
 * openapi:types`): a path, a parameter or a body the API does not have fails the type check.
 * Where an operation has no response schema yet, the page names the answer's type (./types.ts).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** The cookie the API sets at sign-in for the double-submit CSRF check (ADR 024). */
export const CSRF_COOKIE = 'ledger_csrf';

/**
 * Machine seam, kept to this one key: a bearer token in sessionStorage is sent as
 * `Authorization` (no page writes it; people sign in with a password and a cookie).
 */
export const BEARER_KEY = 'ledger.bearer';

export function cookie(name: string): string | undefined {
  const prefix = `${name}=`;
  const found = document.cookie.split('; ').find((part) => part.startsWith(prefix));
  return found === undefined ? undefined : decodeURIComponent(found.slice(prefix.length));
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every cookie-authenticated write carries the CSRF cookie's value back as a header. */
export const authMiddleware: Middleware = {
  onRequest({ request }) {
    const bearer = sessionStorage.getItem(BEARER_KEY);
    if (bearer) request.headers.set('Authorization', `Bearer ${bearer}`);
    const csrf = cookie(CSRF_COOKIE);
    if (csrf && WRITES.has(request.method)) request.headers.set('X-CSRF-Token', csrf);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(authMiddleware);

/** An error answer of the API (API.md, Conventions), as the pages show it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly article?: string,
  ) {
    super(messages.join('; '));
  }

  /** Each message is `field: text`; the text per field (the first part of a dotted path). */
  byField(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const message of this.messages) {
      const match = /^([A-Za-z][\w.[\]]*): (.*)$/.exec(message);
      if (match) out[match[1].split(/[.[]/)[0]] ??= match[2];
    }
    return out;
  }
}

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The answer's JSON as `T`, or an ApiError carrying the API's messages and article. */
export async function call<T>(request: Promise<Answer>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const body = (error ?? {}) as { message?: string | string[]; article?: string };
    const messages = Array.isArray(body.message)
      ? body.message
      : [body.message ?? `${response.status} ${response.statusText}`];
    throw new ApiError(response.status, messages, body.article);
  }
  return data as T;
}
