import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  AGENCY_MAIN_ACCOUNT_SCOPE,
  ConflictError,
  decideAccount,
  accountOf,
  normalUsername,
  userStreamId,
  USERNAME_SCOPE,
  type AccountCommand,
  type AccountScope,
} from '@ledger/domain';
import {
  ReservationConflictError,
  type AppendResult,
  type EventStore,
  type UniqueClaim,
  type UniqueValue,
} from '@ledger/event-store';
import type { UserDoc } from '@ledger/projections';
import { hashPassword } from './passwords';

/** Who gives an account command: recorded in the events' data and metadata. */
export interface AccountActor {
  sub: string;
  role: string;
}

export interface NewAccount extends AccountScope {
  /** Given for the first administrator (`admin`); a new UUID otherwise. */
  userId?: string;
  username: string;
  password: string;
  displayName?: string;
}

/** An account as the API shows it: never its password hash. */
export interface UserView extends AccountScope {
  userId: string;
  username: string;
  displayName?: string;
  disabled: boolean;
  createdAt: string;
  createdBy: string;
  disabledAt?: string;
}

export function userView(doc: UserDoc): UserView {
  return withoutUndefined({
    userId: doc.userId,
    username: doc.username,
    role: doc.role,
    jurisdiction: doc.jurisdiction,
    authority: doc.authority,
    uscc: doc.uscc,
    main: doc.role === 'agency' ? doc.main === true : undefined,
    displayName: doc.displayName,
    disabled: doc.disabled,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    disabledAt: doc.disabledAt,
    passwordChangedAt: doc.passwordChangedAt,
    passwordChangedBy: doc.passwordChangedBy,
  });
}

/**
 * Account commands on the event store (ADR 022), shared by the API, the first-administrator
 * bootstrap and `npm run ledger -- user …`. Usernames are claimed across streams, so two
 * concurrent creations of one name cannot both win; so is an agency's one main account.
 */
export class Accounts {
  constructor(private readonly store: EventStore) {}

  async create(
    input: NewAccount,
    by: AccountActor,
    occurredAt = new Date().toISOString(),
  ): Promise<AppendResult & { userId: string }> {
    const userId = input.userId ?? randomUUID();
    const { password, userId: _given, ...scope } = input;
    const command: AccountCommand = {
      type: 'CreateUser',
      ...scope,
      userId,
      passwordHash: await hashPassword(password),
      by: by.sub,
    };
    const claim: UniqueClaim[] = [
      { scope: USERNAME_SCOPE, key: normalUsername(input.username), holder: { userId } },
    ];
    if (input.role === 'agency' && input.main === true && input.uscc)
      claim.push({ scope: AGENCY_MAIN_ACCOUNT_SCOPE, key: input.uscc, holder: { userId } });
    const result = await this.run(userId, command, by, occurredAt, { claim });
    return { ...result, userId };
  }

  async disable(
    userId: string,
    by: AccountActor,
    reason?: string,
    occurredAt = new Date().toISOString(),
  ): Promise<AppendResult> {
    const account = accountOf(await this.store.readStream(userStreamId(userId)));
    // A disabled main account frees its agency for a new one (seed 002 §七.10).
    const release: UniqueValue[] =
      account?.role === 'agency' && account.main && account.uscc
        ? [{ scope: AGENCY_MAIN_ACCOUNT_SCOPE, key: account.uscc }]
        : [];
    return this.run(userId, { type: 'DisableUser', userId, by: by.sub, reason }, by, occurredAt, {
      release,
    });
  }

  async changePassword(
    userId: string,
    password: string,
    by: AccountActor,
    occurredAt = new Date().toISOString(),
  ): Promise<AppendResult> {
    const passwordHash = await hashPassword(password);
    return this.run(
      userId,
      { type: 'ChangePassword', userId, passwordHash, by: by.sub },
      by,
      occurredAt,
    );
  }

  private async run(
    userId: string,
    command: AccountCommand,
    by: AccountActor,
    occurredAt: string,
    reservations: { claim?: UniqueClaim[]; release?: UniqueValue[] } = {},
  ): Promise<AppendResult> {
    const streamId = userStreamId(userId);
    const history = await this.store.readStream(streamId);
    const events = decideAccount(command, accountOf(history));
    if (events.length === 0) {
      const last = history.at(-1);
      return {
        streamId,
        version: history.length,
        position: last?.position ?? 0,
        eventIds: [],
        recordedAt: last?.recordedAt ?? occurredAt,
        replayed: false,
      };
    }
    try {
      return await this.store.append(
        streamId,
        events.map((event) => ({
          type: event.type,
          data: event.data,
          occurredAt,
          metadata: { actor: by.sub, role: by.role },
        })),
        { expectedVersion: history.length, ...reservations },
      );
    } catch (error) {
      if (error instanceof ReservationConflictError && error.scope === USERNAME_SCOPE)
        throw new ConflictError('the username is taken', 'ledger-account-username', 'username');
      if (error instanceof ReservationConflictError && error.scope === AGENCY_MAIN_ACCOUNT_SCOPE)
        throw new ConflictError(
          `the agency has a main account already (${error.heldBy.holder.userId ?? 'another account'}); pass main: false for a sub-account (seed 002 §七.10)`,
          'national-faq-7-10',
          'main',
        );
      throw error;
    }
  }
}

/** Reads of the users projection. */
export class UsersTable {
  constructor(private readonly pool: Pool) {}

  async byUsername(username: string): Promise<UserDoc | undefined> {
    const { rows } = await this.pool.query<{ doc: UserDoc }>(
      'SELECT doc FROM ledger_users WHERE username = $1',
      [normalUsername(username)],
    );
    return rows[0]?.doc;
  }

  async byId(userId: string): Promise<UserDoc | undefined> {
    const { rows } = await this.pool.query<{ doc: UserDoc }>(
      'SELECT doc FROM ledger_users WHERE key = $1',
      [userId],
    );
    return rows[0]?.doc;
  }

  /** Every account, or one agency's, by username. */
  async list(filter: { uscc?: string } = {}): Promise<UserDoc[]> {
    const { rows } = await this.pool.query<{ doc: UserDoc }>(
      filter.uscc === undefined
        ? 'SELECT doc FROM ledger_users ORDER BY username'
        : 'SELECT doc FROM ledger_users WHERE uscc = $1 ORDER BY username',
      filter.uscc === undefined ? [] : [filter.uscc],
    );
    return rows.map((row) => row.doc);
  }

  async activeAdministrators(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM ledger_users WHERE role = 'admin' AND status = 'active'",
    );
    return Number(rows[0].n);
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
