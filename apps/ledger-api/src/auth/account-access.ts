import { authoritiesOf, REGULATOR_AUTHORITIES, type AccountScope } from '@ledger/domain';
import { validateUsccFormat } from '@ledger/domain/identity';
import { isJurisdiction, JURISDICTIONS, type Role } from './actor';
import type { AccessDecision } from './access';

/** Who manages accounts: the caller's role, and for an agency its USCC and whether it is the main account. */
export interface AccountManager {
  userId: string;
  role: Role;
  uscc?: string;
  main?: boolean;
}

/** An account as the access rules see it. */
export interface ManagedAccount {
  userId: string;
  role: Role;
  uscc?: string;
  main?: boolean;
}

const ALLOWED: AccessDecision = Object.freeze({ ok: true });

/** Seed 002 §七.10: the main account creates and closes (注销) its agency's sub-accounts. */
const SUB_ACCOUNTS = 'seed 002 §七.10';

/**
 * Whether `manager` may create an account of `scope`: an administrator any account; an
 * agency's main account only sub-accounts of its own USCC (seed 002 §七.10); nobody else.
 */
export function mayCreateAccount(manager: AccountManager, scope: AccountScope): AccessDecision {
  if (manager.role === 'admin') return ALLOWED;
  if (manager.role !== 'agency' || manager.main !== true) return notAManager(manager);
  if (scope.role !== 'agency') {
    return {
      ok: false,
      reason: `role: an agency's main account creates agency sub-accounts only (${SUB_ACCOUNTS})`,
    };
  }
  if (scope.uscc !== manager.uscc) {
    return {
      ok: false,
      reason: `uscc: an agency's main account creates sub-accounts of its own agency only (${SUB_ACCOUNTS})`,
    };
  }
  if (scope.main === true) {
    return { ok: false, reason: `main: an agency has one main account (${SUB_ACCOUNTS})` };
  }
  return ALLOWED;
}

/**
 * Whether `manager` may see and disable `account`: an administrator any account but its own
 * (someone else must be able to see that it happened); an agency's main account the
 * sub-accounts of its own USCC.
 */
export function mayManageAccount(manager: AccountManager, account: ManagedAccount): AccessDecision {
  if (manager.role === 'admin') {
    return account.userId === manager.userId
      ? { ok: false, reason: 'userId: an administrator may not disable their own account' }
      : ALLOWED;
  }
  if (manager.role !== 'agency' || manager.main !== true) return notAManager(manager);
  if (account.role !== 'agency' || account.uscc !== manager.uscc || account.main === true) {
    return {
      ok: false,
      reason: `userId: an agency's main account manages its own agency's sub-accounts only (${SUB_ACCOUNTS})`,
    };
  }
  return ALLOWED;
}

/** Whether `manager` may list accounts at all (admin: every one; a main account: its agency's). */
export function mayListAccounts(manager: AccountManager): AccessDecision {
  return manager.role === 'admin' || (manager.role === 'agency' && manager.main === true)
    ? ALLOWED
    : notAManager(manager);
}

function notAManager(manager: AccountManager): AccessDecision {
  return {
    ok: false,
    reason:
      manager.role === 'agency'
        ? `role: only an agency's main account manages its sub-accounts (${SUB_ACCOUNTS})`
        : `role: a ${manager.role} may not manage accounts (admin, or an agency's main account for its sub-accounts)`,
  };
}

/**
 * The problems of an account's scope, each naming its field (400): a regulator has a
 * jurisdiction (and may have an authority it holds there), an agency a USCC, and no account
 * carries a field of another role.
 */
export function accountScopeProblems(scope: {
  role: Role;
  jurisdiction?: string;
  authority?: string;
  uscc?: string;
  main?: boolean;
}): string[] {
  const problems: string[] = [];
  if (scope.role === 'regulator') {
    if (!isJurisdiction(scope.jurisdiction)) {
      problems.push(`jurisdiction: a regulator needs one of ${JURISDICTIONS.join(', ')}`);
    } else if (scope.authority !== undefined) {
      const held = authoritiesOf(scope.jurisdiction) as readonly string[];
      if (!(REGULATOR_AUTHORITIES as readonly string[]).includes(scope.authority)) {
        problems.push(`authority: must be one of ${REGULATOR_AUTHORITIES.join(', ')}`);
      } else if (!held.includes(scope.authority)) {
        problems.push(
          `authority: a ${scope.jurisdiction} regulator's authority is one of ${held.join(', ')} (seed 004 Art. 2)`,
        );
      }
    }
  } else {
    if (scope.jurisdiction !== undefined)
      problems.push('jurisdiction: only a regulator account has a jurisdiction');
    if (scope.authority !== undefined)
      problems.push('authority: only a regulator account has an authority');
  }
  if (scope.role === 'agency') {
    if (scope.uscc === undefined) problems.push("uscc: an agency account needs its agency's USCC");
    else {
      const format = validateUsccFormat(scope.uscc);
      if (!format.valid) problems.push(`uscc: ${format.reason}`);
    }
  } else {
    if (scope.uscc !== undefined) problems.push('uscc: only an agency account has a uscc');
    if (scope.main !== undefined) problems.push('main: only an agency account is a main account');
  }
  return problems;
}
