/**
 * A Beijing year over HTTP (seed 000): assessments, a fraud downgrade, the 2025 cycle with
 * publicity across working days, objections in and out of time, publication, upgrade bars,
 * a late-recorded penalty that changes the past only for later knowledge, replay, and a
 * credit repair.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('a Beijing grading year', () => {
  let t: TestApp;
  let http: App;
  const regulator = regulatorOf('beijing');
  const reviewer = bearer(actors.reviewer);
  const auditor = bearer(actors.auditor);
  const u: Record<string, string> = {};
  const agency = (key: string) => bearer(actors.agency(u[key]));
  const grade = (key: string, query = '') =>
    request(http).get(`/api/v1/agencies/${u[key]}/grade${query}`).expect(200);

  beforeAll(async () => {
    t = await startTestApp('beijing_year');
    http = t.app.getHttpServer();
    for (const key of ['top', 'edge', 'low', 'mid', 'fraud', 'idle'])
      u[key] = await approvedAgency(http, 'beijing');
    u.publicOnly = await approvedAgency(http, 'beijing', { serviceTypes: ['public-monitoring'] });
    await assess(http, u.top, 'beijing', { score: 90 });
    await assess(http, u.edge, 'beijing', { score: 89.99 });
    await assess(http, u.low, 'beijing', { score: 59.99 });
    await assess(http, u.mid, 'beijing', { score: 75 });
    await assess(http, u.fraud, 'beijing', { score: 95 });
    await assess(http, u.idle, 'beijing', { score: 0, noBusiness: true });
    await assess(http, u.publicOnly, 'beijing', { score: 99 });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('downgrades to D at once from the decision date of a fraud penalty (beijing-15)', async () => {
    await request(http)
      .post(`/api/v1/agencies/${u.fraud}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '京环罚〔2025〕9号',
        decidedAt: '2025-06-01',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2025-06-01',
      })
      .expect(201);
    expect((await grade('fraud', '?asOf=2025-05-31')).body.grade).toBe('ungraded');
    const after = await grade('fraud', '?asOf=2025-06-01');
    expect(after.body).toMatchObject({
      grade: 'D',
      effectiveFrom: '2025-06-01',
      cause: 'direct-downgrade',
      policy: { jurisdiction: 'beijing', version: '2026-draft' },
    });
    expect(after.body.explanation[0]).toMatchObject({
      rule: 'verified-fraud-penalty',
      article: 'beijing-15',
    });
  });

  let publicityEndsOn: string;
  it('proposes grades by band for the self-monitoring agencies, and starts 5 working days of publicity', async () => {
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'beijing', year: 2026, occurredAt: '2026-01-12' })
      .expect(422);
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulatorOf('chongqing'))
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(403);
    const res = await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    expect(res.body).toMatchObject({
      cycleId: 'beijing-2025',
      publicityEndsOn: '2026-01-19',
      policy: { id: 'beijing/2026-draft' },
    });
    publicityEndsOn = res.body.publicityEndsOn;
    const proposed = Object.fromEntries(
      res.body.proposals.map((p: { uscc: string; grade: string }) => [p.uscc, p.grade]),
    );
    expect(proposed).toEqual({
      [u.top]: 'A',
      [u.edge]: 'B',
      [u.low]: 'D',
      [u.mid]: 'B',
      [u.fraud]: 'D',
      [u.idle]: 'no-business',
    });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-13' })
      .expect(409);
  });

  let edgeObjection: string;
  let lowObjection: string;
  it('takes objections inside publicity with a review due in 5 working days, and refuses them after (beijing-16)', async () => {
    const filed = await request(http)
      .post(`/api/v1/agencies/${u.edge}/objections`)
      .set('Authorization', agency('edge'))
      .send({ cycleId: 'beijing-2025', reason: '质控指标漏计', occurredAt: '2026-01-16' })
      .expect(201);
    expect(filed.body.reviewDueOn).toBe('2026-01-23');
    edgeObjection = filed.body.objectionId;
    lowObjection = (
      await request(http)
        .post(`/api/v1/agencies/${u.low}/objections`)
        .set('Authorization', agency('low'))
        .send({ cycleId: 'beijing-2025', reason: '评分有误', occurredAt: publicityEndsOn })
        .expect(201)
    ).body.objectionId;
    const late = await request(http)
      .post(`/api/v1/agencies/${u.mid}/objections`)
      .set('Authorization', agency('mid'))
      .send({ cycleId: 'beijing-2025', reason: '迟到', occurredAt: '2026-01-20' })
      .expect(422);
    expect(late.body).toMatchObject({ article: 'beijing-16' });
    await request(http)
      .post(`/api/v1/agencies/${u.mid}/objections`)
      .set('Authorization', agency('edge'))
      .send({ cycleId: 'beijing-2025', reason: '代为异议' })
      .expect(403);
  });

  it('changes the published grade when an objection is upheld before publication', async () => {
    const decided = await request(http)
      .post(`/api/v1/objections/${edgeObjection}/decision`)
      .set('Authorization', reviewer)
      .send({ outcome: 'upheld', revisedScore: 90.5, occurredAt: '2026-01-19' })
      .expect(201);
    expect(decided.body.revised).toMatchObject({ grade: 'A', score: 90.5 });
  });

  it('publishes only after publicity, then grades are in force from the publication date', async () => {
    const early = await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-01-19' })
      .expect(422);
    expect(early.body).toMatchObject({ article: 'beijing-16' });
    const published = await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-01-20' })
      .expect(201);
    expect(published.body.publishedOn).toBe('2026-01-20');

    expect((await grade('edge', '?asOf=2026-01-19')).body.grade).toBe('ungraded');
    const edge = await grade('edge', '?asOf=2026-02-01');
    expect(edge.body).toMatchObject({
      uscc: u.edge,
      grade: 'A',
      score: 90.5,
      effectiveFrom: '2026-01-20',
      cause: 'cycle-published',
      policy: { jurisdiction: 'beijing', version: '2026-draft' },
    });
    expect(edge.body.decidedBy.eventId).toEqual(expect.any(String));
    expect((await grade('idle', '?asOf=2026-02-01')).body.grade).toBe('no-business');
    expect((await grade('fraud', '?asOf=2026-02-01')).body).toMatchObject({
      grade: 'D',
      explanation: [{ article: 'beijing-15' }],
    });
    expect((await grade('publicOnly', '?asOf=2026-02-01')).body.grade).toBe('ungraded');
    expect((await request(http).get(`/api/v1/agencies/${u.top}`).expect(200)).body.grade).toBe('A');
  });

  it('takes an objection decided after publication as a new decision from its own date', async () => {
    await request(http)
      .post(`/api/v1/objections/${lowObjection}/decision`)
      .set('Authorization', regulator)
      .send({ outcome: 'upheld', revisedScore: 76, occurredAt: '2026-01-23' })
      .expect(201);
    expect((await grade('low', '?asOf=2026-01-22')).body.grade).toBe('D');
    expect((await grade('low', '?asOf=2026-01-23')).body).toMatchObject({
      grade: 'B',
      cause: 'objection-upheld',
      effectiveFrom: '2026-01-23',
    });
  });

  it('refuses upgrade requests the policy bars (beijing-23), and takes the others', async () => {
    const barred = await request(http)
      .post(`/api/v1/agencies/${u.fraud}/upgrade-requests`)
      .set('Authorization', agency('fraud'))
      .send({ reason: '已整改', occurredAt: '2026-11-25' })
      .expect(422);
    expect(barred.body).toMatchObject({ article: 'beijing-23' });
    await request(http)
      .post(`/api/v1/agencies/${u.top}/upgrade-requests`)
      .set('Authorization', agency('top'))
      .send({ occurredAt: '2026-11-25' })
      .expect(422);
    await request(http)
      .post(`/api/v1/agencies/${u.mid}/upgrade-requests`)
      .set('Authorization', agency('mid'))
      .send({ reason: '扩充实验室', occurredAt: '2026-11-25' })
      .expect(201);
  });

  it('answers differently for the past exactly where a late-recorded penalty says, and replay agrees', async () => {
    const before = await t.ledgerNow();
    await new Promise((r) => setTimeout(r, 5));
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.top}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '京环罚〔2026〕3号',
        decidedAt: '2026-03-01',
        violationType: 'false-report',
        legalBasis: '《检验检测机构监督管理办法》',
        content: '罚款',
        occurredAt: '2026-03-01',
      })
      .expect(201);
    const asKnownThen = await grade(
      'top',
      `?asOf=2026-04-01&knownAt=${encodeURIComponent(before)}`,
    );
    const asKnownNow = await grade('top', '?asOf=2026-04-01');
    expect(asKnownThen.body).toMatchObject({ grade: 'A', cause: 'cycle-published' });
    expect(asKnownNow.body).toMatchObject({
      grade: 'D',
      cause: 'direct-downgrade',
      decidedBy: { eventId: penalty.body.eventIds[0] },
    });
    expect((await grade('top', '?asOf=2026-02-15')).body.grade).toBe('A');

    const historyThen = await request(http)
      .get(`/api/v1/agencies/${u.top}/grade-history?knownAt=${encodeURIComponent(before)}`)
      .expect(200);
    const historyNow = await request(http)
      .get(`/api/v1/agencies/${u.top}/grade-history`)
      .expect(200);
    expect(
      historyThen.body.periods.map((p: { grade: string; from: string; to: string | null }) => [
        p.grade,
        p.from,
        p.to,
      ]),
    ).toEqual([['A', '2026-01-20', null]]);
    expect(
      historyNow.body.periods.map((p: { grade: string; from: string; to: string | null }) => [
        p.grade,
        p.from,
        p.to,
      ]),
    ).toEqual([
      ['A', '2026-01-20', '2026-03-01'],
      ['D', '2026-03-01', null],
    ]);

    for (const knownAt of [before, await t.ledgerNow()]) {
      const replay = await request(http)
        .post(`/api/v1/agencies/${u.top}/replay`)
        .set('Authorization', auditor)
        .send({ asOf: '2026-04-01', knownAt })
        .expect(200);
      expect(replay.body.match).toBe(true);
      expect(replay.body.recomputed).toEqual(replay.body.recorded);
    }
    await request(http)
      .post(`/api/v1/agencies/${u.top}/replay`)
      .set('Authorization', agency('top'))
      .send({})
      .expect(403);
  });

  it('refuses to repair a fraud penalty inside its minimum display of 1 year (NDRC Order No. 58)', async () => {
    const [fraud] = (
      await request(http).get(`/api/v1/agencies/${u.top}/events`).set('Authorization', auditor)
    ).body.filter((e: { type: string }) => e.type === 'PenaltyImposed');
    const early = await request(http)
      .post(`/api/v1/agencies/${u.top}/credit-repairs`)
      .set('Authorization', agency('top'))
      .send({ recordEventId: fraud.eventId, reason: '已履行处罚并整改', occurredAt: '2026-11-20' })
      .expect(422);
    expect(early.body).toMatchObject({ article: 'ndrc-58-10' });
    expect(early.body.message.join()).toContain('2027-03-01');
  });

  it('stops the public display of a repaired penalty from the repair decision on, and keeps it for regulators', async () => {
    // Ordinary dishonesty (a warning): displayed 3 months to 1 year (NDRC Order No. 58).
    const imposed = await request(http)
      .post(`/api/v1/agencies/${u.top}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '京环罚〔2026〕77号',
        decidedAt: '2026-03-02',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》',
        content: '警告',
        occurredAt: '2026-03-02',
      })
      .expect(201);
    const penalty = { eventId: imposed.body.eventIds[0] as string };
    const tooEarly = await request(http)
      .post(`/api/v1/agencies/${u.top}/credit-repairs`)
      .set('Authorization', agency('top'))
      .send({ recordEventId: penalty.eventId, reason: '已整改', occurredAt: '2026-06-01' })
      .expect(422);
    expect(tooEarly.body).toMatchObject({ article: 'ndrc-58-10' });
    const applied = await request(http)
      .post(`/api/v1/agencies/${u.top}/credit-repairs`)
      .set('Authorization', agency('top'))
      .send({
        recordEventId: penalty.eventId,
        reason: '已履行处罚并整改',
        occurredAt: '2026-06-02',
      })
      .expect(201);
    await request(http)
      .post(`/api/v1/agencies/${u.top}/credit-repairs`)
      .set('Authorization', agency('top'))
      .send({ recordEventId: penalty.eventId, reason: '重复', occurredAt: '2026-06-03' })
      .expect(422);
    await request(http)
      .post(`/api/v1/credit-repairs/${applied.body.repairId}/decision`)
      .set('Authorization', regulator)
      .send({ outcome: 'approved', occurredAt: '2026-06-10' })
      .expect(201);

    const publicAfter = await request(http)
      .get(`/api/v1/agencies/${u.top}/credit-record?asOf=2026-06-10`)
      .expect(200);
    expect(
      publicAfter.body.records.map((r: { recordEventId: string }) => r.recordEventId),
    ).not.toContain(penalty.eventId);
    const full = await request(http)
      .get(`/api/v1/agencies/${u.top}/credit-record?asOf=2026-06-10`)
      .set('Authorization', regulator)
      .expect(200);
    const kept = full.body.records.find(
      (r: { recordEventId: string }) => r.recordEventId === penalty.eventId,
    );
    expect(kept).toMatchObject({
      publiclyDisplayed: false,
      repair: { status: 'approved' },
      repairableFrom: '2026-06-02',
      displayUntil: '2027-03-01',
    });
    const publicBefore = await request(http)
      .get(`/api/v1/agencies/${u.top}/credit-record?asOf=2026-06-09`)
      .expect(200);
    expect(
      publicBefore.body.records.map((r: { recordEventId: string }) => r.recordEventId),
    ).toContain(penalty.eventId);
  });

  it('stops displaying a record at its maximum period by itself: a fraud penalty of 2026-03-01 is shown until 2029-02-28 (NDRC Order No. 58)', async () => {
    const shown = async (asOf: string) =>
      (
        await request(http).get(`/api/v1/agencies/${u.top}/credit-record?asOf=${asOf}`).expect(200)
      ).body.records.filter(
        (r: { kind: string; summary: { decidedAt: string } }) =>
          r.kind === 'penalty' && r.summary.decidedAt === '2026-03-01',
      ) as { displayUntil: string }[];
    expect(await shown('2029-02-28')).toEqual([
      expect.objectContaining({ displayUntil: '2029-02-28', repairableFrom: '2027-03-01' }),
    ]);
    expect(await shown('2029-03-01')).toEqual([]);
  });
});
