import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { NotFoundError, RuleViolation } from '../shared/errors';
import type { DirectDowngrade } from '../grading/grading.types';
import { decide, type AgencyCommand } from './agency.decide';
import { evolve, initialAgencyState } from './agency';
import type { AgencyEvent, AgencyRegistered } from './agency.events';

/**
 * Re-evaluation between cycles (seed 000 Art. 22, 23): the regulator records the new score, the
 * policy proposes the grade, publicity runs 5 working days (Art. 16), and the publication is the
 * grade decision in force from its valid date.
 */
const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const calendar = BUILT_IN_CALENDAR;
const USCC = '91110105000000002F';
const BEIJING = {
  id: 'beijing/2026-draft',
  jurisdiction: 'beijing',
  version: '2026-draft',
} as const;

const registration = (jurisdiction: AgencyRegistered['data']['jurisdiction']): AgencyEvent => ({
  type: 'AgencyRegistered',
  data: {
    uscc: USCC,
    jurisdiction,
    name: '北京环测科技有限公司',
    category: 'comprehensive',
    serviceTypes: ['self-monitoring'],
    legalRepresentative: { name: '王明' },
    commitment: { signedBy: '王明', signedAt: '2025-02-01' },
    codeVerified: true,
    filedOn: '2025-02-03',
    reviewDueOn: '2025-02-10',
  },
});
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2025-02-05' },
};
const requested = (requestedOn: string): AgencyEvent => ({
  type: 'UpgradeRequested',
  data: { reason: '技术能力提升', requestedOn, currentGrade: 'C' },
});
const candidate = (binding: DirectDowngrade[] = []) => ({
  uscc: USCC,
  registered: true,
  listed: true,
  serviceTypes: ['self-monitoring'],
  binding,
});
const propose = (
  on: string,
  score: number,
  basis: 'upgrade-request' | 'supervision' = 'upgrade-request',
  binding: DirectDowngrade[] = [],
  policyId: string = BEIJING.id,
): Extract<AgencyCommand, { type: 'ProposeReevaluation' }> => ({
  type: 'ProposeReevaluation',
  on,
  calendar,
  reevaluationId: `${USCC}.000000000001`,
  basis,
  score,
  policyId,
  candidate: candidate(binding),
});
const proposed = (
  proposedOn: string,
  publicityEndsOn: string,
  score: number,
  grade: 'A' | 'B' | 'C' | 'D',
  basis: 'upgrade-request' | 'supervision' = 'upgrade-request',
  upgradeRequestedOn?: string,
): AgencyEvent => ({
  type: 'ReevaluationProposed',
  data: {
    reevaluationId: `${USCC}.000000000001`,
    basis,
    article: basis === 'upgrade-request' ? 'beijing-23' : 'beijing-22',
    score,
    proposedOn,
    ...(upgradeRequestedOn && { upgradeRequestedOn }),
    publicityEndsOn,
    calendar: { 2026: 0 },
    policy: BEIJING,
    proposal: {
      grade,
      score,
      explanation: [
        { rule: `score-band-${grade}`, article: 'beijing-15', facts: [`${USCC}.000000000001`] },
      ],
    },
  },
});
const publish = (
  on: string,
  downgrades: DirectDowngrade[] = [],
): Extract<AgencyCommand, { type: 'PublishReevaluation' }> => ({
  type: 'PublishReevaluation',
  on,
  calendar,
  reevaluationId: `${USCC}.000000000001`,
  downgrades,
});
const fraudD = (effectiveFrom: string): DirectDowngrade => ({
  grade: 'D',
  effectiveFrom,
  rule: 'verified-fraud-penalty',
  article: 'beijing-15',
  eventId: 'pen-1',
  barsUpgrade: true,
});

describe('re-evaluation between cycles (seed 000 Art. 22, 23)', () => {
  describe('when an upgrade request of 2026-03-02 awaits', () => {
    const given = [registration('beijing'), approved, requested('2026-03-02')];

    it('proposes the grade the policy gives the new score, with 5 working days of publicity (beijing-23, beijing-16)', () => {
      spec
        .given(given)
        .when(propose('2026-03-10', 91))
        .then([proposed('2026-03-10', '2026-03-17', 91, 'A', 'upgrade-request', '2026-03-02')]);
    });

    it('refuses a re-evaluation dated before the request (beijing-23)', () => {
      spec
        .given(given)
        .when(propose('2026-03-01', 91))
        .thenThrows(RuleViolation, 'beijing-23', 'occurredAt');
    });

    it('proposes D when a direct downgrade still binds, whatever the score (beijing-15)', () => {
      const events = decide(propose('2026-03-10', 95, 'upgrade-request', [fraudD('2026-01-10')]), {
        ...given.reduce(evolve, initialAgencyState),
      });
      expect(events[0]).toMatchObject({
        type: 'ReevaluationProposed',
        data: { proposal: { grade: 'D', score: 95, explanation: [{ article: 'beijing-15' }] } },
      });
    });
  });

  describe('when no upgrade request awaits', () => {
    it('refuses a re-evaluation on an upgrade request (beijing-23)', () => {
      spec
        .given([registration('beijing'), approved])
        .when(propose('2026-03-10', 91))
        .thenThrows(RuleViolation, 'beijing-23', 'basis');
    });

    it('refuses a second one once the request was answered (beijing-23)', () => {
      spec
        .given([
          registration('beijing'),
          approved,
          requested('2026-03-02'),
          proposed('2026-03-10', '2026-03-17', 91, 'A', 'upgrade-request', '2026-03-02'),
          {
            type: 'ReevaluationPublished',
            data: {
              reevaluationId: `${USCC}.000000000001`,
              publishedOn: '2026-03-18',
              policy: BEIJING,
              grade: { grade: 'A', score: 91, explanation: [] },
            },
          },
        ])
        .when({ ...propose('2026-04-10', 92), reevaluationId: `${USCC}.000000000002` })
        .thenThrows(RuleViolation, 'beijing-23', 'basis');
    });

    it('adjusts the grade from supervision (动态调整, beijing-22)', () => {
      spec
        .given([registration('beijing'), approved])
        .when(propose('2026-03-10', 70, 'supervision'))
        .then([proposed('2026-03-10', '2026-03-17', 70, 'C', 'supervision')]);
    });
  });

  it('refuses a jurisdiction whose text grades only in cycles (beijing-22)', () => {
    spec
      .given([registration('chongqing'), approved])
      .when(propose('2026-03-10', 91, 'supervision', [], 'chongqing/2023'))
      .thenThrows(RuleViolation, 'beijing-22', 'uscc');
  });

  describe('when proposed on 2026-03-10, publicity until 2026-03-17', () => {
    const given = [
      registration('beijing'),
      approved,
      requested('2026-03-02'),
      proposed('2026-03-10', '2026-03-17', 91, 'A', 'upgrade-request', '2026-03-02'),
    ];

    it('refuses publication inside publicity (beijing-16)', () => {
      spec
        .given(given)
        .when(publish('2026-03-17'))
        .thenThrows(RuleViolation, 'beijing-16', 'occurredAt');
    });

    it('refuses another re-evaluation until this one is published', () => {
      spec
        .given(given)
        .when({
          ...propose('2026-03-12', 80, 'supervision'),
          reevaluationId: `${USCC}.0000000000ff`,
        })
        .thenThrows(RuleViolation, 'beijing-23', 'uscc');
    });

    it('publishes the proposed grade after publicity, in force from the publication date', () => {
      spec
        .given(given)
        .when(publish('2026-03-18'))
        .then([
          {
            type: 'ReevaluationPublished',
            data: {
              reevaluationId: `${USCC}.000000000001`,
              publishedOn: '2026-03-18',
              policy: BEIJING,
              grade: {
                grade: 'A',
                score: 91,
                explanation: [
                  {
                    rule: 'score-band-A',
                    article: 'beijing-15',
                    facts: [`${USCC}.000000000001`],
                  },
                ],
              },
            },
          },
        ]);
    });

    it('publishes D when a direct downgrade was decided during publicity (beijing-15)', () => {
      const events = decide(
        publish('2026-03-18', [fraudD('2026-03-12')]),
        given.reduce(evolve, initialAgencyState),
      );
      expect(events[0]).toMatchObject({ data: { grade: { grade: 'D', score: 91 } } });
    });

    it('answers 404 for an unknown re-evaluation', () => {
      spec
        .given(given)
        .when({ ...publish('2026-03-18'), reevaluationId: `${USCC}.00000000dead` })
        .thenThrows(NotFoundError, 'beijing-22', 'reevaluationId');
    });
  });
});
