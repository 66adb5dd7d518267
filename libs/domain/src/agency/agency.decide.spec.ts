import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { ConflictError, InvalidInput, NotFoundError, RuleViolation } from '../shared/errors';
import { decide, oneMonthAfter, type AgencyCommand } from './agency.decide';
import { evolve, initialAgencyState } from './agency';
import { personReservations } from './agency.reservations';
import type {
  AgencyEvent,
  AgencyRegistered,
  PersonnelJoined,
  SealedPersonalData,
} from './agency.events';

const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const sealed = (subject: string): SealedPersonalData => ({
  $pii: { subject, kind: 'phone', iv: 'iv', ct: 'ct', tag: 'tag' },
});
const today = '2026-03-02';
const calendar = BUILT_IN_CALENDAR;

const registration: AgencyRegistered['data'] = {
  uscc: '91110000802100433B',
  jurisdiction: 'beijing',
  name: '北京环测科技有限公司',
  category: 'comprehensive',
  serviceTypes: ['self-monitoring'],
  monitoringTypes: ['testing'],
  legalRepresentative: { name: '王明', phone: sealed('agency:lr') },
  commitment: { signedBy: '王明', signedAt: '2026-01-05' },
  codeVerified: true,
  reviewDueOn: '2026-01-12',
};
const registered: AgencyEvent = { type: 'AgencyRegistered', data: registration };
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2026-01-08' },
};
const deregistered: AgencyEvent = {
  type: 'AgencyDeregistered',
  data: { reason: 'voluntary', deregisteredOn: '2026-02-01' },
};
const person = (personId: string, idNumberHash: string): PersonnelJoined['data'] => ({
  personId,
  idNumberHash,
  idNumber: sealed(`person:${idNumberHash}`),
  name: '李雷',
  role: 'laboratory-analysis',
  technical: true,
  joinedAt: '2026-01-10',
});
const joined = (personId: string, hash: string): AgencyEvent => ({
  type: 'PersonnelJoined',
  data: person(personId, hash),
});

describe('the agency decider', () => {
  describe('when nothing is recorded', () => {
    it('registers an agency, pending formal review due in 5 working days (beijing-7)', () => {
      const { reviewDueOn: _, ...data } = registration;
      spec
        .given([])
        .when({ type: 'RegisterAgency', on: '2026-01-12', calendar, data })
        .then([
          {
            type: 'AgencyRegistered',
            data: {
              ...data,
              filedOn: '2026-01-12',
              reviewDueOn: '2026-01-19',
              calendar: { '2026': 0 },
            },
          },
        ]);
    });

    it('refuses an unsigned commitment (beijing-5)', () => {
      const { reviewDueOn: _, ...data } = registration;
      spec
        .given([])
        .when({
          type: 'RegisterAgency',
          on: today,
          calendar,
          data: { ...data, commitment: { signedBy: ' ', signedAt: today } },
        })
        .thenThrows(RuleViolation, 'beijing-5', 'commitment.signedBy');
    });

    it('records a registration whose review would fall past the known calendar without a due date', () => {
      const { reviewDueOn: _, ...data } = registration;
      spec
        .given([])
        .when({ type: 'RegisterAgency', on: '2026-12-28', calendar, data })
        .thenMatches([{ type: 'AgencyRegistered', data: { reviewDueOn: null } }]);
    });

    it.each<AgencyCommand>([
      { type: 'ReviewRegistration', on: today, calendar, outcome: 'approved' },
      {
        type: 'RecordInspection',
        on: today,
        calendar,
        data: { inspectedAt: today, method: 'on-site', findings: [] },
      },
    ])('knows no agency to $type', (command) => {
      spec.given([]).when(command).thenThrows(NotFoundError, 'national-faq-1-6');
    });
  });

  describe('when registered', () => {
    it('refuses the same USCC a second time (409)', () => {
      const { reviewDueOn: _, ...data } = registration;
      spec
        .given([registered])
        .when({ type: 'RegisterAgency', on: today, calendar, data })
        .thenThrows(ConflictError, 'national-faq-1-7', 'uscc');
    });

    it('approves or returns the filing once, and a returned filing needs a reason', () => {
      spec
        .given([registered])
        .when({ type: 'ReviewRegistration', on: today, calendar, outcome: 'approved' })
        .then([
          {
            type: 'RegistrationReviewed',
            data: { outcome: 'approved', reason: undefined, reviewedOn: today },
          },
        ]);
      spec
        .given([registered])
        .when({ type: 'ReviewRegistration', on: today, calendar, outcome: 'returned' })
        .thenThrows(RuleViolation, 'beijing-7', 'reason');
      spec
        .given([registered, approved])
        .when({ type: 'ReviewRegistration', on: today, calendar, outcome: 'approved' })
        .thenThrows(RuleViolation, 'beijing-7');
    });
  });

  describe('when a change is filed', () => {
    const change = (changes: object, extra: Partial<AgencyCommand> = {}): AgencyCommand =>
      ({
        type: 'ChangeRegistration',
        on: today,
        calendar,
        changedAt: '2026-02-20',
        changes,
        ...extra,
      }) as AgencyCommand;

    it('takes an address change at once, with no new review', () => {
      spec
        .given([registered, approved])
        .when(change({ addresses: { registered: '北京市海淀区' } }))
        .thenMatches([
          { type: 'RegistrationChanged', data: { needsReview: false, reviewDueOn: null } },
        ]);
    });

    it.each([
      ['category', { category: 'radiation' }],
      ['monitoring type', { monitoringTypes: ['testing', 'automatic-om'] }],
    ])('puts the agency back to review on a change of %s (national-faq-1-8)', (_what, changes) => {
      spec
        .given([registered, approved])
        .when(change(changes))
        .thenMatches([
          { type: 'RegistrationChanged', data: { needsReview: true, reviewDueOn: '2026-03-09' } },
        ]);
    });

    it.each([
      ['name', { name: '北京新环测有限公司' }],
      ['legal representative', { legalRepresentative: { name: '赵强' } }],
    ])(
      'needs a newly signed commitment for a change of %s (national-faq-2-5)',
      (_what, changes) => {
        spec
          .given([registered, approved])
          .when(change(changes))
          .thenThrows(RuleViolation, 'national-faq-2-5', 'commitment');
        spec
          .given([registered, approved])
          .when(change(changes, { commitment: { signedBy: '赵强', signedAt: today } }))
          .thenMatches([{ type: 'RegistrationChanged', data: { needsReview: true } }]);
      },
    );

    it("does not review again when only the legal representative's phone changes", () => {
      spec
        .given([registered, approved])
        .when(change({ legalRepresentative: { name: '王明', phone: sealed('agency:lr2') } }))
        .thenMatches([{ type: 'RegistrationChanged', data: { needsReview: false } }]);
    });

    it('records a change filed more than one month after it happened as a late-filing finding (beijing-6)', () => {
      spec
        .given([registered, approved])
        .when(change({ scope: ['water'] }, { changedAt: '2026-01-31' }))
        .thenMatches([
          { type: 'RegistrationChanged' },
          {
            type: 'ChangeFiledLate',
            data: {
              changedAt: '2026-01-31',
              dueBy: '2026-02-28',
              filedOn: today,
              article: 'beijing-6',
            },
          },
        ]);
    });

    it('is on time on the last day of the month', () => {
      expect(
        decide(
          {
            type: 'ChangeRegistration',
            on: '2026-03-20',
            calendar,
            changedAt: '2026-02-20',
            changes: { scope: ['air'] },
          },
          [registered, approved].reduce(evolve, initialAgencyState),
        ),
      ).toHaveLength(1);
    });

    it('refuses a change that changes nothing, or one dated in the future', () => {
      spec
        .given([registered, approved])
        .when(change({ name: registration.name }))
        .thenThrows(RuleViolation, 'beijing-6', 'changes');
      spec
        .given([registered, approved])
        .when(change({ scope: ['x'] }, { changedAt: '2026-03-03' }))
        .thenThrows(RuleViolation, 'beijing-6', 'changedAt');
    });
  });

  describe('personnel: one person, one agency (national-faq-3)', () => {
    it('takes a person on, and refuses the same person again while engaged', () => {
      spec
        .given([registered, approved])
        .when({ type: 'AddPersonnel', on: today, calendar, data: person('p1', 'h1') })
        .then([joined('p1', 'h1')]);
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when({ type: 'AddPersonnel', on: today, calendar, data: person('p2', 'h1') })
        .thenThrows(ConflictError, 'national-faq-3', 'idNumber');
    });

    it('takes the person on again once the departure is recorded', () => {
      spec
        .given([
          registered,
          approved,
          joined('p1', 'h1'),
          { type: 'PersonnelLeft', data: { personId: 'p1', leftAt: '2026-02-01' } },
        ])
        .when({ type: 'AddPersonnel', on: today, calendar, data: person('p2', 'h1') })
        .then([joined('p2', 'h1')]);
    });

    it('records a departure once, never before joining, and never deletes the person', () => {
      const left: AgencyEvent = {
        type: 'PersonnelLeft',
        data: { personId: 'p1', leftAt: '2026-02-01', proof: '离职证明' },
      };
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when({
          type: 'RecordDeparture',
          on: today,
          calendar,
          personId: 'p1',
          leftAt: '2026-02-01',
          proof: '离职证明',
        })
        .then([left]);
      spec
        .given([registered, approved, joined('p1', 'h1'), left])
        .when({
          type: 'RecordDeparture',
          on: today,
          calendar,
          personId: 'p1',
          leftAt: '2026-02-02',
        })
        .thenThrows(RuleViolation, 'national-faq-3-5');
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when({
          type: 'RecordDeparture',
          on: today,
          calendar,
          personId: 'p1',
          leftAt: '2026-01-01',
        })
        .thenThrows(RuleViolation, 'national-faq-3-5', 'leftAt');
      spec
        .given([registered, approved])
        .when({ type: 'RecordDeparture', on: today, calendar, personId: 'nobody', leftAt: today })
        .thenThrows(NotFoundError, 'national-faq-3-5', 'personId');
    });

    it('moves a technical person to a non-technical post as a status, once (national-faq-3-9)', () => {
      const moved: AgencyEvent = {
        type: 'PersonnelMovedToNonTechnicalPost',
        data: { personId: 'p1', changedAt: today },
      };
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when({
          type: 'MovePersonToNonTechnicalPost',
          on: today,
          calendar,
          personId: 'p1',
          changedAt: today,
        })
        .then([moved]);
      spec
        .given([registered, approved, joined('p1', 'h1'), moved])
        .when({
          type: 'MovePersonToNonTechnicalPost',
          on: today,
          calendar,
          personId: 'p1',
          changedAt: today,
        })
        .thenThrows(RuleViolation, 'national-faq-3-9');
    });
  });

  describe('equipment is scrapped by status, never deleted (national-faq-5-4)', () => {
    const added: AgencyEvent = {
      type: 'EquipmentAdded',
      data: { equipmentId: 'e1', name: '气相色谱仪' },
    };
    it('adds, scraps once, and knows what it has', () => {
      spec
        .given([registered, approved])
        .when({
          type: 'AddEquipment',
          on: today,
          calendar,
          data: { equipmentId: 'e1', name: '气相色谱仪' },
        })
        .then([added]);
      spec
        .given([registered, approved, added])
        .when({ type: 'AddEquipment', on: today, calendar, data: { equipmentId: 'e1', name: 'x' } })
        .thenThrows(ConflictError, 'national-faq-5-4');
      spec
        .given([registered, approved, added])
        .when({ type: 'ScrapEquipment', on: today, calendar, equipmentId: 'e1', scrappedAt: today })
        .then([{ type: 'EquipmentScrapped', data: { equipmentId: 'e1', scrappedAt: today } }]);
      spec
        .given([
          registered,
          approved,
          added,
          { type: 'EquipmentScrapped', data: { equipmentId: 'e1', scrappedAt: today } },
        ])
        .when({ type: 'ScrapEquipment', on: today, calendar, equipmentId: 'e1', scrappedAt: today })
        .thenThrows(RuleViolation, 'national-faq-5-4');
      spec
        .given([registered, approved])
        .when({ type: 'ScrapEquipment', on: today, calendar, equipmentId: 'e9', scrappedAt: today })
        .thenThrows(NotFoundError, 'national-faq-5-4');
    });
  });

  describe('supervision facts', () => {
    it('records inspections, penalties and credit findings as given', () => {
      const inspection = {
        inspectedAt: '2026-02-10',
        method: 'on-site' as const,
        findings: [{ code: 'record-keeping' as const }],
      };
      spec
        .given([registered, approved])
        .when({ type: 'RecordInspection', on: today, calendar, data: inspection })
        .then([{ type: 'InspectionRecorded', data: inspection }]);
      const penalty = {
        decisionNumber: '京环罚〔2026〕1号',
        decidedAt: '2026-02-11',
        violationType: 'false-report' as const,
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
      };
      spec
        .given([registered, approved])
        .when({ type: 'ImposePenalty', on: today, calendar, data: penalty })
        .then([{ type: 'PenaltyImposed', data: penalty }]);
      const finding = {
        kind: 'credit-bad' as const,
        article: 'beijing-9-3',
        decidedAt: '2026-02-12',
      };
      spec
        .given([registered, approved])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: finding })
        .then([{ type: 'CreditFindingRecorded', data: finding }]);
    });
  });

  describe('credit findings that need their jurisdiction or a date of their own', () => {
    const inJiaxing: AgencyEvent = {
      type: 'AgencyRegistered',
      data: { ...registration, jurisdiction: 'jiaxing' },
    };
    const refusal = {
      kind: 'refused-evaluation' as const,
      article: 'jiaxing-11-1',
      decidedAt: '2026-02-20',
    };
    const ban = {
      kind: 'procurement-blacklisted' as const,
      article: 'chongqing-16-2',
      decidedAt: '2026-02-20',
      bannedUntil: '2027-02-19',
    };

    it('records a Jiaxing agency’s refusal to take part in the evaluation (jiaxing-11-1)', () => {
      spec
        .given([inJiaxing, approved])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: refusal })
        .then([{ type: 'CreditFindingRecorded', data: refusal }]);
    });

    it('refuses a refusal to take part for an agency outside Jiaxing (jiaxing-11-1)', () => {
      spec
        .given([registered, approved])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: refusal })
        .thenThrows(RuleViolation, 'jiaxing-11-1', 'kind');
    });

    it('records a procurement blacklisting with the last day of its ban (chongqing-16-2)', () => {
      spec
        .given([registered, approved])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: ban })
        .then([{ type: 'CreditFindingRecorded', data: ban }]);
    });

    it('refuses a blacklisting without a ban end, or one that ends before it was decided', () => {
      const { bannedUntil: _b, ...noEnd } = ban;
      spec
        .given([registered, approved])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: noEnd })
        .thenThrows(InvalidInput, 'chongqing-16-2', 'bannedUntil');
      spec
        .given([registered, approved])
        .when({
          type: 'RecordCreditFinding',
          on: today,
          calendar,
          data: { ...ban, bannedUntil: '2026-02-19' },
        })
        .thenThrows(InvalidInput, 'chongqing-16-2', 'bannedUntil');
    });

    it('refuses a ban end on any other kind of finding', () => {
      spec
        .given([registered, approved])
        .when({
          type: 'RecordCreditFinding',
          on: today,
          calendar,
          data: {
            kind: 'credit-bad',
            article: 'beijing-9-3',
            decidedAt: '2026-02-20',
            bannedUntil: '2027-01-01',
          },
        })
        .thenThrows(InvalidInput, 'chongqing-16-2', 'bannedUntil');
    });
  });

  describe('when deregistered (beijing-24)', () => {
    // Updated to the texts (issue 10, item 3): before, every command was refused here, a
    // penalty decided before the deregistration included. New business stays refused.
    it.each<AgencyCommand>([
      { type: 'Deregister', on: today, calendar, reason: 'voluntary' },
      {
        type: 'ChangeRegistration',
        on: today,
        calendar,
        changedAt: today,
        changes: { scope: ['air'] },
      },
      { type: 'AddPersonnel', on: today, calendar, data: person('p9', 'h9') },
      {
        type: 'AddEquipment',
        on: today,
        calendar,
        data: { equipmentId: 'e9', name: '采样器' },
      },
    ])('accepts no new business: $type', (command) => {
      spec
        .given([registered, approved, deregistered])
        .when(command)
        .thenThrows(RuleViolation, 'beijing-24', 'uscc');
    });

    const penalty = (decidedAt: string) => ({
      decisionNumber: '京环罚〔2026〕7号',
      decidedAt,
      violationType: 'false-report' as const,
      legalBasis: '《生态环境监测条例》',
      content: '罚款',
    });

    it('records a penalty, finding or listing decided before the deregistration, after it: no escape (beijing-24)', () => {
      spec
        .given([registered, approved, deregistered])
        .when({ type: 'ImposePenalty', on: today, calendar, data: penalty('2026-01-20') })
        .then([{ type: 'PenaltyImposed', data: penalty('2026-01-20') }]);
      const listing = {
        kind: 'serious-dishonesty-listed' as const,
        article: 'beijing-9-7',
        decidedAt: '2026-02-01',
      };
      spec
        .given([registered, approved, deregistered])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: listing })
        .then([{ type: 'CreditFindingRecorded', data: listing }]);
      const inspection = {
        inspectedAt: '2026-01-25',
        method: 'record-review' as const,
        findings: [{ code: 'false-report' as const }],
      };
      spec
        .given([registered, approved, deregistered])
        .when({ type: 'RecordInspection', on: today, calendar, data: inspection })
        .then([{ type: 'InspectionRecorded', data: inspection }]);
    });

    it('refuses a penalty, finding or inspection of a day after the deregistration (beijing-24)', () => {
      spec
        .given([registered, approved, deregistered])
        .when({ type: 'ImposePenalty', on: today, calendar, data: penalty('2026-02-02') })
        .thenThrows(RuleViolation, 'beijing-24', 'decidedAt');
      spec
        .given([registered, approved, deregistered])
        .when({
          type: 'RecordCreditFinding',
          on: today,
          calendar,
          data: { kind: 'credit-bad', article: 'beijing-9-3', decidedAt: '2026-02-02' },
        })
        .thenThrows(RuleViolation, 'beijing-24', 'decidedAt');
      spec
        .given([registered, approved, deregistered])
        .when({
          type: 'RecordInspection',
          on: today,
          calendar,
          data: { inspectedAt: '2026-02-02', method: 'on-site', findings: [] },
        })
        .thenThrows(RuleViolation, 'beijing-24', 'inspectedAt');
    });

    it('records a decision after the deregistration that concerns conduct on or before it (beijing-24)', () => {
      const late = { ...penalty('2026-02-20'), conductOn: '2026-01-15' };
      spec
        .given([registered, approved, deregistered])
        .when({ type: 'ImposePenalty', on: today, calendar, data: late })
        .then([{ type: 'PenaltyImposed', data: late }]);
      const listing = {
        kind: 'serious-dishonesty-listed' as const,
        article: 'beijing-9-7',
        decidedAt: '2026-02-25',
        conductOn: '2026-02-01',
      };
      spec
        .given([registered, approved, deregistered])
        .when({ type: 'RecordCreditFinding', on: today, calendar, data: listing })
        .then([{ type: 'CreditFindingRecorded', data: listing }]);
      spec
        .given([registered, approved, deregistered])
        .when({
          type: 'ImposePenalty',
          on: today,
          calendar,
          data: { ...penalty('2026-02-20'), conductOn: '2026-02-02' },
        })
        .thenThrows(RuleViolation, 'beijing-24', 'decidedAt');
    });

    it('refuses conduct dated after the decision on it', () => {
      spec
        .given([registered, approved])
        .when({
          type: 'ImposePenalty',
          on: today,
          calendar,
          data: { ...penalty('2026-02-20'), conductOn: '2026-02-21' },
        })
        .thenThrows(InvalidInput, 'ledger-valid-time', 'conductOn');
    });

    it('deregisters an open agency, whatever its review state', () => {
      spec
        .given([registered])
        .when({ type: 'Deregister', on: today, calendar, reason: 'qualification-lost' })
        .then([
          {
            type: 'AgencyDeregistered',
            data: { reason: 'qualification-lost', deregisteredOn: today },
          },
        ]);
    });

    it('releases the engaged staff with the deregistration, dated that day (national-faq-3-6)', () => {
      spec
        .given([
          registered,
          approved,
          joined('p1', 'h1'),
          joined('p2', 'h2'),
          joined('p3', 'h3'),
          { type: 'PersonnelLeft', data: { personId: 'p2', leftAt: '2026-02-01' } },
          { type: 'PersonnelMovedToNonTechnicalPost', data: { personId: 'p3', changedAt: today } },
        ])
        .when({ type: 'Deregister', on: today, calendar, reason: 'voluntary' })
        .then([
          { type: 'AgencyDeregistered', data: { reason: 'voluntary', deregisteredOn: today } },
          {
            type: 'PersonnelLeft',
            data: { personId: 'p1', leftAt: today, release: { cause: 'agency-deregistered' } },
          },
          {
            type: 'PersonnelLeft',
            data: { personId: 'p3', leftAt: today, release: { cause: 'agency-deregistered' } },
          },
        ]);
    });

    it('still records a departure its deregistration did not (a deregistration recorded before staff were released)', () => {
      spec
        .given([registered, approved, joined('p1', 'h1'), deregistered])
        .when({
          type: 'RecordDeparture',
          on: today,
          calendar,
          personId: 'p1',
          leftAt: '2026-02-01',
        })
        .then([{ type: 'PersonnelLeft', data: { personId: 'p1', leftAt: '2026-02-01' } }]);
    });
  });

  describe('a departure recorded by the hiring agency (national-faq-3-6, §七.3)', () => {
    const HIRING = '91110000MA01ABCD2X';
    const forHire = (extra: Partial<AgencyCommand> = {}): AgencyCommand =>
      ({
        type: 'RecordDepartureForHire',
        on: today,
        calendar,
        idNumberHash: 'h1',
        leftAt: '2026-02-15',
        proof: '离职证明 2026-02-15',
        hiringAgency: HIRING,
        ...extra,
      }) as AgencyCommand;

    it('records the departure on the agency left, with its proof and the hiring agency', () => {
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when(forHire())
        .then([
          {
            type: 'PersonnelLeft',
            data: {
              personId: 'p1',
              leftAt: '2026-02-15',
              proof: '离职证明 2026-02-15',
              release: { cause: 'hired-elsewhere', hiringAgency: HIRING },
            },
          },
        ]);
    });

    it('records it on a deregistered agency too: it ends an engagement', () => {
      spec
        .given([registered, approved, joined('p1', 'h1'), deregistered])
        .when(forHire())
        .thenMatches([{ type: 'PersonnelLeft', data: { personId: 'p1' } }]);
    });

    it('records nothing when the departure is already recorded (a second hiring agency, a retry)', () => {
      spec
        .given([
          registered,
          approved,
          joined('p1', 'h1'),
          { type: 'PersonnelLeft', data: { personId: 'p1', leftAt: '2026-02-01' } },
        ])
        .when(forHire())
        .then([]);
    });

    it('needs the proof, a person on the staff, a date after joining and another agency', () => {
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when(forHire({ proof: '  ' }))
        .thenThrows(RuleViolation, 'national-faq-3-6', 'priorDeparture.proof');
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when(forHire({ idNumberHash: 'h-other' }))
        .thenThrows(NotFoundError, 'national-faq-3-6', 'priorDeparture.uscc');
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when(forHire({ leftAt: '2026-01-01' }))
        .thenThrows(RuleViolation, 'national-faq-3-6', 'priorDeparture.leftAt');
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when(forHire({ hiringAgency: registration.uscc }))
        .thenThrows(RuleViolation, 'national-faq-3-6', 'priorDeparture.uscc');
      spec
        .given([])
        .when(forHire())
        .thenThrows(NotFoundError, 'national-faq-3-6', 'priorDeparture.uscc');
    });

    it('the hire names the agency left; never itself', () => {
      const priorDeparture = { uscc: HIRING, leftAt: '2026-02-15', proof: '离职证明' };
      spec
        .given([registered, approved])
        .when({
          type: 'AddPersonnel',
          on: today,
          calendar,
          data: { ...person('p1', 'h1'), priorDeparture },
        })
        .then([{ type: 'PersonnelJoined', data: { ...person('p1', 'h1'), priorDeparture } }]);
      spec
        .given([registered, approved])
        .when({
          type: 'AddPersonnel',
          on: today,
          calendar,
          data: {
            ...person('p1', 'h1'),
            priorDeparture: { ...priorDeparture, uscc: registration.uscc },
          },
        })
        .thenThrows(RuleViolation, 'national-faq-3-6', 'priorDeparture.uscc');
    });
  });

  describe('a key change of a registered agency under review (national-faq-7-8)', () => {
    const rename: AgencyEvent = {
      type: 'RegistrationChanged',
      data: {
        changes: { name: '北京新环测有限公司', addresses: { registered: '北京市海淀区' } },
        changedAt: '2026-02-20',
        filedOn: '2026-02-25',
        needsReview: true,
        reviewDueOn: '2026-03-04',
        commitment: { signedBy: '王明', signedAt: '2026-02-25' },
      },
    };
    const stateOf = (events: AgencyEvent[]) => events.reduce(evolve, initialAgencyState);

    it('stays registered with its approved data; the key field waits, the others take effect', () => {
      const state = stateOf([registered, approved, rename]);
      expect(state.status).toBe('registered');
      expect(state.registration?.name).toBe(registration.name);
      expect(state.registration?.addresses).toEqual({ registered: '北京市海淀区' });
      expect(state.pendingChange).toEqual({
        changes: { name: '北京新环测有限公司' },
        changedAt: '2026-02-20',
        filedOn: '2026-02-25',
        reviewDueOn: '2026-03-04',
      });
    });

    it('is reviewed like a filing, on or after the day it was filed (beijing-7)', () => {
      spec
        .given([registered, approved, rename])
        .when({ type: 'ReviewRegistration', on: today, calendar, outcome: 'approved' })
        .then([
          {
            type: 'RegistrationReviewed',
            data: { outcome: 'approved', reason: undefined, reviewedOn: today },
          },
        ]);
      spec
        .given([registered, approved, rename])
        .when({ type: 'ReviewRegistration', on: '2026-02-24', calendar, outcome: 'approved' })
        .thenThrows(RuleViolation, 'beijing-7', 'occurredAt');
    });

    it('approval publishes the change', () => {
      const state = stateOf([
        registered,
        approved,
        rename,
        { type: 'RegistrationReviewed', data: { outcome: 'approved', reviewedOn: today } },
      ]);
      expect(state.status).toBe('registered');
      expect(state.registration?.name).toBe('北京新环测有限公司');
      expect(state.pendingChange).toBeUndefined();
    });

    // Updated to the texts (issue 10, item 1): before, a returned change left the rejected
    // name in place, pending review and returned, with no way back.
    it('a return keeps the approved data, closes the change, and nothing is left to review', () => {
      const returned: AgencyEvent = {
        type: 'RegistrationReviewed',
        data: { outcome: 'returned', reason: '名称与营业执照不符', reviewedOn: today },
      };
      const state = stateOf([registered, approved, rename, returned]);
      expect(state.status).toBe('registered');
      expect(state.registration?.name).toBe(registration.name);
      expect(state.pendingChange).toBeUndefined();
      spec
        .given([registered, approved, rename, returned])
        .when({ type: 'ReviewRegistration', on: today, calendar, outcome: 'approved' })
        .thenThrows(RuleViolation, 'beijing-7', 'outcome');
    });

    it('a later change of the same key field replaces the pending one, compared with what was filed', () => {
      spec
        .given([registered, approved, rename])
        .when({
          type: 'ChangeRegistration',
          on: today,
          calendar,
          changedAt: today,
          changes: { name: '北京新环测有限公司' },
        })
        .thenThrows(RuleViolation, 'beijing-6', 'changes');
      const state = stateOf([
        registered,
        approved,
        rename,
        {
          type: 'RegistrationChanged',
          data: {
            changes: { category: 'radiation' },
            changedAt: today,
            filedOn: today,
            needsReview: true,
            reviewDueOn: '2026-03-09',
          },
        },
      ]);
      expect(state.pendingChange).toMatchObject({
        changes: { name: '北京新环测有限公司', category: 'radiation' },
        filedOn: today,
        reviewDueOn: '2026-03-09',
      });
      expect(state.registration?.category).toBe('comprehensive');
    });

    it('a new phone of the legal representative takes effect at once; a new name waits', () => {
      const phone: AgencyEvent = {
        type: 'RegistrationChanged',
        data: {
          changes: { legalRepresentative: { name: '王明', phone: sealed('agency:lr2') } },
          changedAt: today,
          filedOn: today,
          needsReview: false,
          reviewDueOn: null,
        },
      };
      expect(stateOf([registered, approved, phone]).pendingChange).toBeUndefined();
      const newName: AgencyEvent = {
        type: 'RegistrationChanged',
        data: {
          changes: { legalRepresentative: { name: '赵强' } },
          changedAt: today,
          filedOn: today,
          needsReview: true,
          reviewDueOn: '2026-03-09',
        },
      };
      const state = stateOf([registered, approved, newName]);
      expect(state.registration?.legalRepresentative.name).toBe('王明');
      expect(state.pendingChange?.changes.legalRepresentative).toEqual({ name: '赵强' });
    });

    it('before the first approval a change corrects the filing itself, as before', () => {
      const state = stateOf([registered, rename]);
      expect(state.status).toBe('pending-review');
      expect(state.registration?.name).toBe('北京新环测有限公司');
      expect(state.pendingChange).toBeUndefined();
    });

    it('a deregistration drops the change awaiting review', () => {
      expect(stateOf([registered, approved, rename, deregistered]).pendingChange).toBeUndefined();
    });
  });

  describe('one month after a date', () => {
    it.each([
      ['2026-01-15', '2026-02-15'],
      ['2026-01-31', '2026-02-28'],
      ['2024-01-31', '2024-02-29'],
      ['2026-12-10', '2027-01-10'],
    ])('%s → %s', (from, to) => expect(oneMonthAfter(from)).toBe(to));
  });

  describe("valid time: every date is the command's own, never the day it was keyed in", () => {
    const filedOnJan12: AgencyEvent = {
      type: 'AgencyRegistered',
      data: { ...registration, filedOn: '2026-01-12' },
    };

    it('a change filed on time and keyed in months later is not late (beijing-6)', () => {
      spec
        .given([registered, approved])
        .when({
          type: 'ChangeRegistration',
          on: '2026-03-20',
          calendar,
          changedAt: '2026-02-20',
          changes: { scope: ['air'] },
        })
        .thenMatches([{ type: 'RegistrationChanged', data: { filedOn: '2026-03-20' } }]);
    });

    it('a review before the filing it reviews is refused (beijing-7)', () => {
      spec
        .given([filedOnJan12])
        .when({ type: 'ReviewRegistration', on: '2026-01-11', calendar, outcome: 'approved' })
        .thenThrows(RuleViolation, 'beijing-7', 'occurredAt');
    });

    it('a review records its own valid date', () => {
      spec
        .given([filedOnJan12])
        .when({ type: 'ReviewRegistration', on: '2026-01-13', calendar, outcome: 'approved' })
        .then([
          {
            type: 'RegistrationReviewed',
            data: { outcome: 'approved', reason: undefined, reviewedOn: '2026-01-13' },
          },
        ]);
    });

    it('a deregistration before the registration is refused (beijing-24)', () => {
      spec
        .given([filedOnJan12])
        .when({ type: 'Deregister', on: '2026-01-05', calendar, reason: 'voluntary' })
        .thenThrows(RuleViolation, 'beijing-24', 'occurredAt');
    });

    it('a repair decided before it was requested is refused (beijing-20)', () => {
      const requested: AgencyEvent = {
        type: 'CreditRepairRequested',
        data: {
          repairId: 'r1',
          recordEventId: 'e1',
          recordType: 'PenaltyImposed',
          reason: 'corrected',
          requestedOn: '2026-06-01',
        },
      };
      spec
        .given([registered, approved, requested])
        .when({
          type: 'DecideCreditRepair',
          on: '2026-05-31',
          calendar,
          repairId: 'r1',
          outcome: 'approved',
        })
        .thenThrows(RuleViolation, 'beijing-20', 'occurredAt');
      spec
        .given([registered, approved, requested])
        .when({
          type: 'DecideCreditRepair',
          on: '2026-06-10',
          calendar,
          repairId: 'r1',
          outcome: 'approved',
        })
        .thenMatches([{ type: 'CreditRepairDecided', data: { decidedOn: '2026-06-10' } }]);
    });

    it('scraps on the valid date when no date is given', () => {
      const added: AgencyEvent = { type: 'EquipmentAdded', data: { equipmentId: 'e1', name: 'x' } };
      spec
        .given([registered, approved, added])
        .when({ type: 'ScrapEquipment', on: '2026-04-01', calendar, equipmentId: 'e1' })
        .then([
          { type: 'EquipmentScrapped', data: { equipmentId: 'e1', scrappedAt: '2026-04-01' } },
        ]);
    });

    it.each<[AgencyCommand, string]>([
      [
        {
          type: 'RecordInspection',
          on: today,
          calendar,
          data: { inspectedAt: '2026-03-03', method: 'on-site', findings: [] },
        },
        'inspectedAt',
      ],
      [
        {
          type: 'ImposePenalty',
          on: today,
          calendar,
          data: {
            decisionNumber: 'x',
            decidedAt: '2026-03-03',
            violationType: 'other',
            legalBasis: 'x',
            content: 'x',
          },
        },
        'decidedAt',
      ],
      [
        { type: 'RecordDeparture', on: today, calendar, personId: 'p1', leftAt: '2026-03-03' },
        'leftAt',
      ],
    ])('a date in the data after the valid time contradicts it: %# (%s, 400)', (command, field) => {
      spec
        .given([registered, approved, joined('p1', 'h1')])
        .when(command)
        .thenThrows(InvalidInput, 'ledger-valid-time', field);
    });

    it('a registration whose review falls in a year with no calendar is accepted, naming the year', () => {
      const { reviewDueOn: _, ...data } = registration;
      spec
        .given([])
        .when({ type: 'RegisterAgency', on: '2026-12-28', calendar, data })
        .thenMatches([
          { type: 'AgencyRegistered', data: { reviewDueOn: null, calendarMissing: 2027 } },
        ]);
    });
  });
});

describe('penalty fulfilment (seed 001 Art. 16(5)–(6))', () => {
  const penalty = {
    decisionNumber: '渝环罚〔2026〕9号',
    decidedAt: '2026-02-10',
    violationType: 'other' as const,
    legalBasis: 'law',
    content: 'fine',
    dueBy: '2026-02-25',
  };
  const imposed: AgencyEvent = { type: 'PenaltyImposed', data: penalty };
  const fulfil = (extra: Partial<Extract<AgencyCommand, { type: 'RecordPenaltyFulfilment' }>>) =>
    ({
      type: 'RecordPenaltyFulfilment',
      on: today,
      calendar,
      penaltyEventId: 'pen-1',
      penalty,
      ...extra,
    }) as AgencyCommand;

  it('records a penalty with its deadline; a deadline before the decision is 400 dueBy', () => {
    spec
      .given([registered, approved])
      .when({ type: 'ImposePenalty', on: today, calendar, data: penalty })
      .then([imposed]);
    spec
      .given([registered, approved])
      .when({
        type: 'ImposePenalty',
        on: today,
        calendar,
        data: { ...penalty, dueBy: '2026-02-09' },
      })
      .thenThrows(InvalidInput, 'ledger-valid-time', 'dueBy');
  });

  it('records the fulfilment on the day given, or on the valid date', () => {
    spec
      .given([registered, approved, imposed])
      .when(fulfil({ fulfilledOn: '2026-02-20' }))
      .then([
        { type: 'PenaltyFulfilled', data: { penaltyEventId: 'pen-1', fulfilledOn: '2026-02-20' } },
      ]);
    spec
      .given([registered, approved, imposed])
      .when(fulfil({}))
      .then([{ type: 'PenaltyFulfilled', data: { penaltyEventId: 'pen-1', fulfilledOn: today } }]);
  });

  it('refuses an unknown penalty (404), a second fulfilment (422), a day before the decision (422) or after the valid time (400)', () => {
    spec
      .given([registered, approved])
      .when(fulfil({ penalty: undefined }))
      .thenThrows(NotFoundError, 'chongqing-16-6', 'penaltyEventId');
    spec
      .given([
        registered,
        approved,
        imposed,
        { type: 'PenaltyFulfilled', data: { penaltyEventId: 'pen-1', fulfilledOn: '2026-02-20' } },
      ])
      .when(fulfil({}))
      .thenThrows(RuleViolation, 'chongqing-16-6', 'penaltyEventId');
    spec
      .given([registered, approved, imposed])
      .when(fulfil({ fulfilledOn: '2026-02-09' }))
      .thenThrows(RuleViolation, 'chongqing-16-6', 'fulfilledOn');
    spec
      .given([registered, approved, imposed])
      .when(fulfil({ fulfilledOn: '2026-03-03' }))
      .thenThrows(InvalidInput, 'ledger-valid-time', 'fulfilledOn');
  });
});

describe('credit repair inside the display period (NDRC Order No. 58, Art. 10)', () => {
  const record = {
    decisionNumber: '京环罚〔2026〕5号',
    decidedAt: '2026-03-01',
    violationType: 'other',
    legalBasis: 'law',
    content: '警告',
  };
  const repair = (on: string, recordData: Record<string, unknown> = record): AgencyCommand => ({
    type: 'RequestCreditRepair',
    on,
    calendar,
    repairId: 'r1',
    recordEventId: 'pen-1',
    recordType: 'PenaltyImposed',
    recordData,
    reason: '已整改',
  });

  it('refuses a repair before the minimum period has run, naming the first day it may be made', () => {
    spec
      .given([registered, approved])
      .when(repair('2026-05-31'))
      .thenThrows(RuleViolation, 'ndrc-58-10', 'recordEventId');
  });

  it('accepts it from that day, and refuses it once display has ended by itself', () => {
    spec
      .given([registered, approved])
      .when(repair('2026-06-01'))
      .then([
        {
          type: 'CreditRepairRequested',
          data: {
            repairId: 'r1',
            recordEventId: 'pen-1',
            recordType: 'PenaltyImposed',
            reason: '已整改',
            requestedOn: '2026-06-01',
          },
        },
      ]);
    spec
      .given([registered, approved])
      .when(repair('2027-03-01'))
      .thenThrows(RuleViolation, 'ndrc-58-10', 'recordEventId');
  });

  it('waits a year for serious dishonesty (a fraud penalty)', () => {
    spec
      .given([registered, approved])
      .when(repair('2027-02-28', { ...record, violationType: 'data-fraud' }))
      .thenThrows(RuleViolation, 'ndrc-58-10', 'recordEventId');
  });
});

describe('one decision, one record (行政处罚决定书文号)', () => {
  const penalty = {
    decisionNumber: '京环罚〔2026〕8号',
    decidedAt: '2026-02-10',
    violationType: 'other' as const,
    legalBasis: 'law',
    content: '警告',
  };

  it('refuses a second penalty with a decision number already recorded on the agency (409)', () => {
    spec
      .given([registered, approved, { type: 'PenaltyImposed', data: penalty }])
      .when({
        type: 'ImposePenalty',
        on: today,
        calendar,
        data: { ...penalty, decisionNumber: ' 京环罚〔2026〕8号 ', content: '罚款' },
      })
      .thenThrows(ConflictError, 'shuanggongshi-decision-number', 'decisionNumber');
  });

  it('claims the number in the jurisdiction, so another agency cannot record it too', () => {
    const state = [registered, approved].reduce(evolve, initialAgencyState);
    expect(
      personReservations('91110000802100433B', [{ type: 'PenaltyImposed', data: penalty }], state)
        .claim,
    ).toEqual([
      {
        scope: 'penalty-decision',
        key: 'beijing:京环罚〔2026〕8号',
        holder: { uscc: '91110000802100433B' },
      },
    ]);
  });
});
