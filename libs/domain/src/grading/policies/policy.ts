import type { Jurisdiction } from '../../agency/agency.events';
import type { Deadline, OfficialCalendar } from '../../calendar/official-calendar';
import type {
  DirectDowngrade,
  Grade,
  GradeDecision,
  GradingCandidate,
  GradingFact,
  PolicyRef,
  RiskLevel,
} from '../grading.types';

/**
 * A grading policy: data plus pure functions, one module per jurisdiction and version, never
 * edited once a decision used it (seed 000 Art. 21): a new rule is a new version with its own
 * effective date. Every grade records the policy that made it.
 */
export interface GradingPolicy extends PolicyRef {
  /** First day decisions may use this version. */
  effectiveFrom: string;
  /** Last day decisions may use this version, where the text sets one. */
  effectiveTo?: string;
  /** Why effectiveFrom (and effectiveTo) are what they are, where the text does not say. */
  effectiveAssumption?: string;
  /** Working days of publicity after a cycle's proposals. */
  publicityWorkingDays: number;
  /** Working days from the start of publicity within which an objection may be filed. */
  objectionWindowWorkingDays: number;
  /**
   * Due date of an objection's review, from its filing date and the cycle's publicity, with
   * the calendar versions used. Throws CalendarOutOfRangeError for a year not recorded.
   */
  objectionReviewDueOn(
    calendar: OfficialCalendar,
    filedOn: string,
    publicityEndsOn: Deadline,
  ): Deadline;
  /** Articles cited when a cycle, an objection or a publication is refused. */
  articles: { cycle: string; publicity: string; objectionReview: string; upgrade: string };
  /**
   * Whether every objection must be decided before publication (Chongqing Art. 18). Where not,
   * one decided after publication is a new decision in force from its own date (DOMAIN.md).
   */
  objectionsDecidedBeforePublication: boolean;
  /** Who is graded in a cycle, and the grades proposed from scores and binding facts. */
  propose(candidates: GradingCandidate[], year: number): Map<string, GradeDecision>;
  /**
   * Grades after an objection revises one agency's score, given the cycle's ranked scores: the
   * objector's, and any other agency's whose grade moves with it (a rank-based policy).
   */
  revise(
    uscc: string,
    revisedScore: number,
    riskScore: number | undefined,
    scores: Map<string, number>,
  ): Map<string, GradeDecision>;
  /**
   * The direct downgrade a fact triggers, if any. `agency.registeredOn` (the filing's valid
   * date), where known, lets a policy leave out facts from before its credit management began
   * (Beijing Art. 8).
   */
  directDowngrade(
    fact: GradingFact,
    occurredOn: string,
    agency?: { registeredOn?: string },
  ): DirectDowngrade | null;
  /**
   * Re-evaluation between cycles, where the text has it (Beijing Art. 22 from supervision, Art.
   * 23 after an accepted upgrade request): the articles each basis rests on. Absent: none.
   */
  reevaluation?: { 'upgrade-request': string; supervision: string };
  /** Why an upgrade request is refused now, or null when it may be made. */
  upgradeBar(input: UpgradeBarInput): { reason: string; article: string; until: string } | null;
  /**
   * The jurisdiction's directory (名录), where its text takes an agency out of it and bars its
   * re-entry for a time (Chongqing Art. 20); absent where there is none.
   */
  directory?: DirectoryRules;
  /** Share of agencies of a grade to inspect (Chongqing Art. 22), where the policy sets one. */
  inspectionRatio?: Partial<Record<Grade, number>>;
}

export interface UpgradeBarInput {
  /** The valid date of the upgrade request: bars are judged on it. */
  on: string;
  current: { grade: string; from: string } | null;
  downgrades: DirectDowngrade[];
  /** Dates of the E grades the agency received (Chongqing Art. 20). */
  eGrades: string[];
  /** Days the agency re-entered the directory on a regulator's approval (Chongqing Art. 20); absent: none. */
  reentries?: readonly string[];
}

/** What a directory's standing is judged on, on the day `on`. */
export interface DirectoryInput {
  on: string;
  /** The days the agency's distinct E grades took effect (`distinctEGrades`). */
  eGrades: readonly string[];
  /** The days a regulator's approval put the agency back in the directory. */
  reentries: readonly string[];
}

/** Where an agency stands in the directory on a day. */
export interface DirectoryStanding {
  listed: boolean;
  /** The day it left the directory (its E took effect); null while listed. */
  delistedOn: string | null;
  /** The first day it may apply to re-enter; null while listed. */
  barredUntil: string | null;
  /** The article its exit and bar rest on (`chongqing-20-1`, `chongqing-20-3`); null while listed. */
  article: string | null;
}

/** A directory an agency leaves on an E and re-enters on a regulator's approval (Chongqing Art. 20). */
export interface DirectoryRules {
  /** The article that keeps the directory: cited where an agency elsewhere applies to re-enter. */
  article: string;
  standing(input: DirectoryInput): DirectoryStanding;
}

/** Bands by score thresholds, highest first: [grade, minimum score]. */
export function bandOf(score: number, bands: readonly (readonly [Grade, number])[]): Grade {
  for (const [grade, minimum] of bands) if (score >= minimum) return grade;
  return bands[bands.length - 1][0];
}

export function riskOf(score: number, thresholds: { low: number; medium: number }): RiskLevel {
  return score >= thresholds.low ? 'low' : score >= thresholds.medium ? 'medium' : 'high';
}

/** The binding downgrade with the worst grade (latest on a tie), if any. */
export function worstBinding(binding: DirectDowngrade[]): DirectDowngrade | undefined {
  return [...binding].sort(
    (a, b) => b.grade.localeCompare(a.grade) || b.effectiveFrom.localeCompare(a.effectiveFrom),
  )[0];
}

export const downgradeDecision = (d: DirectDowngrade, score: number | null): GradeDecision => ({
  grade: d.grade,
  score,
  ...(d.riskLevel && { riskLevel: d.riskLevel }),
  explanation: [{ rule: d.rule, article: d.article, facts: [d.eventId] }],
});

export const jurisdictionOf = (policy: { jurisdiction: Jurisdiction }) => policy.jurisdiction;

/** Adds whole months to a bare date, clamped to the month's end. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
