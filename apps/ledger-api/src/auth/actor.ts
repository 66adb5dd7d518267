import { JURISDICTIONS, type Jurisdiction } from '@ledger/domain';
import { validateUsccFormat } from '@ledger/domain/identity';

export const ROLES = ['admin', 'regulator', 'agency', 'reviewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export { JURISDICTIONS, type Jurisdiction };

/**
 * Who calls, as the token's claims say. `jurisdiction` is set for a regulator only and `uscc`
 * for an agency only: a claim that does not belong to the role is dropped, never trusted.
 */
export interface Actor {
  sub: string;
  role: Role;
  jurisdiction?: Jurisdiction;
  uscc?: string;
}

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
  const { sub, role, jurisdiction, uscc } = claims as Record<string, unknown>;
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
      return { ok: true, actor: { sub, role, jurisdiction } };
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
