/**
 * The feeds over HTTP (issue 13 items 2–4): who may export, what a bad `since` or `asOf` is
 * told, the NECIPS inspection rows, the position in the headers of every export, XLSX.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { approvedAgency, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

/** The day the exports are made: 2026-11-30 in Shanghai. */
const EXPORT_DAY = '2026-11-30T04:00:00.000Z';

/** Binary answers (XLSX) collected as a Buffer. */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('export feeds over HTTP', () => {
  let t: TestApp;
  let http: App;
  let bj: string;
  let cq: string;
  const auditor = bearer(actors.auditor);

  beforeAll(async () => {
    t = await startTestApp('exports_feed', { clock: { now: () => new Date(EXPORT_DAY) } });
    http = t.app.getHttpServer();
    bj = await approvedAgency(http, 'beijing');
    cq = await approvedAgency(http, 'chongqing');
    for (const [uscc, jurisdiction, findings] of [
      [bj, 'beijing', []],
      [bj, 'beijing', [{ code: 'record-keeping' }]],
      [cq, 'chongqing', []],
    ] as const) {
      await request(http)
        .post(`/api/v1/agencies/${uscc}/inspections`)
        .set('Authorization', regulatorOf(jurisdiction))
        .send({
          inspectedAt: '2026-03-02',
          method: 'on-site',
          findings,
          measures: findings.length ? ['written-notice'] : [],
          occurredAt: '2026-03-02',
        })
        .expect(201);
    }
    await request(http)
      .post(`/api/v1/agencies/${bj}/credit-findings`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        kind: 'credit-bad',
        article: 'beijing-9',
        decidedAt: '2026-04-01',
        occurredAt: '2026-04-01',
      })
      .expect(201);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t?.close(), HOOK_TIMEOUT_MS);

  it('sends NECIPS inspection results, every inspection, with the position in the header and the last row', async () => {
    const res = await request(http)
      .get('/api/v1/exports/inspections')
      .set('Authorization', auditor)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const rows = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]).slice(0, 6)).toEqual([
      '统一社会信用代码',
      '企业名称',
      '检查实施机关',
      '类型',
      '日期',
      '结果',
    ]);
    const mine = rows.filter((r) => r['统一社会信用代码'] === bj);
    expect(mine.map((r) => r['结果']).sort()).toEqual([
      '发现问题：原始记录不规范。处理措施：书面通知整改',
      '未发现问题',
    ]);
    expect(mine[0]).toMatchObject({
      检查实施机关: '北京市生态环境局',
      类型: '检查',
      日期: '2026-03-02',
      变更类型: '公示',
    });
    expect(res.headers['x-ledger-position']).toMatch(/^\d+@2026-11-30$/);
    expect(rows.at(-1)).toMatchObject({
      变更类型: '导出位置',
      导出位置: res.headers['x-ledger-position'],
    });
    // Resumed from there, nothing changed: only the last row.
    const again = await request(http)
      .get('/api/v1/exports/inspections')
      .query({ since: res.headers['x-ledger-position'], format: 'ndjson' })
      .set('Authorization', auditor)
      .expect(200);
    expect(again.text.trim().split('\n')).toHaveLength(1);
  });

  it('gives a regulator its own jurisdiction only, refuses agencies (403) and the anonymous (401)', async () => {
    const res = await request(http)
      .get('/api/v1/exports/inspections?format=ndjson')
      .set('Authorization', regulatorOf('chongqing'))
      .expect(200);
    const usccs = res.text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Record<string, string>)['统一社会信用代码'])
      .filter(Boolean);
    expect(new Set(usccs)).toEqual(new Set([cq]));
    for (const path of ['inspections', 'credit-findings']) {
      await request(http).get(`/api/v1/exports/${path}`).expect(401);
      await request(http)
        .get(`/api/v1/exports/${path}`)
        .set('Authorization', bearer(actors.agency(bj)))
        .expect(403);
    }
  });

  it('sends credit findings and inspection findings for the city platform, with 失信程度 and 公示截止期', async () => {
    const res = await request(http)
      .get('/api/v1/exports/credit-findings?format=ndjson')
      .set('Authorization', regulatorOf('beijing'))
      .expect(200);
    const rows = res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.slice(0, -1).map((r) => [r['信息类别'], r['失信程度'], r['公示截止期']])).toEqual([
      ['监督检查发现问题', '一般', '2027-03-01'],
      ['信用不良', '严重', '2029-03-31'],
    ]);
  });

  it('answers XLSX that exceljs opens, for the feeds and the listing of earlier versions', async () => {
    for (const path of ['inspections', 'penalties', 'grades']) {
      const res = await request(http)
        .get(`/api/v1/exports/${path}?format=xlsx`)
        .set('Authorization', auditor)
        .buffer(true)
        .parse(binary)
        .expect(200)
        .expect(
          'Content-Type',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
      expect(res.headers['x-ledger-position']).toMatch(/^\d+@\d{4}-\d{2}-\d{2}$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as ArrayBuffer);
      expect(workbook.worksheets[0].rowCount).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses a since that no export answered, an asOf after today and a date since on a feed (400 naming the field)', async () => {
    const bad = async (path: string, query: Record<string, string>, field: string) => {
      const res = await request(http)
        .get(`/api/v1/exports/${path}`)
        .query(query)
        .set('Authorization', auditor)
        .expect(400);
      expect(JSON.stringify(res.body)).toContain(`${field}:`);
    };
    await bad('inspections', { since: '2026-11-01' }, 'since');
    await bad('inspections', { since: '12' }, 'since');
    await bad('credit-findings', { since: '3@2026-02-30' }, 'since');
    await bad('penalties', { since: '3@0000-01-01', layout: 'necips' }, 'since');
    await bad('inspections', { since: '999999999@2026-11-30' }, 'since');
    await bad('penalties', { since: '2026-11-01', layout: 'necips' }, 'since');
    await bad('inspections', { asOf: '2026-12-01' }, 'asOf');
    await bad('penalties', { layout: 'nope' }, 'layout');
    await bad('penalties', { format: 'xls' }, 'format');
  });
});
