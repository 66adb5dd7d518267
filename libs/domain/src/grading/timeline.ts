import type { Jurisdiction, ReevaluationPublished } from '../agency/agency.events';
import { toShanghaiDate } from '../calendar';
import type { CycleEvent, Proposal } from './cycle';
import type {
  DirectDowngrade,
  Explanation,
  GradeValue,
  PolicyRef,
  RiskLevel,
} from './grading.types';
import { policyInForce } from './policies';

/** An event as the timeline reads it: what it says, and its place in the ledger. */
export interface TimelineFact {
  eventId: string;
  streamId: string;
  position: number;
  type: string;
  data: unknown;
  occurredAt: string;
  recordedAt: string;
}

export type GradeCause =
  | 'cycle-published'
  | 'objection-upheld'
  | 'direct-downgrade'
  /** A re-evaluation between cycles published (Beijing Art. 22, 23). */
  | 'reevaluated';

/** A grade in force over a valid-time range [from, to) of bare dates; `to` null while in force. */
export interface GradePeriod {
  grade: GradeValue;
  score: number | null;
  riskLevel?: RiskLevel;
  from: string;
  to: string | null;
  cause: GradeCause;
  decidedBy: { eventId: string; position: number };
  policy: PolicyRef;
  explanation: Explanation[];
}

interface Decision extends Omit<GradePeriod, 'to'> {
  position: number;
  /** Where the rule bounds it (Chongqing Art. 16(2)): the first day it no longer binds. */
  endsOn?: string;
}

const ref = (p: { id: string; jurisdiction: Jurisdiction; version: string }): PolicyRef => ({
  id: p.id,
  jurisdiction: p.jurisdiction,
  version: p.version,
});

/** The facts a policy may downgrade on (Beijing Art. 9, 15; Chongqing Art. 16; Jiaxing (十一)). */
const DOWNGRADING_FACTS = new Set([
  'PenaltyImposed',
  'CreditFindingRecorded',
  'InspectionRecorded',
]);

/** The day a fact was decided (a penalty, a finding) or found (an inspection). */
const decisionDateOf = (type: string, data: Record<string, unknown>): string =>
  String(type === 'InspectionRecorded' ? data.inspectedAt : data.decidedAt);

/**
 * Every direct downgrade in an agency's facts, each under the policy in force on its date. A
 * penalty is read with the day it was fulfilled (`fulfilledOn`, from a PenaltyFulfilled among
 * the facts given), so a policy can judge one left unfulfilled past its deadline.
 */
export function directDowngrades(
  jurisdiction: Jurisdiction,
  facts: readonly TimelineFact[],
): (DirectDowngrade & { position: number; policy: PolicyRef })[] {
  const fulfilled = new Map<string, string>();
  for (const fact of facts)
    if (fact.type === 'PenaltyFulfilled') {
      const { penaltyEventId, fulfilledOn } = fact.data as {
        penaltyEventId: string;
        fulfilledOn: string;
      };
      fulfilled.set(penaltyEventId, fulfilledOn);
    }
  // The filing's valid date (Beijing Art. 8 counts credit management from the registration).
  const registered = facts.find((f) => f.type === 'AgencyRegistered');
  const agency = registered && {
    registeredOn:
      (registered.data as { filedOn?: string }).filedOn ?? toShanghaiDate(registered.occurredAt),
  };
  const found: (DirectDowngrade & { position: number; policy: PolicyRef })[] = [];
  for (const fact of facts) {
    if (!DOWNGRADING_FACTS.has(fact.type)) continue;
    const stated = fact.data as Record<string, unknown>;
    // A fact a host jurisdiction recorded (报备, ADR 016) belongs to the host's credit record
    // and grading, not to the home policy's: the home grades on what its own regulator found.
    const recordedIn = stated.recordingJurisdiction as Jurisdiction | undefined;
    if (recordedIn !== undefined && recordedIn !== jurisdiction) continue;
    const data =
      fact.type === 'PenaltyImposed' && fulfilled.has(fact.eventId)
        ? { ...stated, fulfilledOn: fulfilled.get(fact.eventId) }
        : stated;
    const decidedOn = decisionDateOf(fact.type, data);
    // A fact decided before any policy of the jurisdiction took effect triggers none.
    const policy = policyInForce(jurisdiction, decidedOn);
    if (policy === undefined) continue;
    const downgrade = policy.directDowngrade(
      { eventId: fact.eventId, type: fact.type, data },
      decidedOn,
      agency,
    );
    if (downgrade) found.push({ ...downgrade, position: fact.position, policy: ref(policy) });
  }
  return found;
}

/**
 * An agency's grade history in valid time, from its own facts and the events of the grading
 * cycles, as far as they are given (filter them by recordedAt for a `knownAt` view). Pure:
 * the same facts give the same periods, byte for byte.
 *
 * - a published cycle's grade is in force from the publication date;
 * - a direct downgrade from the decision date of the fact that triggered it;
 * - an objection upheld after publication from the date it was decided;
 * each until the next decision (on the same day, the one recorded later wins), and none past
 * the agency's deregistration: the grade in force ends that day (seed 000 Art. 24, seed 002
 * §七.9), while facts decided before it still count in the time they belong to.
 */
export function gradeTimeline(
  uscc: string,
  agencyFacts: readonly TimelineFact[],
  cycleFacts: readonly TimelineFact[],
): GradePeriod[] {
  const registered = agencyFacts.find((f) => f.type === 'AgencyRegistered');
  if (!registered) return [];
  const jurisdiction = (registered.data as { jurisdiction: Jurisdiction }).jurisdiction;
  const decisions: Decision[] = [];

  for (const d of directDowngrades(jurisdiction, agencyFacts)) {
    decisions.push({
      grade: d.grade,
      score: null,
      ...(d.riskLevel && { riskLevel: d.riskLevel }),
      from: d.effectiveFrom,
      cause: 'direct-downgrade',
      decidedBy: { eventId: d.eventId, position: d.position },
      policy: d.policy,
      explanation: [{ rule: d.rule, article: d.article, facts: [d.eventId] }],
      position: d.position,
      ...(d.effectiveTo !== undefined && { endsOn: d.effectiveTo }),
    });
  }

  const policies = new Map<string, PolicyRef>();
  const publishedOn = new Map<string, string>();
  const downgradeDates = decisions.map((d) => d.from);
  for (const fact of cycleFacts) {
    const event = { type: fact.type, data: fact.data } as CycleEvent;
    if (event.type === 'GradingCycleStarted') {
      policies.set(streamKey(fact), event.data.policy);
      continue;
    }
    const policy = policies.get(streamKey(fact));
    if (!policy) continue;
    let proposal: Proposal | undefined;
    let from: string;
    let cause: GradeCause;
    if (event.type === 'GradingCyclePublished') {
      proposal = event.data.grades.find((g) => g.uscc === uscc);
      from = event.data.publishedOn;
      cause = 'cycle-published';
      publishedOn.set(streamKey(fact), from);
    } else if (
      event.type === 'ObjectionDecided' &&
      event.data.afterPublication &&
      event.data.uscc === uscc
    ) {
      proposal = event.data.revised;
      from = event.data.decidedOn;
      cause = 'objection-upheld';
      // It corrects the published grade; a direct downgrade decided since publication stands.
      const published = publishedOn.get(streamKey(fact));
      if (published !== undefined && downgradeDates.some((d) => d >= published && d <= from))
        continue;
    } else {
      continue;
    }
    if (!proposal) continue;
    decisions.push({
      grade: proposal.grade,
      score: proposal.score,
      ...(proposal.riskLevel && { riskLevel: proposal.riskLevel }),
      from,
      cause,
      decidedBy: { eventId: fact.eventId, position: fact.position },
      policy,
      explanation: proposal.explanation,
      position: fact.position,
    });
  }

  // A re-evaluation published between cycles (Beijing Art. 22, 23): in force from publication.
  for (const fact of agencyFacts) {
    if (fact.type !== 'ReevaluationPublished') continue;
    const { publishedOn: from, policy, grade } = fact.data as ReevaluationPublished['data'];
    decisions.push({
      ...grade,
      from,
      cause: 'reevaluated',
      decidedBy: { eventId: fact.eventId, position: fact.position },
      policy,
      position: fact.position,
    });
  }

  decisions.sort(byValidTime);
  decisions.push(...resumedAfterBoundedDowngrades(decisions));
  decisions.sort(byValidTime);
  const deregisteredOn = (
    agencyFacts.find((f) => f.type === 'AgencyDeregistered')?.data as
      { deregisteredOn: string } | undefined
  )?.deregisteredOn;
  const periods: GradePeriod[] = [];
  decisions.forEach(({ position: _p, endsOn, ...decision }, i) => {
    const next = decisions.slice(i + 1).find((d) => d.from > decision.from);
    const supersededSameDay = decisions.slice(i + 1).some((d) => d.from === decision.from);
    if (supersededSameDay) return;
    let to = next?.from ?? null;
    // A bounded downgrade ends by itself (Chongqing Art. 16(2): the ban's end).
    if (endsOn !== undefined && (to === null || endsOn < to)) to = endsOn;
    if (deregisteredOn !== undefined) {
      if (decision.from >= deregisteredOn) return;
      if (to === null || to > deregisteredOn) to = deregisteredOn;
    }
    periods.push({ ...decision, to });
  });
  return periods;
}

const byValidTime = (a: Decision, b: Decision) =>
  a.from.localeCompare(b.from) || a.position - b.position;

/**
 * What is in force when a bounded downgrade ends by itself, where nothing was decided while it
 * ran: the grade it revoked does not come back (Chongqing Art. 16: 已获评的信用风险等级直接撤销),
 * so the agency is `ungraded` until the next decision, unless another direct downgrade decided
 * since the last cycle decision still binds; then the worst of those is in force again from
 * that day (one level: a resumed bounded downgrade that ends in turn leaves the agency ungraded).
 * `decisions` are sorted by valid time; the resumed decisions keep the ended one's position.
 */
function resumedAfterBoundedDowngrades(decisions: readonly Decision[]): Decision[] {
  const resumed: Decision[] = [];
  decisions.forEach((bounded, i) => {
    const endsOn = bounded.endsOn;
    if (endsOn === undefined) return;
    const later = decisions.slice(i + 1);
    if (later.some((d) => d.from <= endsOn)) return; // superseded while it ran
    const earlier = decisions.slice(0, i);
    const lastCycleDecision = earlier.filter((d) => d.cause !== 'direct-downgrade').at(-1);
    const standing = earlier.filter(
      (d) =>
        d.cause === 'direct-downgrade' &&
        (lastCycleDecision === undefined || byValidTime(d, lastCycleDecision) > 0) &&
        (d.endsOn === undefined || d.endsOn > endsOn),
    );
    const worst = [...standing].sort(
      (a, b) => String(b.grade).localeCompare(String(a.grade)) || byValidTime(b, a),
    )[0];
    if (worst) resumed.push({ ...worst, from: endsOn, position: bounded.position });
  });
  return resumed;
}

/** Events of one cycle share its stream; its started event names the policy for the rest. */
const streamKey = (fact: TimelineFact) => fact.streamId;

/**
 * The dates of the distinct E grades an agency received (Chongqing Art. 20). A direct E and the
 * published cycle grade that carries it forward are one E: they share the fact behind them.
 */
export function distinctEGrades(
  periods: readonly Pick<GradePeriod, 'grade' | 'from' | 'explanation' | 'decidedBy'>[],
): string[] {
  const first = new Map<string, string>();
  for (const p of periods) {
    if (p.grade !== 'E') continue;
    const cause = p.explanation[0]?.facts[0] ?? p.decidedBy.eventId;
    if (!first.has(cause) || p.from < first.get(cause)!) first.set(cause, p.from);
  }
  return [...first.values()].sort();
}

/** The period in force on a date, if any. */
export function periodAt(periods: readonly GradePeriod[], asOf: string): GradePeriod | undefined {
  return periods.find((p) => p.from <= asOf && (p.to === null || asOf < p.to));
}

/** The Shanghai date of an instant: what valid time a fact's occurredAt gives. */
export const validDateOf = (fact: { occurredAt: string }) => toShanghaiDate(fact.occurredAt);
