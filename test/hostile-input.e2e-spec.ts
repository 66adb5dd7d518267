/**
 * The hostile inputs that answered 500 (issue 9, item 3), each now a 400 naming the field, and
 * refused commands that leave no row behind, the personal-data vault included. The seeded fuzz
 * over every route is test/fuzz.e2e-spec.ts; the bad-input matrix is test/bad-input.e2e-spec.ts.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { Client } from 'pg';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { asAuditor, asBeijing, freshResidentId, freshUscc } from './support/fixtures';
import { approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('hostile input (issue 9)', () => {
  let t: TestApp;
  let http: App;
  let ledger: Client;
  let uscc: string;

  beforeAll(async () => {
    t = await startTestApp('hostile-input');
    http = t.app.getHttpServer();
    ledger = new Client({ connectionString: t.db.url });
    await ledger.connect();
    uscc = await approvedAgency(http, 'beijing');
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await ledger.end();
    await t.close();
  }, HOOK_TIMEOUT_MS);

  /** Every row a command can write: events, personal-data keys, engagements. */
  async function rows(): Promise<Record<string, string>> {
    const {
      rows: [counts],
    } = await ledger.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM ledger_events)::text AS events,
              (SELECT count(*) FROM ledger_pii_keys)::text AS keys`,
    );
    return counts;
  }

  describe('NUL, unpaired surrogates and controls in a body: 400 naming the JSON path', () => {
    it.each([
      ['NUL', '\u0000', 'must not contain the NUL character (U+0000)'],
      ['a lone high surrogate', '\ud83d', 'must be valid Unicode: unpaired surrogate U+D83D'],
      ['a lone low surrogate', '\ude00', 'must be valid Unicode: unpaired surrogate U+DE00'],
    ])('%s anywhere in a body', async (_what, character, said) => {
      const before = await rows();
      const res = await request(http)
        .post(`/api/v1/agencies/${uscc}/inspections`)
        .set('Authorization', asBeijing)
        .send({
          inspectedAt: '2026-11-12',
          method: 'on-site',
          findings: [{ code: 'other', description: `原始记录${character}不完整` }],
          authority: `北京${character}`,
        })
        .expect(400);
      expect(res.body.message).toEqual([`authority: ${said}`, `findings.0.description: ${said}`]);
      expect(await rows()).toEqual(before);
    });

    it('in a key of the body', async () => {
      const res = await request(http)
        .post(`/api/v1/agencies/${uscc}/review`)
        .set('Authorization', asBeijing)
        .send({ outcome: 'returned', 're\u0000ason': 'x' })
        .expect(400);
      expect(res.body.message).toEqual(['re?ason: is not allowed']);
    });

    it('a paired surrogate (an emoji) is text like any other', async () => {
      await request(http)
        .post(`/api/v1/agencies/${uscc}/inspections`)
        .set('Authorization', asBeijing)
        .send({
          inspectedAt: '2026-11-12',
          method: 'on-site',
          findings: [{ code: 'other', description: '😀' }],
        })
        .expect(201);
    });
  });

  describe('path and query parameters', () => {
    it.each([
      ['GET', '/api/v1/agencies/%00', 'uscc: must not contain the NUL character (U+0000)'],
      ['GET', '/api/v1/agencies/%00/events', 'uscc: must not contain the NUL character (U+0000)'],
      ['GET', '/api/v1/agencies/%ED%A0%80', 'path: malformed percent-encoding'],
      ['GET', '/api/v1/agencies/not-a-code', 'uscc: must be 18 characters'],
      ['GET', '/api/v1/grading-cycles/%00', 'cycleId: must not contain the NUL character (U+0000)'],
      [
        'GET',
        '/api/v1/grading-cycles/beijing-2025%00',
        'cycleId: must not contain the NUL character (U+0000)',
      ],
      [
        'GET',
        '/api/v1/grading-cycles/mars-2025',
        'cycleId: must be a cycle id such as beijing-2025',
      ],
      [
        'POST',
        '/api/v1/grading-cycles/x/publish',
        'cycleId: must be a cycle id such as beijing-2025',
      ],
      ['POST', '/api/v1/objections/beijing-2025/decision', 'objectionId: must be an objection id'],
      ['POST', '/api/v1/credit-repairs/x.y/decision', 'repairId: must be a repair id'],
      [
        'POST',
        '/api/v1/agencies/:uscc/personnel/%00/departure',
        'personId: must not contain the NUL character (U+0000)',
      ],
      [
        'POST',
        '/api/v1/agencies/:uscc/personnel/p1/departure',
        'personId: must be an id this ledger issued',
      ],
      [
        'POST',
        '/api/v1/agencies/:uscc/equipment/e1/scrap',
        'equipmentId: must be an id this ledger issued',
      ],
      ['GET', '/api/v1/agencies?q=%00', 'q: must not contain the NUL character (U+0000)'],
      [
        'GET',
        '/api/v1/agencies?q=%E2%80%AE',
        'q: must not contain bidirectional override characters (U+202E)',
      ],
      ['GET', '/api/v1/agencies?page=1e20', 'page: must not be greater than 10000'],
      [
        'GET',
        '/api/v1/agencies/:uscc/events?fromVersion=1e20',
        'fromVersion: must not be greater than 2147483647',
      ],
      [
        'GET',
        '/api/v1/exports/penalties?since=%00',
        'since: must not contain the NUL character (U+0000)',
      ],
    ])('%s %s: 400', async (method, path, said) => {
      const url = path.replace(':uscc', uscc);
      const before = await rows();
      const res = await (method === 'GET'
        ? request(http).get(url).set('Authorization', asAuditor)
        : request(http)
            .post(url)
            .set(
              'Authorization',
              url.includes('/equipment/') ? bearer(actors.agency(uscc)) : asBeijing,
            )
            .send({}));
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(said)]));
      expect(await rows()).toEqual(before);
    });
  });

  describe('the size of a body is bounded before class-validator walks it', () => {
    it('refuses 50,000 unknown keys at once, naming the limit', async () => {
      const body = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 1]));
      const res = await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .send(body)
        .expect(400);
      expect(res.body.message).toEqual(['body: must have at most 100 keys']);
    });

    it('refuses an array of more than 1,000 items, and too many values in all', async () => {
      const long = await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .send(registrationBody(freshUscc(), { scope: Array.from({ length: 1001 }, () => 'x') }))
        .expect(400);
      expect(long.body.message).toEqual(['scope: must have at most 1000 items']);
      const wide = Object.fromEntries(
        Array.from({ length: 60 }, (_, i) => [
          `o${i}`,
          Object.fromEntries(Array.from({ length: 99 }, (_, j) => [`k${j}`, j])),
        ]),
      );
      const all = await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .send(wide)
        .expect(400);
      expect(all.body.message).toEqual([
        'body: must hold at most 5000 keys and array items in all',
      ]);
    });
  });

  describe('refused commands leave no personal-data key behind', () => {
    const keysOf = async (pattern: string) =>
      Number(
        (
          await ledger.query<{ n: string }>(
            'SELECT count(*)::text AS n FROM ledger_pii_keys WHERE subject LIKE $1',
            [pattern],
          )
        ).rows[0].n,
      );

    it('a hire at an agency that does not exist (404)', async () => {
      const before = await rows();
      await request(http)
        .post(`/api/v1/agencies/${freshUscc()}/personnel`)
        .set('Authorization', asBeijing)
        .send({ idNumber: freshResidentId(), name: '李四', role: 'field-testing' })
        .expect(404);
      expect(await rows()).toEqual(before);
    });

    it('a hire of someone on the staff of another agency (409), and the first hire keeps its key', async () => {
      const other = await approvedAgency(http, 'beijing');
      const idNumber = freshResidentId();
      await request(http)
        .post(`/api/v1/agencies/${uscc}/personnel`)
        .set('Authorization', asBeijing)
        .send({ idNumber, name: '李四', role: 'field-testing' })
        .expect(201);
      const before = await rows();
      await request(http)
        .post(`/api/v1/agencies/${other}/personnel`)
        .set('Authorization', asBeijing)
        .send({ idNumber, name: '李四', role: 'field-testing' })
        .expect(409);
      expect(await rows()).toEqual(before);
      // The first agency's record still opens in full for its regulator.
      const events = await request(http)
        .get(`/api/v1/agencies/${uscc}/events`)
        .set('Authorization', asBeijing)
        .expect(200);
      expect(JSON.stringify(events.body)).toContain(idNumber);
    });

    it('a registration the decider refuses (403: an agency filing for another code)', async () => {
      const code = freshUscc();
      const before = await rows();
      await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', bearer(actors.agency(uscc)))
        .send(registrationBody(code))
        .expect(403);
      expect(await rows()).toEqual(before);
      expect(await keysOf(`agency:${code}:%`)).toBe(0);
    });

    it('a registration of a code already registered (409), and one in another jurisdiction (403)', async () => {
      const before = await rows();
      await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .send(registrationBody(uscc, { contact: { phone: '13900000000' } }))
        .expect(409);
      const code = freshUscc();
      await request(http)
        .post('/api/v1/agencies')
        .set('Authorization', regulatorOf('chongqing'))
        .send(registrationBody(code))
        .expect(403);
      expect(await rows()).toEqual(before);
      expect(await keysOf(`agency:${code}:%`)).toBe(0);
    });

    it('a change of phone the ledger refuses (422 or 409) keeps the keys the agency already had', async () => {
      const keysBefore = await keysOf(`agency:${uscc}:%`);
      const before = await rows();
      await request(http)
        .post(`/api/v1/agencies/${uscc}/changes`)
        .set('Authorization', asBeijing)
        .set('If-Match', '1')
        .send({ changes: { contact: { phone: '13900000000' } }, changedAt: '2026-11-20' })
        .expect(409);
      expect(await rows()).toEqual(before);
      expect(await keysOf(`agency:${uscc}:%`)).toBe(keysBefore);
    });
  });
});
