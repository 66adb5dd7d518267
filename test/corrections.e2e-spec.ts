/**
 * Corrections by an administrator (issue 10 item 9; seed 002 §七.2, §三.11, §五.3; ADR 018),
 * over HTTP: a wrong USCC, a wrong resident ID number and an equipment model are set right by a
 * compensating event with its reason; the registry and the raw stream show the original and the
 * correction; one USCC one registration, and one person one agency, still hold.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { asAuditor, asBeijing, freshResidentId, freshUscc, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('corrections by an administrator (issue 10, item 9)', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  const asAdmin = bearer(actors.admin);
  const asAgency = (uscc: string) => bearer(actors.agency(uscc));

  beforeAll(async () => {
    t = await startTestApp('corrections');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const post = (path: string, token: string | undefined, body: object) =>
    ledger.post(`/api/v1${path}`, token, body);
  const get = (path: string, token?: string) => {
    const req = request(http).get(`/api/v1${path}`);
    if (token !== undefined) req.set('Authorization', token);
    return req;
  };
  const correctUscc = (uscc: string, to: string, token = asAdmin) =>
    post(`/agencies/${uscc}/corrections`, token, {
      field: 'uscc',
      correctedValue: to,
      reason: '注册时统一社会信用代码录入错误',
      evidence: '营业执照副本（工作建议 2026-031）',
      occurredAt: '2026-03-02',
    });

  describe('a wrong USCC (national-faq-7-2)', () => {
    it('is corrected by an admin; both codes lead to the record, which shows the original and the correction', async () => {
      const wrong = await ledger.agency();
      const right = freshUscc();
      const done = await correctUscc(wrong, right).expect(201);
      expect(done.body).toMatchObject({ version: 3, eventIds: [expect.any(String)] });

      const entry = (await get(`/agencies/${right}`).expect(200)).body;
      expect(entry).toMatchObject({
        uscc: right,
        registeredUscc: wrong,
        status: 'registered',
        corrections: [
          {
            field: 'uscc',
            from: wrong,
            to: right,
            reason: '注册时统一社会信用代码录入错误',
            evidence: '营业执照副本（工作建议 2026-031）',
            article: 'national-faq-7-2',
            correctedOn: '2026-03-02',
            correctedBy: actors.admin.sub,
            eventId: done.body.eventIds[0],
          },
        ],
      });
      // The wrong code answers where it went: the same record, under its right code.
      expect((await get(`/agencies/${wrong}`).expect(200)).body).toMatchObject({
        uscc: right,
        registeredUscc: wrong,
      });
      // The stream keeps the original registration and the correction, chained.
      const events = (await get(`/agencies/${right}/events`, asAuditor).expect(200)).body as {
        type: string;
        data: Record<string, unknown>;
        hash: string;
        prevHash: string;
      }[];
      expect(events.map((e) => e.type)).toEqual([
        'AgencyRegistered',
        'RegistrationReviewed',
        'AgencyRecordCorrected',
      ]);
      expect(events[0].data.uscc).toBe(wrong);
      expect(events[2].data).toMatchObject({ field: 'uscc', from: wrong, to: right });
      expect(events[2].prevHash).toBe(events[1].hash);
      expect((await get('/ledger/verify', asAuditor).expect(200)).body).toMatchObject({ ok: true });
      // Its grade, grade history and credit record too, under the right code.
      for (const read of ['grade', 'grade-history', 'credit-record'])
        expect((await get(`/agencies/${right}/${read}`).expect(200)).body).toMatchObject({
          uscc: right,
        });
      // The public search finds it by its right code.
      const found = (await get(`/agencies?q=${right}`).expect(200)).body.items as {
        uscc: string;
      }[];
      expect(found.map((item) => item.uscc)).toEqual([right]);
    });

    it('lets the agency act under its right code, and no one register under it (409)', async () => {
      const wrong = await ledger.agency();
      const right = freshUscc();
      await correctUscc(wrong, right).expect(201);
      await post(`/agencies/${right}/equipment`, asAgency(right), {
        name: '气相色谱仪',
        model: 'GC-2030',
      }).expect(201);
      expect(await ledger.streamLength(wrong)).toBe(4);
      // The wrong code is no longer the agency's: a token for it acts on nothing.
      await post(`/agencies/${wrong}/equipment`, asAgency(wrong), { name: '天平' }).expect(403);
      const again = await post('/agencies', asBeijing, {
        ...registrationBody(right),
        occurredAt: '2026-03-03',
      }).expect(409);
      expect(again.body).toMatchObject({ article: 'national-faq-7-1' });
      expect(await ledger.streamLength(right)).toBe(4); // the same record, nothing added
    });

    it('leads every grading command, the replay and the evidence bundle to the record too', async () => {
      const wrong = await ledger.agency();
      const right = freshUscc();
      await correctUscc(wrong, right).expect(201);
      await post(`/agencies/${right}/assessments`, asBeijing, { year: 2025, score: 80 }).expect(
        201,
      );
      const penalty = await post(`/agencies/${right}/penalties`, asBeijing, {
        decisionNumber: '京环罚〔2026〕131号',
        decidedAt: '2026-03-10',
        violationType: 'untrue-report',
        legalBasis: '《生态环境监测条例》第三十九条',
        content: '罚款人民币五万元',
        fineYuan: 50000,
      }).expect(201);
      const penaltyId = (penalty.body as { eventIds: string[] }).eventIds[0];
      await post(`/agencies/${right}/penalties/${penaltyId}/fulfilment`, asBeijing, {
        fulfilledOn: '2026-03-20',
        occurredAt: '2026-03-20',
      }).expect(201);
      const repair = await post(`/agencies/${right}/credit-repairs`, asAgency(right), {
        recordEventId: penaltyId,
        reason: '已整改并履行处罚',
        occurredAt: '2026-09-20',
      });
      // Whatever the rules say of this repair, it is decided on the record, not a 404.
      expect([201, 422]).toContain(repair.status);
      // Every fact went to the one stream, keyed by the code the record registered under.
      const types = (
        (await get(`/agencies/${wrong}/events`, asAuditor).expect(200)).body as { type: string }[]
      ).map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining(['AssessmentRecorded', 'PenaltyImposed', 'PenaltyFulfilled']),
      );
      const replay = await post(`/agencies/${right}/replay`, bearer(actors.reviewer), {
        asOf: '2026-03-15',
        knownAt: '2026-11-01',
      });
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ match: true });
      const bundle = await get(`/agencies/${right}/evidence`, asAuditor).expect(200);
      const events = (JSON.parse(bundle.text) as { events: { type: string }[] }).events;
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['AgencyRecordCorrected']));
      // The agency reads its own bundle under the code it answers to now.
      await get(`/agencies/${right}/evidence`, asAgency(right)).expect(200);
    });

    it('is refused to anyone but an admin (403), and records nothing', async () => {
      const wrong = await ledger.agency();
      const right = freshUscc();
      await correctUscc(wrong, right, asBeijing).expect(403);
      await correctUscc(wrong, right, asAgency(wrong)).expect(403);
      await request(http)
        .post(`/api/v1/agencies/${wrong}/corrections`)
        .send({ field: 'uscc', correctedValue: right, reason: '录入错误' })
        .expect(401);
      expect(await ledger.streamLength(wrong)).toBe(2);
    });

    it('refuses a code another agency holds (409), the code it has (422), a bad code or no reason (400)', async () => {
      const wrong = await ledger.agency();
      const other = await ledger.agency();
      const taken = await correctUscc(wrong, other).expect(409);
      expect(taken.body).toMatchObject({ article: 'national-faq-7-1' });
      expect(taken.body.message[0]).toMatch(/^correctedValue: /);
      const same = await correctUscc(wrong, wrong).expect(422);
      expect(same.body).toMatchObject({ article: 'national-faq-7-2' });
      const bad = await correctUscc(wrong, '91110000802100433X').expect(400);
      expect(bad.body.message[0]).toMatch(/^correctedValue: /);
      const noReason = await post(`/agencies/${wrong}/corrections`, asAdmin, {
        field: 'uscc',
        correctedValue: freshUscc(),
      }).expect(400);
      expect(noReason.body.message).toEqual(['reason: should not be empty']);
      const badField = await post(`/agencies/${wrong}/corrections`, asAdmin, {
        field: 'name',
        correctedValue: 'x',
        reason: 'r',
      }).expect(400);
      expect(badField.body.message[0]).toMatch(/^field: must be one of/);
      expect(await ledger.streamLength(wrong)).toBe(2);
    });

    it('of two agencies corrected to one code at once, exactly one gets it', async () => {
      const [a, b] = await Promise.all([ledger.agency(), ledger.agency()]);
      const right = freshUscc();
      const answers = await Promise.all([correctUscc(a, right), correctUscc(b, right)]);
      expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    });
  });

  describe('a wrong resident ID number (national-faq-3-11)', () => {
    it('moves the person to the right number: the wrong one is free, the right one held; never in clear', async () => {
      const uscc = await ledger.agency();
      const wrongId = freshResidentId();
      const rightId = freshResidentId();
      const hired = await post(`/agencies/${uscc}/personnel`, asBeijing, {
        idNumber: wrongId,
        name: '张三',
        role: 'laboratory-analysis',
        joinedAt: '2026-02-01',
      }).expect(201);
      const personId = hired.body.personId as string;
      // Not the regulator's to do: the provincial authority's (the admin).
      await post(`/agencies/${uscc}/corrections`, asBeijing, {
        field: 'personnel.idNumber',
        personId,
        correctedValue: rightId,
        reason: '身份证号录入错误',
      }).expect(403);
      const done = await post(`/agencies/${uscc}/corrections`, asAdmin, {
        field: 'personnel.idNumber',
        personId,
        correctedValue: rightId,
        reason: '身份证号录入错误',
        evidence: '身份证复印件',
        occurredAt: '2026-03-02',
      }).expect(201);

      // One person, one agency follows the right number.
      const other = await ledger.agency();
      await post(`/agencies/${other}/personnel`, asBeijing, {
        idNumber: rightId,
        name: '张三',
        role: 'field-sampling',
      }).expect(409);
      await post(`/agencies/${other}/personnel`, asBeijing, {
        idNumber: wrongId,
        name: '李四',
        role: 'field-sampling',
      }).expect(201);

      // The auditor reads the stream masked; neither number is there in clear.
      const raw = JSON.stringify((await get(`/agencies/${uscc}/events`, asAuditor)).body);
      expect(raw).not.toContain(wrongId);
      expect(raw).not.toContain(rightId);
      expect(raw).toContain(`${rightId.slice(0, 6)}********${rightId.slice(-4)}`);
      // The regulator of the jurisdiction reads both in full: the original and the correction.
      const full = (await get(`/agencies/${uscc}/events`, asBeijing).expect(200)).body as {
        eventId: string;
        data: { idNumber?: string; to?: string };
      }[];
      expect(full.find((e) => e.data.idNumber !== undefined)?.data.idNumber).toBe(wrongId);
      expect(full.find((e) => e.eventId === done.body.eventIds[0])?.data.to).toBe(rightId);
      // The registry says a correction was made, to whom, by whom and why; not the numbers.
      const entry = (await get(`/agencies/${uscc}`, asBeijing).expect(200)).body;
      expect(entry.corrections).toEqual([
        expect.objectContaining({
          field: 'personnel.idNumber',
          personId,
          reason: '身份证号录入错误',
          correctedBy: actors.admin.sub,
        }),
      ]);
      expect(JSON.stringify(entry)).not.toContain(rightId);
    });

    it('refuses the same number (422), an unknown person (404), a bad number or no personId (400)', async () => {
      const uscc = await ledger.agency();
      const idNumber = freshResidentId();
      const { personId } = (
        await post(`/agencies/${uscc}/personnel`, asBeijing, {
          idNumber,
          name: '王五',
          role: 'field-testing',
        }).expect(201)
      ).body as { personId: string };
      const body = { field: 'personnel.idNumber', reason: '录入错误' };
      const same = await post(`/agencies/${uscc}/corrections`, asAdmin, {
        ...body,
        personId,
        correctedValue: idNumber,
      }).expect(422);
      expect(same.body).toMatchObject({ article: 'national-faq-3-11' });
      await post(`/agencies/${uscc}/corrections`, asAdmin, {
        ...body,
        personId: '00000000-0000-4000-8000-000000000000',
        correctedValue: freshResidentId(),
      }).expect(404);
      const bad = await post(`/agencies/${uscc}/corrections`, asAdmin, {
        ...body,
        personId,
        correctedValue: '110105194912310021',
      }).expect(400);
      expect(bad.body.message[0]).toMatch(/^correctedValue: /);
      expect(JSON.stringify(bad.body)).not.toContain('110105194912310021');
      const noPerson = await post(`/agencies/${uscc}/corrections`, asAdmin, {
        ...body,
        correctedValue: freshResidentId(),
      }).expect(400);
      expect(noPerson.body.message[0]).toMatch(/^personId: /);
    });
  });

  describe('a non-technical person entered in error (national-faq-3-10)', () => {
    it('is withdrawn by an admin, never deleted; the person is free to join another agency', async () => {
      const uscc = await ledger.agency();
      const idNumber = freshResidentId();
      const { personId } = (
        await post(`/agencies/${uscc}/personnel`, asBeijing, {
          idNumber,
          name: '赵六',
          role: 'sample-management',
          technical: false,
        }).expect(201)
      ).body as { personId: string };
      const body = { field: 'personnel.withdrawn', personId, reason: '财务人员误录' };
      await post(`/agencies/${uscc}/corrections`, asBeijing, body).expect(403);
      await post(`/agencies/${uscc}/corrections`, asAdmin, body).expect(201);
      const again = await post(`/agencies/${uscc}/corrections`, asAdmin, body).expect(422);
      expect(again.body).toMatchObject({ article: 'national-faq-3-10' });
      const other = await ledger.agency();
      await post(`/agencies/${other}/personnel`, asBeijing, {
        idNumber,
        name: '赵六',
        role: 'field-sampling',
      }).expect(201);
      const types = ((await ledger.events(uscc)) ?? []).map((e) => e.type);
      expect(types).toContain('PersonnelJoined');
      expect(types.at(-1)).toBe('AgencyRecordCorrected');
    });

    it('refuses a technical person (422): a departure with its proof ends that', async () => {
      const uscc = await ledger.agency();
      const personId = await ledger.person(uscc);
      const refused = await post(`/agencies/${uscc}/corrections`, asAdmin, {
        field: 'personnel.withdrawn',
        personId,
        reason: '误录',
      }).expect(422);
      expect(refused.body).toMatchObject({ article: 'national-faq-3-10' });
    });
  });

  describe('an equipment model (national-faq-5-3)', () => {
    it('is corrected by the agency itself; the registry shows the model recorded and the right one', async () => {
      const uscc = await ledger.agency();
      const equipmentId = await ledger.equipment(uscc);
      await post(`/agencies/${uscc}/corrections`, asAgency(uscc), {
        field: 'equipment.model',
        equipmentId,
        correctedValue: 'GC-2030 Plus',
        reason: '初次填报型号错误',
        occurredAt: '2026-03-02',
      }).expect(201);
      const entry = (await get(`/agencies/${uscc}`, asAgency(uscc)).expect(200)).body;
      expect(entry.corrections).toEqual([
        expect.objectContaining({
          field: 'equipment.model',
          equipmentId,
          from: 'GC-2030',
          to: 'GC-2030 Plus',
          correctedBy: actors.agency(uscc).sub,
        }),
      ]);
      const same = await post(`/agencies/${uscc}/corrections`, asAgency(uscc), {
        field: 'equipment.model',
        equipmentId,
        correctedValue: 'GC-2030 Plus',
        reason: '再次',
      }).expect(422);
      expect(same.body).toMatchObject({ article: 'national-faq-5-3' });
      const noEquipment = await post(`/agencies/${uscc}/corrections`, asAgency(uscc), {
        field: 'equipment.model',
        correctedValue: 'X',
        reason: 'r',
      }).expect(400);
      expect(noEquipment.body.message[0]).toMatch(/^equipmentId: /);
    });
  });
});
