import { ConflictError, NotFoundError, RuleViolation } from '../shared';
import type { Jurisdiction, RegulatorAuthority } from '../agency';

/**
 * Accounts of the ledger's users as events (ADR 022): who could do what, and from when, is
 * part of the audit. One stream per account, `user-<userId>`; the username is claimed across
 * streams (USERNAME_SCOPE) and so is an agency's one main account (AGENCY_MAIN_ACCOUNT_SCOPE).
 */
export const ACCOUNT_ROLES = ['admin', 'regulator', 'agency', 'reviewer', 'auditor'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Seed 002 §七.10: the account that filed first is the main one and manages sub-accounts. */
export const SUB_ACCOUNTS_ARTICLE = 'national-faq-7-10';
/** A disabled account stays disabled: its history is the audit of what it could do. */
export const ACCOUNT_DISABLED_ARTICLE = 'ledger-account-disabled';

export const USERNAME_SCOPE = 'username';
export const AGENCY_MAIN_ACCOUNT_SCOPE = 'agency-main-account';

export const USER_STREAM_PREFIX = 'user-';
export const userStreamId = (userId: string): string => `${USER_STREAM_PREFIX}${userId}`;

/** Letters, digits and . _ @ -, 3 to 64 of them; compared without case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;
export const normalUsername = (username: string): string => username.toLowerCase();

/** What an account may do, and where (the claims its sessions carry). */
export interface AccountScope {
  role: AccountRole;
  /** A regulator's jurisdiction. */
  jurisdiction?: Jurisdiction;
  /** A regulator's recording authority (default ecology; market regulation in Urumqi). */
  authority?: RegulatorAuthority;
  /** An agency account's USCC. */
  uscc?: string;
  /** An agency's main account (主账号, seed 002 §七.10): it manages the sub-accounts. */
  main?: boolean;
}

export interface UserCreated {
  type: 'UserCreated';
  data: AccountScope & {
    userId: string;
    username: string;
    displayName?: string;
    /** argon2id, salted: never the password, never logged. */
    passwordHash: string;
    createdBy: string;
  };
}

export interface UserDisabled {
  type: 'UserDisabled';
  data: { userId: string; disabledBy: string; reason?: string };
}

export interface PasswordChanged {
  type: 'PasswordChanged';
  /** Sessions signed in before this change end with it. */
  data: { userId: string; passwordHash: string; changedBy: string };
}

export type AccountEvent = UserCreated | UserDisabled | PasswordChanged;
export const ACCOUNT_EVENT_TYPES: ReadonlySet<string> = new Set<AccountEvent['type']>([
  'UserCreated',
  'UserDisabled',
  'PasswordChanged',
]);

export interface Account extends AccountScope {
  userId: string;
  username: string;
  displayName?: string;
  passwordHash: string;
  disabled: boolean;
}

export type CreateUser = {
  type: 'CreateUser';
  userId: string;
  username: string;
  displayName?: string;
  passwordHash: string;
  by: string;
} & AccountScope;
export interface DisableUser {
  type: 'DisableUser';
  userId: string;
  by: string;
  reason?: string;
}
export interface ChangePassword {
  type: 'ChangePassword';
  userId: string;
  passwordHash: string;
  by: string;
}
export type AccountCommand = CreateUser | DisableUser | ChangePassword;

export function evolveAccount(state: Account | null, event: AccountEvent): Account | null {
  switch (event.type) {
    case 'UserCreated': {
      const { createdBy: _by, ...account } = event.data;
      return { ...account, disabled: false };
    }
    case 'UserDisabled':
      return state && { ...state, disabled: true };
    case 'PasswordChanged':
      return state && { ...state, passwordHash: event.data.passwordHash };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The account a stream's events describe; null for an empty stream. */
export function accountOf(events: readonly { type: string; data: unknown }[]): Account | null {
  return events
    .filter((event) => ACCOUNT_EVENT_TYPES.has(event.type))
    .reduce<Account | null>((state, event) => evolveAccount(state, event as AccountEvent), null);
}

/**
 * The rules of an account's life. Who may give the command (an administrator, an agency's
 * main account) is the API's access check; what is checked here holds whoever gives it.
 */
export function decideAccount(command: AccountCommand, state: Account | null): AccountEvent[] {
  switch (command.type) {
    case 'CreateUser': {
      if (state !== null) {
        throw new ConflictError(
          `account ${command.userId} exists already`,
          'ledger-account',
          'userId',
        );
      }
      const { type: _type, by, ...account } = command;
      return [{ type: 'UserCreated', data: { ...withoutUndefined(account), createdBy: by } }];
    }
    case 'DisableUser': {
      if (state === null) throw noSuchAccount(command.userId);
      if (state.disabled) return [];
      return [
        {
          type: 'UserDisabled',
          data: withoutUndefined({
            userId: command.userId,
            disabledBy: command.by,
            reason: command.reason,
          }),
        },
      ];
    }
    case 'ChangePassword': {
      if (state === null) throw noSuchAccount(command.userId);
      if (state.disabled) {
        throw new RuleViolation(
          'a disabled account cannot get a new password; create a new account',
          ACCOUNT_DISABLED_ARTICLE,
          'userId',
        );
      }
      return [
        {
          type: 'PasswordChanged',
          data: {
            userId: command.userId,
            passwordHash: command.passwordHash,
            changedBy: command.by,
          },
        },
      ];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function noSuchAccount(userId: string): NotFoundError {
  return new NotFoundError(`no account ${userId}`, 'ledger-account', 'userId');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
