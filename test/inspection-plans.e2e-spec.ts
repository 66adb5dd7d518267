/**
 * The 双随机 inspection draw over HTTP (issue 11, item 5; seed 000 Art. 19, seed 001 Art. 22,
 * seed 003 (十九)): a regulator draws a period's plan from the agencies its jurisdiction
 * supervises, by the share of each grade the policy sets; anyone who may read it re-draws it
 * from the recorded inputs; inspections name the plan they carry out.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

interface Drawn {
  uscc: string;
  grade: string;
}

const SEED = '5eed'.repeat(16);

describe('the 双随机 inspection draw', () => {
  let t: TestApp;
  let http: App;
  const chongqing = regulatorOf('chongqing');
  const beijing = regulatorOf('beijing');
  const auditor = bearer(actors.auditor);
  const reviewer = bearer(actors.reviewer);
  let fraud: string;
  let unassessed: string;
  let deregistered: string;

  async function graded(jurisdiction: 'beijing' | 'chongqing', scores: number[]) {
    const regulator = regulatorOf(jurisdiction);
    for (const score of scores) {
      const uscc = await approvedAgency(http, jurisdiction);
      await request(http)
        .post(`/api/v1/agencies/${uscc}/assessments`)
        .set('Authorization', regulator)
        .send({ year: 2025, score, occurredAt: '2026-01-05' })
        .expect(201);
    }
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction, year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    await request(http)
      .post(`/api/v1/grading-cycles/${jurisdiction}-2025/publish`)
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-02-13' })
      .expect(201);
  }

  beforeAll(async () => {
    t = await startTestApp('inspection_plans');
    http = t.app.getHttpServer();
    // Chongqing ranks 14 agencies (Art. 15): 3 A, 4 B, 5 C, 2 D.
    await graded('chongqing', [99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86]);
    // E from a false-data penalty (Art. 16(4)): out of the directory, still supervised (Art. 22).
    fraud = await approvedAgency(http, 'chongqing');
    await request(http)
      .post(`/api/v1/agencies/${fraud}/penalties`)
      .set('Authorization', chongqing)
      .send({
        decisionNumber: '渝环罚〔2026〕7号',
        decidedAt: '2026-02-20',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2026-02-20',
      })
      .expect(201);
    unassessed = await approvedAgency(http, 'chongqing');
    deregistered = await approvedAgency(http, 'chongqing');
    await request(http)
      .post(`/api/v1/agencies/${deregistered}/deregistration`)
      .set('Authorization', chongqing)
      .send({ reason: 'voluntary', occurredAt: '2026-03-01' })
      .expect(201);
    // Beijing bands (Art. 15): 2 A, 2 B, 1 C, 1 D.
    await graded('beijing', [95, 92, 80, 78, 65, 50]);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const drawPlan = (token: string | undefined, body: Record<string, unknown>) => {
    const req = request(http).post('/api/v1/inspection-plans');
    if (token) req.set('Authorization', token);
    return req.send(body);
  };
  const plan = (planId: string, token = auditor) =>
    request(http).get(`/api/v1/inspection-plans/${planId}`).set('Authorization', token);

  /** Of each grade, how many the plan drew and how many it could draw from. */
  function shares(candidates: Drawn[], drawn: Drawn[]) {
    const grades = [...new Set(candidates.map((c) => c.grade))];
    return Object.fromEntries(
      grades.map((g) => [
        g,
        {
          n: candidates.filter((c) => c.grade === g).length,
          k: drawn.filter((d) => d.grade === g).length,
        },
      ]),
    );
  }

  it('draws Chongqing’s plan with the Art. 22 shares of each grade, at most the ratio, and records its inputs', async () => {
    const res = await drawPlan(chongqing, {
      jurisdiction: 'chongqing',
      period: '2026-Q2',
      seed: SEED,
      occurredAt: '2026-03-10',
    }).expect(201);
    expect(res.body).toMatchObject({
      planId: 'chongqing-2026-Q2',
      seed: SEED,
      seedSource: 'given',
      ratios: { A: 0.05, B: 0.1, C: 0.3, D: 1, E: 1, ungraded: 1 },
      eventIds: [expect.any(String)],
    });
    const shown = (await plan('chongqing-2026-Q2').expect(200)).body;
    expect(shown).toMatchObject({
      planId: 'chongqing-2026-Q2',
      jurisdiction: 'chongqing',
      periodStartsOn: '2026-04-01',
      periodEndsOn: '2026-06-30',
      drawnOn: '2026-03-10',
      policy: { id: 'chongqing/2023', article: 'chongqing-22' },
      rounding: 'floor',
      seed: SEED,
      algorithm: { name: 'sha256-ctr-fisher-yates', version: 1 },
    });
    const candidates = shown.candidates as Drawn[];
    // Supervised on 2026-03-10: the 14 graded, the E, the unassessed; not the deregistered.
    expect(candidates).toHaveLength(16);
    expect(candidates.map((c) => c.uscc)).not.toContain(deregistered);
    expect(candidates).toContainEqual({ uscc: fraud, grade: 'E' });
    expect(candidates).toContainEqual({ uscc: unassessed, grade: 'ungraded' });
    expect(shares(candidates, res.body.drawn as Drawn[])).toEqual({
      A: { n: 3, k: 0 }, // floor(5 % × 3)
      B: { n: 4, k: 0 }, // floor(10 % × 4)
      C: { n: 5, k: 1 }, // floor(30 % × 5)
      D: { n: 2, k: 2 },
      E: { n: 1, k: 1 },
      ungraded: { n: 1, k: 1 },
    });
    for (const { n, k } of Object.values(shares(candidates, res.body.drawn as Drawn[])))
      expect(k).toBeLessThanOrEqual(n);
    expect((shown.drawn as Drawn[]).map(({ uscc, grade }) => ({ uscc, grade }))).toEqual(
      res.body.drawn,
    );
    expect(shown.toInspect).toEqual((res.body.drawn as Drawn[]).map((d) => d.uscc));
  });

  it('draws Beijing’s plan by the levels of Art. 19 with a seed from the ledger’s CSPRNG', async () => {
    const res = await drawPlan(beijing, {
      jurisdiction: 'beijing',
      period: '2026-Q2',
      occurredAt: '2026-03-10',
    }).expect(201);
    expect(res.body).toMatchObject({ planId: 'beijing-2026-Q2', seedSource: 'generated' });
    expect(res.body.seed).toMatch(/^[0-9a-f]{64}$/);
    const shown = (await plan('beijing-2026-Q2').expect(200)).body;
    expect(shown).toMatchObject({ rounding: 'ceil', policy: { article: 'beijing-19' } });
    // At least the share, less than one more: ceil(5 % × 2), ceil(10 % × 2), ceil(30 % × 1), all D.
    expect(shares(shown.candidates as Drawn[], res.body.drawn as Drawn[])).toEqual({
      A: { n: 2, k: 1 },
      B: { n: 2, k: 1 },
      C: { n: 1, k: 1 },
      D: { n: 1, k: 1 },
    });
  });

  it('re-draws both plans from their recorded inputs: match', async () => {
    for (const planId of ['chongqing-2026-Q2', 'beijing-2026-Q2']) {
      const verified = await request(http)
        .get(`/api/v1/inspection-plans/${planId}/verify`)
        .set('Authorization', auditor)
        .expect(200);
      expect(verified.body).toMatchObject({ planId, match: true });
      expect(verified.body.redrawn).toEqual(verified.body.recorded);
    }
    const byReviewer = await request(http)
      .get('/api/v1/inspection-plans/chongqing-2026-Q2/verify')
      .set('Authorization', reviewer)
      .expect(200);
    expect(byReviewer.body.match).toBe(true);
  });

  it('answers a repeated draw with the same Idempotency-Key from the first, seed included (Jiaxing (十九))', async () => {
    const agencies = [
      await approvedAgency(http, 'jiaxing'),
      await approvedAgency(http, 'jiaxing'),
      await approvedAgency(http, 'jiaxing'),
    ];
    const send = () =>
      request(http)
        .post('/api/v1/inspection-plans')
        .set('Authorization', regulatorOf('jiaxing'))
        .set('Idempotency-Key', 'jiaxing-2026-Q2-draw')
        .send({ jurisdiction: 'jiaxing', period: '2026-Q2', occurredAt: '2026-03-10' })
        .expect(201);
    const first = await send();
    const again = await send();
    expect(again.body).toEqual(first.body);
    // Not graded yet: the routine share, ceil(20 % × 3) = 1.
    expect(first.body.drawn).toEqual([{ uscc: expect.any(String), grade: 'ungraded' }]);
    expect(agencies).toContain(first.body.drawn[0].uscc);
    const verified = await request(http)
      .get('/api/v1/inspection-plans/jiaxing-2026-Q2/verify')
      .set('Authorization', auditor)
      .expect(200);
    expect(verified.body).toMatchObject({ match: true, recorded: first.body.drawn });
  });

  it('does not draw a period’s plan twice (409), so no draw is repeated until it pleases', async () => {
    const again = await drawPlan(chongqing, {
      jurisdiction: 'chongqing',
      period: '2026-Q2',
      seed: 'ab'.repeat(32),
      occurredAt: '2026-03-11',
    }).expect(409);
    expect(again.body).toMatchObject({ article: 'chongqing-22' });
    expect(again.body.message).toEqual([expect.stringMatching(/^period: /)]);
  });

  it('marks a drawn agency done when an inspection names the plan; refuses one the plan did not draw', async () => {
    const shown = (await plan('chongqing-2026-Q2').expect(200)).body;
    const chosen = (shown.drawn as Drawn[])[0].uscc;
    const passedOver = (shown.candidates as Drawn[]).find(
      (c) => !(shown.drawn as Drawn[]).some((d) => d.uscc === c.uscc),
    )!.uscc;
    const inspection = (planId: string, uscc: string, inspectedAt = '2026-04-15') =>
      request(http)
        .post(`/api/v1/agencies/${uscc}/inspections`)
        .set('Authorization', chongqing)
        .send({ inspectedAt, method: 'on-site', findings: [], planId, occurredAt: inspectedAt });

    const done = await inspection('chongqing-2026-Q2', chosen).expect(201);
    const after = (await plan('chongqing-2026-Q2', chongqing).expect(200)).body;
    expect(after.toInspect).not.toContain(chosen);
    expect(after.toInspect).toHaveLength((shown.toInspect as string[]).length - 1);
    expect((after.drawn as { uscc: string }[]).find((d) => d.uscc === chosen)).toMatchObject({
      inspected: true,
      inspections: [{ eventId: done.body.eventIds[0], inspectedAt: '2026-04-15' }],
    });

    const notDrawn = await inspection('chongqing-2026-Q2', passedOver).expect(422);
    expect(notDrawn.body).toMatchObject({ article: 'chongqing-22' });
    expect(notDrawn.body.message).toEqual([expect.stringMatching(/^planId: /)]);
    const early = await inspection('chongqing-2026-Q2', chosen, '2026-03-09').expect(422);
    expect(early.body.message).toEqual([expect.stringMatching(/^inspectedAt: /)]);
    const unknown = await inspection('chongqing-2026-Q3', chosen).expect(404);
    expect(unknown.body.message).toEqual([expect.stringMatching(/^planId: /)]);
    const malformed = await inspection('chongqing-Q3', chosen).expect(400);
    expect(malformed.body.message).toEqual([expect.stringMatching(/^planId: /)]);
    // Refused inspections recorded nothing: the plan still counts one done.
    expect((await plan('chongqing-2026-Q2').expect(200)).body.toInspect).toEqual(after.toInspect);
  });

  it.each([
    ['an unknown jurisdiction', { jurisdiction: 'shanghai', period: '2026-Q3' }, 'jurisdiction'],
    ['a malformed period', { jurisdiction: 'chongqing', period: '2026-Q5' }, 'period'],
    ['a period in words', { jurisdiction: 'chongqing', period: 'spring' }, 'period'],
    [
      'a seed that is not hexadecimal',
      { jurisdiction: 'chongqing', period: '2026-Q3', seed: 'lucky' },
      'seed',
    ],
    ['a seed too short', { jurisdiction: 'chongqing', period: '2026-Q3', seed: 'ab12' }, 'seed'],
    ['a seed that is a number', { jurisdiction: 'chongqing', period: '2026-Q3', seed: 42 }, 'seed'],
  ])('answers %s with 400 naming the field, and draws nothing', async (_what, body, field) => {
    const res = await drawPlan(chongqing, { ...body, occurredAt: '2026-03-10' }).expect(400);
    expect(res.body.message).toEqual([expect.stringMatching(new RegExp(`^${field}: `))]);
    await plan('chongqing-2026-Q3').expect(404);
  });

  it('lets only a regulator of the jurisdiction draw (403 otherwise, 401 without a token)', async () => {
    const body = { jurisdiction: 'chongqing', period: '2026-Q3', occurredAt: '2026-03-10' };
    const other = await drawPlan(beijing, body).expect(403);
    expect(other.body.message).toEqual([expect.stringMatching(/^jurisdiction: /)]);
    await drawPlan(auditor, body).expect(403);
    await drawPlan(bearer(actors.agency(fraud)), body).expect(403);
    await drawPlan(undefined, body).expect(401);
    await plan('chongqing-2026-Q3').expect(404);
    await plan('chongqing-2026-Q2', beijing).expect(403);
    await plan('chongqing-2026-Q2', bearer(actors.agency(fraud))).expect(403);
    await request(http).get('/api/v1/inspection-plans/chongqing-2026-Q2').expect(401);
  });

  it('refuses a draw no policy of supervision covers (422 citing the article)', async () => {
    const before = await drawPlan(beijing, {
      jurisdiction: 'beijing',
      period: '2024-Q4',
      occurredAt: '2024-10-01',
    }).expect(422);
    expect(before.body).toMatchObject({ article: 'beijing-19' });
    expect(before.body.message).toEqual([expect.stringMatching(/^jurisdiction: /)]);
    const ended = await drawPlan(chongqing, {
      jurisdiction: 'chongqing',
      period: '2026-01',
      occurredAt: '2026-03-10',
    }).expect(422);
    expect(ended.body).toMatchObject({ article: 'chongqing-22' });
    expect(ended.body.message).toEqual([expect.stringMatching(/^period: /)]);
    await plan('beijing-2024-Q4').expect(404);
  });

  it('answers 404 for a plan never drawn and 400 for a malformed plan id', async () => {
    await request(http)
      .get('/api/v1/inspection-plans/jiaxing-2026-Q3/verify')
      .set('Authorization', auditor)
      .expect(404);
    const bad = await plan('jiaxing-2026-Q9').expect(400);
    expect(bad.body.message).toEqual([expect.stringMatching(/^planId: /)]);
  });

  it('documents the routes with response schemas', async () => {
    const { body } = await request(http).get('/api/docs-json').expect(200);
    const paths = body.paths as Record<
      string,
      Record<string, { responses: Record<string, { content?: object }> }>
    >;
    expect(paths['/api/v1/inspection-plans'].post.responses['201'].content).toBeDefined();
    expect(paths['/api/v1/inspection-plans/{planId}'].get.responses['200'].content).toBeDefined();
    expect(
      paths['/api/v1/inspection-plans/{planId}/verify'].get.responses['200'].content,
    ).toBeDefined();
  });
});
