import { CalendarOutOfRangeError, parseIsoDate, type OfficialCalendar } from '../calendar';
import { daysInMonth, formatIsoDate } from '../calendar/iso-date';
import { ConflictError, InvalidInput, NotFoundError, RuleViolation } from '../shared/errors';
import type { DirectDowngrade, GradingCandidate } from '../grading/grading.types';
import {
  directoryRulesFor,
  downgradeDecision,
  worstBinding,
  policyById,
  reentryRefusal,
  type DirectoryStanding,
  type UpgradeBarInput,
} from '../grading/policies';
import { DISPLAY_PERIODS, displayPeriodOfRecord } from '../credit/display-period';
import { BEIJING_9_2_VIOLATIONS, bansInForce, type PersonBan } from '../person/person-credit';
import { assertCarriesOutPlan, type InspectionPlan } from '../inspection-plan/inspection-plan';
import {
  gradesNoOne,
  jurisdictionOfItem,
  supervisionRulesFor,
  supervisionRulesInForce,
} from '../supervision';
import type {
  AgencyEvent,
  AssessmentRecorded,
  AgencyRegistered,
  CmaQualificationRevoked,
  Commitment,
  CreditFindingRecorded,
  DeregistrationReason,
  EquipmentAdded,
  InspectionRecorded,
  Jurisdiction,
  PenaltyImposed,
  PersonnelJoined,
  RecordCorrection,
  ReevaluationBasis,
  RegistrationFields,
  SealedPersonalData,
  ResponsiblePerson,
} from './agency.events';
import { changesReviewedField, isEngaged, type AgencyState } from './agency';
import { DuplicateDecisionNumber, UsccAlreadyRegistered } from './agency.reservations';

/** Time comes in with the command, never from a clock inside the domain. */
export interface CommandTime {
  /**
   * The valid date of the command: the Shanghai date of its `occurredAt`. Every date the
   * decision records or compares is this one, never the day the command was keyed in.
   */
  on: string;
  /** The official calendar as recorded in the ledger, for deadlines in working days. */
  calendar: OfficialCalendar;
}

export type AgencyCommand =
  | ({ type: 'RegisterAgency' } & CommandTime & {
        data: Omit<AgencyRegistered['data'], 'reviewDueOn'>;
      })
  | ({ type: 'ReviewRegistration' } & CommandTime & {
        outcome: 'approved' | 'returned';
        reason?: string;
      })
  | ({ type: 'ChangeRegistration' } & CommandTime & {
        changes: Partial<RegistrationFields>;
        changedAt: string;
        commitment?: Commitment;
      })
  | ({ type: 'AddPersonnel' } & CommandTime & {
        data: PersonnelJoined['data'];
        /**
         * The person's bans as the ledger holds them (the person's stream, the E grades of the
         * agencies whose decisions named them): judged on the hire's date (ADR 020).
         */
        bans?: readonly PersonBan[];
      })
  | ({ type: 'RecordDepartureForHire' } & CommandTime & {
        /** The identity hash of the person the hiring agency takes on. */
        idNumberHash: string;
        leftAt: string;
        proof: string;
        /** The USCC of the agency that hires the person. */
        hiringAgency: string;
      })
  | ({ type: 'RecordDeparture' } & CommandTime & {
        personId: string;
        leftAt: string;
        proof?: string;
      })
  | ({ type: 'MovePersonToNonTechnicalPost' } & CommandTime & {
        personId: string;
        changedAt: string;
      })
  | ({ type: 'AddEquipment' } & CommandTime & { data: EquipmentAdded['data'] })
  | ({ type: 'ScrapEquipment' } & CommandTime & {
        equipmentId: string;
        /** Default: the command's valid date. */
        scrappedAt?: string;
      })
  | ({ type: 'RecordInspection' } & CommandTime & {
        data: InspectionRecorded['data'];
        /** The plan `data.planId` names, as recorded; undefined when there is none. */
        plan?: InspectionPlan;
      })
  | ({ type: 'ImposePenalty' } & CommandTime & { data: PenaltyImposed['data'] })
  | ({ type: 'RecordPenaltyFulfilment' } & CommandTime & {
        penaltyEventId: string;
        /** The penalty named, as found in the agency's stream; undefined when absent. */
        penalty: PenaltyImposed['data'] | undefined;
        fulfilledOn?: string;
      })
  | ({ type: 'RecordCreditFinding' } & CommandTime & { data: CreditFindingRecorded['data'] })
  | ({ type: 'Deregister' } & CommandTime & { reason: DeregistrationReason })
  | ({ type: 'RecordCmaRevocation' } & CommandTime & { data: CmaQualificationRevoked['data'] })
  | ({ type: 'DeregisterByAuthority' } & CommandTime & {
        reason: Exclude<DeregistrationReason, 'voluntary'>;
        /** What the authority verified: the decision or fact the deregistration rests on. */
        basis: string;
      })
  | ({ type: 'ReportToJurisdiction' } & CommandTime & { jurisdiction: Jurisdiction })
  | ({ type: 'RecordAssessment' } & CommandTime & { data: AssessmentRecorded['data'] })
  | ({ type: 'RequestUpgrade' } & CommandTime & {
        reason?: string;
        /** The agency's standing, from its grade history, as the policy weighs it. */
        standing: UpgradeBarInput;
        currentGrade: string;
        policyId: string;
      })
  | ({ type: 'ProposeReevaluation' } & CommandTime & {
        reevaluationId: string;
        basis: ReevaluationBasis;
        score: number;
        reason?: string;
        /** The policy in force on the valid date, and the agency as it weighs it then. */
        policyId: string;
        candidate: Omit<GradingCandidate, 'assessment'>;
      })
  | ({ type: 'PublishReevaluation' } & CommandTime & {
        reevaluationId: string;
        /** The agency's direct downgrades decided by the valid date: one since the proposal binds. */
        downgrades: DirectDowngrade[];
      })
  | ({ type: 'ApplyForDirectoryReentry' } & CommandTime & {
        applicationId: string;
        reason?: string;
        /** The days the agency's distinct E grades took effect, from its grade history. */
        eGrades: string[];
      })
  | ({ type: 'DecideDirectoryApplication' } & CommandTime & {
        applicationId: string;
        outcome: 'approved' | 'rejected';
        reason?: string;
        /** As for the application: an E recorded since may bar the approval. */
        eGrades: string[];
      })
  | ({ type: 'RequestCreditRepair' } & CommandTime & {
        repairId: string;
        recordEventId: string;
        /** The type of the event named, as found in the agency's stream; undefined when absent. */
        recordType: string | undefined;
        /** The data of the event named, to judge its display period (NDRC Order No. 58). */
        recordData?: Record<string, unknown>;
        reason: string;
      })
  | ({ type: 'CorrectRecord' } & CommandTime & {
        correction: CorrectionRequest;
        reason: string;
        evidence?: string;
        /**
         * For a USCC correction: whether an agency is registered under the corrected code (its
         * stream exists), as the handler found it. The event store's claim settles a race.
         */
        correctedUsccRegistered?: boolean;
      })
  | ({ type: 'DecideCreditRepair' } & CommandTime & {
        repairId: string;
        outcome: 'approved' | 'rejected';
        reason?: string;
      });

/** What a correction asks for: the field, the entry it is about, and the right value. */
export type CorrectionRequest =
  | { field: 'uscc'; to: string }
  | { field: 'personnel.idNumber'; personId: string; toHash: string; to: SealedPersonalData }
  | { field: 'personnel.withdrawn'; personId: string }
  | { field: 'equipment.model'; equipmentId: string; to: string };

/** The item of seed 002 each correctable field is corrected under. */
export const CORRECTION_ARTICLES: Record<CorrectionRequest['field'], string> = {
  // 统一社会信用代码为账号核心关键信息，不可自主修改 … 省级生态环境主管部门 … 定期处理.
  uscc: 'national-faq-7-2',
  // 身份证号为人员备案核心关键信息，不可自主修改 … 省级生态环境主管部门 … 定期处理.
  'personnel.idNumber': 'national-faq-3-11',
  // 非技术人员因操作失误录入后 … 提交删除申请 … 省级生态环境主管部门会定期处理.
  'personnel.withdrawn': 'national-faq-3-10',
  // 设备型号能修改吗？如填错可以修改.
  'equipment.model': 'national-faq-5-3',
};

/** Records a repair can take out of public display (seed 000 Art. 20). */
const REPAIRABLE = new Set([
  'PenaltyImposed',
  'CreditFindingRecorded',
  'ChangeFiledLate',
  'InspectionRecorded',
]);

/** Where each jurisdiction's rules say a change must be filed within one month. */
const LATE_CHANGE_ARTICLE: Record<Jurisdiction, string> = {
  beijing: 'beijing-6',
  chongqing: 'chongqing-5',
  jiaxing: 'national-faq-1-8',
  // Seed 004 sets no deadline for changes: the national FAQ's month applies.
  urumqi: 'national-faq-1-8',
};

/** Deregistration by the authority of its own motion (seed 002 §一.10). */
const AUTHORITY_DEREGISTRATION = 'national-faq-1-10';

/** Where the loss of the CMA qualification is recorded: Urumqi's Art. 16 ¶2, else the FAQ. */
const cmaRevocationArticle = (jurisdiction: Jurisdiction) =>
  jurisdiction === 'urumqi' ? 'urumqi-16' : AUTHORITY_DEREGISTRATION;

/**
 * A commitment's text and version go together: the text is what was signed, the version names
 * it (seed 000 Annex 2, seed 002 §六.1). One without the other cannot be published.
 */
function checkCommitmentText(commitment: Commitment | undefined, field: string): void {
  if (commitment === undefined) return;
  const hasText = commitment.text !== undefined;
  const hasVersion = commitment.version !== undefined;
  if (hasText !== hasVersion) {
    throw new InvalidInput(
      'the commitment text and its version are recorded together, or neither',
      'national-faq-6-1',
      `${field}.${hasText ? 'version' : 'text'}`,
    );
  }
}

/** A certificate cannot expire before it starts. */
function checkCmaDates(cma: RegistrationFields['cmaCertificate']): void {
  if (
    cma?.validFrom !== undefined &&
    cma.validUntil !== undefined &&
    cma.validFrom > cma.validUntil
  )
    throw new InvalidInput(
      `validFrom ${cma.validFrom} is after validUntil ${cma.validUntil}`,
      'beijing-2',
      'cmaCertificate.validFrom',
    );
}

/**
 * Seed 004 Art. 5(3): an agency supervised in Urumqi that issues test data and results to
 * society (检验检测) holds a CMA certificate (number, issuer, validity) valid on the day.
 */
function checkCmaForTesting(
  fields: Partial<RegistrationFields>,
  on: string,
  article: string,
): void {
  if (!fields.monitoringTypes?.includes('testing')) return;
  const cma = fields.cmaCertificate;
  const missing = (['number', 'issuer', 'validUntil'] as const).find((f) => !cma?.[f]);
  if (missing) {
    throw new RuleViolation(
      'a testing agency in Urumqi holds a CMA certificate (资质认定证书): its number, issuer and validity are recorded',
      article,
      `cmaCertificate.${missing}`,
    );
  }
  if (cma!.validUntil! < on || (cma!.validFrom !== undefined && cma!.validFrom > on)) {
    throw new RuleViolation(
      `the CMA certificate is valid ${cma!.validFrom ?? '…'} to ${cma!.validUntil}, not on ${on}`,
      article,
      'cmaCertificate.validUntil',
    );
  }
}

/**
 * A finding's article item (seed 004 Art. 7–14) belongs to the agency's jurisdiction, to a text
 * in force on the inspection date, and to the finding's code as its parent.
 */
function checkFindingItems(jurisdiction: Jurisdiction, data: InspectionRecorded['data']): void {
  data.findings.forEach(({ code, item }, i) => {
    if (item === undefined) return;
    const field = `findings.${i}.item`;
    const source = jurisdictionOfItem(item);
    if (source !== jurisdiction) {
      throw new RuleViolation(
        `${item} is an item of the ${source} rules, which apply to agencies supervised in ${source}, not ${jurisdiction}`,
        `${source}-2`,
        field,
      );
    }
    const parent = supervisionRulesFor(jurisdiction, data.inspectedAt, field).findingItems[item];
    if (parent !== code) {
      throw new InvalidInput(
        `${item} is an item of ${parent ?? 'no finding code'}, not of ${code}`,
        item.split('-').slice(0, 2).join('-'),
        field,
      );
    }
  });
}

const FORMAL_REVIEW_WORKING_DAYS = 5; // seed 000 Art. 7

/**
 * The formal review's due date with the calendar versions it used. A filing is never refused
 * for want of next year's calendar (that would take the agency's right to file away): the due
 * date is then null, naming the missing year, until an administrator records it.
 */
export function reviewDue(
  calendar: OfficialCalendar,
  filedOn: string,
): { reviewDueOn: string | null; calendar?: Record<string, number>; calendarMissing?: number } {
  try {
    const due = calendar.deadline(filedOn, FORMAL_REVIEW_WORKING_DAYS);
    return { reviewDueOn: due.date, calendar: due.calendar };
  } catch (error) {
    if (error instanceof CalendarOutOfRangeError)
      return { reviewDueOn: null, calendarMissing: error.year };
    throw error;
  }
}

/**
 * A date the command states (inspectedAt, decidedAt, …) cannot be later than the command's
 * own valid time: the event's data would contradict its occurredAt.
 */
function notAfterValidTime(date: string | undefined, on: string, field: string): void {
  if (date !== undefined && date > on) {
    throw new InvalidInput(
      `${date} is after the command's valid time (occurredAt, ${on}): a fact is recorded on or after the day it happened`,
      'ledger-valid-time',
      field,
    );
  }
}

/** A departure is dated by its valid time at the latest, and not before the person joined. */
function checkLeftAt(
  person: { joinedAt?: string },
  leftAt: string,
  on: string,
  article: string,
  field: string,
): void {
  notAfterValidTime(leftAt, on, field);
  if (person.joinedAt && leftAt < person.joinedAt)
    throw new RuleViolation(
      `leftAt is before the person joined on ${person.joinedAt}`,
      article,
      field,
    );
}

/** The same day one month later, or the month's last day when it has no such day. */
export function oneMonthAfter(date: string): string {
  const { year, month, day } = parseIsoDate(date);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return formatIsoDate({ ...next, day: Math.min(day, daysInMonth(next.year, next.month)) });
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function requireOpen(
  state: AgencyState,
): asserts state is AgencyState & { uscc: string; jurisdiction: Jurisdiction } {
  if (state.status === 'unregistered')
    throw new NotFoundError('the agency is not registered', 'national-faq-1-6', 'uscc');
  if (state.status === 'deregistered') {
    throw new RuleViolation(
      'the agency is deregistered: its record can be read but accepts no further filings',
      'beijing-24',
      'uscc',
    );
  }
}

/**
 * Supervision facts of the time the agency was registered are recorded after it deregisters:
 * a deregistration is no escape (seed 000 Art. 24 ends the registration, not the liability).
 * A fact decided (or an inspection made) on or before the deregistration is recorded; so is a
 * decision after it about conduct on or before it (`conductOn`). Anything else after the
 * deregistration would be new supervision of an agency no longer registered: refused.
 */
function requireSupervisable(
  state: AgencyState,
  date: string,
  field: string,
  conductOn?: string,
): asserts state is AgencyState & { uscc: string; jurisdiction: Jurisdiction } {
  if (conductOn !== undefined && conductOn > date) {
    throw new InvalidInput(
      `the conduct (${conductOn}) comes before the decision on it (${date})`,
      'ledger-valid-time',
      'conductOn',
    );
  }
  if (state.status === 'deregistered' && state.deregisteredOn !== undefined) {
    const until = state.deregisteredOn;
    if (date <= until || (conductOn !== undefined && conductOn <= until)) return;
    throw new RuleViolation(
      `the agency deregistered on ${until}: only what was decided, or concerns conduct, on or before that day is recorded`,
      'beijing-24',
      field,
    );
  }
  requireOpen(state);
}

/**
 * Where the agency stands in its jurisdiction's directory on `on` (Chongqing Art. 20); 422 where
 * the jurisdiction keeps no directory an agency leaves and re-enters.
 */
function directoryStandingOf(
  state: AgencyState & { jurisdiction: Jurisdiction },
  on: string,
  eGrades: readonly string[],
): DirectoryStanding {
  const rules = directoryRulesFor(state.jurisdiction, on);
  if (!rules) {
    throw new RuleViolation(
      `only Chongqing keeps a directory an agency leaves on an E and re-enters (seed 001 Art. 20); a ${state.jurisdiction} agency has none to re-enter`,
      'chongqing-20',
      'uscc',
    );
  }
  return rules.standing({ on, eGrades, reentries: state.reentries });
}

/** Reports across jurisdictions (报备): seed 002 §一.7, for Beijing seed 000 Art. 4 ¶2. */
export const CROSS_JURISDICTION_REPORT = 'national-faq-1-7';

/**
 * A supervision fact recorded by a host jurisdiction's regulator (ADR 016): the agency reported
 * there (seed 002 §一.7) on or before the fact's date. Recorded by the home regulator
 * (`recordingJurisdiction` absent or the home), nothing to check.
 */
function requireReportedTo(
  state: AgencyState & { jurisdiction: Jurisdiction },
  host: Jurisdiction | undefined,
  date: string,
  field: string,
): void {
  if (host === undefined || host === state.jurisdiction) return;
  const reportedOn = state.reports.get(host);
  if (reportedOn === undefined) {
    throw new RuleViolation(
      `the agency is registered in ${state.jurisdiction} and has not reported to ${host}: a ${host} regulator supervises it once it reports there (报备)`,
      CROSS_JURISDICTION_REPORT,
      'uscc',
    );
  }
  if (bareDay(date) < reportedOn) {
    throw new RuleViolation(
      `the agency reported to ${host} on ${reportedOn}: ${host} supervises it from that day`,
      CROSS_JURISDICTION_REPORT,
      field,
    );
  }
}

/** The date part of an ISO date or instant as given (facts are dated with bare dates). */
const bareDay = (date: string): string => date.slice(0, 10);

function requirePerson(state: AgencyState, personId: string) {
  const person = state.personnel.get(personId);
  if (!person)
    throw new NotFoundError(`no person ${personId} in this agency`, 'national-faq-3-5', 'personId');
  return person;
}

/**
 * Decides what a command records, given the agency's state. Pure; throws a DomainError
 * citing the article when a rule refuses.
 */
export function decide(command: AgencyCommand, state: AgencyState): AgencyEvent[] {
  switch (command.type) {
    case 'RegisterAgency': {
      if (state.status !== 'unregistered') {
        throw new ConflictError(
          `agency ${state.uscc} is already registered`,
          'national-faq-1-7',
          'uscc',
        );
      }
      const { commitment } = command.data;
      if (!commitment.signedBy.trim()) {
        throw new RuleViolation(
          'the written commitment must be signed',
          'beijing-5',
          'commitment.signedBy',
        );
      }
      notAfterValidTime(commitment.signedAt, command.on, 'commitment.signedAt');
      checkCommitmentText(commitment, 'commitment');
      checkCmaDates(command.data.cmaCertificate);
      // Seed 004 Art. 5(3) binds while the Urumqi rules are in force (Art. 21).
      const cmaArticle = supervisionRulesInForce(
        command.data.jurisdiction,
        command.on,
      )?.cmaRequiredForTesting;
      if (cmaArticle) checkCmaForTesting(command.data, command.on, cmaArticle);
      return [
        {
          type: 'AgencyRegistered',
          data: {
            ...command.data,
            filedOn: command.on,
            ...reviewDue(command.calendar, command.on),
          },
        },
      ];
    }

    case 'ReviewRegistration': {
      requireOpen(state);
      const awaiting =
        (state.status === 'pending-review' && !state.returned) ||
        (state.status === 'registered' && state.pendingChange !== undefined);
      if (!awaiting) {
        throw new RuleViolation(
          'only a filing or a change awaiting formal review can be reviewed',
          'beijing-7',
          'outcome',
        );
      }
      if (command.outcome === 'returned' && !command.reason?.trim()) {
        throw new RuleViolation('a returned filing needs the reason', 'beijing-7', 'reason');
      }
      if (state.filedOn !== undefined && command.on < state.filedOn) {
        throw new RuleViolation(
          `the filing was made on ${state.filedOn}: it is reviewed on or after that day`,
          'beijing-7',
          'occurredAt',
        );
      }
      return [
        {
          type: 'RegistrationReviewed',
          data: { outcome: command.outcome, reason: command.reason, reviewedOn: command.on },
        },
      ];
    }

    case 'ChangeRegistration': {
      requireOpen(state);
      // As filed: the approved registration with any change still awaiting review.
      const current: RegistrationFields = {
        ...state.registration!,
        ...state.pendingChange?.changes,
      };
      const changed = (Object.keys(command.changes) as (keyof RegistrationFields)[]).filter(
        (field) => !same(command.changes[field], current[field]),
      );
      if (changed.length === 0) {
        throw new RuleViolation(
          'nothing in the changes differs from the registration',
          'beijing-6',
          'changes',
        );
      }
      if (command.changedAt > command.on) {
        throw new RuleViolation(
          'a change is filed after it happened, not before',
          'beijing-6',
          'changedAt',
        );
      }
      const needsReview = changed.some((field) =>
        changesReviewedField(current, field, command.changes[field]),
      );
      const needsCommitment =
        changed.includes('name') ||
        (command.changes.legalRepresentative !== undefined &&
          command.changes.legalRepresentative.name !== current.legalRepresentative.name);
      checkCommitmentText(command.commitment, 'commitment');
      checkCmaDates(command.changes.cmaCertificate);
      if (needsCommitment && !command.commitment?.signedBy.trim()) {
        throw new RuleViolation(
          'a change of name or legal representative needs a newly signed commitment',
          'national-faq-2-5',
          'commitment',
        );
      }
      const events: AgencyEvent[] = [
        {
          type: 'RegistrationChanged',
          data: {
            changes: Object.fromEntries(changed.map((field) => [field, command.changes[field]])),
            changedAt: command.changedAt,
            filedOn: command.on,
            needsReview,
            ...(needsReview ? reviewDue(command.calendar, command.on) : { reviewDueOn: null }),
            ...(command.commitment ? { commitment: command.commitment } : {}),
          },
        },
      ];
      const dueBy = oneMonthAfter(command.changedAt);
      if (command.on > dueBy) {
        events.push({
          type: 'ChangeFiledLate',
          data: {
            changedAt: command.changedAt,
            filedOn: command.on,
            dueBy,
            article: LATE_CHANGE_ARTICLE[state.jurisdiction],
          },
        });
      }
      return events;
    }

    case 'AddPersonnel': {
      requireOpen(state);
      const { idNumberHash, personId, priorDeparture } = command.data;
      notAfterValidTime(command.data.joinedAt, command.on, 'joinedAt');
      if (priorDeparture) {
        notAfterValidTime(priorDeparture.leftAt, command.on, 'priorDeparture.leftAt');
        if (priorDeparture.uscc === state.uscc) {
          throw new RuleViolation(
            'the prior departure is from another agency; record a departure here on the person',
            'national-faq-3-6',
            'priorDeparture.uscc',
          );
        }
      }
      if (state.personnel.has(personId)) {
        throw new ConflictError(
          `person ${personId} is already recorded`,
          'national-faq-3-5',
          'personId',
        );
      }
      for (const person of state.personnel.values()) {
        if (person.idNumberHash === idNumberHash && isEngaged(person)) {
          throw new ConflictError(
            `this person is already on this agency's staff as ${person.personId}`,
            'national-faq-3',
            'idNumber',
          );
        }
      }
      return [
        { type: 'PersonnelJoined', data: command.data },
        ...hireUnderBan(state, command.data, command.bans ?? [], command.on),
      ];
    }

    case 'RecordDeparture': {
      // A deregistered agency still records a departure its deregistration did not (staff
      // of a deregistration recorded before it released them): it ends an engagement.
      if (state.status !== 'deregistered') requireOpen(state);
      const person = requirePerson(state, command.personId);
      if (person.status === 'left') {
        throw new RuleViolation(
          'the departure is already recorded',
          'national-faq-3-5',
          'personId',
        );
      }
      if (person.status === 'withdrawn') {
        throw new RuleViolation(
          'the person was withdrawn as entered in error: there is no engagement to end',
          'national-faq-3-10',
          'personId',
        );
      }
      checkLeftAt(person, command.leftAt, command.on, 'national-faq-3-5', 'leftAt');
      return [
        {
          type: 'PersonnelLeft',
          data: { personId: command.personId, leftAt: command.leftAt, proof: command.proof },
        },
      ];
    }

    case 'RecordDepartureForHire': {
      // Seed 002 §三.6 and §七.3: the person left an agency that did not record it (defunct,
      // or slow to act); the hiring agency records the departure there, with date and proof.
      // Open or deregistered, the old agency's record takes it: it ends an engagement.
      if (state.status === 'unregistered')
        throw new NotFoundError(
          'the agency the person left is not registered',
          'national-faq-3-6',
          'priorDeparture.uscc',
        );
      if (command.hiringAgency === state.uscc) {
        throw new RuleViolation(
          'the prior departure is from another agency',
          'national-faq-3-6',
          'priorDeparture.uscc',
        );
      }
      if (!command.proof.trim()) {
        throw new RuleViolation(
          'a departure recorded by the hiring agency needs its proof (离职证明)',
          'national-faq-3-6',
          'priorDeparture.proof',
        );
      }
      const people = [...state.personnel.values()].filter(
        (p) => p.idNumberHash === command.idNumberHash,
      );
      // Already recorded (by the agency, its deregistration or another hire): nothing to add.
      if (people.length > 0 && !people.some(isEngaged)) return [];
      const person = people.find(isEngaged);
      if (!person) {
        throw new NotFoundError(
          'the person is not on the staff of the agency named as the one left',
          'national-faq-3-6',
          'priorDeparture.uscc',
        );
      }
      checkLeftAt(person, command.leftAt, command.on, 'national-faq-3-6', 'priorDeparture.leftAt');
      return [
        {
          type: 'PersonnelLeft',
          data: {
            personId: person.personId,
            leftAt: command.leftAt,
            proof: command.proof,
            release: { cause: 'hired-elsewhere', hiringAgency: command.hiringAgency },
          },
        },
      ];
    }

    case 'MovePersonToNonTechnicalPost': {
      requireOpen(state);
      const person = requirePerson(state, command.personId);
      notAfterValidTime(command.changedAt, command.on, 'changedAt');
      if (person.status !== 'active') {
        throw new RuleViolation(
          `the person is ${person.status}, not in a technical post`,
          'national-faq-3-9',
          'personId',
        );
      }
      return [
        {
          type: 'PersonnelMovedToNonTechnicalPost',
          data: { personId: command.personId, changedAt: command.changedAt },
        },
      ];
    }

    case 'AddEquipment': {
      requireOpen(state);
      notAfterValidTime(command.data.acquiredAt, command.on, 'acquiredAt');
      if (state.equipment.has(command.data.equipmentId)) {
        throw new ConflictError(
          'this equipment is already recorded',
          'national-faq-5-4',
          'equipmentId',
        );
      }
      return [{ type: 'EquipmentAdded', data: command.data }];
    }

    case 'ScrapEquipment': {
      requireOpen(state);
      const status = state.equipment.get(command.equipmentId);
      if (!status)
        throw new NotFoundError(
          `no equipment ${command.equipmentId}`,
          'national-faq-5-4',
          'equipmentId',
        );
      if (status === 'scrapped') {
        throw new RuleViolation(
          'the equipment is already scrapped',
          'national-faq-5-4',
          'equipmentId',
        );
      }
      const scrappedAt = command.scrappedAt ?? command.on;
      notAfterValidTime(scrappedAt, command.on, 'scrappedAt');
      return [
        { type: 'EquipmentScrapped', data: { equipmentId: command.equipmentId, scrappedAt } },
      ];
    }

    case 'RecordInspection':
      requireSupervisable(state, command.data.inspectedAt, 'inspectedAt');
      notAfterValidTime(command.data.inspectedAt, command.on, 'inspectedAt');
      if (command.data.planId !== undefined)
        assertCarriesOutPlan(
          command.data.planId,
          command.plan,
          // A plan draws agencies by the code their records are keyed by (ADR 018).
          { uscc: state.registeredUscc ?? state.uscc, jurisdiction: state.jurisdiction },
          command.data.inspectedAt,
        );
      requireReportedTo(
        state,
        command.data.recordingJurisdiction,
        command.data.inspectedAt,
        'inspectedAt',
      );
      checkFindingItems(command.data.recordingJurisdiction ?? state.jurisdiction, command.data);
      checkResponsiblePersons(command.data.responsiblePersons, command.data.inspectedAt, false);
      return [{ type: 'InspectionRecorded', data: command.data }];

    case 'ImposePenalty':
      requireSupervisable(state, command.data.decidedAt, 'decidedAt', command.data.conductOn);
      notAfterValidTime(command.data.decidedAt, command.on, 'decidedAt');
      // One decision, one record (issue 13); across agencies the event store's claim holds it.
      if (state.penaltyDecisionNumbers.has(command.data.decisionNumber.trim()))
        throw new DuplicateDecisionNumber(command.data.decisionNumber, state.uscc);
      requireReportedTo(
        state,
        command.data.recordingJurisdiction,
        command.data.decidedAt,
        'decidedAt',
      );
      // A deadline is a future date by nature; it cannot come before the decision it is part of.
      if (command.data.dueBy !== undefined && command.data.dueBy < command.data.decidedAt)
        throw new InvalidInput(
          `the deadline ${command.data.dueBy} is before the decision of ${command.data.decidedAt}`,
          'ledger-valid-time',
          'dueBy',
        );
      checkResponsiblePersons(command.data.responsiblePersons, command.data.decidedAt, true);
      return [{ type: 'PenaltyImposed', data: command.data }];

    case 'RecordPenaltyFulfilment': {
      if (state.status === 'unregistered')
        throw new NotFoundError('the agency is not registered', 'national-faq-1-6', 'uscc');
      if (command.penalty === undefined)
        throw new NotFoundError(
          `no penalty ${command.penaltyEventId} in this agency's record`,
          'chongqing-16-6',
          'penaltyEventId',
        );
      const recorded = state.fulfilledPenalties.get(command.penaltyEventId);
      if (recorded !== undefined)
        throw new RuleViolation(
          `the penalty is already recorded as fulfilled on ${recorded}`,
          'chongqing-16-6',
          'penaltyEventId',
        );
      const fulfilledOn = command.fulfilledOn ?? command.on;
      notAfterValidTime(fulfilledOn, command.on, 'fulfilledOn');
      if (fulfilledOn < command.penalty.decidedAt)
        throw new RuleViolation(
          `the penalty was decided on ${command.penalty.decidedAt}: it is fulfilled on or after that day`,
          'chongqing-16-6',
          'fulfilledOn',
        );
      return [
        {
          type: 'PenaltyFulfilled',
          data: { penaltyEventId: command.penaltyEventId, fulfilledOn },
        },
      ];
    }

    case 'RecordCreditFinding':
      requireSupervisable(state, command.data.decidedAt, 'decidedAt', command.data.conductOn);
      notAfterValidTime(command.data.decidedAt, command.on, 'decidedAt');
      requireFindingFits(state, command.data);
      requireReportedTo(
        state,
        command.data.recordingJurisdiction,
        command.data.decidedAt,
        'decidedAt',
      );
      checkResponsiblePersons(command.data.responsiblePersons, command.data.decidedAt, false);
      return [{ type: 'CreditFindingRecorded', data: command.data }];

    case 'Deregister': {
      requireOpen(state);
      if (state.registeredOn !== undefined && command.on < state.registeredOn) {
        throw new RuleViolation(
          `the agency registered on ${state.registeredOn}: it deregisters on or after that day`,
          'beijing-24',
          'occurredAt',
        );
      }
      // The staff are released with the registration (seed 002 §三.6): each departure is
      // recorded, dated the deregistration, so that another agency may take the person on.
      const released: AgencyEvent[] = [...state.personnel.values()]
        .filter(isEngaged)
        .map((person) => ({
          type: 'PersonnelLeft',
          data: {
            personId: person.personId,
            leftAt: command.on,
            release: { cause: 'agency-deregistered' },
          },
        }));
      return [
        {
          type: 'AgencyDeregistered',
          data: { reason: command.reason, deregisteredOn: command.on },
        },
        ...released,
      ];
    }

    case 'RecordCmaRevocation': {
      requireOpen(state);
      const article = cmaRevocationArticle(state.jurisdiction);
      notAfterValidTime(command.data.revokedOn, command.on, 'revokedOn');
      if (!state.registration?.cmaCertificate?.number) {
        throw new RuleViolation(
          'no CMA certificate is recorded for this agency: there is none to revoke',
          article,
          'uscc',
        );
      }
      if (state.cmaRevokedOn !== undefined) {
        throw new RuleViolation(
          `the CMA qualification was already revoked on ${state.cmaRevokedOn}`,
          article,
          'revokedOn',
        );
      }
      return [{ type: 'CmaQualificationRevoked', data: command.data }];
    }

    case 'DeregisterByAuthority': {
      requireOpen(state);
      if (!command.basis.trim()) {
        throw new RuleViolation(
          'the authority deregisters after verification: the basis is recorded',
          AUTHORITY_DEREGISTRATION,
          'basis',
        );
      }
      if (command.reason === 'qualification-lost') {
        const cma = state.registration?.cmaCertificate;
        const revoked = state.cmaRevokedOn !== undefined && state.cmaRevokedOn <= command.on;
        const lapsed = cma?.validUntil !== undefined && cma.validUntil < command.on;
        if (!revoked && !lapsed) {
          throw new RuleViolation(
            cma?.validUntil
              ? `the CMA certificate is valid until ${cma.validUntil} and not revoked: the qualification is not lost on ${command.on}`
              : 'no lapsed or revoked CMA certificate is recorded: the loss of the qualification is recorded first',
            AUTHORITY_DEREGISTRATION,
            'reason',
          );
        }
      }
      // Every rule of a deregistration applies; the event says who and on what basis.
      const byAuthority = { article: AUTHORITY_DEREGISTRATION, basis: command.basis };
      return decide({ ...command, type: 'Deregister' }, state).map((event) =>
        event.type === 'AgencyDeregistered'
          ? { ...event, data: { ...event.data, byAuthority } }
          : event,
      );
    }

    case 'ReportToJurisdiction': {
      // Seed 002 §一.7 (seed 000 Art. 4 ¶2 for Beijing): an agency registered elsewhere
      // reports to the host by its USCC, and does not file again.
      if (state.status === 'unregistered')
        throw new NotFoundError(
          'no agency is registered with this USCC: a report (报备) names a registration made elsewhere',
          CROSS_JURISDICTION_REPORT,
          'uscc',
        );
      if (state.status === 'deregistered')
        throw new RuleViolation(
          `the agency deregistered on ${state.deregisteredOn}: there is no registration to report`,
          CROSS_JURISDICTION_REPORT,
          'uscc',
        );
      if (state.status !== 'registered')
        throw new RuleViolation(
          'the registration is still under formal review: an agency reports once its registration is complete',
          CROSS_JURISDICTION_REPORT,
          'uscc',
        );
      if (command.jurisdiction === state.jurisdiction)
        throw new RuleViolation(
          `the agency is registered in ${state.jurisdiction}: a report (报备) is made to another jurisdiction`,
          CROSS_JURISDICTION_REPORT,
          'jurisdiction',
        );
      if (state.registeredOn !== undefined && command.on < state.registeredOn)
        throw new RuleViolation(
          `the agency registered on ${state.registeredOn}: it reports on or after that day`,
          CROSS_JURISDICTION_REPORT,
          'occurredAt',
        );
      // Reported already: the same fact again records nothing (the first report's date stands).
      if (state.reports.has(command.jurisdiction)) return [];
      return [
        {
          type: 'AgencyReported',
          data: { jurisdiction: command.jurisdiction, reportedOn: command.on },
        },
      ];
    }

    case 'RecordAssessment': {
      requireOpen(state);
      const notGraded = gradesNoOne(state.jurisdiction);
      if (notGraded) throw new RuleViolation(notGraded.reason, notGraded.article, 'uscc');
      if (command.data.year > Number(command.on.slice(0, 4))) {
        throw new RuleViolation('an assessment is of a year that has begun', 'beijing-13', 'year');
      }
      return [{ type: 'AssessmentRecorded', data: command.data }];
    }

    case 'RequestUpgrade': {
      requireOpen(state);
      const bar = policyById(command.policyId).upgradeBar(command.standing);
      if (bar) throw new RuleViolation(bar.reason, bar.article, 'uscc');
      return [
        {
          type: 'UpgradeRequested',
          data: {
            reason: command.reason,
            requestedOn: command.on,
            currentGrade: command.currentGrade,
          },
        },
      ];
    }

    case 'ProposeReevaluation': {
      requireOpen(state);
      const policy = policyById(command.policyId);
      const article = policy.reevaluation?.[command.basis];
      if (!policy.reevaluation || !article) {
        throw new RuleViolation(
          `${policy.jurisdiction} grades in its cycles only: no text re-evaluates an agency between them (Beijing Art. 22, 23 do)`,
          'beijing-22',
          'uscc',
        );
      }
      const requestedOn = state.pendingUpgradeRequestOn;
      if (command.basis === 'upgrade-request' && requestedOn === undefined) {
        throw new RuleViolation(
          'no upgrade request awaits a re-evaluation: the agency applies first (申请提级)',
          article,
          'basis',
        );
      }
      if (
        requestedOn !== undefined &&
        command.basis === 'upgrade-request' &&
        command.on < requestedOn
      ) {
        throw new RuleViolation(
          `the upgrade request was made on ${requestedOn}: it is re-evaluated on or after that day`,
          article,
          'occurredAt',
        );
      }
      for (const [id, r] of state.reevaluations) {
        if (r.status === 'publicity')
          throw new RuleViolation(
            `the re-evaluation ${id} of ${r.proposedOn} is not yet published`,
            r.article,
            'uscc',
          );
      }
      // The policy proposes the grade from the new score, as in a cycle: a direct downgrade
      // that binds still wins (Art. 15, 23), and it grades only whom it grades (Art. 12).
      const proposal = policy
        .propose(
          [
            {
              ...command.candidate,
              assessment: {
                eventId: command.reevaluationId,
                score: command.score,
                noBusiness: false,
              },
            },
          ],
          Number(command.on.slice(0, 4)),
        )
        .get(state.uscc);
      if (!proposal) {
        throw new RuleViolation(
          'the policy does not grade this agency (Beijing Art. 12: self-monitoring agencies, registered)',
          'beijing-12',
          'uscc',
        );
      }
      let publicity;
      try {
        publicity = command.calendar.deadline(command.on, policy.publicityWorkingDays);
      } catch (error) {
        if (error instanceof CalendarOutOfRangeError)
          throw new RuleViolation(error.message, 'prc-official-calendar', 'occurredAt');
        throw error;
      }
      return [
        {
          type: 'ReevaluationProposed',
          data: {
            reevaluationId: command.reevaluationId,
            basis: command.basis,
            article,
            score: command.score,
            ...(command.reason !== undefined && { reason: command.reason }),
            proposedOn: command.on,
            ...(command.basis === 'upgrade-request' && { upgradeRequestedOn: requestedOn }),
            publicityEndsOn: publicity.date,
            calendar: publicity.calendar,
            policy: { id: policy.id, jurisdiction: policy.jurisdiction, version: policy.version },
            proposal,
          },
        },
      ];
    }

    case 'PublishReevaluation': {
      const reevaluation = state.reevaluations.get(command.reevaluationId);
      if (!reevaluation)
        throw new NotFoundError(
          `no re-evaluation ${command.reevaluationId}`,
          'beijing-22',
          'reevaluationId',
        );
      if (reevaluation.status === 'published')
        throw new RuleViolation(
          'the re-evaluation is already published',
          reevaluation.article,
          'reevaluationId',
        );
      requireOpen(state);
      if (command.on <= reevaluation.publicityEndsOn)
        throw new RuleViolation(
          `publicity runs until ${reevaluation.publicityEndsOn} (Art. 16)`,
          'beijing-16',
          'occurredAt',
        );
      // A direct downgrade decided since the proposal still binds on publication, as in a cycle.
      const binding = worstBinding(
        command.downgrades.filter(
          (d) => d.effectiveFrom >= reevaluation.proposedOn && d.effectiveFrom <= command.on,
        ),
      );
      return [
        {
          type: 'ReevaluationPublished',
          data: {
            reevaluationId: command.reevaluationId,
            publishedOn: command.on,
            policy: reevaluation.policy,
            grade: binding ? downgradeDecision(binding, reevaluation.score) : reevaluation.proposal,
          },
        },
      ];
    }

    case 'ApplyForDirectoryReentry': {
      requireOpen(state);
      const standing = directoryStandingOf(state, command.on, command.eGrades);
      if (state.status !== 'registered') {
        throw new RuleViolation(
          'the agency awaits the formal review of its registration: that is how it enters the directory (Art. 4), not by re-entry',
          'chongqing-4',
          'uscc',
        );
      }
      if (standing.listed) {
        throw new RuleViolation(
          'the agency is in the directory: there is nothing to re-enter',
          'chongqing-20-1',
          'uscc',
        );
      }
      const refusal = reentryRefusal(standing, command.on);
      if (refusal) throw new RuleViolation(refusal, standing.article!, 'occurredAt');
      for (const [applicationId, application] of state.directoryApplications) {
        if (application.status === 'pending') {
          throw new RuleViolation(
            `the application ${applicationId} of ${application.appliedOn} awaits the regulator's decision`,
            standing.article!,
            'uscc',
          );
        }
      }
      return [
        {
          type: 'DirectoryApplicationFiled',
          data: {
            applicationId: command.applicationId,
            reason: command.reason,
            appliedOn: command.on,
            delistedOn: standing.delistedOn!,
            barredUntil: standing.barredUntil!,
            article: standing.article!,
          },
        },
      ];
    }

    case 'DecideDirectoryApplication': {
      const application = state.directoryApplications.get(command.applicationId);
      if (!application) {
        throw new NotFoundError(
          `no directory application ${command.applicationId}`,
          'chongqing-20',
          'applicationId',
        );
      }
      if (application.status !== 'pending') {
        throw new RuleViolation(
          `the application is already ${application.status}`,
          application.article,
          'applicationId',
        );
      }
      if (command.on < application.appliedOn) {
        throw new RuleViolation(
          `the application was filed on ${application.appliedOn}: it is decided on or after that day`,
          application.article,
          'occurredAt',
        );
      }
      if (command.outcome === 'approved') {
        // Re-entry is judged again on the day of the decision: on what the ledger holds then.
        requireOpen(state);
        const standing = directoryStandingOf(state, command.on, command.eGrades);
        const refusal = reentryRefusal(standing, command.on);
        if (refusal) throw new RuleViolation(refusal, standing.article!, 'outcome');
      }
      return [
        {
          type: 'DirectoryApplicationDecided',
          data: {
            applicationId: command.applicationId,
            outcome: command.outcome,
            reason: command.reason,
            decidedOn: command.on,
          },
        },
      ];
    }

    case 'RequestCreditRepair': {
      if (state.status === 'unregistered')
        throw new NotFoundError('the agency is not registered', 'national-faq-1-6', 'uscc');
      if (command.recordType === undefined) {
        throw new NotFoundError(
          `no event ${command.recordEventId} in this agency's record`,
          'beijing-20',
          'recordEventId',
        );
      }
      if (REPAIRABLE.has(command.recordType) && command.recordData !== undefined) {
        // A repair ends display early; it may be applied for once the minimum has run.
        const period = displayPeriodOfRecord(command.recordType, command.recordData);
        if (command.on < period.repairableFrom)
          throw new RuleViolation(
            `a record of ${period.seriousness} dishonesty is displayed at least until ${period.repairableFrom}: a repair may be applied for from that day`,
            DISPLAY_PERIODS.article,
            'recordEventId',
          );
        if (command.on > period.displayUntil)
          throw new RuleViolation(
            `the record's display ended on ${period.displayUntil}: there is nothing to repair`,
            DISPLAY_PERIODS.article,
            'recordEventId',
          );
      }
      if (!REPAIRABLE.has(command.recordType)) {
        throw new RuleViolation(
          `a ${command.recordType} is not a credit record that can be repaired`,
          'beijing-20',
          'recordEventId',
        );
      }
      for (const repair of state.repairs.values()) {
        if (repair.recordEventId === command.recordEventId && repair.status !== 'rejected') {
          throw new RuleViolation(
            `this record already has a ${repair.status} repair`,
            'beijing-20',
            'recordEventId',
          );
        }
      }
      return [
        {
          type: 'CreditRepairRequested',
          data: {
            repairId: command.repairId,
            recordEventId: command.recordEventId,
            recordType: command.recordType,
            reason: command.reason,
            requestedOn: command.on,
          },
        },
      ];
    }

    case 'CorrectRecord':
      return [correctRecord(command, state)];

    case 'DecideCreditRepair': {
      const repair = state.repairs.get(command.repairId);
      if (!repair)
        throw new NotFoundError(`no credit repair ${command.repairId}`, 'beijing-20', 'repairId');
      if (repair.status !== 'pending')
        throw new RuleViolation(`the repair is already ${repair.status}`, 'beijing-20', 'repairId');
      if (command.on < repair.requestedOn) {
        throw new RuleViolation(
          `the repair was requested on ${repair.requestedOn}: it is decided on or after that day`,
          'beijing-20',
          'occurredAt',
        );
      }
      return [
        {
          type: 'CreditRepairDecided',
          data: {
            repairId: command.repairId,
            recordEventId: repair.recordEventId,
            outcome: command.outcome,
            reason: command.reason,
            decidedOn: command.on,
          },
        },
      ];
    }

    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A finding whose kind belongs to one jurisdiction's text, or that needs a date of its own:
 * a refusal to take part (无故不参与) is Jiaxing's (十一)1; a procurement blacklisting (Chongqing
 * Art. 16(2)) counts only within its ban (在禁入期限内), so it states the ban's last day, on or
 * after the decision; no other kind has one.
 */
function requireFindingFits(state: AgencyState, finding: CreditFindingRecorded['data']): void {
  if (finding.kind === 'refused-evaluation' && state.jurisdiction !== 'jiaxing') {
    throw new RuleViolation(
      `a refusal to take part in the credit evaluation (无故不参与) is recorded under Jiaxing's rules; this agency is under ${state.jurisdiction ?? 'no jurisdiction'}`,
      'jiaxing-11-1',
      'kind',
    );
  }
  if (finding.kind === 'procurement-blacklisted') {
    if (finding.bannedUntil === undefined)
      throw new InvalidInput(
        'the last day of the procurement ban (禁入期限) is required',
        'chongqing-16-2',
        'bannedUntil',
      );
    if (finding.bannedUntil < finding.decidedAt)
      throw new InvalidInput(
        `the ban ends on ${finding.bannedUntil}, before its decision on ${finding.decidedAt}`,
        'chongqing-16-2',
        'bannedUntil',
      );
  } else if (finding.bannedUntil !== undefined) {
    throw new InvalidInput(
      'only a procurement blacklisting (procurement-blacklisted) has a ban end',
      'chongqing-16-2',
      'bannedUntil',
    );
  }
}

/**
 * A wrong entry set right by a compensating event (seed 002 §七.2, §三.11, §五.3): what was
 * recorded stays; the correction records the right value beside it, with the reason. A
 * deregistered agency's record can still be corrected: it is still read. Correcting a value to
 * itself records nothing and is refused, as is a USCC another agency is registered under.
 */
function correctRecord(
  command: Extract<AgencyCommand, { type: 'CorrectRecord' }>,
  state: AgencyState,
): AgencyEvent {
  if (state.status === 'unregistered')
    throw new NotFoundError('the agency is not registered', 'national-faq-1-6', 'uscc');
  const { correction } = command;
  const article = CORRECTION_ARTICLES[correction.field];
  const unchanged = (what: string) =>
    new RuleViolation(`${what}: nothing to correct`, article, 'correctedValue');
  let corrected: RecordCorrection;
  switch (correction.field) {
    case 'uscc': {
      const from = state.uscc!;
      if (correction.to === from) throw unchanged(`the USCC is already ${from}`);
      // The code the agency registered under keys its stream: setting it back needs no claim.
      if (command.correctedUsccRegistered && correction.to !== state.registeredUscc) {
        throw new UsccAlreadyRegistered(correction.to, 'correctedValue');
      }
      corrected = { field: 'uscc', from, to: correction.to };
      break;
    }
    case 'personnel.idNumber': {
      const person = requirePerson(state, correction.personId);
      if (correction.toHash === person.idNumberHash)
        throw unchanged('the ID number recorded for this person is already that number');
      const twin = [...state.personnel.values()].find(
        (other) => other.personId !== person.personId && other.idNumberHash === correction.toHash,
      );
      if (twin && isEngaged(twin)) {
        throw new RuleViolation(
          `that ID number is recorded for person ${twin.personId} of this agency: one person, one record`,
          'national-faq-3',
          'correctedValue',
        );
      }
      corrected = {
        field: 'personnel.idNumber',
        personId: person.personId,
        fromHash: person.idNumberHash,
        toHash: correction.toHash,
        to: correction.to,
      };
      break;
    }
    case 'personnel.withdrawn': {
      const person = requirePerson(state, correction.personId);
      if (person.status === 'withdrawn')
        throw new RuleViolation('the person is already withdrawn', article, 'personId');
      if (person.status !== 'non-technical') {
        // A technical person leaves with a departure and its proof (§三.5), never deleted.
        throw new RuleViolation(
          `the person is ${person.status === 'left' ? 'recorded as left' : 'in a technical post'}: only a non-technical person entered in error is withdrawn`,
          article,
          'personId',
        );
      }
      corrected = { field: 'personnel.withdrawn', personId: person.personId };
      break;
    }
    case 'equipment.model': {
      if (!state.equipment.has(correction.equipmentId))
        throw new NotFoundError(
          `no equipment ${correction.equipmentId}`,
          'national-faq-5-4',
          'equipmentId',
        );
      const from = state.equipmentModels.get(correction.equipmentId) ?? null;
      if (from !== null && from.trim() === correction.to.trim())
        throw unchanged(`the model recorded is already ${from}`);
      corrected = {
        field: 'equipment.model',
        equipmentId: correction.equipmentId,
        from,
        to: correction.to,
      };
      break;
    }
  }
  return {
    type: 'AgencyRecordCorrected',
    data: {
      ...corrected,
      reason: command.reason,
      ...(command.evidence !== undefined && { evidence: command.evidence }),
      correctedOn: command.on,
      article,
    },
  };
}

/**
 * The persons a decision names (seed 000 Art. 10, seed 001 Art. 20(二)): each once; a ban from
 * practising ends on or after the decision that imposes it, and only a penalty imposes one.
 */
function checkResponsiblePersons(
  persons: readonly ResponsiblePerson[] | undefined,
  decidedAt: string,
  penalty: boolean,
): void {
  const seen = new Set<string>();
  persons?.forEach((person, i) => {
    if (seen.has(person.idNumberHash))
      throw new InvalidInput(
        'the same person is named twice',
        'beijing-10',
        `responsiblePersons.${i}.idNumber`,
      );
    seen.add(person.idNumberHash);
    if (person.bannedUntil === undefined) return;
    if (!penalty)
      throw new InvalidInput(
        'a ban from practising (禁止从业) is imposed by a penalty, not recorded by a finding or an inspection',
        'beijing-9-2',
        `responsiblePersons.${i}.bannedUntil`,
      );
    if (person.bannedUntil < decidedAt)
      throw new InvalidInput(
        `the ban ends on ${person.bannedUntil}, before its decision on ${decidedAt}`,
        'beijing-9-2',
        `responsiblePersons.${i}.bannedUntil`,
      );
  });
}

/**
 * A hire judged on the person's bans on the hire's date (the day joined, else the command's
 * valid date); a ban that starts after it does not count.
 * - Chongqing Art. 20(二)–(三): a person involved in an agency's E is out of the directory with
 *   it, 2 years (5 after its second E): no Chongqing agency takes them on (422).
 * - Beijing Art. 9(2): hiring a technical person still inside a ban from practising imposed by
 *   a penalty for data fraud or a false report is not refused; it is the agency's credit-bad
 *   situation, recorded as a finding dated the hire (the ledger's own, `hire`).
 */
function hireUnderBan(
  state: AgencyState & { jurisdiction: Jurisdiction },
  person: PersonnelJoined['data'],
  bans: readonly PersonBan[],
  on: string,
): AgencyEvent[] {
  const hiredOn = person.joinedAt ?? on;
  const inForce = bansInForce(bans, hiredOn);
  if (state.jurisdiction === 'chongqing') {
    const bar = inForce
      .filter((b) => b.kind === 'directory-bar')
      .sort((a, b) => b.to.localeCompare(a.to))[0];
    if (bar)
      throw new RuleViolation(
        `the person was involved in a Chongqing agency's E (Art. 16) and is out of the directory with it until ${bar.to}: no listed agency takes them on before then`,
        bar.article,
        'idNumber',
      );
  }
  if (state.jurisdiction === 'beijing' && person.technical) {
    const ban = inForce
      .filter(
        (b) =>
          b.kind === 'practice-ban' &&
          b.violationType !== undefined &&
          BEIJING_9_2_VIOLATIONS.has(b.violationType),
      )
      .sort((a, b) => b.to.localeCompare(a.to))[0];
    if (ban) {
      const bannedUntil = previousDay(ban.to);
      return [
        {
          type: 'CreditFindingRecorded',
          data: {
            kind: 'credit-bad',
            article: 'beijing-9-2',
            decidedAt: hiredOn,
            description: `hired a technical person penalised for ${ban.violationType} and banned from practising until ${bannedUntil} (违规聘用尚在禁止从业期限内的技术人员)`,
            hire: {
              personId: person.personId,
              idNumberHash: person.idNumberHash,
              bannedBy: ban.recordEventId,
              bannedUntil,
            },
          },
        },
      ];
    }
  }
  return [];
}

/** The day before a bare date. */
function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
