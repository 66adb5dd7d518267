import { BUILT_IN_CALENDAR } from '../calendar';
import { ConflictError, NotFoundError, RuleViolation } from '../shared/errors';
import { deciderSpecification } from '../testing/decider-specification';
import {
  decideCycle,
  evolveCycle,
  foldCycle,
  initialCycleState,
  type CycleCommand,
  type CycleEvent,
  type GradingCycleStarted,
  type ObjectionDecided,
  type ObjectionFiled,
  type Proposal,
} from './cycle';
import type { DirectDowngrade, GradingCandidate } from './grading.types';
import type { Jurisdiction } from '../agency/agency.events';
import { gradeTimeline, type TimelineFact } from './timeline';

const spec = deciderSpecification({
  decide: decideCycle,
  evolve: evolveCycle,
  initialState: initialCycleState,
});

const candidate = (
  uscc: string,
  score: number,
  extra: Partial<GradingCandidate> & { noBusiness?: boolean } = {},
): GradingCandidate => {
  const { noBusiness = false, ...rest } = extra;
  return {
    uscc,
    registered: true,
    listed: true,
    serviceTypes: ['self-monitoring'],
    assessment: { eventId: `assessment-${uscc}`, score, noBusiness },
    binding: [],
    ...rest,
  };
};

const fraud = (eventId: string, grade: 'D' | 'E', article: string): DirectDowngrade => ({
  grade,
  effectiveFrom: '2025-06-03',
  rule: grade === 'D' ? 'verified-fraud-penalty' : 'false-data-penalty',
  article,
  eventId,
  barsUpgrade: true,
});

const start = (
  jurisdiction: Jurisdiction,
  candidates: GradingCandidate[],
  on = '2026-01-12',
): Extract<CycleCommand, { type: 'StartGradingCycle' }> => ({
  type: 'StartGradingCycle',
  calendar: BUILT_IN_CALENDAR,
  cycleId: `${jurisdiction}-2025`,
  jurisdiction,
  year: 2025,
  on,
  candidates,
});

const scored = (
  uscc: string,
  grade: Proposal['grade'],
  score: number,
  rule: string,
  article: string,
  facts: string[],
): Proposal => ({
  uscc,
  grade,
  score,
  explanation: [{ rule, article, facts }],
});

// ---------------------------------------------------------------- Beijing, the 2025 cycle
const beijingCandidates = [
  candidate('U1', 92),
  candidate('U2', 80),
  candidate('U3', 98, { binding: [fraud('penalty-U3', 'D', 'beijing-15')] }),
  candidate('U4', 70, { noBusiness: true }),
  candidate('U5', 95, { serviceTypes: ['public-monitoring'] }),
];
const beijingProposals: Proposal[] = [
  scored('U1', 'A', 92, 'score-band-A', 'beijing-15', ['assessment-U1']),
  scored('U2', 'B', 80, 'score-band-B', 'beijing-15', ['assessment-U2']),
  scored('U3', 'D', 98, 'verified-fraud-penalty', 'beijing-15', ['penalty-U3']),
  {
    uscc: 'U4',
    grade: 'no-business',
    score: null,
    explanation: [{ rule: 'no-business-in-year', article: 'beijing-15', facts: ['assessment-U4'] }],
  },
];
const beijingStarted: GradingCycleStarted = {
  type: 'GradingCycleStarted',
  data: {
    cycleId: 'beijing-2025',
    jurisdiction: 'beijing',
    year: 2025,
    policy: { id: 'beijing/2026-draft', jurisdiction: 'beijing', version: '2026-draft' },
    publicityStartsOn: '2026-01-12',
    publicityEndsOn: '2026-01-19',
    objectionWindowEndsOn: '2026-01-19',
    calendar: { '2026': 0 },
    proposals: beijingProposals,
  },
};
const objectionByU2: ObjectionFiled = {
  type: 'ObjectionFiled',
  data: {
    objectionId: 'obj-1',
    uscc: 'U2',
    reason: 'an indicator was miscounted',
    filedOn: '2026-01-14',
    reviewDueOn: '2026-01-21',
    calendar: { '2026': 0 },
  },
};
// The revised grade keeps the facts that fed it before (the assessment) and adds the objection.
const revisedU2 = scored('U2', 'A', 91, 'score-band-A', 'beijing-15', ['assessment-U2', 'obj-1']);
const upheldForU2: ObjectionDecided = {
  type: 'ObjectionDecided',
  data: {
    objectionId: 'obj-1',
    uscc: 'U2',
    outcome: 'upheld',
    reason: undefined,
    revisedScore: 91,
    decidedOn: '2026-01-16',
    afterPublication: false,
    revised: revisedU2,
  },
};
const rejectedForU2: ObjectionDecided = {
  type: 'ObjectionDecided',
  data: {
    objectionId: 'obj-1',
    uscc: 'U2',
    outcome: 'rejected',
    reason: 'the indicator was counted right',
    revisedScore: undefined,
    decidedOn: '2026-01-16',
    afterPublication: false,
    revised: undefined,
  },
};
const beijingPublished: CycleEvent = {
  type: 'GradingCyclePublished',
  data: { publishedOn: '2026-01-20', grades: beijingProposals },
};

// ---------------------------------------------------------------- Chongqing, the 2025 cycle
// Five ranked (A, B, B, C, D), one E for false data (keeping its score of 10), one with no business.
const chongqingCandidates = [
  candidate('C1', 90),
  candidate('C2', 85),
  candidate('C3', 80),
  candidate('C4', 75),
  candidate('C5', 70),
  candidate('CE', 10, { binding: [fraud('penalty-CE', 'E', 'chongqing-16-4')] }),
  candidate('CN', 95, { noBusiness: true }),
];
const [chongqingStarted] = decideCycle(start('chongqing', chongqingCandidates), initialCycleState);
const objectionByC5: CycleEvent = {
  type: 'ObjectionFiled',
  data: {
    objectionId: 'obj-c',
    uscc: 'C5',
    reason: 'misranked',
    filedOn: '2026-01-20',
    reviewDueOn: '2026-02-02',
  },
};

// ---------------------------------------------------------------- Jiaxing, the 2025 cycle
const [jiaxingStarted] = decideCycle(
  start('jiaxing', [candidate('J1', 85, { noBusiness: false })]),
  initialCycleState,
);

const objection = (uscc: string, on: string, objectionId = 'obj-1'): CycleCommand => ({
  type: 'FileObjection',
  calendar: BUILT_IN_CALENDAR,
  objectionId,
  uscc,
  reason: 'an indicator was miscounted',
  on,
});
const decide = (
  outcome: 'upheld' | 'rejected',
  on: string,
  revisedScore?: number,
  objectionId = 'obj-1',
): CycleCommand => ({
  type: 'DecideObjection',
  objectionId,
  outcome,
  ...(revisedScore !== undefined && { revisedScore }),
  on,
});
const publish = (
  on: string,
  downgrades: { uscc: string; downgrade: DirectDowngrade }[] = [],
): CycleCommand => ({ type: 'PublishGradingCycle', on, downgrades });

/** A direct downgrade decided on the date given. */
const downgradeOn = (
  effectiveFrom: string,
  eventId: string,
  grade: 'D' | 'E' = 'D',
  article = 'beijing-15',
): DirectDowngrade => ({ ...fraud(eventId, grade, article), effectiveFrom });

/** Runs commands through the decider, each against the state its predecessors left. */
const run = (commands: CycleCommand[]): CycleEvent[] =>
  commands.reduce<CycleEvent[]>(
    (events, command) => [...events, ...decideCycle(command, foldCycle(events))],
    [],
  );

describe('the grading cycle decider', () => {
  describe('starting a cycle', () => {
    it('proposes a grade for every agency the policy grades, sorted, with 5 working days of publicity (beijing-13, beijing-16)', () => {
      spec.given([]).when(start('beijing', beijingCandidates)).then([beijingStarted]);
    });

    it('ranks Chongqing agencies with business and no E, under the policy in force, with 15 working days of publicity (chongqing-15, chongqing-17)', () => {
      spec
        .given([])
        .when(start('chongqing', chongqingCandidates))
        .thenMatches([
          {
            type: 'GradingCycleStarted',
            data: {
              cycleId: 'chongqing-2025',
              policy: { id: 'chongqing/2023', jurisdiction: 'chongqing', version: '2023' },
              publicityStartsOn: '2026-01-12',
              publicityEndsOn: '2026-02-02',
              objectionWindowEndsOn: '2026-02-02',
              proposals: [
                { uscc: 'C1', grade: 'A' },
                { uscc: 'C2', grade: 'B' },
                { uscc: 'C3', grade: 'B' },
                { uscc: 'C4', grade: 'C' },
                { uscc: 'C5', grade: 'D' },
                { uscc: 'CE', grade: 'E', score: 10, explanation: [{ article: 'chongqing-16-4' }] },
                { uscc: 'CN', grade: 'no-business', score: null },
              ],
            },
          },
        ]);
    });

    it('starts a cycle with nobody to grade', () => {
      spec
        .given([])
        .when(start('jiaxing', []))
        .thenMatches([
          { type: 'GradingCycleStarted', data: { proposals: [], publicityEndsOn: '2026-01-19' } },
        ]);
    });

    it('refuses a second start of the same cycle (409)', () => {
      spec
        .given([beijingStarted])
        .when(start('beijing', beijingCandidates))
        .thenThrows(ConflictError, 'one-cycle-per-year', 'year');
      spec
        .given([beijingStarted, beijingPublished])
        .when(start('beijing', beijingCandidates))
        .thenThrows(ConflictError, 'one-cycle-per-year', 'year');
    });

    it('refuses a year that has not begun (beijing-13)', () => {
      spec
        .given([])
        .when({ ...start('beijing', beijingCandidates), year: 2027, on: '2026-12-01' })
        .thenThrows(RuleViolation, 'beijing-13', 'year');
    });

    // Seed 000 Art. 13: the cycle is a natural year, results published at the start of the next;
    // seed 001 Art. 13: the evaluation covers 1 January–31 December of the previous year.
    it.each<[Jurisdiction, number, string, string]>([
      ['beijing', 2026, '2026-03-01', 'beijing-13'],
      ['beijing', 2026, '2026-12-31', 'beijing-13'],
      ['chongqing', 2026, '2026-03-01', 'chongqing-13'],
      ['jiaxing', 2026, '2026-03-01', 'jiaxing-18'],
    ])(
      'refuses to grade the current, unfinished year (seed 000 Art. 13, seed 001 Art. 13): %s, %p on %s',
      (jurisdiction, year, on, article) => {
        spec
          .given([])
          .when({ ...start(jurisdiction, []), year, on })
          .thenThrows(RuleViolation, article, 'year');
      },
    );

    it('grades the year just ended from the first day of the next', () => {
      spec
        .given([])
        .when(start('beijing', [], '2026-01-01'))
        .thenMatches([{ type: 'GradingCycleStarted', data: { year: 2025 } }]);
    });

    it.each<[Jurisdiction, string]>([
      ['beijing', 'beijing-13'],
      ['chongqing', 'chongqing-13'],
      ['jiaxing', 'jiaxing-18'],
    ])(
      'cites the jurisdiction’s own article when refusing a year that has not begun: %s, %s',
      (jurisdiction, article) => {
        spec
          .given([])
          .when({ ...start(jurisdiction, []), year: 2027, on: '2026-12-01' })
          .thenThrows(RuleViolation, article, 'year');
      },
    );

    it('refuses a start whose publicity would end past the known official calendar', () => {
      spec
        .given([])
        .when({ ...start('beijing', beijingCandidates), on: '2026-12-28' })
        .thenThrows(RuleViolation, 'prc-official-calendar', 'occurredAt');
    });

    it.each<[string, CycleCommand]>([
      ['an objection', objection('U2', '2026-01-14')],
      ['a decision', decide('rejected', '2026-01-14')],
      ['a publication', publish('2026-01-20')],
    ])('knows no cycle for %s before it starts (404)', (_what, command) => {
      spec.given([]).when(command).thenThrows(NotFoundError, 'one-cycle-per-year', 'cycleId');
    });
  });

  describe('filing an objection', () => {
    it.each([
      ['on the first day of publicity', '2026-01-12', '2026-01-19'],
      ['inside the window', '2026-01-14', '2026-01-21'],
      ['on the last day of the window', '2026-01-19', '2026-01-26'],
    ])(
      'Beijing: filed %s (%s), it is reviewed within 5 working days: by %s (beijing-16)',
      (_when, on, due) => {
        spec
          .given([beijingStarted])
          .when(objection('U2', on))
          .then([
            {
              type: 'ObjectionFiled',
              data: {
                objectionId: 'obj-1',
                uscc: 'U2',
                reason: 'an indicator was miscounted',
                filedOn: on,
                reviewDueOn: due,
                calendar: { '2026': 0 },
              },
            },
          ]);
      },
    );

    it('Chongqing: reviewed before publication, so due by the end of publicity (chongqing-18)', () => {
      spec
        .given([chongqingStarted])
        .when(objection('C5', '2026-01-20', 'obj-c'))
        .thenMatches([
          { type: 'ObjectionFiled', data: { filedOn: '2026-01-20', reviewDueOn: '2026-02-02' } },
        ]);
    });

    it('Jiaxing: reviewed within 15 working days of filing (jiaxing-16)', () => {
      spec
        .given([jiaxingStarted])
        .when(objection('J1', '2026-01-13'))
        .thenMatches([
          { type: 'ObjectionFiled', data: { filedOn: '2026-01-13', reviewDueOn: '2026-02-03' } },
        ]);
    });

    it('a graded agency with no business may object', () => {
      spec
        .given([beijingStarted])
        .when(objection('U4', '2026-01-13'))
        .thenMatches([{ type: 'ObjectionFiled' }]);
    });

    it.each<[string, CycleEvent, string, string, string]>([
      ['Beijing', beijingStarted, 'U2', '2026-01-11', 'beijing-16'],
      ['Beijing', beijingStarted, 'U2', '2026-01-20', 'beijing-16'],
      ['Chongqing', chongqingStarted, 'C5', '2026-01-09', 'chongqing-17'],
      ['Chongqing', chongqingStarted, 'C5', '2026-02-03', 'chongqing-17'],
      ['Jiaxing', jiaxingStarted, 'J1', '2026-01-11', 'jiaxing-16'],
      ['Jiaxing', jiaxingStarted, 'J1', '2026-01-20', 'jiaxing-16'],
    ])(
      '%s: refuses an objection filed outside the window, on %s',
      (_j, started, uscc, on, article) => {
        spec
          .given([started])
          .when(objection(uscc, on))
          .thenThrows(RuleViolation, article, 'occurredAt');
      },
    );

    it('refuses an objection once the cycle is published, even on a date inside the old window', () => {
      spec
        .given([beijingStarted, beijingPublished])
        .when(objection('U2', '2026-01-19'))
        .thenThrows(RuleViolation, 'beijing-16', 'occurredAt');
    });

    it.each([
      ['an agency the policy left out (public monitoring only)', 'U5'],
      ['an agency not a candidate at all', 'U9'],
    ])('refuses an objection by %s (beijing-16, field uscc)', (_what, uscc) => {
      spec
        .given([beijingStarted])
        .when(objection(uscc, '2026-01-14'))
        .thenThrows(RuleViolation, 'beijing-16', 'uscc');
    });
  });

  describe('deciding an objection', () => {
    it('upheld with a revised score: the agency is re-graded from it, the objection its evidence', () => {
      spec
        .given([beijingStarted, objectionByU2])
        .when(decide('upheld', '2026-01-16', 91))
        .then([upheldForU2]);
    });

    it('upheld for an agency under a direct downgrade: the score is corrected, the D stands (beijing-15)', () => {
      const objectionByU3: ObjectionFiled = {
        type: 'ObjectionFiled',
        data: { ...objectionByU2.data, objectionId: 'obj-3', uscc: 'U3' },
      };
      const [decided] = decideCycle(
        decide('upheld', '2026-01-16', 99, 'obj-3'),
        foldCycle([beijingStarted, objectionByU3]),
      );
      expect(decided).toMatchObject({
        type: 'ObjectionDecided',
        data: {
          uscc: 'U3',
          revised: {
            grade: 'D',
            score: 99,
            explanation: [
              { rule: 'verified-fraud-penalty', article: 'beijing-15', facts: ['penalty-U3'] },
              {
                rule: 'objection-upheld-downgrade-stands',
                article: 'beijing-16',
                facts: ['obj-3'],
              },
            ],
          },
        },
      });
    });

    it('upheld, the revised grade replaces the proposal', () => {
      const state = foldCycle([beijingStarted, objectionByU2, upheldForU2]);
      expect(state.proposals.get('U2')).toEqual(revisedU2);
      expect(state.objections.get('obj-1')).toEqual({
        uscc: 'U2',
        status: 'upheld',
        filedOn: '2026-01-14',
        reviewDueOn: '2026-01-21',
      });
      expect([...state.proposals.keys()]).toEqual(['U1', 'U2', 'U3', 'U4']);
    });

    it('rejected: the proposal stands', () => {
      spec
        .given([beijingStarted, objectionByU2])
        .when({
          ...decide('rejected', '2026-01-16'),
          reason: 'the indicator was counted right',
        } as CycleCommand)
        .then([rejectedForU2]);
      const state = foldCycle([beijingStarted, objectionByU2, rejectedForU2]);
      expect(state.proposals.get('U2')).toEqual(beijingProposals[1]);
      expect(state.objections.get('obj-1')?.status).toBe('rejected');
    });

    it('Chongqing: the revised score is re-ranked against the other ranked agencies, not against E or no-business', () => {
      // Against 90, 85, 80, 75 a revised 72 is fifth of five: D. Were CE's 10 ranked too, it
      // would be fifth of six: C.
      spec
        .given([chongqingStarted, objectionByC5])
        .when(decide('upheld', '2026-01-22', 72, 'obj-c'))
        .thenMatches([
          {
            type: 'ObjectionDecided',
            data: {
              uscc: 'C5',
              afterPublication: false,
              revised: scored('C5', 'D', 72, 'rank-band-D', 'chongqing-15', [
                'assessment-C5',
                'obj-c',
              ]),
            },
          },
        ]);
      spec
        .given([chongqingStarted, objectionByC5])
        .when(decide('upheld', '2026-01-22', 88, 'obj-c'))
        .thenMatches([
          {
            data: {
              revised: scored('C5', 'B', 88, 'rank-band-B', 'chongqing-15', [
                'assessment-C5',
                'obj-c',
              ]),
            },
          },
        ]);
      spec
        .given([chongqingStarted, objectionByC5])
        .when(decide('upheld', '2026-01-22', 95, 'obj-c'))
        .thenMatches([{ data: { revised: { grade: 'A', score: 95 } } }]);
    });

    // In the case above, C5 revised to 88 moves to second place, so by rank (seed 001 Art. 15: A–D
    // by ranking the scores) C3 (80) falls from B to C and C4 (75) from C to D.
    it('Chongqing: an upheld objection re-ranks the other agencies of the cycle (seed 001 Art. 15)', () => {
      const decided: ObjectionDecided = {
        type: 'ObjectionDecided',
        data: {
          objectionId: 'obj-c',
          uscc: 'C5',
          outcome: 'upheld',
          reason: undefined,
          revisedScore: 88,
          decidedOn: '2026-01-22',
          afterPublication: false,
          revised: scored('C5', 'B', 88, 'rank-band-B', 'chongqing-15', ['assessment-C5', 'obj-c']),
          reranked: [
            scored('C3', 'C', 80, 'rank-band-C', 'chongqing-15', ['assessment-C3', 'obj-c']),
            scored('C4', 'D', 75, 'rank-band-D', 'chongqing-15', ['assessment-C4', 'obj-c']),
          ],
        },
      };
      spec
        .given([chongqingStarted, objectionByC5])
        .when(decide('upheld', '2026-01-22', 88, 'obj-c'))
        .then([decided]);

      // The re-ranked grades replace the proposals, and are published.
      const history = [chongqingStarted, objectionByC5, decided];
      const grades = [...foldCycle(history).proposals.values()].map((p) => [p.uscc, p.grade]);
      expect(grades).toEqual([
        ['C1', 'A'],
        ['C2', 'B'],
        ['C3', 'C'],
        ['C4', 'D'],
        ['C5', 'B'],
        ['CE', 'E'],
        ['CN', 'no-business'],
      ]);
      spec
        .given(history)
        .when(publish('2026-02-03'))
        .thenMatches([
          {
            type: 'GradingCyclePublished',
            data: {
              grades: [
                { uscc: 'C1', grade: 'A' },
                { uscc: 'C2', grade: 'B' },
                { uscc: 'C3', grade: 'C', score: 80 },
                { uscc: 'C4', grade: 'D', score: 75 },
                { uscc: 'C5', grade: 'B', score: 88 },
                { uscc: 'CE', grade: 'E' },
                { uscc: 'CN', grade: 'no-business' },
              ],
            },
          },
        ]);
    });

    it('Chongqing: a revision that moves nobody else re-ranks nobody', () => {
      // Revised to 72, C5 stays fifth of five: D; the others keep their grades.
      const [event] = decideCycle(
        decide('upheld', '2026-01-22', 72, 'obj-c'),
        foldCycle([chongqingStarted, objectionByC5]),
      );
      expect(event.type).toBe('ObjectionDecided');
      expect(event.data).not.toHaveProperty('reranked');
    });

    it('re-ranks others only before publication: a published grade changes on the agency’s own objection alone', () => {
      // A history Chongqing's decider does not make (it publishes only once every objection is
      // decided), built by hand to show the guard.
      const [event] = decideCycle(
        decide('upheld', '2026-02-04', 88, 'obj-c'),
        foldCycle([
          chongqingStarted,
          objectionByC5,
          { type: 'GradingCyclePublished', data: { publishedOn: '2026-02-03', grades: [] } },
        ]),
      );
      expect(event).toMatchObject({
        type: 'ObjectionDecided',
        data: { afterPublication: true, revised: { uscc: 'C5', grade: 'B' } },
      });
      expect(event.data).not.toHaveProperty('reranked');
    });

    it('Beijing and Jiaxing grade by band: an upheld objection re-grades the objector only', () => {
      const jiaxingObjection: CycleEvent = {
        ...objectionByU2,
        data: { ...objectionByU2.data, uscc: 'J1' },
      };
      for (const history of [
        [beijingStarted, objectionByU2],
        [jiaxingStarted, jiaxingObjection],
      ]) {
        const [event] = decideCycle(decide('upheld', '2026-01-16', 55), foldCycle(history));
        expect(event).toMatchObject({ type: 'ObjectionDecided', data: { revised: { score: 55 } } });
        expect(event.data).not.toHaveProperty('reranked');
      }
    });

    it('Jiaxing: the revised risk score gives the risk level', () => {
      spec
        .given([jiaxingStarted, { ...objectionByU2, data: { ...objectionByU2.data, uscc: 'J1' } }])
        .when({ ...decide('upheld', '2026-01-16', 92), riskScore: 55 } as CycleCommand)
        .thenMatches([
          { data: { revised: { uscc: 'J1', grade: 'A', riskLevel: 'high', score: 92 } } },
        ]);
    });

    it('refuses an upheld objection without a revised score (beijing-16)', () => {
      spec
        .given([beijingStarted, objectionByU2])
        .when(decide('upheld', '2026-01-16'))
        .thenThrows(RuleViolation, 'beijing-16', 'revisedScore');
    });

    it('refuses to decide an objection twice (beijing-16, chongqing-18)', () => {
      spec
        .given([beijingStarted, objectionByU2, upheldForU2])
        .when(decide('rejected', '2026-01-17'))
        .thenThrows(RuleViolation, 'beijing-16', 'objectionId');
      spec
        .given([beijingStarted, objectionByU2, rejectedForU2])
        .when(decide('upheld', '2026-01-17', 95))
        .thenThrows(RuleViolation, 'beijing-16', 'objectionId');
      spec
        .given([
          chongqingStarted,
          objectionByC5,
          {
            type: 'ObjectionDecided',
            data: {
              objectionId: 'obj-c',
              uscc: 'C5',
              outcome: 'rejected',
              decidedOn: '2026-01-22',
              afterPublication: false,
            },
          },
        ])
        .when(decide('rejected', '2026-01-23', undefined, 'obj-c'))
        .thenThrows(RuleViolation, 'chongqing-18', 'objectionId');
    });

    it('knows no objection that was not filed (404)', () => {
      spec
        .given([beijingStarted, objectionByU2])
        .when(decide('rejected', '2026-01-16', undefined, 'obj-2'))
        .thenThrows(NotFoundError, 'beijing-16', 'objectionId');
    });

    it.each<[string, CycleEvent[], CycleCommand, string]>([
      ['Beijing', [beijingStarted, objectionByU2], decide('rejected', '2026-01-13'), 'beijing-16'],
      [
        'Beijing, upheld',
        [beijingStarted, objectionByU2],
        decide('upheld', '2026-01-12', 91),
        'beijing-16',
      ],
      [
        'Chongqing',
        [chongqingStarted, objectionByC5],
        decide('rejected', '2026-01-19', undefined, 'obj-c'),
        'chongqing-18',
      ],
    ])(
      '%s: refuses a decision dated before the objection was filed',
      (_j, history, command, article) => {
        spec.given(history).when(command).thenThrows(RuleViolation, article, 'occurredAt');
      },
    );

    it('decides an objection on the day it was filed', () => {
      spec
        .given([beijingStarted, objectionByU2])
        .when(decide('rejected', '2026-01-14'))
        .thenMatches([{ type: 'ObjectionDecided', data: { decidedOn: '2026-01-14' } }]);
    });

    it('decided after publication, it is a new decision in force from its own date (afterPublication)', () => {
      spec
        .given([beijingStarted, objectionByU2, beijingPublished])
        .when(decide('upheld', '2026-02-03', 91))
        .then([
          {
            type: 'ObjectionDecided',
            data: { ...upheldForU2.data, decidedOn: '2026-02-03', afterPublication: true },
          },
        ]);
    });

    // Beijing Art. 16 (reviewed within 5 working days of receipt) and Jiaxing (十六) (15 working
    // days, may be extended): publication does not wait for a pending objection, and its decision
    // is a new grade decision in force from its own date.
    it.each<[Jurisdiction, string, string, number, string]>([
      ['beijing', 'U2', 'B', 91, 'A'],
      ['jiaxing', 'U2', 'B', 92, 'A'],
    ])(
      '%s: an objection pending at publication, upheld afterwards, is in force from its decision date (end to end, through gradeTimeline)',
      (jurisdiction, uscc, published, revisedScore, revised) => {
        const events = run([
          start(jurisdiction, [candidate('U1', 95), candidate(uscc, 85)]),
          objection(uscc, '2026-01-14'),
          publish('2026-01-20'),
          decide('upheld', '2026-01-26', revisedScore),
        ]);
        expect(events.map((e) => e.type)).toEqual([
          'GradingCycleStarted',
          'ObjectionFiled',
          'GradingCyclePublished',
          'ObjectionDecided',
        ]);
        expect(events[2]).toMatchObject({
          data: { publishedOn: '2026-01-20', grades: [{}, { uscc, grade: published }] },
        });
        expect(events[3]).toMatchObject({
          type: 'ObjectionDecided',
          data: {
            uscc,
            outcome: 'upheld',
            decidedOn: '2026-01-26',
            afterPublication: true,
            revised: { uscc, grade: revised, score: revisedScore },
          },
        });

        const streamId = `grading-cycle-${jurisdiction}-2025`;
        const cycleFacts = events.map((event, i): TimelineFact => ({
          eventId: `cycle-${i}`,
          streamId,
          position: 10 + i,
          type: event.type,
          data: event.data,
          occurredAt: '2026-01-26T02:00:00.000Z',
          recordedAt: '2026-01-26T02:00:00.000Z',
        }));
        const registered: TimelineFact = {
          eventId: 'reg',
          streamId: `agency-${uscc}`,
          position: 1,
          type: 'AgencyRegistered',
          data: { jurisdiction },
          occurredAt: '2025-01-05T02:00:00.000Z',
          recordedAt: '2025-01-05T02:00:00.000Z',
        };
        expect(
          gradeTimeline(uscc, [registered], cycleFacts).map((p) => [
            p.grade,
            p.from,
            p.to,
            p.cause,
            p.decidedBy.eventId,
          ]),
        ).toEqual([
          [published, '2026-01-20', '2026-01-26', 'cycle-published', 'cycle-2'],
          [revised, '2026-01-26', null, 'objection-upheld', 'cycle-3'],
        ]);
      },
    );
  });

  describe('publishing', () => {
    it('publishes the proposals as the final grades once publicity is over (beijing-16, beijing-17)', () => {
      spec
        .given([beijingStarted])
        .when(publish('2026-01-20'))
        .then([
          {
            type: 'GradingCyclePublished',
            data: { publishedOn: '2026-01-20', grades: beijingProposals },
          },
        ]);
    });

    it('publishes the grades as revised on objection', () => {
      spec
        .given([beijingStarted, objectionByU2, upheldForU2])
        .when(publish('2026-01-22'))
        .then([
          {
            type: 'GradingCyclePublished',
            data: {
              publishedOn: '2026-01-22',
              grades: [beijingProposals[0], revisedU2, beijingProposals[2], beijingProposals[3]],
            },
          },
        ]);
      spec
        .given([beijingStarted, objectionByU2, rejectedForU2])
        .when(publish('2026-01-22'))
        .then([
          {
            type: 'GradingCyclePublished',
            data: { publishedOn: '2026-01-22', grades: beijingProposals },
          },
        ]);
    });

    it.each<[string, CycleEvent, string, string]>([
      ['Beijing', beijingStarted, '2026-01-12', 'beijing-16'],
      ['Beijing', beijingStarted, '2026-01-19', 'beijing-16'],
      ['Chongqing', chongqingStarted, '2026-02-02', 'chongqing-17'],
      ['Jiaxing', jiaxingStarted, '2026-01-19', 'jiaxing-16'],
    ])('%s: refuses to publish on %s, before publicity is over', (_j, started, on, article) => {
      spec.given([started]).when(publish(on)).thenThrows(RuleViolation, article, 'occurredAt');
    });

    it('Chongqing publishes the day after its 15 working days of publicity', () => {
      spec
        .given([chongqingStarted])
        .when(publish('2026-02-03'))
        .thenMatches([{ type: 'GradingCyclePublished', data: { publishedOn: '2026-02-03' } }]);
    });

    it('Chongqing: refuses to publish while an objection is pending (chongqing-18)', () => {
      spec
        .given([chongqingStarted, objectionByC5])
        .when(publish('2026-03-02'))
        .thenThrows(RuleViolation, 'chongqing-18', 'cycleId');
    });

    it.each<[string, CycleEvent[]]>([
      ['Beijing (beijing-16)', [beijingStarted, objectionByU2]],
      [
        'Jiaxing (jiaxing-16)',
        [jiaxingStarted, { ...objectionByU2, data: { ...objectionByU2.data, uscc: 'J1' } }],
      ],
    ])('%s: publishes while an objection is pending, the proposal as it stands', (_j, history) => {
      const proposals = [...foldCycle(history).proposals.values()];
      expect(proposals.length).toBeGreaterThan(0);
      spec
        .given(history)
        .when(publish('2026-01-20'))
        .then([
          { type: 'GradingCyclePublished', data: { publishedOn: '2026-01-20', grades: proposals } },
        ]);
    });

    it('refuses to publish twice', () => {
      spec
        .given([beijingStarted, beijingPublished])
        .when(publish('2026-01-21'))
        .thenThrows(RuleViolation, 'beijing-16', 'cycleId');
    });

    it('a published cycle records its publication date', () => {
      expect(foldCycle([beijingStarted, beijingPublished])).toMatchObject({
        status: 'published',
        publishedOn: '2026-01-20',
      });
    });

    // A direct downgrade decided during publicity (e.g. U1 penalised for data fraud on
    // 2026-01-15) is not in the proposals made at the start; publishing the A would supersede in
    // the timeline the D in force since 2026-01-15. Seed 000 Art. 15 / 23 (D, no upgrade for 3
    // natural years), seed 001 Art. 16 (E, revoking the grade), seed 003 (十一).
    it('does not publish over a direct downgrade decided during publicity', () => {
      spec
        .given([beijingStarted])
        .when(
          publish('2026-01-20', [
            { uscc: 'U1', downgrade: downgradeOn('2026-01-15', 'penalty-U1') },
            // On the day of publication, still known to it.
            { uscc: 'U2', downgrade: downgradeOn('2026-01-20', 'penalty-U2') },
          ]),
        )
        .then([
          {
            type: 'GradingCyclePublished',
            data: {
              publishedOn: '2026-01-20',
              grades: [
                scored('U1', 'D', 92, 'verified-fraud-penalty', 'beijing-15', ['penalty-U1']),
                scored('U2', 'D', 80, 'verified-fraud-penalty', 'beijing-15', ['penalty-U2']),
                beijingProposals[2],
                beijingProposals[3],
              ],
            },
          },
        ]);
    });

    it.each<[string, CycleEvent, string, string, DirectDowngrade, Proposal]>([
      [
        'Chongqing: an E (chongqing-16-4)',
        chongqingStarted,
        'C1',
        '2026-02-03',
        downgradeOn('2026-01-15', 'penalty-C1', 'E', 'chongqing-16-4'),
        scored('C1', 'E', 90, 'false-data-penalty', 'chongqing-16-4', ['penalty-C1']),
      ],
      [
        'Jiaxing: an E with high risk (jiaxing-11-4)',
        jiaxingStarted,
        'J1',
        '2026-01-20',
        {
          ...downgradeOn('2026-01-15', 'penalty-J1', 'E', 'jiaxing-11-4'),
          rule: 'falsification-penalty',
          riskLevel: 'high',
        },
        {
          ...scored('J1', 'E', 85, 'falsification-penalty', 'jiaxing-11-4', ['penalty-J1']),
          riskLevel: 'high',
        },
      ],
    ])(
      '%s decided during publicity survives publication',
      (_what, started, uscc, on, downgrade, expected) => {
        const [published] = decideCycle(publish(on, [{ uscc, downgrade }]), foldCycle([started]));
        if (published.type !== 'GradingCyclePublished') throw new Error('not published');
        expect(published.data.grades.find((g) => g.uscc === uscc)).toEqual(expected);
        const others = (started as GradingCycleStarted).data.proposals.filter(
          (p) => p.uscc !== uscc,
        );
        expect(published.data.grades.filter((g) => g.uscc !== uscc)).toEqual(others);
      },
    );

    it('does not re-apply a downgrade decided before publicity started: the proposal stands', () => {
      // Decided before the start, it was for the candidates to carry it (cycle.ts proposes from
      // them); this path does not look at it again.
      spec
        .given([beijingStarted])
        .when(
          publish('2026-01-20', [
            { uscc: 'U1', downgrade: downgradeOn('2026-01-11', 'penalty-early') },
            { uscc: 'U2', downgrade: downgradeOn('2025-06-03', 'penalty-old') },
          ]),
        )
        .then([
          {
            type: 'GradingCyclePublished',
            data: { publishedOn: '2026-01-20', grades: beijingProposals },
          },
        ]);
    });

    it('ignores a downgrade of an agency the cycle does not grade, or decided after publication', () => {
      spec
        .given([beijingStarted])
        .when(
          publish('2026-01-20', [
            { uscc: 'U5', downgrade: downgradeOn('2026-01-15', 'penalty-U5') },
            { uscc: 'U1', downgrade: downgradeOn('2026-01-21', 'penalty-late') },
          ]),
        )
        .then([
          {
            type: 'GradingCyclePublished',
            data: { publishedOn: '2026-01-20', grades: beijingProposals },
          },
        ]);
    });
  });
});
