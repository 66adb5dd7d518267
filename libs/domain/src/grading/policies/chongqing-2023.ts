import type { Grade, GradeDecision } from '../grading.types';
import { addCalendarDays } from '../../calendar/iso-date';
import {
  addMonths,
  downgradeDecision,
  worstBinding,
  type DirectoryInput,
  type DirectoryStanding,
  type GradingPolicy,
} from './policy';

/**
 * Seed 001 Art. 15: A–D by rank of score. The cut-offs are not in the seed (assumption, a
 * policy parameter): A the top 20 %, B the next 30 %, C the next 30 %, D the rest; equal
 * scores share the better grade; a band holds the first ceil(share × n) places.
 */
export const CHONGQING_RANK_CUTOFFS: readonly (readonly [Grade, number])[] = [
  ['A', 0.2],
  ['B', 0.5],
  ['C', 0.8],
  ['D', 1],
];

/** Art. 16 (4): a penalty for false monitoring data. */
const FALSE_DATA = new Set(['data-fraud', 'false-report']);

export function rankGrades(scores: Map<string, number>): Map<string, Grade> {
  const sorted = [...scores.values()].sort((a, b) => b - a);
  const n = sorted.length;
  const grades = new Map<string, Grade>();
  for (const [uscc, score] of scores) {
    const place = sorted.findIndex((s) => s === score) + 1; // ties share the better place
    const band = CHONGQING_RANK_CUTOFFS.find(([, share]) => place <= Math.ceil(share * n))!;
    grades.set(uscc, band[0]);
  }
  return grades;
}

/**
 * Art. 20: an agency graded E may apply to re-enter the directory 2 years after its E (一), 5
 * years after the last when it was graded E twice (三). `until` is the first day it may apply.
 */
export function reentryBar(eGrades: readonly string[]): { until: string; article: string } | null {
  const es = [...eGrades].sort();
  const last = es.at(-1);
  if (last === undefined) return null;
  return es.length >= 2
    ? { until: addMonths(last, 60), article: 'chongqing-20-3' }
    : { until: addMonths(last, 24), article: 'chongqing-20-1' };
}

/**
 * Art. 20 (一): an E (Art. 16, from a direct downgrade or a cycle) takes the agency out of the
 * directory (退出名录管理) from the day it takes effect, and it is back only from the day a
 * regulator approves its re-entry. Read in date order: on one day a re-entry comes first, so an
 * E of that day takes the agency out again; a re-entry dated inside the bar that the E grades
 * known now set (an E recorded after the approval, dated before it) does not count. Facts dated
 * after `on` do not count yet.
 */
export function directoryStanding({ on, eGrades, reentries }: DirectoryInput): DirectoryStanding {
  const es = eGrades.filter((d) => d <= on).sort();
  const changes = [
    ...reentries.filter((d) => d <= on).map((day) => ({ day, reentry: true })),
    ...es.map((day) => ({ day, reentry: false })),
  ].sort((a, b) => a.day.localeCompare(b.day) || Number(b.reentry) - Number(a.reentry));
  let delistedOn: string | null = null;
  for (const { day, reentry } of changes) {
    if (!reentry) delistedOn ??= day;
    else if (delistedOn !== null && day >= reentryBar(es.filter((d) => d < day))!.until)
      delistedOn = null;
  }
  const bar = reentryBar(es);
  if (delistedOn === null || bar === null)
    return { listed: true, delistedOn: null, barredUntil: null, article: null };
  return { listed: false, delistedOn, barredUntil: bar.until, article: bar.article };
}

/** Why an agency out of the directory may not apply to re-enter yet, or null once it may. */
export function reentryRefusal(standing: DirectoryStanding, on: string): string | null {
  if (standing.listed || on >= standing.barredUntil!) return null;
  return standing.article === 'chongqing-20-3'
    ? `graded E twice: out of the directory since ${standing.delistedOn}; it may apply to re-enter from ${standing.barredUntil}`
    : `graded E: out of the directory since ${standing.delistedOn}; it may apply to re-enter from ${standing.barredUntil}`;
}

const ranked = (uscc: string, score: number, grade: Grade, eventId?: string): GradeDecision => ({
  grade,
  score,
  explanation: [
    { rule: `rank-band-${grade}`, article: 'chongqing-15', facts: eventId ? [eventId] : [] },
  ],
});

export const chongqing2023: GradingPolicy = {
  id: 'chongqing/2023',
  jurisdiction: 'chongqing',
  version: '2023',
  effectiveFrom: '2023-01-01',
  effectiveAssumption:
    'seed 001 is a consultation draft (征求意见稿, comments until 2023-11-14) whose Art. 24 leaves the date of effect blank: assumed in force from 2023-01-01, so that it grades 2023 and later years, until a final text names its date',
  publicityWorkingDays: 15,
  objectionWindowWorkingDays: 15,
  // Art. 18: objections are reviewed before the results are published.
  objectionReviewDueOn: (_calendar, _filedOn, publicityEndsOn) => publicityEndsOn,
  articles: {
    cycle: 'chongqing-13',
    publicity: 'chongqing-17',
    objectionReview: 'chongqing-18',
    upgrade: 'chongqing-20',
  },
  objectionsDecidedBeforePublication: true,
  inspectionRatio: { A: 0.05, B: 0.1, C: 0.3, D: 1, E: 1 },

  propose(candidates, year) {
    const proposals = new Map<string, GradeDecision>();
    const scores = new Map<string, number>();
    const evidence = new Map<string, string>();
    for (const c of candidates) {
      // Art. 13: the listed agencies are evaluated. One out of the directory after an E (Art.
      // 20) is not: it is neither proposed nor ranked (so it pushes no one down), and its E
      // stays in force meanwhile. An E decided during publicity binds on publication.
      if (!c.registered || !c.listed || !c.assessment) continue;
      // An E decided in or after the graded year (up to the cycle) revokes any grade (Art. 16).
      const binding = worstBinding(c.binding.filter((d) => d.effectiveFrom >= `${year}-01-01`));
      if (binding) {
        proposals.set(c.uscc, downgradeDecision(binding, c.assessment.score));
      } else if (c.assessment.noBusiness) {
        // Art. 13: no business in the year: not graded.
        proposals.set(c.uscc, {
          grade: 'no-business',
          score: null,
          explanation: [
            { rule: 'no-business-in-year', article: 'chongqing-13', facts: [c.assessment.eventId] },
          ],
        });
      } else {
        scores.set(c.uscc, c.assessment.score);
        evidence.set(c.uscc, c.assessment.eventId);
      }
    }
    for (const [uscc, grade] of rankGrades(scores))
      proposals.set(uscc, ranked(uscc, scores.get(uscc)!, grade, evidence.get(uscc)));
    return proposals;
  },

  // Grades are ranks: one revised score can move others' grades too (Art. 15).
  revise(uscc, score, _risk, scores) {
    const all = new Map(scores).set(uscc, score);
    return new Map(
      [...rankGrades(all)].map(([key, grade]) => [key, ranked(key, all.get(key)!, grade)]),
    );
  },

  directDowngrade(fact) {
    const d = fact.data;
    if (fact.type === 'PenaltyImposed' && FALSE_DATA.has(String(d.violationType))) {
      return {
        grade: 'E',
        effectiveFrom: String(d.decidedAt),
        rule: 'false-data-penalty',
        article: 'chongqing-16-4',
        eventId: fact.eventId,
        barsUpgrade: true,
      };
    }
    if (fact.type === 'PenaltyImposed' && typeof d.dueBy === 'string') {
      // Art. 16(5)–(6): a penalty not fulfilled by its deadline (逾期不履行) makes the agency E
      // from the day after it, with no finding recorded; fulfilment recorded later, dated by
      // the deadline, takes it away from then on (knownAt).
      const fulfilledOn = typeof d.fulfilledOn === 'string' ? d.fulfilledOn : undefined;
      if (fulfilledOn === undefined || fulfilledOn > d.dueBy) {
        const refused = d.violationType === 'refused-inspection';
        return {
          grade: 'E',
          effectiveFrom: addCalendarDays(d.dueBy, 1),
          rule: refused ? 'refused-inspection-penalty-unfulfilled' : 'penalty-unfulfilled',
          article: refused ? 'chongqing-16-5' : 'chongqing-16-6',
          eventId: fact.eventId,
          barsUpgrade: true,
        };
      }
    }
    if (fact.type === 'CreditFindingRecorded') {
      if (d.kind === 'procurement-blacklisted' && typeof d.bannedUntil === 'string') {
        // Art. 16(2): E while on the procurement blacklist, 在禁入期限内: from the decision to
        // the ban's last day. The grade it revoked does not come back (已获评的…直接撤销).
        return {
          grade: 'E',
          effectiveFrom: String(d.decidedAt),
          effectiveTo: addCalendarDays(d.bannedUntil, 1),
          rule: 'procurement-blacklist-ban',
          article: 'chongqing-16-2',
          eventId: fact.eventId,
          barsUpgrade: true,
        };
      }
      if (d.kind === 'serious-dishonesty-listed') {
        return {
          grade: 'E',
          effectiveFrom: String(d.decidedAt),
          rule: 'serious-dishonesty-list',
          article: 'chongqing-16-8',
          eventId: fact.eventId,
          barsUpgrade: true,
        };
      }
      if (d.kind !== 'serious-dishonesty-removed' && String(d.article).startsWith('chongqing-16')) {
        return {
          grade: 'E',
          effectiveFrom: String(d.decidedAt),
          rule: 'major-risk-finding',
          article: String(d.article),
          eventId: fact.eventId,
          barsUpgrade: true,
        };
      }
    }
    return null;
  },

  // Art. 20: an agency out of the directory is not graded, so no upgrade is asked of it: it
  // applies to re-enter (POST …/directory-applications) once its bar has run.
  upgradeBar({ on, eGrades, reentries = [] }) {
    const standing = directoryStanding({ on, eGrades, reentries });
    if (standing.listed) return null;
    return {
      reason:
        reentryRefusal(standing, on) ??
        `graded E: out of the directory since ${standing.delistedOn} and not graded until a regulator approves its re-entry; it may apply to re-enter`,
      article: standing.article!,
      until: standing.barredUntil!,
    };
  },

  directory: { article: 'chongqing-20', standing: directoryStanding },
};
