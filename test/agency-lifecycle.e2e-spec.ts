/**
 * The agency's life over HTTP, as a regulator and an agency use the ledger: register, review,
 * change, personnel in and out and across agencies, equipment, inspection, penalty, credit
 * finding, deregistration; then the registry, the raw stream and the hash chain.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, CODES, registrationBody, startTestApp, type TestApp } from './support/app';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('an agency from registration to deregistration', () => {
  let t: TestApp;
  let http: App;
  const A = CODES.A;
  const B = CODES.C;
  const asAgencyA = bearer(actors.agency(A));
  const asAgencyB = bearer(actors.agency(B));
  const asBeijing = bearer(actors.beijing);
  const asAuditor = bearer(actors.auditor);

  beforeAll(async () => {
    t = await startTestApp('lifecycle');
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  /** Every fact of this agency's year happens on 2026-11-25 unless its body says otherwise. */
  const post = (path: string, token: string, body: object) =>
    request(http)
      .post(`/api/v1${path}`)
      .set('Authorization', token)
      .send({ occurredAt: '2026-11-25', ...body });

  it('registers, and the filing awaits formal review (not yet in the public registry)', async () => {
    const res = await post('/agencies', asAgencyA, registrationBody(A)).expect(201);
    expect(res.body).toMatchObject({ uscc: A, version: 1, eventIds: [expect.any(String)] });
    expect(res.body.position).toBeGreaterThan(0);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body.reviewDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    await request(http).get(`/api/v1/agencies/${A}`).expect(404);
    const asRegulator = await request(http)
      .get(`/api/v1/agencies/${A}`)
      .set('Authorization', asBeijing)
      .expect(200);
    expect(asRegulator.body).toMatchObject({
      uscc: A,
      status: 'pending-review',
      grade: 'ungraded',
      legalRepresentative: '王*',
    });
  });

  it('refuses the same USCC twice (409)', async () => {
    const res = await post('/agencies', asBeijing, registrationBody(A)).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, article: 'national-faq-1-7' });
  });

  it('is approved by the regulator and published', async () => {
    await post(`/agencies/${A}/review`, asBeijing, { outcome: 'approved' }).expect(201);
    const entry = await request(http).get(`/api/v1/agencies/${A}`).expect(200);
    expect(entry.body).toMatchObject({
      status: 'registered',
      name: '北京环测科技有限公司',
      category: 'comprehensive',
    });
    const listed = await request(http)
      .get('/api/v1/agencies?jurisdiction=beijing&q=环测')
      .expect(200);
    expect(listed.body.items.map((e: { uscc: string }) => e.uscc)).toContain(A);
    await post(`/agencies/${A}/review`, asBeijing, { outcome: 'approved' }).expect(422);
  });

  it('takes an address change at once, but a change of name goes back to review with a new commitment', async () => {
    await post(`/agencies/${A}/changes`, asAgencyA, {
      changes: { addresses: { registered: '北京市海淀区', workplace: '北京市海淀区某路2号' } },
      changedAt: '2026-11-20',
    }).expect(201);
    expect((await request(http).get(`/api/v1/agencies/${A}`)).body.status).toBe('registered');

    const refused = await post(`/agencies/${A}/changes`, asAgencyA, {
      changes: { name: '北京新环测科技有限公司' },
      changedAt: '2026-11-20',
    }).expect(422);
    expect(refused.body).toMatchObject({ article: 'national-faq-2-5' });

    await post(`/agencies/${A}/changes`, asAgencyA, {
      changes: { name: '北京新环测科技有限公司' },
      changedAt: '2026-11-20',
      commitment: { signedBy: '王明', signedAt: '2026-11-20' },
    }).expect(201);
    // Updated to seed 002 §七.8 (issue 10, item 1): before, the entry turned pending-review with
    // the new name and left the public registry. It stays registered with its approved name;
    // the change awaits review, shown to the regulator; approval publishes it.
    const entry = await request(http)
      .get(`/api/v1/agencies/${A}`)
      .set('Authorization', asBeijing)
      .expect(200);
    expect(entry.body).toMatchObject({
      status: 'registered',
      name: '北京环测科技有限公司',
      pendingChange: { fields: { name: '北京新环测科技有限公司' } },
    });
    expect((await request(http).get(`/api/v1/agencies/${A}`).expect(200)).body.name).toBe(
      '北京环测科技有限公司',
    );
    await post(`/agencies/${A}/review`, asBeijing, { outcome: 'approved' }).expect(201);
    expect((await request(http).get(`/api/v1/agencies/${A}`).expect(200)).body.name).toBe(
      '北京新环测科技有限公司',
    );
  });

  it('records a change filed more than a month late as a finding', async () => {
    await post(`/agencies/${A}/changes`, asAgencyA, {
      changes: { scope: ['water', 'air', 'noise'] },
      changedAt: '2026-09-01',
    }).expect(201);
    const entry = await request(http).get(`/api/v1/agencies/${A}`).expect(200);
    expect(entry.body.lateChangeFilings).toBe(1);
  });

  let personId: string;
  it('takes a person on, and the same person cannot join a second agency until the departure is recorded', async () => {
    const res = await post(`/agencies/${A}/personnel`, asAgencyA, {
      idNumber: '11010519491231002X',
      name: '张三',
      role: 'laboratory-analysis',
      joinedAt: '2026-02-01',
    }).expect(201);
    personId = res.body.personId;
    expect(personId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toContain('11010519491231002X');

    await post('/agencies', asAgencyB, registrationBody(B, { name: '北京乙监测有限公司' })).expect(
      201,
    );
    const taken = await post(`/agencies/${B}/personnel`, asAgencyB, {
      idNumber: '11010519491231002X',
      name: '张三',
      role: 'field-sampling',
    }).expect(409);
    expect(taken.body).toMatchObject({ article: 'national-faq-3' });
    expect(taken.body.message[0]).toMatch(/^idNumber: /);

    await post(`/agencies/${A}/personnel/${personId}/departure`, asAgencyA, {
      leftAt: '2026-11-01',
      proof: '离职证明编号 2026-118',
    }).expect(201);
    await post(`/agencies/${B}/personnel`, asAgencyB, {
      idNumber: '11010519491231002X',
      name: '张三',
      role: 'field-sampling',
    }).expect(201);
    await post(`/agencies/${A}/personnel/${personId}/departure`, asAgencyA, {
      leftAt: '2026-11-02',
    }).expect(422);
  });

  it('moves a person to a non-technical post as a status change', async () => {
    const { body } = await post(`/agencies/${A}/personnel`, asAgencyA, {
      idNumber: '110105199003071239',
      name: '李四',
      role: 'report-review',
    }).expect(201);
    const id = body.personId as string;
    await post(`/agencies/${A}/personnel/${id}/status`, asAgencyA, {
      status: 'non-technical',
      changedAt: '2026-11-10',
    }).expect(201);
    const entry = await request(http).get(`/api/v1/agencies/${A}`).expect(200);
    expect(entry.body.activePersonnel).toBe(0);
  });

  it('adds and scraps equipment, never deleting it', async () => {
    const added = await post(`/agencies/${A}/equipment`, asAgencyA, {
      name: '气相色谱仪',
      model: 'GC-2030',
      serial: 'SN001',
    }).expect(201);
    await post(`/agencies/${A}/equipment`, asAgencyA, { name: '采样器' }).expect(201);
    await post(`/agencies/${A}/equipment/${added.body.equipmentId}/scrap`, asAgencyA, {
      scrappedAt: '2026-11-15',
    }).expect(201);
    await post(`/agencies/${A}/equipment/${added.body.equipmentId}/scrap`, asAgencyA, {
      scrappedAt: '2026-11-16',
    }).expect(422);
    expect((await request(http).get(`/api/v1/agencies/${A}`)).body.equipmentInService).toBe(1);
  });

  it('records an inspection, a penalty and a credit finding, as the regulator of its jurisdiction only', async () => {
    const inspection = {
      inspectedAt: '2026-11-12',
      method: 'on-site',
      findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
      measures: ['written-notice'],
    };
    await post(`/agencies/${A}/inspections`, bearer(actors.chongqing), inspection).expect(403);
    await post(`/agencies/${A}/inspections`, asAgencyA, inspection).expect(403);
    await post(`/agencies/${A}/inspections`, asBeijing, inspection).expect(201);
    await post(`/agencies/${A}/penalties`, asBeijing, {
      decisionNumber: '京环罚〔2026〕118号',
      decidedAt: '2026-11-13',
      violationType: 'untrue-report',
      legalBasis: '《生态环境监测条例》第三十九条',
      content: '罚款人民币五万元',
      fineYuan: 50000,
    }).expect(201);
    await post(`/agencies/${A}/credit-findings`, asBeijing, {
      kind: 'credit-bad',
      article: 'beijing-9-3',
      decidedAt: '2026-11-13',
    }).expect(201);
    const entry = await request(http).get(`/api/v1/agencies/${A}`).expect(200);
    expect(entry.body).toMatchObject({
      lastInspection: { inspectedAt: '2026-11-12', method: 'on-site', findings: 1 },
      penalties: 1,
      creditFindings: 1,
    });
  });

  it('deregisters; the record stays readable and accepts nothing more', async () => {
    await post(`/agencies/${A}/deregistration`, asAgencyA, { reason: 'voluntary' }).expect(201);
    const refused = await post(`/agencies/${A}/equipment`, asAgencyA, { name: '新设备' }).expect(
      422,
    );
    expect(refused.body).toMatchObject({ article: 'beijing-24' });
    // Updated to seed 002 §七.9 (issue 10, item 2): before, the public saw the whole entry.
    const entry = await request(http).get(`/api/v1/agencies/${A}`).expect(200);
    expect(entry.body).toEqual({
      uscc: A,
      status: 'deregistered',
      deregisteredOn: '2026-11-25',
    });
    const asRegulator = await request(http)
      .get(`/api/v1/agencies/${A}`)
      .set('Authorization', asBeijing)
      .expect(200);
    expect(asRegulator.body).toMatchObject({
      status: 'deregistered',
      deregistered: { reason: 'voluntary' },
    });
  });

  it('shows the raw stream to an auditor with personal data masked, and to its regulator in full', async () => {
    const audited = await request(http)
      .get(`/api/v1/agencies/${A}/events`)
      .set('Authorization', asAuditor)
      .expect(200);
    const types = audited.body.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'AgencyRegistered',
        'RegistrationReviewed',
        'RegistrationChanged',
        'ChangeFiledLate',
        'PersonnelJoined',
        'PersonnelLeft',
        'EquipmentAdded',
        'EquipmentScrapped',
        'InspectionRecorded',
        'PenaltyImposed',
        'CreditFindingRecorded',
        'AgencyDeregistered',
      ]),
    );
    const joined = audited.body.find((e: { type: string }) => e.type === 'PersonnelJoined');
    expect(joined.data.idNumber).toBe('110105********002X');
    expect(audited.body[0].data.legalRepresentative.phone).toBe('138****5678');
    expect(JSON.stringify(audited.body)).not.toContain('11010519491231002X');
    expect(audited.body[1].prevHash).toBe(audited.body[0].hash);
    expect(audited.body.map((e: { version: number }) => e.version)).toEqual(
      audited.body.map((_: unknown, i: number) => i + 1),
    );

    const full = await request(http)
      .get(`/api/v1/agencies/${A}/events`)
      .set('Authorization', asBeijing)
      .expect(200);
    expect(
      full.body.find((e: { type: string }) => e.type === 'PersonnelJoined').data.idNumber,
    ).toBe('11010519491231002X');
    const otherRegulator = await request(http)
      .get(`/api/v1/agencies/${A}/events`)
      .set('Authorization', bearer(actors.chongqing))
      .expect(200);
    expect(
      otherRegulator.body.find((e: { type: string }) => e.type === 'PersonnelJoined').data.idNumber,
    ).toBe('110105********002X');
    await request(http)
      .get(`/api/v1/agencies/${A}/events`)
      .set('Authorization', asAgencyA)
      .expect(403);
    await request(http).get(`/api/v1/agencies/${A}/events`).expect(401);
  });

  it('verifies the hash chain of the whole ledger', async () => {
    const res = await request(http)
      .get('/api/v1/ledger/verify')
      .set('Authorization', asAuditor)
      .expect(200);
    expect(res.body).toMatchObject({ ok: true, streams: 2 });
    expect(res.body.events).toBeGreaterThan(15);
  });
});
