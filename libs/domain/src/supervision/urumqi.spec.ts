import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { InvalidInput, RuleViolation } from '../shared/errors';
import { decide, type AgencyCommand } from '../agency/agency.decide';
import { evolve, initialAgencyState } from '../agency/agency';
import { FINDING_ITEMS, type AgencyEvent, type AgencyRegistered } from '../agency/agency.events';
import { decideCycle, initialCycleState } from '../grading/cycle';
import {
  cmaStatusOn,
  gradesNoOne,
  supervisionRulesFor,
  supervisionRulesInForce,
  urumqi2025,
} from './supervision-rules';

const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const calendar = BUILT_IN_CALENDAR;
const on = '2026-03-02';

const cma = {
  number: '230012345678',
  issuer: '新疆维吾尔自治区市场监督管理局',
  validFrom: '2024-06-01',
  validUntil: '2026-05-31',
};
const filing: Omit<AgencyRegistered['data'], 'reviewDueOn'> = {
  uscc: '91650102MA77000018',
  jurisdiction: 'urumqi',
  name: '乌鲁木齐环测检测有限公司',
  category: 'comprehensive',
  serviceTypes: ['public-monitoring'],
  monitoringTypes: ['testing'],
  legalRepresentative: { name: '艾力' },
  commitment: { signedBy: '艾力', signedAt: '2026-01-05' },
  cmaCertificate: cma,
  codeVerified: true,
};
const registered: AgencyEvent = {
  type: 'AgencyRegistered',
  data: { ...filing, reviewDueOn: '2026-01-19' },
};
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2026-01-13' },
};
const beijing: AgencyEvent = {
  type: 'AgencyRegistered',
  data: { ...filing, jurisdiction: 'beijing', reviewDueOn: '2026-01-19' },
};
const register = (data: Partial<typeof filing>, at = on): AgencyCommand => ({
  type: 'RegisterAgency',
  on: at,
  calendar,
  data: { ...filing, ...data },
});
const inspection = (findings: { code: string; item?: string }[], inspectedAt = on): AgencyCommand =>
  ({
    type: 'RecordInspection',
    on,
    calendar,
    data: { inspectedAt, method: 'on-site', findings, businessType: 'commissioned' },
  }) as AgencyCommand;
const revoked: AgencyEvent = {
  type: 'CmaQualificationRevoked',
  data: { revokedOn: '2026-04-01', decisionNumber: '新市监撤〔2026〕1号' },
};

describe('Urumqi (seed 004): supervision without grades', () => {
  describe('the rules in force (Art. 21: from 2025-03-01, valid 2 years)', () => {
    it.each([
      ['2025-02-28', undefined],
      ['2025-03-01', 'urumqi-2025'],
      ['2027-02-28', 'urumqi-2025'],
      ['2027-03-01', undefined],
    ])('on %s: %s', (date, id) => {
      expect(supervisionRulesInForce('urumqi', date)?.id).toBe(id);
    });

    it('refuses a decision under the rules outside their validity (422 policy-in-force)', () => {
      expect(() => supervisionRulesFor('urumqi', '2027-03-01', 'inspectedAt')).toThrow(
        expect.objectContaining({
          article: 'policy-in-force',
          status: 422,
          field: 'inspectedAt',
        }) as Error,
      );
    });

    it('grades no one in Urumqi, and grades elsewhere', () => {
      expect(gradesNoOne('urumqi')).toMatchObject({ article: 'urumqi-supervision-only' });
      expect(gradesNoOne('beijing')).toBeUndefined();
    });
  });

  describe('finding items of Art. 7–14, under the existing codes as parents', () => {
    it('lists every item of Art. 7 (4), 8 (4), 9 (7), 10, 11 (4), 12 (5), 13 and 14', () => {
      expect(Object.keys(urumqi2025.findingItems).sort()).toEqual([...FINDING_ITEMS].sort());
      expect(FINDING_ITEMS).toHaveLength(27);
      expect(urumqi2025.findingItems['urumqi-11-2']).toBe('untrue-report');
      expect(urumqi2025.findingItems['urumqi-12-5']).toBe('false-report');
      expect(urumqi2025.findingItems['urumqi-13']).toBe('refused-inspection');
    });

    it('records an inspection with an Art. 11 item under untrue-report', () => {
      spec
        .given([registered, approved])
        .when(inspection([{ code: 'untrue-report', item: 'urumqi-11-2' }]))
        .thenMatches([
          {
            type: 'InspectionRecorded',
            data: {
              findings: [{ code: 'untrue-report', item: 'urumqi-11-2' }],
              businessType: 'commissioned',
            },
          },
        ]);
    });

    it('refuses an item under another parent code (400 naming the finding)', () => {
      spec
        .given([registered, approved])
        .when(inspection([{ code: 'other' }, { code: 'sample-management', item: 'urumqi-11-2' }]))
        .thenThrows(InvalidInput, 'urumqi-11', 'findings.1.item');
    });

    it('refuses an Urumqi item on an agency supervised elsewhere (urumqi-2)', () => {
      spec
        .given([beijing])
        .when(inspection([{ code: 'untrue-report', item: 'urumqi-11-1' }]))
        .thenThrows(RuleViolation, 'urumqi-2', 'findings.0.item');
    });

    it('refuses an item for an inspection before the rules took effect (policy-in-force)', () => {
      spec
        .given([registered, approved])
        .when(inspection([{ code: 'false-report', item: 'urumqi-12-1' }], '2025-02-28'))
        .thenThrows(RuleViolation, 'policy-in-force', 'findings.0.item');
    });

    it('takes generic codes on any date', () => {
      spec
        .given([registered, approved])
        .when(inspection([{ code: 'false-report' }], '2025-02-28'))
        .thenMatches([{ type: 'InspectionRecorded' }]);
    });
  });

  describe('no grading', () => {
    it('refuses an assessment score for an Urumqi agency (422 urumqi-supervision-only)', () => {
      spec
        .given([registered, approved])
        .when({
          type: 'RecordAssessment',
          on,
          calendar,
          data: { year: 2025, score: 90, noBusiness: false },
        })
        .thenThrows(RuleViolation, 'urumqi-supervision-only');
    });

    it('refuses a grading cycle for Urumqi (422 urumqi-supervision-only)', () => {
      expect(() =>
        decideCycle(
          {
            type: 'StartGradingCycle',
            cycleId: 'urumqi-2025',
            jurisdiction: 'urumqi',
            year: 2025,
            on,
            calendar,
            candidates: [],
          },
          initialCycleState,
        ),
      ).toThrow(
        expect.objectContaining({
          article: 'urumqi-supervision-only',
          field: 'jurisdiction',
        }) as Error,
      );
    });
  });

  describe('Art. 5(3): a testing agency holds a CMA certificate valid on the day', () => {
    it('registers with a certificate valid on the filing date', () => {
      spec
        .given([])
        .when(register({}))
        .thenMatches([{ type: 'AgencyRegistered', data: { cmaCertificate: cma } }]);
    });

    it.each([
      ['without a certificate', { cmaCertificate: undefined }, 'cmaCertificate.number'],
      [
        'without its issuer',
        { cmaCertificate: { ...cma, issuer: undefined } },
        'cmaCertificate.issuer',
      ],
      [
        'lapsed on the filing date',
        { cmaCertificate: { ...cma, validUntil: '2026-03-01' } },
        'cmaCertificate.validUntil',
      ],
      [
        'not yet valid',
        { cmaCertificate: { ...cma, validFrom: '2026-03-03' } },
        'cmaCertificate.validUntil',
      ],
    ])('refuses a testing agency %s (urumqi-5-3)', (_, data, field) => {
      spec.given([]).when(register(data)).thenThrows(RuleViolation, 'urumqi-5-3', field);
    });

    it('does not ask it of an O&M-only agency, nor outside Urumqi', () => {
      spec
        .given([])
        .when(register({ monitoringTypes: ['automatic-om'], cmaCertificate: undefined }))
        .thenMatches([{ type: 'AgencyRegistered' }]);
      spec
        .given([])
        .when(register({ jurisdiction: 'beijing', cmaCertificate: undefined }))
        .thenMatches([{ type: 'AgencyRegistered' }]);
    });

    it('does not ask it of a filing made while the rules are not in force (Art. 21)', () => {
      spec
        .given([])
        .when(register({ cmaCertificate: undefined }, '2027-03-01'))
        .thenMatches([{ type: 'AgencyRegistered' }]);
    });

    it('refuses a certificate that ends before it starts (400)', () => {
      spec
        .given([])
        .when(register({ cmaCertificate: { ...cma, validFrom: '2027-01-01' } }))
        .thenThrows(InvalidInput, 'beijing-2', 'cmaCertificate.validFrom');
    });
  });

  describe('the written commitment (seed 000 Annex 2, seed 002 §六.1)', () => {
    const text = '本机构承诺：遵守国家法律法规……对出具的监测数据负责。';

    it('records its text and version with the signature', () => {
      spec
        .given([])
        .when(
          register({
            commitment: { signedBy: '艾力', signedAt: '2026-01-05', version: 'annex-2-2026', text },
          }),
        )
        .thenMatches([
          {
            type: 'AgencyRegistered',
            data: { commitment: { version: 'annex-2-2026', text } },
          },
        ]);
    });

    it.each([
      [{ text }, 'commitment.version'],
      [{ version: 'annex-2-2026' }, 'commitment.text'],
    ])('takes text and version together, or neither (400 naming %#)', (extra, field) => {
      spec
        .given([])
        .when(register({ commitment: { signedBy: '艾力', signedAt: '2026-01-05', ...extra } }))
        .thenThrows(InvalidInput, 'national-faq-6-1', field);
    });
  });

  describe('Art. 16 ¶2 and seed 002 §一.10: the qualification lost, the authority deregisters', () => {
    const revoke: AgencyCommand = {
      type: 'RecordCmaRevocation',
      on: '2026-04-02',
      calendar,
      data: { revokedOn: '2026-04-01', decisionNumber: '新市监撤〔2026〕1号' },
    };
    const deregister = (at: string, basis = 'CMA 230012345678'): AgencyCommand => ({
      type: 'DeregisterByAuthority',
      on: at,
      calendar,
      reason: 'qualification-lost',
      basis,
    });

    it('records the revocation once (urumqi-16)', () => {
      spec.given([registered, approved]).when(revoke).then([revoked]);
      spec
        .given([registered, approved, revoked])
        .when(revoke)
        .thenThrows(RuleViolation, 'urumqi-16', 'revokedOn');
    });

    it('refuses a revocation where no certificate is recorded', () => {
      const withoutCma: AgencyEvent = {
        type: 'AgencyRegistered',
        data: {
          ...filing,
          monitoringTypes: ['automatic-om'],
          cmaCertificate: undefined,
          reviewDueOn: null,
        },
      };
      spec.given([withoutCma]).when(revoke).thenThrows(RuleViolation, 'urumqi-16', 'uscc');
    });

    it('refuses to deregister for a lost qualification while the certificate is valid (national-faq-1-10)', () => {
      spec
        .given([registered, approved])
        .when(deregister('2026-05-31'))
        .thenThrows(RuleViolation, 'national-faq-1-10', 'reason');
    });

    it('deregisters once the certificate lapsed, citing the item and the basis', () => {
      spec
        .given([registered, approved])
        .when(deregister('2026-06-01'))
        .thenMatches([
          {
            type: 'AgencyDeregistered',
            data: {
              reason: 'qualification-lost',
              deregisteredOn: '2026-06-01',
              byAuthority: { article: 'national-faq-1-10', basis: 'CMA 230012345678' },
            },
          },
        ]);
    });

    it('deregisters from the revocation on, not before', () => {
      spec
        .given([registered, approved, revoked])
        .when(deregister('2026-04-01'))
        .thenMatches([{ type: 'AgencyDeregistered' }]);
      spec
        .given([registered, approved, revoked])
        .when(deregister('2026-03-31'))
        .thenThrows(RuleViolation, 'national-faq-1-10', 'reason');
    });

    it('needs the basis it verified', () => {
      spec
        .given([registered, approved, revoked])
        .when(deregister('2026-04-02', ' '))
        .thenThrows(RuleViolation, 'national-faq-1-10', 'basis');
    });
  });
});

describe('the CMA certificate on a day (seed 000 Art. 2, seed 004 Art. 5(3))', () => {
  const certificate = { number: '230012345678', validFrom: '2024-06-01', validUntil: '2026-05-31' };
  it.each([
    ['2026-05-31', undefined, 'valid'],
    ['2026-06-01', undefined, 'lapsed'],
    ['2024-05-31', undefined, 'not-yet-valid'],
    ['2026-04-01', '2026-04-01', 'revoked'],
    ['2026-03-31', '2026-04-01', 'valid'],
  ])('on %s (revoked %s): %s', (on, revokedOn, status) => {
    expect(cmaStatusOn(certificate, revokedOn, on)).toBe(status);
  });

  it('is none without a certificate, and says when no validity is recorded', () => {
    expect(cmaStatusOn(undefined, undefined, '2026-01-01')).toBe('none');
    expect(cmaStatusOn({ number: '1' }, undefined, '2026-01-01')).toBe('no-validity-recorded');
  });
});
