import { ConflictError, NotFoundError, RuleViolation } from '../shared';
import { accountOf, decideAccount, type AccountEvent, type CreateUser } from './account';

const create: CreateUser = {
  type: 'CreateUser',
  userId: 'u-1',
  username: 'bj-reviewer',
  role: 'regulator',
  jurisdiction: 'beijing',
  passwordHash: '$argon2id$hash-1',
  by: 'admin',
};
const created: AccountEvent = {
  type: 'UserCreated',
  data: {
    userId: 'u-1',
    username: 'bj-reviewer',
    role: 'regulator',
    jurisdiction: 'beijing',
    passwordHash: '$argon2id$hash-1',
    createdBy: 'admin',
  },
};
const disabled: AccountEvent = {
  type: 'UserDisabled',
  data: { userId: 'u-1', disabledBy: 'admin' },
};

const given = (events: AccountEvent[]) => ({
  when: (command: Parameters<typeof decideAccount>[0]) => () =>
    decideAccount(command, accountOf(events)),
});

describe('an account', () => {
  describe('when none exists', () => {
    it('is created, recording who created it', () => {
      expect(given([]).when(create)()).toEqual([created]);
    });
    it('cannot be disabled (404)', () => {
      expect(given([]).when({ type: 'DisableUser', userId: 'u-1', by: 'admin' })).toThrow(
        NotFoundError,
      );
    });
  });

  describe('when created', () => {
    it('is not created twice (409)', () => {
      expect(given([created]).when(create)).toThrow(ConflictError);
    });
    it('is disabled, with who disabled it and why', () => {
      expect(
        given([created]).when({
          type: 'DisableUser',
          userId: 'u-1',
          by: 'admin',
          reason: '调岗',
        })(),
      ).toEqual([
        { type: 'UserDisabled', data: { userId: 'u-1', disabledBy: 'admin', reason: '调岗' } },
      ]);
    });
    it('gets a new password', () => {
      expect(
        given([created]).when({
          type: 'ChangePassword',
          userId: 'u-1',
          passwordHash: '$argon2id$hash-2',
          by: 'u-1',
        })(),
      ).toEqual([
        {
          type: 'PasswordChanged',
          data: { userId: 'u-1', passwordHash: '$argon2id$hash-2', changedBy: 'u-1' },
        },
      ]);
    });
  });

  describe('when disabled', () => {
    it('disabling again records nothing', () => {
      expect(
        given([created, disabled]).when({ type: 'DisableUser', userId: 'u-1', by: 'admin' })(),
      ).toEqual([]);
    });
    it('gets no new password (ledger-account-disabled)', () => {
      expect(
        given([created, disabled]).when({
          type: 'ChangePassword',
          userId: 'u-1',
          passwordHash: 'x',
          by: 'admin',
        }),
      ).toThrow(RuleViolation);
    });
    it('folds to a disabled account', () => {
      expect(accountOf([created, disabled])).toMatchObject({ disabled: true, role: 'regulator' });
    });
  });
});
