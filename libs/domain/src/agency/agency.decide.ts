import { CalendarOutOfRangeError, parseIsoDate, type OfficialCalendar } from '../calendar';
import { daysInMonth, formatIsoDate } from '../calendar/iso-date';
import { ConflictError, InvalidInput, NotFoundError, RuleViolation } from '../shared/errors';
import { policyById, type UpgradeBarInput } from '../grading/policies';
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
  RegistrationFields,
} from './agency.events';
import { isEngaged, type AgencyState } from './agency';

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
  | ({ type: 'AddPersonnel' } & CommandTime & { data: PersonnelJoined['data'] })
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
  | ({ type: 'RecordInspection' } & CommandTime & { data: InspectionRecorded['data'] })
  | ({ type: 'ImposePenalty' } & CommandTime & { data: PenaltyImposed['data'] })
  | ({ type: 'RecordCreditFinding' } & CommandTime & { data: CreditFindingRecorded['data'] })
  | ({ type: 'Deregister' } & CommandTime & { reason: DeregistrationReason })
  | ({ type: 'RecordCmaRevocation' } & CommandTime & { data: CmaQualificationRevoked['data'] })
  | ({ type: 'DeregisterByAuthority' } & CommandTime & {
        reason: Exclude<DeregistrationReason, 'voluntary'>;
        /** What the authority verified: the decision or fact the deregistration rests on. */
        basis: string;
      })
  | ({ type: 'RecordAssessment' } & CommandTime & { data: AssessmentRecorded['data'] })
  | ({ type: 'RequestUpgrade' } & CommandTime & {
        reason?: string;
        /** The agency's standing, from its grade history, as the policy weighs it. */
        standing: UpgradeBarInput;
        currentGrade: string;
        policyId: string;
      })
  | ({ type: 'RequestCreditRepair' } & CommandTime & {
        repairId: string;
        recordEventId: string;
        /** The type of the event named, as found in the agency's stream; undefined when absent. */
        recordType: string | undefined;
        reason: string;
      })
  | ({ type: 'DecideCreditRepair' } & CommandTime & {
        repairId: string;
        outcome: 'approved' | 'rejected';
        reason?: string;
      });

/** Records a repair can take out of public display (seed 000 Art. 20). */
const REPAIRABLE = new Set([
  'PenaltyImposed',
  'CreditFindingRecorded',
  'ChangeFiledLate',
  'InspectionRecorded',
]);

/** Changes of these need a new formal review (seed 002 §一.8, §七.8). */
const REVIEWED_FIELDS = ['name', 'category', 'legalRepresentative', 'monitoringTypes'] as const;

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
      if (state.status !== 'pending-review' || state.returned) {
        throw new RuleViolation(
          'only a filing awaiting formal review can be reviewed',
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
      const current = state.registration!;
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
      const needsReview = REVIEWED_FIELDS.some((field) =>
        field === 'legalRepresentative'
          ? command.changes.legalRepresentative !== undefined &&
            command.changes.legalRepresentative.name !== current.legalRepresentative.name
          : changed.includes(field),
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
      const { idNumberHash, personId } = command.data;
      notAfterValidTime(command.data.joinedAt, command.on, 'joinedAt');
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
      return [{ type: 'PersonnelJoined', data: command.data }];
    }

    case 'RecordDeparture': {
      requireOpen(state);
      const person = requirePerson(state, command.personId);
      if (person.status === 'left') {
        throw new RuleViolation(
          'the departure is already recorded',
          'national-faq-3-5',
          'personId',
        );
      }
      notAfterValidTime(command.leftAt, command.on, 'leftAt');
      if (person.joinedAt && command.leftAt < person.joinedAt) {
        throw new RuleViolation(
          `leftAt is before the person joined on ${person.joinedAt}`,
          'national-faq-3-5',
          'leftAt',
        );
      }
      return [
        {
          type: 'PersonnelLeft',
          data: { personId: command.personId, leftAt: command.leftAt, proof: command.proof },
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
      requireOpen(state);
      notAfterValidTime(command.data.inspectedAt, command.on, 'inspectedAt');
      checkFindingItems(state.jurisdiction, command.data);
      return [{ type: 'InspectionRecorded', data: command.data }];

    case 'ImposePenalty':
      requireOpen(state);
      notAfterValidTime(command.data.decidedAt, command.on, 'decidedAt');
      return [{ type: 'PenaltyImposed', data: command.data }];

    case 'RecordCreditFinding':
      requireOpen(state);
      notAfterValidTime(command.data.decidedAt, command.on, 'decidedAt');
      return [{ type: 'CreditFindingRecorded', data: command.data }];

    case 'Deregister':
      requireOpen(state);
      if (state.registeredOn !== undefined && command.on < state.registeredOn) {
        throw new RuleViolation(
          `the agency registered on ${state.registeredOn}: it deregisters on or after that day`,
          'beijing-24',
          'occurredAt',
        );
      }
      return [
        {
          type: 'AgencyDeregistered',
          data: { reason: command.reason, deregisteredOn: command.on },
        },
      ];

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
