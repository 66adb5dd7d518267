import type { Actor } from '../auth';

/** Statuses of a registry entry that the public sees (API.md: pending review is not public). */
export const PUBLISHED_STATUSES: readonly string[] = ['registered', 'deregistered'];

/**
 * Statuses the public search lists: a deregistered agency's registration is no longer
 * publicly displayed (seed 002 §七.9, seed 000 Art. 24); its public entry says only that.
 */
export const SEARCHABLE_STATUSES: readonly string[] = ['registered'];

/**
 * Who sees a registered agency's key change awaiting review, and how the last one ended
 * (seed 002 §七.8): its regulator, admins and auditors, and the agency itself.
 */
export const seesPendingChange = (uscc: string, jurisdiction: string, actor?: Actor): boolean =>
  actor !== undefined &&
  (actor.role === 'admin' ||
    actor.role === 'auditor' ||
    (actor.role === 'regulator' && actor.jurisdiction === jurisdiction) ||
    (actor.role === 'agency' && actor.uscc === uscc));

/** Who sees entries that are not published (pending review): those who review and audit them. */
export const seesUnpublished = (actor?: Actor): boolean =>
  actor !== undefined && ['admin', 'regulator', 'auditor', 'reviewer'].includes(actor.role);

/**
 * Whether `actor` may see anything of agency `uscc` with registry `status`: its entry, grade,
 * grade history and credit record follow one rule, so none tells of an agency whose entry is
 * not public.
 */
export const maySee = (status: string, uscc: string, actor?: Actor): boolean =>
  PUBLISHED_STATUSES.includes(status) || seesUnpublished(actor) || actor?.uscc === uscc;
