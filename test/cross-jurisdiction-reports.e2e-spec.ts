/**
 * Reports across jurisdictions (报备, seed 000 Art. 4 ¶2, seed 002 §一.7; ADR 016), over HTTP:
 * an agency registered in Beijing reports to Chongqing by its USCC, without filing again; the
 * Chongqing regulator finds it in its registry search and records an inspection against it,
 * which the credit record shows as Chongqing's; a Chongqing regulator cannot record against a
 * Beijing agency that has not reported to Chongqing.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('reports across jurisdictions (报备)', () => {
  let t: TestApp;
  let http: App;
  const chongqing = regulatorOf('chongqing');
  const beijing = regulatorOf('beijing');
  const report = (uscc: string, token: string, body: object) =>
    request(http).post(`/api/v1/agencies/${uscc}/reports`).set('Authorization', token).send(body);
  const inspection = {
    inspectedAt: '2025-04-10',
    method: 'on-site',
    findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
    occurredAt: '2025-04-10',
  };
  const inspect = (uscc: string, token: string, body: object = inspection) =>
    request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', token)
      .send(body);
  const eventsOf = async (uscc: string) =>
    (
      await request(http)
        .get(`/api/v1/agencies/${uscc}/events`)
        .set('Authorization', bearer(actors.auditor))
        .expect(200)
    ).body as { items?: { type: string }[] } | { type: string }[];
  const countEvents = async (uscc: string) => {
    const body = await eventsOf(uscc);
    return (Array.isArray(body) ? body : (body.items ?? [])).length;
  };

  beforeAll(async () => {
    t = await startTestApp('cross_jurisdiction_reports');
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('records a Beijing agency reporting to Chongqing, and a Chongqing inspection against it shown as Chongqing’s (national-faq-1-7)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    const reported = await report(uscc, bearer(actors.agency(uscc)), {
      jurisdiction: 'chongqing',
      occurredAt: '2025-03-03',
    }).expect(201);
    expect(reported.body.eventIds).toHaveLength(1);

    const entry = await request(http)
      .get(`/api/v1/agencies/${uscc}`)
      .set('Authorization', chongqing)
      .expect(200);
    expect(entry.body).toMatchObject({
      jurisdiction: 'beijing',
      status: 'registered',
      reports: [{ jurisdiction: 'chongqing', reportedOn: '2025-03-03' }],
    });

    const recorded = await inspect(uscc, chongqing).expect(201);
    expect(recorded.body.eventIds).toHaveLength(1);
    const home = await inspect(uscc, beijing, {
      ...inspection,
      inspectedAt: '2025-04-11',
      occurredAt: '2025-04-11',
    }).expect(201);

    const record = await request(http)
      .get(`/api/v1/agencies/${uscc}/credit-record?asOf=2025-05-01`)
      .set('Authorization', chongqing)
      .expect(200);
    const byEvent = Object.fromEntries(
      (record.body.records as { recordEventId: string; recordedIn: string }[]).map((r) => [
        r.recordEventId,
        r.recordedIn,
      ]),
    );
    expect(byEvent).toEqual({
      [recorded.body.eventIds[0] as string]: 'chongqing',
      [home.body.eventIds[0] as string]: 'beijing',
    });
  });

  it('lets the Chongqing regulator find the agencies that reported to Chongqing in its registry search', async () => {
    const reporting = await approvedAgency(http, 'beijing');
    const notReporting = await approvedAgency(http, 'beijing');
    await report(reporting, chongqing, {
      jurisdiction: 'chongqing',
      occurredAt: '2025-03-03',
    }).expect(201);
    const found = await request(http)
      .get('/api/v1/agencies?reportedTo=chongqing&pageSize=200')
      .set('Authorization', chongqing)
      .expect(200);
    const usccs = (found.body.items as { uscc: string }[]).map((item) => item.uscc);
    expect(usccs).toContain(reporting);
    expect(usccs).not.toContain(notReporting);
    await request(http).get('/api/v1/agencies?reportedTo=mars').expect(400);
  });

  it('refuses a Chongqing regulator recording against a Beijing agency that has not reported to Chongqing (403 citing national-faq-1-7), recording nothing', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    const before = await countEvents(uscc);
    const refused = await inspect(uscc, chongqing).expect(403);
    expect(JSON.stringify(refused.body)).toContain('national-faq-1-7');
    await request(http)
      .post(`/api/v1/agencies/${uscc}/penalties`)
      .set('Authorization', chongqing)
      .send({
        decisionNumber: '渝环罚〔2025〕31号',
        decidedAt: '2025-04-12',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》',
        content: '警告',
        occurredAt: '2025-04-12',
      })
      .expect(403);
    expect(await countEvents(uscc)).toBe(before);
  });

  it('refuses a Chongqing inspection dated before the report (422 national-faq-1-7)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    await report(uscc, chongqing, { jurisdiction: 'chongqing', occurredAt: '2025-05-06' }).expect(
      201,
    );
    const refused = await inspect(uscc, chongqing).expect(422);
    expect(refused.body).toMatchObject({ article: 'national-faq-1-7' });
  });

  it('refuses a report to the home jurisdiction (422 national-faq-1-7)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    const refused = await report(uscc, bearer(actors.agency(uscc)), {
      jurisdiction: 'beijing',
      occurredAt: '2025-03-03',
    }).expect(422);
    expect(refused.body).toMatchObject({ article: 'national-faq-1-7' });
  });

  it('records nothing for a second report to the same host (201, no event)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    const agency = bearer(actors.agency(uscc));
    await report(uscc, agency, { jurisdiction: 'chongqing', occurredAt: '2025-03-03' }).expect(201);
    const again = await report(uscc, agency, {
      jurisdiction: 'chongqing',
      occurredAt: '2025-06-03',
    }).expect(201);
    expect(again.body.eventIds).toEqual([]);
    const entry = await request(http)
      .get(`/api/v1/agencies/${uscc}`)
      .set('Authorization', chongqing)
      .expect(200);
    expect(entry.body.reports).toEqual([{ jurisdiction: 'chongqing', reportedOn: '2025-03-03' }]);
  });

  it('answers 404 for a report by a USCC no one registered, and 422 for a deregistered agency (national-faq-1-7)', async () => {
    const { newUscc } = await import('./support/grading');
    const unknown = newUscc('beijing');
    const missing = await report(unknown, chongqing, {
      jurisdiction: 'chongqing',
      occurredAt: '2025-03-03',
    }).expect(404);
    expect(missing.body).toMatchObject({ article: 'national-faq-1-7' });

    const uscc = await approvedAgency(http, 'beijing');
    await request(http)
      .post(`/api/v1/agencies/${uscc}/deregistration`)
      .set('Authorization', beijing)
      .send({ reason: 'voluntary', occurredAt: '2025-02-03' })
      .expect(201);
    const refused = await report(uscc, chongqing, {
      jurisdiction: 'chongqing',
      occurredAt: '2025-03-03',
    }).expect(422);
    expect(refused.body).toMatchObject({ article: 'national-faq-1-7' });
  });

  it('leaves the registry to the home: a host regulator may not review changes or deregister a reporting agency (403)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    await report(uscc, chongqing, { jurisdiction: 'chongqing', occurredAt: '2025-03-03' }).expect(
      201,
    );
    await request(http)
      .post(`/api/v1/agencies/${uscc}/deregistration`)
      .set('Authorization', chongqing)
      .send({ reason: 'voluntary', occurredAt: '2025-04-01' })
      .expect(403);
    await request(http)
      .post(`/api/v1/agencies/${uscc}/assessments`)
      .set('Authorization', chongqing)
      .send({ year: 2025, score: 80, occurredAt: '2026-01-05' })
      .expect(403);
  });

  it('lets only the host’s regulator report for the agency: the home regulator is 403; a body without a jurisdiction is 400', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    await report(uscc, beijing, { jurisdiction: 'chongqing', occurredAt: '2025-03-03' }).expect(
      403,
    );
    await report(uscc, regulatorOf('jiaxing'), {
      jurisdiction: 'chongqing',
      occurredAt: '2025-03-03',
    }).expect(403);
    const bad = await report(uscc, chongqing, { occurredAt: '2025-03-03' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('jurisdiction');
  });
});
