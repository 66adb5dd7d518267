import { ForbiddenException } from '@nestjs/common';
import { authoritiesOf } from '@ledger/domain';
import { authorityOf, type Actor, type Jurisdiction, type Role } from './actor';

export type AccessDecision = { ok: true } | { ok: false; reason: string };

export interface AgencyScope {
  uscc: string;
  jurisdiction: Jurisdiction;
  /**
   * Host jurisdictions the agency reported to (报备, seed 002 §一.7): their regulators supervise
   * it there (ADR 016), for the operations `canActOnAgency` is told a host may do.
   */
  reportedTo?: readonly Jurisdiction[];
}

/**
 * What a host jurisdiction's regulator records on an agency that reported to it (ADR 016): the
 * supervision facts of seed 000 Art. 4 ¶2 and seed 002 §一.7. The registry stays the home's.
 */
export const HOST_SUPERVISION_COMMANDS: ReadonlySet<string> = new Set([
  'RecordInspection',
  'ImposePenalty',
  'RecordCreditFinding',
]);

/** The item a host's authority rests on, named in its refusals. */
const CROSS_JURISDICTION_REPORT = 'national-faq-1-7';

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
  /** A host regulator may do this on an agency that reported to its jurisdiction (ADR 016). */
  hostMay = false,
): AccessDecision {
  if (!roleMayAct(actor.role, allowed)) return refusedRole(actor.role, allowed);
  switch (actor.role) {
    case 'regulator':
      if (actor.jurisdiction === agency.jurisdiction) return ALLOWED;
      if (hostMay && actor.jurisdiction !== undefined) {
        return agency.reportedTo?.includes(actor.jurisdiction)
          ? ALLOWED
          : {
              ok: false,
              reason: `jurisdiction: ${regulatorOf(actor.jurisdiction)} supervises a ${agency.jurisdiction} agency once it has reported (报备) to ${actor.jurisdiction}, which this one has not (${CROSS_JURISDICTION_REPORT})`,
            };
      }
      return {
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

/**
 * What market regulation records where it is a co-authority (seed 004): inspections (Art. 15),
 * penalties for untrue and false reports (Art. 16 ¶1), and the revocation of the CMA
 * qualification it has the issuing authority carry out (Art. 16 ¶2). The registry (review,
 * changes, staff, deregistration) stays with the ecology bureau.
 */
const MARKET_REGULATION_RECORDS: ReadonlySet<string> = new Set([
  'RecordInspection',
  'ImposePenalty',
  'RecordCmaRevocation',
]);

/** Recorded by market regulation alone where the jurisdiction has it (seed 004 Art. 16 ¶2). */
const MARKET_REGULATION_ONLY: ReadonlySet<string> = new Set(['RecordCmaRevocation']);

/**
 * Whether a regulator's recording authority (its token's `authority`) records this command in
 * `jurisdiction`: anyone else is judged by role and scope alone (`canActOnAgency`).
 */
export function canRecordAsAuthority(
  actor: Actor,
  jurisdiction: Jurisdiction,
  commandType: string,
): AccessDecision {
  if (actor.role !== 'regulator') return ALLOWED;
  const authority = authorityOf(actor);
  if (authority === 'market-regulation' && !MARKET_REGULATION_RECORDS.has(commandType)) {
    return {
      ok: false,
      reason: `authority: market regulation records inspections, penalties and CMA revocations (seed 004 Art. 15, 16), not ${commandType}`,
    };
  }
  if (
    authority === 'ecology' &&
    MARKET_REGULATION_ONLY.has(commandType) &&
    authoritiesOf(jurisdiction).includes('market-regulation')
  ) {
    return {
      ok: false,
      reason: `authority: in ${jurisdiction} market regulation records ${commandType} (seed 004 Art. 16)`,
    };
  }
  return ALLOWED;
}

/** `canRecordAsAuthority`, throwing the API's 403 when refused. */
export function assertCanRecordAsAuthority(
  actor: Actor,
  jurisdiction: Jurisdiction,
  commandType: string,
): void {
  throwIfRefused(canRecordAsAuthority(actor, jurisdiction, commandType));
}

/** `canActOnAgency`, throwing the API's 403 when refused. */
export function assertCanActOnAgency(
  actor: Actor,
  agency: AgencyScope,
  allowed: readonly Role[],
  hostMay = false,
): void {
  throwIfRefused(canActOnAgency(actor, agency, allowed, hostMay));
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
