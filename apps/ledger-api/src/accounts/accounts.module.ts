import { Global, Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { SESSION_VERIFIER } from '../auth/sessions';
import { AccountsService } from './accounts.service';
import { AuthController } from './auth.controller';
import { LoginThrottle } from './login-throttle';
import { PgSessionVerifier } from './session-verifier';
import { UsersController } from './users.controller';

/**
 * Accounts, sign-in and sessions (ADR 022). Global so that the AuthGuard (AuthModule) finds
 * the session verifier it checks signed-in users' tokens with.
 */
@Global()
@Module({
  imports: [AgenciesModule],
  controllers: [AuthController, UsersController],
  providers: [
    AccountsService,
    LoginThrottle,
    PgSessionVerifier,
    { provide: SESSION_VERIFIER, useExisting: PgSessionVerifier },
  ],
  exports: [SESSION_VERIFIER, AccountsService],
})
export class AccountsModule {}
