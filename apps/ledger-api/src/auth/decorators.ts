import {
  SetMetadata,
  UnauthorizedException,
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { effectiveRoles } from './access';
import type { Actor, Role } from './actor';
import type { AuthenticatedRequest } from './auth.guard';

export const IS_PUBLIC_KEY = 'ledger:auth:public';
export const ROLES_KEY = 'ledger:auth:roles';

/**
 * No token needed. A valid token is still read, so `@CurrentActor()` sees who calls; a
 * missing, bad or expired one makes the caller anonymous (`undefined`), never a 401.
 * `@Roles` is not enforced on a public route: the handler decides from the actor.
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The roles that may call at all (method over class); naming `regulator` admits `admin` too.
 * Without `@Roles` (and without `@Public`) any authenticated role may call. Scope (own
 * jurisdiction, own uscc) is checked in the handler with `assertCanActOnAgency`.
 */
export const Roles = (...roles: [Role, ...Role[]]): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No token, or a bad or expired one' }),
    ApiForbiddenResponse({
      description: `Only ${effectiveRoles(roles).join(', ')}, within their jurisdiction or own record`,
    }),
  );

/** The caller, from the guard; `undefined` only on a `@Public()` route called anonymously. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);

/** Narrows `@CurrentActor()` where a token is required (a 401 if the route was public). */
export function requireActor(actor: Actor | undefined): Actor {
  if (!actor) {
    throw new UnauthorizedException({
      statusCode: 401,
      error: 'Unauthorized',
      message: ['authorization: a Bearer token is required'],
    });
  }
  return actor;
}
