/**
 * People's credit over HTTP (seed 000 Art. 9(2), 10, 11; seed 001 Art. 20(二)–(三); ADR 020),
 * every date explicit: a penalty names the persons responsible; each gets a credit record keyed
 * by the identity hash. A person involved in a Chongqing agency's E cannot join another Chongqing
 * agency inside the bar (422 chongqing-20-2); a Beijing hire inside a fraud ban from practising is
 * taken and recorded as the agency's credit-bad situation (beijing-9-2). A ban that starts after
 * the hire's date does not count. Erasing the person keeps the chain valid and the record keyed.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { PersonalData } from '../apps/ledger-api/src/agencies/personal-data.provider';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { freshResidentId } from './support/fixtures';
import { newUscc, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe("people's credit", () => {
  let t: TestApp;
  let http: App;
  const u: Record<string, string> = {};
  const auditor = bearer(actors.auditor);

  /** Registers and approves an agency filed on `filedOn` (approved two days later). */
  async function agencyIn(key: string, jurisdiction: 'beijing' | 'chongqing', filedOn: string) {
    u[key] = newUscc(jurisdiction);
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', bearer(actors.agency(u[key])))
      .send({
        ...registrationBody(u[key], {
          jurisdiction,
          name: `监测机构${key}`,
          commitment: { signedBy: '王明', signedAt: filedOn },
        }),
        occurredAt: filedOn,
      })
      .expect(201);
    const approvedOn = new Date(Date.parse(`${filedOn}T00:00:00Z`) + 2 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await request(http)
      .post(`/api/v1/agencies/${u[key]}/review`)
      .set('Authorization', regulatorOf(jurisdiction))
      .send({ outcome: 'approved', occurredAt: approvedOn })
      .expect(201);
  }
  const hire = (key: string, idNumber: string, joinedAt: string, occurredAt = joinedAt) =>
    request(http)
      .post(`/api/v1/agencies/${u[key]}/personnel`)
      .set('Authorization', bearer(actors.agency(u[key])))
      .send({ idNumber, name: '李四', role: 'report-review', joinedAt, occurredAt });
  const leave = (key: string, personId: string, leftAt: string) =>
    request(http)
      .post(`/api/v1/agencies/${u[key]}/personnel/${personId}/departure`)
      .set('Authorization', bearer(actors.agency(u[key])))
      .send({ leftAt, proof: '离职证明', occurredAt: leftAt })
      .expect(201);

  beforeAll(async () => {
    t = await startTestApp('people_credit');
    http = t.app.getHttpServer();
    for (const key of ['cqE', 'cqEarly', 'cqLater']) await agencyIn(key, 'chongqing', '2023-02-06');
    for (const key of ['bjFraud', 'bjBefore', 'bjInside'])
      await agencyIn(key, 'beijing', '2025-01-06');
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const signatory = freshResidentId();
  let signatoryRef: string;
  let earlyPersonId: string;

  it('names the persons responsible in a penalty, answering each one’s personRef, never the ID number', async () => {
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.cqE}/penalties`)
      .set('Authorization', regulatorOf('chongqing'))
      .send({
        decisionNumber: '渝环罚〔2023〕88号',
        decidedAt: '2023-06-01',
        violationType: 'false-report',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        responsiblePersons: [{ idNumber: signatory, name: '张三', role: '授权签字人' }],
        occurredAt: '2023-06-01',
      })
      .expect(201);
    expect(penalty.body.responsiblePersons).toEqual([
      { personRef: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    signatoryRef = penalty.body.responsiblePersons[0].personRef;
    expect(JSON.stringify(penalty.body)).not.toContain(signatory);
    // The agency is E from the decision (Art. 16(4)): out of the directory, barred until 2025-06-01.
    const grade = await request(http)
      .get(`/api/v1/agencies/${u.cqE}/grade?asOf=2023-06-01`)
      .expect(200);
    expect(grade.body.grade).toBe('E');
  });

  it('takes a hire dated before the E: a bar that starts after the hire does not refuse it', async () => {
    const hired = await hire('cqEarly', signatory, '2023-05-15', '2023-07-01').expect(201);
    expect(hired.body.personRef).toBe(signatoryRef);
    earlyPersonId = hired.body.personId;
    await leave('cqEarly', earlyPersonId, '2023-07-10');
  });

  it('refuses a Chongqing hire of a person involved in an E inside the bar, citing chongqing-20-2 (Art. 20(二))', async () => {
    const refused = await hire('cqLater', signatory, '2024-03-01').expect(422);
    expect(refused.body).toMatchObject({ article: 'chongqing-20-2' });
    expect(JSON.stringify(refused.body)).toContain('2025-06-01');
    expect(JSON.stringify(refused.body)).not.toContain(signatory);
    await hire('cqLater', signatory, '2025-05-31').expect(422);
  });

  it('takes the hire from the day the bar has run (2 years, as the agency’s)', async () => {
    await hire('cqLater', signatory, '2025-06-01').expect(201);
  });

  it('shows the person’s credit record by personRef or personId to regulators, auditors and reviewers: the decisions and the bars, no ID number or name', async () => {
    for (const token of [regulatorOf('beijing'), auditor, bearer(actors.reviewer)]) {
      const record = await request(http)
        .get(`/api/v1/people/${signatoryRef}/credit?asOf=2024-03-01`)
        .set('Authorization', token)
        .expect(200);
      expect(record.body).toMatchObject({
        personRef: signatoryRef,
        asOf: '2024-03-01',
        records: [
          {
            uscc: u.cqE,
            jurisdiction: 'chongqing',
            recordType: 'PenaltyImposed',
            decisionNumber: '渝环罚〔2023〕88号',
            decidedAt: '2023-06-01',
            violationType: 'false-report',
            role: '授权签字人',
          },
        ],
        bans: [
          {
            kind: 'directory-bar',
            from: '2023-06-01',
            to: '2025-06-01',
            article: 'chongqing-20-2',
            inForce: true,
          },
        ],
      });
      expect(JSON.stringify(record.body)).not.toContain(signatory);
      expect(JSON.stringify(record.body)).not.toContain('张三');
    }
    const byPersonId = await request(http)
      .get(`/api/v1/people/${earlyPersonId}/credit?asOf=2025-06-01`)
      .set('Authorization', auditor)
      .expect(200);
    expect(byPersonId.body.personRef).toBe(signatoryRef);
    expect(byPersonId.body.bans[0].inForce).toBe(false);
    await request(http)
      .get(`/api/v1/people/${signatoryRef}/credit`)
      .set('Authorization', bearer(actors.agency(u.cqE)))
      .expect(403);
    await request(http).get(`/api/v1/people/${signatoryRef}/credit`).expect(401);
    await request(http)
      .get(`/api/v1/people/${'0'.repeat(64)}/credit`)
      .set('Authorization', auditor)
      .expect(404);
    await request(http)
      .get('/api/v1/people/110105194912310021/credit')
      .set('Authorization', auditor)
      .expect(400);
  });

  const analyst = freshResidentId();
  let fraudPenaltyId: string;

  it('records a ban from practising with the penalty; a Beijing hire before it is plain, one inside it is credit-bad (beijing-9-2)', async () => {
    const penalty = await request(http)
      .post(`/api/v1/agencies/${u.bjFraud}/penalties`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        decisionNumber: '京环罚〔2026〕41号',
        decidedAt: '2026-03-02',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款；对直接责任人员五年内禁止从事监测工作',
        responsiblePersons: [{ idNumber: analyst, name: '王五', bannedUntil: '2031-03-01' }],
        occurredAt: '2026-03-02',
      })
      .expect(201);
    fraudPenaltyId = penalty.body.eventIds[0];
    // Hired before the ban (recorded after it): nothing to record.
    const before = await hire('bjBefore', analyst, '2026-02-01', '2026-03-05').expect(201);
    expect(before.body.creditFinding).toBeUndefined();
    await leave('bjBefore', before.body.personId, '2026-03-06');
    expect(
      (await request(http).get(`/api/v1/agencies/${u.bjBefore}/grade?asOf=2026-03-06`).expect(200))
        .body.grade,
    ).toBe('ungraded');
    // Hired inside it: taken, and the agency's credit-bad situation from the hire's date.
    const inside = await hire('bjInside', analyst, '2026-04-01').expect(201);
    expect(inside.body.creditFinding).toMatchObject({ article: 'beijing-9-2' });
    const grade = await request(http)
      .get(`/api/v1/agencies/${u.bjInside}/grade?asOf=2026-04-01`)
      .expect(200);
    expect(grade.body).toMatchObject({ grade: 'D', effectiveFrom: '2026-04-01' });
    expect(grade.body.explanation[0]).toMatchObject({ rule: 'credit-bad', article: 'beijing-9-2' });
    const record = await request(http)
      .get(`/api/v1/people/${inside.body.personRef}/credit?asOf=2026-04-01`)
      .set('Authorization', auditor)
      .expect(200);
    expect(record.body.bans).toMatchObject([
      {
        kind: 'practice-ban',
        from: '2026-03-02',
        to: '2031-03-02',
        recordEventId: fraudPenaltyId,
        inForce: true,
      },
    ]);
  });

  it('refuses a ban on a finding and a ban that ends before its decision (400, nothing recorded)', async () => {
    await request(http)
      .post(`/api/v1/agencies/${u.bjFraud}/penalties`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        decisionNumber: '京环罚〔2026〕42号',
        decidedAt: '2026-03-02',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        responsiblePersons: [
          { idNumber: freshResidentId(), name: '赵六', bannedUntil: '2026-03-01' },
        ],
        occurredAt: '2026-03-02',
      })
      .expect(400);
    await request(http)
      .post(`/api/v1/agencies/${u.bjFraud}/credit-findings`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        kind: 'credit-bad',
        article: 'beijing-9-6',
        decidedAt: '2026-03-02',
        responsiblePersons: [
          { idNumber: freshResidentId(), name: '赵六', bannedUntil: '2027-03-01' },
        ],
        occurredAt: '2026-03-02',
      })
      .expect(400);
  });

  it('names persons responsible for what an inspection found, on their own record (beijing-10)', async () => {
    const inspector = freshResidentId();
    const inspection = await request(http)
      .post(`/api/v1/agencies/${u.bjFraud}/inspections`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        inspectedAt: '2026-05-06',
        method: 'on-site',
        findings: [{ code: 'refused-rectification' }],
        responsiblePersons: [{ idNumber: inspector, name: '孙七', role: '质量负责人' }],
        occurredAt: '2026-05-06',
      })
      .expect(201);
    const personRef = inspection.body.responsiblePersons[0].personRef;
    const record = await request(http)
      .get(`/api/v1/people/${personRef}/credit?asOf=2026-05-06`)
      .set('Authorization', auditor)
      .expect(200);
    expect(record.body).toMatchObject({
      records: [
        {
          uscc: u.bjFraud,
          recordType: 'InspectionRecorded',
          decidedAt: '2026-05-06',
          findingCodes: ['refused-rectification'],
          role: '质量负责人',
        },
      ],
      bans: [],
    });
    await request(http)
      .post(`/api/v1/agencies/${u.bjFraud}/inspections`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        inspectedAt: '2026-05-06',
        method: 'on-site',
        findings: [{ code: 'record-keeping' }],
        responsiblePersons: [{ idNumber: inspector, name: '孙七', bannedUntil: '2027-05-06' }],
        occurredAt: '2026-05-06',
      })
      .expect(400);
  });

  it('erases the person: the ID number and name read [erased], the chain stays valid, the record stays keyed', async () => {
    await t.app.get(PersonalData).erase(`person:${signatoryRef}`);
    const events = await request(http)
      .get(`/api/v1/agencies/${u.cqE}/events`)
      .set('Authorization', regulatorOf('chongqing'))
      .expect(200);
    const penalty = (
      events.body as { type: string; data: { responsiblePersons?: unknown[] } }[]
    ).find((e) => e.type === 'PenaltyImposed');
    expect(penalty?.data.responsiblePersons).toEqual([
      { idNumberHash: signatoryRef, idNumber: '[erased]', name: '[erased]', role: '授权签字人' },
    ]);
    const verify = await request(http)
      .get('/api/v1/ledger/verify')
      .set('Authorization', auditor)
      .expect(200);
    expect(verify.body.ok).toBe(true);
    // The hash still finds the person's record and bars.
    const record = await request(http)
      .get(`/api/v1/people/${signatoryRef}/credit?asOf=2024-06-01`)
      .set('Authorization', auditor)
      .expect(200);
    expect(record.body.bans).toMatchObject([{ article: 'chongqing-20-2', inForce: true }]);
  });
});
