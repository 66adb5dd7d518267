import type { CalendarVersions } from '../calendar/official-calendar';
import type { GradeDecision, PolicyRef } from '../grading/grading.types';
/**
 * What is recorded about an agency, one stream per agency keyed by its USCC. Past tense,
 * type-only. A stored event's shape never changes: a new shape is a new schemaVersion with an
 * upcaster (see STYLE.md).
 */

export const JURISDICTIONS = ['beijing', 'chongqing', 'jiaxing', 'urumqi'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
export type AgencyCategory = 'comprehensive' | 'radiation' | 'automatic-om' | 'other';
export type ServiceType = 'public-monitoring' | 'self-monitoring';
export type MonitoringType = 'testing' | 'automatic-om';

/**
 * Personal data inside an event: encrypted under a key kept outside the ledger, so that
 * destroying the key erases the data for good while every hash still matches (PIPL).
 * Opaque to the domain.
 */
export interface SealedPersonalData {
  $pii: { subject: string; kind: PersonalDataKind; iv: string; ct: string; tag: string };
}

export type PersonalDataKind = 'resident-id' | 'phone' | 'person-name';

/**
 * A person a penalty or a finding names as responsible (相关责任人, seed 000 Art. 10; 涉事人员,
 * seed 001 Art. 20(二)): found across agencies by the keyed hash of the ID number, which with
 * the name is sealed under the person's key (ADR 005), so erasing the person erases both.
 */
export interface ResponsiblePerson {
  idNumberHash: string;
  idNumber: SealedPersonalData;
  name: SealedPersonalData;
  /** What the person did in the matter (e.g. 'authorised-signatory', 'technical-lead'). */
  role?: string;
  /**
   * The last day of a ban from practising (禁止从业期限) the decision imposes on the person;
   * it runs from the decision's date (seed 000 Art. 9(2)). Absent: no ban.
   */
  bannedUntil?: string;
}

export interface Commitment {
  signedBy: string;
  signedAt: string;
  /**
   * The version of the commitment text signed (seed 000 Annex 2, seed 002 §六.1), e.g. the
   * template's edition; recorded with `text` and published with the registration. Absent
   * before v1.2 and when the filer gave none.
   */
  version?: string;
  /** The text signed, as signed: published with the registration (seed 002 §六.1). */
  text?: string;
}

export interface LegalRepresentative {
  name: string;
  title?: string;
  phone?: SealedPersonalData;
}

/** The filed registration (备案登记表, seed 000 Annex 1), as it stands after every change. */
export interface RegistrationFields {
  name: string;
  category: AgencyCategory;
  serviceTypes: ServiceType[];
  monitoringTypes?: MonitoringType[];
  scope?: string[];
  addresses?: { registered?: string; workplace?: string; office?: string };
  legalRepresentative: LegalRepresentative;
  contact?: { phone?: SealedPersonalData; email?: string };
  ownership?: string;
  /** 资质认定证书 (seed 000 Art. 2, seed 004 Art. 5(3)); validFrom absent before v1.2. */
  cmaCertificate?: { number?: string; issuer?: string; validFrom?: string; validUntil?: string };
  keyPersonnel?: {
    technicalLead?: string;
    qualityLead?: string;
    authorisedSignatory?: string;
    topManager?: string;
  };
}

export type ChangeableField = keyof RegistrationFields;

export interface AgencyRegistered {
  type: 'AgencyRegistered';
  data: RegistrationFields & {
    uscc: string;
    jurisdiction: Jurisdiction;
    commitment: Commitment;
    /** False when a regulator or admin registered a code that fails its check character. */
    codeVerified: boolean;
    /** The Shanghai date of the filing: the valid date of the command (absent before v1.1). */
    filedOn?: string;
    /** Formal review due (seed 000 Art. 7: 5 working days); null past the recorded calendar. */
    reviewDueOn: string | null;
    /** The version of each calendar year the due date was computed with. */
    calendar?: CalendarVersions;
    /** The year whose official calendar was missing when reviewDueOn came out null. */
    calendarMissing?: number;
  };
}

export interface RegistrationReviewed {
  type: 'RegistrationReviewed';
  data: { outcome: 'approved' | 'returned'; reason?: string; reviewedOn: string };
}

export interface RegistrationChanged {
  type: 'RegistrationChanged';
  data: {
    changes: Partial<RegistrationFields>;
    changedAt: string;
    filedOn: string;
    /** Name, category, legal representative or monitoring type changed: reviewed again. */
    needsReview: boolean;
    reviewDueOn: string | null;
    calendar?: CalendarVersions;
    calendarMissing?: number;
    commitment?: Commitment;
  };
}

/** A change filed more than one month after it happened: itself a recordable finding. */
export interface ChangeFiledLate {
  type: 'ChangeFiledLate';
  data: { changedAt: string; filedOn: string; dueBy: string; article: string };
}

export type PersonnelRole =
  | 'technical-management'
  | 'quality-management'
  | 'sample-management'
  | 'field-sampling'
  | 'field-testing'
  | 'laboratory-analysis'
  | 'report-preparation'
  | 'report-review'
  | 'authorised-signatory'
  | 'field-om'
  | 'quality-supervision';

export interface PersonnelJoined {
  type: 'PersonnelJoined';
  data: {
    personId: string;
    /** Keyed hash of the resident ID number: finds the person across agencies, reveals nothing. */
    idNumberHash: string;
    idNumber: SealedPersonalData;
    name: string;
    role: PersonnelRole;
    technical: boolean;
    education?: string;
    title?: string;
    joinedAt?: string;
    /**
     * v2. The person left an agency that never recorded it (seed 002 §三.6): the hiring agency
     * recorded the departure on that agency's stream too, with this date and proof.
     */
    priorDeparture?: PriorDeparture;
  };
}

/** A departure the hiring agency records on the agency the person left (national-faq-3-6). */
export interface PriorDeparture {
  /** The agency the person left. */
  uscc: string;
  leftAt: string;
  proof: string;
}

/**
 * Why a departure was recorded by someone other than the agency or its regulator (v2):
 * deregistration releases the staff (seed 002 §三.6, §七.9), or the hiring agency recorded
 * it with proof (seed 002 §三.6, §七.3).
 */
export type DepartureRelease =
  { cause: 'agency-deregistered' } | { cause: 'hired-elsewhere'; hiringAgency: string };

export interface PersonnelLeft {
  type: 'PersonnelLeft';
  data: { personId: string; leftAt: string; proof?: string; release?: DepartureRelease };
}

export interface PersonnelMovedToNonTechnicalPost {
  type: 'PersonnelMovedToNonTechnicalPost';
  data: { personId: string; changedAt: string };
}

export interface EquipmentAdded {
  type: 'EquipmentAdded';
  data: {
    equipmentId: string;
    name: string;
    model?: string;
    serial?: string;
    manufacturer?: string;
    acquiredAt?: string;
    calibratedUntil?: string;
  };
}

export interface EquipmentScrapped {
  type: 'EquipmentScrapped';
  data: { equipmentId: string; scrappedAt: string };
}

export type InspectionMethod =
  'on-site' | 'off-site' | 'blind-sample' | 'inter-lab-comparison' | 'record-review';
export type FindingCode =
  | 'non-standard-monitoring'
  | 'sample-management'
  | 'record-keeping'
  | 'quality-system'
  | 'capability-mismatch'
  | 'untrue-report'
  | 'false-report'
  | 'refused-inspection'
  | 'refused-rectification'
  | 'other';
export type SupervisionMeasure = 'written-notice' | 'interview' | 'public-notice';

/**
 * The item of an article a finding is under, where a jurisdiction's rules list items (seed 004
 * Art. 7–14: `urumqi-7-1` … `urumqi-14`); the `code` stays the parent category.
 */
export const FINDING_ITEMS = [
  'urumqi-7-1',
  'urumqi-7-2',
  'urumqi-7-3',
  'urumqi-7-4',
  'urumqi-8-1',
  'urumqi-8-2',
  'urumqi-8-3',
  'urumqi-8-4',
  'urumqi-9-1',
  'urumqi-9-2',
  'urumqi-9-3',
  'urumqi-9-4',
  'urumqi-9-5',
  'urumqi-9-6',
  'urumqi-9-7',
  'urumqi-10',
  'urumqi-11-1',
  'urumqi-11-2',
  'urumqi-11-3',
  'urumqi-11-4',
  'urumqi-12-1',
  'urumqi-12-2',
  'urumqi-12-3',
  'urumqi-12-4',
  'urumqi-12-5',
  'urumqi-13',
  'urumqi-14',
] as const;
export type FindingItem = (typeof FINDING_ITEMS)[number];

/**
 * 监测业务类型 supervised (seed 004 Art. 6): commissioned monitoring, self-monitoring of
 * polluters, soil pollution surveys, EIA baseline and completion-acceptance monitoring,
 * automatic-monitoring O&M, other.
 */
export const BUSINESS_TYPES = [
  'commissioned',
  'self-monitoring',
  'soil-pollution-survey',
  'eia-and-acceptance',
  'automatic-om',
  'other',
] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];

/**
 * The recording authority of a regulator: the ecology (environment) bureau, or, where the rules
 * make it a co-authority, the market-regulation bureau (seed 004 Art. 2, 15, 16).
 */
export const REGULATOR_AUTHORITIES = ['ecology', 'market-regulation'] as const;
export type RegulatorAuthority = (typeof REGULATOR_AUTHORITIES)[number];

export interface InspectionFinding {
  code: FindingCode;
  /** The article item (seed 004 Art. 7–14), under `code` as its parent; absent when not given. */
  item?: FindingItem;
  description?: string;
}

export interface InspectionRecorded {
  type: 'InspectionRecorded';
  data: {
    inspectedAt: string;
    method: InspectionMethod;
    findings: InspectionFinding[];
    authority?: string;
    measures?: SupervisionMeasure[];
    /** The 双随机 inspection plan this inspection carries out (absent before issue 11). */
    planId?: string;
    /** The business supervised (seed 004 Art. 6). */
    businessType?: BusinessType;
    /** Which bureau recorded it, where two may (seed 004 Art. 2, 15). */
    recordingAuthority?: RegulatorAuthority;
    /**
     * The jurisdiction whose regulator recorded it: a host the agency reported to (seed 000
     * Art. 4 ¶2, seed 002 §一.7). Absent: the agency's home jurisdiction (ADR 016).
     */
    recordingJurisdiction?: Jurisdiction;
    /** The persons responsible for what it found (seed 000 Art. 10); no ban (a penalty's). */
    responsiblePersons?: ResponsiblePerson[];
  };
}

export type ViolationType =
  'data-fraud' | 'false-report' | 'untrue-report' | 'false-om' | 'refused-inspection' | 'other';

/** 处罚类别 (API.md v1.1; the kinds of 行政处罚法 Art. 9 a monitoring agency meets). */
export type PenaltyCategory =
  'warning' | 'fine' | 'confiscation' | 'suspension' | 'licence-revocation' | 'other';

export interface PenaltyImposed {
  type: 'PenaltyImposed';
  data: {
    decisionNumber: string;
    decidedAt: string;
    violationType: ViolationType;
    legalBasis: string;
    content: string;
    fineYuan?: number;
    authority?: string;
    /**
     * v2. The date of the conduct the decision concerns (违法行为发生日期), when given: a
     * decision after the agency deregistered is recorded for conduct before it (beijing-24).
     */
    conductOn?: string;
    /** 违法事实: the facts found, where given apart from the content. */
    facts?: string;
    /** 处罚类别. */
    categories?: PenaltyCategory[];
    /** 没收违法所得、没收非法财物的金额, yuan. */
    confiscatedYuan?: number;
    /** v2. The deadline to fulfil the decision (履行期限); overdue, it counts (Chongqing Art. 16(5)–(6)). */
    dueBy?: string;
    /** The business the violation concerns (seed 004 Art. 6). */
    businessType?: BusinessType;
    /** Which bureau recorded it, where two may (seed 004 Art. 2, 16). */
    recordingAuthority?: RegulatorAuthority;
    /** A host jurisdiction's regulator recorded it (ADR 016); absent: the home jurisdiction. */
    recordingJurisdiction?: Jurisdiction;
    /** The persons responsible the decision names (seed 000 Art. 10, seed 001 Art. 20(二)). */
    responsiblePersons?: ResponsiblePerson[];
  };
}

/** The penalty named was fulfilled (履行) on `fulfilledOn`: recorded by the regulator. */
export interface PenaltyFulfilled {
  type: 'PenaltyFulfilled';
  data: { penaltyEventId: string; fulfilledOn: string };
}

export type CreditFindingKind =
  | 'credit-bad'
  | 'police-case-opened'
  | 'serious-dishonesty-listed'
  | 'serious-dishonesty-removed'
  /** Jiaxing (十一)1: 无故不参与 the credit evaluation the regulator organises. */
  | 'refused-evaluation'
  /** Chongqing Art. 16(2): 列入政府采购严重违法失信行为记录, with the ban's end (`bannedUntil`). */
  | 'procurement-blacklisted';

export interface CreditFindingRecorded {
  type: 'CreditFindingRecorded';
  data: {
    kind: CreditFindingKind;
    article: string;
    decidedAt: string;
    description?: string;
    /** v2. The date of the conduct it concerns, as for a penalty (beijing-24). */
    conductOn?: string;
    /**
     * The last day of a procurement ban (禁入期限, Chongqing Art. 16(2)): required for
     * `procurement-blacklisted`, absent otherwise. The E it causes ends the day after.
     */
    bannedUntil?: string;
    /** A host jurisdiction's regulator recorded it (ADR 016); absent: the home jurisdiction. */
    recordingJurisdiction?: Jurisdiction;
    /** The persons responsible the finding names (seed 000 Art. 10, seed 001 Art. 20(二)). */
    responsiblePersons?: ResponsiblePerson[];
    /**
     * A finding the ledger recorded itself on a hire (seed 000 Art. 9(2)): the person hired
     * inside a ban, by the identity hash, and the decision that banned them.
     */
    hire?: { personId: string; idNumberHash: string; bannedBy: string; bannedUntil: string };
  };
}

/**
 * 报备 (seed 000 Art. 4 ¶2, seed 002 §一.7): an agency registered in its home jurisdiction
 * reports to a host jurisdiction, by its USCC, to work there without filing again. From
 * `reportedOn` the host's regulator supervises it there.
 */
export interface AgencyReported {
  type: 'AgencyReported';
  data: { jurisdiction: Jurisdiction; reportedOn: string };
}

export type DeregistrationReason = 'voluntary' | 'legal-person-terminated' | 'qualification-lost';

export interface AgencyDeregistered {
  type: 'AgencyDeregistered';
  data: {
    reason: DeregistrationReason;
    deregisteredOn: string;
    /**
     * Set when the registration authority deregistered the agency of its own motion (seed 002
     * §一.10), with the item cited and what it rests on; absent for a deregistration on request.
     */
    byAuthority?: { article: string; basis: string };
  };
}

/**
 * The CMA qualification (检验检测资质) revoked, cancelled or withdrawn by the issuing authority
 * at the request of market regulation (seed 004 Art. 16 ¶2): from `revokedOn` the agency no
 * longer meets seed 004 Art. 5(3).
 */
export interface CmaQualificationRevoked {
  type: 'CmaQualificationRevoked';
  data: {
    revokedOn: string;
    /** The revoking decision's number, where known. */
    decisionNumber?: string;
    /** The issuing authority that revoked it. */
    issuer?: string;
    reason?: string;
    recordingAuthority?: RegulatorAuthority;
  };
}

/** The year's assessment (score 0–100) a cycle grades from (Beijing Art. 14, Chongqing Art. 14, Jiaxing (九)). */
export interface AssessmentRecorded {
  type: 'AssessmentRecorded';
  data: {
    year: number;
    score: number;
    indicators?: { code: string; score: number }[];
    /** Jiaxing's risk assessment score. */
    riskScore?: number;
    /** No business in the year: not graded (Beijing Art. 15, Chongqing Art. 13). */
    noBusiness: boolean;
  };
}

export interface UpgradeRequested {
  type: 'UpgradeRequested';
  data: { reason?: string; requestedOn: string; currentGrade: string };
}

/** 信用修复 (seed 000 Art. 20): an application to stop the public display of a record. */
export interface CreditRepairRequested {
  type: 'CreditRepairRequested';
  data: {
    repairId: string;
    recordEventId: string;
    recordType: string;
    reason: string;
    requestedOn: string;
  };
}

export interface CreditRepairDecided {
  type: 'CreditRepairDecided';
  data: {
    repairId: string;
    recordEventId: string;
    outcome: 'approved' | 'rejected';
    reason?: string;
    /** From this day on an approved repair's record is no longer publicly displayed. */
    decidedOn: string;
  };
}

/**
 * Seed 001 Art. 20: an agency out of Chongqing's directory after an E applies to re-enter it,
 * once its bar (2 years, 5 after a second E) has run. It records the standing it was judged on.
 */
export interface DirectoryApplicationFiled {
  type: 'DirectoryApplicationFiled';
  data: {
    applicationId: string;
    reason?: string;
    appliedOn: string;
    /** The day the agency left the directory, and the first day it might apply, as judged. */
    delistedOn: string;
    barredUntil: string;
    /** `chongqing-20-1`, or `chongqing-20-3` after a second E. */
    article: string;
  };
}

/** The regulator's decision on it: approved, the agency is back in the directory from `decidedOn`. */
export interface DirectoryApplicationDecided {
  type: 'DirectoryApplicationDecided';
  data: {
    applicationId: string;
    outcome: 'approved' | 'rejected';
    reason?: string;
    decidedOn: string;
  };
}

/**
 * The fields of the record a correction may set right (seed 002 §七.2, §三.11, §五.3): the
 * USCC and a person's resident ID number, core identity that the agency may not change itself;
 * a non-technical person entered in error, withdrawn from the record (§三.10); an equipment
 * model entered wrongly.
 */
export const CORRECTABLE_FIELDS = [
  'uscc',
  'personnel.idNumber',
  'personnel.withdrawn',
  'equipment.model',
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** What a correction sets right: the value as recorded (`from`) and as it should be (`to`). */
export type RecordCorrection =
  | { field: 'uscc'; from: string; to: string }
  | {
      field: 'personnel.idNumber';
      personId: string;
      /** Identity hashes (ADR 005) of the wrong number and the right one; never the numbers. */
      fromHash: string;
      toHash: string;
      /** The right number, sealed under its person's key like every ID number. */
      to: SealedPersonalData;
    }
  | {
      /** A non-technical person entered in error (§三.10): withdrawn, never deleted. */
      field: 'personnel.withdrawn';
      personId: string;
    }
  | { field: 'equipment.model'; equipmentId: string; from: string | null; to: string };

/**
 * A wrong entry of the record set right (修改申请, seed 002 §七.2, §三.11, §五.3) by a
 * compensating event: the original stays in the stream and the hash chain, and this one says
 * what it should have been, why, and on what evidence. Who corrected it is the event's actor.
 */
export interface AgencyRecordCorrected {
  type: 'AgencyRecordCorrected';
  data: RecordCorrection & {
    reason: string;
    /** The supporting material (佐证材料) the correction rests on, where given. */
    evidence?: string;
    /** The valid date of the correction. */
    correctedOn: string;
    /** The item of seed 002 the correction is made under. */
    article: string;
  };
}

/** Why a Beijing agency is evaluated again between cycles. */
export const REEVALUATION_BASES = ['upgrade-request', 'supervision'] as const;
export type ReevaluationBasis = (typeof REEVALUATION_BASES)[number];

/**
 * A re-evaluation between cycles (seed 000 Art. 23 after an accepted upgrade request, Art. 22
 * from day-to-day supervision): the regulator records the new score, the policy proposes the
 * grade, and publicity runs where the policy has it (Art. 16).
 */
export interface ReevaluationProposed {
  type: 'ReevaluationProposed';
  data: {
    reevaluationId: string;
    basis: ReevaluationBasis;
    /** `beijing-23` after an upgrade request, `beijing-22` from supervision. */
    article: string;
    score: number;
    reason?: string;
    proposedOn: string;
    /** The upgrade request it answers (its valid date), for basis `upgrade-request`. */
    upgradeRequestedOn?: string;
    publicityEndsOn: string;
    calendar?: CalendarVersions;
    policy: PolicyRef;
    proposal: GradeDecision;
  };
}

/** Published after publicity: the grade in force from `publishedOn` (seed 000 Art. 16, 22, 23). */
export interface ReevaluationPublished {
  type: 'ReevaluationPublished';
  data: {
    reevaluationId: string;
    publishedOn: string;
    policy: PolicyRef;
    grade: GradeDecision;
  };
}

export type AgencyEvent =
  | AgencyRegistered
  | RegistrationReviewed
  | RegistrationChanged
  | ChangeFiledLate
  | PersonnelJoined
  | PersonnelLeft
  | PersonnelMovedToNonTechnicalPost
  | EquipmentAdded
  | EquipmentScrapped
  | InspectionRecorded
  | PenaltyImposed
  | PenaltyFulfilled
  | CreditFindingRecorded
  | AgencyDeregistered
  | AssessmentRecorded
  | UpgradeRequested
  | CreditRepairRequested
  | CreditRepairDecided
  | CmaQualificationRevoked
  | AgencyReported
  | DirectoryApplicationFiled
  | DirectoryApplicationDecided
  | AgencyRecordCorrected
  | ReevaluationProposed
  | ReevaluationPublished;

export type AgencyEventType = AgencyEvent['type'];

export const AGENCY_EVENT_TYPES: readonly AgencyEventType[] = [
  'AgencyRegistered',
  'RegistrationReviewed',
  'RegistrationChanged',
  'ChangeFiledLate',
  'PersonnelJoined',
  'PersonnelLeft',
  'PersonnelMovedToNonTechnicalPost',
  'EquipmentAdded',
  'EquipmentScrapped',
  'InspectionRecorded',
  'PenaltyImposed',
  'PenaltyFulfilled',
  'CreditFindingRecorded',
  'AgencyDeregistered',
  'AssessmentRecorded',
  'UpgradeRequested',
  'CreditRepairRequested',
  'CreditRepairDecided',
  'CmaQualificationRevoked',
  'AgencyReported',
  'DirectoryApplicationFiled',
  'DirectoryApplicationDecided',
  'AgencyRecordCorrected',
  'ReevaluationProposed',
  'ReevaluationPublished',
];

export const agencyStreamId = (uscc: string): string => `agency-${uscc}`;
