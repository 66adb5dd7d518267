import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JsonWebTokenError, JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { effectiveRoles, forbidden, roleMayAct } from './access';
import { actorFromClaims, type Actor, type ClaimsCheck, type Role } from './actor';
import { IS_PUBLIC_KEY, ROLES_KEY } from './decorators';

/** The little of Express's request the guard reads; it sets `actor` for `@CurrentActor()`. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
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
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets);
    const header = request.headers.authorization;

    if (isPublic) {
      const identified = header === undefined ? undefined : await this.identify(header);
      request.actor = identified?.ok ? identified.actor : undefined;
      return true;
    }

    const identified = await this.identify(header);
    if (!identified.ok) {
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
    return actorFromClaims(payload);
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
