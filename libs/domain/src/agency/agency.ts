import type {
  AgencyEvent,
  Jurisdiction,
  PersonnelRole,
  ReevaluationProposed,
  RegistrationFields,
} from './agency.events';

/**
 * Changes of these need a new formal review (seed 002 §一.8, §七.8): name, category (机构类别),
 * legal representative and monitoring type.
 */
export const REVIEWED_FIELDS = [
  'name',
  'category',
  'legalRepresentative',
  'monitoringTypes',
] as const;

/**
 * Whether `value` for `field` changes something a formal review must see: a reviewed field
 * that differs from `current`; for the legal representative only a new name (a phone or a
 * title is not reviewed).
 */
export function changesReviewedField(
  current: RegistrationFields,
  field: keyof RegistrationFields,
  value: unknown,
): boolean {
  if (!(REVIEWED_FIELDS as readonly string[]).includes(field)) return false;
  if (field === 'legalRepresentative')
    return (
      (value as RegistrationFields['legalRepresentative']).name !== current.legalRepresentative.name
    );
  return JSON.stringify(value) !== JSON.stringify(current[field]);
}

/**
 * A key change of a registered agency awaiting formal review (seed 002 §七.8): not yet part
 * of the registration, so not published, until it is approved.
 */
export interface PendingChange {
  changes: Partial<RegistrationFields>;
  changedAt: string;
  filedOn: string;
  reviewDueOn: string | null;
}

export type AgencyStatus = 'unregistered' | 'pending-review' | 'registered' | 'deregistered';

export interface PersonRecord {
  personId: string;
  idNumberHash: string;
  name: string;
  role: PersonnelRole;
  /** `withdrawn`: entered in error and withdrawn by an administrator (seed 002 §三.10). */
  status: 'active' | 'non-technical' | 'left' | 'withdrawn';
  joinedAt?: string;
}

export interface AgencyState {
  status: AgencyStatus;
  /** The agency's USCC: as registered, or as an administrator last corrected it (§七.2). */
  uscc?: string;
  /**
   * The USCC the agency registered under, which keys its stream for good; differs from `uscc`
   * once a correction set the code right (ADR 018).
   */
  registeredUscc?: string;
  jurisdiction?: Jurisdiction;
  registration?: RegistrationFields;
  /** Whether the last formal review returned the filing. */
  returned: boolean;
  /** The valid date of the filing (registration or change) awaiting or last given review. */
  filedOn?: string;
  /** The valid date of the registration. */
  registeredOn?: string;
  /**
   * The registration as last approved (or as filed, before the first approval). A key change
   * of a registered agency waits in `pendingChange` and joins it only when approved.
   */
  pendingChange?: PendingChange;
  /** The valid date of the deregistration. */
  deregisteredOn?: string;
  /** The day the CMA qualification was revoked (seed 004 Art. 16 ¶2), if it was. */
  cmaRevokedOn?: string;
  personnel: ReadonlyMap<string, PersonRecord>;
  equipment: ReadonlyMap<string, 'in-service' | 'scrapped'>;
  /** Each piece of equipment's model as recorded (or corrected: seed 002 §五.3); null: none. */
  equipmentModels: ReadonlyMap<string, string | null>;
  repairs: ReadonlyMap<
    string,
    {
      recordEventId: string;
      status: 'pending' | 'approved' | 'rejected';
      requestedOn: string;
    }
  >;
  /** Decision numbers (行政处罚决定书文号) of the penalties recorded on this agency. */
  penaltyDecisionNumbers: ReadonlySet<string>;
  /** Penalties recorded as fulfilled: penalty event id → the day. */
  fulfilledPenalties: ReadonlyMap<string, string>;
  /** The days a regulator's approval put the agency back in Chongqing's directory (Art. 20). */
  reentries: readonly string[];
  /** Applications to re-enter the directory (Chongqing Art. 20): id → where each stands. */
  directoryApplications: ReadonlyMap<
    string,
    { status: 'pending' | 'approved' | 'rejected'; appliedOn: string; article: string }
  >;
  /** Host jurisdictions the agency reported to (报备, seed 002 §一.7) → the day it reported. */
  reports: ReadonlyMap<Jurisdiction, string>;
  /** The valid date of an upgrade request no re-evaluation has answered yet (seed 000 Art. 23). */
  pendingUpgradeRequestOn?: string;
  /** Re-evaluations between cycles (seed 000 Art. 22, 23): id → where each stands. */
  reevaluations: ReadonlyMap<
    string,
    {
      status: 'publicity' | 'published';
      proposedOn: string;
      publicityEndsOn: string;
      score: number;
      article: string;
      policy: ReevaluationProposed['data']['policy'];
      proposal: ReevaluationProposed['data']['proposal'];
    }
  >;
}

export const initialAgencyState: AgencyState = {
  status: 'unregistered',
  returned: false,
  personnel: new Map(),
  equipment: new Map(),
  equipmentModels: new Map(),
  repairs: new Map(),
  fulfilledPenalties: new Map(),
  reentries: [],
  directoryApplications: new Map(),
  penaltyDecisionNumbers: new Set(),
  reports: new Map(),
  reevaluations: new Map(),
};

/** Folds one recorded event into the agency's state. Pure: the same events give the same state. */
export function evolve(state: AgencyState, event: AgencyEvent): AgencyState {
  switch (event.type) {
    case 'AgencyRegistered': {
      const {
        uscc,
        jurisdiction,
        commitment: _c,
        codeVerified: _v,
        reviewDueOn: _d,
        calendar: _cal,
        calendarMissing: _m,
        filedOn,
        ...registration
      } = event.data;
      return {
        ...state,
        status: 'pending-review',
        uscc,
        registeredUscc: uscc,
        jurisdiction,
        registration,
        returned: false,
        filedOn,
        registeredOn: filedOn,
      };
    }
    case 'RegistrationReviewed': {
      // The review of a key change of a registered agency: approval publishes it, a return
      // closes it and the approved registration stands (seed 002 §七.8).
      if (state.status === 'registered' && state.pendingChange) {
        const { pendingChange: pending, ...rest } = state;
        return event.data.outcome === 'approved'
          ? { ...rest, registration: { ...state.registration!, ...pending.changes } }
          : rest;
      }
      return event.data.outcome === 'approved'
        ? { ...state, status: 'registered', returned: false }
        : { ...state, status: 'pending-review', returned: true };
    }
    case 'RegistrationChanged': {
      const { changes, needsReview, filedOn, changedAt, reviewDueOn } = event.data;
      if (state.status !== 'registered') {
        // Nothing is published yet: the filing under review is the one changed.
        return {
          ...state,
          registration: { ...state.registration!, ...changes },
          returned: needsReview ? false : state.returned,
          filedOn: needsReview ? filedOn : state.filedOn,
        };
      }
      // Registered: other fields take effect at once; a key field (or one already awaiting
      // review) waits for the review, and the agency stays registered meanwhile.
      const approved = state.registration!;
      const pending: Partial<RegistrationFields> = { ...state.pendingChange?.changes };
      const immediate: Partial<RegistrationFields> = {};
      for (const [field, value] of Object.entries(changes) as [
        keyof RegistrationFields,
        unknown,
      ][]) {
        const waits = field in pending || changesReviewedField(approved, field, value);
        (waits ? pending : immediate)[field] = value as never;
      }
      const pendingChange: PendingChange | undefined =
        Object.keys(pending).length === 0
          ? undefined
          : needsReview || !state.pendingChange
            ? { changes: pending, changedAt, filedOn, reviewDueOn }
            : { ...state.pendingChange, changes: pending };
      const { pendingChange: _old, ...rest } = state;
      return {
        ...rest,
        registration: { ...approved, ...immediate },
        ...(pendingChange && { pendingChange }),
        filedOn: needsReview ? filedOn : state.filedOn,
      };
    }
    case 'PersonnelJoined': {
      const { personId, idNumberHash, name, role, technical, joinedAt } = event.data;
      const personnel = new Map(state.personnel);
      personnel.set(personId, {
        personId,
        idNumberHash,
        name,
        role,
        joinedAt,
        status: technical ? 'active' : 'non-technical',
      });
      return { ...state, personnel };
    }
    case 'PersonnelLeft':
    case 'PersonnelMovedToNonTechnicalPost': {
      const person = state.personnel.get(event.data.personId);
      if (!person) return state;
      const personnel = new Map(state.personnel);
      personnel.set(person.personId, {
        ...person,
        status: event.type === 'PersonnelLeft' ? 'left' : 'non-technical',
      });
      return { ...state, personnel };
    }
    case 'EquipmentAdded':
      return {
        ...state,
        equipment: new Map(state.equipment).set(event.data.equipmentId, 'in-service'),
        equipmentModels: new Map(state.equipmentModels).set(
          event.data.equipmentId,
          event.data.model ?? null,
        ),
      };
    case 'AgencyRecordCorrected': {
      const correction = event.data;
      switch (correction.field) {
        case 'uscc':
          return { ...state, uscc: correction.to };
        case 'personnel.idNumber': {
          const person = state.personnel.get(correction.personId);
          if (!person) return state;
          return {
            ...state,
            personnel: new Map(state.personnel).set(person.personId, {
              ...person,
              idNumberHash: correction.toHash,
            }),
          };
        }
        case 'personnel.withdrawn': {
          const person = state.personnel.get(correction.personId);
          if (!person) return state;
          return {
            ...state,
            personnel: new Map(state.personnel).set(person.personId, {
              ...person,
              status: 'withdrawn',
            }),
          };
        }
        case 'equipment.model':
          return {
            ...state,
            equipmentModels: new Map(state.equipmentModels).set(
              correction.equipmentId,
              correction.to,
            ),
          };
      }
      return state;
    }
    case 'EquipmentScrapped':
      return {
        ...state,
        equipment: new Map(state.equipment).set(event.data.equipmentId, 'scrapped'),
      };
    case 'AgencyDeregistered': {
      // A change awaiting review dies with the registration.
      const { pendingChange: _p, ...rest } = state;
      return { ...rest, status: 'deregistered', deregisteredOn: event.data.deregisteredOn };
    }
    case 'CmaQualificationRevoked':
      return { ...state, cmaRevokedOn: event.data.revokedOn };
    case 'AgencyReported':
      return {
        ...state,
        reports: new Map(state.reports).set(event.data.jurisdiction, event.data.reportedOn),
      };
    case 'CreditRepairRequested':
      return {
        ...state,
        repairs: new Map(state.repairs).set(event.data.repairId, {
          recordEventId: event.data.recordEventId,
          status: 'pending',
          requestedOn: event.data.requestedOn,
        }),
      };
    case 'CreditRepairDecided':
      return {
        ...state,
        repairs: new Map(state.repairs).set(event.data.repairId, {
          ...state.repairs.get(event.data.repairId)!,
          recordEventId: event.data.recordEventId,
          status: event.data.outcome,
        }),
      };
    case 'PenaltyFulfilled':
      return {
        ...state,
        fulfilledPenalties: new Map(state.fulfilledPenalties).set(
          event.data.penaltyEventId,
          event.data.fulfilledOn,
        ),
      };
    case 'DirectoryApplicationFiled':
      return {
        ...state,
        directoryApplications: new Map(state.directoryApplications).set(event.data.applicationId, {
          status: 'pending',
          appliedOn: event.data.appliedOn,
          article: event.data.article,
        }),
      };
    case 'DirectoryApplicationDecided': {
      const application = state.directoryApplications.get(event.data.applicationId);
      if (!application) return state;
      return {
        ...state,
        directoryApplications: new Map(state.directoryApplications).set(event.data.applicationId, {
          ...application,
          status: event.data.outcome,
        }),
        reentries:
          event.data.outcome === 'approved'
            ? [...state.reentries, event.data.decidedOn]
            : state.reentries,
      };
    }
    case 'PenaltyImposed':
      return {
        ...state,
        penaltyDecisionNumbers: new Set(state.penaltyDecisionNumbers).add(
          event.data.decisionNumber.trim(),
        ),
      };
    case 'UpgradeRequested':
      return { ...state, pendingUpgradeRequestOn: event.data.requestedOn };
    case 'ReevaluationProposed': {
      const { reevaluationId, proposedOn, publicityEndsOn, score, article, policy, proposal } =
        event.data;
      const { pendingUpgradeRequestOn: _answered, ...rest } = state;
      return {
        ...(event.data.basis === 'upgrade-request' ? rest : state),
        reevaluations: new Map(state.reevaluations).set(reevaluationId, {
          status: 'publicity',
          proposedOn,
          publicityEndsOn,
          score,
          article,
          policy,
          proposal,
        }),
      };
    }
    case 'ReevaluationPublished': {
      const reevaluation = state.reevaluations.get(event.data.reevaluationId);
      if (!reevaluation) return state;
      return {
        ...state,
        reevaluations: new Map(state.reevaluations).set(event.data.reevaluationId, {
          ...reevaluation,
          status: 'published',
        }),
      };
    }
    case 'AssessmentRecorded':
    case 'ChangeFiledLate':
    case 'InspectionRecorded':
    case 'CreditFindingRecorded':
      return state;
  }
}

export const foldAgency = (events: readonly AgencyEvent[]): AgencyState =>
  events.reduce(evolve, initialAgencyState);

/** A person counts against one-person-one-agency until the departure is recorded. */
export const isEngaged = (person: PersonRecord): boolean =>
  person.status === 'active' || person.status === 'non-technical';
