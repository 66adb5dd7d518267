/**
 * A Jiaxing year over HTTP (seed 003 (九)–(十九)): score bands A–E and risk levels at their
 * edges, a falsification penalty straight to E and high risk, objections within 5 working
 * days of the start of publicity (across the May Day holiday) reviewed within 15, publication
 * that does not wait for them, an objection upheld after publication as a new period, no bar
 * on upgrade requests, and replay, including a knownAt before a late-recorded penalty.
 * (十八), a new year's grade voiding the previous one, needs a second cycle and is not covered.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { addWorkingDays } from '@ledger/domain';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

type Period = { grade: string; riskLevel?: string; from: string; to: string | null; cause: string };

describe('a Jiaxing grading year', () => {
  let t: TestApp;
  let http: App;
  const regulator = regulatorOf('jiaxing');
  const reviewer = bearer(actors.reviewer);
  const auditor = bearer(actors.auditor);
  const u: Record<string, string> = {};
  const agency = (key: string) => bearer(actors.agency(u[key]));
  const grade = (key: string, query = '') =>
    request(http).get(`/api/v1/agencies/${u[key]}/grade${query}`).expect(200);
  const history = async (key: string, query = '') =>
    (
      (await request(http).get(`/api/v1/agencies/${u[key]}/grade-history${query}`).expect(200)).body
        .periods as Period[]
    ).map((p) => [p.grade, p.riskLevel, p.from, p.to, p.cause]);
  const object = (key: string, occurredAt: string) =>
    request(http)
      .post(`/api/v1/agencies/${u[key]}/objections`)
      .set('Authorization', agency(key))
      .send({ cycleId: 'jiaxing-2025', reason: '评分依据有误', occurredAt });

  /** Publicity starts on Wednesday 2026-04-29, before the May Day holiday (1–5 May). */
  const START = '2026-04-29';
  /** 5 working days: 30 April, 6, 7, 8 May and Saturday 9 May, a make-up working day. */
  const WINDOW_ENDS = '2026-05-09';
  const PUBLISHED = '2026-05-11';
  const UPHELD_ON = '2026-05-20';

  /** [score, riskScore] by agency: the band and risk edges of (十). */
  const SCORES: Record<string, [number, number | undefined]> = {
    a90: [90, 80],
    b8999: [89.99, 79.99],
    b80: [80, 60],
    c7999: [79.99, 59.99],
    c70: [70, undefined],
    d6999: [69.99, 85],
    d60: [60, 60],
    e5999: [59.99, 50],
    falsified: [88, 90],
  };
  const EXPECTED: Record<string, [string, string]> = {
    a90: ['A', 'low'],
    b8999: ['B', 'medium'],
    b80: ['B', 'medium'],
    c7999: ['C', 'high'],
    // No risk score: the risk follows the basic credit score (the policy's assumption).
    c70: ['C', 'medium'],
    d6999: ['D', 'low'],
    d60: ['D', 'medium'],
    e5999: ['E', 'high'],
    falsified: ['E', 'high'],
  };

  let penaltyId: string;

  beforeAll(async () => {
    t = await startTestApp('jiaxing_year');
    http = t.app.getHttpServer();
    for (const [key, [score, riskScore]] of Object.entries(SCORES)) {
      u[key] = await approvedAgency(http, 'jiaxing');
      await assess(http, u[key], 'jiaxing', {
        score,
        ...(riskScore !== undefined && { riskScore }),
      });
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('grades E and high risk at once from the decision date of a falsification penalty (jiaxing-11-4)', async () => {
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.falsified}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '嘉环罚〔2025〕12号',
        decidedAt: '2025-09-01',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2025-09-01',
      })
      .expect(201);
    penaltyId = penalty.body.eventIds[0];
    expect((await grade('falsified', '?asOf=2025-08-31')).body.grade).toBe('ungraded');
    expect((await grade('falsified', '?asOf=2025-09-01')).body).toMatchObject({
      grade: 'E',
      riskLevel: 'high',
      effectiveFrom: '2025-09-01',
      cause: 'direct-downgrade',
      policy: { jurisdiction: 'jiaxing', version: '2023' },
      explanation: [{ rule: 'falsification-penalty', article: 'jiaxing-11-4', facts: [penaltyId] }],
    });
  });

  it('proposes grades by band and risk levels by risk score, at the edges of (十)', async () => {
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulatorOf('chongqing'))
      .send({ jurisdiction: 'jiaxing', year: 2025, occurredAt: START })
      .expect(403);
    const res = await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'jiaxing', year: 2025, occurredAt: START })
      .expect(201);
    expect(res.body).toMatchObject({
      cycleId: 'jiaxing-2025',
      policy: { id: 'jiaxing/2023' },
      publicityStartsOn: START,
      objectionWindowEndsOn: WINDOW_ENDS,
    });
    expect(WINDOW_ENDS).toBe(addWorkingDays(START, 5));
    const proposed = Object.fromEntries(
      (res.body.proposals as { uscc: string; grade: string; riskLevel: string }[]).map((p) => [
        Object.keys(u).find((k) => u[k] === p.uscc),
        [p.grade, p.riskLevel],
      ]),
    );
    expect(proposed).toEqual(EXPECTED);
  });

  let rejectedObjection: string;
  let upheldObjection: string;
  it('takes objections within 5 working days of the start of publicity, reviewed within 15 (jiaxing-16)', async () => {
    const first = await object('b80', '2026-04-30').expect(201);
    expect(first.body.reviewDueOn).toBe('2026-05-25');
    expect(first.body.reviewDueOn).toBe(addWorkingDays('2026-04-30', 15));
    rejectedObjection = first.body.objectionId;

    const last = await object('d6999', WINDOW_ENDS).expect(201);
    expect(last.body.reviewDueOn).toBe(addWorkingDays(WINDOW_ENDS, 15));
    upheldObjection = last.body.objectionId;

    const late = await object('e5999', '2026-05-11').expect(422);
    expect(late.body).toMatchObject({
      article: 'jiaxing-16',
      message: [expect.stringMatching(/^occurredAt: /)],
    });
  });

  it('publishes after publicity without waiting for a pending objection', async () => {
    await request(http)
      .post(`/api/v1/objections/${rejectedObjection}/decision`)
      .set('Authorization', regulator)
      .send({ outcome: 'rejected', reason: '证据不足', occurredAt: '2026-05-08' })
      .expect(201);
    const early = await request(http)
      .post('/api/v1/grading-cycles/jiaxing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: WINDOW_ENDS })
      .expect(422);
    expect(early.body).toMatchObject({ article: 'jiaxing-16' });
    const published = await request(http)
      .post('/api/v1/grading-cycles/jiaxing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: PUBLISHED })
      .expect(201);
    expect(published.body.publishedOn).toBe(PUBLISHED);

    const cycle = await request(http).get('/api/v1/grading-cycles/jiaxing-2025').expect(200);
    expect(cycle.body).toMatchObject({ status: 'published', publishedOn: PUBLISHED });
    expect(
      Object.fromEntries(
        (cycle.body.objections as { objectionId: string; status: string }[]).map((o) => [
          o.objectionId,
          o.status,
        ]),
      ),
    ).toEqual({ [rejectedObjection]: 'rejected', [upheldObjection]: 'pending' });

    expect((await grade('a90', `?asOf=${WINDOW_ENDS}`)).body.grade).toBe('ungraded');
    const graded = Object.fromEntries(
      await Promise.all(
        Object.keys(EXPECTED).map(async (key) => {
          const { body } = await grade(key, '?asOf=2026-05-15');
          return [key, [body.grade, body.riskLevel]] as const;
        }),
      ),
    );
    expect(graded).toEqual(EXPECTED);
    expect((await grade('b8999', '?asOf=2026-05-15')).body).toMatchObject({
      grade: 'B',
      score: 89.99,
      riskLevel: 'medium',
      effectiveFrom: PUBLISHED,
      cause: 'cycle-published',
      policy: { jurisdiction: 'jiaxing', version: '2023' },
      explanation: [{ rule: 'score-band-B', article: 'jiaxing-10' }],
    });
    expect((await grade('falsified', '?asOf=2026-05-15')).body).toMatchObject({
      grade: 'E',
      riskLevel: 'high',
      explanation: [{ article: 'jiaxing-11-4', facts: [penaltyId] }],
    });
  });

  it('takes an objection upheld after publication as a new period from its decision date', async () => {
    const decided = await request(http)
      .post(`/api/v1/objections/${upheldObjection}/decision`)
      .set('Authorization', reviewer)
      .send({ outcome: 'upheld', revisedScore: 72, riskScore: 65, occurredAt: UPHELD_ON })
      .expect(201);
    expect(decided.body.revised).toMatchObject({
      uscc: u.d6999,
      grade: 'C',
      score: 72,
      riskLevel: 'medium',
    });
    expect((await grade('d6999', '?asOf=2026-05-19')).body).toMatchObject({
      grade: 'D',
      riskLevel: 'low',
    });
    expect((await grade('d6999', `?asOf=${UPHELD_ON}`)).body).toMatchObject({
      grade: 'C',
      score: 72,
      riskLevel: 'medium',
      cause: 'objection-upheld',
      effectiveFrom: UPHELD_ON,
      decidedBy: { eventId: decided.body.eventIds[0] },
    });
    expect(await history('d6999')).toEqual([
      ['D', 'low', PUBLISHED, UPHELD_ON, 'cycle-published'],
      ['C', 'medium', UPHELD_ON, null, 'objection-upheld'],
    ]);
    expect(await history('falsified')).toEqual([
      ['E', 'high', '2025-09-01', PUBLISHED, 'direct-downgrade'],
      ['E', 'high', PUBLISHED, null, 'cycle-published'],
    ]);
    // A rejected objection changes nothing.
    expect(await history('b80')).toEqual([['B', 'medium', PUBLISHED, null, 'cycle-published']]);
  });

  it('bars no upgrade request, not even from an E agency', async () => {
    for (const key of ['falsified', 'e5999', 'd60']) {
      const res = await request(http)
        .post(`/api/v1/agencies/${u[key]}/upgrade-requests`)
        .set('Authorization', agency(key))
        .send({ reason: '已整改', occurredAt: '2026-11-25' });
      expect({ key, status: res.status, body: res.body as unknown }).toMatchObject({
        key,
        status: 201,
        body: { uscc: u[key] },
      });
    }
  });

  it('answers differently for the past exactly where a late-recorded penalty says, and replay agrees', async () => {
    const before = await t.ledgerNow();
    await new Promise((r) => setTimeout(r, 5));
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.a90}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '嘉环罚〔2026〕5号',
        decidedAt: '2026-06-01',
        violationType: 'false-om',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2026-06-01',
      })
      .expect(201);
    const knownThen = `&knownAt=${encodeURIComponent(before)}`;
    expect((await grade('a90', `?asOf=2026-07-01${knownThen}`)).body).toMatchObject({
      grade: 'A',
      riskLevel: 'low',
      cause: 'cycle-published',
    });
    expect((await grade('a90', '?asOf=2026-07-01')).body).toMatchObject({
      grade: 'E',
      riskLevel: 'high',
      cause: 'direct-downgrade',
      effectiveFrom: '2026-06-01',
      decidedBy: { eventId: penalty.body.eventIds[0] },
      explanation: [{ article: 'jiaxing-11-4' }],
    });
    expect((await grade('a90', '?asOf=2026-05-31')).body.grade).toBe('A');
    expect(await history('a90', `?knownAt=${encodeURIComponent(before)}`)).toEqual([
      ['A', 'low', PUBLISHED, null, 'cycle-published'],
    ]);
    expect(await history('a90')).toEqual([
      ['A', 'low', PUBLISHED, '2026-06-01', 'cycle-published'],
      ['E', 'high', '2026-06-01', null, 'direct-downgrade'],
    ]);

    const now = await t.ledgerNow();
    const pairs: [string, string, string][] = [
      ['a90', '2026-07-01', before],
      ['a90', '2026-07-01', now],
      ['a90', '2026-05-15', before],
      ['d6999', '2026-05-19', now],
      ['d6999', '2026-06-01', now],
      ['falsified', '2026-01-01', now],
    ];
    for (const [key, asOf, knownAt] of pairs) {
      const replay = await request(http)
        .post(`/api/v1/agencies/${u[key]}/replay`)
        .set('Authorization', key === 'a90' ? auditor : reviewer)
        .send({ asOf, knownAt })
        .expect(200);
      expect({ key, asOf, knownAt, match: replay.body.match }).toEqual({
        key,
        asOf,
        knownAt,
        match: true,
      });
      expect(replay.body.recomputed).toEqual(replay.body.recorded);
    }
  });
});
