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
    PersonnelJoined: 2,
    PersonnelLeft: 2,
    PersonnelMovedToNonTechnicalPost: 1,
    EquipmentAdded: 1,
    EquipmentScrapped: 1,
    InspectionRecorded: 1,
    PenaltyImposed: 2,
    PenaltyFulfilled: 1,
    CreditFindingRecorded: 2,
    AgencyDeregistered: 1,
    AssessmentRecorded: 1,
    UpgradeRequested: 1,
    CreditRepairRequested: 1,
    CreditRepairDecided: 1,
    CmaQualificationRevoked: 1,
    DirectoryApplicationFiled: 1,
    DirectoryApplicationDecided: 1,
    AgencyReported: 1,
    AgencyRecordCorrected: 1,
    ReevaluationProposed: 1,
    ReevaluationPublished: 1,
  },
  upcasters: {
    // v2 adds the optional `priorDeparture` (seed 002 §三.6): a v1 hire had none.
    PersonnelJoined: { 1: (data) => data },
    // v2 adds the optional `release` (seed 002 §三.6): a v1 departure was the agency's own.
    PersonnelLeft: { 1: (data) => data },
    // v2 adds the optional `conductOn` (beijing-24): a v1 penalty or finding did not say it.
    PenaltyImposed: { 1: (data) => data },
    CreditFindingRecorded: { 1: (data) => data },
  },
};

/** A stored event of an agency stream as the domain event of today's shape. */
export const decodeAgencyEvent = eventDecoder(AGENCY_EVENT_SCHEMA);

/** The schema version a new agency event of `type` is stored with. */
export const agencySchemaVersion = (type: AgencyEventType): number =>
  schemaVersionIn(AGENCY_EVENT_SCHEMA, type);
