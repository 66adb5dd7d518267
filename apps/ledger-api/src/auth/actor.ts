import {
  authoritiesOf,
  JURISDICTIONS,
  REGULATOR_AUTHORITIES,
  type Jurisdiction,
  type RegulatorAuthority,
} from '@ledger/domain';
import { validateUsccFormat } from '@ledger/domain/identity';

export const ROLES = ['admin', 'regulator', 'agency', 'reviewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export { JURISDICTIONS, type Jurisdiction, type RegulatorAuthority };

/**
 * Who calls, as the token's claims say. `jurisdiction` is set for a regulator only and `uscc`
 * for an agency only: a claim that does not belong to the role is dropped, never trusted.
 */
export interface Actor {
  sub: string;
  role: Role;
  jurisdiction?: Jurisdiction;
  /**
   * A regulator's recording authority: the ecology bureau (the default, when absent) or, where
   * the jurisdiction's rules make it a co-authority, market regulation (seed 004 Art. 2).
   */
  authority?: RegulatorAuthority;
  uscc?: string;
}

/** The regulator's recording authority: `ecology` unless its token says otherwise. */
export const authorityOf = (actor: Actor): RegulatorAuthority => actor.authority ?? 'ecology';

export type ClaimsCheck = { ok: true; actor: Actor } | { ok: false; reason: string };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === 'string' && (JURISDICTIONS as readonly string[]).includes(value);
}

/**
 * The actor a verified token's payload describes, or why the payload describes none. Claims
 * that do not fit the role are a bad token (401), not a refusal (403): the caller is unknown.
 */
export function actorFromClaims(claims: unknown): ClaimsCheck {
  if (typeof claims !== 'object' || claims === null) {
    return { ok: false, reason: 'token: the payload must be a JSON object of claims' };
  }
  const { sub, role, jurisdiction, uscc, authority } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.trim() === '') {
    return { ok: false, reason: 'token: sub must be a non-empty string (the actor id)' };
  }
  if (!isRole(role)) {
    return { ok: false, reason: `token: role must be one of ${ROLES.join(', ')}` };
  }
  switch (role) {
    case 'regulator':
      if (!isJurisdiction(jurisdiction)) {
        return {
          ok: false,
          reason: `token: a regulator needs jurisdiction, one of ${JURISDICTIONS.join(', ')}`,
        };
      }
      if (authority === undefined) return { ok: true, actor: { sub, role, jurisdiction } };
      if (!(REGULATOR_AUTHORITIES as readonly unknown[]).includes(authority)) {
        return {
          ok: false,
          reason: `token: authority must be one of ${REGULATOR_AUTHORITIES.join(', ')}`,
        };
      }
      if (!authoritiesOf(jurisdiction).includes(authority as RegulatorAuthority)) {
        return {
          ok: false,
          reason: `token: a ${jurisdiction} regulator's authority is one of ${authoritiesOf(jurisdiction).join(', ')} (market regulation records in urumqi only, seed 004 Art. 2)`,
        };
      }
      return {
        ok: true,
        actor: { sub, role, jurisdiction, authority: authority as RegulatorAuthority },
      };
    case 'agency': {
      if (typeof uscc !== 'string') {
        return { ok: false, reason: "token: an agency needs uscc (the agency's code)" };
      }
      // Shape only: an agency registered with `acceptUnverifiedCode` has a failing check character.
      const format = validateUsccFormat(uscc);
      if (!format.valid) return { ok: false, reason: `token: uscc ${format.reason}` };
      return { ok: true, actor: { sub, role, uscc } };
    }
    case 'admin':
    case 'reviewer':
    case 'auditor':
      return { ok: true, actor: { sub, role } };
    default: {
      const unreachable: never = role;
      return { ok: false, reason: `token: unknown role ${String(unreachable)}` };
    }
  }
}
