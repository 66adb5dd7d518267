import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool } from 'pg';
import canonicalize from 'canonicalize';
import {
  agencyStreamId,
  cycleIdOf,
  cycleStreamId,
  decodeAgencyEvent,
  directDowngrades,
  directoryRulesFor,
  distinctEGrades,
  endOfShanghaiDay,
  foldAgency,
  gradeTimeline,
  gradesNoOne,
  periodAt,
  policyById,
  RuleViolation,
  firstPolicyOf,
  policyFor,
  policyInForce,
  toShanghaiDate,
  type AssessmentRecorded,
  type GradePeriod,
  type GradingCandidate,
  type Jurisdiction,
  type TimelineFact,
  type UpgradeBarInput,
} from '@ledger/domain';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@ledger/event-store';
import { gradeHistoryAt, gradePeriodAt, timelineFact } from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';
import type { Actor } from '../auth';
import { maySee } from '../agencies/visibility';

/** What a grade query answers (API.md). */
export interface GradeAnswer {
  uscc: string;
  asOf: string;
  knownAt: string;
  grade: string;
  score: number | null;
  riskLevel?: string;
  policy: { jurisdiction: string; version: string };
  effectiveFrom: string | null;
  decidedBy: { eventId: string; position: number } | null;
  cause: string | null;
  explanation: { rule: string; article: string; facts: string[] }[];
  /** Why there is no grade, where the jurisdiction grades no one (`not-graded`). */
  reason?: string;
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Earliest year the official calendar (and so any cycle) covers. */
const FIRST_CYCLE_YEAR = 2004;

/** `asOf` as a bare date (valid time is kept in days). */
export const asOfDate = (asOf: string | undefined, now: Date): string =>
  asOf === undefined ? toShanghaiDate(now) : BARE_DATE.test(asOf) ? asOf : toShanghaiDate(asOf);

/** `knownAt` as an instant: a bare date means the end of that day in Asia/Shanghai. */
export const knownAtInstant = (knownAt: string | undefined, now: Date): string =>
  knownAt === undefined
    ? now.toISOString()
    : BARE_DATE.test(knownAt)
      ? endOfShanghaiDay(knownAt).toISOString()
      : new Date(knownAt).toISOString();

/**
 * An agency's direct downgrades decided by `on` and still binding then: one the rule bounds
 * (Chongqing Art. 16(2), a procurement ban) no longer binds a cycle from the day after it ends.
 */
const downgradesBy = (jurisdiction: Jurisdiction, facts: StoredEvent[], on: string) =>
  directDowngrades(
    jurisdiction,
    facts.map((e) => timelineFact(e)),
  ).filter((d) => d.effectiveFrom <= on && (d.effectiveTo === undefined || on < d.effectiveTo));

/**
 * The grade answer for `asOf` from the period in force then (pure): what the API serves, the
 * replay compares and an evidence bundle records and verify-bundle recomputes offline.
 */
export function gradeAnswer(
  uscc: string,
  jurisdiction: Jurisdiction,
  asOf: string,
  knownAt: string,
  period: GradePeriod | undefined,
): GradeAnswer {
  // Urumqi (seed 004) supervises and grades no one: not "ungraded" under a borrowed policy.
  const notGraded = gradesNoOne(jurisdiction);
  if (notGraded) {
    return {
      uscc,
      asOf,
      knownAt,
      grade: 'not-graded',
      score: null,
      policy: { jurisdiction, version: notGraded.rules.version },
      effectiveFrom: null,
      decidedBy: null,
      cause: null,
      explanation: [{ rule: 'jurisdiction-grades-no-one', article: notGraded.article, facts: [] }],
      reason: notGraded.reason,
    };
  }
  if (!period) {
    const policy = policyInForce(jurisdiction, asOf) ?? firstPolicyOf(jurisdiction);
    return {
      uscc,
      asOf,
      knownAt,
      grade: 'ungraded',
      score: null,
      policy: { jurisdiction: policy.jurisdiction, version: policy.version },
      effectiveFrom: null,
      decidedBy: null,
      cause: null,
      explanation: [
        { rule: 'no-grade-decided-yet', article: policy.articles.publicity, facts: [] },
      ],
    };
  }
  return {
    uscc,
    asOf,
    knownAt,
    grade: period.grade,
    score: period.score,
    ...(period.riskLevel && { riskLevel: period.riskLevel }),
    policy: { jurisdiction: period.policy.jurisdiction, version: period.policy.version },
    effectiveFrom: period.from,
    decidedBy: period.decidedBy,
    cause: period.cause,
    explanation: period.explanation,
  };
}

/** What a read needs of an agency's registry entry: where it is, and whether it is public. */
export interface RegistryStanding {
  jurisdiction: Jurisdiction;
  status: string;
}

/** The entry of `uscc`; 404 when there is none. */
function found(uscc: string, entry: RegistryStanding | undefined): RegistryStanding {
  if (entry === undefined) {
    throw new NotFoundException({
      statusCode: 404,
      error: 'Not Found',
      message: [`uscc: no agency ${uscc}`],
    });
  }
  return entry;
}

@Injectable()
export class GradingService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
  ) {}

  /** The agency's jurisdiction, from the registry (an indexed lookup); 404 when unknown. */
  async jurisdictionOf(uscc: string): Promise<Jurisdiction> {
    return (await this.entryOf(uscc)).jurisdiction;
  }

  private async entryOf(uscc: string): Promise<RegistryStanding> {
    const { rows } = await this.pool.query<RegistryStanding>(
      'SELECT jurisdiction, status FROM registry_entries WHERE key = $1',
      [uscc],
    );
    return found(uscc, rows[0]);
  }

  /**
   * The agency's jurisdiction, for a caller who may see the agency at all: a grade, a grade
   * history or a credit record follows its registry entry's visibility (404 for an agency
   * pending review, as its entry is), so none tells of an agency that is not public.
   */
  async visibleJurisdictionOf(uscc: string, actor: Actor | undefined): Promise<Jurisdiction> {
    return this.visibleJurisdictionIn(uscc, await this.entryOf(uscc), actor);
  }

  /**
   * `visibleJurisdictionOf`, from the registry entry of `uscc` as the caller has already read
   * it (undefined: there is none), so a read that located the agency asks no second time.
   */
  visibleJurisdictionIn(
    uscc: string,
    read: RegistryStanding | undefined,
    actor: Actor | undefined,
  ): Jurisdiction {
    const entry = found(uscc, read);
    if (!maySee(entry.status, uscc, actor)) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`uscc: no published agency ${uscc}`],
      });
    }
    return entry.jurisdiction;
  }

  /**
   * Every cycle event of a jurisdiction up to the cycle of `lastYear`, as known at `knownAt`
   * (every one recorded, when undefined), read from the raw streams.
   */
  async cycleFacts(
    jurisdiction: Jurisdiction,
    knownAt: string | undefined,
    lastYear = Number(knownAt!.slice(0, 4)) + 1,
  ): Promise<TimelineFact[]> {
    const streams = await Promise.all(
      Array.from({ length: lastYear - FIRST_CYCLE_YEAR + 1 }, (_, i) =>
        this.store.readStream(
          cycleStreamId(cycleIdOf(jurisdiction, FIRST_CYCLE_YEAR + i)),
          knownAt === undefined ? {} : { recordedUpTo: knownAt },
        ),
      ),
    );
    return streams
      .flat()
      .map((e) => timelineFact(e))
      .sort((a, b) => a.position - b.position);
  }

  /** The agency's grade history recomputed from raw facts alone: no projection (replay). */
  async replayTimeline(
    uscc: string,
    knownAt: string | undefined,
    lastCycleYear?: number,
  ): Promise<{ jurisdiction: Jurisdiction; periods: GradePeriod[]; facts: StoredEvent[] }> {
    const facts = await this.store.readStream(
      agencyStreamId(uscc),
      knownAt === undefined ? {} : { recordedUpTo: knownAt },
    );
    const registered = facts.find((e) => e.type === 'AgencyRegistered');
    // Known before its registration was recorded, the agency has no facts: the registry names
    // its jurisdiction for the answer's policy label (the grade is "ungraded" either way).
    const jurisdiction = registered
      ? (registered.data as { jurisdiction: Jurisdiction }).jurisdiction
      : await this.jurisdictionOf(uscc);
    const periods = gradeTimeline(
      uscc,
      facts.map((e) => timelineFact(e)),
      await this.cycleFacts(jurisdiction, knownAt, lastCycleYear),
    );
    return { jurisdiction, periods, facts };
  }

  answer(
    uscc: string,
    jurisdiction: Jurisdiction,
    asOf: string,
    knownAt: string,
    period: GradePeriod | undefined,
  ): GradeAnswer {
    return gradeAnswer(uscc, jurisdiction, asOf, knownAt, period);
  }

  /** From the grade-history projection: one indexed query. */
  async recordedGrade(
    uscc: string,
    asOf: string,
    knownAt: string,
    actor?: Actor,
    /** Reviewers and auditors replay any agency; the public only what it may see. */
    everyAgency = false,
  ): Promise<GradeAnswer> {
    const jurisdiction = everyAgency
      ? await this.jurisdictionOf(uscc)
      : await this.visibleJurisdictionOf(uscc, actor);
    return this.answer(
      uscc,
      jurisdiction,
      asOf,
      knownAt,
      await gradePeriodAt(this.pool, uscc, asOf, knownAt),
    );
  }

  async recordedHistory(uscc: string, knownAt: string, actor?: Actor): Promise<GradePeriod[]> {
    await this.visibleJurisdictionOf(uscc, actor);
    return gradeHistoryAt(this.pool, uscc, knownAt);
  }

  async replay(uscc: string, asOf: string, knownAt: string) {
    const { jurisdiction, periods } = await this.replayTimeline(uscc, knownAt);
    const recomputed = this.answer(uscc, jurisdiction, asOf, knownAt, periodAt(periods, asOf));
    const recorded = await this.recordedGrade(uscc, asOf, knownAt, undefined, true);
    // Canonical JSON: jsonb does not keep key order, and the comparison is of content.
    return { recomputed, recorded, match: canonicalize(recomputed) === canonicalize(recorded) };
  }

  /**
   * Each agency of a jurisdiction as the cycle's policy weighs it, from its facts as known now;
   * whether it is in the directory on `on` (Chongqing Art. 20) from its grade history so far.
   */
  async candidates(
    jurisdiction: Jurisdiction,
    year: number,
    on: string,
  ): Promise<GradingCandidate[]> {
    const directory = directoryRulesFor(jurisdiction, on);
    const cycles = directory ? await this.cycleFacts(jurisdiction, undefined, year + 1) : [];
    return Promise.all(
      (await this.agenciesIn(jurisdiction)).map(async (key) => {
        const facts = await this.store.readStream(agencyStreamId(key));
        const events = facts.map(decodeAgencyEvent);
        const state = foldAgency(events);
        const listed =
          !directory ||
          directory.standing({
            on,
            eGrades: distinctEGrades(
              gradeTimeline(
                key,
                facts.map((e) => timelineFact(e)),
                cycles,
              ),
            ),
            reentries: state.reentries,
          }).listed;
        const at = events.findLastIndex(
          (e) => e.type === 'AssessmentRecorded' && e.data.year === year,
        );
        const assessment = at < 0 ? undefined : facts[at];
        const a = at < 0 ? undefined : (events[at] as AssessmentRecorded).data;
        return {
          uscc: key,
          registered: state.status === 'registered',
          listed,
          serviceTypes: state.registration?.serviceTypes ?? [],
          ...(a &&
            assessment && {
              assessment: {
                eventId: assessment.eventId,
                score: a.score,
                riskScore: a.riskScore,
                noBusiness: a.noBusiness,
              },
            }),
          binding: downgradesBy(jurisdiction, facts, on),
        };
      }),
    );
  }

  /**
   * The registered agencies a cycle grades (by its policy's own rule of who is graded) that have
   * no assessment for its year, no proposal in it and no direct downgrade decided since the
   * year began: what the regulator still has to record, an assessment or a refusal to take part
   * (Jiaxing (十一)1), before publication. As known now, with facts decided by `on`.
   */
  async unassessed(
    cycle: { jurisdiction: Jurisdiction; year: number; policy: { id: string } },
    proposed: ReadonlySet<string>,
    on: string,
  ): Promise<string[]> {
    const policy = policyById(cycle.policy.id);
    const since = `${cycle.year}-01-01`;
    return (await this.candidates(cycle.jurisdiction, cycle.year, on))
      .filter(
        (c) =>
          c.registered &&
          c.assessment === undefined &&
          !proposed.has(c.uscc) &&
          !c.binding.some((d) => d.effectiveFrom >= since) &&
          // Graded by this policy were it assessed (Beijing Art. 12: self-monitoring agencies).
          policy
            .propose(
              [{ ...c, binding: [], assessment: { eventId: '', score: 100, noBusiness: false } }],
              cycle.year,
            )
            .has(c.uscc),
      )
      .map((c) => c.uscc);
  }

  /** Every direct downgrade of a jurisdiction's agencies as known now, decided by `on`. */
  async downgradesIn(jurisdiction: Jurisdiction, on: string) {
    const perAgency = await Promise.all(
      (await this.agenciesIn(jurisdiction)).map(async (uscc) =>
        downgradesBy(jurisdiction, await this.store.readStream(agencyStreamId(uscc)), on).map(
          (downgrade) => ({ uscc, downgrade }),
        ),
      ),
    );
    return perAgency.flat();
  }

  private async agenciesIn(jurisdiction: Jurisdiction): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>(
      'SELECT key FROM registry_entries WHERE jurisdiction = $1 ORDER BY key',
      [jurisdiction],
    );
    return rows.map((row) => row.key);
  }

  /**
   * The days the agency's distinct E grades took effect (Chongqing Art. 20), from every fact the
   * ledger holds, as a command on the valid date `on` weighs them.
   */
  async eGrades(uscc: string, on: string): Promise<string[]> {
    const { periods } = await this.replayTimeline(uscc, undefined, Number(on.slice(0, 4)) + 1);
    return distinctEGrades(periods);
  }

  /**
   * The agency as the policy in force on `on` weighs it for a re-evaluation between cycles
   * (Beijing Art. 22, 23): from every fact the ledger holds, with the direct downgrades that
   * bind on `on`. The score is the regulator's, given with the command.
   */
  async reevaluationCandidate(
    uscc: string,
    on: string,
  ): Promise<{ policyId: string; candidate: Omit<GradingCandidate, 'assessment'> }> {
    const jurisdiction = await this.jurisdictionOf(uscc);
    const notGraded = gradesNoOne(jurisdiction);
    if (notGraded) throw new RuleViolation(notGraded.reason, notGraded.article, 'uscc');
    const facts = await this.store.readStream(agencyStreamId(uscc));
    const state = foldAgency(facts.map(decodeAgencyEvent));
    return {
      policyId: policyFor(jurisdiction, on).id,
      candidate: {
        uscc,
        registered: state.status === 'registered',
        listed: true,
        serviceTypes: state.registration?.serviceTypes ?? [],
        binding: downgradesBy(jurisdiction, facts, on),
      },
    };
  }

  /** The agency's direct downgrades decided by `on` and binding then, from its raw stream. */
  async downgradesOf(uscc: string, on: string) {
    const jurisdiction = await this.jurisdictionOf(uscc);
    return downgradesBy(jurisdiction, await this.store.readStream(agencyStreamId(uscc)), on);
  }

  /** The agency's standing for an upgrade request on its valid date `on`. */
  async standing(
    uscc: string,
    on: string,
  ): Promise<{ standing: UpgradeBarInput; currentGrade: string; policyId: string }> {
    const notGraded = gradesNoOne(await this.jurisdictionOf(uscc));
    if (notGraded) throw new RuleViolation(notGraded.reason, notGraded.article, 'uscc');
    // Every fact recorded so far, whatever the clocks say: the request is decided on what the
    // ledger holds; its grade history is read on the request's valid date.
    const { jurisdiction, periods, facts } = await this.replayTimeline(
      uscc,
      undefined,
      Number(on.slice(0, 4)) + 1,
    );
    const current = periodAt(periods, on);
    return {
      standing: {
        on,
        current: current ? { grade: current.grade, from: current.from } : null,
        downgrades: directDowngrades(
          jurisdiction,
          facts.map((e) => timelineFact(e)),
        ),
        eGrades: distinctEGrades(periods),
        reentries: foldAgency(facts.map(decodeAgencyEvent)).reentries,
      },
      currentGrade: current?.grade ?? 'ungraded',
      policyId: policyFor(jurisdiction, on).id,
    };
  }
}
