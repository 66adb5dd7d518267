import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { NotFoundError, RuleViolation } from '../shared/errors';
import { decide, type AgencyCommand } from './agency.decide';
import { evolve, foldAgency, initialAgencyState } from './agency';
import type { AgencyEvent, AgencyRegistered, InspectionRecorded } from './agency.events';

/**
 * 报备 across jurisdictions (seed 000 Art. 4 ¶2, seed 002 §一.7; ADR 016): an agency registered
 * in Beijing reports to Chongqing by its USCC, without filing again, and Chongqing's regulator
 * records its supervision facts there, each saying it was Chongqing's.
 */
const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const calendar = BUILT_IN_CALENDAR;

const registration: AgencyRegistered['data'] = {
  uscc: '91110000802100433B',
  jurisdiction: 'beijing',
  name: '北京环测科技有限公司',
  category: 'comprehensive',
  serviceTypes: ['self-monitoring'],
  legalRepresentative: { name: '王明' },
  commitment: { signedBy: '王明', signedAt: '2026-01-05' },
  codeVerified: true,
  reviewDueOn: '2026-01-12',
  filedOn: '2026-01-05',
};
const registered: AgencyEvent = { type: 'AgencyRegistered', data: registration };
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2026-01-08' },
};
const reported: AgencyEvent = {
  type: 'AgencyReported',
  data: { jurisdiction: 'chongqing', reportedOn: '2026-03-02' },
};
const report = (jurisdiction: 'beijing' | 'chongqing', on = '2026-03-02'): AgencyCommand => ({
  type: 'ReportToJurisdiction',
  jurisdiction,
  on,
  calendar,
});
const chongqingInspection: InspectionRecorded['data'] = {
  inspectedAt: '2026-04-10',
  method: 'on-site',
  findings: [{ code: 'record-keeping' }],
  recordingJurisdiction: 'chongqing',
};
const inspect = (data: InspectionRecorded['data'], on = '2026-04-10'): AgencyCommand => ({
  type: 'RecordInspection',
  data,
  on,
  calendar,
});

describe('reports across jurisdictions (报备, national-faq-1-7; seed 000 Art. 4 ¶2)', () => {
  it('records a Beijing agency reporting to Chongqing on the day of the report', () => {
    spec
      .given([registered, approved])
      .when(report('chongqing'))
      .then([
        { type: 'AgencyReported', data: { jurisdiction: 'chongqing', reportedOn: '2026-03-02' } },
      ]);
  });

  it('keeps the report in the state: the host and the day', () => {
    expect(foldAgency([registered, approved, reported]).reports).toEqual(
      new Map([['chongqing', '2026-03-02']]),
    );
  });

  it('refuses a report to the home jurisdiction (national-faq-1-7, naming jurisdiction)', () => {
    spec
      .given([registered, approved])
      .when(report('beijing'))
      .thenThrows(RuleViolation, 'national-faq-1-7', 'jurisdiction');
  });

  it('records nothing for a second report to the same host: the first report stands', () => {
    spec.given([registered, approved, reported]).when(report('chongqing', '2026-05-01')).then([]);
  });

  it('answers 404 for a USCC no one registered (national-faq-1-7)', () => {
    spec.given([]).when(report('chongqing')).thenThrows(NotFoundError, 'national-faq-1-7', 'uscc');
  });

  it('refuses a report by a deregistered agency (national-faq-1-7)', () => {
    spec
      .given([
        registered,
        approved,
        { type: 'AgencyDeregistered', data: { reason: 'voluntary', deregisteredOn: '2026-02-01' } },
      ])
      .when(report('chongqing'))
      .thenThrows(RuleViolation, 'national-faq-1-7', 'uscc');
  });

  it('refuses a report while the registration is still under formal review (national-faq-1-7)', () => {
    spec
      .given([registered])
      .when(report('chongqing'))
      .thenThrows(RuleViolation, 'national-faq-1-7', 'uscc');
  });

  it('refuses a report dated before the registration (national-faq-1-7)', () => {
    spec
      .given([registered, approved])
      .when(report('chongqing', '2026-01-04'))
      .thenThrows(RuleViolation, 'national-faq-1-7', 'occurredAt');
  });

  it('records a Chongqing inspection of an agency that reported to Chongqing, saying so', () => {
    spec
      .given([registered, approved, reported])
      .when(inspect(chongqingInspection))
      .then([{ type: 'InspectionRecorded', data: chongqingInspection }]);
  });

  it('refuses a Chongqing inspection of an agency that has not reported to Chongqing (national-faq-1-7)', () => {
    spec
      .given([registered, approved])
      .when(inspect(chongqingInspection))
      .thenThrows(RuleViolation, 'national-faq-1-7', 'uscc');
  });

  it('refuses a Chongqing inspection made before the report (national-faq-1-7)', () => {
    spec
      .given([registered, approved, reported])
      .when(inspect({ ...chongqingInspection, inspectedAt: '2026-03-01' }))
      .thenThrows(RuleViolation, 'national-faq-1-7', 'inspectedAt');
  });

  it('records a Chongqing penalty and a Chongqing finding of an agency that reported there', () => {
    const penalty = {
      decisionNumber: '渝环罚〔2026〕7号',
      decidedAt: '2026-04-12',
      violationType: 'untrue-report' as const,
      legalBasis: '《生态环境监测条例》',
      content: '罚款',
      recordingJurisdiction: 'chongqing' as const,
    };
    spec
      .given([registered, approved, reported])
      .when({ type: 'ImposePenalty', data: penalty, on: '2026-04-12', calendar })
      .then([{ type: 'PenaltyImposed', data: penalty }]);
    const finding = {
      kind: 'credit-bad' as const,
      article: 'chongqing-16',
      decidedAt: '2026-04-12',
      recordingJurisdiction: 'chongqing' as const,
    };
    spec
      .given([registered, approved, reported])
      .when({ type: 'RecordCreditFinding', data: finding, on: '2026-04-12', calendar })
      .then([{ type: 'CreditFindingRecorded', data: finding }]);
    spec
      .given([registered, approved])
      .when({ type: 'ImposePenalty', data: penalty, on: '2026-04-12', calendar })
      .thenThrows(RuleViolation, 'national-faq-1-7', 'uscc');
  });

  it('records the home regulator as before: no recording jurisdiction, no report needed', () => {
    const { recordingJurisdiction: _, ...home } = chongqingInspection;
    spec
      .given([registered, approved])
      .when(inspect(home))
      .then([{ type: 'InspectionRecorded', data: home }]);
  });
});
