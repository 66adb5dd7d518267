import { BUILT_IN_CALENDAR } from '../../calendar';
import { decideCycle, initialCycleState } from '../cycle';
import type {
  DirectDowngrade,
  GradeDecision,
  GradingCandidate,
  GradingFact,
} from '../grading.types';
import { beijing2026, BEIJING_BANDS } from './beijing-2026';
import { policyFor } from './index';

const policy = beijing2026;

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

const proposalOf = (c: GradingCandidate, year = 2025): GradeDecision | undefined =>
  policy.propose([c], year).get(c.uscc);

const penalty = (violationType: string, decidedAt: string, eventId = 'penalty-1'): GradingFact => ({
  eventId,
  type: 'PenaltyImposed',
  data: {
    decisionNumber: '京环罚〔2025〕1号',
    decidedAt,
    violationType,
    legalBasis: '《生态环境监测条例》',
    content: 'fine',
  },
});

const finding = (
  kind: string,
  article: string,
  decidedAt: string,
  eventId = 'finding-1',
): GradingFact => ({
  eventId,
  type: 'CreditFindingRecorded',
  data: { kind, article, decidedAt },
});

/** The direct downgrade a fact triggers: every binding below is made by the policy itself. */
const downgradeBy = (fact: GradingFact): DirectDowngrade => {
  const d = policy.directDowngrade(fact, String(fact.data.decidedAt));
  if (!d) throw new Error(`${fact.type} triggers no downgrade`);
  return d;
};

const publicityEndsOn = (on: string) => {
  const [started] = decideCycle(
    {
      type: 'StartGradingCycle',
      calendar: BUILT_IN_CALENDAR,
      cycleId: 'beijing-2025',
      jurisdiction: 'beijing',
      year: 2025,
      on,
      candidates: [],
    },
    initialCycleState,
  );
  if (started.type !== 'GradingCycleStarted') throw new Error('no cycle started');
  return started.data;
};

describe('Beijing 2026 (seed 000)', () => {
  it('is the version in force in Beijing from 2025-01-01, an assumption recorded with its reason', () => {
    expect(policyFor('beijing', '2025-01-01')).toBe(policy);
    expect(policyFor('beijing', '2029-06-01')).toBe(policy);
    expect(policy).toMatchObject({
      id: 'beijing/2026-draft',
      jurisdiction: 'beijing',
      effectiveFrom: '2025-01-01',
      effectiveAssumption: expect.stringContaining('征求意见稿') as string,
    });
    expect(BEIJING_BANDS.map(([grade]) => grade)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('decides nothing dated before any Beijing policy took effect: 422 policy-in-force, never the nearest version', () => {
    expect(() => policyFor('beijing', '2024-12-31')).toThrow(
      expect.objectContaining({ article: 'policy-in-force', status: 422 }) as Error,
    );
  });

  describe('bands by score (Art. 15: A ≥ 90, B 75–<90, C 60–<75, D < 60)', () => {
    it.each([
      [100, 'A'],
      [90, 'A'],
      [89.99, 'B'],
      [75, 'B'],
      [74.99, 'C'],
      [60, 'C'],
      [59.99, 'D'],
      [0, 'D'],
    ])('a score of %p is %s', (score, grade) => {
      expect(proposalOf(candidate('X', score))).toEqual({
        grade,
        score,
        explanation: [
          { rule: `score-band-${grade}`, article: 'beijing-15', facts: ['assessment-X'] },
        ],
      });
    });

    it('grades every candidate of a cycle on its own score', () => {
      const proposals = policy.propose(
        [candidate('P', 95), candidate('Q', 80), candidate('R', 61), candidate('S', 10)],
        2025,
      );
      expect([...proposals].map(([uscc, d]) => [uscc, d.grade])).toEqual([
        ['P', 'A'],
        ['Q', 'B'],
        ['R', 'C'],
        ['S', 'D'],
      ]);
    });
  });

  describe('who is graded (Art. 12, Art. 15)', () => {
    it.each<[string, GradingCandidate]>([
      ['an agency that is not registered', candidate('X', 95, { registered: false })],
      [
        'an agency doing public monitoring only',
        candidate('X', 95, { serviceTypes: ['public-monitoring'] }),
      ],
      ['an agency with no service type', candidate('X', 95, { serviceTypes: [] })],
      [
        'an agency with no assessment for the year',
        { ...candidate('X', 95), assessment: undefined },
      ],
    ])('leaves out %s', (_what, c) => {
      expect(policy.propose([c], 2025).has('X')).toBe(false);
    });

    it('grades a registered self-monitoring agency that also does public monitoring', () => {
      expect(
        proposalOf(candidate('X', 95, { serviceTypes: ['public-monitoring', 'self-monitoring'] }))
          ?.grade,
      ).toBe('A');
    });

    it('marks an agency with no business in the year "no-business", with no score (Art. 15)', () => {
      expect(proposalOf(candidate('X', 95, { noBusiness: true }))).toEqual({
        grade: 'no-business',
        score: null,
        explanation: [
          { rule: 'no-business-in-year', article: 'beijing-15', facts: ['assessment-X'] },
        ],
      });
    });
  });

  describe('direct downgrade to D (Art. 9, Art. 15)', () => {
    it.each(['data-fraud', 'false-report', 'untrue-report', 'false-om'])(
      'a penalty for %s gives D from its decision date, barring upgrades (beijing-15)',
      (violationType) => {
        expect(policy.directDowngrade(penalty(violationType, '2025-06-03'), '2025-06-03')).toEqual({
          grade: 'D',
          effectiveFrom: '2025-06-03',
          rule: 'verified-fraud-penalty',
          article: 'beijing-15',
          eventId: 'penalty-1',
          barsUpgrade: true,
        });
      },
    );

    it('a penalty for refusing inspection is credit-bad: D (beijing-9-5)', () => {
      expect(
        policy.directDowngrade(penalty('refused-inspection', '2025-06-03'), '2025-06-03'),
      ).toEqual({
        grade: 'D',
        effectiveFrom: '2025-06-03',
        rule: 'credit-bad',
        article: 'beijing-9-5',
        eventId: 'penalty-1',
        barsUpgrade: true,
      });
    });

    const inspection = (...codes: string[]): GradingFact => ({
      eventId: 'inspection-1',
      type: 'InspectionRecorded',
      data: { inspectedAt: '2025-06-03', findings: codes.map((code) => ({ code })) },
    });

    it.each(['refused-inspection', 'refused-rectification'])(
      'an inspection that finds %s is credit-bad: D from the inspection date, barring upgrades (beijing-9-5)',
      (code) => {
        expect(policy.directDowngrade(inspection('record-keeping', code), '2025-06-03')).toEqual({
          grade: 'D',
          effectiveFrom: '2025-06-03',
          rule: 'credit-bad',
          article: 'beijing-9-5',
          eventId: 'inspection-1',
          barsUpgrade: true,
        });
      },
    );

    it.each(['untrue-report', 'false-report'])(
      'an inspection that verifies %s (经查实) gives D as a fraud penalty does (beijing-15)',
      (code) => {
        expect(
          policy.directDowngrade(inspection('refused-rectification', code), '2025-06-03'),
        ).toEqual({
          grade: 'D',
          effectiveFrom: '2025-06-03',
          rule: 'verified-fraud-inspection',
          article: 'beijing-15',
          eventId: 'inspection-1',
          barsUpgrade: true,
        });
      },
    );

    it('an inspection whose findings are ordinary shortcomings triggers nothing', () => {
      expect(
        policy.directDowngrade(inspection('record-keeping', 'sample-management'), '2025-06-03'),
      ).toBeNull();
    });

    it.each([
      ['credit-bad', 'beijing-9-1', 'beijing-9-1'],
      ['credit-bad', 'beijing-9-6', 'beijing-9-6'],
      ['credit-bad', '', 'beijing-9'],
      ['police-case-opened', 'beijing-9-4', 'beijing-9-4'],
      ['police-case-opened', '', 'beijing-9-4'],
      ['serious-dishonesty-listed', 'beijing-9-7', 'beijing-9-7'],
      ['serious-dishonesty-listed', 'chongqing-16-8', 'beijing-9-7'],
    ])('a %s finding citing %p gives D under %s', (kind, cited, article) => {
      expect(policy.directDowngrade(finding(kind, cited, '2025-07-01'), '2025-07-01')).toEqual({
        grade: 'D',
        effectiveFrom: '2025-07-01',
        rule: 'credit-bad',
        article,
        eventId: 'finding-1',
        barsUpgrade: true,
      });
    });

    it.each<[string, GradingFact]>([
      ['a penalty of another kind', penalty('other', '2025-06-03')],
      [
        'a removal from the serious-dishonesty list',
        finding('serious-dishonesty-removed', 'beijing-9-7', '2025-06-03'),
      ],
      [
        'an inspection',
        {
          eventId: 'inspection-1',
          type: 'InspectionRecorded',
          data: { inspectedAt: '2025-06-03', findings: [] },
        },
      ],
    ])('%s triggers nothing', (_what, fact) => {
      expect(policy.directDowngrade(fact, '2025-06-03')).toBeNull();
    });
  });

  describe('binding downgrades in a cycle (Art. 15, Art. 23)', () => {
    it('a fraud penalty decided in the cycle year forces D whatever the score, keeping the score', () => {
      const binding = [downgradeBy(penalty('data-fraud', '2025-06-03'))];
      expect(proposalOf(candidate('X', 98, { binding }), 2025)).toEqual({
        grade: 'D',
        score: 98,
        explanation: [
          { rule: 'verified-fraud-penalty', article: 'beijing-15', facts: ['penalty-1'] },
        ],
      });
    });

    it('a credit-bad finding in the cycle year forces D even over a "no business" year', () => {
      const binding = [downgradeBy(finding('police-case-opened', 'beijing-9-4', '2025-11-30'))];
      expect(proposalOf(candidate('X', 98, { binding, noBusiness: true }), 2025)?.grade).toBe('D');
    });

    it.each([
      [2023, '2023-05-10', 'D'],
      [2024, '2023-05-10', 'D'],
      [2025, '2023-05-10', 'D'],
      [2026, '2023-05-10', 'D'],
      [2027, '2023-05-10', 'A'],
      [2026, '2022-12-31', 'A'],
      [2026, '2023-01-01', 'D'],
    ])(
      'in the %p cycle, a fraud D decided on %s gives %s (3 natural years after the decision year)',
      (year, decidedAt, grade) => {
        const binding = [downgradeBy(penalty('false-report', decidedAt))];
        expect(proposalOf(candidate('X', 95, { binding }), year)?.grade).toBe(grade);
      },
    );

    it('a downgrade that does not bar upgrades binds its own year’s cycle, not a later year’s', () => {
      const binding: DirectDowngrade[] = [
        { ...downgradeBy(penalty('data-fraud', '2024-03-01')), barsUpgrade: false },
      ];
      expect(proposalOf(candidate('X', 95, { binding }), 2024)?.grade).toBe('D');
      expect(proposalOf(candidate('X', 95, { binding }), 2025)?.grade).toBe('A');
    });

    // The candidates of a cycle carry the downgrades decided by its start: one decided after the
    // graded year, before the cycle starts, binds it too (Art. 15).
    it.each<[string, boolean]>([
      ['barring upgrades (Art. 23)', true],
      ['not barring upgrades', false],
    ])(
      'a D decided after the graded year, before the cycle starts, binds the cycle (%s)',
      (_what, barsUpgrade) => {
        const binding: DirectDowngrade[] = [
          { ...downgradeBy(penalty('data-fraud', '2026-01-05')), barsUpgrade },
        ];
        expect(proposalOf(candidate('X', 95, { binding }), 2025)).toEqual({
          grade: 'D',
          score: 95,
          explanation: [
            { rule: 'verified-fraud-penalty', article: 'beijing-15', facts: ['penalty-1'] },
          ],
        });
      },
    );

    it('a D decided before the graded year binds only while its Art. 23 bar runs', () => {
      const barring = [downgradeBy(penalty('data-fraud', '2024-12-31'))];
      const notBarring = [{ ...barring[0], barsUpgrade: false }];
      expect(proposalOf(candidate('X', 95, { binding: barring }), 2025)?.grade).toBe('D');
      expect(proposalOf(candidate('X', 95, { binding: notBarring }), 2025)?.grade).toBe('A');
    });

    it('with several binding facts, the latest D explains the grade', () => {
      const binding = [
        downgradeBy(penalty('data-fraud', '2025-02-01', 'penalty-early')),
        downgradeBy(finding('credit-bad', 'beijing-9-1', '2025-09-01', 'finding-late')),
      ];
      expect(proposalOf(candidate('X', 95, { binding }), 2025)?.explanation).toEqual([
        { rule: 'credit-bad', article: 'beijing-9-1', facts: ['finding-late'] },
      ]);
    });
  });

  describe('upgrades (Art. 23)', () => {
    const fraudD = downgradeBy(penalty('data-fraud', '2026-05-20'));
    const none = { current: null, downgrades: [], eGrades: [] };

    it.each([
      ['2026-05-20', 'the day of the decision'],
      ['2027-06-01', 'the next year'],
      ['2029-12-31', 'the last day of the third natural year after it'],
    ])('a D for fraud bars an upgrade on %s (%s), until 2029-12-31', (today) => {
      expect(
        policy.upgradeBar({
          on: today,
          current: { grade: 'D', from: '2026-05-20' },
          downgrades: [fraudD],
          eGrades: [],
        }),
      ).toEqual({
        reason: 'graded D for credit-bad or fraud: no upgrade until 2029-12-31',
        article: 'beijing-23',
        until: '2029-12-31',
      });
    });

    it('after the 3 natural years the bar is lifted', () => {
      expect(
        policy.upgradeBar({
          on: '2030-01-01',
          current: { grade: 'D', from: '2026-05-20' },
          downgrades: [fraudD],
          eGrades: [],
        }),
      ).toBeNull();
    });

    it('a downgrade decided after today does not bar yet', () => {
      expect(policy.upgradeBar({ ...none, on: '2026-05-19', downgrades: [fraudD] })).toBeNull();
    });

    it('with several barring downgrades, the bar runs to the latest end', () => {
      const later = downgradeBy(finding('credit-bad', 'beijing-9-6', '2027-02-01', 'finding-2'));
      expect(
        policy.upgradeBar({ ...none, on: '2027-03-01', downgrades: [fraudD, later] }),
      ).toMatchObject({
        article: 'beijing-23',
        until: '2030-12-31',
      });
    });

    it('an A cannot be raised', () => {
      expect(
        policy.upgradeBar({
          ...none,
          on: '2026-03-01',
          current: { grade: 'A', from: '2026-01-20' },
        }),
      ).toEqual({
        reason: 'an A grade cannot be raised',
        article: 'beijing-23',
        until: '2026-03-01',
      });
    });

    it.each([
      ['B', '2026-01-20', '2026-07-19', '2026-07-20'],
      ['C', '2026-08-31', '2027-02-27', '2027-02-28'],
      ['D', '2026-03-31', '2026-09-29', '2026-09-30'],
    ])(
      'a %s adjusted on %s may apply from 6 months later: barred on %s, allowed on %s',
      (grade, from, dayBefore, dayOf) => {
        const current = { grade, from };
        expect(policy.upgradeBar({ ...none, on: dayBefore, current })).toEqual({
          reason: `the grade was last adjusted on ${from}: apply from ${dayOf}`,
          article: 'beijing-23',
          until: dayOf,
        });
        expect(policy.upgradeBar({ ...none, on: dayOf, current })).toBeNull();
      },
    );

    it.each([
      null,
      { grade: 'ungraded', from: '2026-01-01' },
      { grade: 'no-business', from: '2026-01-20' },
    ])('nothing bars an agency whose standing is %j', (current) => {
      expect(policy.upgradeBar({ ...none, on: '2026-03-01', current })).toBeNull();
    });
  });

  describe('publicity and objection review (Art. 16: 5 working days each)', () => {
    it.each([
      ['2026-01-12', '2026-01-19', 'Monday to Monday'],
      [
        '2026-09-30',
        '2026-10-13',
        'across National Day, Saturday 2026-10-10 a make-up working day',
      ],
      [
        '2026-02-12',
        '2026-02-26',
        'across Spring Festival, Saturday 2026-02-14 a make-up working day',
      ],
    ])('publicity starting %s ends %s (%s), as does the objection window', (on, ends) => {
      expect(publicityEndsOn(on)).toMatchObject({
        publicityStartsOn: on,
        publicityEndsOn: ends,
        objectionWindowEndsOn: ends,
      });
    });

    it.each([
      ['2026-01-13', '2026-01-20'],
      ['2026-09-30', '2026-10-13'],
      ['2026-04-30', '2026-05-11'],
    ])('an objection received on %s is reviewed by %s', (filedOn, due) => {
      expect(
        policy.objectionReviewDueOn(BUILT_IN_CALENDAR, filedOn, {
          date: '2026-12-31',
          calendar: {},
        }).date,
      ).toBe(due);
    });

    it('cites Art. 13 for the cycle, Art. 16 for publicity and objections and Art. 23 for upgrades', () => {
      expect(policy.articles).toEqual({
        cycle: 'beijing-13',
        publicity: 'beijing-16',
        objectionReview: 'beijing-16',
        upgrade: 'beijing-23',
      });
      expect(policy.inspectionRatio).toBeUndefined();
    });

    it('publishes without waiting for objections: one is reviewed within 5 working days of receipt, which may end after publicity (Art. 16)', () => {
      expect(policy.objectionsDecidedBeforePublication).toBe(false);
    });
  });

  describe('revise: a score revised on objection', () => {
    it.each([
      [91, 'A'],
      [89.99, 'B'],
      [74.99, 'C'],
      [59.99, 'D'],
    ])('a revised score of %p is %s, whatever the others scored', (score, grade) => {
      expect(policy.revise('X', score, undefined, new Map([['Y', 100]]))).toEqual(
        new Map([
          [
            'X',
            {
              grade,
              score,
              explanation: [{ rule: `score-band-${grade}`, article: 'beijing-15', facts: [] }],
            },
          ],
        ]),
      );
    });

    it('grades only the objector: bands do not move with others’ scores (Art. 15)', () => {
      const others = new Map([
        ['Y', 100],
        ['Z', 50],
      ]);
      expect([...policy.revise('X', 95, undefined, others).keys()]).toEqual(['X']);
    });
  });
});
