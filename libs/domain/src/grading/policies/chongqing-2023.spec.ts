import { BUILT_IN_CALENDAR } from '../../calendar';
import { decideCycle, evolveCycle, initialCycleState } from '../cycle';
import type { DirectDowngrade, Grade, GradingCandidate, GradingFact } from '../grading.types';
import {
  chongqing2023,
  CHONGQING_RANK_CUTOFFS,
  directoryStanding,
  rankGrades,
  reentryBar,
  reentryRefusal,
} from './chongqing-2023';
import { directoryRulesFor, policyFor } from './index';

const policy = chongqing2023;

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
    serviceTypes: ['public-monitoring'],
    assessment: { eventId: `assessment-${uscc}`, score, noBusiness },
    binding: [],
    ...rest,
  };
};

/** Candidates named A01, A02 … with the scores given, in that order. */
const field = (scores: number[]) =>
  scores.map((score, i) => candidate(`A${String(i + 1).padStart(2, '0')}`, score));

const gradesOf = (candidates: GradingCandidate[], year = 2025) =>
  [...policy.propose(candidates, year)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, d]) => d.grade);

const penalty = (violationType: string, decidedAt: string, eventId = 'penalty-1'): GradingFact => ({
  eventId,
  type: 'PenaltyImposed',
  data: {
    decisionNumber: '渝环罚〔2025〕1号',
    decidedAt,
    violationType,
    legalBasis: '《重庆市环境保护条例》',
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

const started = (on: string) => {
  const [event] = decideCycle(
    {
      type: 'StartGradingCycle',
      calendar: BUILT_IN_CALENDAR,
      cycleId: 'chongqing-2025',
      jurisdiction: 'chongqing',
      year: 2025,
      on,
      candidates: [],
    },
    initialCycleState,
  );
  if (event.type !== 'GradingCycleStarted') throw new Error('no cycle started');
  return event.data;
};

describe('Chongqing 2023 (seed 001)', () => {
  it('is the version in force in Chongqing', () => {
    expect(policyFor('chongqing', '2026-01-12')).toBe(policy);
    expect(policy).toMatchObject({
      id: 'chongqing/2023',
      jurisdiction: 'chongqing',
      version: '2023',
    });
    expect(CHONGQING_RANK_CUTOFFS).toEqual([
      ['A', 0.2],
      ['B', 0.5],
      ['C', 0.8],
      ['D', 1],
    ]);
  });

  describe('A–D by rank of score (Art. 15; cut-offs an assumption: 20 % / 30 % / 30 % / rest)', () => {
    it.each<[string, number[], Grade[]]>([
      [
        '10 agencies: 2 A, 3 B, 3 C, 2 D',
        [100, 99, 98, 97, 96, 95, 94, 93, 92, 91],
        ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'D', 'D'],
      ],
      [
        '10 agencies listed out of order',
        [91, 100, 93, 99, 95, 96, 97, 92, 98, 94],
        ['D', 'A', 'C', 'A', 'C', 'B', 'B', 'D', 'B', 'C'],
      ],
      ['3 agencies: one each of A, B, C', [70, 80, 60], ['B', 'A', 'C']],
      ['1 agency: A', [42], ['A']],
      ['2 agencies: A and C (B holds no whole place)', [50, 40], ['A', 'C']],
      ['5 agencies: A, B, B, C, D', [90, 85, 80, 75, 70], ['A', 'B', 'B', 'C', 'D']],
      [
        'ties across the A/B edge share A',
        [100, 99, 99, 97, 96, 95, 94, 93, 92, 91],
        ['A', 'A', 'A', 'B', 'B', 'C', 'C', 'C', 'D', 'D'],
      ],
      [
        'ties across the B/C edge share B',
        [100, 99, 98, 97, 96, 96, 94, 93, 92, 91],
        ['A', 'A', 'B', 'B', 'B', 'B', 'C', 'C', 'D', 'D'],
      ],
      [
        'ties across the C/D edge share C: no D',
        [100, 99, 98, 97, 96, 95, 94, 93, 93, 93],
        ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C'],
      ],
      ['all equal: all A', [80, 80, 80, 80], ['A', 'A', 'A', 'A']],
      ['a score of 0 ranks like any other', [0, 100, 50], ['C', 'A', 'B']],
    ])('%s', (_what, scores, grades) => {
      expect(gradesOf(field(scores))).toEqual(grades);
    });

    it('explains a ranked grade by the rank rule and the assessment', () => {
      expect(policy.propose(field([90, 80, 70]), 2025).get('A02')).toEqual({
        grade: 'B',
        score: 80,
        explanation: [{ rule: 'rank-band-B', article: 'chongqing-15', facts: ['assessment-A02'] }],
      });
    });

    it('rankGrades ranks a bare map of scores', () => {
      expect(
        rankGrades(
          new Map([
            ['x', 10],
            ['y', 30],
            ['z', 20],
          ]),
        ),
      ).toEqual(
        new Map([
          ['x', 'C'],
          ['y', 'A'],
          ['z', 'B'],
        ]),
      );
      expect(rankGrades(new Map())).toEqual(new Map());
    });
  });

  describe('who is graded (Art. 13)', () => {
    it.each<[string, GradingCandidate]>([
      [
        'an agency not registered (not in the directory, Art. 4)',
        candidate('X', 95, { registered: false }),
      ],
      [
        'an agency out of the directory after an E (Art. 20)',
        candidate('X', 95, { listed: false }),
      ],
      [
        'an agency with no assessment for the year',
        { ...candidate('X', 95), assessment: undefined },
      ],
    ])('leaves out %s', (_what, c) => {
      expect(policy.propose([c], 2025).has('X')).toBe(false);
    });

    it('grades listed agencies whatever their service types', () => {
      expect(
        policy.propose([candidate('X', 95, { serviceTypes: ['self-monitoring'] })], 2025).get('X')
          ?.grade,
      ).toBe('A');
    });

    it('marks an agency with no business in the year "no-business" and does not rank it', () => {
      const proposals = policy.propose(
        [...field([90, 80, 70]), candidate('NB', 100, { noBusiness: true })],
        2025,
      );
      expect(proposals.get('NB')).toEqual({
        grade: 'no-business',
        score: null,
        explanation: [
          { rule: 'no-business-in-year', article: 'chongqing-13', facts: ['assessment-NB'] },
        ],
      });
      expect(['A01', 'A02', 'A03'].map((u) => proposals.get(u)?.grade)).toEqual(['A', 'B', 'C']);
    });

    it('does not rank an agency out of the directory (Art. 20): the others rank among themselves, however high its score', () => {
      const out = candidate('E1', 100, {
        listed: false,
        binding: [downgradeBy(penalty('data-fraud', '2025-04-01'))],
      });
      const proposals = policy.propose([...field([90, 80, 70]), out], 2025);
      expect(proposals.has('E1')).toBe(false);
      expect(['A01', 'A02', 'A03'].map((u) => proposals.get(u)?.grade)).toEqual(['A', 'B', 'C']);
    });
  });

  describe('direct E (Art. 16)', () => {
    it.each(['data-fraud', 'false-report'])(
      'a penalty for %s (false monitoring data) gives E from its decision date (chongqing-16-4)',
      (violationType) => {
        expect(policy.directDowngrade(penalty(violationType, '2025-06-03'), '2025-06-03')).toEqual({
          grade: 'E',
          effectiveFrom: '2025-06-03',
          rule: 'false-data-penalty',
          article: 'chongqing-16-4',
          eventId: 'penalty-1',
          barsUpgrade: true,
        });
      },
    );

    describe('a penalty not fulfilled by its deadline (Art. 16(5)–(6): 逾期不履行)', () => {
      const due = (violationType: string, extra: Record<string, unknown> = {}): GradingFact => {
        const fact = penalty(violationType, '2025-06-03');
        return { ...fact, data: { ...fact.data, dueBy: '2025-06-18', ...extra } };
      };

      it.each([
        ['refused-inspection', 'refused-inspection-penalty-unfulfilled', 'chongqing-16-5'],
        ['other', 'penalty-unfulfilled', 'chongqing-16-6'],
        ['untrue-report', 'penalty-unfulfilled', 'chongqing-16-6'],
      ])(
        'a penalty for %s left unfulfilled gives E from the day after the deadline (%s, %s)',
        (violationType, rule, article) => {
          expect(policy.directDowngrade(due(violationType), '2025-06-03')).toEqual({
            grade: 'E',
            effectiveFrom: '2025-06-19',
            rule,
            article,
            eventId: 'penalty-1',
            barsUpgrade: true,
          });
        },
      );

      it('fulfilled on or before the deadline, it triggers nothing', () => {
        expect(
          policy.directDowngrade(due('other', { fulfilledOn: '2025-06-18' }), '2025-06-03'),
        ).toBeNull();
      });

      it('fulfilled after the deadline, it was overdue all the same: E from the day after', () => {
        expect(
          policy.directDowngrade(due('other', { fulfilledOn: '2025-06-19' }), '2025-06-03'),
        ).toMatchObject({ grade: 'E', effectiveFrom: '2025-06-19', article: 'chongqing-16-6' });
      });

      it('a penalty with no deadline triggers nothing for fulfilment', () => {
        expect(policy.directDowngrade(penalty('other', '2025-06-03'), '2025-06-03')).toBeNull();
      });
    });

    describe('on the procurement blacklist (Art. 16(2): 在禁入期限内)', () => {
      const blacklisting: GradingFact = {
        eventId: 'blacklist-1',
        type: 'CreditFindingRecorded',
        data: {
          kind: 'procurement-blacklisted',
          article: 'chongqing-16-2',
          decidedAt: '2025-04-10',
          bannedUntil: '2026-04-09',
        },
      };

      it('gives E from the decision to the ban’s last day: no longer from the day after (chongqing-16-2)', () => {
        expect(policy.directDowngrade(blacklisting, '2025-04-10')).toEqual({
          grade: 'E',
          effectiveFrom: '2025-04-10',
          effectiveTo: '2026-04-10',
          rule: 'procurement-blacklist-ban',
          article: 'chongqing-16-2',
          eventId: 'blacklist-1',
          barsUpgrade: true,
        });
      });

      it('a ban ending on 31 December ends its E on 1 January', () => {
        const fact = { ...blacklisting, data: { ...blacklisting.data, bannedUntil: '2025-12-31' } };
        expect(policy.directDowngrade(fact, '2025-04-10')?.effectiveTo).toBe('2026-01-01');
      });
    });

    it('listing as seriously dishonest gives E (chongqing-16-8)', () => {
      expect(
        policy.directDowngrade(
          finding('serious-dishonesty-listed', '', '2025-07-01'),
          '2025-07-01',
        ),
      ).toEqual({
        grade: 'E',
        effectiveFrom: '2025-07-01',
        rule: 'serious-dishonesty-list',
        article: 'chongqing-16-8',
        eventId: 'finding-1',
        barsUpgrade: true,
      });
    });

    it.each(['chongqing-16-1', 'chongqing-16-5', 'chongqing-16-7'])(
      'a finding citing %s gives E under that article',
      (article) => {
        expect(
          policy.directDowngrade(finding('credit-bad', article, '2025-07-01'), '2025-07-01'),
        ).toEqual({
          grade: 'E',
          effectiveFrom: '2025-07-01',
          rule: 'major-risk-finding',
          article,
          eventId: 'finding-1',
          barsUpgrade: true,
        });
      },
    );

    it.each<[string, GradingFact]>([
      ['a penalty for an untrue report', penalty('untrue-report', '2025-06-03')],
      ['a penalty for false O&M', penalty('false-om', '2025-06-03')],
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

    // Seed 001 Art. 16 lists situations that make E; a removal from the list is none of them,
    // whatever article it cites.
    it.each(['chongqing-16-8', 'chongqing-16-1'])(
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

  describe('binding downgrades in a cycle', () => {
    it('on a listed agency (a cycle started late, after a re-entry), an E decided in the cycle year forces E whatever the score, keeping the score', () => {
      const binding = [
        downgradeBy(finding('serious-dishonesty-listed', 'chongqing-16-8', '2025-12-31')),
      ];
      expect(policy.propose([candidate('X', 99, { binding })], 2025).get('X')).toEqual({
        grade: 'E',
        score: 99,
        explanation: [
          { rule: 'serious-dishonesty-list', article: 'chongqing-16-8', facts: ['finding-1'] },
        ],
      });
    });

    // The contradiction of SEED-AUDIT 001-20(1), fixed: an E of 2024 no longer lets the agency
    // be graded (even A) in the 2025 cycle. It is out of the directory when the cycle starts.
    it('an E decided the year before takes the agency out of the directory: the cycle does not grade it (Art. 20)', () => {
      const e = downgradeBy(penalty('data-fraud', '2024-12-31'));
      const listed = directoryStanding({
        on: '2026-01-12',
        eGrades: [e.effectiveFrom],
        reentries: [],
      }).listed;
      expect(listed).toBe(false);
      expect(policy.propose([candidate('X', 99, { listed, binding: [e] })], 2025).has('X')).toBe(
        false,
      );
    });

    // Seed 001 Art. 16: an E revokes the grade already given ("已获评的信用风险等级直接撤销"), and
    // Art. 20 (一): the agency leaves the directory for 2 years. Decided before the cycle starts,
    // the E has taken the agency out: no proposal; decided during publicity, it replaces the
    // proposal on publication.
    it('an E decided after the cycle year but before publication still binds the cycle (Art. 16, Art. 20)', () => {
      const beforeStart = downgradeBy(penalty('data-fraud', '2026-01-01', 'penalty-jan-1'));
      const listed = directoryStanding({
        on: '2026-01-12',
        eGrades: [beforeStart.effectiveFrom],
        reentries: [],
      }).listed;
      expect(
        policy.propose([candidate('X', 99, { listed, binding: [beforeStart] })], 2025).has('X'),
      ).toBe(false);

      const duringPublicity = downgradeBy(
        finding('serious-dishonesty-listed', 'chongqing-16-8', '2026-01-20', 'finding-jan-20'),
      );
      const cycle = decideCycle(
        {
          type: 'StartGradingCycle',
          calendar: BUILT_IN_CALENDAR,
          cycleId: 'chongqing-2025',
          jurisdiction: 'chongqing',
          year: 2025,
          on: '2026-01-12',
          candidates: [candidate('X', 99), candidate('Y', 80)],
        },
        initialCycleState,
      ).reduce(evolveCycle, initialCycleState);
      expect(cycle.proposals.get('X')?.grade).toBe('A');
      const [published] = decideCycle(
        {
          type: 'PublishGradingCycle',
          on: '2026-02-03',
          downgrades: [{ uscc: 'X', downgrade: duringPublicity }],
        },
        cycle,
      );
      expect(published).toMatchObject({
        type: 'GradingCyclePublished',
        data: {
          grades: [
            {
              uscc: 'X',
              grade: 'E',
              score: 99,
              explanation: [
                {
                  rule: 'serious-dishonesty-list',
                  article: 'chongqing-16-8',
                  facts: ['finding-jan-20'],
                },
              ],
            },
            { uscc: 'Y', grade: 'C', score: 80 },
          ],
        },
      });
    });
  });

  describe('the directory (Art. 20): out from an E, back on an approved re-entry', () => {
    const rules = policy.directory!;
    const standing = (on: string, eGrades: string[], reentries: string[] = []) =>
      rules.standing({ on, eGrades, reentries });
    const out = (delistedOn: string, barredUntil: string, article: string) => ({
      listed: false,
      delistedOn,
      barredUntil,
      article,
    });
    const listed = { listed: true, delistedOn: null, barredUntil: null, article: null };

    it('is the Chongqing directory, and no other jurisdiction keeps one', () => {
      expect(rules.article).toBe('chongqing-20');
      expect(directoryRulesFor('chongqing', '2026-01-12')).toBe(rules);
      expect(directoryRulesFor('chongqing', '2019-05-01')).toBe(rules);
      for (const j of ['beijing', 'jiaxing', 'urumqi'] as const)
        expect(directoryRulesFor(j, '2026-01-12')).toBeUndefined();
    });

    describe('given one E on 2025-03-10 (一: 2 years)', () => {
      it.each([
        ['2025-03-09', 'listed', listed],
        ['2025-03-10', 'out from that day', out('2025-03-10', '2027-03-10', 'chongqing-20-1')],
        [
          '2027-03-10',
          'still out: the bar has run, no re-entry is approved',
          out('2025-03-10', '2027-03-10', 'chongqing-20-1'),
        ],
        [
          '2031-01-01',
          'still out, however long after',
          out('2025-03-10', '2027-03-10', 'chongqing-20-1'),
        ],
      ])('on %s: %s', (on, _what, expected) => {
        expect(standing(on, ['2025-03-10'])).toEqual(expected);
      });

      it('may not apply to re-enter before 2027-03-10, naming the day; from then it may', () => {
        expect(reentryRefusal(standing('2027-03-09', ['2025-03-10']), '2027-03-09')).toBe(
          'graded E: out of the directory since 2025-03-10; it may apply to re-enter from 2027-03-10',
        );
        expect(reentryRefusal(standing('2027-03-10', ['2025-03-10']), '2027-03-10')).toBeNull();
      });

      it('is back from the day its re-entry is approved, and stays out before it', () => {
        expect(standing('2027-04-01', ['2025-03-10'], ['2027-04-01'])).toEqual(listed);
        expect(standing('2027-03-31', ['2025-03-10'], ['2027-04-01'])).toEqual(
          out('2025-03-10', '2027-03-10', 'chongqing-20-1'),
        );
      });
    });

    describe('given two E grades (三: 5 years from the last)', () => {
      it('both while out: out since the first, barred 5 years from the last (chongqing-20-3)', () => {
        expect(standing('2026-01-01', ['2023-06-01', '2025-03-10'])).toEqual(
          out('2023-06-01', '2030-03-10', 'chongqing-20-3'),
        );
        expect(
          reentryRefusal(standing('2030-03-09', ['2023-06-01', '2025-03-10']), '2030-03-09'),
        ).toBe(
          'graded E twice: out of the directory since 2023-06-01; it may apply to re-enter from 2030-03-10',
        );
        expect(
          reentryRefusal(standing('2030-03-10', ['2023-06-01', '2025-03-10']), '2030-03-10'),
        ).toBeNull();
      });

      it('the second after a re-entry: out again from it, for 5 years', () => {
        const es = ['2023-06-01', '2026-02-01'];
        expect(standing('2026-01-31', es, ['2025-06-10'])).toEqual(listed);
        expect(standing('2026-02-01', es, ['2025-06-10'])).toEqual(
          out('2026-02-01', '2031-02-01', 'chongqing-20-3'),
        );
      });
    });

    it('an E on the day of a re-entry takes the agency out again', () => {
      expect(standing('2025-06-10', ['2023-06-01', '2025-06-10'], ['2025-06-10'])).toEqual(
        out('2025-06-10', '2030-06-10', 'chongqing-20-3'),
      );
    });

    it('a re-entry inside the bar the E grades known now set does not count (an E recorded after the approval, dated before it)', () => {
      expect(standing('2025-07-01', ['2023-06-01', '2025-03-01'], ['2025-06-10'])).toEqual(
        out('2023-06-01', '2030-03-01', 'chongqing-20-3'),
      );
    });

    it('an E dated after the day asked about does not count yet', () => {
      expect(standing('2025-03-09', ['2025-03-10'])).toEqual(listed);
      expect(standing('2025-03-10', ['2023-01-01', '2025-03-11'])).toEqual(
        out('2023-01-01', '2025-01-01', 'chongqing-20-1'),
      );
    });

    it.each([
      ['one E: 2 years (一)', ['2025-03-10'], { until: '2027-03-10', article: 'chongqing-20-1' }],
      [
        'from 29 February: the month’s last day',
        ['2024-02-29'],
        { until: '2026-02-28', article: 'chongqing-20-1' },
      ],
      [
        'two E: 5 years from the last (三)',
        ['2025-03-10', '2020-01-01'],
        { until: '2030-03-10', article: 'chongqing-20-3' },
      ],
      ['no E: no bar', [], null],
    ])('reentryBar: %s', (_what, eGrades, bar) => {
      expect(reentryBar(eGrades)).toEqual(bar);
    });

    describe('an upgrade request (no way back while out: the agency applies to re-enter)', () => {
      const none = { current: null, downgrades: [] };

      it('is barred inside the 2 years, naming the day it may apply from (chongqing-20-1)', () => {
        expect(policy.upgradeBar({ ...none, on: '2027-03-09', eGrades: ['2025-03-10'] })).toEqual({
          reason:
            'graded E: out of the directory since 2025-03-10; it may apply to re-enter from 2027-03-10',
          article: 'chongqing-20-1',
          until: '2027-03-10',
        });
      });

      it('is barred inside the 5 years after a second E (chongqing-20-3)', () => {
        expect(
          policy.upgradeBar({ ...none, on: '2030-03-09', eGrades: ['2025-03-10', '2023-06-01'] }),
        ).toMatchObject({ article: 'chongqing-20-3', until: '2030-03-10' });
      });

      it('is still refused after the bar while the agency is out: it applies to re-enter instead', () => {
        expect(policy.upgradeBar({ ...none, on: '2027-03-10', eGrades: ['2025-03-10'] })).toEqual({
          reason:
            'graded E: out of the directory since 2025-03-10 and not graded until a regulator approves its re-entry; it may apply to re-enter',
          article: 'chongqing-20-1',
          until: '2027-03-10',
        });
      });

      it('may be made once the agency is back, and by a listed agency never graded E', () => {
        expect(
          policy.upgradeBar({
            ...none,
            on: '2027-05-01',
            eGrades: ['2025-03-10'],
            reentries: ['2027-04-01'],
          }),
        ).toBeNull();
        expect(
          policy.upgradeBar({ ...none, on: '2025-03-09', eGrades: ['2025-03-10'] }),
        ).toBeNull();
        expect(
          policy.upgradeBar({
            on: '2026-03-01',
            current: { grade: 'C', from: '2026-02-28' },
            downgrades: [],
            eGrades: [],
          }),
        ).toBeNull();
      });
    });
  });

  describe('publicity and objection review (Art. 17: 15 working days; Art. 18: reviewed before publication)', () => {
    it.each([
      ['2026-01-12', '2026-02-02', 'three ordinary weeks'],
      ['2026-02-02', '2026-02-28', 'across Spring Festival, ending on a make-up Saturday'],
      ['2026-09-21', '2026-10-19', 'across Mid-Autumn and National Day'],
    ])('publicity starting %s ends %s (%s), as does the objection window', (on, ends) => {
      expect(started(on)).toMatchObject({
        publicityStartsOn: on,
        publicityEndsOn: ends,
        objectionWindowEndsOn: ends,
      });
    });

    it('an objection is due for review by the end of publicity, whenever it is filed', () => {
      expect(
        policy.objectionReviewDueOn(BUILT_IN_CALENDAR, '2026-01-13', {
          date: '2026-02-02',
          calendar: {},
        }).date,
      ).toBe('2026-02-02');
      expect(
        policy.objectionReviewDueOn(BUILT_IN_CALENDAR, '2026-02-02', {
          date: '2026-02-02',
          calendar: {},
        }).date,
      ).toBe('2026-02-02');
    });

    it('cites Art. 13, 17, 18 and 20', () => {
      expect(policy.articles).toEqual({
        cycle: 'chongqing-13',
        publicity: 'chongqing-17',
        objectionReview: 'chongqing-18',
        upgrade: 'chongqing-20',
      });
    });

    it('every objection is decided before publication (Art. 18)', () => {
      expect(policy.objectionsDecidedBeforePublication).toBe(true);
    });
  });

  describe('revise: a score revised on objection is ranked against the others', () => {
    const others = new Map(
      [100, 99, 98, 97, 96, 94, 93, 92, 91, 90].map((s, i) => [`O${i}`, s] as const),
    );

    it.each([
      [101, 'A'],
      [98.5, 'A'],
      [98, 'A'],
      [95, 'B'],
      [92.5, 'C'],
      [0, 'D'],
    ])('among 10 others scoring 100–90, a revised %p is %s', (score, grade) => {
      expect(policy.revise('X', score, undefined, others).get('X')).toEqual({
        grade,
        score,
        explanation: [{ rule: `rank-band-${grade}`, article: 'chongqing-15', facts: [] }],
      });
    });

    it('re-ranks the others with it: every ranked agency gets its grade (Art. 15)', () => {
      // Eleven ranked: A the first ceil(2.2) = 3 places, B to ceil(5.5) = 6, C to ceil(8.8) = 9.
      const revised = policy.revise('X', 95, undefined, others);
      expect([...revised].map(([uscc, d]) => [uscc, d.grade, d.score])).toEqual([
        ['O0', 'A', 100],
        ['O1', 'A', 99],
        ['O2', 'A', 98],
        ['O3', 'B', 97],
        ['O4', 'B', 96],
        ['O5', 'C', 94],
        ['O6', 'C', 93],
        ['O7', 'C', 92],
        ['O8', 'D', 91],
        ['O9', 'D', 90],
        ['X', 'B', 95],
      ]);
      expect(revised.get('O2')).toEqual({
        grade: 'A',
        score: 98,
        explanation: [{ rule: 'rank-band-A', article: 'chongqing-15', facts: [] }],
      });
    });

    it('replaces the objector’s own old score if it is among the others', () => {
      const revised = policy.revise('O9', 99.5, undefined, others);
      expect(revised.size).toBe(10);
      expect(revised.get('O9')?.grade).toBe('A');
    });

    it('alone, the objector is A', () => {
      expect(policy.revise('X', 10, undefined, new Map())).toEqual(
        new Map([
          [
            'X',
            {
              grade: 'A',
              score: 10,
              explanation: [{ rule: 'rank-band-A', article: 'chongqing-15', facts: [] }],
            },
          ],
        ]),
      );
    });
  });

  it('sets the inspection ratio by grade (Art. 22: A ≤ 5 %, B ≤ 10 %, C ≤ 30 %, D and E all)', () => {
    expect(policy.inspectionRatio).toEqual({ A: 0.05, B: 0.1, C: 0.3, D: 1, E: 1 });
  });
});
