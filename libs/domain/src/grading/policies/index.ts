import type { Jurisdiction } from '../../agency/agency.events';
import { RuleViolation } from '../../shared/errors';
import { beijing2026 } from './beijing-2026';
import { chongqing2023 } from './chongqing-2023';
import { jiaxing2023 } from './jiaxing-2023';
import type { DirectoryRules, GradingPolicy } from './policy';

export * from './policy';
export { beijing2026, BEIJING_BANDS, creditManagedFrom } from './beijing-2026';
export {
  chongqing2023,
  CHONGQING_RANK_CUTOFFS,
  directoryStanding,
  rankGrades,
  reentryBar,
  reentryRefusal,
} from './chongqing-2023';
export { jiaxing2023, JIAXING_BANDS, JIAXING_RISK } from './jiaxing-2023';

/** Every policy version ever used. Versions are added, never edited or removed. */
export const POLICIES: readonly GradingPolicy[] = [beijing2026, chongqing2023, jiaxing2023];

export function policyById(id: string): GradingPolicy {
  const policy = POLICIES.find((p) => p.id === id);
  if (!policy) throw new Error(`no grading policy ${id}`);
  return policy;
}

/**
 * The version in force in a jurisdiction on a date: the latest that took effect by then and
 * has not expired. A date no version covers is refused (422), never answered by the nearest
 * version: grading by a text not in force would not stand.
 */
export function policyFor(jurisdiction: Jurisdiction, on: string): GradingPolicy {
  const inForce = policyInForce(jurisdiction, on);
  if (inForce === undefined) {
    const versions = POLICIES.filter((p) => p.jurisdiction === jurisdiction)
      .map((p) => `${p.id} (${p.effectiveFrom} to ${p.effectiveTo ?? 'now'})`)
      .join(', ');
    throw new RuleViolation(
      `no ${jurisdiction} grading policy is in force on ${on}; versions: ${versions || 'none'}`,
      'policy-in-force',
      'occurredAt',
    );
  }
  return inForce;
}

/** The version in force in a jurisdiction on a date, or undefined when none is. */
export function policyInForce(jurisdiction: Jurisdiction, on: string): GradingPolicy | undefined {
  return POLICIES.filter(
    (p) =>
      p.jurisdiction === jurisdiction &&
      p.effectiveFrom <= on &&
      (p.effectiveTo === undefined || on <= p.effectiveTo),
  ).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}

/** The first version of a jurisdiction's policy: it labels an answer dated before any version. */
export const firstPolicyOf = (jurisdiction: Jurisdiction): GradingPolicy =>
  POLICIES.filter((p) => p.jurisdiction === jurisdiction).sort((a, b) =>
    a.effectiveFrom.localeCompare(b.effectiveFrom),
  )[0];

/**
 * The directory rules of a jurisdiction on a date (Chongqing Art. 20), from the policy in force
 * then (the first version before any took effect: no E could be decided yet); undefined where the
 * jurisdiction keeps no directory an agency leaves.
 */
export const directoryRulesFor = (
  jurisdiction: Jurisdiction,
  on: string,
): DirectoryRules | undefined =>
  (
    policyInForce(jurisdiction, on) ??
    POLICIES.filter((p) => p.jurisdiction === jurisdiction)
      .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
      .at(0)
  )?.directory;
