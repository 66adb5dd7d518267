/** Exports for the public credit platforms: penalties in their layout, and published grades. */
import request from 'supertest';
import type { App } from 'supertest/types';
import { parse } from 'csv-parse/sync';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('exports', () => {
  let t: TestApp;
  let http: App;
  let bj: string;
  let cq: string;
  let sinceSecond: string;
  const beijing = regulatorOf('beijing');
  const penalty = (decisionNumber: string, fineYuan: number) => ({
    decisionNumber,
    decidedAt: '2026-03-01',
    violationType: 'untrue-report',
    legalBasis: '《生态环境监测条例》第三十九条',
    content: '罚款, 责令改正',
    fineYuan,
    authority: '北京市生态环境局',
  });

  beforeAll(async () => {
    t = await startTestApp('exports');
    http = t.app.getHttpServer();
    bj = await approvedAgency(http, 'beijing');
    cq = await approvedAgency(http, 'chongqing');
    await request(http)
      .post(`/api/v1/agencies/${bj}/penalties`)
      .set('Authorization', beijing)
      .send(penalty('京环罚〔2026〕1号', 50000))
      .expect(201);
    sinceSecond = await t.ledgerNow();
    await request(http)
      .post(`/api/v1/agencies/${cq}/penalties`)
      .set('Authorization', regulatorOf('chongqing'))
      .send({ ...penalty('渝环罚〔2026〕2号', 12000), authority: '重庆市生态环境局' })
      .expect(201);
    await assess(http, bj, 'beijing', { score: 91 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', beijing)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', beijing)
      .send({ occurredAt: '2026-01-20' })
      .expect(201);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('exports penalties as CSV in the platform layout, each regulator its own jurisdiction', async () => {
    const res = await request(http)
      .get('/api/v1/exports/penalties')
      .set('Authorization', bearer(actors.auditor))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      统一社会信用代码: bj,
      行政处罚决定书文号: '京环罚〔2026〕1号',
      处罚内容: '罚款, 责令改正',
      '罚款金额（万元）': '5',
      处罚决定日期: '2026-03-01',
      是否公示: '是',
    });
    const own = parse(
      (
        await request(http)
          .get('/api/v1/exports/penalties')
          .set('Authorization', beijing)
          .expect(200)
      ).text,
      { columns: true },
    );
    expect((own as Record<string, string>[]).map((r) => r['统一社会信用代码'])).toEqual([bj]);
  });

  it('exports only what was recorded since a time, as NDJSON', async () => {
    const res = await request(http)
      .get('/api/v1/exports/penalties')
      .query({ since: sinceSecond, format: 'ndjson' })
      .set('Authorization', bearer(actors.auditor))
      .expect(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      统一社会信用代码: cq,
      行政处罚决定书文号: '渝环罚〔2026〕2号',
    });
  });

  it('keeps penalties from the public and agencies, and names a bad format', async () => {
    await request(http).get('/api/v1/exports/penalties').expect(401);
    await request(http)
      .get('/api/v1/exports/penalties')
      .set('Authorization', bearer(actors.agency(bj)))
      .expect(403);
    const bad = await request(http)
      .get('/api/v1/exports/penalties?format=xml')
      .set('Authorization', beijing)
      .expect(400);
    expect(bad.body.message[0]).toMatch(/^format: /);
  });

  it('exports published grades to anyone', async () => {
    const res = await request(http)
      .get('/api/v1/exports/grades?jurisdiction=beijing&year=2025')
      .expect(200);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      expect.objectContaining({
        统一社会信用代码: bj,
        等级: 'A',
        得分: '91',
        公布日期: '2026-01-20',
        评价办法版本: 'beijing/2026-draft',
      }),
    ]);
    expect(
      (
        await request(http)
          .get('/api/v1/exports/grades?jurisdiction=chongqing&year=2025')
          .expect(200)
      ).text
        .trim()
        .split('\n'),
    ).toHaveLength(1);
  });
});
