/**
 * The registry lifecycle as the texts write it (issue 10, items 1–4), over HTTP:
 * - a key change under review leaves the agency registered and public with its approved data
 *   until approval; a returned change keeps it (seed 002 §七.8);
 * - a deregistered agency is out of the public search, its public entry says only that, and
 *   its grade ends that day (seed 002 §七.9, seed 000 Art. 24);
 * - a penalty decided before the deregistration is recorded after it and counts (beijing-24);
 * - the staff of a deregistered agency are released, and a hiring agency records the
 *   departure its previous agency never did, one person one agency still holding under
 *   concurrency (seed 002 §三.6, §七.3).
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { asAuditor, asBeijing, freshResidentId, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('the registry lifecycle (issue 10, items 1–4)', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  const asChongqing = bearer(actors.chongqing);
  const asAgency = (uscc: string) => bearer(actors.agency(uscc));

  beforeAll(async () => {
    t = await startTestApp('registry-lifecycle');
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
  const publicSearch = async (q: string) =>
    (
      (await get(`/agencies?q=${encodeURIComponent(q)}`).expect(200)).body.items as {
        uscc: string;
        name: string;
      }[]
    ).map(({ uscc, name }) => ({ uscc, name }));

  describe('a key change under review (national-faq-7-8)', () => {
    it('leaves the agency registered and listed with its old name until approval, which publishes it', async () => {
      const uscc = await ledger.agency();
      const newName = `北京更名监测${uscc.slice(-6)}有限公司`;
      const filed = await post(`/agencies/${uscc}/changes`, asAgency(uscc), {
        changes: { name: newName, addresses: { registered: '北京市海淀区' } },
        changedAt: '2026-02-10',
        commitment: { signedBy: '王明', signedAt: '2026-02-10' },
        occurredAt: '2026-02-10',
      }).expect(201);
      expect(filed.body.reviewDueOn).toBe('2026-02-24'); // 5 working days, Spring Festival

      const publicEntry = (await get(`/agencies/${uscc}`).expect(200)).body;
      expect(publicEntry).toMatchObject({
        status: 'registered',
        name: '北京环测科技有限公司',
      });
      expect(publicEntry).not.toHaveProperty('pendingChange');
      expect(publicEntry).not.toHaveProperty('legalRepresentativeNames');
      expect(await publicSearch(uscc)).toEqual([{ uscc, name: '北京环测科技有限公司' }]);
      expect(await publicSearch(newName)).toEqual([]);

      const pendingChange = {
        fields: { name: newName },
        changedAt: '2026-02-10',
        filedOn: '2026-02-10',
        reviewDueOn: '2026-02-24',
      };
      for (const who of [asBeijing, asAgency(uscc), asAuditor]) {
        const entry = (await get(`/agencies/${uscc}`, who).expect(200)).body;
        expect(entry).toMatchObject({ status: 'registered', pendingChange });
      }
      // The address is not a reviewed field: in force at once.
      expect((await get(`/agencies/${uscc}`, asBeijing)).body.name).toBe('北京环测科技有限公司');
      expect((await get(`/agencies/${uscc}`, asChongqing)).body).not.toHaveProperty(
        'pendingChange',
      );

      await post(`/agencies/${uscc}/review`, asBeijing, {
        outcome: 'approved',
        occurredAt: '2026-02-12',
      }).expect(201);
      expect((await get(`/agencies/${uscc}`).expect(200)).body).toMatchObject({
        status: 'registered',
        name: newName,
      });
      expect(await publicSearch(newName)).toEqual([{ uscc, name: newName }]);
      expect((await get(`/agencies/${uscc}`, asBeijing)).body).toMatchObject({
        pendingChange: null,
        lastChangeReview: { outcome: 'approved', reviewedOn: '2026-02-12', fields: ['name'] },
      });
    });

    it('a returned change keeps the approved data and closes the change with its reason', async () => {
      const uscc = await ledger.agency();
      await post(`/agencies/${uscc}/changes`, asAgency(uscc), {
        changes: { category: 'radiation', monitoringTypes: ['testing', 'automatic-om'] },
        changedAt: '2026-03-02',
        occurredAt: '2026-03-02',
      }).expect(201);
      await post(`/agencies/${uscc}/review`, asBeijing, {
        outcome: 'returned',
        reason: '缺少辐射监测资质证明',
        occurredAt: '2026-03-04',
      }).expect(201);

      expect((await get(`/agencies/${uscc}`).expect(200)).body).toMatchObject({
        status: 'registered',
        category: 'comprehensive',
        monitoringTypes: ['testing'],
      });
      expect((await get(`/agencies/${uscc}`, asAgency(uscc))).body).toMatchObject({
        pendingChange: null,
        lastChangeReview: {
          outcome: 'returned',
          reason: '缺少辐射监测资质证明',
          reviewedOn: '2026-03-04',
        },
      });
      // Nothing is left awaiting review.
      const again = await post(`/agencies/${uscc}/review`, asBeijing, {
        outcome: 'approved',
        occurredAt: '2026-03-05',
      }).expect(422);
      expect(again.body).toMatchObject({ article: 'beijing-7' });
    });
  });

  describe('deregistration (national-faq-7-9, beijing-24)', () => {
    let uscc: string;
    beforeAll(async () => {
      uscc = await ledger.agency();
      // Data fraud decided 2026-03-10: D from that day (beijing-15).
      await post(`/agencies/${uscc}/penalties`, asBeijing, {
        decisionNumber: `京环罚〔2026〕${uscc.slice(-4)}号`,
        decidedAt: '2026-03-10',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2026-03-10',
      }).expect(201);
      await post(`/agencies/${uscc}/deregistration`, asAgency(uscc), {
        reason: 'voluntary',
        occurredAt: '2026-04-01',
      }).expect(201);
    }, HOOK_TIMEOUT_MS);

    it('is out of the public search; its public entry says only that it is deregistered, and when', async () => {
      expect(await publicSearch(uscc)).toEqual([]);
      expect((await get(`/agencies?q=${uscc}&status=deregistered`).expect(200)).body.items).toEqual(
        [],
      );
      expect((await get(`/agencies/${uscc}`).expect(200)).body).toEqual({
        uscc,
        status: 'deregistered',
        deregisteredOn: '2026-04-01',
      });
      for (const who of [asBeijing, asAuditor, asChongqing]) {
        expect((await get(`/agencies/${uscc}`, who).expect(200)).body).toMatchObject({
          uscc,
          status: 'deregistered',
          name: '北京环测科技有限公司',
          deregistered: { on: '2026-04-01', reason: 'voluntary' },
        });
      }
      const listed = await get(`/agencies?q=${uscc}`, asBeijing).expect(200);
      expect(listed.body.items.map((e: { uscc: string }) => e.uscc)).toEqual([uscc]);
    });

    it('ends the grade in force on the deregistration date', async () => {
      const history = (await get(`/agencies/${uscc}/grade-history`, asAuditor).expect(200)).body;
      expect(
        history.periods.map(({ grade, from, to }: { grade: string; from: string; to: string }) => ({
          grade,
          from,
          to,
        })),
      ).toEqual([{ grade: 'D', from: '2026-03-10', to: '2026-04-01' }]);
      const before = await get(`/agencies/${uscc}/grade?asOf=2026-03-31`, asAuditor).expect(200);
      expect(before.body.grade).toBe('D');
      const on = await get(`/agencies/${uscc}/grade?asOf=2026-04-01`, asAuditor).expect(200);
      expect(on.body.grade).toBe('ungraded');
    });

    it('records a penalty decided before the deregistration after it, in the credit record; refuses one decided after it', async () => {
      const decisionNumber = `京环罚〔2026〕${uscc.slice(-4)}-2号`;
      await post(`/agencies/${uscc}/penalties`, asBeijing, {
        decisionNumber,
        decidedAt: '2026-03-25',
        violationType: 'untrue-report',
        legalBasis: '《生态环境监测条例》',
        content: '罚款人民币五万元',
        fineYuan: 50000,
        occurredAt: '2026-04-20',
      }).expect(201);
      const record = await get(`/agencies/${uscc}/credit-record?asOf=2026-05-01`, asAuditor).expect(
        200,
      );
      expect(record.body.penalties).toBe(2);
      expect(
        record.body.records.map((r: { occurredOn: string; kind: string }) => r.occurredOn),
      ).toEqual(['2026-03-10', '2026-03-25']);

      const late = await post(`/agencies/${uscc}/penalties`, asBeijing, {
        decisionNumber: `${decisionNumber}-late`,
        decidedAt: '2026-04-02',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》',
        content: '警告',
        occurredAt: '2026-04-20',
      }).expect(422);
      expect(late.body).toMatchObject({ article: 'beijing-24' });
      expect(late.body.message[0]).toMatch(/^decidedAt: /);
      const listing = await post(`/agencies/${uscc}/credit-findings`, asBeijing, {
        kind: 'serious-dishonesty-listed',
        article: 'beijing-9-7',
        decidedAt: '2026-03-31',
        occurredAt: '2026-04-20',
      }).expect(201);
      expect(listing.body.eventIds).toHaveLength(1);
      // Decided after the deregistration, about conduct before it: recorded, no escape.
      await post(`/agencies/${uscc}/penalties`, asBeijing, {
        decisionNumber: `${decisionNumber}-conduct`,
        decidedAt: '2026-05-06',
        conductOn: '2026-03-20',
        violationType: 'false-report',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2026-05-06',
      }).expect(201);
      const after = await get(`/agencies/${uscc}/credit-record?asOf=2026-05-10`, asAuditor).expect(
        200,
      );
      expect(after.body.penalties).toBe(3);
      // Conduct after the deregistration is not this agency's as registered: refused.
      await post(`/agencies/${uscc}/penalties`, asBeijing, {
        decisionNumber: `${decisionNumber}-conduct-late`,
        decidedAt: '2026-05-06',
        conductOn: '2026-04-02',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》',
        content: '警告',
        occurredAt: '2026-05-06',
      }).expect(422);
      // New business stays refused.
      const equipment = await post(`/agencies/${uscc}/equipment`, asAgency(uscc), {
        name: '采样器',
        occurredAt: '2026-04-20',
      }).expect(422);
      expect(equipment.body).toMatchObject({ article: 'beijing-24' });
    });
  });

  describe('staff of an agency that ends (national-faq-3-6, national-faq-7-3)', () => {
    const hire = (uscc: string, idNumber: string, extra: object = {}, token = asAgency(uscc)) =>
      post(`/agencies/${uscc}/personnel`, token, {
        idNumber,
        name: '张三',
        role: 'laboratory-analysis',
        joinedAt: '2026-05-01',
        occurredAt: '2026-05-01',
        ...extra,
      });

    it('a deregistration releases its staff, recorded with the date; a person of it joins another agency', async () => {
      const old = await ledger.agency();
      const next = await ledger.agency();
      const idNumber = freshResidentId();
      const { body } = await hire(old, idNumber, {
        joinedAt: '2026-02-01',
        occurredAt: '2026-02-01',
      }).expect(201);
      await hire(next, idNumber).expect(409);

      await post(`/agencies/${old}/deregistration`, asBeijing, {
        reason: 'legal-person-terminated',
        occurredAt: '2026-04-15',
      }).expect(201);
      const left = (await ledger.events(old))!.filter((e) => e.type === 'PersonnelLeft');
      expect(left.map((e) => e.data)).toEqual([
        {
          personId: body.personId,
          leftAt: '2026-04-15',
          release: { cause: 'agency-deregistered' },
        },
      ]);
      await hire(next, idNumber).expect(201);
      expect((await get(`/agencies/${next}`)).body.activePersonnel).toBe(1);
    });

    it('the hiring agency records, with proof, the departure a defunct agency never did: on both agencies', async () => {
      const defunct = await ledger.agency();
      const hiring = await ledger.agency();
      const idNumber = freshResidentId();
      const { body } = await hire(defunct, idNumber, {
        joinedAt: '2026-02-01',
        occurredAt: '2026-02-01',
      }).expect(201);
      const before = await ledger.streamLength(defunct);

      // No proof: 400 naming the field, nothing recorded anywhere.
      const noProof = await hire(hiring, idNumber, {
        priorDeparture: { uscc: defunct, leftAt: '2026-04-30' },
      }).expect(400);
      expect(noProof.body.message.join()).toMatch(/priorDeparture\.proof/);
      // A regulator of another jurisdiction acts for no Beijing agency: 403, nothing recorded.
      await hire(
        hiring,
        idNumber,
        { priorDeparture: { uscc: defunct, leftAt: '2026-04-30', proof: '离职证明' } },
        asChongqing,
      ).expect(403);
      expect(await ledger.streamLength(defunct)).toBe(before);

      const priorDeparture = { uscc: defunct, leftAt: '2026-04-30', proof: '离职证明 2026-0430' };
      const keyed = () =>
        request(http)
          .post(`/api/v1/agencies/${hiring}/personnel`)
          .set('Authorization', asAgency(hiring))
          .set('Idempotency-Key', `prior-departure-${idNumber}`)
          .send({
            idNumber,
            name: '张三',
            role: 'laboratory-analysis',
            joinedAt: '2026-05-01',
            occurredAt: '2026-05-01',
            priorDeparture,
          });
      const hired = await keyed().expect(201);
      const lengths = [await ledger.streamLength(defunct), await ledger.streamLength(hiring)];
      // The same request again: the first answer, nothing more on either agency.
      expect((await keyed().expect(201)).body).toEqual(hired.body);
      expect([await ledger.streamLength(defunct), await ledger.streamLength(hiring)]).toEqual(
        lengths,
      );

      // On the agency left, where its regulator sees it, naming the hiring agency …
      const full = await get(`/agencies/${defunct}/events`, asBeijing).expect(200);
      const departure = full.body.find((e: { type: string }) => e.type === 'PersonnelLeft');
      expect(departure).toMatchObject({
        actor: `agency-${hiring}`,
        data: {
          personId: body.personId,
          leftAt: '2026-04-30',
          proof: '离职证明 2026-0430',
          release: { cause: 'hired-elsewhere', hiringAgency: hiring },
        },
      });
      expect((await get(`/agencies/${defunct}`)).body.activePersonnel).toBe(0);
      // … and on the hiring agency, with the hire.
      const joined = (await ledger.events(hiring))!.find((e) => e.type === 'PersonnelJoined');
      expect(joined?.data.priorDeparture).toEqual(priorDeparture);
    });

    // Three rounds of a dozen requests each: more than jest's 5 s on a loaded two-core machine.
    it(
      'of two agencies hiring the same person of a defunct agency at once, exactly one does (one person, one agency)',
      async () => {
        for (let round = 0; round < 3; round++) {
          const defunct = await ledger.agency();
          const [first, second] = [await ledger.agency(), await ledger.agency()];
          const idNumber = freshResidentId();
          await hire(defunct, idNumber, {
            joinedAt: '2026-02-01',
            occurredAt: '2026-02-01',
          }).expect(201);
          const priorDeparture = { uscc: defunct, leftAt: '2026-04-30', proof: '离职证明' };
          const answers = await Promise.all(
            [first, second].map((uscc) => hire(uscc, idNumber, { priorDeparture })),
          );
          expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
          const departures = (await ledger.events(defunct))!.filter(
            (e) => e.type === 'PersonnelLeft',
          );
          expect(departures).toHaveLength(1);
          const hires = await Promise.all(
            [first, second].map(
              async (uscc) =>
                (await ledger.events(uscc))!.filter((e) => e.type === 'PersonnelJoined').length,
            ),
          );
          expect(hires.sort()).toEqual([0, 1]);
        }
      },
      HOOK_TIMEOUT_MS,
    );
  });
});
