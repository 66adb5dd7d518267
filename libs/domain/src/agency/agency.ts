import type { AgencyEvent, Jurisdiction, PersonnelRole, RegistrationFields } from './agency.events';

export type AgencyStatus = 'unregistered' | 'pending-review' | 'registered' | 'deregistered';

export interface PersonRecord {
  personId: string;
  idNumberHash: string;
  name: string;
  role: PersonnelRole;
  status: 'active' | 'non-technical' | 'left';
  joinedAt?: string;
}

export interface AgencyState {
  status: AgencyStatus;
  uscc?: string;
  jurisdiction?: Jurisdiction;
  registration?: RegistrationFields;
  /** Whether the last formal review returned the filing. */
  returned: boolean;
  /** The valid date of the filing (registration or change) awaiting or last given review. */
  filedOn?: string;
  /** The valid date of the registration. */
  registeredOn?: string;
  /** The day the CMA qualification was revoked (seed 004 Art. 16 ¶2), if it was. */
  cmaRevokedOn?: string;
  personnel: ReadonlyMap<string, PersonRecord>;
  equipment: ReadonlyMap<string, 'in-service' | 'scrapped'>;
  repairs: ReadonlyMap<
    string,
    {
      recordEventId: string;
      status: 'pending' | 'approved' | 'rejected';
      requestedOn: string;
    }
  >;
}

export const initialAgencyState: AgencyState = {
  status: 'unregistered',
  returned: false,
  personnel: new Map(),
  equipment: new Map(),
  repairs: new Map(),
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
        jurisdiction,
        registration,
        returned: false,
        filedOn,
        registeredOn: filedOn,
      };
    }
    case 'RegistrationReviewed':
      return event.data.outcome === 'approved'
        ? { ...state, status: 'registered', returned: false }
        : { ...state, status: 'pending-review', returned: true };
    case 'RegistrationChanged':
      return {
        ...state,
        registration: { ...state.registration!, ...event.data.changes },
        status: event.data.needsReview ? 'pending-review' : state.status,
        returned: event.data.needsReview ? false : state.returned,
        filedOn: event.data.needsReview ? event.data.filedOn : state.filedOn,
      };
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
      };
    case 'EquipmentScrapped':
      return {
        ...state,
        equipment: new Map(state.equipment).set(event.data.equipmentId, 'scrapped'),
      };
    case 'AgencyDeregistered':
      return { ...state, status: 'deregistered' };
    case 'CmaQualificationRevoked':
      return { ...state, cmaRevokedOn: event.data.revokedOn };
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
    case 'AssessmentRecorded':
    case 'UpgradeRequested':
    case 'ChangeFiledLate':
    case 'InspectionRecorded':
    case 'PenaltyImposed':
    case 'CreditFindingRecorded':
      return state;
  }
}

export const foldAgency = (events: readonly AgencyEvent[]): AgencyState =>
  events.reduce(evolve, initialAgencyState);

/** A person counts against one-person-one-agency until the departure is recorded. */
export const isEngaged = (person: PersonRecord): boolean => person.status !== 'left';
