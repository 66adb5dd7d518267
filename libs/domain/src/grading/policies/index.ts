import type { Jurisdiction } from '../../agency/agency.events';
import { beijing2026 } from './beijing-2026';
import { chongqing2023 } from './chongqing-2023';
import { jiaxing2023 } from './jiaxing-2023';
import type { GradingPolicy } from './policy';

export * from './policy';
export { beijing2026, BEIJING_BANDS } from './beijing-2026';
export { chongqing2023, CHONGQING_RANK_CUTOFFS, rankGrades } from './chongqing-2023';
export { jiaxing2023, JIAXING_BANDS, JIAXING_RISK } from './jiaxing-2023';

/** Every policy version ever used. Versions are added, never edited or removed. */
export const POLICIES: readonly GradingPolicy[] = [beijing2026, chongqing2023, jiaxing2023];

export function policyById(id: string): GradingPolicy {
  const policy = POLICIES.find((p) => p.id === id);
  if (!policy) throw new Error(`no grading policy ${id}`);
  return policy;
}

/** The version in force in a jurisdiction on a date (the latest that took effect by then). */
export function policyFor(jurisdiction: Jurisdiction, on: string): GradingPolicy {
  const candidates = POLICIES.filter((p) => p.jurisdiction === jurisdiction).sort((a, b) =>
    b.effectiveFrom.localeCompare(a.effectiveFrom),
  );
  return candidates.find((p) => p.effectiveFrom <= on) ?? candidates[candidates.length - 1];
}
