import { ForbiddenException } from '@nestjs/common';
import type { Actor, Jurisdiction, Role } from './actor';

export type AccessDecision = { ok: true } | { ok: false; reason: string };

export interface AgencyScope {
  uscc: string;
  jurisdiction: Jurisdiction;
}

const ALLOWED: AccessDecision = Object.freeze({ ok: true });

/**
 * The roles that may act where `allowed` are named: an admin may do everything a regulator
 * may, so naming `regulator` admits `admin` too (as if it were listed).
 */
export function effectiveRoles(allowed: readonly Role[]): Role[] {
  return allowed.includes('regulator') && !allowed.includes('admin')
    ? [...allowed, 'admin']
    : [...allowed];
}

export function roleMayAct(role: Role, allowed: readonly Role[]): boolean {
  return effectiveRoles(allowed).includes(role);
}

/**
 * Whether `actor` may act on one agency's record, given the roles the operation allows:
 * admin everywhere it is allowed, a regulator only on agencies of its own jurisdiction, an
 * agency only on its own record, a reviewer or auditor wherever listed. Pure; the reason
 * names the field that refused, as the API's error messages do.
 */
export function canActOnAgency(
  actor: Actor,
  agency: AgencyScope,
  allowed: readonly Role[],
): AccessDecision {
  if (!roleMayAct(actor.role, allowed)) return refusedRole(actor.role, allowed);
  switch (actor.role) {
    case 'regulator':
      return actor.jurisdiction === agency.jurisdiction
        ? ALLOWED
        : {
            ok: false,
            reason: `jurisdiction: ${regulatorOf(actor.jurisdiction)} may not act on a ${agency.jurisdiction} agency`,
          };
    case 'agency':
      return actor.uscc !== undefined && actor.uscc === agency.uscc
        ? ALLOWED
        : { ok: false, reason: 'uscc: an agency may act only on its own record' };
    case 'admin':
    case 'reviewer':
    case 'auditor':
      return ALLOWED;
    default: {
      const unreachable: never = actor.role;
      return { ok: false, reason: `role: unknown role ${String(unreachable)}` };
    }
  }
}

/**
 * Whether `actor` may act on a whole jurisdiction (a grading cycle, an export): a regulator
 * only on its own, an agency never (its scope is its own record), the others wherever listed.
 */
export function canActInJurisdiction(
  actor: Actor,
  jurisdiction: Jurisdiction,
  allowed: readonly Role[],
): AccessDecision {
  if (!roleMayAct(actor.role, allowed)) return refusedRole(actor.role, allowed);
  if (actor.role === 'agency') {
    return { ok: false, reason: 'role: an agency may act only on its own record' };
  }
  if (actor.role === 'regulator' && actor.jurisdiction !== jurisdiction) {
    return {
      ok: false,
      reason: `jurisdiction: ${regulatorOf(actor.jurisdiction)} may not act in ${jurisdiction}`,
    };
  }
  return ALLOWED;
}

/** `canActOnAgency`, throwing the API's 403 when refused. */
export function assertCanActOnAgency(
  actor: Actor,
  agency: AgencyScope,
  allowed: readonly Role[],
): void {
  throwIfRefused(canActOnAgency(actor, agency, allowed));
}

/** `canActInJurisdiction`, throwing the API's 403 when refused. */
export function assertCanActInJurisdiction(
  actor: Actor,
  jurisdiction: Jurisdiction,
  allowed: readonly Role[],
): void {
  throwIfRefused(canActInJurisdiction(actor, jurisdiction, allowed));
}

export function forbidden(reason: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: [reason] });
}

function throwIfRefused(decision: AccessDecision): void {
  if (!decision.ok) throw forbidden(decision.reason);
}

function refusedRole(role: Role, allowed: readonly Role[]): AccessDecision {
  return {
    ok: false,
    reason: `role: ${withArticle(role)} may not do this (allowed: ${effectiveRoles(allowed).join(', ')})`,
  };
}

function regulatorOf(jurisdiction: Jurisdiction | undefined): string {
  return jurisdiction ? `a ${jurisdiction} regulator` : 'a regulator without a jurisdiction';
}

function withArticle(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
