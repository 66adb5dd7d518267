/**
 * Chongqing's directory over HTTP (seed 001 Art. 20, issue 11 item 1), every date explicit: an
 * agency graded E (a false-data penalty, Art. 16(4)) is out of the directory from that day; the
 * next cycle neither grades nor ranks it; it may not apply to re-enter inside 2 years (422
 * citing chongqing-20-1 and the day it may apply from); it applies after, a regulator approves,
 * and it is back from the decision's valid date, graded again in the following cycle. It stays
 * supervised (a penalty is recorded) and keeps its E while out.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { addWorkingDays } from '@ledger/domain';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { newUscc, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

type Proposal = { uscc: string; grade: string; score: number | null };

describe("Chongqing's directory (seed 001 Art. 20)", () => {
  let t: TestApp;
  let http: App;
  const regulator = regulatorOf('chongqing');
  const u: Record<string, string> = {};
  const agency = (key: string) => bearer(actors.agency(u[key]));
  const entry = (key: string, asOf: string, token?: string) => {
    const req = request(http).get(`/api/v1/agencies/${u[key]}?asOf=${asOf}`);
    if (token) req.set('Authorization', token);
    return req.expect(200);
  };
  const directoryOf = async (key: string, asOf: string) =>
    ((await entry(key, asOf)).body as { directory: { listed: boolean } }).directory;
  const grade = async (key: string, asOf: string) =>
    (await request(http).get(`/api/v1/agencies/${u[key]}/grade?asOf=${asOf}`).expect(200)).body;
  const apply = (key: string, occurredAt: string, token = agency(key)) =>
    request(http)
      .post(`/api/v1/agencies/${u[key]}/directory-applications`)
      .set('Authorization', token)
      .send({ reason: '已完成整改并通过内部审核', occurredAt });
  const assess = (key: string, year: number, score: number, occurredAt: string) =>
    request(http)
      .post(`/api/v1/agencies/${u[key]}/assessments`)
      .set('Authorization', regulator)
      .send({ year, score, occurredAt })
      .expect(201);
  /** uscc → grade, as agency keys. */
  const byKey = (proposals: Proposal[]) =>
    Object.fromEntries(
      proposals.map((p) => [Object.keys(u).find((k) => u[k] === p.uscc) ?? p.uscc, p.grade]),
    );

  /** The E: a penalty for false monitoring data (Art. 16(4)), decided on a Thursday. */
  const E_ON = '2023-06-01';
  /** Two years on (Art. 20(一)): the first day the agency may apply to re-enter. */
  const MAY_APPLY_FROM = '2025-06-01';
  const APPLIED = '2025-06-03';
  const RELISTED = '2025-06-10';
  /** The following cycle: the 2025 year, started on a Monday, 15 working days of publicity. */
  const START_2025 = '2026-01-12';
  const PUBLISHED_2025 = '2026-02-03';

  let penaltyId: string;
  let applicationId: string;

  beforeAll(async () => {
    t = await startTestApp('chongqing_directory');
    http = t.app.getHttpServer();
    for (const key of ['x', 'p1', 'p2', 'p3']) {
      u[key] = newUscc('chongqing');
      await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', agency(key))
        .send({
          ...registrationBody(u[key], {
            jurisdiction: 'chongqing',
            name: `重庆环测${key}`,
            commitment: { signedBy: '王明', signedAt: '2023-02-06' },
          }),
          occurredAt: '2023-02-06',
        })
        .expect(201);
      await request(http)
        .post(`/api/v1/agencies/${u[key]}/review`)
        .set('Authorization', regulator)
        .send({ outcome: 'approved', occurredAt: '2023-02-08' })
        .expect(201);
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('takes an agency graded E out of the directory that day (chongqing-20-1), and shows it on its registry entry', async () => {
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.x}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '渝环罚〔2023〕61号',
        decidedAt: E_ON,
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: E_ON,
      })
      .expect(201);
    penaltyId = penalty.body.eventIds[0];
    expect(await grade('x', E_ON)).toMatchObject({ grade: 'E', effectiveFrom: E_ON });

    expect(await directoryOf('x', '2023-05-31')).toEqual({
      listed: true,
      delistedOn: null,
      barredUntil: null,
      article: null,
      on: '2023-05-31',
    });
    expect(await directoryOf('x', E_ON)).toEqual({
      listed: false,
      delistedOn: E_ON,
      barredUntil: MAY_APPLY_FROM,
      article: 'chongqing-20-1',
      on: E_ON,
    });
    // Still registered, public and supervised: out of the directory is not deregistered.
    const out = (await entry('x', E_ON)).body;
    expect(out).toMatchObject({ status: 'registered', grade: 'E' });
    expect(out).not.toHaveProperty('directory.application');
    // Its regulator (and the agency) also see its last application to re-enter: none yet.
    expect((await entry('x', E_ON, regulator)).body.directory).toMatchObject({
      listed: false,
      application: null,
    });
    expect(await directoryOf('p1', E_ON)).toMatchObject({ listed: true });
    // The search shows the same standing.
    const search = await request(http)
      .get(`/api/v1/agencies?jurisdiction=chongqing&asOf=${E_ON}&q=${u.x}`)
      .expect(200);
    expect(search.body.items).toEqual([
      expect.objectContaining({ uscc: u.x, directory: expect.objectContaining({ listed: false }) }),
    ]);
  });

  it('is still supervised while out: a penalty is recorded', async () => {
    await request(http)
      .post(`/api/v1/agencies/${u.x}/penalties`)
      .set('Authorization', regulator)
      .send({
        decisionNumber: '渝环罚〔2023〕88号',
        decidedAt: '2023-09-04',
        violationType: 'other',
        legalBasis: '《重庆市环境保护条例》',
        content: '警告',
        occurredAt: '2023-09-04',
      })
      .expect(201);
  });

  it('leaves it out of the next cycle: not proposed, not ranked, so it pushes no one down', async () => {
    await assess('x', 2023, 99, '2024-01-05');
    await assess('p1', 2023, 90, '2024-01-05');
    await assess('p2', 2023, 80, '2024-01-05');
    await assess('p3', 2023, 70, '2024-01-05');
    const cycle = await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'chongqing', year: 2023, occurredAt: '2024-01-15' })
      .expect(201);
    // Ranked with its 99, x would be A and push p1 to B, p2 and p3 to C.
    expect(byKey(cycle.body.proposals)).toEqual({ p1: 'A', p2: 'B', p3: 'C' });
  });

  it('refuses re-entry inside the 2 years, citing chongqing-20-1 and the day it may apply from', async () => {
    const early = await apply('x', '2025-05-31').expect(422);
    expect(early.body).toMatchObject({
      statusCode: 422,
      article: 'chongqing-20-1',
      message: [
        `occurredAt: graded E: out of the directory since ${E_ON}; it may apply to re-enter from ${MAY_APPLY_FROM}`,
      ],
    });
    // An upgrade request is no way back either.
    const upgrade = await request(http)
      .post(`/api/v1/agencies/${u.x}/upgrade-requests`)
      .set('Authorization', agency('x'))
      .send({ reason: '已整改', occurredAt: '2025-05-31' })
      .expect(422);
    expect(upgrade.body).toMatchObject({ article: 'chongqing-20-1' });
    // A listed agency has nothing to re-enter; only the agency itself applies.
    expect((await apply('p1', '2025-06-02').expect(422)).body).toMatchObject({
      article: 'chongqing-20-1',
      message: ['uscc: the agency is in the directory: there is nothing to re-enter'],
    });
    await apply('x', APPLIED, regulator).expect(403);
    await apply('x', APPLIED, agency('p1')).expect(403);
  });

  it('takes the application after the bar; the agency stays out until a regulator decides', async () => {
    const filed = await apply('x', APPLIED).expect(201);
    expect(filed.body).toMatchObject({
      uscc: u.x,
      applicationId: expect.stringMatching(new RegExp(`^${u.x}\\.[0-9a-f]{12}$`)),
      delistedOn: E_ON,
      barredUntil: MAY_APPLY_FROM,
      eventIds: [expect.any(String)],
    });
    applicationId = filed.body.applicationId;
    expect((await entry('x', APPLIED, regulator)).body.directory).toMatchObject({
      listed: false,
      application: { applicationId, appliedOn: APPLIED, status: 'pending', decidedOn: null },
    });
    expect((await apply('x', '2025-06-04').expect(422)).body.message).toEqual([
      `uscc: the application ${applicationId} of ${APPLIED} awaits the regulator's decision`,
    ]);
  });

  it("puts the agency back on the regulator's approval, from the decision's valid date", async () => {
    const decision = (token: string, occurredAt = RELISTED) =>
      request(http)
        .post(`/api/v1/directory-applications/${applicationId}/decision`)
        .set('Authorization', token)
        .send({ outcome: 'approved', reason: '整改到位', occurredAt });
    await decision(regulatorOf('beijing')).expect(403);
    await decision(agency('x')).expect(403);
    expect((await decision(regulator, '2025-06-02').expect(422)).body).toMatchObject({
      article: 'chongqing-20-1',
    });
    const approved = await decision(regulator).expect(201);
    expect(approved.body).toMatchObject({ uscc: u.x, applicationId, outcome: 'approved' });

    const events = await request(http)
      .get(`/api/v1/agencies/${u.x}/events`)
      .set('Authorization', bearer(actors.auditor))
      .expect(200);
    expect((events.body as { type: string; data: unknown }[]).slice(-2)).toMatchObject([
      { type: 'DirectoryApplicationFiled', data: { applicationId, appliedOn: APPLIED } },
      {
        type: 'DirectoryApplicationDecided',
        data: { applicationId, outcome: 'approved', decidedOn: RELISTED },
      },
    ]);
    expect((await directoryOf('x', '2025-06-09')).listed).toBe(false);
    expect(await directoryOf('x', RELISTED)).toEqual({
      listed: true,
      delistedOn: null,
      barredUntil: null,
      article: null,
      on: RELISTED,
    });
    expect((await entry('x', RELISTED, agency('x'))).body.directory.application).toEqual({
      applicationId,
      appliedOn: APPLIED,
      status: 'approved',
      decidedOn: RELISTED,
    });
    // Its E stays in force until a cycle grades it again.
    expect(await grade('x', RELISTED)).toMatchObject({ grade: 'E', effectiveFrom: E_ON });
    await decision(regulator, '2025-06-11').expect(422);
  });

  it('grades it again in the following cycle, in force from publication; replay agrees', async () => {
    await assess('x', 2025, 60, '2026-01-05');
    await assess('p1', 2025, 90, '2026-01-05');
    await assess('p2', 2025, 80, '2026-01-05');
    await assess('p3', 2025, 70, '2026-01-05');
    const cycle = await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'chongqing', year: 2025, occurredAt: START_2025 })
      .expect(201);
    // Four ranked: A the first ceil(0.8) = 1 place, B to 2, C to ceil(3.2) = 4.
    expect(byKey(cycle.body.proposals)).toEqual({ p1: 'A', p2: 'B', p3: 'C', x: 'C' });
    expect(PUBLISHED_2025 > addWorkingDays(START_2025, 15)).toBe(true);
    await request(http)
      .post('/api/v1/grading-cycles/chongqing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: PUBLISHED_2025 })
      .expect(201);

    expect(await grade('x', PUBLISHED_2025)).toMatchObject({
      grade: 'C',
      score: 60,
      effectiveFrom: PUBLISHED_2025,
      cause: 'cycle-published',
    });
    const history = await request(http).get(`/api/v1/agencies/${u.x}/grade-history`).expect(200);
    expect(
      (
        history.body.periods as { grade: string; from: string; to: string | null; cause: string }[]
      ).map((p) => [p.grade, p.from, p.to, p.cause]),
    ).toEqual([
      ['E', E_ON, PUBLISHED_2025, 'direct-downgrade'],
      ['C', PUBLISHED_2025, null, 'cycle-published'],
    ]);
    expect(history.body.periods[0].explanation).toEqual([
      { rule: 'false-data-penalty', article: 'chongqing-16-4', facts: [penaltyId] },
    ]);
    for (const asOf of [E_ON, RELISTED, PUBLISHED_2025]) {
      const replay = await request(http)
        .post(`/api/v1/agencies/${u.x}/replay`)
        .set('Authorization', bearer(actors.auditor))
        .send({ asOf, knownAt: await t.ledgerNow() })
        .expect(200);
      expect({ asOf, match: replay.body.match }).toEqual({ asOf, match: true });
    }
    expect((await request(http).get(`/api/v1/agencies/${u.x}`).expect(200)).body).toMatchObject({
      grade: 'C',
      directory: { listed: true, delistedOn: null },
    });
  });

  it('shows no directory on the entries of a jurisdiction that keeps none', async () => {
    const beijing = newUscc('beijing');
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', regulatorOf('beijing'))
      .send({ ...registrationBody(beijing), occurredAt: '2026-01-12' })
      .expect(201);
    await request(http)
      .post(`/api/v1/agencies/${beijing}/review`)
      .set('Authorization', regulatorOf('beijing'))
      .send({ outcome: 'approved', occurredAt: '2026-01-13' })
      .expect(201);
    expect(
      (await request(http).get(`/api/v1/agencies/${beijing}`).expect(200)).body,
    ).not.toHaveProperty('directory');
    const refused = await request(http)
      .post(`/api/v1/agencies/${beijing}/directory-applications`)
      .set('Authorization', bearer(actors.agency(beijing)))
      .send({ occurredAt: '2026-02-01' })
      .expect(422);
    expect(refused.body).toMatchObject({ article: 'chongqing-20' });
  });
});
