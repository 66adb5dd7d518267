import type { Jurisdiction } from '../agency/agency.events';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';
/** What a grade query answers: a band, or why there is none. */
export type GradeValue = Grade | 'ungraded' | 'no-business';
export type RiskLevel = 'low' | 'medium' | 'high';

export interface PolicyRef {
  id: string;
  jurisdiction: Jurisdiction;
  version: string;
}

/** Why a grade is what it is: the rule that fired, its article, the facts that fed it. */
export interface Explanation {
  rule: string;
  article: string;
  facts: string[];
}

/** One agency's grade as a decision made it. */
export interface GradeDecision {
  grade: GradeValue;
  score: number | null;
  riskLevel?: RiskLevel;
  explanation: Explanation[];
}

/** What the policy needs to know of an agency to grade it in a cycle. */
export interface GradingCandidate {
  uscc: string;
  /** Registered (approved) and not deregistered when the cycle starts. */
  registered: boolean;
  /**
   * In the jurisdiction's directory when the cycle starts: false while out of it after an E
   * (Chongqing Art. 20, `DirectoryRules`); true where there is no such directory.
   */
  listed: boolean;
  serviceTypes: string[];
  assessment?: {
    eventId: string;
    score: number;
    riskScore?: number;
    noBusiness: boolean;
  };
  /** Facts that force a grade (direct downgrade) and still bind this cycle. */
  binding: DirectDowngrade[];
}

/** A direct downgrade (Beijing Art. 15, Chongqing Art. 16, Jiaxing (十一)). */
export interface DirectDowngrade {
  grade: Grade;
  riskLevel?: RiskLevel;
  /** The decision date of the triggering fact: in force from this day. */
  effectiveFrom: string;
  /**
   * The first day it is no longer in force, where the text bounds it (Chongqing Art. 16(2): E
   * only 在禁入期限内, so the day after the ban's last day); absent: in force until the next decision.
   */
  effectiveTo?: string;
  rule: string;
  article: string;
  eventId: string;
  /** Whether it bars upgrades (Beijing Art. 23: credit-bad or fraud). */
  barsUpgrade: boolean;
}

/** A fact of the agency's stream as the grading rules read it. */
export interface GradingFact {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
}
