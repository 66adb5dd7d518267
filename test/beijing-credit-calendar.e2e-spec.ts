/**
 * Beijing's calendar of credit over HTTP (seed 000 Art. 8, 16, 22, 23): credit-bad facts before
 * one full year of registration are recorded but grade nothing; an accepted upgrade request ends
 * in a re-evaluation the policy grades, publicised 5 working days, in force from its publication.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe("Beijing's calendar of credit", () => {
  let t: TestApp;
  let http: App;
  const regulator = regulatorOf('beijing');
  const auditor = bearer(actors.auditor);
  const u: Record<string, string> = {};
  const grade = (key: string, asOf: string) =>
    request(http).get(`/api/v1/agencies/${u[key]}/grade?asOf=${asOf}`).expect(200);

  beforeAll(async () => {
    t = await startTestApp('beijing_credit_calendar');
    http = t.app.getHttpServer();
    // Registered (filed) on 2025-01-06: under credit management from 2026-01-06 (Art. 8).
    u.riser = await approvedAgency(http, 'beijing');
    u.young = await approvedAgency(http, 'beijing');
    await assess(http, u.riser, 'beijing', { score: 70 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-01-20' })
      .expect(201);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('records a credit-bad finding from before credit management began, and grades nothing on it (beijing-8)', async () => {
    await request(http)
      .post(`/api/v1/agencies/${u.young}/credit-findings`)
      .set('Authorization', regulator)
      .send({
        kind: 'police-case-opened',
        article: 'beijing-9-4',
        decidedAt: '2025-06-01',
        occurredAt: '2025-06-01',
      })
      .expect(201);
    expect((await grade('young', '2025-06-02')).body.grade).toBe('ungraded');
    const record = await request(http)
      .get(`/api/v1/agencies/${u.young}/credit-record?asOf=2025-06-02`)
      .set('Authorization', auditor)
      .expect(200);
    expect(JSON.stringify(record.body)).toContain('police-case-opened');
    await request(http)
      .post(`/api/v1/agencies/${u.young}/credit-findings`)
      .set('Authorization', regulator)
      .send({
        kind: 'police-case-opened',
        article: 'beijing-9-4',
        decidedAt: '2026-01-06',
        occurredAt: '2026-01-06',
      })
      .expect(201);
    expect((await grade('young', '2026-01-06')).body).toMatchObject({
      grade: 'D',
      effectiveFrom: '2026-01-06',
      cause: 'direct-downgrade',
    });
  });

  let reevaluationId: string;
  it('takes an upgrade request 6 months after the last adjustment, and the regulator re-evaluates it: the policy proposes the grade, 5 working days of publicity (beijing-23, beijing-16)', async () => {
    expect((await grade('riser', '2026-07-20')).body).toMatchObject({ grade: 'C' });
    await request(http)
      .post(`/api/v1/agencies/${u.riser}/reevaluations`)
      .set('Authorization', regulator)
      .send({ basis: 'upgrade-request', score: 92, occurredAt: '2026-07-21' })
      .expect(422)
      .expect((res) => expect(res.body.article).toBe('beijing-23'));
    await request(http)
      .post(`/api/v1/agencies/${u.riser}/upgrade-requests`)
      .set('Authorization', bearer(actors.agency(u.riser)))
      .send({ reason: '扩充实验室，新增技术人员', occurredAt: '2026-07-21' })
      .expect(201);
    await request(http)
      .post(`/api/v1/agencies/${u.riser}/reevaluations`)
      .set('Authorization', bearer(actors.agency(u.riser)))
      .send({ basis: 'upgrade-request', score: 99, occurredAt: '2026-07-27' })
      .expect(403);
    const proposed = await request(http)
      .post(`/api/v1/agencies/${u.riser}/reevaluations`)
      .set('Authorization', regulator)
      .send({ basis: 'upgrade-request', score: 92, occurredAt: '2026-07-27' })
      .expect(201);
    expect(proposed.body).toMatchObject({
      article: 'beijing-23',
      proposal: { grade: 'A', score: 92 },
      publicityEndsOn: '2026-08-03',
    });
    reevaluationId = proposed.body.reevaluationId;
    // Proposed, not yet decided: the grade in force is still the cycle's.
    expect((await grade('riser', '2026-07-28')).body).toMatchObject({ grade: 'C' });
  });

  it('publishes after publicity, as a grade decision in force from its date; replay agrees', async () => {
    await request(http)
      .post(`/api/v1/reevaluations/${reevaluationId}/publication`)
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-08-03' })
      .expect(422)
      .expect((res) => expect(res.body.article).toBe('beijing-16'));
    const published = await request(http)
      .post(`/api/v1/reevaluations/${reevaluationId}/publication`)
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-08-04' })
      .expect(201);
    expect(published.body).toMatchObject({ grade: 'A', score: 92, effectiveFrom: '2026-08-04' });
    expect((await grade('riser', '2026-08-03')).body.grade).toBe('C');
    expect((await grade('riser', '2026-08-04')).body).toMatchObject({
      grade: 'A',
      score: 92,
      effectiveFrom: '2026-08-04',
      cause: 'reevaluated',
    });
    const replay = await request(http)
      .post(`/api/v1/agencies/${u.riser}/replay`)
      .set('Authorization', auditor)
      .send({ asOf: '2026-08-04', knownAt: await t.ledgerNow() })
      .expect(200);
    expect(replay.body.match).toBe(true);
    // The new grade is the last adjustment: the next request waits 6 months from it (Art. 23).
    await request(http)
      .post(`/api/v1/agencies/${u.riser}/upgrade-requests`)
      .set('Authorization', bearer(actors.agency(u.riser)))
      .send({ occurredAt: '2026-09-01' })
      .expect(422);
  });

  it('adjusts a grade mid-cycle from supervision the same way (beijing-22), and refuses a jurisdiction without re-evaluations', async () => {
    const proposed = await request(http)
      .post(`/api/v1/agencies/${u.riser}/reevaluations`)
      .set('Authorization', regulator)
      .send({
        basis: 'supervision',
        score: 74,
        reason: '日常监管发现问题',
        occurredAt: '2026-09-07',
      })
      .expect(201);
    expect(proposed.body).toMatchObject({ article: 'beijing-22', proposal: { grade: 'C' } });
    await request(http)
      .post(`/api/v1/reevaluations/${proposed.body.reevaluationId}/publication`)
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-09-15' })
      .expect(201);
    expect((await grade('riser', '2026-09-15')).body).toMatchObject({
      grade: 'C',
      cause: 'reevaluated',
    });
    const cq = await approvedAgency(http, 'chongqing');
    await request(http)
      .post(`/api/v1/agencies/${cq}/reevaluations`)
      .set('Authorization', regulatorOf('chongqing'))
      .send({ basis: 'supervision', score: 74, occurredAt: '2026-09-07' })
      .expect(422)
      .expect((res) => expect(res.body.article).toBe('beijing-22'));
  });
});
