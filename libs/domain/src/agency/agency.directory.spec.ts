import { BUILT_IN_CALENDAR } from '../calendar';
import { deciderSpecification } from '../testing/decider-specification';
import { NotFoundError, RuleViolation } from '../shared/errors';
import { decide, type AgencyCommand } from './agency.decide';
import { evolve, foldAgency, initialAgencyState } from './agency';
import type { AgencyEvent, AgencyRegistered } from './agency.events';

/**
 * Chongqing's directory (seed 001 Art. 20), as the agency decider applies it: an agency out of
 * the directory after an E applies to re-enter once its bar has run, and a regulator decides;
 * an approval puts it back from the decision's valid date. The E grades come with the command
 * (from the agency's grade history); the approved re-entries are the agency's own facts.
 */
const spec = deciderSpecification({ decide, evolve, initialState: initialAgencyState });
const calendar = BUILT_IN_CALENDAR;

const registration = (jurisdiction: AgencyRegistered['data']['jurisdiction']): AgencyEvent => ({
  type: 'AgencyRegistered',
  data: {
    uscc: '91500103000000027D',
    jurisdiction,
    name: '重庆环测科技有限公司',
    category: 'comprehensive',
    serviceTypes: ['public-monitoring'],
    legalRepresentative: { name: '王明' },
    commitment: { signedBy: '王明', signedAt: '2023-02-01' },
    codeVerified: true,
    reviewDueOn: '2023-02-08',
  },
});
const chongqing = registration('chongqing');
const approved: AgencyEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2023-02-03' },
};
/** The agency was graded E on 2023-06-01 (Art. 16): out of the directory, barred until 2025-06-01. */
const E = ['2023-06-01'];

const apply = (on: string, eGrades = E, applicationId = 'A.1'): AgencyCommand => ({
  type: 'ApplyForDirectoryReentry',
  on,
  calendar,
  applicationId,
  reason: '已整改',
  eGrades,
});
const decideOn = (
  on: string,
  outcome: 'approved' | 'rejected',
  eGrades = E,
  applicationId = 'A.1',
): AgencyCommand => ({
  type: 'DecideDirectoryApplication',
  on,
  calendar,
  applicationId,
  outcome,
  reason: '核实',
  eGrades,
});
const filed = (appliedOn: string, applicationId = 'A.1'): AgencyEvent => ({
  type: 'DirectoryApplicationFiled',
  data: {
    applicationId,
    reason: '已整改',
    appliedOn,
    delistedOn: '2023-06-01',
    barredUntil: '2025-06-01',
    article: 'chongqing-20-1',
  },
});
const decided = (
  decidedOn: string,
  outcome: 'approved' | 'rejected',
  applicationId = 'A.1',
): AgencyEvent => ({
  type: 'DirectoryApplicationDecided',
  data: { applicationId, outcome, reason: '核实', decidedOn },
});

describe('re-entry to the directory (seed 001 Art. 20)', () => {
  describe('when out of the directory after an E on 2023-06-01', () => {
    it('refuses an application inside the 2 years, naming the day it may apply from (chongqing-20-1)', () => {
      spec
        .given([chongqing, approved])
        .when(apply('2025-05-31'))
        .thenThrows(RuleViolation, 'chongqing-20-1', 'occurredAt');
      expect(() => decide(apply('2025-05-31'), foldAgency([chongqing, approved]))).toThrow(
        'graded E: out of the directory since 2023-06-01; it may apply to re-enter from 2025-06-01',
      );
    });

    it('refuses an application inside the 5 years after a second E (chongqing-20-3)', () => {
      spec
        .given([chongqing, approved])
        .when(apply('2028-01-01', ['2023-06-01', '2024-03-01']))
        .thenThrows(RuleViolation, 'chongqing-20-3', 'occurredAt');
    });

    it('takes an application from the day the bar has run, recording the standing it was judged on', () => {
      spec
        .given([chongqing, approved])
        .when(apply('2025-06-01'))
        .then([filed('2025-06-01')]);
    });
  });

  describe('when an application is pending', () => {
    it('refuses a second one', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01')])
        .when(apply('2025-06-02', E, 'A.2'))
        .thenThrows(RuleViolation, 'chongqing-20-1', 'uscc');
    });

    it('records the approval: the agency is back in the directory from the decision date', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01')])
        .when(decideOn('2025-06-10', 'approved'))
        .then([decided('2025-06-10', 'approved')]);
      const state = foldAgency([
        chongqing,
        approved,
        filed('2025-06-01'),
        decided('2025-06-10', 'approved'),
      ]);
      expect(state.reentries).toEqual(['2025-06-10']);
      expect(state.directoryApplications.get('A.1')?.status).toBe('approved');
    });

    it('records a rejection: the agency stays out and may apply again', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01')])
        .when(decideOn('2025-06-10', 'rejected'))
        .then([decided('2025-06-10', 'rejected')]);
      expect(
        foldAgency([chongqing, approved, filed('2025-06-01'), decided('2025-06-10', 'rejected')])
          .reentries,
      ).toEqual([]);
      spec
        .given([chongqing, approved, filed('2025-06-01'), decided('2025-06-10', 'rejected')])
        .when(apply('2025-07-01', E, 'A.2'))
        .then([filed('2025-07-01', 'A.2')]);
    });

    it('refuses an approval inside a bar an E recorded since sets, naming the day (chongqing-20-3)', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01')])
        .when(decideOn('2025-06-10', 'approved', ['2023-06-01', '2025-06-05']))
        .thenThrows(RuleViolation, 'chongqing-20-3', 'outcome');
    });

    it('refuses a decision before the application was filed', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01')])
        .when(decideOn('2025-05-31', 'approved'))
        .thenThrows(RuleViolation, 'chongqing-20-1', 'occurredAt');
    });
  });

  describe('when the application is already decided, or unknown', () => {
    it('refuses to decide it again', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01'), decided('2025-06-10', 'approved')])
        .when(decideOn('2025-06-11', 'rejected'))
        .thenThrows(RuleViolation, 'chongqing-20-1', 'applicationId');
    });

    it('answers 404 for an application the agency never filed', () => {
      spec
        .given([chongqing, approved])
        .when(decideOn('2025-06-10', 'approved', E, 'A.9'))
        .thenThrows(NotFoundError, 'chongqing-20', 'applicationId');
    });
  });

  describe('when back in the directory, or never out of it', () => {
    it('refuses an application: there is nothing to re-enter (chongqing-20-1)', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01'), decided('2025-06-10', 'approved')])
        .when(apply('2025-07-01', E, 'A.2'))
        .thenThrows(RuleViolation, 'chongqing-20-1', 'uscc');
      spec
        .given([chongqing, approved])
        .when(apply('2025-07-01', []))
        .thenThrows(RuleViolation, 'chongqing-20-1', 'uscc');
    });

    it('a new E after the re-entry takes the agency out again, for 5 years (chongqing-20-3)', () => {
      spec
        .given([chongqing, approved, filed('2025-06-01'), decided('2025-06-10', 'approved')])
        .when(apply('2029-01-01', ['2023-06-01', '2026-02-01'], 'A.2'))
        .thenThrows(RuleViolation, 'chongqing-20-3', 'occurredAt');
    });
  });

  describe('outside a directory of this kind', () => {
    it.each(['beijing', 'jiaxing', 'urumqi'] as const)(
      'refuses an application of a %s agency: its jurisdiction keeps none (chongqing-20)',
      (jurisdiction) => {
        spec
          .given([registration(jurisdiction), approved])
          .when(apply('2025-06-01'))
          .thenThrows(RuleViolation, 'chongqing-20', 'uscc');
      },
    );

    it('refuses an application of an agency awaiting its review: it enters by registration (chongqing-4)', () => {
      spec
        .given([chongqing])
        .when(apply('2025-06-01'))
        .thenThrows(RuleViolation, 'chongqing-4', 'uscc');
    });

    it('refuses an application or an approval for a deregistered agency (beijing-24)', () => {
      const deregistered: AgencyEvent = {
        type: 'AgencyDeregistered',
        data: { reason: 'voluntary', deregisteredOn: '2025-06-05' },
      };
      spec
        .given([chongqing, approved, deregistered])
        .when(apply('2025-06-06'))
        .thenThrows(RuleViolation, 'beijing-24', 'uscc');
      spec
        .given([chongqing, approved, filed('2025-06-01'), deregistered])
        .when(decideOn('2025-06-10', 'approved'))
        .thenThrows(RuleViolation, 'beijing-24', 'uscc');
      spec
        .given([chongqing, approved, filed('2025-06-01'), deregistered])
        .when(decideOn('2025-06-10', 'rejected'))
        .then([decided('2025-06-10', 'rejected')]);
    });
  });
});
