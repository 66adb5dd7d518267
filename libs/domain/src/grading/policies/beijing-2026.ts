import type { DirectDowngrade, GradeDecision, GradingFact } from '../grading.types';
import { addMonths, bandOf, downgradeDecision, worstBinding, type GradingPolicy } from './policy';

/** Seed 000 Art. 15: A ≥ 90, B 75–<90, C 60–<75, D < 60. */
export const BEIJING_BANDS = [
  ['A', 90],
  ['B', 75],
  ['C', 60],
  ['D', -Infinity],
] as const;

/** Penalties for these are "verified data fraud, untrue or false reports, false O&M" (Art. 15). */
const FRAUD = new Set(['data-fraud', 'false-report', 'untrue-report', 'false-om']);
/** Inspection findings that verify fraud or a false or untrue report (Art. 15: 经查实). */
const FRAUD_FOUND = new Set(['untrue-report', 'false-report']);
/** Inspection findings of Art. 9(5): a refused inspection, or a refusal to rectify (拒不整改). */
const REFUSAL_FOUND = new Set(['refused-inspection', 'refused-rectification']);
/** Credit findings that are credit-bad situations of Art. 9. */
const CREDIT_BAD = new Set(['credit-bad', 'police-case-opened', 'serious-dishonesty-listed']);
const CREDIT_BAD_ARTICLE: Record<string, string> = {
  'police-case-opened': 'beijing-9-4',
  'serious-dishonesty-listed': 'beijing-9-7',
};
/** Art. 23: a D for credit-bad or fraud is not upgraded within 3 natural years (assumption: the year after the decision and the two after it). */
export const UPGRADE_BAR_NATURAL_YEARS = 3;
/** Art. 23: other non-A grades may apply 6 months after the last adjustment. */
export const UPGRADE_WAIT_MONTHS = 6;

/**
 * Art. 8: an agency is under credit management (信用管理) once it has been registered 满一个自然年:
 * read as one full year from the filing's valid date, the same day a year later (28 February
 * from 29 February), as DOMAIN.md summarises it. The other reading, a whole calendar year
 * (1 January after the first full one), would leave an agency registered on 2 January outside
 * credit management for almost two years; recorded with its reason in ADR 021.
 */
export const creditManagedFrom = (registeredOn: string): string => addMonths(registeredOn, 12);

const barEnd = (effectiveFrom: string) =>
  `${Number(effectiveFrom.slice(0, 4)) + UPGRADE_BAR_NATURAL_YEARS}-12-31`;

export const beijing2026: GradingPolicy = {
  id: 'beijing/2026-draft',
  jurisdiction: 'beijing',
  version: '2026-draft',
  effectiveFrom: '2025-01-01',
  effectiveAssumption:
    'seed 000 is a consultation draft (征求意见稿) with no date of effect: assumed in force from 2025-01-01, so that the cycle of early 2026 grades the natural year 2025 (Art. 13) and its facts (Art. 15 downgrades) under one text, until a final text names its date',
  publicityWorkingDays: 5,
  objectionWindowWorkingDays: 5,
  objectionReviewDueOn: (calendar, filedOn) => calendar.deadline(filedOn, 5),
  articles: {
    cycle: 'beijing-13',
    publicity: 'beijing-16',
    objectionReview: 'beijing-16',
    upgrade: 'beijing-23',
  },
  // Art. 16: an objection is reviewed within 5 working days of receipt, which may end after
  // publicity: publication does not wait for it.
  objectionsDecidedBeforePublication: false,

  propose(candidates, year) {
    const proposals = new Map<string, GradeDecision>();
    for (const c of candidates) {
      // Art. 12: self-monitoring agencies are graded from registration.
      if (!c.registered || !c.serviceTypes.includes('self-monitoring') || !c.assessment) continue;
      const binding = worstBinding(
        c.binding.filter(
          // Decided in or after the graded year (up to the cycle), or still inside the Art. 23 bar.
          (d) =>
            d.effectiveFrom >= `${year}-01-01` ||
            (d.barsUpgrade && barEnd(d.effectiveFrom) >= `${year}-12-31`),
        ),
      );
      const { score, noBusiness, eventId } = c.assessment;
      if (binding) {
        proposals.set(c.uscc, downgradeDecision(binding, score));
      } else if (noBusiness) {
        proposals.set(c.uscc, {
          grade: 'no-business',
          score: null,
          explanation: [{ rule: 'no-business-in-year', article: 'beijing-15', facts: [eventId] }],
        });
      } else {
        const grade = bandOf(score, BEIJING_BANDS);
        proposals.set(c.uscc, {
          grade,
          score,
          explanation: [{ rule: `score-band-${grade}`, article: 'beijing-15', facts: [eventId] }],
        });
      }
    }
    return proposals;
  },

  revise(uscc, score) {
    const grade = bandOf(score, BEIJING_BANDS);
    return new Map([
      [
        uscc,
        {
          grade,
          score,
          explanation: [{ rule: `score-band-${grade}`, article: 'beijing-15', facts: [] }],
        },
      ],
    ]);
  },

  reevaluation: { 'upgrade-request': 'beijing-23', supervision: 'beijing-22' },

  directDowngrade(fact, occurredOn, agency) {
    const downgrade = beijingDowngrade(fact);
    // Art. 8: a credit-bad situation (Art. 9) before credit management began is recorded (Art.
    // 10) but grades nothing. A verified fraud is Art. 15's grading rule, from registration (Art. 12).
    if (
      downgrade?.rule === 'credit-bad' &&
      agency?.registeredOn !== undefined &&
      occurredOn < creditManagedFrom(agency.registeredOn)
    )
      return null;
    return downgrade;
  },

  upgradeBar({ on, current, downgrades }) {
    const barred = downgrades.filter(
      (d) => d.barsUpgrade && d.effectiveFrom <= on && on <= barEnd(d.effectiveFrom),
    );
    if (barred.length > 0) {
      const until = barred
        .map((d) => barEnd(d.effectiveFrom))
        .sort()
        .at(-1)!;
      return {
        reason: `graded D for credit-bad or fraud: no upgrade until ${until}`,
        article: 'beijing-23',
        until,
      };
    }
    if (current?.grade === 'A')
      return { reason: 'an A grade cannot be raised', article: 'beijing-23', until: on };
    if (current && ['B', 'C', 'D'].includes(current.grade)) {
      const until = addMonths(current.from, UPGRADE_WAIT_MONTHS);
      if (on < until)
        return {
          reason: `the grade was last adjusted on ${current.from}: apply from ${until}`,
          article: 'beijing-23',
          until,
        };
    }
    return null;
  },
};

/** The direct downgrade of Art. 9 (credit-bad) or Art. 15 (verified fraud) a fact triggers. */
function beijingDowngrade(fact: GradingFact): DirectDowngrade | null {
  const d = fact.data;
  if (fact.type === 'PenaltyImposed' && FRAUD.has(String(d.violationType))) {
    return {
      grade: 'D',
      effectiveFrom: String(d.decidedAt),
      rule: 'verified-fraud-penalty',
      article: 'beijing-15',
      eventId: fact.eventId,
      barsUpgrade: true,
    };
  }
  if (fact.type === 'PenaltyImposed' && d.violationType === 'refused-inspection') {
    return {
      grade: 'D',
      effectiveFrom: String(d.decidedAt),
      rule: 'credit-bad',
      article: 'beijing-9-5',
      eventId: fact.eventId,
      barsUpgrade: true,
    };
  }
  if (fact.type === 'InspectionRecorded') {
    const codes = new Set((d.findings as { code: string }[]).map((f) => f.code));
    const found = (rule: string, article: string) => ({
      grade: 'D' as const,
      effectiveFrom: String(d.inspectedAt),
      rule,
      article,
      eventId: fact.eventId,
      barsUpgrade: true,
    });
    if ([...codes].some((c) => FRAUD_FOUND.has(c)))
      return found('verified-fraud-inspection', 'beijing-15');
    if ([...codes].some((c) => REFUSAL_FOUND.has(c))) return found('credit-bad', 'beijing-9-5');
  }
  if (fact.type === 'CreditFindingRecorded' && CREDIT_BAD.has(String(d.kind))) {
    const article = String(d.article).startsWith('beijing-9')
      ? String(d.article)
      : (CREDIT_BAD_ARTICLE[String(d.kind)] ?? 'beijing-9');
    return {
      grade: 'D',
      effectiveFrom: String(d.decidedAt),
      rule: 'credit-bad',
      article,
      eventId: fact.eventId,
      barsUpgrade: true,
    };
  }
  return null;
}
