import type { Actor } from '../auth';

/** Statuses of a registry entry that the public sees (API.md: pending review is not public). */
export const PUBLISHED_STATUSES: readonly string[] = ['registered', 'deregistered'];

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
