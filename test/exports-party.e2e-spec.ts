/**
 * The party a record names in the exports (issue 13, ADR 030), over HTTP: the agency's name
 * and legal representative as on record on the record's date, not today's; a change approved
 * after an export that reaches back over a record already sent sends it again (更新); a
 * deregistration withdraws nothing (publicity periods run from the decision, set by law).
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { parse } from 'csv-parse/sync';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

/** The day the exports are made: 2026-11-30 in Shanghai. */
const EXPORT_DAY = '2026-11-30T04:00:00.000Z';

type Row = Record<string, string>;

describe('the party of an exported record, as on its date', () => {
  let t: TestApp;
  let http: App;
  let uscc: string;
  let firstName: string;
  const auditor = bearer(actors.auditor);
  const beijing = regulatorOf('beijing');

  beforeAll(async () => {
    t = await startTestApp('exports_party', { clock: { now: () => new Date(EXPORT_DAY) } });
    http = t.app.getHttpServer();
    uscc = await approvedAgency(http, 'beijing');
    firstName = `beijing监测${uscc.slice(10, 14)}`;
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t?.close(), HOOK_TIMEOUT_MS);

  const post = (path: string, token: string, body: object) =>
    request(http).post(`/api/v1${path}`).set('Authorization', token).send(body);

  const penalty = (n: number, decidedAt: string) =>
    post(`/agencies/${uscc}/penalties`, beijing, {
      decisionNumber: `京环罚〔2026〕${uscc.slice(-4)}-${n}号`,
      decidedAt,
      violationType: 'untrue-report',
      legalBasis: '《生态环境监测条例》第三十九条',
      content: '罚款',
      fineYuan: 20000,
      occurredAt: decidedAt,
    }).expect(201);

  /** A change of a key field, filed on `filedOn`, approved by the regulator on `approvedOn`. */
  async function change(
    changes: object,
    changedAt: string,
    filedOn: string,
    review: { outcome: 'approved' | 'returned'; on: string },
  ) {
    await post(`/agencies/${uscc}/changes`, bearer(actors.agency(uscc)), {
      changes,
      changedAt,
      commitment: { signedBy: '李华', signedAt: filedOn },
      occurredAt: filedOn,
    }).expect(201);
    await post(`/agencies/${uscc}/review`, beijing, {
      outcome: review.outcome,
      ...(review.outcome === 'returned' && { reason: '材料不全' }),
      occurredAt: review.on,
    }).expect(201);
  }

  /** A penalty feed (or the listing, without `since`) in `layout`, as CSV rows of this agency. */
  async function exported(layout: string, since?: string) {
    const res = await request(http)
      .get('/api/v1/exports/penalties')
      .query({ layout, ...(since !== undefined && { since }) })
      .set('Authorization', auditor)
      .expect(200);
    const rows = parse(res.text, { bom: true, columns: true }) as Row[];
    return {
      rows: rows.filter((r) => r['统一社会信用代码'] === uscc),
      position: res.headers['x-ledger-position'],
    };
  }
  const decision = (r: Row) => r['行政处罚决定书文号'] ?? r['决定书文号'];
  const by = (rows: Row[], n: number) => rows.find((r) => decision(r).endsWith(`-${n}号`));

  let cursor: string;

  it('names the legal representative on record on the decision date: a change approved later leaves an earlier penalty as it was', async () => {
    await penalty(1, '2026-03-10');
    const first = await exported('shuanggongshi', '0');
    expect(by(first.rows, 1)).toMatchObject({ 法定代表人: '王明', 变更类型: '公示' });

    // 李华 takes office on 1 April; the change is filed that day and approved on the 3rd.
    await change({ legalRepresentative: { name: '李华' } }, '2026-04-01', '2026-04-01', {
      outcome: 'approved',
      on: '2026-04-03',
    });
    await penalty(2, '2026-05-10');

    // Resumed: only the new penalty, naming 李华; the first is not sent again.
    const next = await exported('shuanggongshi', first.position);
    expect(next.rows.map((r) => [decision(r), r['法定代表人'], r['变更类型']])).toEqual([
      [expect.stringMatching(/-2号$/), '李华', '公示'],
    ]);
    cursor = next.position;

    // A platform starting now, and every layout and the listing, get each one's own.
    for (const [layout, since] of [
      ['shuanggongshi', '0'],
      ['necips', '0'],
      ['shuanggongshi', undefined],
      ['ledger', undefined],
    ] as const) {
      const { rows } = await exported(layout, since);
      if (layout === 'ledger') continue; // the ledger layout has no 法定代表人
      expect([by(rows, 1)?.['法定代表人'], by(rows, 2)?.['法定代表人']]).toEqual(['王明', '李华']);
    }
    // The public registry shows the new one (masked), as it should.
    const entry = await request(http).get(`/api/v1/agencies/${uscc}`).expect(200);
    expect(entry.body).toMatchObject({ legalRepresentative: '李*' });
  });

  it('a returned change names no one: the penalties keep the approved legal representative', async () => {
    await change({ legalRepresentative: { name: '赵六' } }, '2026-05-01', '2026-05-08', {
      outcome: 'returned',
      on: '2026-05-12',
    });
    const { rows } = await exported('shuanggongshi', cursor);
    expect(rows).toEqual([]);
  });

  it('a name change that reaches back over a penalty already sent sends it again (更新) under the new name; one that does not sends nothing', async () => {
    const newName = `北京更名监测${uscc.slice(-6)}有限公司`;
    // Renamed on 1 May (before the second penalty's 10 May), filed on the 20th, approved on the 22nd.
    await change({ name: newName }, '2026-05-01', '2026-05-20', {
      outcome: 'approved',
      on: '2026-05-22',
    });
    const again = await exported('necips', cursor);
    expect(again.rows.map((r) => [decision(r), r['企业名称'], r['变更类型']])).toEqual([
      [expect.stringMatching(/-2号$/), newName, '更新'],
    ]);
    const whole = await exported('shuanggongshi', '0');
    expect([by(whole.rows, 1)?.['行政相对人名称'], by(whole.rows, 2)?.['行政相对人名称']]).toEqual([
      firstName,
      newName,
    ]);
    cursor = again.position;

    // Renamed again after both decisions: what they name does not change, nothing is sent.
    await change({ name: `${newName}二` }, '2026-06-01', '2026-06-02', {
      outcome: 'approved',
      on: '2026-06-04',
    });
    const none = await exported('shuanggongshi', cursor);
    expect(none.rows).toEqual([]);
    cursor = none.position;
  });

  it('a deregistration withdraws nothing: the penalties stay displayed for their periods, and a platform starting afresh still gets them', async () => {
    await post(`/agencies/${uscc}/deregistration`, bearer(actors.agency(uscc)), {
      reason: 'voluntary',
      occurredAt: '2026-07-01',
    }).expect(201);
    expect((await exported('shuanggongshi', cursor)).rows).toEqual([]);
    const whole = await exported('necips', '0');
    expect(whole.rows.map((r) => [r['法定代表人'], r['变更类型']])).toEqual([
      ['王明', '公示'],
      ['李华', '公示'],
    ]);
    const record = await request(http).get(`/api/v1/agencies/${uscc}/credit-record`).expect(200);
    expect((record.body as { penalties: number }).penalties).toBe(2);
  });
});
