import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JsonWebTokenError, JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { ThrottlerStorage } from '@nestjs/throttler';
import { effectiveRoles, forbidden, roleMayAct } from './access';
import { actorFromClaims, type Actor, type Role } from './actor';
import { IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
import {
  cookieOf,
  CSRF_HEADER,
  csrfMatches,
  SESSION_COOKIE,
  SESSION_VERIFIER,
  UNSAFE_METHODS,
  type SessionInfo,
  type SessionVerifier,
} from './sessions';
import {
  DEFAULT_FAILED_AUTH_PER_MINUTE,
  DEFAULT_TOKEN_MAX_LIFETIME_SECONDS,
  type LedgerConfig,
} from '../config';
import { LEDGER_CONFIG } from '../tokens';

/** The little of Express's request the guard reads; it sets `actor` for `@CurrentActor()`. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  method: string;
  url: string;
  route?: { path?: unknown };
  cookies?: unknown;
  actor?: Actor;
  /** Set when a signed-in user's session token authenticated the request (ADR 022). */
  session?: SessionInfo;
}

type Identified = { ok: true; actor: Actor; session?: SessionInfo } | { ok: false; reason: string };

interface HeaderWritable {
  setHeader(name: string, value: string): unknown;
}

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;

/**
 * Global guard (APP_GUARD): every route needs a valid HS256 token unless `@Public()`, and a
 * role in `@Roles(...)` where that is set. Bad tokens are 401, refused roles 403. The token
 * comes from the `Authorization: Bearer` header, else from the `ledger_session` cookie of a
 * signed-in browser, whose writes must then carry `X-CSRF-Token` (403 without; ADR 022).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly maxLifetime: number;
  private readonly failuresPerMinute: number;
  private readonly secret: string;
  /** Addresses refused for too many bad tokens, until when (ms). */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(ThrottlerStorage) private readonly throttle: ThrottlerStorage,
    @Optional() @Inject(SESSION_VERIFIER) private readonly sessions?: SessionVerifier,
  ) {
    this.secret = config.jwtSecret;
    this.maxLifetime = config.tokenMaxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;
    this.failuresPerMinute = config.failedAuthPerMinute ?? DEFAULT_FAILED_AUTH_PER_MINUTE;
  }

  /**
   * Bad tokens are counted per address (@nestjs/throttler's storage); past the limit the
   * address gets 429 with Retry-After for every token it presents, good or bad, until the
   * block ends: guessing costs time. Requests without a token are not counted.
   */
  private async refuseIfBlocked(
    request: AuthenticatedRequest,
    response: HeaderWritable,
    failed: boolean,
  ): Promise<void> {
    const address = request.ip ?? 'unknown';
    let until = this.blockedUntil.get(address) ?? 0;
    if (failed && until <= Date.now()) {
      const record = await this.throttle.increment(
        `bad-token:${address}`,
        60_000,
        this.failuresPerMinute,
        60_000,
        'bad-token',
      );
      if (record.isBlocked) {
        until = Date.now() + record.timeToBlockExpire * 1000;
        this.blockedUntil.set(address, until);
      }
    }
    if (until > Date.now()) {
      const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      response.setHeader('Retry-After', String(seconds));
      throw new TooManyBadTokens(seconds);
    }
    if (until !== 0) this.blockedUntil.delete(address);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets);
    const header = request.headers.authorization;
    const response = context.switchToHttp().getResponse<HeaderWritable>();
    // The Bearer header first; only without one does the session cookie count.
    const cookie = header === undefined ? cookieOf(request, SESSION_COOKIE) : undefined;

    if (header !== undefined) await this.refuseIfBlocked(request, response, false);

    if (isPublic) {
      let identified: Identified | undefined;
      if (header !== undefined) {
        identified = await this.identify(header);
        if (!identified.ok) await this.refuseIfBlocked(request, response, true);
      } else if (cookie !== undefined) {
        identified = await this.identifyToken(cookie, 'cookie');
        // A cookie without its CSRF token identifies nobody on a write: anonymous, not refused.
        if (identified.ok && !this.csrfHolds(request, identified)) identified = undefined;
      }
      if (identified?.ok) {
        request.actor = identified.actor;
        request.session = identified.session;
      } else request.actor = undefined;
      return true;
    }

    const identified =
      header === undefined && cookie !== undefined
        ? await this.identifyToken(cookie, 'cookie')
        : await this.identify(header);
    if (!identified.ok) {
      if (header !== undefined && header !== '')
        await this.refuseIfBlocked(request, response, true);
      context
        .switchToHttp()
        .getResponse<HeaderWritable>()
        .setHeader(
          'WWW-Authenticate',
          header === undefined && cookie === undefined ? 'Bearer' : 'Bearer error="invalid_token"',
        );
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: [identified.reason],
      });
    }
    if (!this.csrfHolds(request, identified)) {
      throw forbidden(
        `${CSRF_HEADER}: a write signed in by the session cookie must carry the X-CSRF-Token header the sign-in returned (csrfToken, also in the ledger_csrf cookie)`,
      );
    }
    request.actor = identified.actor;
    request.session = identified.session;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roleMayAct(identified.actor.role, roles)) {
      throw forbidden(
        `role: ${identified.actor.role} may not call ${request.method} ${routeOf(request)} (allowed: ${effectiveRoles(roles).join(', ')})`,
      );
    }
    return true;
  }

  /** A write authenticated by the cookie needs the session's CSRF token in its header. */
  private csrfHolds(request: AuthenticatedRequest, identified: Identified): boolean {
    if (!identified.ok || identified.session?.via !== 'cookie') return true;
    if (!UNSAFE_METHODS.has(request.method.toUpperCase())) return true;
    return csrfMatches(this.secret, identified.session.jti, request.headers[CSRF_HEADER]);
  }

  private async identify(header: string | string[] | undefined): Promise<Identified> {
    if (header === undefined || header === '') {
      return { ok: false, reason: 'authorization: a Bearer token is required' };
    }
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) return { ok: false, reason: 'authorization: must be "Bearer <token>"' };
    return this.identifyToken(match[1], 'bearer');
  }

  private async identifyToken(token: string, via: SessionInfo['via']): Promise<Identified> {
    let payload: unknown;
    try {
      // Algorithms and secret come from JwtModule's options: HS256 only, so `alg: none` fails.
      payload = await this.jwt.verifyAsync<object>(token);
    } catch (error) {
      return { ok: false, reason: `authorization: ${describe(error)}` };
    }
    const checked = actorFromClaims(payload);
    if (!checked.ok) return checked;
    // A token without an expiry is a key that never expires: refused, as is one that lives
    // longer than the ledger allows (LEDGER_TOKEN_MAX_LIFETIME).
    const { exp, iat } = payload as { exp?: unknown; iat?: unknown };
    if (typeof exp !== 'number')
      return { ok: false, reason: 'authorization: the token must carry exp (its expiry)' };
    const issued = typeof iat === 'number' ? iat : Math.floor(Date.now() / 1000);
    if (exp - issued > this.maxLifetime) {
      return {
        ok: false,
        reason: `authorization: the token lives ${exp - issued} s, longer than the ${this.maxLifetime} s allowed`,
      };
    }
    // A signed-in user's session: its account decides, at every request (ADR 022).
    const { jti, cv } = payload as { jti?: unknown; cv?: unknown };
    if (jti === undefined) {
      if (via === 'cookie')
        return { ok: false, reason: 'authorization: the session cookie holds no session' };
      return checked;
    }
    if (typeof jti !== 'string' || jti === '' || !this.sessions)
      return {
        ok: false,
        reason: 'authorization: the token names a session the ledger cannot check',
      };
    const session = await this.sessions.verify({ sub: checked.actor.sub, jti, cv });
    if (!session.ok) return session;
    return {
      ok: true,
      actor: session.actor,
      session: { jti, userId: checked.actor.sub, exp, via },
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof TokenExpiredError) {
    return `the token expired at ${error.expiredAt.toISOString()}`;
  }
  if (error instanceof NotBeforeError) {
    return `the token is not valid before ${error.date.toISOString()}`;
  }
  if (error instanceof JsonWebTokenError) return `invalid token (${error.message})`;
  return 'invalid token';
}

function routeOf(request: AuthenticatedRequest): string {
  const path = request.route?.path;
  return typeof path === 'string' ? path : request.url.split('?')[0];
}

/** 429 for an address that presented too many bad tokens; the filter sets Retry-After. */
export class TooManyBadTokens extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: [
          `authorization: too many bad tokens from this address; try again in ${retryAfterSeconds} s`,
        ],
        retryAfter: retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
