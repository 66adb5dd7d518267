import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiUnprocessableEntityResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Public, requireActor, type Actor } from '../auth';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { CSRF_COOKIE, SESSION_COOKIE, signSession, type SessionInfo } from '../auth/sessions';
import {
  DEFAULT_SESSION_LIFETIME_SECONDS,
  DEFAULT_TOKEN_MAX_LIFETIME_SECONDS,
  type LedgerConfig,
} from '../config';
import { LEDGER_CONFIG } from '../tokens';
import { AccountsService } from './accounts.service';
import {
  ChangeOwnPasswordDto,
  LoginAnswerDto,
  LoginDto,
  PasswordChangedDto,
  SignedInUserDto,
} from './accounts.dto';
import { LoginThrottle } from './login-throttle';
import { verifyPassword } from './passwords';
import { actorOfUser, PgSessionVerifier } from './session-verifier';
import type { UserDoc } from '@ledger/projections';
import { ApiErrorDto } from '../http/openapi';

const WRONG_CREDENTIALS = 'username: no such account, or the password is wrong';

/** The signed-in user as the console shows it: never the password hash. */
export function signedInUser(doc: UserDoc): SignedInUserDto {
  return Object.fromEntries(
    Object.entries({
      userId: doc.userId,
      username: doc.username,
      role: doc.role,
      jurisdiction: doc.jurisdiction,
      authority: doc.authority,
      uscc: doc.uscc,
      displayName: doc.displayName,
      main: doc.role === 'agency' ? doc.main === true : undefined,
    }).filter(([, value]) => value !== undefined),
  ) as unknown as SignedInUserDto;
}

/** Both session cookies cleared (sign-out, a new password): the browser holds no session. */
function clearSessionCookies(req: Request, res: Response): void {
  const cookie = { sameSite: 'strict' as const, path: '/', secure: req.secure };
  res.clearCookie(SESSION_COOKIE, { ...cookie, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, cookie);
}

/**
 * Sign-in for people (API.md v1.1, "Accounts and sign-in"; ADR 022). Machine clients keep
 * using Bearer tokens; a browser gets the same kind of token in an httpOnly cookie and a CSRF
 * token for its writes.
 */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  private readonly lifetime: number;

  constructor(
    private readonly accounts: AccountsService,
    private readonly throttle: LoginThrottle,
    private readonly sessions: PgSessionVerifier,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.lifetime = Math.min(
      config.sessionLifetimeSeconds ?? DEFAULT_SESSION_LIFETIME_SECONDS,
      config.tokenMaxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS,
    );
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in: a session token (Bearer), the httpOnly ledger_session cookie and the CSRF token (ledger_csrf cookie and csrfToken) for writes made with the cookie',
  })
  @ApiOkResponse({ type: LoginAnswerDto })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: 'username or password missing or malformed',
  })
  @ApiUnauthorizedResponse({
    type: ApiErrorDto,
    description: 'no such account, a disabled one, or a wrong password',
  })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description: 'too many failed sign-ins for the username or from the address (Retry-After)',
  })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginAnswerDto> {
    const address = req.ip ?? 'unknown';
    this.throttle.refuseIfBlocked(body.username, address, (s) => res.setHeader('Retry-After', s));
    const doc = await this.accounts.users.byUsername(body.username);
    const matches = await verifyPassword(doc?.passwordHash, body.password);
    if (!doc || !matches || doc.disabled) {
      await this.throttle.failed(body.username, address);
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: [WRONG_CREDENTIALS],
      });
    }
    const session = signSession(
      actorOfUser(doc),
      doc.credentialsVersion,
      this.config.jwtSecret,
      this.lifetime,
    );
    const cookie = {
      sameSite: 'strict' as const,
      path: '/',
      secure: req.secure,
      expires: new Date(session.expiresAt),
    };
    res.cookie(SESSION_COOKIE, session.token, { ...cookie, httpOnly: true });
    res.cookie(CSRF_COOKIE, session.csrfToken, { ...cookie, httpOnly: false });
    return {
      token: session.token,
      expiresAt: session.expiresAt,
      csrfToken: session.csrfToken,
      user: signedInUser(doc),
    };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Sign out: ends the session (its token stops working at once) and clears both cookies',
  })
  @ApiNoContentResponse({ description: 'signed out' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'not signed in' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const session: SessionInfo | undefined = (req as unknown as AuthenticatedRequest).session;
    if (session) await this.sessions.revoke(session.jti, session.userId, session.exp);
    clearSessionCookies(req, res);
  }

  @Post('password')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Change one's own password (seed 002 §七.11 keeps the account; the password is the holder's): every session signed in before it ends, this one too, and both cookies are cleared; sign in again with the new password",
  })
  @ApiOkResponse({ type: PasswordChangedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'a password missing or malformed' })
  @ApiUnauthorizedResponse({
    type: ApiErrorDto,
    description: 'not signed in, or the current password is wrong',
  })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description: 'a machine token names no account: it has no password',
  })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'a disabled account' })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description: 'too many wrong current passwords for the account or from the address',
  })
  async changePassword(
    @Body() body: ChangeOwnPasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() caller?: Actor,
  ): Promise<PasswordChangedDto> {
    const actor = requireActor(caller);
    const session: SessionInfo | undefined = (req as unknown as AuthenticatedRequest).session;
    const doc = session && (await this.accounts.users.byId(session.userId));
    if (!doc) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: [
          `Authorization: a ${actor.role} token names no account (no password); sign in with a username`,
        ],
      });
    }
    // A stolen session must not turn into a stolen account: the current password is asked
    // for, and wrong guesses count against the sign-in limits.
    const address = req.ip ?? 'unknown';
    this.throttle.refuseIfBlocked(doc.username, address, (s) => res.setHeader('Retry-After', s));
    if (!(await verifyPassword(doc.passwordHash, body.currentPassword))) {
      await this.throttle.failed(doc.username, address);
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: ['currentPassword: the password is wrong'],
      });
    }
    const result = await this.accounts.changePassword(doc.userId, body.newPassword, actor);
    clearSessionCookies(req, res);
    return {
      userId: doc.userId,
      version: result.version,
      position: result.position,
      eventIds: result.eventIds,
      sessionsEnded: true,
    };
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user (or what a Bearer token says of its caller)' })
  @ApiOkResponse({ type: SignedInUserDto })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'not signed in' })
  async me(@Req() req: Request, @CurrentActor() caller?: Actor): Promise<SignedInUserDto> {
    const actor = requireActor(caller);
    const session = (req as unknown as AuthenticatedRequest).session;
    const doc = session && (await this.accounts.users.byId(session.userId));
    if (doc) return signedInUser(doc);
    // A machine client's token names no account: what its claims say.
    return Object.fromEntries(
      Object.entries({
        userId: actor.sub,
        username: actor.sub,
        role: actor.role,
        jurisdiction: actor.jurisdiction,
        authority: actor.authority,
        uscc: actor.uscc,
      }).filter(([, value]) => value !== undefined),
    ) as unknown as SignedInUserDto;
  }
}
