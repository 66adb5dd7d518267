/** The guarantees of API.md's conventions over HTTP: If-Match, Idempotency-Key, concurrent writers. */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, CODES, registrationBody, startTestApp, type TestApp } from './support/app';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('writes over HTTP under concurrency and repetition', () => {
  let t: TestApp;
  let http: App;
  const asBeijing = bearer(actors.beijing);
  const asAuditor = bearer(actors.auditor);
  const streamLength = async (uscc: string) =>
    (
      await request(http)
        .get(`/api/v1/agencies/${uscc}/events`)
        .set('Authorization', asAuditor)
        .expect(200)
    ).body.length as number;

  beforeAll(async () => {
    t = await startTestApp('concurrency');
    http = t.app.getHttpServer();
    for (const uscc of [CODES.A, CODES.C]) {
      await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .send(registrationBody(uscc))
        .expect(201);
      await request(http)
        .post(`/api/v1/agencies/${uscc}/review`)
        .set('Authorization', asBeijing)
        .send({ outcome: 'approved' })
        .expect(201);
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const inspection = (n: number) => ({
    inspectedAt: '2026-11-01',
    method: 'record-review',
    findings: [{ code: 'other', description: `第${n}次` }],
  });

  describe('If-Match', () => {
    it('appends at the version the caller read, and answers 409 when it is stale', async () => {
      const version = Number((await request(http).get(`/api/v1/agencies/${CODES.A}`)).body.version);
      const first = await request(http)
        .post(`/api/v1/agencies/${CODES.A}/inspections`)
        .set('Authorization', asBeijing)
        .set('If-Match', `"${version}"`)
        .send(inspection(1))
        .expect(201);
      expect(first.headers.etag).toBe(`"${version + 1}"`);
      const stale = await request(http)
        .post(`/api/v1/agencies/${CODES.A}/inspections`)
        .set('Authorization', asBeijing)
        .set('If-Match', String(version))
        .send(inspection(2))
        .expect(409);
      expect(stale.body.message[0]).toMatch(/^If-Match: /);
      expect(await streamLength(CODES.A)).toBe(version + 1);
    });

    it('lets exactly one of ten concurrent writers at the same version win', async () => {
      const version = await streamLength(CODES.A);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          request(http)
            .post(`/api/v1/agencies/${CODES.A}/inspections`)
            .set('Authorization', asBeijing)
            .set('If-Match', String(version))
            .send(inspection(n)),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      expect(await streamLength(CODES.A)).toBe(version + 1);
    });

    it('without If-Match, loses none of ten concurrent writes (each retried on fresh state)', async () => {
      const before = await streamLength(CODES.A);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          request(http)
            .post(`/api/v1/agencies/${CODES.A}/inspections`)
            .set('Authorization', asBeijing)
            .send(inspection(n)),
        ),
      );
      expect(answers.every((a) => a.status === 201)).toBe(true);
      expect(new Set(answers.map((a) => a.body.version)).size).toBe(10);
      expect(await streamLength(CODES.A)).toBe(before + 10);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers the same key and body with the first answer and appends nothing', async () => {
      const before = await streamLength(CODES.A);
      const send = () =>
        request(http)
          .post(`/api/v1/agencies/${CODES.A}/penalties`)
          .set('Authorization', asBeijing)
          .set('Idempotency-Key', 'penalty-2026-77')
          .send({
            decisionNumber: '京环罚〔2026〕77号',
            decidedAt: '2026-11-02',
            violationType: 'other',
            legalBasis: '条例',
            content: '警告',
          });
      const first = await send().expect(201);
      const again = await send().expect(201);
      expect(again.body).toEqual(first.body);
      expect(await streamLength(CODES.A)).toBe(before + 1);
    });

    it('answers 409 to the same key with another body, and appends nothing', async () => {
      const before = await streamLength(CODES.A);
      await request(http)
        .post(`/api/v1/agencies/${CODES.A}/penalties`)
        .set('Authorization', asBeijing)
        .set('Idempotency-Key', 'penalty-2026-77')
        .send({
          decisionNumber: '京环罚〔2026〕78号',
          decidedAt: '2026-11-02',
          violationType: 'other',
          legalBasis: '条例',
          content: '警告',
        })
        .expect(409);
      expect(await streamLength(CODES.A)).toBe(before);
    });

    it('replays a registration rather than calling it a duplicate', async () => {
      const body = registrationBody(CODES.B, { jurisdiction: 'beijing' });
      const send = () =>
        request(http)
          .post('/api/v1/agencies')
          .set('Authorization', asBeijing)
          .set('Idempotency-Key', 'reg-B')
          .send(body);
      const first = await send().expect(201);
      expect((await send().expect(201)).body).toEqual(first.body);
      expect(await streamLength(CODES.B)).toBe(1);
    });

    it('appends once when the same keyed request arrives five times at once', async () => {
      const before = await streamLength(CODES.C);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          request(http)
            .post(`/api/v1/agencies/${CODES.C}/inspections`)
            .set('Authorization', asBeijing)
            .set('Idempotency-Key', 'inspection-once')
            .send(inspection(0)),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
      expect(new Set(answers.map((a) => a.body.eventIds[0])).size).toBe(1);
      expect(await streamLength(CODES.C)).toBe(before + 1);
    });
  });

  describe('one person, one agency', () => {
    it('lets exactly one of two agencies that add the same person at the same moment win', async () => {
      const person = { idNumber: '310115198511110025', name: '王五', role: 'field-testing' };
      const [a, c] = await Promise.all([
        request(http)
          .post(`/api/v1/agencies/${CODES.A}/personnel`)
          .set('Authorization', bearer(actors.agency(CODES.A)))
          .send(person),
        request(http)
          .post(`/api/v1/agencies/${CODES.C}/personnel`)
          .set('Authorization', bearer(actors.agency(CODES.C)))
          .send(person),
      ]);
      expect([a.status, c.status].sort()).toEqual([201, 409]);
      const loser = a.status === 409 ? CODES.A : CODES.C;
      const events = (
        await request(http).get(`/api/v1/agencies/${loser}/events`).set('Authorization', asAuditor)
      ).body;
      expect(events.filter((e: { type: string }) => e.type === 'PersonnelJoined')).toHaveLength(0);
    });
  });
});
