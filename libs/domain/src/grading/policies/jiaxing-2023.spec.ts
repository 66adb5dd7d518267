import { BUILT_IN_CALENDAR } from '../../calendar';
import { decideCycle, initialCycleState } from '../cycle';
import type { DirectDowngrade, GradingCandidate, GradingFact } from '../grading.types';
import { policyFor } from './index';
import { jiaxing2023, JIAXING_BANDS, JIAXING_RISK } from './jiaxing-2023';

const policy = jiaxing2023;

const candidate = (
  uscc: string,
  score: number,
  extra: Partial<GradingCandidate> & { riskScore?: number; noBusiness?: boolean } = {},
): GradingCandidate => {
  const { riskScore, noBusiness = false, ...rest } = extra;
  return {
    uscc,
    registered: true,
    listed: true,
    serviceTypes: ['public-monitoring'],
    assessment: {
      eventId: `assessment-${uscc}`,
      score,
      ...(riskScore !== undefined && { riskScore }),
      noBusiness,
    },
    binding: [],
    ...rest,
  };
};

const proposalOf = (c: GradingCandidate, year = 2025) => policy.propose([c], year).get(c.uscc);

const penalty = (violationType: string, decidedAt: string, eventId = 'penalty-1'): GradingFact => ({
  eventId,
  type: 'PenaltyImposed',
  data: {
    decisionNumber: '嘉环罚〔2025〕1号',
    decidedAt,
    violationType,
    legalBasis: '《浙江省检验机构管理条例》',
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

const downgradeBy = (fact: GradingFact): DirectDowngrade => {
  const d = policy.directDowngrade(fact, String(fact.data.decidedAt));
  if (!d) throw new Error(`${fact.type} triggers no downgrade`);
  return d;
};

describe('Jiaxing 2023 (seed 003)', () => {
  it('is the version in force in Jiaxing', () => {
    expect(policyFor('jiaxing', '2026-01-12')).toBe(policy);
    expect(policy).toMatchObject({ id: 'jiaxing/2023', jurisdiction: 'jiaxing', version: '2023' });
    expect(JIAXING_BANDS.map(([grade]) => grade)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(JIAXING_RISK).toEqual({ low: 80, medium: 60 });
  });

  // Seed 003 (二十二): the rules take effect on 2023-03-01 ("自 2023 年 3 月 1 日起施行"); the
  // notice is dated 2023-01-16.
  it('takes effect on 2023-03-01 (seed 003 (二十二))', () => {
    expect(policy.effectiveFrom).toBe('2023-03-01');
    expect(policyFor('jiaxing', '2023-03-01')).toBe(policy);
  });

  describe('bands by basic credit score ((十): A ≥ 90, B 80–<90, C 70–<80, D 60–<70, E < 60)', () => {
    it.each([
      [100, 'A'],
      [90, 'A'],
      [89.99, 'B'],
      [80, 'B'],
      [79.99, 'C'],
      [70, 'C'],
      [69.99, 'D'],
      [60, 'D'],
      [59.99, 'E'],
      [0, 'E'],
    ])('a score of %p is %s', (score, grade) => {
      expect(proposalOf(candidate('X', score, { riskScore: 90 }))).toEqual({
        grade,
        score,
        riskLevel: 'low',
        explanation: [
          { rule: `score-band-${grade}`, article: 'jiaxing-10', facts: ['assessment-X'] },
        ],
      });
    });
  });

  describe('risk levels by risk score ((十): low ≥ 80, medium 60–<80, high < 60)', () => {
    it.each([
      [100, 'low'],
      [80, 'low'],
      [79.99, 'medium'],
      [60, 'medium'],
      [59.99, 'high'],
      [0, 'high'],
    ])('a risk score of %p is %s risk, independent of the grade', (riskScore, riskLevel) => {
      expect(proposalOf(candidate('X', 95, { riskScore }))).toMatchObject({
        grade: 'A',
        riskLevel,
      });
    });

    it.each([
      [85, 'low'],
      [65, 'medium'],
      [50, 'high'],
    ])(
      'without a risk score, a basic score of %p gives %s risk (assumption)',
      (score, riskLevel) => {
        expect(proposalOf(candidate('X', score))?.riskLevel).toBe(riskLevel);
      },
    );
  });

  describe('who is graded ((五): registered agencies)', () => {
    it.each<[string, GradingCandidate]>([
      ['an agency that is not registered', candidate('X', 95, { registered: false })],
      [
        'an agency with no assessment for the year',
        { ...candidate('X', 95), assessment: undefined },
      ],
    ])('leaves out %s', (_what, c) => {
      expect(policy.propose([c], 2025).has('X')).toBe(false);
    });

    it('grades an agency with no business in the year on its score: Jiaxing has no "no business"', () => {
      expect(proposalOf(candidate('X', 85, { noBusiness: true }))?.grade).toBe('B');
    });

    it('grades each agency on its own score, not by rank', () => {
      const proposals = policy.propose(
        [candidate('P', 95), candidate('Q', 95), candidate('R', 55)],
        2025,
      );
      expect([...proposals].map(([u, d]) => [u, d.grade])).toEqual([
        ['P', 'A'],
        ['Q', 'A'],
        ['R', 'E'],
      ]);
    });
  });

  describe('direct E and high risk ((十一))', () => {
    it.each(['data-fraud', 'false-report', 'false-om'])(
      'a penalty for %s (falsification) gives E and high risk from its decision date (jiaxing-11-4)',
      (violationType) => {
        expect(policy.directDowngrade(penalty(violationType, '2025-06-03'), '2025-06-03')).toEqual({
          grade: 'E',
          riskLevel: 'high',
          effectiveFrom: '2025-06-03',
          rule: 'falsification-penalty',
          article: 'jiaxing-11-4',
          eventId: 'penalty-1',
          barsUpgrade: false,
        });
      },
    );

    it('listing as seriously dishonest gives E and high risk (jiaxing-11-5)', () => {
      expect(
        policy.directDowngrade(
          finding('serious-dishonesty-listed', '', '2025-07-01'),
          '2025-07-01',
        ),
      ).toEqual({
        grade: 'E',
        riskLevel: 'high',
        effectiveFrom: '2025-07-01',
        rule: 'serious-dishonesty-list',
        article: 'jiaxing-11-5',
        eventId: 'finding-1',
        barsUpgrade: false,
      });
    });

    it.each(['jiaxing-11-1', 'jiaxing-11-2', 'jiaxing-11-3'])(
      'a finding citing %s gives E under that article',
      (article) => {
        expect(
          policy.directDowngrade(finding('credit-bad', article, '2025-07-01'), '2025-07-01'),
        ).toEqual({
          grade: 'E',
          riskLevel: 'high',
          effectiveFrom: '2025-07-01',
          rule: 'direct-e-finding',
          article,
          eventId: 'finding-1',
          barsUpgrade: false,
        });
      },
    );

    it.each<[string, GradingFact]>([
      ['a penalty for an untrue report', penalty('untrue-report', '2025-06-03')],
      ['a penalty for refusing inspection', penalty('refused-inspection', '2025-06-03')],
      ['a penalty of another kind', penalty('other', '2025-06-03')],
      [
        'a credit-bad finding citing a Beijing article',
        finding('credit-bad', 'beijing-9-1', '2025-06-03'),
      ],
      ['a police case', finding('police-case-opened', '', '2025-06-03')],
      [
        'a removal from the list citing no article',
        finding('serious-dishonesty-removed', '', '2025-06-03'),
      ],
    ])('%s triggers nothing', (_what, fact) => {
      expect(policy.directDowngrade(fact, '2025-06-03')).toBeNull();
    });

    // Seed 003 (十一) lists situations that make E; (十二) handles removal from the list: a
    // removal makes no E, whatever article it cites.
    it.each(['jiaxing-11-5', 'jiaxing-11-1'])(
      'a removal from the serious-dishonesty list citing %s triggers nothing',
      (article) => {
        expect(
          policy.directDowngrade(
            finding('serious-dishonesty-removed', article, '2025-06-03'),
            '2025-06-03',
          ),
        ).toBeNull();
      },
    );
  });

  describe('when the agency refused to take part ((十一)1: 无故不参与)', () => {
    const refusal = finding('refused-evaluation', 'jiaxing-11-1', '2025-11-20', 'refusal-1');

    it('the refusal gives E and high risk from its date (jiaxing-11-1)', () => {
      expect(policy.directDowngrade(refusal, '2025-11-20')).toEqual({
        grade: 'E',
        riskLevel: 'high',
        effectiveFrom: '2025-11-20',
        rule: 'refused-evaluation',
        article: 'jiaxing-11-1',
        eventId: 'refusal-1',
        barsUpgrade: false,
      });
    });

    it('the refusal reads as (十一)1 whatever article it was recorded under', () => {
      const cited = finding('refused-evaluation', 'jiaxing-11', '2025-11-20', 'refusal-1');
      expect(policy.directDowngrade(cited, '2025-11-20')).toMatchObject({
        rule: 'refused-evaluation',
        article: 'jiaxing-11-1',
      });
    });

    it('the cycle proposes E and high risk for it, with no assessment and no score: not left out', () => {
      const c = { ...candidate('X', 0), assessment: undefined, binding: [downgradeBy(refusal)] };
      expect(policy.propose([c], 2025).get('X')).toEqual({
        grade: 'E',
        score: null,
        riskLevel: 'high',
        explanation: [
          { rule: 'refused-evaluation', article: 'jiaxing-11-1', facts: ['refusal-1'] },
        ],
      });
    });

    it('a refusal of the year before binds no later cycle ((十八): a new grade voids the old)', () => {
      const old = finding('refused-evaluation', 'jiaxing-11-1', '2024-11-20', 'refusal-1');
      const c = { ...candidate('X', 0), assessment: undefined, binding: [downgradeBy(old)] };
      expect(policy.propose([c], 2025).has('X')).toBe(false);
    });
  });

  describe('binding downgrades in a cycle', () => {
    it('a falsification penalty in the cycle year forces E and high risk whatever the scores', () => {
      const binding = [downgradeBy(penalty('false-om', '2025-03-01'))];
      expect(proposalOf(candidate('X', 99, { riskScore: 99, binding }))).toEqual({
        grade: 'E',
        score: 99,
        riskLevel: 'high',
        explanation: [
          { rule: 'falsification-penalty', article: 'jiaxing-11-4', facts: ['penalty-1'] },
        ],
      });
    });

    it('an E decided the year before does not bind the cycle: a new grade voids the old ((十八))', () => {
      const binding = [downgradeBy(finding('serious-dishonesty-listed', '', '2024-12-31'))];
      expect(proposalOf(candidate('X', 99, { riskScore: 99, binding }))).toMatchObject({
        grade: 'A',
        riskLevel: 'low',
      });
    });

    // The candidates carry the downgrades decided by the cycle's start: one decided after the
    // graded year is still a direct E ((十一)), not voided by the grade of an earlier year.
    it('an E decided after the graded year, before the cycle starts, binds the cycle ((十一))', () => {
      const binding = [downgradeBy(finding('serious-dishonesty-listed', '', '2026-01-01'))];
      expect(proposalOf(candidate('X', 99, { riskScore: 99, binding }))).toEqual({
        grade: 'E',
        score: 99,
        riskLevel: 'high',
        explanation: [
          { rule: 'serious-dishonesty-list', article: 'jiaxing-11-5', facts: ['finding-1'] },
        ],
      });
    });
  });

  describe('upgrades: the Jiaxing rules set no bar', () => {
    it('never bars, whatever the standing', () => {
      const e = downgradeBy(penalty('data-fraud', '2025-06-03'));
      expect(
        policy.upgradeBar({
          on: '2025-06-04',
          current: { grade: 'E', from: '2025-06-03' },
          downgrades: [e],
          eGrades: ['2024-01-01', '2025-06-03'],
        }),
      ).toBeNull();
      expect(
        policy.upgradeBar({
          on: '2025-06-04',
          current: { grade: 'A', from: '2025-06-03' },
          downgrades: [],
          eGrades: [],
        }),
      ).toBeNull();
    });
  });

  describe('publicity and objection review ((十六))', () => {
    it.each([
      ['2026-01-12', '2026-01-19'],
      ['2026-09-30', '2026-10-13'],
    ])(
      'objections may be filed within 5 working days of publicity starting %s: until %s',
      (on, ends) => {
        const [started] = decideCycle(
          {
            type: 'StartGradingCycle',
            calendar: BUILT_IN_CALENDAR,
            cycleId: 'jiaxing-2025',
            jurisdiction: 'jiaxing',
            year: 2025,
            on,
            candidates: [],
          },
          initialCycleState,
        );
        expect(started.data).toMatchObject({
          publicityStartsOn: on,
          objectionWindowEndsOn: ends,
          publicityEndsOn: ends,
        });
      },
    );

    it.each([
      ['2026-01-13', '2026-02-03', 'three weeks and two days'],
      [
        '2026-09-24',
        '2026-10-22',
        'across Mid-Autumn and National Day, with Saturday 2026-10-10 worked',
      ],
      [
        '2026-02-09',
        '2026-03-06',
        'across Spring Festival, with Saturdays 2026-02-14 and 2026-02-28 worked',
      ],
    ])('an objection filed on %s is due for review by %s (15 working days: %s)', (filedOn, due) => {
      expect(
        policy.objectionReviewDueOn(BUILT_IN_CALENDAR, filedOn, {
          date: '2026-01-19',
          calendar: {},
        }).date,
      ).toBe(due);
    });

    it('cites (十八) for the cycle and (十六) for publicity and objections', () => {
      expect(policy.articles).toEqual({
        cycle: 'jiaxing-18',
        publicity: 'jiaxing-16',
        objectionReview: 'jiaxing-16',
        upgrade: 'jiaxing-18',
      });
      expect(policy.inspectionRatio).toBeUndefined();
    });

    it('publishes without waiting for objections: the review takes 15 working days and may be extended ((十六))', () => {
      expect(policy.objectionsDecidedBeforePublication).toBe(false);
    });
  });

  describe('revise: a score revised on objection ((十六): a wrong result is corrected)', () => {
    it.each<[number, number | undefined, string, string]>([
      [90, 85, 'A', 'low'],
      [89.99, 79.99, 'B', 'medium'],
      [65, 59.99, 'D', 'high'],
      [59.99, undefined, 'E', 'high'],
      [85, undefined, 'B', 'low'],
    ])(
      'a revised score of %p with risk score %p is %s, %s risk',
      (score, riskScore, grade, riskLevel) => {
        expect(policy.revise('X', score, riskScore, new Map([['Y', 10]]))).toEqual(
          new Map([
            [
              'X',
              {
                grade,
                score,
                riskLevel,
                explanation: [{ rule: `score-band-${grade}`, article: 'jiaxing-10', facts: [] }],
              },
            ],
          ]),
        );
      },
    );
  });
});
