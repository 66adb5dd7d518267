import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JsonWebTokenError, JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { ThrottlerStorage } from '@nestjs/throttler';
import { effectiveRoles, forbidden, roleMayAct } from './access';
import { actorFromClaims, type Actor, type ClaimsCheck, type Role } from './actor';
import { IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
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
  actor?: Actor;
}

interface HeaderWritable {
  setHeader(name: string, value: string): unknown;
}

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;

/**
 * Global guard (APP_GUARD): every route needs a valid HS256 bearer token unless `@Public()`,
 * and a role in `@Roles(...)` where that is set. Bad tokens are 401, refused roles 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly maxLifetime: number;
  private readonly failuresPerMinute: number;
  /** Addresses refused for too many bad tokens, until when (ms). */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(ThrottlerStorage) private readonly throttle: ThrottlerStorage,
  ) {
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

    if (header !== undefined) await this.refuseIfBlocked(request, response, false);

    if (isPublic) {
      const identified = header === undefined ? undefined : await this.identify(header);
      if (identified && !identified.ok) await this.refuseIfBlocked(request, response, true);
      request.actor = identified?.ok ? identified.actor : undefined;
      return true;
    }

    const identified = await this.identify(header);
    if (!identified.ok) {
      if (header !== undefined && header !== '')
        await this.refuseIfBlocked(request, response, true);
      context
        .switchToHttp()
        .getResponse<HeaderWritable>()
        .setHeader(
          'WWW-Authenticate',
          header === undefined ? 'Bearer' : 'Bearer error="invalid_token"',
        );
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: [identified.reason],
      });
    }
    request.actor = identified.actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roleMayAct(identified.actor.role, roles)) {
      throw forbidden(
        `role: ${identified.actor.role} may not call ${request.method} ${routeOf(request)} (allowed: ${effectiveRoles(roles).join(', ')})`,
      );
    }
    return true;
  }

  private async identify(header: string | string[] | undefined): Promise<ClaimsCheck> {
    if (header === undefined || header === '') {
      return { ok: false, reason: 'authorization: a Bearer token is required' };
    }
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) return { ok: false, reason: 'authorization: must be "Bearer <token>"' };
    let payload: unknown;
    try {
      // Algorithms and secret come from JwtModule's options: HS256 only, so `alg: none` fails.
      payload = await this.jwt.verifyAsync<object>(match[1]);
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
    return checked;
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
