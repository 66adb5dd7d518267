/**
 * Urumqi (seed 004) over HTTP: a supervision jurisdiction that grades no one, with two
 * recording authorities (the city ecology bureau and the city market-regulation bureau,
 * Art. 2, 15, 16), finding items of Art. 7–14 under the existing codes, the business type of
 * Art. 6; the CMA certificate (seed 000 Art. 2, seed 004 Art. 5(3)) with its validity, its
 * revocation through market regulation (Art. 16 ¶2) and the authority's deregistration
 * (seed 002 §一.10); the written commitment's text and version published with the
 * registration (seed 000 Annex 2, seed 002 §六.1). Every date is explicit: nothing depends
 * on today.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { JwtService } from '@nestjs/jwt';
import {
  actors,
  bearer,
  registrationBody,
  startTestApp,
  TEST_JWT_SECRET,
  type TestApp,
} from './support/app';
import { freshUscc, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const asEcology = bearer({ sub: 'reg-urumqi', role: 'regulator', jurisdiction: 'urumqi' });
const asMarket = bearer({
  sub: 'reg-urumqi-amr',
  role: 'regulator',
  jurisdiction: 'urumqi',
  authority: 'market-regulation',
});

const cma = {
  number: '230012345678',
  issuer: '新疆维吾尔自治区市场监督管理局',
  validFrom: '2024-06-01',
  validUntil: '2026-05-31',
};
const commitment = {
  signedBy: '艾力',
  signedAt: '2026-01-05',
  version: 'beijing-annex-2-2026',
  text: '本机构承诺：\n一、遵守国家法律法规和标准规范；\n二、对出具的监测数据和报告的真实性、准确性负责；\n三、同意公开本承诺书。',
};
const urumqiFiling = (uscc: string, overrides: Record<string, unknown> = {}) =>
  registrationBody(uscc, {
    name: '乌鲁木齐环测检测有限公司',
    jurisdiction: 'urumqi',
    legalRepresentative: { name: '艾力', title: '总经理' },
    cmaCertificate: cma,
    commitment,
    occurredAt: '2026-01-12',
    ...overrides,
  });

describe('Urumqi (seed 004): supervision without grades, the CMA certificate, the commitment', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;

  beforeAll(async () => {
    t = await startTestApp('urumqi');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const post = (path: string, token: string, body: object) =>
    request(http).post(`/api/v1${path}`).set('Authorization', token).send(body);

  /** An Urumqi testing agency filed on 2026-01-12 with its CMA and commitment, approved 01-13. */
  const urumqiAgency = async (): Promise<string> => {
    const uscc = freshUscc();
    await post('/agencies', asEcology, urumqiFiling(uscc)).expect(201);
    await post(`/agencies/${uscc}/review`, asEcology, {
      outcome: 'approved',
      occurredAt: '2026-01-13',
    }).expect(201);
    return uscc;
  };

  it('publishes the commitment text and version with the registration, and the CMA validity', async () => {
    const uscc = await urumqiAgency();
    const entry = await request(http).get(`/api/v1/agencies/${uscc}?asOf=2026-05-31`).expect(200);
    expect(entry.body).toMatchObject({
      uscc,
      jurisdiction: 'urumqi',
      status: 'registered',
      grade: 'not-graded',
      commitment: {
        signedBy: '艾*',
        signedAt: '2026-01-05',
        version: commitment.version,
        text: commitment.text,
      },
      cmaCertificate: cma,
      cmaRevoked: null,
      cmaStatus: 'valid',
      cmaStatusOn: '2026-05-31',
    });
    // The public search shows the same entry, commitment included.
    const search = await request(http)
      .get('/api/v1/agencies')
      .query({ jurisdiction: 'urumqi', q: uscc })
      .expect(200);
    expect(search.body.items).toEqual([
      expect.objectContaining({ uscc, commitment: entry.body.commitment }),
    ]);
    // Searched by grade, an Urumqi agency is not-graded, never ungraded.
    const byGrade = (grade: string) =>
      request(http)
        .get('/api/v1/agencies')
        .query({ q: uscc, grade })
        .expect(200)
        .then((res) => (res.body.items as { uscc: string }[]).map((i) => i.uscc));
    expect(await byGrade('not-graded')).toEqual([uscc]);
    expect(await byGrade('ungraded')).toEqual([]);
  });

  it('flags an agency whose CMA certificate has lapsed on the day asked about, in the entry and the regulator’s search', async () => {
    const uscc = await urumqiAgency();
    const lapsed = await request(http).get(`/api/v1/agencies/${uscc}?asOf=2026-06-01`).expect(200);
    expect(lapsed.body).toMatchObject({ cmaStatus: 'lapsed', cmaStatusOn: '2026-06-01' });

    const flagged = (asOf: string) =>
      request(http)
        .get('/api/v1/agencies')
        .set('Authorization', asEcology)
        .query({ jurisdiction: 'urumqi', cmaLapsed: 'true', asOf, pageSize: 200 })
        .expect(200)
        .then((res) => (res.body.items as { uscc: string }[]).map((i) => i.uscc));
    expect(await flagged('2026-06-01')).toContain(uscc);
    expect(await flagged('2026-05-31')).not.toContain(uscc);

    // A renewed certificate, filed as a change: valid from its date on; the lapse before it stays.
    const renewed = { ...cma, validFrom: '2026-06-05', validUntil: '2031-06-04' };
    await post(`/agencies/${uscc}/changes`, asEcology, {
      changes: { cmaCertificate: renewed },
      changedAt: '2026-06-05',
      occurredAt: '2026-06-08',
    }).expect(201);
    const on = (asOf: string) =>
      request(http)
        .get(`/api/v1/agencies/${uscc}?asOf=${asOf}`)
        .expect(200)
        .then((res) => res.body as { status: string; cmaStatus: string; cmaCertificate: object });
    // 扩项 / a new certificate needs no new review (seed 002 §四.2): still registered.
    expect(await on('2026-06-10')).toMatchObject({
      status: 'registered',
      cmaStatus: 'valid',
      cmaCertificate: renewed,
    });
    expect(await on('2026-06-01')).toMatchObject({ cmaStatus: 'lapsed' });
    expect(await flagged('2026-06-01')).toContain(uscc);
    expect(await flagged('2026-06-10')).not.toContain(uscc);
  });

  it('refuses an Urumqi testing agency without a CMA certificate valid on the filing day (422 urumqi-5-3), recording nothing', async () => {
    const uscc = freshUscc();
    const res = await post(
      '/agencies',
      asEcology,
      urumqiFiling(uscc, { cmaCertificate: { ...cma, validUntil: '2026-01-11' } }),
    ).expect(422);
    expect(res.body).toMatchObject({ article: 'urumqi-5-3' });
    expect(res.body.message).toEqual([expect.stringMatching(/^cmaCertificate\.validUntil: /)]);
    expect(await ledger.events(uscc)).toBeUndefined();
  });

  it('refuses a commitment text without its version (400 naming the field), recording nothing', async () => {
    const uscc = freshUscc();
    const { version: _v, ...withoutVersion } = commitment;
    const res = await post(
      '/agencies',
      asEcology,
      urumqiFiling(uscc, { commitment: withoutVersion }),
    ).expect(400);
    expect(res.body.message).toEqual([expect.stringMatching(/^commitment\.version: /)]);
    expect(await ledger.events(uscc)).toBeUndefined();
  });

  it('lets the market-regulation regulator record an inspection with an Art. 11 finding; the grade query answers not-graded and says why', async () => {
    const uscc = await urumqiAgency();
    await post(`/agencies/${uscc}/inspections`, asMarket, {
      inspectedAt: '2026-03-10',
      method: 'on-site',
      businessType: 'commissioned',
      findings: [
        {
          code: 'untrue-report',
          item: 'urumqi-11-2',
          description: '使用未经检定的仪器，数据无法复核',
        },
      ],
      authority: '乌鲁木齐市市场监督管理局',
      occurredAt: '2026-03-10',
    }).expect(201);
    const inspection = (await ledger.events(uscc))!.at(-1)!;
    expect(inspection).toMatchObject({
      type: 'InspectionRecorded',
      data: {
        businessType: 'commissioned',
        recordingAuthority: 'market-regulation',
        findings: [{ code: 'untrue-report', item: 'urumqi-11-2' }],
      },
    });

    const grade = await request(http).get(`/api/v1/agencies/${uscc}/grade`).expect(200);
    expect(grade.body).toMatchObject({
      uscc,
      grade: 'not-graded',
      score: null,
      policy: { jurisdiction: 'urumqi', version: '2025' },
      explanation: [{ rule: 'jurisdiction-grades-no-one', article: 'urumqi-supervision-only' }],
      reason: expect.stringContaining('grades no agency') as string,
    });
  });

  it('lets market regulation record a penalty for an untrue report with the business type of Art. 6 (Art. 16 ¶1)', async () => {
    const uscc = await urumqiAgency();
    await post(`/agencies/${uscc}/penalties`, asMarket, {
      decisionNumber: '乌市监罚〔2026〕12号',
      decidedAt: '2026-04-20',
      violationType: 'untrue-report',
      legalBasis: '《检验检测机构监督管理办法》第二十六条',
      content: '出具不实检验检测报告，罚款人民币三万元',
      fineYuan: 30000,
      businessType: 'self-monitoring',
      occurredAt: '2026-04-20',
    }).expect(201);
    expect((await ledger.events(uscc))!.at(-1)).toMatchObject({
      type: 'PenaltyImposed',
      data: { businessType: 'self-monitoring', recordingAuthority: 'market-regulation' },
    });
    const grade = await request(http)
      .get(`/api/v1/agencies/${uscc}/grade?asOf=2026-04-20`)
      .expect(200);
    expect(grade.body).toMatchObject({ grade: 'not-graded' });
  });

  it('refuses a finding item under another code (400) or dated outside the rules’ validity (422 policy-in-force), recording nothing', async () => {
    const uscc = await urumqiAgency();
    const before = await ledger.streamLength(uscc);
    const wrongParent = await post(`/agencies/${uscc}/inspections`, asMarket, {
      inspectedAt: '2026-03-10',
      method: 'on-site',
      findings: [{ code: 'sample-management', item: 'urumqi-11-2' }],
      occurredAt: '2026-03-10',
    }).expect(400);
    expect(wrongParent.body.message).toEqual([expect.stringMatching(/^findings\.0\.item: /)]);
    const beforeRules = await post(`/agencies/${uscc}/inspections`, asMarket, {
      inspectedAt: '2025-02-28',
      method: 'record-review',
      findings: [{ code: 'false-report', item: 'urumqi-12-2' }],
      occurredAt: '2026-03-10',
    }).expect(422);
    expect(beforeRules.body).toMatchObject({ article: 'policy-in-force' });
    expect(await ledger.streamLength(uscc)).toBe(before);
  });

  it('refuses a grading cycle, an assessment and an upgrade request for Urumqi (422 urumqi-supervision-only)', async () => {
    const cycle = await post('/grading-cycles', asEcology, {
      jurisdiction: 'urumqi',
      year: 2025,
      occurredAt: '2026-03-02',
    }).expect(422);
    expect(cycle.body).toMatchObject({ article: 'urumqi-supervision-only' });
    await request(http).get('/api/v1/grading-cycles/urumqi-2025').expect(404);

    const uscc = await urumqiAgency();
    const assessment = await post(`/agencies/${uscc}/assessments`, asEcology, {
      year: 2025,
      score: 90,
      occurredAt: '2026-02-01',
    }).expect(422);
    expect(assessment.body).toMatchObject({ article: 'urumqi-supervision-only' });
    const upgrade = await post(`/agencies/${uscc}/upgrade-requests`, bearer(actors.agency(uscc)), {
      reason: '扩充实验室',
      occurredAt: '2026-02-01',
    }).expect(422);
    expect(upgrade.body).toMatchObject({ article: 'urumqi-supervision-only' });
  });

  it('keeps the registry with the ecology bureau: market regulation may not review or deregister (403), and is an Urumqi authority only (401 elsewhere)', async () => {
    const uscc = freshUscc();
    await post('/agencies', asEcology, urumqiFiling(uscc)).expect(201);
    const review = await post(`/agencies/${uscc}/review`, asMarket, {
      outcome: 'approved',
      occurredAt: '2026-01-13',
    }).expect(403);
    expect(review.body.message).toEqual([expect.stringMatching(/^authority: /)]);
    expect(await ledger.streamLength(uscc)).toBe(1);

    const beijingMarket = `Bearer ${new JwtService().sign(
      { sub: 'x', role: 'regulator', jurisdiction: 'beijing', authority: 'market-regulation' },
      { secret: TEST_JWT_SECRET, algorithm: 'HS256', expiresIn: '1h' },
    )}`;
    const refused = await request(http)
      .get(`/api/v1/agencies/${uscc}/events`)
      .set('Authorization', beijingMarket)
      .expect(401);
    expect(JSON.stringify(refused.body)).toContain('authority');
  });

  it('records the CMA revoked through market regulation (Art. 16 ¶2); the authority then deregisters citing seed 002 §一.10', async () => {
    const uscc = await urumqiAgency();
    const revocation = {
      revokedOn: '2026-04-01',
      decisionNumber: '新市监撤〔2026〕1号',
      issuer: '新疆维吾尔自治区市场监督管理局',
      occurredAt: '2026-04-02',
    };
    const byEcology = await post(`/agencies/${uscc}/cma-revocation`, asEcology, revocation).expect(
      403,
    );
    expect(byEcology.body.message).toEqual([expect.stringMatching(/^authority: /)]);
    await post(`/agencies/${uscc}/cma-revocation`, asMarket, revocation).expect(201);

    const entry = await request(http).get(`/api/v1/agencies/${uscc}?asOf=2026-04-01`).expect(200);
    expect(entry.body).toMatchObject({
      cmaStatus: 'revoked',
      cmaRevoked: { on: '2026-04-01', decisionNumber: revocation.decisionNumber },
    });

    const deregistration = { reason: 'qualification-lost', basis: '新市监撤〔2026〕1号' };
    await post(`/agencies/${uscc}/deregistration-by-authority`, asMarket, {
      ...deregistration,
      occurredAt: '2026-04-03',
    }).expect(403);
    const early = await post(`/agencies/${uscc}/deregistration-by-authority`, asEcology, {
      ...deregistration,
      occurredAt: '2026-03-31',
    }).expect(422);
    expect(early.body).toMatchObject({ article: 'national-faq-1-10' });
    await post(`/agencies/${uscc}/deregistration-by-authority`, asEcology, {
      ...deregistration,
      occurredAt: '2026-04-03',
    }).expect(201);
    expect((await ledger.events(uscc))!.at(-1)).toMatchObject({
      type: 'AgencyDeregistered',
      data: {
        reason: 'qualification-lost',
        deregisteredOn: '2026-04-03',
        byAuthority: { article: 'national-faq-1-10', basis: deregistration.basis },
      },
    });
  });

  it('deregisters a Beijing agency whose CMA lapsed, and not before (seed 002 §一.10)', async () => {
    const asBeijing = bearer(actors.beijing);
    const uscc = freshUscc();
    await post('/agencies', asBeijing, {
      ...registrationBody(uscc, { cmaCertificate: cma }),
      occurredAt: '2026-01-12',
    }).expect(201);
    const body = { reason: 'qualification-lost', basis: 'CMA 230012345678 有效期至 2026-05-31' };
    const valid = await post(`/agencies/${uscc}/deregistration-by-authority`, asBeijing, {
      ...body,
      occurredAt: '2026-05-31',
    }).expect(422);
    expect(valid.body).toMatchObject({ article: 'national-faq-1-10' });
    await post(`/agencies/${uscc}/deregistration-by-authority`, asBeijing, {
      ...body,
      occurredAt: '2026-06-01',
    }).expect(201);
    const agency = await post(
      `/agencies/${uscc}/deregistration-by-authority`,
      bearer(actors.agency(uscc)),
      {
        ...body,
        occurredAt: '2026-06-02',
      },
    );
    expect(agency.status).toBe(403);
  });
});
