import type { StoredEvent } from '@ledger/event-store';
import {
  ACCOUNT_EVENT_TYPES,
  evolveAccount,
  normalUsername,
  USER_STREAM_PREFIX,
  type Account,
  type AccountEvent,
} from '@ledger/domain';
import type { Projection } from '../projection';

/**
 * An account as sign-in and the guard read it (ADR 022): the account, when it was created and
 * by whom, whether and since when it is disabled, and `credentialsVersion`, the stream version
 * of its last password: a session signed in with an older one has ended.
 */
export interface UserDoc extends Account {
  createdAt: string;
  createdBy: string;
  disabledAt?: string;
  disabledBy?: string;
  /** The last new password: when, and by whom (the holder, or a manager's reset). */
  passwordChangedAt?: string;
  passwordChangedBy?: string;
  credentialsVersion: number;
}

export function evolveUserDoc(doc: UserDoc | null, event: StoredEvent): UserDoc | null {
  if (!ACCOUNT_EVENT_TYPES.has(event.type)) return doc;
  const decoded = event as unknown as AccountEvent;
  const account = evolveAccount(doc, decoded);
  if (account === null) return null;
  switch (decoded.type) {
    case 'UserCreated':
      return {
        ...account,
        createdAt: event.recordedAt,
        createdBy: decoded.data.createdBy,
        credentialsVersion: event.version,
      };
    case 'UserDisabled':
      return (
        doc && {
          ...doc,
          ...account,
          disabledAt: event.recordedAt,
          disabledBy: decoded.data.disabledBy,
        }
      );
    case 'PasswordChanged':
      return (
        doc && {
          ...doc,
          ...account,
          passwordChangedAt: event.recordedAt,
          passwordChangedBy: decoded.data.changedBy,
          credentialsVersion: event.version,
        }
      );
  }
}

/** One row per account; `username` (lower case) is unique, as the store's claim made it. */
export const usersProjection: Projection<UserDoc> = {
  name: 'users',
  table: 'ledger_users',
  handles: ACCOUNT_EVENT_TYPES,
  keyOf: (event) =>
    event.streamId.startsWith(USER_STREAM_PREFIX)
      ? event.streamId.slice(USER_STREAM_PREFIX.length)
      : null,
  evolve: (doc, event) => evolveUserDoc(doc, event),
  columns: (doc) => ({
    username: normalUsername(doc.username),
    role: doc.role,
    uscc: doc.uscc ?? null,
    status: doc.disabled ? 'disabled' : 'active',
  }),
};
