/**
 * Supervision facts that count without anyone recording a finding (issue 11, item 3), over
 * HTTP: a Chongqing penalty left unfulfilled past its deadline makes the agency E from the next
 * day (seed 001 Art. 16(5)–(6)); its fulfilment, recorded later and dated by the deadline, takes
 * that away as known from then; a Beijing inspection that finds a refusal to rectify (拒不整改)
 * makes the agency D from the inspection date (seed 000 Art. 9(5), 15).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('supervision facts that count', () => {
  let t: TestApp;
  let http: App;
  const chongqing = regulatorOf('chongqing');
  const beijing = regulatorOf('beijing');
  const grade = async (uscc: string, query: string) =>
    (await request(http).get(`/api/v1/agencies/${uscc}/grade?${query}`).expect(200)).body as {
      grade: string;
      effectiveFrom?: string;
      explanation?: { rule: string; article: string; facts: string[] }[];
    };
  const penalty = (uscc: string, extra: Record<string, unknown>) =>
    request(http)
      .post(`/api/v1/agencies/${uscc}/penalties`)
      .set('Authorization', chongqing)
      .send({
        decisionNumber: `渝环罚〔2026〕${randomUUID().slice(0, 6)}号`,
        decidedAt: '2026-03-02',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        fineYuan: 20000,
        dueBy: '2026-03-17',
        occurredAt: '2026-03-02',
        ...extra,
      });
  const fulfil = (uscc: string, penaltyEventId: string, body: object, token = chongqing) =>
    request(http)
      .post(`/api/v1/agencies/${uscc}/penalties/${penaltyEventId}/fulfilment`)
      .set('Authorization', token)
      .send(body);

  beforeAll(async () => {
    t = await startTestApp('supervision_facts');
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('makes a Chongqing agency E the day after an unfulfilled penalty’s deadline, with no finding recorded (chongqing-16-6)', async () => {
    const uscc = await approvedAgency(http, 'chongqing');
    const imposed = await penalty(uscc, {}).expect(201);
    const eventId = imposed.body.eventIds[0] as string;
    expect((await grade(uscc, 'asOf=2026-03-17')).grade).toBe('ungraded');
    expect(await grade(uscc, 'asOf=2026-03-18')).toMatchObject({
      grade: 'E',
      effectiveFrom: '2026-03-18',
      explanation: [{ rule: 'penalty-unfulfilled', article: 'chongqing-16-6', facts: [eventId] }],
    });
  });

  it('takes the E away once fulfilment by the deadline is recorded, and keeps what was known before (chongqing-16-5)', async () => {
    const uscc = await approvedAgency(http, 'chongqing');
    const imposed = await penalty(uscc, { violationType: 'refused-inspection' }).expect(201);
    const eventId = imposed.body.eventIds[0] as string;
    expect(await grade(uscc, 'asOf=2026-03-20')).toMatchObject({
      grade: 'E',
      explanation: [{ article: 'chongqing-16-5' }],
    });
    const before = await t.ledgerNow();
    await fulfil(uscc, eventId, { fulfilledOn: '2026-03-16', occurredAt: '2026-03-20' }).expect(
      201,
    );
    expect((await grade(uscc, 'asOf=2026-03-20')).grade).toBe('ungraded');
    expect((await grade(uscc, `asOf=2026-03-20&knownAt=${encodeURIComponent(before)}`)).grade).toBe(
      'E',
    );
    const record = await request(http)
      .get(`/api/v1/agencies/${uscc}/events`)
      .set('Authorization', bearer(actors.auditor))
      .expect(200);
    expect((record.body as { type: string }[]).at(-1)).toMatchObject({
      type: 'PenaltyFulfilled',
      data: { penaltyEventId: eventId, fulfilledOn: '2026-03-16' },
    });
  });

  it('refuses a fulfilment it cannot record, naming why, and records nothing', async () => {
    const uscc = await approvedAgency(http, 'chongqing');
    const eventId = (await penalty(uscc, {}).expect(201)).body.eventIds[0] as string;
    const head = (await request(http).get('/health').expect(200)).body.info.eventStore
      .headPosition as number;
    const unknown = await fulfil(uscc, randomUUID(), {}).expect(404);
    expect(unknown.body).toMatchObject({ article: 'chongqing-16-6' });
    const early = await fulfil(uscc, eventId, { fulfilledOn: '2026-03-01' }).expect(422);
    expect(early.body.message.join()).toContain('fulfilledOn');
    const future = await fulfil(uscc, eventId, { fulfilledOn: '2099-01-01' }).expect(400);
    expect(future.body.message.join()).toContain('fulfilledOn');
    await fulfil(uscc, eventId, { fulfilledOn: 'yesterday' }).expect(400);
    await fulfil(uscc, 'not-an-id', {}).expect(400);
    await fulfil(uscc, eventId, {}, bearer(actors.agency(uscc))).expect(403);
    await fulfil(uscc, eventId, {}, beijing).expect(403);
    expect((await request(http).get('/health').expect(200)).body.info.eventStore.headPosition).toBe(
      head,
    );
    await fulfil(uscc, eventId, { fulfilledOn: '2026-03-10', occurredAt: '2026-03-10' }).expect(
      201,
    );
    const twice = await fulfil(uscc, eventId, { occurredAt: '2026-03-11' }).expect(422);
    expect(twice.body).toMatchObject({ article: 'chongqing-16-6' });
  });

  it('makes a Beijing agency D from the date an inspection finds a refusal to rectify (beijing-9-5)', async () => {
    const uscc = await approvedAgency(http, 'beijing');
    const inspected = await request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', beijing)
      .send({
        inspectedAt: '2026-05-06',
        method: 'on-site',
        findings: [{ code: 'refused-rectification', description: '拒不整改检查反馈问题' }],
        occurredAt: '2026-05-07',
      })
      .expect(201);
    const eventId = inspected.body.eventIds[0] as string;
    expect((await grade(uscc, 'asOf=2026-05-05')).grade).toBe('ungraded');
    expect(await grade(uscc, 'asOf=2026-05-06')).toMatchObject({
      grade: 'D',
      effectiveFrom: '2026-05-06',
      explanation: [{ rule: 'credit-bad', article: 'beijing-9-5', facts: [eventId] }],
    });
  });
});

describe('one decision, one record (issue 13: 行政处罚决定书文号)', () => {
  let t: TestApp;
  let http: App;
  beforeAll(async () => {
    t = await startTestApp('decision_numbers');
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const impose = (uscc: string, decisionNumber: string, token = regulatorOf('beijing')) =>
    request(http).post(`/api/v1/agencies/${uscc}/penalties`).set('Authorization', token).send({
      decisionNumber,
      decidedAt: '2026-03-02',
      violationType: 'other',
      legalBasis: '《生态环境监测条例》',
      content: '警告',
      occurredAt: '2026-03-02',
    });

  it('refuses a second penalty with the same decision number in a jurisdiction, on the same agency or another (409 naming the field)', async () => {
    const first = await approvedAgency(http, 'beijing');
    const second = await approvedAgency(http, 'beijing');
    const number = `京环罚〔2026〕${randomUUID().slice(0, 6)}号`;
    await impose(first, number).expect(201);
    const again = await impose(first, number).expect(409);
    expect(again.body).toMatchObject({ article: 'shuanggongshi-decision-number' });
    expect(again.body.message.join()).toContain('decisionNumber');
    const elsewhere = await impose(second, ` ${number}`).expect(409);
    expect(elsewhere.body.message.join()).toContain(first);
    // Of two regulators keying the same decision at once, exactly one is recorded.
    const racing = `京环罚〔2026〕${randomUUID().slice(0, 6)}号`;
    const answers = await Promise.all([impose(first, racing), impose(second, racing)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    // Another jurisdiction numbers its own decisions.
    const chongqing = await approvedAgency(http, 'chongqing');
    await impose(chongqing, number, regulatorOf('chongqing')).expect(201);
  });
});
