/**
 * The official calendar as ledger data (issue 8), with the ledger's clock moved to
 * 2027-01-15: no official calendar for 2027 exists yet, so this test records a clearly
 * FICTIONAL one, in its own database only. Without it a cycle is 422 naming the year and an
 * objection filed in time is 201 with `reviewDueOn: null`; once it is recorded, dates come
 * from it; after a correction, replaying an earlier decision gives its original dates and new
 * decisions use the correction.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { offsetClock } from '../apps/ledger-api/src/clock';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const NOW = Date.parse('2027-01-15T10:00:00+08:00');
const admin = bearer(actors.admin);
const auditor = bearer(actors.auditor);

/** FICTIONAL, for this test only: New Year's Day and Monday 01-04 off, Saturday 01-09 works. */
const fictional2027 = {
  holidays: ['2027-01-01', '2027-01-04'],
  makeupWorkdays: ['2027-01-09'],
  source: { notice: 'TEST-ONLY fictional notice, not the State Council’s', issuedOn: '2026-11-20' },
};

describe('the official calendar, with the clock in January 2027', () => {
  let t: TestApp;
  let http: App;
  const u: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp('calendar_2027', { clock: offsetClock(NOW - Date.now()) });
    http = t.app.getHttpServer();
    for (const jurisdiction of ['beijing', 'jiaxing', 'chongqing'] as const) {
      u[jurisdiction] = await approvedAgency(http, jurisdiction);
      await assess(http, u[jurisdiction], jurisdiction, { score: 88 });
      await assess(http, u[jurisdiction], jurisdiction, {
        year: 2026,
        score: 91,
        occurredAt: '2027-01-05',
      });
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const start = (jurisdiction: string, year: number, occurredAt: string) =>
    request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulatorOf(jurisdiction as 'beijing'))
      .send({ jurisdiction, year, occurredAt });

  it('answers the built-in years as such, and 404 for a year not recorded', async () => {
    const year2026 = await request(http).get('/api/v1/calendar/2026').expect(200);
    expect(year2026.body).toMatchObject({
      year: 2026,
      version: 0,
      builtIn: true,
      recordedAt: null,
    });
    expect(year2026.body.makeupWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    await request(http).get('/api/v1/calendar/2027').expect(404);
  });

  let objectionId: string;
  it('without a 2027 calendar: a cycle is 422 naming the year; an objection in time is 201 with reviewDueOn null', async () => {
    const refused = await start('beijing', 2026, '2027-01-12').expect(422);
    expect(refused.body).toMatchObject({ article: 'prc-official-calendar' });
    expect(refused.body.message[0]).toMatch(/^occurredAt: .*2027.*PUT \/api\/v1\/calendar\/2027/);
    // Chongqing's 15 working days of publicity from 2026-12-11 reach 2027: refused the same way.
    await start('chongqing', 2025, '2026-12-11')
      .expect(422)
      .expect(({ body }) => expect(body.article).toBe('prc-official-calendar'));

    // Beijing 2025 from Thursday 2026-12-24: 5 working days of publicity end on 12-31.
    const cycle = await start('beijing', 2025, '2026-12-24').expect(201);
    expect(cycle.body.publicityEndsOn).toBe('2026-12-31');
    const filed = await request(http)
      .post(`/api/v1/agencies/${u.beijing}/objections`)
      .set('Authorization', bearer(actors.agency(u.beijing)))
      .send({ cycleId: 'beijing-2025', reason: '指标漏计', occurredAt: '2026-12-30' })
      .expect(201);
    expect(filed.body.reviewDueOn).toBeNull();
    objectionId = filed.body.objectionId;
    const shown = await request(http).get('/api/v1/grading-cycles/beijing-2025').expect(200);
    expect(shown.body.objections).toEqual([
      expect.objectContaining({ objectionId, reviewDueOn: null, calendarMissing: 2027 }),
    ]);
  });

  let recordedAt: string;
  it('an administrator records 2027; the same body again changes nothing', async () => {
    await request(http)
      .put('/api/v1/calendar/2027')
      .set('Authorization', regulatorOf('beijing'))
      .send(fictional2027)
      .expect(403);
    await request(http)
      .put('/api/v1/calendar/2027')
      .set('Authorization', admin)
      .send({ ...fictional2027, makeupWorkdays: ['2027-01-11'] })
      .expect(400)
      .expect(({ body }) => expect(body.message[0]).toMatch(/^makeupWorkdays: /));
    const first = await request(http)
      .put('/api/v1/calendar/2027')
      .set('Authorization', admin)
      .send(fictional2027)
      .expect(201);
    expect(first.body).toMatchObject({ year: 2027, version: 1, eventIds: [expect.any(String)] });
    const again = await request(http)
      .put('/api/v1/calendar/2027')
      .set('Authorization', admin)
      .send(fictional2027)
      .expect(201);
    expect(again.body).toMatchObject({ year: 2027, version: 1, eventIds: [] });
    const shown = await request(http).get('/api/v1/calendar/2027').expect(200);
    expect(shown.body).toMatchObject({ version: 1, builtIn: false, ...fictional2027 });
    recordedAt = shown.body.recordedAt;
    expect(typeof recordedAt).toBe('string');
  });

  it('the objection shows its due date, and a cycle computes its dates from the recorded year', async () => {
    const shown = await request(http).get('/api/v1/grading-cycles/beijing-2025').expect(200);
    // 5 working days from 12-30: 12-31, 01-05, 01-06, 01-07, 01-08 (01-01 and 01-04 off).
    expect(shown.body.objections).toEqual([
      expect.objectContaining({
        objectionId,
        reviewDueOn: '2027-01-08',
        calendar: { '2026': 0, '2027': 1 },
      }),
    ]);
    // Beijing 2026 from Tuesday 2027-01-12: 13, 14, 15, 18, 19.
    const cycle = await start('beijing', 2026, '2027-01-12').expect(201);
    expect(cycle.body.publicityEndsOn).toBe('2027-01-19');
    const recorded = await request(http).get('/api/v1/grading-cycles/beijing-2026').expect(200);
    expect(recorded.body.calendar).toEqual({ '2027': 1 });
  });

  it('after a correction, replay reproduces the earlier dates and new decisions use the correction', async () => {
    // Jiaxing from Wednesday 2026-12-30 under version 1: 12-31, 01-05, 01-06, 01-07, 01-08.
    const before = await start('jiaxing', 2025, '2026-12-30').expect(201);
    expect(before.body.publicityEndsOn).toBe('2027-01-08');

    await request(http)
      .put('/api/v1/calendar/2027')
      .set('Authorization', admin)
      .send({ ...fictional2027, holidays: ['2027-01-01'] })
      .expect(400)
      .expect(({ body }) => expect(body.message[0]).toMatch(/^reason: /));
    const corrected = await request(http)
      .put('/api/v1/calendar/2027')
      .set('Authorization', admin)
      .send({
        ...fictional2027,
        holidays: ['2027-01-01'],
        reason: 'TEST: the notice was corrected',
      })
      .expect(201);
    expect(corrected.body.version).toBe(2);

    // Recorded dates never move; replay with the recorded versions gives them back.
    const replay = await request(http)
      .post('/api/v1/grading-cycles/jiaxing-2025/replay')
      .set('Authorization', auditor)
      .expect(200);
    expect(replay.body).toMatchObject({
      matches: true,
      calendar: { '2026': 0, '2027': 1 },
      publicityEndsOn: { recorded: '2027-01-08', replayed: '2027-01-08' },
    });

    // A new decision uses version 2: Chongqing 2025 from 2026-12-21, 15 working days; 01-04
    // now works: 12-22 to 12-31 (8), 01-04 to 01-08 (13), Saturday 01-09 (14), 01-11 (15).
    const after = await start('chongqing', 2025, '2026-12-21').expect(201);
    expect(after.body.publicityEndsOn).toBe('2027-01-11');
    const cq = await request(http).get('/api/v1/grading-cycles/chongqing-2025').expect(200);
    expect(cq.body.calendar).toEqual({ '2026': 0, '2027': 2 });
    // The correction is history like every other fact: version 2 in force, version 1 recorded before.
    const shown = await request(http).get('/api/v1/calendar/2027').expect(200);
    expect(shown.body).toMatchObject({ version: 2, holidays: ['2027-01-01'] });
    expect(Date.parse(shown.body.recordedAt)).toBeGreaterThan(Date.parse(recordedAt));
  });

  it('a valid time past the moved clock is 400; a registration keyed in January 2027 has its due date', async () => {
    await start('beijing', 2026, '2027-02-01')
      .expect(400)
      .expect(({ body }) => expect(body.message[0]).toMatch(/^occurredAt: /));
  });
});
