import { BUILT_IN_CALENDAR } from '../calendar';
import type { Jurisdiction } from '../agency/agency.events';
import {
  decideCycle,
  foldCycle,
  type CycleEvent,
  type GradingCycleStarted,
  type ObjectionDecided,
  type Proposal,
} from './cycle';
import { beijing2026 } from './policies';
import {
  gradeTimeline,
  periodAt,
  validDateOf,
  type GradePeriod,
  type TimelineFact,
} from './timeline';

const USCC = '91110000802100433B';
const BEIJING = {
  id: 'beijing/2026-draft',
  jurisdiction: 'beijing',
  version: '2026-draft',
} as const;
const CHONGQING = { id: 'chongqing/2023', jurisdiction: 'chongqing', version: '2023' } as const;
const JIAXING = { id: 'jiaxing/2023', jurisdiction: 'jiaxing', version: '2023' } as const;

/** A fact at a global ledger position, recorded at the instant given (occurredAt the same unless said). */
const fact = (
  eventId: string,
  streamId: string,
  position: number,
  type: string,
  data: unknown,
  recordedAt: string,
  occurredAt = recordedAt,
): TimelineFact => ({ eventId, streamId, position, type, data, occurredAt, recordedAt });

const agencyStream = `agency-${USCC}`;
const registered = (jurisdiction: Jurisdiction = 'beijing') =>
  fact('reg', agencyStream, 1, 'AgencyRegistered', { jurisdiction }, '2025-01-05T02:00:00.000Z');

const penalty = (
  eventId: string,
  position: number,
  violationType: string,
  decidedAt: string,
  recordedAt: string,
  occurredAt = recordedAt,
) =>
  fact(
    eventId,
    agencyStream,
    position,
    'PenaltyImposed',
    {
      decisionNumber: `罚-${eventId}`,
      decidedAt,
      violationType,
      legalBasis: 'law',
      content: 'fine',
    },
    recordedAt,
    occurredAt,
  );

const proposal = (grade: Proposal['grade'], score: number | null, uscc = USCC): Proposal => ({
  uscc,
  grade,
  score,
  explanation: [
    { rule: `score-band-${grade}`, article: 'beijing-15', facts: [`assessment-${uscc}`] },
  ],
});

/** A cycle's stream: its start (which names the policy) and, later, its publication. */
const cycle = (year: number, policy: GradingCycleStarted['data']['policy'] = BEIJING) => {
  const streamId = `grading-cycle-${policy.jurisdiction}-${year}`;
  return {
    started: (position: number, on: string, proposals: Proposal[]) =>
      fact(
        `${streamId}-started`,
        streamId,
        position,
        'GradingCycleStarted',
        {
          cycleId: `${policy.jurisdiction}-${year}`,
          jurisdiction: policy.jurisdiction,
          year,
          policy,
          publicityStartsOn: on,
          publicityEndsOn: on,
          objectionWindowEndsOn: on,
          proposals,
        } satisfies GradingCycleStarted['data'],
        `${on}T01:00:00.000Z`,
      ),
    published: (position: number, publishedOn: string, grades: Proposal[]) =>
      fact(
        `${streamId}-published`,
        streamId,
        position,
        'GradingCyclePublished',
        { publishedOn, grades },
        `${publishedOn}T01:00:00.000Z`,
      ),
    decided: (position: number, data: Partial<ObjectionDecided['data']> & { decidedOn: string }) =>
      fact(
        `${streamId}-decided-${position}`,
        streamId,
        position,
        'ObjectionDecided',
        {
          objectionId: 'obj-1',
          uscc: USCC,
          outcome: 'upheld',
          afterPublication: true,
          ...data,
        } satisfies ObjectionDecided['data'],
        `${data.decidedOn}T08:00:00.000Z`,
      ),
  };
};

// The 2025 cycle: started 2026-01-12, published 2026-01-20 with a B for the agency.
const c2025 = cycle(2025);
const started2025 = c2025.started(10, '2026-01-12', [proposal('B', 80)]);
const published2025 = c2025.published(20, '2026-01-20', [
  proposal('B', 80),
  proposal('A', 95, 'OTHER'),
]);

const publishedB: GradePeriod = {
  grade: 'B',
  score: 80,
  from: '2026-01-20',
  to: null,
  cause: 'cycle-published',
  decidedBy: { eventId: published2025.eventId, position: 20 },
  policy: BEIJING,
  explanation: [{ rule: 'score-band-B', article: 'beijing-15', facts: [`assessment-${USCC}`] }],
};

const gradeOn = (periods: GradePeriod[], asOf: string) =>
  periodAt(periods, asOf)?.grade ?? 'ungraded';

describe('the grade timeline', () => {
  describe('before any decision the agency is ungraded', () => {
    it.each<[string, TimelineFact[], TimelineFact[]]>([
      ['no facts at all', [], []],
      ['only its registration', [registered()], []],
      ['a cycle started but not published', [registered()], [started2025]],
      [
        'a cycle published without a grade for it',
        [registered()],
        [started2025, c2025.published(20, '2026-01-20', [proposal('A', 95, 'OTHER')])],
      ],
      [
        'a penalty that triggers no downgrade',
        [registered(), penalty('p-other', 30, 'other', '2026-03-10', '2026-03-11T02:00:00.000Z')],
        [],
      ],
      ['a publication without its cycle’s start', [registered()], [published2025]],
      ['a grade but no registration of the agency', [], [started2025, published2025]],
    ])('%s: no period', (_what, agencyFacts, cycleFacts) => {
      const periods = gradeTimeline(USCC, agencyFacts, cycleFacts);
      expect(periods).toEqual([]);
      expect(periodAt(periods, '2026-06-01')).toBeUndefined();
    });
  });

  describe('a published grade', () => {
    it('is in force from the publication date, not from the start of publicity', () => {
      const periods = gradeTimeline(USCC, [registered()], [started2025, published2025]);
      expect(periods).toEqual([publishedB]);
      expect(periodAt(periods, '2026-01-12')).toBeUndefined();
      expect(periodAt(periods, '2026-01-19')).toBeUndefined();
      expect(periodAt(periods, '2026-01-20')).toEqual(publishedB);
      expect(periodAt(periods, '2031-12-31')).toEqual(publishedB);
    });

    it('carries the policy named by its own cycle’s start', () => {
      const cq = cycle(2025, CHONGQING);
      const periods = gradeTimeline(
        USCC,
        [registered('chongqing')],
        [
          cq.started(10, '2026-01-12', [proposal('C', 75)]),
          cq.published(20, '2026-02-03', [proposal('C', 75)]),
        ],
      );
      expect(periods).toMatchObject([
        { grade: 'C', from: '2026-02-03', to: null, policy: CHONGQING },
      ]);
    });

    it('is superseded by the next publication', () => {
      const c2026 = cycle(2026);
      const periods = gradeTimeline(
        USCC,
        [registered()],
        [
          started2025,
          published2025,
          c2026.started(50, '2027-01-11', [proposal('A', 93)]),
          c2026.published(60, '2027-01-19', [proposal('A', 93)]),
        ],
      );
      expect(periods).toEqual([
        { ...publishedB, to: '2027-01-19' },
        {
          ...publishedB,
          grade: 'A',
          score: 93,
          from: '2027-01-19',
          decidedBy: { eventId: 'grading-cycle-beijing-2026-published', position: 60 },
          explanation: [
            { rule: 'score-band-A', article: 'beijing-15', facts: [`assessment-${USCC}`] },
          ],
        },
      ]);
      expect(gradeOn(periods, '2027-01-18')).toBe('B');
      expect(gradeOn(periods, '2027-01-19')).toBe('A');
    });

    it('of "no business" is a period like any other', () => {
      const nb: Proposal = {
        uscc: USCC,
        grade: 'no-business',
        score: null,
        explanation: [{ rule: 'no-business-in-year', article: 'beijing-15', facts: [] }],
      };
      const periods = gradeTimeline(
        USCC,
        [registered()],
        [c2025.started(10, '2026-01-12', [nb]), c2025.published(20, '2026-01-20', [nb])],
      );
      expect(periods).toMatchObject([
        { grade: 'no-business', score: null, from: '2026-01-20', to: null },
      ]);
    });
  });

  describe('a direct downgrade', () => {
    // Occurred (as the recorder stated) on 2026-03-02, decided on 2026-03-10, recorded on 2026-03-20.
    const fraud = penalty(
      'p-fraud',
      30,
      'data-fraud',
      '2026-03-10',
      '2026-03-20T02:00:00.000Z',
      '2026-03-02T01:00:00.000Z',
    );

    it('is in force from the penalty’s decision date, not from when it occurred or was recorded', () => {
      const periods = gradeTimeline(USCC, [registered(), fraud], [started2025, published2025]);
      expect(periods).toEqual([
        { ...publishedB, to: '2026-03-10' },
        {
          grade: 'D',
          score: null,
          from: '2026-03-10',
          to: null,
          cause: 'direct-downgrade',
          decidedBy: { eventId: 'p-fraud', position: 30 },
          policy: BEIJING,
          explanation: [
            { rule: 'verified-fraud-penalty', article: 'beijing-15', facts: ['p-fraud'] },
          ],
        },
      ]);
      expect(gradeOn(periods, '2026-03-02')).toBe('B');
      expect(gradeOn(periods, '2026-03-09')).toBe('B');
      expect(gradeOn(periods, '2026-03-10')).toBe('D');
      expect(gradeOn(periods, '2026-03-19')).toBe('D');
    });

    it('applies to an agency never graded before', () => {
      const periods = gradeTimeline(USCC, [registered(), fraud], []);
      expect(periods).toMatchObject([
        { grade: 'D', from: '2026-03-10', to: null, cause: 'direct-downgrade' },
      ]);
      expect(gradeOn(periods, '2026-03-09')).toBe('ungraded');
    });

    it('from a credit finding, cites its article', () => {
      const listed = fact(
        'f-listed',
        agencyStream,
        30,
        'CreditFindingRecorded',
        { kind: 'police-case-opened', article: 'beijing-9-4', decidedAt: '2026-04-01' },
        '2026-04-02T02:00:00.000Z',
      );
      expect(gradeTimeline(USCC, [registered(), listed], [])).toMatchObject([
        {
          grade: 'D',
          from: '2026-04-01',
          explanation: [{ rule: 'credit-bad', article: 'beijing-9-4', facts: ['f-listed'] }],
        },
      ]);
    });

    it.each<[Jurisdiction, string, Partial<GradePeriod>]>([
      [
        'chongqing',
        'false-report',
        {
          grade: 'E',
          policy: CHONGQING,
          explanation: [
            { rule: 'false-data-penalty', article: 'chongqing-16-4', facts: ['p-fraud'] },
          ],
        },
      ],
      [
        'jiaxing',
        'false-om',
        {
          grade: 'E',
          riskLevel: 'high',
          policy: JIAXING,
          explanation: [
            { rule: 'falsification-penalty', article: 'jiaxing-11-4', facts: ['p-fraud'] },
          ],
        },
      ],
    ])(
      'in %s, a penalty for %s gives E from its decision date under the local policy',
      (jurisdiction, violationType, expected) => {
        const p = penalty('p-fraud', 30, violationType, '2026-03-10', '2026-03-20T02:00:00.000Z');
        expect(gradeTimeline(USCC, [registered(jurisdiction), p], [])).toEqual([
          {
            score: null,
            from: '2026-03-10',
            to: null,
            cause: 'direct-downgrade',
            decidedBy: { eventId: 'p-fraud', position: 30 },
            ...expected,
          },
        ]);
      },
    );
  });

  describe('a fact a host jurisdiction recorded (报备, ADR 016)', () => {
    it('does not downgrade under the home policy: a Chongqing fraud penalty leaves the Beijing grade as published', () => {
      const hosts = penalty('p-host', 30, 'data-fraud', '2026-03-10', '2026-03-20T02:00:00.000Z');
      const chongqings = {
        ...hosts,
        data: { ...(hosts.data as object), recordingJurisdiction: 'chongqing' },
      };
      const periods = gradeTimeline(USCC, [registered(), chongqings], [started2025, published2025]);
      expect(periods).toEqual([publishedB]);
      // The same penalty recorded by the home regulator (the field absent, or the home) counts.
      const beijings = {
        ...hosts,
        data: { ...(hosts.data as object), recordingJurisdiction: 'beijing' },
      };
      expect(
        gradeOn(
          gradeTimeline(USCC, [registered(), beijings], [started2025, published2025]),
          '2026-03-10',
        ),
      ).toBe('D');
    });
  });

  describe('an objection decided after publication', () => {
    const revisedA: Proposal = {
      uscc: USCC,
      grade: 'A',
      score: 91,
      explanation: [{ rule: 'score-band-A', article: 'beijing-15', facts: ['obj-1'] }],
    };

    it('upheld, is a new period from the date it was decided', () => {
      const decided = c2025.decided(25, {
        decidedOn: '2026-02-05',
        revisedScore: 91,
        revised: revisedA,
      });
      const periods = gradeTimeline(USCC, [registered()], [started2025, published2025, decided]);
      expect(periods).toEqual([
        { ...publishedB, to: '2026-02-05' },
        {
          grade: 'A',
          score: 91,
          from: '2026-02-05',
          to: null,
          cause: 'objection-upheld',
          decidedBy: { eventId: decided.eventId, position: 25 },
          policy: BEIJING,
          explanation: revisedA.explanation,
        },
      ]);
      expect(gradeOn(periods, '2026-02-04')).toBe('B');
      expect(gradeOn(periods, '2026-02-05')).toBe('A');
    });

    it('upheld, does not lift a direct downgrade decided since publication (beijing-15)', () => {
      const fraud = penalty('p-later', 22, 'data-fraud', '2026-02-01', '2026-02-01T02:00:00.000Z');
      const decided = c2025.decided(25, {
        decidedOn: '2026-02-05',
        revisedScore: 91,
        revised: revisedA,
      });
      const periods = gradeTimeline(
        USCC,
        [registered(), fraud],
        [started2025, published2025, decided],
      );
      expect(gradeOn(periods, '2026-02-05')).toBe('D');
      expect(periods.map((p) => p.cause)).not.toContain('objection-upheld');
    });

    it.each<[string, Partial<ObjectionDecided['data']>]>([
      ['rejected', { outcome: 'rejected', revised: undefined }],
      [
        'decided before publication (already in the published grade)',
        { afterPublication: false, revised: revisedA },
      ],
      ['for another agency', { uscc: 'OTHER', revised: { ...revisedA, uscc: 'OTHER' } }],
    ])('%s, adds no period', (_what, data) => {
      const decided = c2025.decided(25, { decidedOn: '2026-02-05', ...data });
      expect(gradeTimeline(USCC, [registered()], [started2025, published2025, decided])).toEqual([
        publishedB,
      ]);
    });
  });

  describe('two decisions on the same day: the later in the ledger wins', () => {
    it('a penalty recorded before the publication of the same day gives way to it', () => {
      const early = penalty(
        'p-same-day',
        15,
        'data-fraud',
        '2026-01-20',
        '2026-01-19T09:00:00.000Z',
      );
      const periods = gradeTimeline(USCC, [registered(), early], [started2025, published2025]);
      expect(periods).toEqual([publishedB]);
    });

    it('a penalty recorded after the publication of the same day overrides it', () => {
      const late = penalty(
        'p-same-day',
        25,
        'data-fraud',
        '2026-01-20',
        '2026-01-20T09:00:00.000Z',
      );
      const periods = gradeTimeline(USCC, [registered(), late], [started2025, published2025]);
      expect(periods).toMatchObject([
        {
          grade: 'D',
          from: '2026-01-20',
          to: null,
          decidedBy: { eventId: 'p-same-day', position: 25 },
        },
      ]);
      expect(gradeOn(periods, '2026-01-20')).toBe('D');
    });

    // A D decided during publicity (fraud penalty decided 2026-01-15) is not in the grade proposed
    // on 2026-01-12 (A); the cycle's publication on 2026-01-20 carries it instead, so the timeline
    // does not give D for five days and then A. Seed 000 Art. 15 / Art. 23: a D for fraud is not
    // lifted for 3 natural years (seed 001 Art. 16 and seed 003 (十一) likewise for E).
    it('a publication does not supersede a binding downgrade decided after its proposals', () => {
      const fraud = penalty('p-fraud', 15, 'data-fraud', '2026-01-15', '2026-01-15T02:00:00.000Z');
      const downgrade = beijing2026.directDowngrade(
        { eventId: fraud.eventId, type: fraud.type, data: fraud.data as Record<string, unknown> },
        '2026-01-15',
      );
      if (!downgrade) throw new Error('the fraud penalty triggers no downgrade');

      // The cycle as its decider makes it: proposed A on 2026-01-12, published on 2026-01-20 with
      // the downgrades known by then.
      const started = decideCycle(
        {
          type: 'StartGradingCycle',
          calendar: BUILT_IN_CALENDAR,
          cycleId: 'beijing-2025',
          jurisdiction: 'beijing',
          year: 2025,
          on: '2026-01-12',
          candidates: [
            {
              uscc: USCC,
              registered: true,
              listed: true,
              serviceTypes: ['self-monitoring'],
              assessment: { eventId: `assessment-${USCC}`, score: 92, noBusiness: false },
              binding: [],
            },
          ],
        },
        foldCycle([]),
      );
      expect(started).toMatchObject([{ data: { proposals: [{ grade: 'A', score: 92 }] } }]);
      const published = decideCycle(
        { type: 'PublishGradingCycle', on: '2026-01-20', downgrades: [{ uscc: USCC, downgrade }] },
        foldCycle(started),
      );
      const streamId = 'grading-cycle-beijing-2025';
      const asFact = (event: CycleEvent, position: number, on: string) =>
        fact(
          `${streamId}-${position}`,
          streamId,
          position,
          event.type,
          event.data,
          `${on}T01:00:00.000Z`,
        );
      const cycleFacts = [
        asFact(started[0], 10, '2026-01-12'),
        asFact(published[0], 20, '2026-01-20'),
      ];

      const periods = gradeTimeline(USCC, [registered(), fraud], cycleFacts);
      const explanation = [
        { rule: 'verified-fraud-penalty', article: 'beijing-15', facts: ['p-fraud'] },
      ];
      expect(periods).toEqual([
        {
          grade: 'D',
          score: null,
          from: '2026-01-15',
          to: '2026-01-20',
          cause: 'direct-downgrade',
          decidedBy: { eventId: 'p-fraud', position: 15 },
          policy: BEIJING,
          explanation,
        },
        {
          grade: 'D',
          score: 92,
          from: '2026-01-20',
          to: null,
          cause: 'cycle-published',
          decidedBy: { eventId: `${streamId}-20`, position: 20 },
          policy: BEIJING,
          explanation,
        },
      ]);
      expect(
        ['2026-01-14', '2026-01-15', '2026-01-20', '2026-06-01'].map((d) => gradeOn(periods, d)),
      ).toEqual(['ungraded', 'D', 'D', 'D']);
    });

    it('an objection decided on the day of a later penalty gives way to it', () => {
      const decided = c2025.decided(25, {
        decidedOn: '2026-02-05',
        revisedScore: 91,
        revised: { uscc: USCC, grade: 'A', score: 91, explanation: [] },
      });
      const p = penalty('p-feb', 26, 'false-report', '2026-02-05', '2026-02-05T09:00:00.000Z');
      const periods = gradeTimeline(USCC, [registered(), p], [started2025, published2025, decided]);
      expect(periods.map((x) => [x.grade, x.from, x.to])).toEqual([
        ['B', '2026-01-20', '2026-02-05'],
        ['D', '2026-02-05', null],
      ]);
    });
  });

  describe('bitemporal: what was known when', () => {
    // A penalty decided on 2026-03-01 but recorded only on 2026-06-01.
    const latePenalty = penalty(
      'p-late',
      40,
      'untrue-report',
      '2026-03-01',
      '2026-06-01T02:00:00.000Z',
    );
    const agencyFacts = [registered(), latePenalty];
    const cycleFacts = [started2025, published2025];
    const known = (knownAt: string) => {
      const upTo = (facts: TimelineFact[]) => facts.filter((f) => f.recordedAt <= knownAt);
      return gradeTimeline(USCC, upTo(agencyFacts), upTo(cycleFacts));
    };
    const before = known('2026-04-01T00:00:00.000Z');
    const now = known('2026-07-01T00:00:00.000Z');

    it('without the late fact, the B stands; with it, the B ends where the penalty was decided', () => {
      expect(before).toEqual([publishedB]);
      expect(now).toEqual([
        { ...publishedB, to: '2026-03-01' },
        expect.objectContaining({
          grade: 'D',
          from: '2026-03-01',
          to: null,
          decidedBy: { eventId: 'p-late', position: 40 },
        }),
      ]);
    });

    it.each([
      ['2026-01-19', 'ungraded', 'ungraded'],
      ['2026-01-20', 'B', 'B'],
      ['2026-02-28', 'B', 'B'],
      ['2026-03-01', 'B', 'D'],
      ['2026-05-31', 'B', 'D'],
      ['2026-06-01', 'B', 'D'],
    ])('as of %s: %s as known on 2026-04-01, %s as known now', (asOf, then, today) => {
      expect(gradeOn(before, asOf)).toBe(then);
      expect(gradeOn(now, asOf)).toBe(today);
    });

    it('knowing only the registration, the agency was ungraded', () => {
      expect(known('2025-12-31T00:00:00.000Z')).toEqual([]);
    });
  });

  it('gives the same periods for the same facts, byte for byte', () => {
    const facts = [
      registered(),
      penalty('p', 30, 'data-fraud', '2026-03-10', '2026-03-20T02:00:00.000Z'),
    ];
    expect(JSON.stringify(gradeTimeline(USCC, facts, [started2025, published2025]))).toBe(
      JSON.stringify(gradeTimeline(USCC, [...facts], [started2025, published2025])),
    );
  });

  it('reads the valid date of an instant in Shanghai time', () => {
    expect(validDateOf({ occurredAt: '2026-03-01T15:59:59.999Z' })).toBe('2026-03-01');
    expect(validDateOf({ occurredAt: '2026-03-01T16:00:00.000Z' })).toBe('2026-03-02');
  });
});

describe('supervision facts that count without a finding (issue 11, item 3)', () => {
  const overdue = (dueBy: string) =>
    fact(
      'pen',
      agencyStream,
      2,
      'PenaltyImposed',
      {
        decisionNumber: '渝环罚〔2026〕9号',
        decidedAt: '2026-03-02',
        violationType: 'other',
        legalBasis: 'law',
        content: 'fine',
        dueBy,
      },
      '2026-03-02T02:00:00.000Z',
    );
  const fulfilled = (fulfilledOn: string, recordedAt: string) =>
    fact(
      'ful',
      agencyStream,
      3,
      'PenaltyFulfilled',
      { penaltyEventId: 'pen', fulfilledOn },
      recordedAt,
    );

  it('given a Chongqing penalty due by 2026-03-17 and no fulfilment, the agency is E from 2026-03-18 (chongqing-16-6)', () => {
    const periods = gradeTimeline(USCC, [registered('chongqing'), overdue('2026-03-17')], []);
    expect(periodAt(periods, '2026-03-17')).toBeUndefined();
    expect(periodAt(periods, '2026-03-18')).toMatchObject({
      grade: 'E',
      from: '2026-03-18',
      cause: 'direct-downgrade',
      explanation: [{ rule: 'penalty-unfulfilled', article: 'chongqing-16-6', facts: ['pen'] }],
    });
  });

  it('given its fulfilment on the deadline, recorded later, the E is gone as known after that, and stays as known before', () => {
    const facts = [
      registered('chongqing'),
      overdue('2026-03-17'),
      fulfilled('2026-03-17', '2026-04-01T02:00:00.000Z'),
    ];
    expect(gradeTimeline(USCC, facts, [])).toEqual([]);
    const knownBefore = facts.filter((f) => f.recordedAt < '2026-04-01T00:00:00.000Z');
    expect(periodAt(gradeTimeline(USCC, knownBefore, []), '2026-03-20')?.grade).toBe('E');
  });

  it('given a Beijing inspection that finds a refusal to rectify, the agency is D from the inspection date (beijing-9-5)', () => {
    const inspection = fact(
      'insp',
      agencyStream,
      2,
      'InspectionRecorded',
      { inspectedAt: '2026-05-06', findings: [{ code: 'refused-rectification' }] },
      '2026-05-07T02:00:00.000Z',
    );
    expect(
      periodAt(gradeTimeline(USCC, [registered(), inspection], []), '2026-05-06'),
    ).toMatchObject({
      grade: 'D',
      from: '2026-05-06',
      explanation: [{ rule: 'credit-bad', article: 'beijing-9-5', facts: ['insp'] }],
    });
  });
});

describe('a downgrade with an end: the procurement blacklist ban (chongqing-16-2)', () => {
  const blacklisted = (position: number, decidedAt: string, bannedUntil: string, id = 'ban') =>
    fact(
      id,
      agencyStream,
      position,
      'CreditFindingRecorded',
      { kind: 'procurement-blacklisted', article: 'chongqing-16-2', decidedAt, bannedUntil },
      `${decidedAt}T02:00:00.000Z`,
    );
  const cq2025 = cycle(2025, CHONGQING);
  const publishedA = cq2025.published(20, '2026-02-10', [
    {
      ...proposal('A', 95),
      explanation: [{ rule: 'rank-band-A', article: 'chongqing-15', facts: [] }],
    },
  ]);

  it('given a ban from 2026-04-10 to 2026-10-09, the agency is E during it and ungraded from 2026-10-10', () => {
    const periods = gradeTimeline(
      USCC,
      [registered('chongqing'), blacklisted(30, '2026-04-10', '2026-10-09')],
      [],
    );
    expect(periods).toEqual([
      expect.objectContaining({
        grade: 'E',
        from: '2026-04-10',
        to: '2026-10-10',
        cause: 'direct-downgrade',
        explanation: [
          { rule: 'procurement-blacklist-ban', article: 'chongqing-16-2', facts: ['ban'] },
        ],
      }),
    ]);
    expect(gradeOn(periods, '2026-10-09')).toBe('E');
    expect(gradeOn(periods, '2026-10-10')).toBe('ungraded');
  });

  it('given a published A before the ban, the A it revoked does not come back after it (Art. 16: 直接撤销)', () => {
    const periods = gradeTimeline(
      USCC,
      [registered('chongqing'), blacklisted(30, '2026-04-10', '2026-10-09')],
      [cq2025.started(10, '2026-01-12', []), publishedA],
    );
    expect(gradeOn(periods, '2026-04-09')).toBe('A');
    expect(gradeOn(periods, '2026-04-10')).toBe('E');
    expect(gradeOn(periods, '2026-10-10')).toBe('ungraded');
  });

  it('given another E that still binds when the ban ends, that E is in force again from the day after', () => {
    const overdue = fact(
      'pen',
      agencyStream,
      25,
      'PenaltyImposed',
      {
        decisionNumber: '渝环罚〔2026〕9号',
        decidedAt: '2026-03-02',
        violationType: 'other',
        legalBasis: 'law',
        content: 'fine',
        dueBy: '2026-03-17',
      },
      '2026-03-02T02:00:00.000Z',
    );
    const periods = gradeTimeline(
      USCC,
      [registered('chongqing'), overdue, blacklisted(30, '2026-04-10', '2026-10-09')],
      [],
    );
    expect(periods.map((p) => [p.from, p.to, p.explanation[0].rule])).toEqual([
      ['2026-03-18', '2026-04-10', 'penalty-unfulfilled'],
      ['2026-04-10', '2026-10-10', 'procurement-blacklist-ban'],
      ['2026-10-10', null, 'penalty-unfulfilled'],
    ]);
  });

  it('given a later decision inside the ban, that decision rules from its date and the ban’s end changes nothing', () => {
    const cq2026 = cycle(2026, CHONGQING);
    const periods = gradeTimeline(
      USCC,
      [registered('chongqing'), blacklisted(30, '2026-04-10', '2026-10-09')],
      [
        cq2026.started(40, '2026-06-01', []),
        cq2026.published(50, '2026-07-01', [
          {
            ...proposal('E', null),
            explanation: [
              { rule: 'procurement-blacklist-ban', article: 'chongqing-16-2', facts: ['ban'] },
            ],
          },
        ]),
      ],
    );
    expect(periods.map((p) => [p.from, p.to, p.cause])).toEqual([
      ['2026-04-10', '2026-07-01', 'direct-downgrade'],
      ['2026-07-01', null, 'cycle-published'],
    ]);
  });

  it('given the ban recorded late, the E is in force in its own time only as known from then', () => {
    const late = {
      ...blacklisted(30, '2026-04-10', '2026-10-09'),
      recordedAt: '2026-05-01T02:00:00.000Z',
    };
    const facts = [registered('chongqing'), late];
    expect(gradeOn(gradeTimeline(USCC, facts, []), '2026-04-20')).toBe('E');
    const knownBefore = facts.filter((f) => f.recordedAt < '2026-05-01T00:00:00.000Z');
    expect(gradeOn(gradeTimeline(USCC, knownBefore, []), '2026-04-20')).toBe('ungraded');
  });
});

describe('the grade timeline of a deregistered agency (beijing-24, national-faq-7-9)', () => {
  const deregistered = (on: string, position: number, recordedAt = `${on}T02:00:00.000Z`) =>
    fact(
      'dereg',
      agencyStream,
      position,
      'AgencyDeregistered',
      {
        reason: 'voluntary',
        deregisteredOn: on,
      },
      recordedAt,
    );

  // Before issue 10 the published grade stayed in force forever, to: null.
  it('ends the grade in force on the deregistration date', () => {
    const periods = gradeTimeline(
      USCC,
      [registered(), deregistered('2026-06-30', 40)],
      [started2025, published2025],
    );
    expect(periods).toEqual([{ ...publishedB, to: '2026-06-30' }]);
    expect(gradeOn(periods, '2026-06-29')).toBe('B');
    expect(gradeOn(periods, '2026-06-30')).toBe('ungraded');
  });

  it('counts a penalty decided before the deregistration and recorded after it, in its own time', () => {
    const periods = gradeTimeline(
      USCC,
      [
        registered(),
        deregistered('2026-06-30', 40),
        penalty('p-fraud', 50, 'data-fraud', '2026-05-10', '2026-07-15T02:00:00.000Z'),
      ],
      [started2025, published2025],
    );
    expect(periods.map(({ grade, from, to, cause }) => ({ grade, from, to, cause }))).toEqual([
      { grade: 'B', from: '2026-01-20', to: '2026-05-10', cause: 'cycle-published' },
      { grade: 'D', from: '2026-05-10', to: '2026-06-30', cause: 'direct-downgrade' },
    ]);
  });

  it('puts no grade in force from the deregistration on', () => {
    const periods = gradeTimeline(
      USCC,
      [registered(), deregistered('2026-01-15', 40)],
      [started2025, published2025],
    );
    expect(periods).toEqual([]);
  });
});

describe("Beijing's calendar of credit (seed 000 Art. 8, 22, 23)", () => {
  const registeredOn = (filedOn: string) =>
    fact(
      'reg',
      agencyStream,
      1,
      'AgencyRegistered',
      { jurisdiction: 'beijing', filedOn },
      `${filedOn}T02:00:00.000Z`,
    );
  const finding = (decidedAt: string, position = 5) =>
    fact(
      `f-${decidedAt}`,
      agencyStream,
      position,
      'CreditFindingRecorded',
      { kind: 'police-case-opened', article: 'beijing-9-4', decidedAt },
      `${decidedAt}T02:00:00.000Z`,
    );

  describe('given an agency registered on 2025-06-10: credit management from 2026-06-10 (Art. 8)', () => {
    it('a credit-bad situation before then is recorded but grades nothing', () => {
      expect(gradeTimeline(USCC, [registeredOn('2025-06-10'), finding('2026-06-09')], [])).toEqual(
        [],
      );
    });

    it('one on the first day of credit management is D from its date (beijing-9-4)', () => {
      expect(
        gradeTimeline(USCC, [registeredOn('2025-06-10'), finding('2026-06-10')], []),
      ).toMatchObject([{ grade: 'D', from: '2026-06-10', cause: 'direct-downgrade' }]);
    });

    it('a verified fraud grades from registration: Art. 15 is grading (Art. 12), not credit management', () => {
      const fraud = penalty('p-fraud', 6, 'data-fraud', '2025-09-01', '2025-09-01T02:00:00.000Z');
      expect(gradeTimeline(USCC, [registeredOn('2025-06-10'), fraud], [])).toMatchObject([
        { grade: 'D', from: '2025-09-01', explanation: [{ article: 'beijing-15' }] },
      ]);
    });
  });

  it('a published re-evaluation is the grade in force from its publication date, until the next decision', () => {
    const published = fact(
      'reeval',
      agencyStream,
      9,
      'ReevaluationPublished',
      {
        reevaluationId: `${USCC}.000000000001`,
        publishedOn: '2026-09-18',
        policy: BEIJING,
        grade: {
          grade: 'A',
          score: 91,
          explanation: [{ rule: 'score-band-A', article: 'beijing-15', facts: ['x'] }],
        },
      },
      '2026-09-18T02:00:00.000Z',
    );
    const periods = gradeTimeline(
      USCC,
      [registeredOn('2025-01-10'), finding('2026-06-10'), published],
      [],
    );
    expect(periods).toMatchObject([
      { grade: 'D', from: '2026-06-10', to: '2026-09-18' },
      {
        grade: 'A',
        score: 91,
        from: '2026-09-18',
        to: null,
        cause: 'reevaluated',
        decidedBy: { eventId: 'reeval' },
      },
    ]);
  });
});
