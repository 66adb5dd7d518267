import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { ConflictError } from '@ledger/domain';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import type { UserDoc } from '@ledger/projections';
import type { Actor } from '../auth';
import type { AccountManager } from '../auth/account-access';
import type { LedgerConfig } from '../config';
import { DATABASE_POOL } from '../database-pool.module';
import { ProjectionsService } from '../projections/projections.service';
import { LEDGER_CONFIG } from '../tokens';
import { Accounts, UsersTable, type NewAccount } from './accounts';

/** The first administrator's fixed id and username (LEDGER_ADMIN_PASSWORD). */
export const FIRST_ADMIN = { userId: 'admin', username: 'admin' } as const;

export const CREATE_ADMIN_HINT =
  'No administrator account yet. Create one with: npm run ledger -- user add admin --role admin (it asks for the password), or start once with LEDGER_ADMIN_PASSWORD set';

/**
 * Accounts in the API: commands through `Accounts` (the event store), reads from the users
 * projection, each write answered once the projection shows it (read-your-writes).
 */
@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('accounts');
  readonly accounts: Accounts;
  readonly users: UsersTable;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_POOL) pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly projections: ProjectionsService,
  ) {
    this.accounts = new Accounts(store);
    this.users = new UsersTable(pool);
  }

  /** LEDGER_ADMIN_PASSWORD: the account `admin` on first start; once it exists, nothing. */
  async onApplicationBootstrap(): Promise<void> {
    const password = this.config.adminPassword;
    if (!password) return;
    if ((await this.store.streamVersion(`user-${FIRST_ADMIN.userId}`)) > 0) return;
    try {
      await this.accounts.create(
        { ...FIRST_ADMIN, role: 'admin', password, displayName: 'Administrator' },
        { sub: 'ledger', role: 'system' },
      );
      this.logger.log('created the administrator account "admin" from LEDGER_ADMIN_PASSWORD');
    } catch (error) {
      // Another instance made it first, or an account took the name: either way, one exists.
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  /** Says how to create an administrator when there is none (npm start, after listening). */
  async adviseWhenNoAdministrator(logger: { warn(message: string): void }): Promise<void> {
    await this.projections.waitFor(await this.store.headPosition());
    if ((await this.users.activeAdministrators()) === 0) logger.warn(CREATE_ADMIN_HINT);
  }

  async create(input: NewAccount, by: Actor) {
    const result = await this.accounts.create(input, by);
    await this.projections.waitFor(result.position);
    return result;
  }

  async disable(userId: string, by: Actor, reason?: string) {
    const result = await this.accounts.disable(userId, by, reason);
    await this.projections.waitFor(result.position);
    return result;
  }

  /** A new password: every session signed in before it ends (its credentials version moves). */
  async changePassword(userId: string, password: string, by: Actor) {
    const result = await this.accounts.changePassword(userId, password, by);
    await this.projections.waitFor(result.position);
    return result;
  }

  /** The caller as a manager of accounts: an agency's main account is known by its row. */
  async managerOf(actor: Actor): Promise<AccountManager> {
    const doc = actor.role === 'agency' ? await this.users.byId(actor.sub) : undefined;
    return {
      userId: actor.sub,
      role: actor.role,
      uscc: actor.uscc,
      main: doc !== undefined && !doc.disabled && doc.uscc === actor.uscc && doc.main === true,
    };
  }

  async existing(userId: string): Promise<UserDoc> {
    const doc = await this.users.byId(userId);
    if (!doc) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`userId: no account ${userId}`],
      });
    }
    return doc;
  }
}
