import { BUILT_IN_CALENDAR } from '@ledger/domain';
/**
 * Random bitemporal histories for the grade-history property test
 * (grade-history.property.int-spec.ts): agencies of one or two jurisdictions with penalties,
 * credit findings and assessments, and grading cycles decided by the cycle decider, recorded in
 * a random interleaving of their streams, so that valid time (decidedAt, publishedOn, decidedOn)
 * is independent of recording order.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import {
  addCalendarDays,
  addWorkingDays,
  agencyStreamId,
  ConflictError,
  cycleStreamId,
  decideCycle,
  directDowngrades,
  directoryRulesFor,
  distinctEGrades,
  evolveCycle,
  gradeTimeline,
  initialCycleState,
  JURISDICTIONS,
  gradesNoOne,
  NotFoundError,
  organisationCodeCheckCharacter,
  policyById,
  policyInForce,
  RuleViolation,
  usccCheckCharacter,
  type CreditFindingKind,
  type CycleCommand,
  type CycleEvent,
  type CycleState,
  type GradePeriod,
  type GradingCandidate,
  type Jurisdiction,
  type TimelineFact,
  type ViolationType,
} from '@ledger/domain';
import type { EventStore, NewEvent, StoredEvent } from '@ledger/event-store';
import { timelineFact } from './grade-history.projection';

// ---------------------------------------------------------------------------------------------
// What is generated

export interface AssessmentSpec {
  score: number;
  riskScore: number | null;
  noBusiness: boolean;
}

export type FactSpec =
  | {
      type: 'PenaltyImposed';
      violationType: ViolationType;
      day: number;
      /** Days to the deadline (履行期限), and to its fulfilment (null: never fulfilled). */
      dueDays: number | null;
      fulfilledAfterDays: number | null;
      /** Names a responsible person, with a ban from practising of so many days (ADR 020). */
      personBanDays: number | null;
    }
  | {
      /** An inspection that finds a refusal or a false report (Beijing Art. 9(5), 15). */
      type: 'InspectionRecorded';
      code: 'refused-inspection' | 'refused-rectification' | 'untrue-report' | 'false-report';
      day: number;
    }
  | {
      /** A re-evaluation between cycles published (Beijing Art. 22, 23; ADR 021). */
      type: 'ReevaluationPublished';
      grade: 'A' | 'B' | 'C' | 'D';
      score: number;
      day: number;
    }
  | {
      type: 'CreditFindingRecorded';
      kind: CreditFindingKind;
      article: string;
      day: number;
      /** Days the ban runs after its decision, for a procurement blacklisting (chongqing-16-2). */
      banDays: number;
    };

export interface AgencySpec {
  /** Index into the history's jurisdictions (modulo). */
  jurisdiction: number;
  selfMonitoring: boolean;
  /** Assessments of the graded years 2024 and 2025, where recorded. */
  assessments: { 2024: AssessmentSpec | null; 2025: AssessmentSpec | null };
  /** Each fact with a sort key (its place in the stream) and whether it joins the previous append. */
  facts: { fact: FactSpec; order: number; withPrevious: boolean }[];
}

export interface ObjectionSpec {
  /** Index into the agencies the cycle grades; past them, one of its jurisdiction's (modulo). */
  agency: number;
  /** Working days after the start of publicity (0: the same day). */
  fileAfter: number;
  outcome: 'upheld' | 'rejected';
  revisedScore: number;
  riskScore: number | null;
  /** Decided during publicity, after publication (where the policy allows it), or never. */
  decide: 'before' | 'after' | 'never';
  decideAfterDays: number;
}

export interface CycleSpec {
  jurisdiction: number;
  year: 2024 | 2025;
  /** Days after the first day a cycle of that year may start. */
  startDay: number;
  objections: ObjectionSpec[];
  /** Calendar days after the end of publicity; null: never published. */
  publishAfterDays: number | null;
}

export interface HistorySpec {
  jurisdictions: Jurisdiction[];
  agencies: AgencySpec[];
  cycles: CycleSpec[];
  /** Which stream records next: an index (modulo) into the streams that still have events. */
  schedule: number[];
  /** Milliseconds to wait before each append (missing: none). */
  delays: number[];
  /** Whether to hold an append back from the projection until a later one (missing: apply now). */
  holdBack: boolean[];
}

const FIRST_DAY = '2025-01-01';
/** Decision dates of penalties and findings: 2025-01-01 .. 2026-12-31. */
const DECISION_DAYS = 729;

const violationTypes: ViolationType[] = [
  'data-fraud',
  'false-report',
  'untrue-report',
  'false-om',
  'refused-inspection',
  'other',
];
const findingKinds: CreditFindingKind[] = [
  'credit-bad',
  'police-case-opened',
  'serious-dishonesty-listed',
  'serious-dishonesty-removed',
  'refused-evaluation',
  'procurement-blacklisted',
];
const articles = [
  // A hire inside a person's fraud ban (ADR 020) is recorded as this finding.
  'beijing-9-2',
  'beijing-9-3',
  'beijing-9-7',
  'chongqing-16-2',
  'chongqing-16-8',
  'jiaxing-11-3',
  'jiaxing-11-5',
  'national-12',
];

const assessmentArb: fc.Arbitrary<AssessmentSpec> = fc.record({
  score: fc.integer({ min: 0, max: 200 }).map((n) => n / 2),
  riskScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  noBusiness: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
});

const factArb: fc.Arbitrary<FactSpec> = fc.oneof(
  fc.record({
    type: fc.constant('PenaltyImposed' as const),
    // Mostly the kinds that downgrade directly somewhere (fraud, false data, refusal).
    violationType: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...violationTypes.slice(0, 5)) },
      { weight: 1, arbitrary: fc.constant(violationTypes[5]) },
    ),
    day: fc.integer({ min: 0, max: DECISION_DAYS }),
    dueDays: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    fulfilledAfterDays: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
    personBanDays: fc.option(fc.integer({ min: 0, max: 800 }), { nil: null }),
  }),
  fc.record({
    type: fc.constant('InspectionRecorded' as const),
    code: fc.constantFrom(
      'refused-inspection' as const,
      'refused-rectification' as const,
      'untrue-report' as const,
      'false-report' as const,
    ),
    day: fc.integer({ min: 0, max: DECISION_DAYS }),
  }),
  fc.record({
    type: fc.constant('ReevaluationPublished' as const),
    grade: fc.constantFrom('A' as const, 'B' as const, 'C' as const, 'D' as const),
    score: fc.integer({ min: 0, max: 100 }),
    day: fc.integer({ min: 0, max: DECISION_DAYS }),
  }),
  fc.record({
    type: fc.constant('CreditFindingRecorded' as const),
    kind: fc.constantFrom(...findingKinds),
    article: fc.constantFrom(...articles),
    day: fc.integer({ min: 0, max: DECISION_DAYS }),
    banDays: fc.integer({ min: 0, max: 400 }),
  }),
);

const agencyArb: fc.Arbitrary<AgencySpec> = fc.record({
  jurisdiction: fc.nat(1),
  selfMonitoring: fc.oneof(
    { weight: 4, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  assessments: fc.record({
    2024: fc.option(assessmentArb, { nil: null, freq: 4 }),
    2025: fc.option(assessmentArb, { nil: null, freq: 4 }),
  }),
  facts: fc.array(fc.record({ fact: factArb, order: fc.nat(20), withPrevious: fc.boolean() }), {
    maxLength: 4,
  }),
});

const objectionArb: fc.Arbitrary<ObjectionSpec> = fc.record({
  agency: fc.nat(3),
  // Mostly inside the window (5 working days in Beijing and Jiaxing, 15 in Chongqing).
  fileAfter: fc.nat(6),
  outcome: fc.oneof(
    { weight: 2, arbitrary: fc.constant('upheld' as const) },
    { weight: 1, arbitrary: fc.constant('rejected' as const) },
  ),
  revisedScore: fc.integer({ min: 0, max: 100 }),
  riskScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  decide: fc.oneof(
    { weight: 2, arbitrary: fc.constant('before' as const) },
    { weight: 3, arbitrary: fc.constant('after' as const) },
    { weight: 1, arbitrary: fc.constant('never' as const) },
  ),
  decideAfterDays: fc.nat(40),
});

const cycleArb: fc.Arbitrary<CycleSpec> = fc.record({
  jurisdiction: fc.nat(1),
  year: fc.constantFrom(2024 as const, 2025 as const),
  // Cycles of 2024 start in 2025, of 2025 in 2026 (by the end of October: the known calendar
  // ends with 2026, and publicity and objection reviews count working days).
  startDay: fc.integer({ min: 0, max: 300 }),
  objections: fc.array(objectionArb, { maxLength: 3 }),
  publishAfterDays: fc.option(fc.integer({ min: 1, max: 45 }), { nil: null, freq: 5 }),
});

export const historyArb: fc.Arbitrary<HistorySpec> = fc.record({
  // Jurisdictions that grade (Urumqi grades no one: seed 004).
  jurisdictions: fc.subarray(
    JURISDICTIONS.filter((j) => !gradesNoOne(j)),
    { minLength: 1, maxLength: 2 },
  ),
  agencies: fc.array(agencyArb, { minLength: 1, maxLength: 4 }),
  cycles: fc.array(cycleArb, { minLength: 1, maxLength: 3 }),
  schedule: fc.array(fc.nat(7), { maxLength: 60 }),
  delays: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })), { maxLength: 60 }),
  holdBack: fc.array(fc.boolean(), { maxLength: 60 }),
});

// ---------------------------------------------------------------------------------------------
// Recording a history

const DIVISION: Record<Jurisdiction, string> = {
  beijing: '110105',
  chongqing: '500103',
  jiaxing: '330402',
  urumqi: '650102',
};

/** A valid USCC of a jurisdiction, unique to (run, agency). */
export function usccOf(jurisdiction: Jurisdiction, run: number, agency: number): string {
  const org8 = String(run * 10 + agency).padStart(8, '0');
  const first17 = `91${DIVISION[jurisdiction]}${org8}${organisationCodeCheckCharacter(org8)}`;
  return first17 + usccCheckCharacter(first17);
}

const day = (n: number, from = FIRST_DAY) => addCalendarDays(from, n);
/** Sealed personal data as an event holds it (the test never opens it). */
const sealedFake = (kind: 'resident-id' | 'person-name') => ({
  $pii: { subject: 'person:test', kind, iv: 'iv', ct: 'ct', tag: 'tag' },
});
const instantOn = (date: string, time = '10:00:00') => `${date}T${time}+08:00`;

export interface RecordedAgency {
  uscc: string;
  jurisdiction: Jurisdiction;
}

export interface RecordedHistory {
  agencies: RecordedAgency[];
  /** Cycle streams of each jurisdiction, as the replay reads them. */
  cycleStreams: Map<Jurisdiction, string[]>;
  /** recordedAt of every append, in recording order. */
  recordedAts: string[];
  /** Global position of the last event recorded. */
  lastPosition: number;
  /** Valid-time dates where a period may start: decision dates, publications, objections. */
  boundaries: string[];
  /** What was recorded, for the failure report. */
  log: string[];
}

/** Assessment event ids, shared by the agency stream and the proposals that cite them. */
const assessmentIds = new Map<string, string>();

interface PendingAppend {
  streamId: string;
  events: (NewEvent & { eventId: string })[];
}

interface StreamCursor {
  /** The next append of the stream, or null once it has none left. */
  next(): PendingAppend | null | 'skip';
  done(): boolean;
  recorded(events: StoredEvent[]): void;
}

/** An agency stream: registration (and its review), then its facts in their random order. */
function agencyCursor(
  agency: AgencySpec,
  recorded: RecordedAgency,
  facts: Map<string, TimelineFact[]>,
  boundaries: string[],
): StreamCursor {
  const { uscc, jurisdiction } = recorded;
  const streamId = agencyStreamId(uscc);
  const appends: (NewEvent & { eventId: string })[][] = [
    [
      {
        eventId: randomUUID(),
        type: 'AgencyRegistered',
        occurredAt: instantOn('2024-12-02', '09:00:00'),
        data: {
          uscc,
          jurisdiction,
          name: `监测${uscc.slice(8, 16)}`,
          category: 'comprehensive',
          serviceTypes: agency.selfMonitoring
            ? ['public-monitoring', 'self-monitoring']
            : ['public-monitoring'],
          legalRepresentative: { name: '王小明' },
          commitment: { signedBy: '王小明', signedAt: '2024-12-02' },
          codeVerified: true,
          reviewDueOn: '2024-12-09',
        },
      },
    ],
  ];
  const rest: { event: NewEvent & { eventId: string }; withPrevious: boolean }[] = [
    {
      event: {
        eventId: randomUUID(),
        type: 'RegistrationReviewed',
        occurredAt: instantOn('2024-12-04'),
        data: { outcome: 'approved', reviewedOn: '2024-12-04' },
      },
      withPrevious: false,
    },
  ];
  for (const year of [2024, 2025] as const) {
    const a = agency.assessments[year];
    if (!a) continue;
    rest.push({
      event: {
        eventId: assessmentIds.get(`${uscc}/${year}`)!,
        type: 'AssessmentRecorded',
        occurredAt: instantOn(`${year + 1}-01-03`),
        data: {
          year,
          score: a.score,
          ...(a.riskScore !== null && { riskScore: a.riskScore }),
          noBusiness: a.noBusiness,
        },
      },
      withPrevious: false,
    });
  }
  const ordered = [...agency.facts].sort((a, b) => a.order - b.order);
  for (const { fact, withPrevious } of ordered) {
    const decidedAt = day(fact.day);
    boundaries.push(decidedAt);
    if (fact.type === 'InspectionRecorded') {
      rest.push({
        event: {
          eventId: randomUUID(),
          type: 'InspectionRecorded',
          occurredAt: instantOn(decidedAt, '09:30:00'),
          data: { inspectedAt: decidedAt, method: 'on-site', findings: [{ code: fact.code }] },
        },
        withPrevious,
      });
      continue;
    }
    if (fact.type === 'ReevaluationPublished') {
      const policy = policyInForce(jurisdiction, decidedAt);
      if (policy === undefined) continue;
      rest.push({
        event: {
          eventId: randomUUID(),
          type: 'ReevaluationPublished',
          occurredAt: instantOn(decidedAt, '09:30:00'),
          data: {
            reevaluationId: `${uscc}.${String(fact.day).padStart(12, '0')}`,
            publishedOn: decidedAt,
            policy: { id: policy.id, jurisdiction: policy.jurisdiction, version: policy.version },
            grade: {
              grade: fact.grade,
              score: fact.score,
              explanation: [{ rule: `score-band-${fact.grade}`, article: 'beijing-15', facts: [] }],
            },
          },
        },
        withPrevious,
      });
      continue;
    }
    const penaltyId = randomUUID();
    const data =
      fact.type === 'PenaltyImposed'
        ? {
            decisionNumber: `罚-${fact.day}-${penaltyId.slice(0, 8)}`,
            decidedAt,
            violationType: fact.violationType,
            legalBasis: 'seed-000-24',
            content: 'fine',
            // A deadline: unfulfilled past it, a Chongqing agency is E from the day after.
            ...(fact.dueDays !== null && { dueBy: day(fact.day + fact.dueDays) }),
            ...(fact.personBanDays !== null && {
              responsiblePersons: [
                {
                  idNumberHash: `h-${penaltyId}`,
                  idNumber: sealedFake('resident-id'),
                  name: sealedFake('person-name'),
                  bannedUntil: day(fact.day + fact.personBanDays),
                },
              ],
            }),
          }
        : {
            kind: fact.kind,
            article: fact.article,
            decidedAt,
            // A ban's last day, and the day after it a boundary where its E ends.
            ...(fact.kind === 'procurement-blacklisted' && {
              bannedUntil: day(fact.day + fact.banDays),
            }),
          };
    if (fact.type === 'CreditFindingRecorded' && fact.kind === 'procurement-blacklisted')
      boundaries.push(day(fact.day + fact.banDays + 1));
    rest.push({
      event: {
        eventId: penaltyId,
        type: fact.type,
        occurredAt: instantOn(decidedAt, '09:30:00'),
        data,
      },
      withPrevious,
    });
    if (fact.type === 'PenaltyImposed' && fact.dueDays !== null) {
      boundaries.push(day(fact.day + fact.dueDays + 1));
      if (fact.fulfilledAfterDays !== null) {
        // Recorded after the penalty, in its stream: fulfilled on time or late (PenaltyFulfilled).
        const fulfilledOn = day(fact.day + fact.fulfilledAfterDays);
        boundaries.push(fulfilledOn);
        rest.push({
          event: {
            eventId: randomUUID(),
            type: 'PenaltyFulfilled',
            occurredAt: instantOn(fulfilledOn, '11:00:00'),
            data: { penaltyEventId: penaltyId, fulfilledOn },
          },
          withPrevious: false,
        });
      }
    }
  }
  for (const { event, withPrevious } of rest) {
    if (withPrevious) appends[appends.length - 1].push(event);
    else appends.push([event]);
  }
  let i = 0;
  return {
    next: () => (i < appends.length ? { streamId, events: appends[i++] } : null),
    done: () => i >= appends.length,
    recorded(events) {
      facts.set(uscc, [
        ...(facts.get(uscc) ?? []),
        ...events.map((e) => ({
          eventId: e.eventId,
          streamId: e.streamId,
          position: e.position,
          type: e.type,
          data: e.data,
          occurredAt: e.occurredAt,
          recordedAt: e.recordedAt,
        })),
      ]);
    },
  };
}

type CycleStep =
  | { kind: 'start' }
  | { kind: 'file'; objection: number }
  | { kind: 'decide'; objection: number; after: boolean }
  | { kind: 'publish' };

const DOMAIN_ERRORS = [RuleViolation, NotFoundError, ConflictError];

/**
 * A cycle stream: the commands a regulator would give, each decided by `decideCycle` on the
 * cycle's state and on the agency facts recorded so far; a command the decider refuses is
 * dropped (nothing recorded).
 */
function cycleCursor(
  spec: CycleSpec,
  jurisdiction: Jurisdiction,
  streamId: string,
  agencies: { recorded: RecordedAgency; spec: AgencySpec }[],
  facts: Map<string, TimelineFact[]>,
  /** The cycle events of each jurisdiction recorded so far, in recording order. */
  cycleFacts: Map<Jurisdiction, TimelineFact[]>,
  boundaries: string[],
  log: string[],
): StreamCursor {
  const cycleId = streamId.slice('grading-cycle-'.length);
  const members = agencies.filter((a) => a.recorded.jurisdiction === jurisdiction);
  let state: CycleState = initialCycleState;
  const objectionIds = spec.objections.map((_, i) => `${cycleId}-objection-${i}`);
  const filed = new Map<number, string>();
  /** A decision planned after publication, where the policy lets publication come first. */
  const afterPublication = (step: CycleStep) =>
    step.kind === 'decide' &&
    step.after &&
    !policyById(state.started!.policy.id).objectionsDecidedBeforePublication;
  const steps: CycleStep[] = [
    { kind: 'start' },
    ...spec.objections.map((_, objection) => ({ kind: 'file' as const, objection })),
    ...spec.objections.flatMap((o, objection) =>
      o.decide === 'before' ? [{ kind: 'decide' as const, objection, after: false }] : [],
    ),
    ...(spec.publishAfterDays === null ? [] : [{ kind: 'publish' as const }]),
    ...spec.objections.flatMap((o, objection) =>
      o.decide === 'after' ? [{ kind: 'decide' as const, objection, after: true }] : [],
    ),
  ];
  // Where the policy wants every objection decided before publication, they are. The start
  // comes first either way, and the order is fixed once it is recorded.
  const ordered = () => {
    if (state.started === undefined) return steps;
    return [
      ...steps.filter((s) => s.kind !== 'publish' && !afterPublication(s)),
      ...steps.filter((s) => s.kind === 'publish'),
      ...steps.filter((s) => afterPublication(s)),
    ];
  };
  const knownDowngrades = (on: string) =>
    members.flatMap(({ recorded }) =>
      directDowngrades(jurisdiction, facts.get(recorded.uscc) ?? [])
        .filter((d) => d.effectiveFrom <= on && (d.effectiveTo === undefined || on < d.effectiveTo))
        .map(({ position: _p, policy: _policy, ...downgrade }) => ({
          uscc: recorded.uscc,
          downgrade,
        })),
    );

  /** In the directory on `on` (Chongqing Art. 20), as GradingService.candidates judges it. */
  const listedOn = (uscc: string, on: string) => {
    const directory = directoryRulesFor(jurisdiction, on);
    if (!directory) return true;
    const periods = gradeTimeline(uscc, facts.get(uscc) ?? [], cycleFacts.get(jurisdiction) ?? []);
    return directory.standing({ on, eGrades: distinctEGrades(periods), reentries: [] }).listed;
  };

  const command = (step: CycleStep): CycleCommand | null => {
    const started = state.started;
    switch (step.kind) {
      case 'start': {
        const on = day(spec.startDay, `${spec.year + 1}-01-05`);
        return {
          type: 'StartGradingCycle',
          calendar: BUILT_IN_CALENDAR,
          cycleId,
          jurisdiction,
          year: spec.year,
          on,
          candidates: members.map(({ recorded, spec: agency }): GradingCandidate => {
            const a = agency.assessments[spec.year];
            const downgrades = knownDowngrades(on).filter((d) => d.uscc === recorded.uscc);
            return {
              uscc: recorded.uscc,
              registered: true,
              listed: listedOn(recorded.uscc, on),
              serviceTypes: agency.selfMonitoring
                ? ['public-monitoring', 'self-monitoring']
                : ['public-monitoring'],
              ...(a && {
                assessment: {
                  eventId: assessmentIds.get(`${recorded.uscc}/${spec.year}`)!,
                  score: a.score,
                  ...(a.riskScore !== null && { riskScore: a.riskScore }),
                  noBusiness: a.noBusiness,
                },
              }),
              binding: downgrades.map((d) => d.downgrade),
            };
          }),
        };
      }
      case 'file': {
        if (!started) return null;
        const o = spec.objections[step.objection];
        // Mostly an agency the cycle grades; now and then one it does not (refused).
        const graded = [...state.proposals.keys()];
        const target =
          o.agency < graded.length
            ? graded[o.agency]
            : members[o.agency % Math.max(members.length, 1)]?.recorded.uscc;
        if (!target) return null;
        const on =
          o.fileAfter === 0
            ? started.publicityStartsOn
            : addWorkingDays(started.publicityStartsOn, o.fileAfter);
        return {
          type: 'FileObjection',
          calendar: BUILT_IN_CALENDAR,
          objectionId: objectionIds[step.objection],
          uscc: target,
          reason: 'score',
          on,
        };
      }
      case 'decide': {
        const filedOn = filed.get(step.objection);
        if (!started || filedOn === undefined) return null;
        const o = spec.objections[step.objection];
        const from =
          state.publishedOn !== undefined && state.publishedOn > filedOn
            ? state.publishedOn
            : filedOn;
        let on = day(o.decideAfterDays, from);
        if (state.status === 'publicity' && on > started.publicityEndsOn)
          on = started.publicityEndsOn < filedOn ? filedOn : started.publicityEndsOn;
        return {
          type: 'DecideObjection',
          objectionId: objectionIds[step.objection],
          outcome: o.outcome,
          ...(o.outcome === 'upheld' && { revisedScore: o.revisedScore }),
          ...(o.riskScore !== null && { riskScore: o.riskScore }),
          on,
        };
      }
      case 'publish': {
        if (!started) return null;
        const on = day(spec.publishAfterDays!, started.publicityEndsOn);
        return { type: 'PublishGradingCycle', on, downgrades: knownDowngrades(on) };
      }
    }
  };

  let i = 0;
  return {
    next() {
      const steps = ordered();
      if (i >= steps.length) return null;
      const step = steps[i++];
      const cmd = command(step);
      if (!cmd) return 'skip';
      let events: CycleEvent[];
      try {
        events = decideCycle(cmd, state);
      } catch (error) {
        if (DOMAIN_ERRORS.some((E) => error instanceof E)) {
          log.push(`${streamId}: ${cmd.type} refused: ${(error as Error).message}`);
          return 'skip';
        }
        throw error;
      }
      for (const event of events) {
        state = evolveCycle(state, event);
        if (event.type === 'ObjectionFiled') {
          filed.set(objectionIds.indexOf(event.data.objectionId), event.data.filedOn);
        }
        if (event.type === 'ObjectionDecided') boundaries.push(event.data.decidedOn);
        if (event.type === 'GradingCyclePublished') boundaries.push(event.data.publishedOn);
      }
      const on = 'on' in cmd ? cmd.on : '';
      return {
        streamId,
        events: events.map((e) => ({
          eventId: randomUUID(),
          type: e.type,
          data: e.data,
          occurredAt: instantOn(on),
        })),
      };
    },
    done: () => i >= ordered().length,
    recorded(events) {
      cycleFacts.set(jurisdiction, [
        ...(cycleFacts.get(jurisdiction) ?? []),
        ...events.map((e) => timelineFact(e)),
      ]);
    },
  };
}

/**
 * Records the history in the store in the order its schedule gives, calling `afterAppend`
 * after each append (with whether to apply it to the projection now).
 */
export async function recordHistory(
  spec: HistorySpec,
  run: number,
  store: EventStore,
  afterAppend: (applyNow: boolean) => Promise<void>,
): Promise<RecordedHistory> {
  const jurisdictionOf = (i: number) => spec.jurisdictions[i % spec.jurisdictions.length];
  const agencies = spec.agencies.map((agency, i) => {
    const jurisdiction = jurisdictionOf(agency.jurisdiction);
    const uscc = usccOf(jurisdiction, run, i);
    for (const year of [2024, 2025]) assessmentIds.set(`${uscc}/${year}`, randomUUID());
    return { recorded: { uscc, jurisdiction }, spec: agency };
  });
  const facts = new Map<string, TimelineFact[]>();
  const cycleFacts = new Map<Jurisdiction, TimelineFact[]>();
  const boundaries: string[] = [];
  const log: string[] = [];
  const cycleStreams = new Map<Jurisdiction, string[]>();
  const cursors: StreamCursor[] = agencies.map((a) =>
    agencyCursor(a.spec, a.recorded, facts, boundaries),
  );
  const seen = new Set<string>();
  for (const cycle of spec.cycles) {
    const jurisdiction = jurisdictionOf(cycle.jurisdiction);
    if (seen.has(`${jurisdiction}-${cycle.year}`)) continue;
    seen.add(`${jurisdiction}-${cycle.year}`);
    const streamId = cycleStreamId(`${jurisdiction}-${cycle.year}-run${run}`);
    cycleStreams.set(jurisdiction, [...(cycleStreams.get(jurisdiction) ?? []), streamId]);
    cursors.push(
      cycleCursor(cycle, jurisdiction, streamId, agencies, facts, cycleFacts, boundaries, log),
    );
  }

  const recordedAts: string[] = [];
  let lastPosition = 0;
  for (let step = 0; ; step++) {
    const open = cursors.filter((c) => !c.done());
    if (open.length === 0) break;
    const cursor = open[(spec.schedule[step] ?? 0) % open.length];
    const pending = cursor.next();
    if (pending === null || pending === 'skip' || pending.events.length === 0) continue;
    const delay = spec.delays[recordedAts.length] ?? 0;
    if (delay > 0) await sleep(delay);
    const result = await store.append(pending.streamId, pending.events);
    recordedAts.push(result.recordedAt);
    lastPosition = result.position;
    const stored = (await store.readStream(pending.streamId, {})).slice(-pending.events.length);
    cursor.recorded(stored);
    log.push(
      `#${result.position} ${result.recordedAt} ${pending.streamId}: ${pending.events
        .map((e) => `${e.type} ${JSON.stringify(summary(e))}`)
        .join('; ')}`,
    );
    await afterAppend(!(spec.holdBack[recordedAts.length - 1] ?? false));
  }
  return {
    agencies: agencies.map((a) => a.recorded),
    cycleStreams,
    recordedAts,
    lastPosition,
    boundaries,
    log,
  };
}

/** The few fields of an event that decide a grade, for the failure report. */
function summary(event: NewEvent): unknown {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'PenaltyImposed':
      return { decidedAt: d.decidedAt, violationType: d.violationType };
    case 'CreditFindingRecorded':
      return {
        decidedAt: d.decidedAt,
        kind: d.kind,
        article: d.article,
        ...(d.bannedUntil !== undefined && { bannedUntil: d.bannedUntil }),
      };
    case 'AssessmentRecorded':
      return { year: d.year, score: d.score };
    case 'GradingCycleStarted':
      return {
        on: d.publicityStartsOn,
        proposals: (d.proposals as { uscc: string; grade: string }[]).map(
          (p) => `${p.uscc}:${p.grade}`,
        ),
      };
    case 'GradingCyclePublished':
      return {
        on: d.publishedOn,
        grades: (d.grades as { uscc: string; grade: string }[]).map((p) => `${p.uscc}:${p.grade}`),
      };
    case 'ObjectionDecided':
      return {
        on: d.decidedOn,
        uscc: d.uscc,
        outcome: d.outcome,
        afterPublication: d.afterPublication,
        revised: (d.revised as { grade: string } | undefined)?.grade,
      };
    case 'ObjectionFiled':
      return { on: d.filedOn, uscc: d.uscc };
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Replay, and the canonical form compared

/**
 * The agency's periods recomputed from the raw streams as recorded up to `knownAt`, as
 * GradingService.replayTimeline does (its cycle streams: those of this run).
 */
export async function replayPeriods(
  store: EventStore,
  agency: RecordedAgency,
  cycleStreams: readonly string[],
  knownAt: string,
): Promise<GradePeriod[]> {
  const facts = await store.readStream(agencyStreamId(agency.uscc), { recordedUpTo: knownAt });
  const cycles = await Promise.all(
    cycleStreams.map((s) => store.readStream(s, { recordedUpTo: knownAt })),
  );
  return gradeTimeline(
    agency.uscc,
    facts.map((e) => timelineFact(e)),
    cycles
      .flat()
      .map((e) => timelineFact(e))
      .sort((a, b) => a.position - b.position),
  );
}

/** A period with every field that is compared, absent ones as null, in a fixed shape. */
export const canonicalPeriod = (p: GradePeriod | undefined) =>
  p === undefined
    ? null
    : {
        grade: p.grade,
        score: p.score,
        riskLevel: p.riskLevel ?? null,
        from: p.from,
        to: p.to,
        cause: p.cause,
        decidedBy: { eventId: p.decidedBy.eventId, position: p.decidedBy.position },
        policy: {
          id: p.policy.id,
          jurisdiction: p.policy.jurisdiction,
          version: p.policy.version,
        },
        explanation: p.explanation.map((e) => ({
          rule: e.rule,
          article: e.article,
          facts: [...e.facts],
        })),
      };

// ---------------------------------------------------------------------------------------------
// Instants with microseconds (recordedAt is kept to the microsecond)

/** Microseconds since the epoch of an ISO instant with up to six fractional digits. */
export function microsOf(iso: string): bigint {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (!match) throw new Error(`not a UTC instant: ${iso}`);
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return BigInt(Date.parse(`${match[1]}Z`)) * 1000n + BigInt(fraction);
}

/** The ISO instant (six fractional digits, UTC) of microseconds since the epoch. */
export function instantOfMicros(us: bigint): string {
  const seconds = us / 1_000_000n;
  const fraction = us % 1_000_000n;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(fraction).padStart(6, '0')}Z`;
}
