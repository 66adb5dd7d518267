import {
  CalendarOutOfRangeError,
  type CalendarVersions,
  type Deadline,
  type OfficialCalendar,
} from '../calendar';
import type { Jurisdiction } from '../agency/agency.events';
import { ConflictError, NotFoundError, RuleViolation } from '../shared/errors';
import type { DirectDowngrade, GradeDecision, GradingCandidate, PolicyRef } from './grading.types';
import { downgradeDecision, policyById, policyFor, worstBinding } from './policies';
import { gradesNoOne } from '../supervision/supervision-rules';

export interface Proposal extends GradeDecision {
  uscc: string;
}

export interface GradingCycleStarted {
  type: 'GradingCycleStarted';
  data: {
    cycleId: string;
    jurisdiction: Jurisdiction;
    year: number;
    policy: PolicyRef;
    publicityStartsOn: string;
    publicityEndsOn: string;
    objectionWindowEndsOn: string;
    /** The version of each calendar year the dates were computed with (absent before v1.1). */
    calendar?: CalendarVersions;
    proposals: Proposal[];
  };
}
export interface ObjectionFiled {
  type: 'ObjectionFiled';
  data: {
    objectionId: string;
    uscc: string;
    reason: string;
    filedOn: string;
    /** Null while the official calendar of the year it falls in is not recorded. */
    reviewDueOn: string | null;
    calendar?: CalendarVersions;
    /** The year whose calendar was missing when reviewDueOn came out null. */
    calendarMissing?: number;
  };
}
export interface ObjectionDecided {
  type: 'ObjectionDecided';
  data: {
    objectionId: string;
    uscc: string;
    outcome: 'upheld' | 'rejected';
    reason?: string;
    revisedScore?: number;
    decidedOn: string;
    /** Decided after publication: a new grade decision in force from decidedOn. */
    afterPublication: boolean;
    /** The agency's grade after an upheld objection. */
    revised?: Proposal;
    /** Other agencies whose grade moved with the revised score (a rank-based policy). */
    reranked?: Proposal[];
  };
}
export interface GradingCyclePublished {
  type: 'GradingCyclePublished';
  data: { publishedOn: string; grades: Proposal[] };
}

export type CycleEvent =
  GradingCycleStarted | ObjectionFiled | ObjectionDecided | GradingCyclePublished;
export const CYCLE_EVENT_TYPES: readonly CycleEvent['type'][] = [
  'GradingCycleStarted',
  'ObjectionFiled',
  'ObjectionDecided',
  'GradingCyclePublished',
];

/** A grade from a score band or rank (not a direct downgrade, not "no business"). */
const isScored = (p: Proposal) => /^(score|rank)-band-/.test(p.explanation[0]?.rule ?? '');
const isDirectDowngrade = (p: Proposal) => !isScored(p) && p.grade !== 'no-business';

export const cycleIdOf = (jurisdiction: Jurisdiction, year: number) => `${jurisdiction}-${year}`;
export const cycleStreamId = (cycleId: string) => `grading-cycle-${cycleId}`;

export interface CycleState {
  status: 'none' | 'publicity' | 'published';
  started?: GradingCycleStarted['data'];
  proposals: ReadonlyMap<string, Proposal>;
  /** Assessment scores and risk scores as they stand, for re-ranking on objection. */
  objections: ReadonlyMap<
    string,
    {
      uscc: string;
      status: 'pending' | 'upheld' | 'rejected';
      filedOn: string;
      reviewDueOn: string | null;
      calendarMissing?: number;
    }
  >;
  publishedOn?: string;
}

export const initialCycleState: CycleState = {
  status: 'none',
  proposals: new Map(),
  objections: new Map(),
};

export function evolveCycle(state: CycleState, event: CycleEvent): CycleState {
  switch (event.type) {
    case 'GradingCycleStarted':
      return {
        ...state,
        status: 'publicity',
        started: event.data,
        proposals: new Map(event.data.proposals.map((p) => [p.uscc, p])),
      };
    case 'ObjectionFiled':
      return {
        ...state,
        objections: new Map(state.objections).set(event.data.objectionId, {
          uscc: event.data.uscc,
          status: 'pending',
          filedOn: event.data.filedOn,
          reviewDueOn: event.data.reviewDueOn,
          ...(event.data.calendarMissing !== undefined && {
            calendarMissing: event.data.calendarMissing,
          }),
        }),
      };
    case 'ObjectionDecided': {
      const objection = state.objections.get(event.data.objectionId)!;
      const objections = new Map(state.objections).set(event.data.objectionId, {
        ...objection,
        status: event.data.outcome,
      });
      const proposals = new Map(state.proposals);
      for (const proposal of [
        ...(event.data.reranked ?? []),
        ...(event.data.revised ? [event.data.revised] : []),
      ]) {
        proposals.set(proposal.uscc, proposal);
      }
      return { ...state, objections, proposals };
    }
    case 'GradingCyclePublished':
      return { ...state, status: 'published', publishedOn: event.data.publishedOn };
  }
}

export type CycleCommand =
  | {
      type: 'StartGradingCycle';
      cycleId: string;
      jurisdiction: Jurisdiction;
      year: number;
      on: string;
      calendar: OfficialCalendar;
      candidates: GradingCandidate[];
    }
  | {
      type: 'FileObjection';
      objectionId: string;
      uscc: string;
      reason: string;
      on: string;
      calendar: OfficialCalendar;
    }
  | {
      type: 'DecideObjection';
      objectionId: string;
      outcome: 'upheld' | 'rejected';
      revisedScore?: number;
      riskScore?: number;
      reason?: string;
      on: string;
    }
  | {
      type: 'PublishGradingCycle';
      on: string;
      /** Direct downgrades known at publication, per agency: one decided during publicity still binds. */
      downgrades: { uscc: string; downgrade: DirectDowngrade }[];
    };

function workingDaysAfter(
  calendar: OfficialCalendar,
  start: string,
  days: number,
  field: string,
): Deadline {
  try {
    return calendar.deadline(start, days);
  } catch (error) {
    if (error instanceof CalendarOutOfRangeError)
      throw new RuleViolation(error.message, 'prc-official-calendar', field);
    throw error;
  }
}

/** The cycle's decider: proposals and publicity, objections in time, publication after both. */
export function decideCycle(command: CycleCommand, state: CycleState): CycleEvent[] {
  if (command.type === 'StartGradingCycle') {
    if (state.status !== 'none') {
      throw new ConflictError(
        `the ${command.jurisdiction} cycle for ${command.year} already exists`,
        'one-cycle-per-year',
        'year',
      );
    }
    // A jurisdiction whose texts set supervision only (Urumqi, seed 004) grades no one.
    const notGraded = gradesNoOne(command.jurisdiction);
    if (notGraded) throw new RuleViolation(notGraded.reason, notGraded.article, 'jurisdiction');
    const policy = policyFor(command.jurisdiction, command.on);
    // A cycle grades a natural year that has ended, published early the next (Beijing Art. 13,
    // Chongqing Art. 13, Jiaxing (十八)).
    if (command.year >= Number(command.on.slice(0, 4))) {
      throw new RuleViolation(
        `a cycle grades a year that has ended; ${command.year} has not`,
        policy.articles.cycle,
        'year',
      );
    }
    const proposals = [...policy.propose(command.candidates, command.year)].map(
      ([uscc, decision]) => ({ uscc, ...decision }),
    );
    const publicityEnds = workingDaysAfter(
      command.calendar,
      command.on,
      policy.publicityWorkingDays,
      'occurredAt',
    );
    const windowEnds = workingDaysAfter(
      command.calendar,
      command.on,
      policy.objectionWindowWorkingDays,
      'occurredAt',
    );
    return [
      {
        type: 'GradingCycleStarted',
        data: {
          cycleId: command.cycleId,
          jurisdiction: command.jurisdiction,
          year: command.year,
          policy: { id: policy.id, jurisdiction: policy.jurisdiction, version: policy.version },
          publicityStartsOn: command.on,
          publicityEndsOn: publicityEnds.date,
          objectionWindowEndsOn: windowEnds.date,
          calendar: { ...publicityEnds.calendar, ...windowEnds.calendar },
          proposals: proposals.sort((a, b) => a.uscc.localeCompare(b.uscc)),
        },
      },
    ];
  }
  if (state.status === 'none' || !state.started)
    throw new NotFoundError('no such grading cycle', 'one-cycle-per-year', 'cycleId');
  const started = state.started;
  const policy = policyById(started.policy.id);

  switch (command.type) {
    case 'FileObjection': {
      if (!state.proposals.has(command.uscc)) {
        throw new RuleViolation(
          'the agency is not graded in this cycle',
          policy.articles.publicity,
          'uscc',
        );
      }
      if (
        state.status !== 'publicity' ||
        command.on < started.publicityStartsOn ||
        command.on > started.objectionWindowEndsOn
      ) {
        throw new RuleViolation(
          `objections are filed from ${started.publicityStartsOn} to ${started.objectionWindowEndsOn}, within the publicity period`,
          policy.articles.publicity,
          'occurredAt',
        );
      }
      // An objection filed in time is a right: it is never refused for want of next year's
      // calendar. Its due date is then null, naming the missing year, until it is recorded.
      const due = objectionReviewDue(started, command.on, command.calendar);
      return [
        {
          type: 'ObjectionFiled',
          data: {
            objectionId: command.objectionId,
            uscc: command.uscc,
            reason: command.reason,
            filedOn: command.on,
            ...due,
          },
        },
      ];
    }

    case 'DecideObjection': {
      const objection = state.objections.get(command.objectionId);
      if (!objection)
        throw new NotFoundError(
          'no such objection',
          policy.articles.objectionReview,
          'objectionId',
        );
      if (objection.status !== 'pending')
        throw new RuleViolation(
          'the objection is already decided',
          policy.articles.objectionReview,
          'objectionId',
        );
      if (command.on < objection.filedOn) {
        throw new RuleViolation(
          `the objection was filed on ${objection.filedOn}: it is decided after that`,
          policy.articles.objectionReview,
          'occurredAt',
        );
      }
      let revised: Proposal | undefined;
      let reranked: Proposal[] | undefined;
      if (command.outcome === 'upheld') {
        if (command.revisedScore === undefined) {
          throw new RuleViolation(
            'an upheld objection gives the revised score',
            policy.articles.objectionReview,
            'revisedScore',
          );
        }
        const current = state.proposals.get(objection.uscc)!;
        if (isDirectDowngrade(current)) {
          // A score revised on objection does not lift a direct downgrade (Beijing Art. 15,
          // Chongqing Art. 16, Jiaxing (十一)): the grade stands, the score is corrected.
          revised = {
            ...current,
            score: command.revisedScore,
            explanation: [
              ...current.explanation,
              {
                rule: 'objection-upheld-downgrade-stands',
                article: policy.articles.objectionReview,
                facts: [command.objectionId],
              },
            ],
          };
        } else {
          const scores = new Map(
            [...state.proposals.values()]
              .filter((p) => p.score !== null && p.uscc !== objection.uscc && isScored(p))
              .map((p) => [p.uscc, p.score!] as const),
          );
          const decisions = policy.revise(
            objection.uscc,
            command.revisedScore,
            command.riskScore,
            scores,
          );
          // The facts that fed the grade before (the assessment), and the objection.
          const withObjection = (uscc: string, decision: GradeDecision): Proposal => {
            const before = state.proposals.get(uscc)?.explanation.flatMap((e) => e.facts) ?? [];
            return {
              uscc,
              ...decision,
              explanation: decision.explanation.map((e) => ({
                ...e,
                facts: [...new Set([...before, ...e.facts, command.objectionId])],
              })),
            };
          };
          revised = withObjection(objection.uscc, decisions.get(objection.uscc)!);
          // Other agencies whose grade moves with the revised rank (before publication only:
          // a published grade changes only on the agency's own objection).
          if (state.status === 'publicity') {
            reranked = [...decisions]
              .filter(
                ([uscc, d]) =>
                  uscc !== objection.uscc && d.grade !== state.proposals.get(uscc)?.grade,
              )
              .map(([uscc, d]) => withObjection(uscc, d));
          }
        }
      }
      return [
        {
          type: 'ObjectionDecided',
          data: {
            objectionId: command.objectionId,
            uscc: objection.uscc,
            outcome: command.outcome,
            reason: command.reason,
            revisedScore: command.revisedScore,
            decidedOn: command.on,
            afterPublication: state.status === 'published',
            revised,
            ...(reranked && reranked.length > 0 && { reranked }),
          },
        },
      ];
    }

    case 'PublishGradingCycle': {
      if (state.status === 'published')
        throw new RuleViolation(
          'the cycle is already published',
          policy.articles.publicity,
          'cycleId',
        );
      if (command.on <= started.publicityEndsOn) {
        throw new RuleViolation(
          `publicity runs until ${started.publicityEndsOn}`,
          policy.articles.publicity,
          'occurredAt',
        );
      }
      const pending = [...state.objections]
        .filter(([, o]) => o.status === 'pending')
        .map(([id]) => id);
      if (pending.length > 0 && policy.objectionsDecidedBeforePublication) {
        throw new RuleViolation(
          `objections not yet decided: ${pending.join(', ')}`,
          policy.articles.objectionReview,
          'cycleId',
        );
      }
      // A direct downgrade decided after the proposals were made still binds on publication.
      const grades = [...state.proposals.values()].map((proposal) => {
        const since = command.downgrades
          .filter(
            (d) =>
              d.uscc === proposal.uscc &&
              d.downgrade.effectiveFrom >= started.publicityStartsOn &&
              d.downgrade.effectiveFrom <= command.on,
          )
          .map((d) => d.downgrade);
        const binding = worstBinding(since);
        return binding
          ? { uscc: proposal.uscc, ...downgradeDecision(binding, proposal.score) }
          : proposal;
      });
      return [{ type: 'GradingCyclePublished', data: { publishedOn: command.on, grades } }];
    }

    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

export const foldCycle = (events: readonly CycleEvent[]): CycleState =>
  events.reduce(evolveCycle, initialCycleState);

/** An objection's review due date from `calendar`; null while its year is not recorded. */
export function objectionReviewDue(
  started: GradingCycleStarted['data'],
  filedOn: string,
  calendar: OfficialCalendar,
): { reviewDueOn: string | null; calendar?: CalendarVersions; calendarMissing?: number } {
  try {
    const due = policyById(started.policy.id).objectionReviewDueOn(calendar, filedOn, {
      date: started.publicityEndsOn,
      calendar: started.calendar ?? {},
    });
    return { reviewDueOn: due.date, calendar: due.calendar };
  } catch (error) {
    if (error instanceof CalendarOutOfRangeError)
      return { reviewDueOn: null, calendarMissing: error.year };
    throw error;
  }
}

/**
 * The cycle's publicity dates recomputed from its recorded start, with `calendar`: given the
 * calendar at the versions the start recorded, a replay gives the recorded dates.
 */
export function replayPublicity(
  started: GradingCycleStarted['data'],
  calendar: OfficialCalendar,
): { publicityEndsOn: string; objectionWindowEndsOn: string } {
  const policy = policyById(started.policy.id);
  return {
    publicityEndsOn: calendar.addWorkingDays(
      started.publicityStartsOn,
      policy.publicityWorkingDays,
    ),
    objectionWindowEndsOn: calendar.addWorkingDays(
      started.publicityStartsOn,
      policy.objectionWindowWorkingDays,
    ),
  };
}
