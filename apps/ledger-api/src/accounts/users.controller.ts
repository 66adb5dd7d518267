import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentActor, forbidden, requireActor, Roles, type Actor } from '../auth';
import {
  accountScopeProblems,
  mayCreateAccount,
  mayListAccounts,
  mayManageAccount,
  type AccountManager,
} from '../auth/account-access';
import { ParseIdPipe } from '../http';
import { userView } from './accounts';

/** `admin` (the first administrator) or a UUID the ledger issued. */
const ParseUserIdPipe = new ParseIdPipe(
  /^(?:admin|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  'a user id this ledger issued (a UUID, or admin)',
);
import {
  CreateUserDto,
  DisableUserDto,
  PasswordChangedDto,
  ResetPasswordDto,
  UserCreatedDto,
  UserDisabledDto,
  UserDto,
} from './accounts.dto';
import { AccountsService } from './accounts.service';
import { ApiErrorDto } from '../http/openapi';

/**
 * Accounts (API.md v1.1): an administrator manages every account; an agency's main account
 * the sub-accounts of its own agency (seed 002 §七.10). Each change is an event of the
 * account's stream, with who made it and when (ADR 022).
 */
@ApiTags('users')
@Controller('api/v1/users')
@Roles('admin', 'agency')
export class UsersController {
  constructor(private readonly service: AccountsService) {}

  private async manager(caller: Actor | undefined): Promise<AccountManager> {
    return this.service.managerOf(requireActor(caller));
  }

  /**
   * The account `userId`, once the caller is found to manage it (a manager at all, `refuse`'s
   * own check, the account exists, it is the caller's to manage): 403 or 404 otherwise.
   */
  private async managed(
    caller: Actor | undefined,
    userId: string,
    refuse?: (manager: AccountManager) => void,
  ): Promise<void> {
    const manager = await this.manager(caller);
    const listing = mayListAccounts(manager);
    if (!listing.ok) throw forbidden(listing.reason);
    refuse?.(manager);
    const doc = await this.service.existing(userId);
    const decision = mayManageAccount(manager, doc);
    if (!decision.ok) throw forbidden(decision.reason);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Create an account: an administrator any; an agency's main account sub-accounts of its own USCC (seed 002 §七.10)",
  })
  @ApiCreatedResponse({ type: UserCreatedDto })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: 'a field is missing, malformed, or belongs to another role',
  })
  @ApiConflictResponse({
    type: ApiErrorDto,
    description: 'the username is taken, or the agency has a main account',
  })
  async create(
    @Body() body: CreateUserDto,
    @CurrentActor() caller?: Actor,
  ): Promise<UserCreatedDto> {
    const manager = await this.manager(caller);
    // An agency's main account creates for its own agency: its USCC is the default. An
    // administrator's agency account is the agency's main one unless it says otherwise.
    const uscc =
      body.uscc ?? (manager.role === 'agency' && body.role === 'agency' ? manager.uscc : undefined);
    const main = body.role === 'agency' ? (body.main ?? manager.role === 'admin') : body.main;
    const scope = { ...body, uscc, main };
    const problems = accountScopeProblems(scope);
    if (problems.length > 0) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems });
    }
    const decision = mayCreateAccount(manager, scope);
    if (!decision.ok) throw forbidden(decision.reason);
    const result = await this.service.create(scope, requireActor(caller));
    return {
      userId: result.userId,
      version: result.version,
      position: result.position,
      eventIds: result.eventIds,
    };
  }

  @Get()
  @ApiOperation({
    summary:
      "The accounts: every one for an administrator, its agency's for an agency's main account",
  })
  @ApiOkResponse({ type: [UserDto] })
  async list(@CurrentActor() caller?: Actor): Promise<UserDto[]> {
    const manager = await this.manager(caller);
    const decision = mayListAccounts(manager);
    if (!decision.ok) throw forbidden(decision.reason);
    const docs = await this.service.users.list(
      manager.role === 'admin' ? {} : { uscc: manager.uscc },
    );
    return docs.map(userView);
  }

  @Post(':userId/disable')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Disable an account (注销): its sessions end at once; the account and its history stay',
  })
  @ApiCreatedResponse({ type: UserDisabledDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'a malformed field' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such account' })
  async disable(
    @Param('userId', ParseUserIdPipe) userId: string,
    @Body() body: DisableUserDto,
    @CurrentActor() caller?: Actor,
  ): Promise<UserDisabledDto> {
    await this.managed(caller, userId);
    const result = await this.service.disable(userId, requireActor(caller), body.reason);
    return {
      userId,
      disabled: true,
      version: result.version,
      position: result.position,
      eventIds: result.eventIds,
    };
  }

  @Post(':userId/password')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Set a new password for an account (a reset): an administrator any; an agency's main account its agency's sub-accounts (seed 002 §七.10). Every session of the account ends",
  })
  @ApiCreatedResponse({ type: PasswordChangedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'a malformed field' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such account' })
  @ApiUnprocessableEntityResponse({
    type: ApiErrorDto,
    description: 'a disabled account gets no new password (ledger-account-disabled)',
  })
  async resetPassword(
    @Param('userId', ParseUserIdPipe) userId: string,
    @Body() body: ResetPasswordDto,
    @CurrentActor() caller?: Actor,
  ): Promise<PasswordChangedDto> {
    await this.managed(caller, userId, (manager) => {
      if (userId === manager.userId) {
        throw forbidden('userId: change your own password with POST /api/v1/auth/password');
      }
    });
    const result = await this.service.changePassword(userId, body.password, requireActor(caller));
    return {
      userId,
      version: result.version,
      position: result.position,
      eventIds: result.eventIds,
      sessionsEnded: true,
    };
  }
}
