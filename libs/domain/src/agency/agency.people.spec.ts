import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { InvalidInput, RuleViolation } from '../shared/errors';
import type { PersonBan } from '../person/person-credit';
import { decide, type AgencyCommand } from './agency.decide';
import { evolve, initialAgencyState } from './agency';
import type {
  AgencyEvent,
  AgencyRegistered,
  PersonnelJoined,
  ResponsiblePerson,
} from './agency.events';

/**
 * People's credit as the agency decider applies it (seed 000 Art. 9(2), 10; seed 001 Art.
 * 20(二)–(三); ADR 020): a hire is judged on the person's bans on the hire's date, which the
 * command brings from the person's stream.
 */
const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const calendar = BUILT_IN_CALENDAR;
const sealed = (kind: 'resident-id' | 'person-name') => ({
  $pii: { subject: 'person:h1', kind, iv: 'iv', ct: 'ct', tag: 'tag' },
});

const registration = (jurisdiction: AgencyRegistered['data']['jurisdiction']): AgencyEvent => ({
  type: 'AgencyRegistered',
  data: {
    uscc: '91500103000000027D',
    jurisdiction,
    name: '环测科技有限公司',
    category: 'comprehensive',
    serviceTypes: ['self-monitoring'],
    legalRepresentative: { name: '王明' },
    commitment: { signedBy: '王明', signedAt: '2023-02-01' },
    codeVerified: true,
    filedOn: '2023-02-01',
    reviewDueOn: '2023-02-08',
  },
});
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2023-02-03' },
};
const person = (joinedAt: string, technical = true): PersonnelJoined['data'] => ({
  personId: '00000000-0000-4000-8000-000000000001',
  idNumberHash: 'h1',
  idNumber: sealed('resident-id'),
  name: '李四',
  role: 'report-review',
  technical,
  joinedAt,
});
const hire = (
  joinedAt: string,
  bans: PersonBan[],
  technical = true,
): Extract<AgencyCommand, { type: 'AddPersonnel' }> => ({
  type: 'AddPersonnel',
  on: '2026-11-01',
  calendar,
  data: person(joinedAt, technical),
  bans,
});
/** Involved in a Chongqing agency's E of 2023-06-01: barred until 2025-06-01 (Art. 20(二)). */
const bar: PersonBan = {
  kind: 'directory-bar',
  from: '2023-06-01',
  to: '2025-06-01',
  article: 'chongqing-20-2',
  recordEventId: 'pen-e',
};
/** Penalised for data fraud on 2026-03-02, banned from practising through 2031-03-01. */
const fraudBan: PersonBan = {
  kind: 'practice-ban',
  from: '2026-03-02',
  to: '2031-03-02',
  article: 'penalty-ban',
  recordEventId: 'pen-fraud',
  violationType: 'data-fraud',
};

describe('hiring a person with bans (ADR 020)', () => {
  describe('when a Chongqing agency hires a person barred with an agency graded E', () => {
    const given = [registration('chongqing'), approved];

    it('refuses a hire inside the bar (chongqing-20-2)', () => {
      spec
        .given(given)
        .when(hire('2024-03-01', [bar]))
        .thenThrows(RuleViolation, 'chongqing-20-2', 'idNumber');
    });

    it('cites chongqing-20-3 for a bar after the agency’s second E', () => {
      spec
        .given(given)
        .when(hire('2024-03-01', [{ ...bar, to: '2028-06-01', article: 'chongqing-20-3' }]))
        .thenThrows(RuleViolation, 'chongqing-20-3', 'idNumber');
    });

    it('takes a hire dated before the bar starts: valid time, not the day it is keyed in', () => {
      spec
        .given(given)
        .when(hire('2023-05-31', [bar]))
        .then([{ type: 'PersonnelJoined', data: person('2023-05-31') }]);
    });

    it('takes a hire from the day the bar has run', () => {
      spec
        .given(given)
        .when(hire('2025-06-01', [bar]))
        .then([{ type: 'PersonnelJoined', data: person('2025-06-01') }]);
    });

    it('does not refuse for a ban from practising: Chongqing’s text bars only the persons of an E', () => {
      spec
        .given(given)
        .when(hire('2026-04-01', [fraudBan]))
        .then([{ type: 'PersonnelJoined', data: person('2026-04-01') }]);
    });
  });

  describe('when a Beijing agency hires a person banned from practising after a fraud penalty', () => {
    const given = [registration('beijing'), approved];

    it('takes the hire and records the credit-bad situation from its date (beijing-9-2)', () => {
      spec
        .given(given)
        .when(hire('2026-04-01', [fraudBan]))
        .then([
          { type: 'PersonnelJoined', data: person('2026-04-01') },
          {
            type: 'CreditFindingRecorded',
            data: {
              kind: 'credit-bad',
              article: 'beijing-9-2',
              decidedAt: '2026-04-01',
              description:
                'hired a technical person penalised for data-fraud and banned from practising until 2031-03-01 (违规聘用尚在禁止从业期限内的技术人员)',
              hire: {
                personId: '00000000-0000-4000-8000-000000000001',
                idNumberHash: 'h1',
                bannedBy: 'pen-fraud',
                bannedUntil: '2031-03-01',
              },
            },
          },
        ]);
    });

    it('records nothing more for a hire before the ban began', () => {
      spec
        .given(given)
        .when(hire('2026-03-01', [fraudBan]))
        .then([{ type: 'PersonnelJoined', data: person('2026-03-01') }]);
    });

    it('records nothing more for a non-technical post (Art. 9(2) names 技术人员)', () => {
      spec
        .given(given)
        .when(hire('2026-04-01', [fraudBan], false))
        .then([{ type: 'PersonnelJoined', data: person('2026-04-01', false) }]);
    });

    it('records nothing more for a ban after a penalty for something else than fraud or a false report', () => {
      spec
        .given(given)
        .when(hire('2026-04-01', [{ ...fraudBan, violationType: 'refused-inspection' }]))
        .then([{ type: 'PersonnelJoined', data: person('2026-04-01') }]);
    });
  });
});

describe('persons named responsible (seed 000 Art. 10)', () => {
  const named = (bannedUntil?: string): ResponsiblePerson => ({
    idNumberHash: 'h1',
    idNumber: sealed('resident-id'),
    name: sealed('person-name'),
    ...(bannedUntil && { bannedUntil }),
  });
  const penalty = (persons: ResponsiblePerson[]): AgencyCommand => ({
    type: 'ImposePenalty',
    on: '2026-03-02',
    calendar,
    data: {
      decisionNumber: '京环罚〔2026〕41号',
      decidedAt: '2026-03-02',
      violationType: 'data-fraud',
      legalBasis: '《生态环境监测条例》',
      content: '罚款',
      responsiblePersons: persons,
    },
  });
  const given = [registration('beijing'), approved];

  it('records a penalty naming a person with a ban from practising', () => {
    const events = decide(penalty([named('2031-03-01')]), given.reduce(evolve, initialAgencyState));
    expect(events).toMatchObject([
      {
        type: 'PenaltyImposed',
        data: { responsiblePersons: [{ idNumberHash: 'h1', bannedUntil: '2031-03-01' }] },
      },
    ]);
  });

  it('refuses a ban that ends before its decision', () => {
    spec
      .given(given)
      .when(penalty([named('2026-03-01')]))
      .thenThrows(InvalidInput, 'beijing-9-2', 'responsiblePersons.0.bannedUntil');
  });

  it('refuses the same person named twice', () => {
    spec
      .given(given)
      .when(penalty([named(), named()]))
      .thenThrows(InvalidInput, 'beijing-10', 'responsiblePersons.1.idNumber');
  });

  it('refuses a ban on a credit finding: a penalty imposes it', () => {
    spec
      .given(given)
      .when({
        type: 'RecordCreditFinding',
        on: '2026-03-02',
        calendar,
        data: {
          kind: 'credit-bad',
          article: 'beijing-9-6',
          decidedAt: '2026-03-02',
          responsiblePersons: [named('2027-03-01')],
        },
      })
      .thenThrows(InvalidInput, 'beijing-9-2', 'responsiblePersons.0.bannedUntil');
  });

  it('records an inspection naming a person, and refuses a ban on it: a penalty imposes one', () => {
    const inspection = (persons: ResponsiblePerson[]): AgencyCommand => ({
      type: 'RecordInspection',
      on: '2026-05-06',
      calendar,
      data: {
        inspectedAt: '2026-05-06',
        method: 'on-site',
        findings: [{ code: 'refused-rectification' }],
        responsiblePersons: persons,
      },
    });
    expect(decide(inspection([named()]), given.reduce(evolve, initialAgencyState))).toMatchObject([
      { type: 'InspectionRecorded', data: { responsiblePersons: [{ idNumberHash: 'h1' }] } },
    ]);
    spec
      .given(given)
      .when(inspection([named('2027-05-06')]))
      .thenThrows(InvalidInput, 'beijing-9-2', 'responsiblePersons.0.bannedUntil');
  });
});
