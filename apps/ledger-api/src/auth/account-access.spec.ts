import {
  accountScopeProblems,
  mayCreateAccount,
  mayListAccounts,
  mayManageAccount,
  type AccountManager,
} from './account-access';

const USCC = '91110000802100433B';
const OTHER = '91350100M000100Y43';
const admin: AccountManager = { userId: 'admin', role: 'admin' };
const main: AccountManager = { userId: 'm-1', role: 'agency', uscc: USCC, main: true };
const sub: AccountManager = { userId: 's-1', role: 'agency', uscc: USCC, main: false };
const others: AccountManager[] = [
  { userId: 'r-1', role: 'regulator' },
  { userId: 'rv-1', role: 'reviewer' },
  { userId: 'au-1', role: 'auditor' },
  sub,
];

describe('who may create whom (seed 002 §七.10)', () => {
  it.each([
    { role: 'admin' },
    { role: 'regulator', jurisdiction: 'beijing' },
    { role: 'agency', uscc: USCC, main: true },
    { role: 'auditor' },
  ] as const)('an administrator creates any account: %j', (scope) => {
    expect(mayCreateAccount(admin, scope)).toEqual({ ok: true });
  });

  it("an agency's main account creates a sub-account of its own USCC", () => {
    expect(mayCreateAccount(main, { role: 'agency', uscc: USCC, main: false })).toEqual({
      ok: true,
    });
  });

  it.each([
    [{ role: 'agency', uscc: OTHER, main: false }, /^uscc:/],
    [{ role: 'agency', uscc: USCC, main: true }, /^main:/],
    [{ role: 'regulator', jurisdiction: 'beijing' }, /^role:/],
    [{ role: 'admin' }, /^role:/],
  ] as const)("an agency's main account may not create %j", (scope, reason) => {
    const decision = mayCreateAccount(main, scope);
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.reason).toMatch(reason);
  });

  it.each(others)('%j creates no account', (manager) => {
    expect(mayCreateAccount(manager, { role: 'agency', uscc: USCC, main: false }).ok).toBe(false);
    expect(mayListAccounts(manager).ok).toBe(false);
  });
});

describe('who may disable whom', () => {
  it('an administrator disables any account but its own', () => {
    expect(mayManageAccount(admin, { userId: 'x', role: 'admin' })).toEqual({ ok: true });
    expect(mayManageAccount(admin, { userId: 'admin', role: 'admin' }).ok).toBe(false);
  });

  it("an agency's main account disables its own agency's sub-accounts, not itself nor another's", () => {
    expect(mayManageAccount(main, { userId: 's', role: 'agency', uscc: USCC })).toEqual({
      ok: true,
    });
    expect(
      mayManageAccount(main, { userId: 'm-1', role: 'agency', uscc: USCC, main: true }).ok,
    ).toBe(false);
    expect(mayManageAccount(main, { userId: 's', role: 'agency', uscc: OTHER }).ok).toBe(false);
    expect(mayManageAccount(main, { userId: 'r', role: 'regulator' }).ok).toBe(false);
  });

  it('a sub-account disables nobody', () => {
    expect(mayManageAccount(sub, { userId: 's-2', role: 'agency', uscc: USCC }).ok).toBe(false);
  });
});

describe("an account's scope", () => {
  it.each([
    [{ role: 'regulator' }, 'jurisdiction: a regulator needs'],
    [{ role: 'regulator', jurisdiction: 'beijing', authority: 'market-regulation' }, 'authority:'],
    [{ role: 'agency' }, 'uscc: an agency account needs'],
    [{ role: 'agency', uscc: 'abc' }, 'uscc:'],
    [{ role: 'auditor', uscc: USCC }, 'uscc: only an agency'],
    [{ role: 'admin', jurisdiction: 'beijing' }, 'jurisdiction: only a regulator'],
    [{ role: 'reviewer', main: true }, 'main: only an agency'],
  ] as const)('%j is refused, naming the field', (scope, problem) => {
    expect(accountScopeProblems(scope).join()).toContain(problem);
  });

  it.each([
    { role: 'regulator', jurisdiction: 'urumqi', authority: 'market-regulation' },
    { role: 'regulator', jurisdiction: 'beijing' },
    { role: 'agency', uscc: USCC, main: false },
    { role: 'admin' },
  ] as const)('%j is a scope', (scope) => {
    expect(accountScopeProblems(scope)).toEqual([]);
  });
});
