import { eventDecoder, schemaVersionIn, type EventSchema } from '../shared/upcasting';
import type { AgencyEvent, AgencyEventType } from './agency.events';

/**
 * The agency stream's decode point (ADR 010): every type at the version `AgencyEvent` has
 * today, and the upcasters that bring older versions there. A new shape of an event is a new
 * version here, with its upcaster and a test of it; stored events never change.
 */
export const AGENCY_EVENT_SCHEMA: EventSchema<AgencyEvent> = {
  kind: 'agency',
  current: {
    AgencyRegistered: 1,
    RegistrationReviewed: 1,
    RegistrationChanged: 1,
    ChangeFiledLate: 1,
    PersonnelJoined: 1,
    PersonnelLeft: 1,
    PersonnelMovedToNonTechnicalPost: 1,
    EquipmentAdded: 1,
    EquipmentScrapped: 1,
    InspectionRecorded: 1,
    PenaltyImposed: 1,
    CreditFindingRecorded: 1,
    AgencyDeregistered: 1,
    AssessmentRecorded: 1,
    UpgradeRequested: 1,
    CreditRepairRequested: 1,
    CreditRepairDecided: 1,
    CmaQualificationRevoked: 1,
  },
  upcasters: {},
};

/** A stored event of an agency stream as the domain event of today's shape. */
export const decodeAgencyEvent = eventDecoder(AGENCY_EVENT_SCHEMA);

/** The schema version a new agency event of `type` is stored with. */
export const agencySchemaVersion = (type: AgencyEventType): number =>
  schemaVersionIn(AGENCY_EVENT_SCHEMA, type);
