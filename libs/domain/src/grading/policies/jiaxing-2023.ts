import type { GradeDecision } from '../grading.types';
import { bandOf, downgradeDecision, riskOf, worstBinding, type GradingPolicy } from './policy';

/** Seed 003 (十): A ≥ 90 green, B 80–<90 blue, C 70–<80 yellow, D 60–<70 red, E < 60 black. */
export const JIAXING_BANDS = [
  ['A', 90],
  ['B', 80],
  ['C', 70],
  ['D', 60],
  ['E', -Infinity],
] as const;
/** Risk: low ≥ 80, medium 60–<80, high < 60. */
export const JIAXING_RISK = { low: 80, medium: 60 } as const;

/** (十一) 4: penalised for falsification (弄虚作假). */
const FALSIFICATION = new Set(['data-fraud', 'false-report', 'false-om']);

function scored(score: number, riskScore: number | undefined, facts: string[]): GradeDecision {
  const grade = bandOf(score, JIAXING_BANDS);
  // Assumption: without a risk score, the risk follows the basic credit score.
  const riskLevel = riskOf(riskScore ?? score, JIAXING_RISK);
  return {
    grade,
    score,
    riskLevel,
    explanation: [{ rule: `score-band-${grade}`, article: 'jiaxing-10', facts }],
  };
}

export const jiaxing2023: GradingPolicy = {
  id: 'jiaxing/2023',
  jurisdiction: 'jiaxing',
  version: '2023',
  effectiveFrom: '2023-03-01', // (二十二)
  // (十六): objections within 5 working days of the start of publicity; the seed gives the
  // publicity no other length (assumption: the same 5 working days).
  publicityWorkingDays: 5,
  objectionWindowWorkingDays: 5,
  objectionReviewDueOn: (calendar, filedOn) => calendar.deadline(filedOn, 15),
  articles: {
    cycle: 'jiaxing-18',
    publicity: 'jiaxing-16',
    objectionReview: 'jiaxing-16',
    upgrade: 'jiaxing-18',
  },
  // (十六): the review takes 15 working days and may be extended: publication does not wait.
  objectionsDecidedBeforePublication: false,

  propose(candidates, year) {
    const proposals = new Map<string, GradeDecision>();
    for (const c of candidates) {
      if (!c.registered) continue;
      const binding = worstBinding(c.binding.filter((d) => d.effectiveFrom >= `${year}-01-01`));
      if (!c.assessment) {
        // (十一): an agency E by a verified fact, a refusal to take part (1) above all, is E
        // with no score; one merely not yet assessed is listed to the regulator (`unassessed`).
        if (binding) proposals.set(c.uscc, downgradeDecision(binding, null));
        continue;
      }
      proposals.set(
        c.uscc,
        binding
          ? downgradeDecision(binding, c.assessment.score)
          : scored(c.assessment.score, c.assessment.riskScore, [c.assessment.eventId]),
      );
    }
    return proposals;
  },

  revise: (uscc, score, riskScore) => new Map([[uscc, scored(score, riskScore, [])]]),

  directDowngrade(fact) {
    const d = fact.data;
    const e = (rule: string, article: string) =>
      ({
        grade: 'E',
        riskLevel: 'high',
        effectiveFrom: String(d.decidedAt),
        rule,
        article,
        eventId: fact.eventId,
        barsUpgrade: false,
      }) as const;
    if (fact.type === 'PenaltyImposed' && FALSIFICATION.has(String(d.violationType)))
      return e('falsification-penalty', 'jiaxing-11-4');
    if (fact.type === 'CreditFindingRecorded') {
      if (d.kind === 'refused-evaluation') return e('refused-evaluation', 'jiaxing-11-1');
      if (d.kind === 'serious-dishonesty-listed')
        return e('serious-dishonesty-list', 'jiaxing-11-5');
      if (d.kind !== 'serious-dishonesty-removed' && String(d.article).startsWith('jiaxing-11')) {
        return e('direct-e-finding', String(d.article));
      }
    }
    return null;
  },

  // The Jiaxing rules set no bar on asking to be graded again.
  upgradeBar: () => null,
};
