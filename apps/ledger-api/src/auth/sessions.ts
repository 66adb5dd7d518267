import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { Actor, ClaimsCheck } from './actor';

/**
 * Sessions of signed-in users (ADR 022). A session is a bearer token like any other (HS256,
 * always expiring) that also carries `jti` (the session id) and `cv` (the account's
 * credentials version): the guard then checks the account on every request, so signing out,
 * a disabled account or a new password end the session at once.
 * Browsers get the token in an httpOnly cookie and prove each write with a CSRF token bound
 * to the session (HMAC of its jti), which a page of another site can neither read nor plant.
 */
export const SESSION_COOKIE = 'ledger_session';
export const CSRF_COOKIE = 'ledger_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session a request was authenticated by (set by the guard beside `actor`). */
export interface SessionInfo {
  jti: string;
  userId: string;
  /** Expiry, seconds since the epoch (the token's `exp`). */
  exp: number;
  via: 'cookie' | 'bearer';
}

/** Checks a session token's account and revocation; provided by the accounts module. */
export interface SessionVerifier {
  verify(claims: { sub: string; jti: string; cv: unknown }): Promise<ClaimsCheck>;
}
export const SESSION_VERIFIER = Symbol('SESSION_VERIFIER');

/** The CSRF token of a session: HMAC-SHA256 of its jti under the ledger's secret. */
export function csrfTokenOf(secret: string, jti: string): string {
  return createHmac('sha256', secret).update(`csrf:${jti}`).digest('base64url');
}

export function csrfMatches(secret: string, jti: string, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(secret, jti));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface SignedSession {
  token: string;
  jti: string;
  /** ISO instant. */
  expiresAt: string;
  csrfToken: string;
}

/** A session token for `actor` (its sub the account's userId), valid `lifetimeSeconds`. */
export function signSession(
  actor: Actor,
  credentialsVersion: number,
  secret: string,
  lifetimeSeconds: number,
  now = new Date(),
): SignedSession {
  const jti = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + lifetimeSeconds;
  const claims = { ...actor, cv: credentialsVersion, iat, exp };
  const token = new JwtService().sign(claims, { secret, algorithm: 'HS256', jwtid: jti });
  return {
    token,
    jti,
    expiresAt: new Date(exp * 1000).toISOString(),
    csrfToken: csrfTokenOf(secret, jti),
  };
}

/** A cookie's value in a `Cookie` header (cookie-parser's `req.cookies` when it ran). */
export function cookieOf(
  request: { headers: Record<string, string | string[] | undefined>; cookies?: unknown },
  name: string,
): string | undefined {
  const parsed = (request.cookies as Record<string, unknown> | undefined)?.[name];
  if (typeof parsed === 'string') return parsed;
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
