/**
 * A Chongqing year over HTTP (seed 001 Art. 13–22): grades A–D by rank of score with the
 * 20/30/30/20 cut-offs (a policy parameter; equal scores share the better grade), no-business
 * agencies not ranked, direct E for a false-data penalty and for serious-dishonesty listing
 * (which takes the agency out of the directory: the cycle neither grades nor ranks it, Art. 20;
 * test/chongqing-directory.e2e-spec.ts follows one out and back in),
 * 15 working days of publicity across National Day, objections reviewed before publication
 * (re-ranking the others), publication, the Art. 20 bar on the E agency, and replay.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { addWorkingDays } from '@ledger/domain';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

type Proposal = { uscc: string; grade: string; score: number | null };
type Period = { grade: string; from: string; to: string | null; cause: string };

describe('a Chongqing grading year', () => {
  let t: TestApp;
  let http: App;
  const regulator = regulatorOf('chongqing');
  const reviewer = bearer(actors.reviewer);
  const auditor = bearer(actors.auditor);
  const u: Record<string, string> = {};
  const agency = (key: string) => bearer(actors.agency(u[key]));
  const grade = (key: string, query = '') =>
    request(http).get(`/api/v1/agencies/${u[key]}/grade${query}`).expect(200);
  /** uscc → grade, read back as agency keys for readable expectations. */
  const byKey = (proposals: Proposal[]) =>
    Object.fromEntries(
      proposals.map((p) => [Object.keys(u).find((k) => u[k] === p.uscc) ?? p.uscc, p.grade]),
    );
  const startCycle = (occurredAt: string, token = regulator) =>
    request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', token)
      .send({ jurisdiction: 'chongqing', year: 2025, occurredAt });

  /** Cycle start: Wednesday 2026-09-30, the eve of the National Day holiday. */
  const START = '2026-09-30';
  /** 15 PRC working days (Art. 17): 1–7 October off, Saturday 10 October a make-up working day. */
  const PUBLICITY_ENDS = '2026-10-27';
  const PUBLISHED = '2026-10-28';

  let falsePenaltyId: string;
  let dishonestyFindingId: string;

  beforeAll(async () => {
    t = await startTestApp('chongqing_year');
    http = t.app.getHttpServer();
    for (const key of [
      'top',
      'second',
      'tieA',
      'tieB',
      'mid',
      'low',
      'idle',
      'falseReport',
      'dishonest',
      'unassessed',
    ])
      u[key] = await approvedAgency(http, 'chongqing');
    await assess(http, u.top, 'chongqing', { score: 95 });
    await assess(http, u.second, 'chongqing', { score: 90 });
    await assess(http, u.tieA, 'chongqing', { score: 85 });
    await assess(http, u.tieB, 'chongqing', { score: 85 });
    await assess(http, u.mid, 'chongqing', { score: 70 });
    await assess(http, u.low, 'chongqing', { score: 60 });
    await assess(http, u.idle, 'chongqing', { score: 0, noBusiness: true });
    // High scores: were the E agencies ranked, they would push the others down.
    await assess(http, u.falseReport, 'chongqing', { score: 99 });
    await assess(http, u.dishonest, 'chongqing', { score: 97 });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('grades E at once from the decision date of a false-report penalty (chongqing-16-4)', async () => {
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.falseReport}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '渝环罚〔2025〕27号',
        decidedAt: '2025-11-03',
        violationType: 'false-report',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2025-11-03',
      })
      .expect(201);
    falsePenaltyId = penalty.body.eventIds[0];
    expect((await grade('falseReport', '?asOf=2025-11-02')).body.grade).toBe('ungraded');
    expect((await grade('falseReport', '?asOf=2025-11-03')).body).toMatchObject({
      grade: 'E',
      effectiveFrom: '2025-11-03',
      cause: 'direct-downgrade',
      policy: { jurisdiction: 'chongqing', version: '2023' },
      decidedBy: { eventId: falsePenaltyId },
      explanation: [
        { rule: 'false-data-penalty', article: 'chongqing-16-4', facts: [falsePenaltyId] },
      ],
    });
  });

  it('grades E at once on a serious-dishonesty listing (chongqing-16-8)', async () => {
    const finding = await request(http)
      .post(`/api/v1/agencies/${u.dishonest}/credit-findings`)
      .set('Authorization', regulator)
      .send({
        kind: 'serious-dishonesty-listed',
        article: 'chongqing-16-8',
        decidedAt: '2025-12-01',
        description: '列入严重失信主体名单',
        occurredAt: '2025-12-01',
      })
      .expect(201);
    dishonestyFindingId = finding.body.eventIds[0];
    expect((await grade('dishonest', '?asOf=2025-11-30')).body.grade).toBe('ungraded');
    expect((await grade('dishonest', '?asOf=2025-12-01')).body).toMatchObject({
      grade: 'E',
      effectiveFrom: '2025-12-01',
      cause: 'direct-downgrade',
      explanation: [{ article: 'chongqing-16-8', facts: [dishonestyFindingId] }],
    });
  });

  it('bars the E agency from asking to be graded again (chongqing-20-1)', async () => {
    const barred = await request(http)
      .post(`/api/v1/agencies/${u.falseReport}/upgrade-requests`)
      .set('Authorization', agency('falseReport'))
      .send({ reason: '已整改', occurredAt: '2026-11-25' })
      .expect(422);
    expect(barred.body).toMatchObject({ article: 'chongqing-20-1' });
  });

  // A cycle whose publicity runs into a year with no recorded calendar: test/calendar.e2e-spec.ts.

  it('ranks the listed agencies with business A–D (20/30/30/20, ties share the better grade), leaves out those the E took out of the directory (chongqing-20-1), and starts 15 working days of publicity', async () => {
    await startCycle(START, regulatorOf('beijing')).expect(403);
    const res = await startCycle(START).expect(201);
    expect(PUBLICITY_ENDS).toBe(addWorkingDays(START, 15));
    expect(res.body).toMatchObject({
      cycleId: 'chongqing-2025',
      policy: { id: 'chongqing/2023' },
      publicityStartsOn: START,
      publicityEndsOn: PUBLICITY_ENDS,
      objectionWindowEndsOn: PUBLICITY_ENDS,
    });
    // Six ranked: A the first ceil(1.2) = 2 places, B up to place 3, C up to 5, D the rest.
    // tieB is 4th by place but shares tieA's 3rd place, and B with it.
    expect(byKey(res.body.proposals)).toEqual({
      top: 'A',
      second: 'A',
      tieA: 'B',
      tieB: 'B',
      mid: 'C',
      low: 'D',
      idle: 'no-business',
    });
    const proposals = res.body.proposals as Proposal[];
    expect(proposals.find((p) => p.uscc === u.idle)).toMatchObject({ score: null });
    expect(proposals.find((p) => p.uscc === u.low)).toMatchObject({ score: 60 });
    await startCycle('2026-10-08').expect(409);
  });

  let lowObjection: string;
  it('takes an objection inside publicity, to be reviewed before publication (chongqing-18)', async () => {
    const filed = await request(http)
      .post(`/api/v1/agencies/${u.low}/objections`)
      .set('Authorization', agency('low'))
      .send({ cycleId: 'chongqing-2025', reason: '业务量统计有误', occurredAt: '2026-10-09' })
      .expect(201);
    expect(filed.body).toMatchObject({ uscc: u.low, reviewDueOn: PUBLICITY_ENDS });
    lowObjection = filed.body.objectionId;

    const late = await request(http)
      .post(`/api/v1/agencies/${u.mid}/objections`)
      .set('Authorization', agency('mid'))
      .send({ cycleId: 'chongqing-2025', reason: '迟到', occurredAt: PUBLISHED })
      .expect(422);
    expect(late.body).toMatchObject({ article: 'chongqing-17' });
    const notGraded = await request(http)
      .post(`/api/v1/agencies/${u.unassessed}/objections`)
      .set('Authorization', agency('unassessed'))
      .send({ cycleId: 'chongqing-2025', reason: '未参评', occurredAt: '2026-10-09' })
      .expect(422);
    expect(notGraded.body.message).toEqual([expect.stringMatching(/^uscc: /)]);
  });

  it('does not publish during publicity, nor with an objection still pending', async () => {
    const early = await request(http)
      .post('/api/v1/grading-cycles/chongqing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: PUBLICITY_ENDS })
      .expect(422);
    expect(early.body).toMatchObject({ article: 'chongqing-17' });
    const pending = await request(http)
      .post('/api/v1/grading-cycles/chongqing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: PUBLISHED })
      .expect(422);
    expect(pending.body).toMatchObject({ article: 'chongqing-18' });
    expect(pending.body.message[0]).toContain(lowObjection);
  });

  it('re-ranks every agency when an objection is upheld before publication', async () => {
    const decided = await request(http)
      .post(`/api/v1/objections/${lowObjection}/decision`)
      .set('Authorization', reviewer)
      .send({ outcome: 'upheld', revisedScore: 92, reason: '核实后改分', occurredAt: '2026-10-27' })
      .expect(201);
    expect(decided.body).toMatchObject({
      uscc: u.low,
      cycleId: 'chongqing-2025',
      objectionId: lowObjection,
      revised: { uscc: u.low, grade: 'A', score: 92 },
    });
    expect(decided.body.revised.explanation[0]).toMatchObject({ article: 'chongqing-15' });

    const cycle = await request(http).get('/api/v1/grading-cycles/chongqing-2025').expect(200);
    expect(cycle.body).toMatchObject({
      status: 'publicity',
      publicityEndsOn: PUBLICITY_ENDS,
      publishedOn: null,
      objections: [{ objectionId: lowObjection, uscc: u.low, status: 'upheld' }],
    });
    // 95, 92, 90, 85, 85, 70: places 1, 2, 3, 4, 4, 6.
    expect(byKey(cycle.body.proposals)).toEqual({
      top: 'A',
      low: 'A',
      second: 'B',
      tieA: 'C',
      tieB: 'C',
      mid: 'D',
      idle: 'no-business',
    });
  });

  let beforePublication: string;
  it('publishes after publicity: grades in force from the publication date', async () => {
    beforePublication = await t.ledgerNow();
    await new Promise((r) => setTimeout(r, 5));
    const published = await request(http)
      .post('/api/v1/grading-cycles/chongqing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: PUBLISHED })
      .expect(201);
    expect(published.body.publishedOn).toBe(PUBLISHED);
    expect(byKey(published.body.grades)).toMatchObject({ low: 'A', mid: 'D' });
    expect(byKey(published.body.grades)).not.toHaveProperty('falseReport');

    expect((await grade('low', `?asOf=${PUBLICITY_ENDS}`)).body.grade).toBe('ungraded');
    expect((await grade('low', `?asOf=${PUBLISHED}`)).body).toMatchObject({
      uscc: u.low,
      grade: 'A',
      score: 92,
      effectiveFrom: PUBLISHED,
      cause: 'cycle-published',
      policy: { jurisdiction: 'chongqing', version: '2023' },
      decidedBy: { eventId: published.body.eventIds[0] },
    });
    expect((await grade('low', '?asOf=2026-11-01')).body).not.toHaveProperty('riskLevel');
    const after = Object.fromEntries(
      await Promise.all(
        ['top', 'second', 'tieA', 'tieB', 'mid', 'idle', 'unassessed'].map(
          async (key) => [key, (await grade(key, '?asOf=2026-11-01')).body.grade] as const,
        ),
      ),
    );
    expect(after).toEqual({
      top: 'A',
      second: 'B',
      tieA: 'C',
      tieB: 'C',
      mid: 'D',
      idle: 'no-business',
      unassessed: 'ungraded',
    });
    // Out of the directory and not graded by the cycle, the E agencies keep their direct E.
    expect((await grade('falseReport', '?asOf=2026-11-01')).body).toMatchObject({
      grade: 'E',
      effectiveFrom: '2025-11-03',
      cause: 'direct-downgrade',
      explanation: [{ article: 'chongqing-16-4', facts: [falsePenaltyId] }],
    });
    expect((await grade('dishonest', '?asOf=2026-11-01')).body).toMatchObject({
      grade: 'E',
      effectiveFrom: '2025-12-01',
      explanation: [{ article: 'chongqing-16-8', facts: [dishonestyFindingId] }],
    });
    expect((await request(http).get(`/api/v1/agencies/${u.top}`).expect(200)).body.grade).toBe('A');
  });

  it('takes upgrade requests from agencies not graded E', async () => {
    await request(http)
      .post(`/api/v1/agencies/${u.mid}/upgrade-requests`)
      .set('Authorization', agency('mid'))
      .send({ reason: '扩充实验室', occurredAt: '2026-11-25' })
      .expect(201);
  });

  it('still bars the E agency after publication by its one E grade (chongqing-20-1), not as graded E twice', async () => {
    // One E: the direct downgrade of 2025-11-03, which no cycle replaces while the agency is out.
    const history = await request(http)
      .get(`/api/v1/agencies/${u.falseReport}/grade-history`)
      .expect(200);
    const periods = history.body.periods as Period[];
    expect(periods.map((p) => [p.grade, p.from, p.to, p.cause])).toEqual([
      ['E', '2025-11-03', null, 'direct-downgrade'],
    ]);
    const barred = await request(http)
      .post(`/api/v1/agencies/${u.falseReport}/upgrade-requests`)
      .set('Authorization', agency('falseReport'))
      .send({ reason: '已整改', occurredAt: '2026-11-25' });
    expect({ status: barred.status, body: barred.body as unknown }).toMatchObject({
      status: 422,
      body: { article: 'chongqing-20-1' },
    });
  });

  it('replays every grade as recorded, before and after publication', async () => {
    const now = await t.ledgerNow();
    expect((await grade('low', `?asOf=2026-11-01&knownAt=${beforePublication}`)).body.grade).toBe(
      'ungraded',
    );
    for (const key of ['low', 'mid', 'idle', 'falseReport', 'dishonest']) {
      for (const [asOf, knownAt] of [
        ['2026-11-01', now],
        ['2026-11-01', beforePublication],
        ['2025-12-15', now],
      ]) {
        const replay = await request(http)
          .post(`/api/v1/agencies/${u[key]}/replay`)
          .set('Authorization', key === 'low' ? reviewer : auditor)
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
    }
  });
});
