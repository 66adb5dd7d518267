/**
 * Time is data (issue 8): every decision reads the command's valid time (`occurredAt`), never
 * the day it was keyed in; a valid time in the future is 400; a fact dated before the fact it
 * depends on is 422 citing the rule. Every body carries its dates.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { freshUscc, Ledger } from './support/fixtures';
import { assess, approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const regulator = bearer(actors.beijing);

describe('valid time over HTTP', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;

  beforeAll(async () => {
    t = await startTestApp('valid_time');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const eventsOf = async (uscc: string) =>
    ((await ledger.events(uscc)) ?? []) as unknown as {
      type: string;
      occurredAt: string;
      data: Record<string, unknown>;
    }[];
  const typesOf = async (uscc: string) => (await eventsOf(uscc)).map((e) => e.type);

  it('a change filed on time and keyed in months later records no late finding; one filed late does', async () => {
    const onTime = await ledger.agency();
    const res = await request(http)
      .post(`/api/v1/agencies/${onTime}/changes`)
      .set('Authorization', regulator)
      .send({ changedAt: '2026-02-20', occurredAt: '2026-03-10', changes: { scope: ['air'] } })
      .expect(201);
    expect(await typesOf(onTime)).not.toContain('ChangeFiledLate');
    const [changed] = (await eventsOf(onTime)).slice(-1);
    expect(changed.data.filedOn).toBe('2026-03-10');
    expect(changed.occurredAt).toBe('2026-03-09T16:00:00.000Z');
    expect(res.body.version).toBe(3);

    const late = await ledger.agency();
    await request(http)
      .post(`/api/v1/agencies/${late}/changes`)
      .set('Authorization', regulator)
      .send({ changedAt: '2026-02-20', occurredAt: '2026-03-21', changes: { scope: ['air'] } })
      .expect(201);
    expect(await typesOf(late)).toContain('ChangeFiledLate');
  });

  it('a repair approved on 2026-06-10 hides the record publicly from 2026-06-10, whenever it was keyed in', async () => {
    const uscc = await ledger.agency();
    const penalty = await request(http)
      .post(`/api/v1/agencies/${uscc}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '京环罚〔2026〕61号',
        // Ordinary dishonesty: a repair may be applied for after 3 months (NDRC Order No. 58).
        decidedAt: '2026-03-01',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》',
        content: '警告',
        occurredAt: '2026-03-01',
      })
      .expect(201);
    const applied = await request(http)
      .post(`/api/v1/agencies/${uscc}/credit-repairs`)
      .set('Authorization', bearer(actors.agency(uscc)))
      .send({ recordEventId: penalty.body.eventIds[0], reason: '已整改', occurredAt: '2026-06-01' })
      .expect(201);
    // A decision before its application is refused.
    await request(http)
      .post(`/api/v1/credit-repairs/${applied.body.repairId}/decision`)
      .set('Authorization', regulator)
      .send({ outcome: 'approved', occurredAt: '2026-05-31' })
      .expect(422)
      .expect(({ body }) => expect(body.article).toBe('beijing-20'));
    await request(http)
      .post(`/api/v1/credit-repairs/${applied.body.repairId}/decision`)
      .set('Authorization', regulator)
      .send({ outcome: 'approved', occurredAt: '2026-06-10' })
      .expect(201);

    const shown = async (asOf: string) =>
      (
        await request(http).get(`/api/v1/agencies/${uscc}/credit-record?asOf=${asOf}`).expect(200)
      ).body.records.map((r: { recordEventId: string }) => r.recordEventId) as string[];
    expect(await shown('2026-06-09')).toContain(penalty.body.eventIds[0]);
    expect(await shown('2026-06-10')).not.toContain(penalty.body.eventIds[0]);
    expect(await shown('2026-07-01')).not.toContain(penalty.body.eventIds[0]);
  });

  it.each([
    [
      'an inspection dated 2030',
      'occurredAt',
      { occurredAt: '2030-01-01', inspectedAt: '2026-03-01' },
    ],
    [
      'an inspection on a day after its valid time',
      'inspectedAt',
      { occurredAt: '2026-03-01', inspectedAt: '2026-03-02' },
    ],
    ['an inspection on a day in the future', 'inspectedAt', { inspectedAt: '2099-03-02' }],
  ])('%s is 400 naming %s, and records nothing', async (_what, field, dates) => {
    const uscc = await ledger.agency();
    const before = await ledger.streamLength(uscc);
    const res = await request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', regulator)
      .send({ method: 'on-site', findings: [], ...dates })
      .expect(400);
    expect(res.body.message[0]).toMatch(new RegExp(`^${field}: `));
    expect(await ledger.streamLength(uscc)).toBe(before);
  });

  it('a future publication is 400, one dated inside publicity is 422 (beijing-16)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    await assess(http, uscc, 'beijing', { score: 88 });
    const started = await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulatorOf('beijing'))
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    expect(started.body.publicityEndsOn).toBe('2026-01-19');
    await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', regulatorOf('beijing'))
      .send({ occurredAt: '2026-01-16' })
      .expect(422)
      .expect(({ body }) => expect(body.article).toBe('beijing-16'));
    await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', regulatorOf('beijing'))
      .send({ occurredAt: '2099-01-20' })
      .expect(400)
      .expect(({ body }) => expect(body.message[0]).toMatch(/^occurredAt: /));
  });

  it('a review before the filing is 422 (beijing-7); a deregistration before registration is 422 (beijing-24)', async () => {
    const uscc = freshUscc();
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', regulator)
      .send({ ...registrationBody(uscc), occurredAt: '2026-03-02' })
      .expect(201);
    await request(http)
      .post(`/api/v1/agencies/${uscc}/review`)
      .set('Authorization', regulator)
      .send({ outcome: 'approved', occurredAt: '2026-03-01' })
      .expect(422)
      .expect(({ body }) => expect(body.article).toBe('beijing-7'));
    await request(http)
      .post(`/api/v1/agencies/${uscc}/deregistration`)
      .set('Authorization', regulator)
      .send({ reason: 'voluntary', occurredAt: '2026-03-01' })
      .expect(422)
      .expect(({ body }) => expect(body.article).toBe('beijing-24'));
    const reviewed = await request(http)
      .post(`/api/v1/agencies/${uscc}/review`)
      .set('Authorization', regulator)
      .send({ outcome: 'approved', occurredAt: '2026-03-04' })
      .expect(201);
    expect(reviewed.body.version).toBe(2);
  });

  it('a registration keyed in late keeps the due date of its filing day', async () => {
    const uscc = freshUscc();
    const res = await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', regulator)
      .send({ ...registrationBody(uscc), occurredAt: '2026-01-12' })
      .expect(201);
    expect(res.body.reviewDueOn).toBe('2026-01-19');
  });
});
