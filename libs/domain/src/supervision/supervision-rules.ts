import type {
  FindingCode,
  FindingItem,
  Jurisdiction,
  RegulatorAuthority,
} from '../agency/agency.events';
import { RuleViolation } from '../shared/errors';

/**
 * A jurisdiction's supervision rules where its text sets supervision and no grading (seed 004,
 * Urumqi): data, one module per version, never edited once used, in force between its dates
 * as a grading policy is (`policy-in-force`).
 */
export interface SupervisionRules {
  id: string;
  jurisdiction: Jurisdiction;
  version: string;
  /** The text, as published. */
  title: string;
  /** First day the text is in force. */
  effectiveFrom: string;
  /** Last day the text is in force, where it sets one. */
  effectiveTo?: string;
  /** Why effectiveTo is what it is. */
  effectiveAssumption?: string;
  /** The recording authorities (the first is the default of a regulator's token). */
  authorities: readonly RegulatorAuthority[];
  /** The article a refusal of grading cites, and why: the text grades no one. */
  notGraded: { article: string; reason: string };
  /**
   * The article under which an agency that issues test data to society must hold a CMA
   * certificate valid on the day (seed 004 Art. 5(3)), where the text sets that condition.
   */
  cmaRequiredForTesting?: string;
  /** Each article item a finding may cite, with its parent finding code. */
  findingItems: Readonly<Partial<Record<FindingItem, FindingCode>>>;
}

const items = (
  article: number,
  count: number,
  parent: FindingCode,
): [FindingItem, FindingCode][] =>
  count === 0
    ? [[`urumqi-${article}` as FindingItem, parent]]
    : Array.from({ length: count }, (_, i) => [
        `urumqi-${article}-${i + 1}` as FindingItem,
        parent,
      ]);

/** 乌鲁木齐市社会生态环境监测服务机构管理办法（试行）, 2025-01-24 (seed 004). */
export const urumqi2025: SupervisionRules = {
  id: 'urumqi-2025',
  jurisdiction: 'urumqi',
  version: '2025',
  title: '乌鲁木齐市社会生态环境监测服务机构管理办法（试行）',
  effectiveFrom: '2025-03-01',
  // Art. 21: "自2025年3月1日起施行，有效期为2年": two years from 2025-03-01, the last day included.
  effectiveTo: '2027-02-28',
  effectiveAssumption:
    'Art. 21 names no end date, only "有效期为2年" from 2025-03-01; two years counting the first day end on 2027-02-28 (an assumption until the city renews or replaces the text)',
  authorities: ['ecology', 'market-regulation'],
  notGraded: {
    article: 'urumqi-supervision-only',
    reason:
      'seed 004 (乌鲁木齐市社会生态环境监测服务机构管理办法) sets supervision rules only, no grades, scores, publicity or objections: Urumqi grades no agency',
  },
  cmaRequiredForTesting: 'urumqi-5-3',
  findingItems: Object.fromEntries([
    ...items(7, 4, 'non-standard-monitoring'),
    ...items(8, 4, 'sample-management'),
    ...items(9, 7, 'record-keeping'),
    ...items(10, 0, 'quality-system'),
    ...items(11, 4, 'untrue-report'),
    ...items(12, 5, 'false-report'),
    ...items(13, 0, 'refused-inspection'),
    ...items(14, 0, 'quality-system'),
  ]),
};

/** Every supervision-rules version ever used. Versions are added, never edited or removed. */
export const SUPERVISION_RULES: readonly SupervisionRules[] = [urumqi2025];

/** The versions of a jurisdiction's supervision rules, oldest first (none for a graded one). */
const versionsOf = (jurisdiction: Jurisdiction) =>
  SUPERVISION_RULES.filter((r) => r.jurisdiction === jurisdiction).sort((a, b) =>
    a.effectiveFrom.localeCompare(b.effectiveFrom),
  );

/**
 * Why a jurisdiction grades no one, or undefined where it grades: a jurisdiction whose texts
 * are supervision rules only (Urumqi) answers `not-graded` and refuses every grading command.
 */
export function gradesNoOne(
  jurisdiction: Jurisdiction,
): { rules: SupervisionRules; article: string; reason: string } | undefined {
  const rules = versionsOf(jurisdiction)[0];
  return rules && { rules, ...rules.notGraded };
}

/** The version in force in a jurisdiction on a date, or undefined when none is. */
export function supervisionRulesInForce(
  jurisdiction: Jurisdiction,
  on: string,
): SupervisionRules | undefined {
  return versionsOf(jurisdiction)
    .filter((r) => r.effectiveFrom <= on && (r.effectiveTo === undefined || on <= r.effectiveTo))
    .at(-1);
}

/**
 * The supervision rules in force on `on`: a decision citing an article of a text not in force
 * on its date is refused (422 `policy-in-force`), never decided under the nearest version.
 */
export function supervisionRulesFor(
  jurisdiction: Jurisdiction,
  on: string,
  field: string,
): SupervisionRules {
  const rules = supervisionRulesInForce(jurisdiction, on);
  if (rules === undefined) {
    const versions = versionsOf(jurisdiction)
      .map((r) => `${r.id} (${r.effectiveFrom} to ${r.effectiveTo ?? 'now'})`)
      .join(', ');
    throw new RuleViolation(
      `no ${jurisdiction} supervision rules are in force on ${on}; versions: ${versions || 'none'}`,
      'policy-in-force',
      field,
    );
  }
  return rules;
}

/** The jurisdiction whose rules define a finding item (`urumqi-11-2` → urumqi). */
export const jurisdictionOfItem = (item: FindingItem): Jurisdiction =>
  item.split('-')[0] as Jurisdiction;

/** The recording authorities of a jurisdiction: ecology alone unless its rules name more. */
export const authoritiesOf = (jurisdiction: Jurisdiction): readonly RegulatorAuthority[] =>
  versionsOf(jurisdiction)[0]?.authorities ?? ['ecology'];

/** Where a CMA certificate stands on a day (seed 000 Art. 2, seed 004 Art. 5(3), Art. 16 ¶2). */
export type CmaStatus =
  'none' | 'valid' | 'lapsed' | 'revoked' | 'not-yet-valid' | 'no-validity-recorded';

/**
 * The CMA certificate's standing on `on`: revoked from the revocation, lapsed after its last
 * valid day, not yet valid before its first. Pure: the day asked about, never today.
 */
export function cmaStatusOn(
  cma: { number?: string; validFrom?: string; validUntil?: string } | null | undefined,
  revokedOn: string | undefined,
  on: string,
): CmaStatus {
  if (!cma?.number) return 'none';
  if (revokedOn !== undefined && revokedOn <= on) return 'revoked';
  if (cma.validFrom !== undefined && on < cma.validFrom) return 'not-yet-valid';
  if (cma.validUntil === undefined) return 'no-validity-recorded';
  return cma.validUntil < on ? 'lapsed' : 'valid';
}
