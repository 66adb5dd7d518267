import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { ConflictError, NotFoundError, RuleViolation } from '../shared/errors';
import { decide, type AgencyCommand, type CorrectionRequest } from './agency.decide';
import { evolve, foldAgency, initialAgencyState } from './agency';
import { PERSON_SCOPE, personReservations, USCC_SCOPE } from './agency.reservations';
import type { AgencyEvent, AgencyRegistered, SealedPersonalData } from './agency.events';
import type { InspectionPlan } from '../inspection-plan/inspection-plan';

/** Corrections by an administrator (seed 002 §七.2, §三.11, §五.3; ADR 018). */
const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const calendar = BUILT_IN_CALENDAR;
const sealed = (subject: string): SealedPersonalData => ({
  $pii: { subject, kind: 'resident-id', iv: 'iv', ct: 'ct', tag: 'tag' },
});
const WRONG = '91110000802100433B';
const RIGHT = '91350100M000100Y43';
const registration: AgencyRegistered['data'] = {
  uscc: WRONG,
  jurisdiction: 'beijing',
  name: '北京环测科技有限公司',
  category: 'comprehensive',
  serviceTypes: ['self-monitoring'],
  legalRepresentative: { name: '王明' },
  commitment: { signedBy: '王明', signedAt: '2026-01-05' },
  codeVerified: true,
  reviewDueOn: '2026-01-12',
};
const registered: AgencyEvent = { type: 'AgencyRegistered', data: registration };
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2026-01-08' },
};
const joined = (personId: string, idNumberHash: string): AgencyEvent => ({
  type: 'PersonnelJoined',
  data: {
    personId,
    idNumberHash,
    idNumber: sealed(`person:${idNumberHash}`),
    name: '李雷',
    role: 'laboratory-analysis',
    technical: true,
  },
});
const left = (personId: string): AgencyEvent => ({
  type: 'PersonnelLeft',
  data: { personId, leftAt: '2026-02-01' },
});
const equipment: AgencyEvent = {
  type: 'EquipmentAdded',
  data: { equipmentId: 'eq-1', name: '气相色谱仪', model: 'GC-2030' },
};
const correct = (
  correction: CorrectionRequest,
  extra: Partial<Extract<AgencyCommand, { type: 'CorrectRecord' }>> = {},
): AgencyCommand => ({
  type: 'CorrectRecord',
  on: '2026-03-02',
  calendar,
  correction,
  reason: '注册时录入错误',
  evidence: '营业执照副本',
  ...extra,
});
const corrected = (data: object): AgencyEvent =>
  ({
    type: 'AgencyRecordCorrected',
    data: {
      reason: '注册时录入错误',
      evidence: '营业执照副本',
      correctedOn: '2026-03-02',
      ...data,
    },
  }) as AgencyEvent;
const idCorrection = (personId: string, toHash: string): CorrectionRequest => ({
  field: 'personnel.idNumber',
  personId,
  toHash,
  to: sealed(`person:${toHash}`),
});

describe('corrections of the record (seed 002 §七.2, §三.11, §五.3)', () => {
  describe('when nothing is registered', () => {
    it('has nothing to correct (404)', () => {
      spec
        .given([])
        .when(correct({ field: 'uscc', to: RIGHT }))
        .thenThrows(NotFoundError, 'national-faq-1-6', 'uscc');
    });
  });

  describe('when registered under a wrong USCC', () => {
    it('records the right code beside the wrong one, with the reason (national-faq-7-2)', () => {
      spec
        .given([registered, approved])
        .when(correct({ field: 'uscc', to: RIGHT }))
        .then([corrected({ field: 'uscc', from: WRONG, to: RIGHT, article: 'national-faq-7-2' })]);
    });

    it('refuses a "correction" to the code it already has (422)', () => {
      spec
        .given([registered])
        .when(correct({ field: 'uscc', to: WRONG }))
        .thenThrows(RuleViolation, 'national-faq-7-2', 'correctedValue');
    });

    it('refuses a code another agency is registered under (409, national-faq-7-1)', () => {
      spec
        .given([registered])
        .when(correct({ field: 'uscc', to: RIGHT }, { correctedUsccRegistered: true }))
        .thenThrows(ConflictError, 'national-faq-7-1', 'correctedValue');
    });

    it('answers to the corrected code, its stream still keyed by the code it registered under', () => {
      const state = foldAgency([
        registered,
        corrected({ field: 'uscc', from: WRONG, to: RIGHT, article: 'national-faq-7-2' }),
      ]);
      expect(state).toMatchObject({ uscc: RIGHT, registeredUscc: WRONG });
    });

    it('claims the corrected code and gives up the one it corrects, never the stream’s own', () => {
      const first = corrected({ field: 'uscc', from: WRONG, to: RIGHT, article: 'x' });
      expect(personReservations(WRONG, [first], foldAgency([registered]))).toEqual({
        claim: [{ scope: USCC_SCOPE, key: RIGHT, holder: { uscc: RIGHT } }],
        release: [],
      });
      const back = corrected({ field: 'uscc', from: RIGHT, to: WRONG, article: 'x' });
      expect(personReservations(WRONG, [back], foldAgency([registered, first]))).toEqual({
        claim: [],
        release: [{ scope: USCC_SCOPE, key: RIGHT }],
      });
    });

    it('may be set back to the code it registered under, which its own stream holds', () => {
      spec
        .given([registered, corrected({ field: 'uscc', from: WRONG, to: RIGHT, article: 'x' })])
        .when(correct({ field: 'uscc', to: WRONG }, { correctedUsccRegistered: true }))
        .thenMatches([{ type: 'AgencyRecordCorrected', data: { from: RIGHT, to: WRONG } }]);
    });

    it('still carries out the 双随机 plan that drew it by the code its record is keyed by', () => {
      const plan = {
        drawn: [{ uscc: WRONG, grade: 'ungraded' }],
        drawnOn: '2026-02-01',
        periodStartsOn: '2026-01-01',
        periodEndsOn: '2026-12-31',
        policy: { article: 'beijing-19' },
      } as unknown as InspectionPlan;
      spec
        .given([
          registered,
          approved,
          corrected({ field: 'uscc', from: WRONG, to: RIGHT, article: 'national-faq-7-2' }),
        ])
        .when({
          type: 'RecordInspection',
          on: '2026-03-02',
          calendar,
          plan,
          data: { inspectedAt: '2026-03-02', method: 'on-site', findings: [], planId: 'p' },
        })
        .thenMatches([{ type: 'InspectionRecorded' }]);
    });

    it('a registration claims its own code (one USCC, one registration)', () => {
      expect(personReservations(WRONG, [registered], initialAgencyState).claim).toEqual([
        { scope: USCC_SCOPE, key: WRONG, holder: { uscc: WRONG } },
      ]);
    });
  });

  describe('when a person was recorded with a wrong ID number', () => {
    it('records the right number, sealed, with both identity hashes (national-faq-3-11)', () => {
      spec
        .given([registered, approved, joined('p-1', 'hash-wrong')])
        .when(correct(idCorrection('p-1', 'hash-right')))
        .then([
          corrected({
            field: 'personnel.idNumber',
            personId: 'p-1',
            fromHash: 'hash-wrong',
            toHash: 'hash-right',
            to: sealed('person:hash-right'),
            article: 'national-faq-3-11',
          }),
        ]);
    });

    it('moves the one-person-one-agency claim from the wrong number to the right one, in one append', () => {
      const state = foldAgency([registered, joined('p-1', 'hash-wrong')]);
      const [event] = decide(correct(idCorrection('p-1', 'hash-right')), state);
      expect(personReservations(WRONG, [event], state)).toEqual({
        claim: [{ scope: PERSON_SCOPE, key: 'hash-right', holder: { uscc: WRONG } }],
        release: [{ scope: PERSON_SCOPE, key: 'hash-wrong' }],
      });
      expect(
        foldAgency([registered, joined('p-1', 'hash-wrong'), event]).personnel.get('p-1'),
      ).toMatchObject({ idNumberHash: 'hash-right' });
    });

    it('claims nothing for a person who has left', () => {
      const state = foldAgency([registered, joined('p-1', 'hash-wrong'), left('p-1')]);
      const [event] = decide(correct(idCorrection('p-1', 'hash-right')), state);
      expect(personReservations(WRONG, [event], state)).toEqual({ claim: [], release: [] });
    });

    it('refuses the number already recorded (422)', () => {
      spec
        .given([registered, joined('p-1', 'hash-wrong')])
        .when(correct(idCorrection('p-1', 'hash-wrong')))
        .thenThrows(RuleViolation, 'national-faq-3-11', 'correctedValue');
    });

    it('refuses the number of another engaged person of the agency (one person, one record)', () => {
      spec
        .given([registered, joined('p-1', 'hash-wrong'), joined('p-2', 'hash-right')])
        .when(correct(idCorrection('p-1', 'hash-right')))
        .thenThrows(RuleViolation, 'national-faq-3', 'correctedValue');
    });

    it('does not know a person the agency never recorded (404)', () => {
      spec
        .given([registered])
        .when(correct(idCorrection('p-9', 'hash-right')))
        .thenThrows(NotFoundError, 'national-faq-3-5', 'personId');
    });
  });

  describe('when a non-technical person was entered in error (national-faq-3-10)', () => {
    const nonTechnical = (personId: string, hash: string): AgencyEvent => {
      const event = joined(personId, hash);
      return { ...event, data: { ...event.data, technical: false } } as AgencyEvent;
    };
    const withdraw = (personId: string) => correct({ field: 'personnel.withdrawn', personId });

    it('withdraws the entry, never deleting it, and frees the person for any agency', () => {
      const state = foldAgency([registered, nonTechnical('p-1', 'hash-1')]);
      const [event] = decide(withdraw('p-1'), state);
      expect(event).toEqual(
        corrected({ field: 'personnel.withdrawn', personId: 'p-1', article: 'national-faq-3-10' }),
      );
      expect(personReservations(WRONG, [event], state)).toEqual({
        claim: [],
        release: [{ scope: PERSON_SCOPE, key: 'hash-1' }],
      });
      expect(
        foldAgency([registered, nonTechnical('p-1', 'hash-1'), event]).personnel.get('p-1'),
      ).toMatchObject({ status: 'withdrawn' });
    });

    it('does not withdraw a technical person: a departure with its proof ends that (422)', () => {
      spec
        .given([registered, joined('p-1', 'hash-1')])
        .when(withdraw('p-1'))
        .thenThrows(RuleViolation, 'national-faq-3-10', 'personId');
    });

    it('records no departure of a withdrawn person, nor a second withdrawal (422)', () => {
      const history = [
        registered,
        nonTechnical('p-1', 'hash-1'),
        corrected({ field: 'personnel.withdrawn', personId: 'p-1', article: 'national-faq-3-10' }),
      ];
      spec.given(history).when(withdraw('p-1')).thenThrows(RuleViolation, 'national-faq-3-10');
      spec
        .given(history)
        .when({
          type: 'RecordDeparture',
          on: '2026-03-02',
          calendar,
          personId: 'p-1',
          leftAt: '2026-03-01',
        })
        .thenThrows(RuleViolation, 'national-faq-3-10', 'personId');
    });
  });

  describe('when equipment was recorded with a wrong model', () => {
    it('records the right model beside the wrong one (national-faq-5-3)', () => {
      spec
        .given([registered, equipment])
        .when(correct({ field: 'equipment.model', equipmentId: 'eq-1', to: 'GC-2030 Plus' }))
        .then([
          corrected({
            field: 'equipment.model',
            equipmentId: 'eq-1',
            from: 'GC-2030',
            to: 'GC-2030 Plus',
            article: 'national-faq-5-3',
          }),
        ]);
    });

    it('refuses the model it already has, as last corrected (422)', () => {
      spec
        .given([
          registered,
          equipment,
          corrected({
            field: 'equipment.model',
            equipmentId: 'eq-1',
            from: 'GC-2030',
            to: 'GC-2030 Plus',
            article: 'national-faq-5-3',
          }),
        ])
        .when(correct({ field: 'equipment.model', equipmentId: 'eq-1', to: 'GC-2030 Plus' }))
        .thenThrows(RuleViolation, 'national-faq-5-3', 'correctedValue');
    });

    it('does not know equipment the agency never recorded (404)', () => {
      spec
        .given([registered])
        .when(correct({ field: 'equipment.model', equipmentId: 'eq-9', to: 'X' }))
        .thenThrows(NotFoundError, 'national-faq-5-4', 'equipmentId');
    });
  });
});
