import type { Jurisdiction, ViolationType } from '../agency/agency.events';
import { reentryBar } from '../grading/policies';
import type { GradePeriod } from '../grading/timeline';

/**
 * A person's own credit (seed 000 Art. 9(2), 10, 11; seed 001 Art. 20(二)–(三)): one stream per
 * person, keyed by the identity hash (the keyed hash of the ID number, ADR 005), never by the
 * number. A penalty or a finding that names the person responsible is appended here too, so
 * that a hire elsewhere is decided on the person's facts (ADR 020).
 */
export const personStreamId = (idNumberHash: string): string => `person-${idNumberHash}`;

/** The person was named responsible in a penalty, a credit finding or an inspection of an agency. */
export interface PersonNamedResponsible {
  type: 'PersonNamedResponsible';
  data: {
    /** The agency whose record holds the decision, and its jurisdiction. */
    uscc: string;
    jurisdiction: Jurisdiction;
    /** The jurisdiction whose regulator recorded it, where a host did (ADR 016). */
    recordingJurisdiction?: Jurisdiction;
    recordEventId: string;
    recordType: 'PenaltyImposed' | 'CreditFindingRecorded' | 'InspectionRecorded';
    decidedAt: string;
    /** The penalty's decision number (public, 双公示), or the finding's article. */
    decisionNumber?: string;
    violationType?: ViolationType;
    findingKind?: string;
    /** An inspection's finding codes. */
    findingCodes?: string[];
    article?: string;
    role?: string;
    /** The last day of a ban from practising the decision imposes on the person. */
    bannedUntil?: string;
  };
}

export type PersonEvent = PersonNamedResponsible;
export const PERSON_EVENT_TYPES: readonly PersonEvent['type'][] = ['PersonNamedResponsible'];

/** A time the person may not be taken on, or is taken on at the agency's credit cost. */
export interface PersonBan {
  /**
   * `practice-ban`: the decision banned the person from practising (禁止从业); `directory-bar`:
   * the person is barred from Chongqing's directory with the agency graded E (Art. 20(二)–(三)).
   */
  kind: 'practice-ban' | 'directory-bar';
  /** First day barred, and the first day free again (exclusive). */
  from: string;
  to: string;
  /** `penalty-ban` for a practice ban; `chongqing-20-2` or `chongqing-20-3` for a bar. */
  article: string;
  /** The decision the ban rests on. */
  recordEventId: string;
  /** Why the decision was made, for a practice ban (Beijing Art. 9(2) reads fraud only). */
  violationType?: ViolationType;
}

/** The day after a bare date. */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A practice ban a naming carries: from the decision's date through its last day. */
export function practiceBan(naming: PersonNamedResponsible['data']): PersonBan | null {
  if (naming.bannedUntil === undefined) return null;
  return {
    kind: 'practice-ban',
    from: naming.decidedAt,
    to: dayAfter(naming.bannedUntil),
    article: 'penalty-ban',
    recordEventId: naming.recordEventId,
    ...(naming.violationType && { violationType: naming.violationType }),
  };
}

/**
 * Seed 001 Art. 20(二)–(三): the persons involved (涉事人员) in the situation that graded a
 * Chongqing agency E are out for the same time as the agency: from the day that E took effect,
 * 2 years, 5 when it was the agency's second. The E is the first of the agency's E periods whose
 * explanation names the decision the person was named in; none yet (an unfulfilled penalty not
 * yet overdue), no bar. `periods` is the agency's grade history as the ledger holds it.
 */
export function directoryBar(
  naming: PersonNamedResponsible['data'],
  periods: readonly Pick<GradePeriod, 'grade' | 'from' | 'explanation' | 'decidedBy'>[],
  eGrades: readonly string[],
): PersonBan | null {
  if (naming.jurisdiction !== 'chongqing') return null;
  if (naming.recordingJurisdiction !== undefined && naming.recordingJurisdiction !== 'chongqing')
    return null;
  const e = periods
    .filter(
      (p) => p.grade === 'E' && p.explanation.some((x) => x.facts.includes(naming.recordEventId)),
    )
    .map((p) => p.from)
    .sort()[0];
  if (e === undefined) return null;
  const bar = reentryBar(eGrades.filter((d) => d <= e));
  if (!bar) return null;
  return {
    kind: 'directory-bar',
    from: e,
    to: bar.until,
    article: bar.article === 'chongqing-20-3' ? 'chongqing-20-3' : 'chongqing-20-2',
    recordEventId: naming.recordEventId,
  };
}

/** The bans in force on `on` (from ≤ on < to). */
export const bansInForce = (bans: readonly PersonBan[], on: string): PersonBan[] =>
  bans.filter((b) => b.from <= on && on < b.to);

/**
 * Beijing Art. 9(2): 因监测数据弄虚作假或出具虚假检验检测报告被行政处罚且尚在禁止从业期限内的
 * 技术人员. The practice bans that make such a hire credit-bad.
 */
export const BEIJING_9_2_VIOLATIONS: ReadonlySet<string> = new Set(['data-fraud', 'false-report']);
