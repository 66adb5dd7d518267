/**
 * Supervision facts that count, the rest of issue 11 item 3, over HTTP: a Jiaxing agency that
 * refuses without good reason to take part in the credit evaluation (无故不参与) is E and high risk
 * from the refusal and proposed E by the cycle (seed 003 (十一)1); the cycle lists to the
 * regulator the agencies it grades that have no assessment yet; a Chongqing agency on the
 * procurement blacklist is E while the ban runs and no longer from the day after it ends (seed
 * 001 Art. 16(2): 在禁入期限内), ungraded then, the grade it had being revoked (Art. 16).
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('supervision facts that count (2)', () => {
  let t: TestApp;
  let http: App;
  const jiaxing = regulatorOf('jiaxing');
  const chongqing = regulatorOf('chongqing');
  const grade = async (uscc: string, query: string) =>
    (await request(http).get(`/api/v1/agencies/${uscc}/grade?${query}`).expect(200)).body as {
      grade: string;
      riskLevel?: string;
      effectiveFrom?: string;
      explanation?: { rule: string; article: string; facts: string[] }[];
    };
  const finding = (uscc: string, body: Record<string, unknown>, token: string) =>
    request(http)
      .post(`/api/v1/agencies/${uscc}/credit-findings`)
      .set('Authorization', token)
      .send(body);
  const headPosition = async () =>
    (await request(http).get('/health').expect(200)).body.info.eventStore.headPosition as number;

  beforeAll(async () => {
    t = await startTestApp('supervision_facts_2');
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('makes a Jiaxing agency that refused to take part E and high risk from the refusal, proposes it E, and lists the agency not yet assessed to the regulator (jiaxing-11-1)', async () => {
    const refused = await approvedAgency(http, 'jiaxing');
    const assessed = await approvedAgency(http, 'jiaxing');
    const notYet = await approvedAgency(http, 'jiaxing');
    await assess(http, assessed, 'jiaxing', { score: 85, riskScore: 82 });

    const refusal = await finding(
      refused,
      {
        kind: 'refused-evaluation',
        article: 'jiaxing-11-1',
        decidedAt: '2026-01-06',
        description: '经核实，无故不参与2025年度环境信用评价',
        occurredAt: '2026-01-06',
      },
      jiaxing,
    ).expect(201);
    const refusalId = refusal.body.eventIds[0] as string;
    expect((await grade(refused, 'asOf=2026-01-05')).grade).toBe('ungraded');
    expect(await grade(refused, 'asOf=2026-01-06')).toMatchObject({
      grade: 'E',
      riskLevel: 'high',
      effectiveFrom: '2026-01-06',
      explanation: [{ rule: 'refused-evaluation', article: 'jiaxing-11-1', facts: [refusalId] }],
    });

    const started = await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', jiaxing)
      .send({ jurisdiction: 'jiaxing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    const proposals = started.body.proposals as { uscc: string; grade: string; score: unknown }[];
    expect(proposals.find((p) => p.uscc === refused)).toEqual({
      uscc: refused,
      grade: 'E',
      score: null,
      riskLevel: 'high',
    });
    expect(proposals.find((p) => p.uscc === assessed)).toMatchObject({ grade: 'B' });
    expect(proposals.some((p) => p.uscc === notYet)).toBe(false);

    const forRegulator = await request(http)
      .get('/api/v1/grading-cycles/jiaxing-2025')
      .set('Authorization', jiaxing)
      .expect(200);
    expect(forRegulator.body.unassessed).toEqual([notYet]);
    const forPublic = await request(http).get('/api/v1/grading-cycles/jiaxing-2025').expect(200);
    expect(forPublic.body).not.toHaveProperty('unassessed');
    const forOtherRegulator = await request(http)
      .get('/api/v1/grading-cycles/jiaxing-2025')
      .set('Authorization', chongqing)
      .expect(200);
    expect(forOtherRegulator.body).not.toHaveProperty('unassessed');

    // Once assessed, or found to refuse, the agency is no longer outstanding.
    await finding(
      notYet,
      {
        kind: 'refused-evaluation',
        article: 'jiaxing-11-1',
        decidedAt: '2026-01-14',
        occurredAt: '2026-01-14',
      },
      jiaxing,
    ).expect(201);
    const after = await request(http)
      .get('/api/v1/grading-cycles/jiaxing-2025')
      .set('Authorization', jiaxing)
      .expect(200);
    expect(after.body.unassessed).toEqual([]);
    expect((await grade(notYet, 'asOf=2026-01-14')).grade).toBe('E');
  });

  it('lists to a Beijing regulator only the agencies its cycle grades that have no assessment: not one outside self-monitoring (beijing-12)', async () => {
    const assessed = await approvedAgency(http, 'beijing');
    const notYet = await approvedAgency(http, 'beijing');
    const notGraded = await approvedAgency(http, 'beijing', {
      serviceTypes: ['public-monitoring'],
    });
    await assess(http, assessed, 'beijing', { score: 92 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulatorOf('beijing'))
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    const cycle = await request(http)
      .get('/api/v1/grading-cycles/beijing-2025')
      .set('Authorization', regulatorOf('beijing'))
      .expect(200);
    expect(cycle.body.unassessed).toEqual([notYet]);
    expect(cycle.body.unassessed).not.toContain(notGraded);
  });

  it('makes a Chongqing agency on the procurement blacklist E during the ban and no longer from the day after it ends (chongqing-16-2)', async () => {
    const uscc = await approvedAgency(http, 'chongqing');
    const listed = await finding(
      uscc,
      {
        kind: 'procurement-blacklisted',
        article: 'chongqing-16-2',
        decidedAt: '2026-03-02',
        bannedUntil: '2026-06-30',
        description: '列入政府采购严重违法失信行为记录名单，禁止参加政府采购活动',
        occurredAt: '2026-03-02',
      },
      chongqing,
    ).expect(201);
    const eventId = listed.body.eventIds[0] as string;
    expect((await grade(uscc, 'asOf=2026-03-01')).grade).toBe('ungraded');
    expect(await grade(uscc, 'asOf=2026-03-02')).toMatchObject({
      grade: 'E',
      effectiveFrom: '2026-03-02',
      explanation: [
        { rule: 'procurement-blacklist-ban', article: 'chongqing-16-2', facts: [eventId] },
      ],
    });
    expect((await grade(uscc, 'asOf=2026-06-30')).grade).toBe('E');
    expect((await grade(uscc, 'asOf=2026-07-01')).grade).toBe('ungraded');

    const record = await request(http)
      .get(`/api/v1/agencies/${uscc}/credit-record?asOf=2026-03-02`)
      .expect(200);
    expect(
      (record.body.records as { recordEventId: string }[]).find((r) => r.recordEventId === eventId),
    ).toMatchObject({
      summary: { kind: 'procurement-blacklisted', bannedUntil: '2026-06-30' },
    });

    const history = await request(http).get(`/api/v1/agencies/${uscc}/grade-history`).expect(200);
    expect(
      (history.body.periods as { grade: string; from: string; to: string | null }[]).map((p) => [
        p.grade,
        p.from,
        p.to,
      ]),
    ).toEqual([['E', '2026-03-02', '2026-07-01']]);
    for (const asOf of ['2026-06-30', '2026-07-01']) {
      const replay = await request(http)
        .post(`/api/v1/agencies/${uscc}/replay`)
        .set('Authorization', bearer(actors.reviewer))
        .send({ asOf })
        .expect(200);
      expect({ asOf, match: replay.body.match }).toEqual({ asOf, match: true });
    }
  });

  it('refuses a blacklisting without its ban end, a ban that ends before it began, and a refusal outside Jiaxing, naming why, and records nothing', async () => {
    const uscc = await approvedAgency(http, 'chongqing');
    const head = await headPosition();
    const ban = {
      kind: 'procurement-blacklisted',
      article: 'chongqing-16-2',
      decidedAt: '2026-03-02',
      occurredAt: '2026-03-02',
    };
    const missing = await finding(uscc, ban, chongqing).expect(400);
    expect(missing.body.message).toEqual(['bannedUntil: should not be empty']);
    const notADate = await finding(uscc, { ...ban, bannedUntil: 'next year' }, chongqing).expect(
      400,
    );
    expect(notADate.body.message.join()).toContain('bannedUntil');
    const backwards = await finding(uscc, { ...ban, bannedUntil: '2026-03-01' }, chongqing).expect(
      400,
    );
    expect(backwards.body).toMatchObject({ article: 'chongqing-16-2' });
    expect(backwards.body.message.join()).toContain('bannedUntil');
    const elsewhere = await finding(
      uscc,
      {
        kind: 'credit-bad',
        article: 'chongqing-16-7',
        decidedAt: '2026-03-02',
        bannedUntil: '2026-12-31',
      },
      chongqing,
    ).expect(400);
    expect(elsewhere.body.message.join()).toContain('bannedUntil');
    const refusal = await finding(
      uscc,
      { kind: 'refused-evaluation', article: 'jiaxing-11-1', decidedAt: '2026-03-02' },
      chongqing,
    ).expect(422);
    expect(refusal.body).toMatchObject({ article: 'jiaxing-11-1' });
    expect(refusal.body.message.join()).toContain('kind');
    expect(await headPosition()).toBe(head);
  });
});
