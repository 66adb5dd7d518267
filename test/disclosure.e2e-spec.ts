/**
 * Nobody learns what they may not (issue 9, item 4): an agency pending review shows nothing
 * publicly, an idempotent replay is authorised first, tokens must expire, bad tokens and
 * public searches are rate-limited, answers are not cached, correlation ids are bounded.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { JwtService } from '@nestjs/jwt';
import {
  actors,
  bearer,
  registrationBody,
  startTestApp,
  TEST_JWT_SECRET,
  type TestApp,
} from './support/app';
import { asBeijing, freshResidentId, freshUscc, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('what each caller may learn', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  let pending: string;

  beforeAll(async () => {
    t = await startTestApp('disclosure', {
      env: { LEDGER_FAILED_AUTH_PER_MINUTE: '3', LEDGER_SEARCHES_PER_MINUTE: '5' },
    });
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
    pending = await ledger.agency({ approve: false });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it.each(['grade', 'grade-history', 'credit-record'])(
    'the %s of an agency pending review is 404 publicly, as its entry is; its regulator and the agency see it',
    async (what) => {
      const path = `/api/v1/agencies/${pending}/${what}`;
      await request(http).get(`/api/v1/agencies/${pending}`).expect(404);
      const hidden = await request(http).get(path).expect(404);
      expect(hidden.body.message).toEqual([`uscc: no published agency ${pending}`]);
      await request(http)
        .get(path)
        .set('Authorization', bearer(actors.agency(CODES_OTHER)))
        .expect(404);
      await request(http).get(path).set('Authorization', asBeijing).expect(200);
      await request(http)
        .get(path)
        .set('Authorization', bearer(actors.agency(pending)))
        .expect(200);
    },
  );

  it('answers a repeated Idempotency-Key only to a caller who may still give the command', async () => {
    const uscc = await ledger.agency();
    const body = {
      inspectedAt: '2026-11-12',
      method: 'on-site',
      findings: [],
      occurredAt: '2026-11-12',
    };
    const sameSub = { sub: 'inspector-9', role: 'regulator' as const };
    await request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', bearer({ ...sameSub, jurisdiction: 'beijing' }))
      .set('Idempotency-Key', 'inspection-1')
      .send(body)
      .expect(201);
    const replayed = await request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', bearer({ ...sameSub, jurisdiction: 'chongqing' }))
      .set('Idempotency-Key', 'inspection-1')
      .send(body)
      .expect(403);
    expect(replayed.body).not.toHaveProperty('eventIds');
  });

  it('names the agency a person works at only to its regulator and admins (PIPL)', async () => {
    const [employer, other] = [await ledger.agency(), await ledger.agency()];
    const person = {
      idNumber: freshResidentId(),
      name: '张三',
      role: 'laboratory-analysis',
      joinedAt: '2026-02-01',
      occurredAt: '2026-02-01',
    };
    await request(http)
      .post(`/api/v1/agencies/${employer}/personnel`)
      .set('Authorization', bearer(actors.agency(employer)))
      .send(person)
      .expect(201);
    const hire = (token: string) =>
      request(http)
        .post(`/api/v1/agencies/${other}/personnel`)
        .set('Authorization', token)
        .send(person);
    const asAgency = await hire(bearer(actors.agency(other))).expect(409);
    expect(asAgency.body).toMatchObject({ article: 'national-faq-3' });
    expect(JSON.stringify(asAgency.body)).not.toContain(employer);
    expect(asAgency.body.message[0]).toContain('another agency');
    for (const token of [asBeijing, bearer(actors.admin)]) {
      const named = await hire(token).expect(409);
      expect(named.body.message[0]).toContain(`agency ${employer}`);
    }
  });

  it('refuses a token without exp', async () => {
    const forever = new JwtService().sign(
      { ...actors.auditor },
      { secret: TEST_JWT_SECRET, algorithm: 'HS256' },
    );
    const res = await request(http)
      .get('/api/v1/ledger/verify')
      .set('Authorization', `Bearer ${forever}`)
      .expect(401);
    expect(res.body.message).toEqual(['authorization: the token must carry exp (its expiry)']);
  });

  it('sends helmet headers, no X-Powered-By, and Cache-Control: no-store on answers with personal data', async () => {
    const uscc = await ledger.agency();
    const res = await request(http)
      .get(`/api/v1/agencies/${uscc}/events`)
      .set('Authorization', asBeijing)
      .expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a correlation id that is too long or not plain, recording nothing', async () => {
    const uscc = freshUscc();
    for (const id of ['x'.repeat(129), 'a b', '<script>']) {
      const res = await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .set('X-Correlation-Id', id)
        .send({ ...registrationBody(uscc), occurredAt: '2026-11-02' })
        .expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(/^X-Correlation-Id: /)]);
    }
    await request(http).get(`/api/v1/agencies/${uscc}`).set('Authorization', asBeijing).expect(404);
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', asBeijing)
      .set('X-Correlation-Id', 'batch-2026.11:7')
      .send({ ...registrationBody(uscc), occurredAt: '2026-11-02' })
      .expect(201);
  });

  it('limits public searches per address: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await request(http).get('/api/v1/agencies?q=环测');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  // Last: it blocks this test's address for a minute.
  it('limits bad tokens per address: 429 with Retry-After, then even a good token waits', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(http)
        .get('/api/v1/ledger/verify')
        .set('Authorization', 'Bearer not.a.token');
      statuses.push(res.status);
    }
    // Three bad tokens a minute: the token without exp above was the first.
    expect(statuses).toEqual([401, 401, 429, 429, 429]);
    const good = await request(http)
      .get('/api/v1/ledger/verify')
      .set('Authorization', bearer(actors.auditor))
      .expect(429);
    expect(Number(good.headers['retry-after'])).toBeGreaterThan(0);
    // Without a token nothing is counted or blocked: the public registry still answers.
    await request(http).get(`/api/v1/agencies/${pending}`).expect(404);
  });
});

/** An agency that is not the pending one. */
const CODES_OTHER = '91110105000000019Q';
