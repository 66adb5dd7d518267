import type { StoredEvent } from '@ledger/event-store';
import {
  AGENCY_EVENT_TYPES,
  decodeAgencyEvent,
  toShanghaiDate,
  type AgencyEvent,
  type AgencyStatus,
  type Commitment,
} from '@ledger/domain';
import type { Projection } from '../projection';

/** The public registry entry of an agency (seed 000 Art. 4, 7: publication is the proof of registration). */
export interface RegistryEntry {
  uscc: string;
  name: string;
  jurisdiction: string;
  category: string;
  serviceTypes: string[];
  monitoringTypes: string[];
  scope: string[];
  status: Exclude<AgencyStatus, 'unregistered'>;
  /** The last formal review returned the filing; the agency is to correct and file again. */
  returned: boolean;
  codeVerified: boolean;
  legalRepresentative: string;
  keyPersonnel: Record<string, string>;
  registeredOn: string;
  approvedOn: string | null;
  reviewDueOn: string | null;
  /** The valid date of the filing under (or last given) formal review: its due date counts from it. */
  reviewFiledOn?: string;
  deregistered: { on: string; reason: string } | null;
  /**
   * A key change of a registered agency awaiting formal review (seed 002 §七.8): shown to its
   * regulator and to the agency, not to the public, and not part of the entry until approved.
   */
  pendingChange: PendingChangeView | null;
  /** How the last review of a key change ended: published from `reviewedOn`, or returned. */
  lastChangeReview: {
    outcome: 'approved' | 'returned';
    reason?: string;
    reviewedOn: string;
    fields: string[];
  } | null;
  /**
   * Bookkeeping, never shown: the legal representative's name as approved and as pending, to
   * tell a new name (reviewed) from a new phone or title (not reviewed).
   */
  legalRepresentativeNames?: { approved: string; pending?: string };
  activePersonnel: number;
  equipmentInService: number;
  lastInspection: { inspectedAt: string; method: string; findings: number } | null;
  penalties: number;
  creditFindings: number;
  lateChangeFilings: number;
  /**
   * 资质认定证书 as filed (seed 000 Art. 2, seed 004 Art. 5(3)); whether it has lapsed depends
   * on the day asked about, so the query says it. Absent from rows built before v1.2.
   */
  cmaCertificate?: {
    number?: string;
    issuer?: string;
    validFrom?: string;
    validUntil?: string;
  } | null;
  /**
   * Every certificate filed, from the day it was filed for (the registration's date, a
   * change's `changedAt`): the standing on a past day is judged on the certificate of that day.
   */
  cmaCertificates?: { from: string; certificate: NonNullable<RegistryEntry['cmaCertificate']> }[];
  /** The CMA qualification revoked (seed 004 Art. 16 ¶2). */
  cmaRevoked?: { on: string; decisionNumber?: string; issuer?: string } | null;
  /**
   * The written commitment published with the registration (seed 000 Art. 4 ¶3, Annex 2; seed
   * 002 §六.1): its text and version as signed, the signer's name masked.
   */
  commitment?: { signedBy: string; signedAt: string; version?: string; text?: string } | null;
  /**
   * Chongqing's directory (seed 001 Art. 20): the days a regulator's approval put the agency
   * back in it (bookkeeping: the query judges the standing on the day asked about, from these
   * and the E grades), and its last application to re-enter. Absent from rows before issue 11.
   */
  directoryReentries?: string[];
  directoryApplication?: DirectoryApplicationView | null;
  /**
   * The host jurisdictions the agency reported to (报备, seed 000 Art. 4 ¶2, seed 002 §一.7), in
   * the order reported; absent from rows built before ADR 016 (read as none).
   */
  reports?: { jurisdiction: string; reportedOn: string }[];
  /**
   * The USCC the agency registered under, which keys its stream and this row; `uscc` differs
   * from it once an administrator corrected the code (seed 002 §七.2, ADR 018). Absent from
   * rows built before ADR 018 (read as `uscc`).
   */
  registeredUscc?: string;
  /**
   * Every correction of the record (seed 002 §七.2, §三.11, §五.3), oldest first: the
   * original stays recorded, and each correction says who made it, when and why.
   */
  corrections?: CorrectionView[];
  version: number;
  updatedAt: string;
  /** Person → status, to count the active staff; never shown (personIds are not published). */
  personnel: Record<string, 'active' | 'non-technical' | 'left' | 'withdrawn'>;
  equipment: Record<string, 'in-service' | 'scrapped'>;
}

/**
 * A correction as the registry shows it. A USCC or an equipment model shows both values; an ID
 * number shows neither (personal data: the events show it masked or in full by role).
 */
export interface CorrectionView {
  field: string;
  from?: string | null;
  to?: string;
  personId?: string;
  equipmentId?: string;
  reason: string;
  evidence?: string;
  article: string;
  correctedOn: string;
  /** Who corrected it (the event's actor), and the event that records it. */
  correctedBy: string | null;
  eventId: string;
  recordedAt: string;
}

/** An application to re-enter Chongqing's directory (seed 001 Art. 20) and where it stands. */
export interface DirectoryApplicationView {
  applicationId: string;
  appliedOn: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedOn: string | null;
}

/** The public form of the fields a key change touches, as filed. */
export interface PendingChangeView {
  fields: {
    name?: string;
    category?: string;
    monitoringTypes?: string[];
    legalRepresentative?: string;
  };
  changedAt: string;
  filedOn: string;
  reviewDueOn: string | null;
}

/** Names of people in the public registry: the surname, the rest masked (张** for 张三丰). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1);
}

/** The commitment as the registry publishes it: the signer's name masked like every name. */
const publishedCommitment = (c: Commitment): RegistryEntry['commitment'] => ({
  signedBy: maskName(c.signedBy),
  signedAt: c.signedAt,
  ...(c.version !== undefined && { version: c.version }),
  ...(c.text !== undefined && { text: c.text }),
});

/**
 * A copy of a record keyed by ids, with one entry set. Built as a dictionary from the start: a
 * spread (`{ ...record, [id]: value }`) makes V8 give every new id a hidden class of its own,
 * several times slower for records whose keys are all different uuids (issue 14, the rebuild).
 */
function withEntry<V extends string>(
  record: Record<string, V>,
  key: string,
  value: V,
): Record<string, V> {
  const copy = Object.create(null) as Record<string, V>;
  for (const k in record) copy[k] = record[k];
  copy[key] = value;
  return Object.setPrototypeOf(copy, Object.prototype) as Record<string, V>;
}

const count = (record: Record<string, string>, value: string) =>
  Object.values(record).filter((v) => v === value).length;

function evolveEntry(
  entry: RegistryEntry | null,
  event: AgencyEvent,
  stored: StoredEvent,
): RegistryEntry | null {
  if (event.type === 'AgencyRegistered') {
    const d = event.data;
    return {
      uscc: d.uscc,
      name: d.name,
      jurisdiction: d.jurisdiction,
      category: d.category,
      serviceTypes: d.serviceTypes,
      monitoringTypes: d.monitoringTypes ?? [],
      scope: d.scope ?? [],
      status: 'pending-review',
      returned: false,
      codeVerified: d.codeVerified,
      legalRepresentative: maskName(d.legalRepresentative.name),
      keyPersonnel: Object.fromEntries(
        Object.entries(d.keyPersonnel ?? {}).map(([role, name]) => [role, maskName(name ?? '')]),
      ),
      registeredOn: toShanghaiDate(stored.occurredAt),
      approvedOn: null,
      reviewDueOn: d.reviewDueOn,
      reviewFiledOn: toShanghaiDate(stored.occurredAt),
      deregistered: null,
      pendingChange: null,
      lastChangeReview: null,
      legalRepresentativeNames: { approved: d.legalRepresentative.name },
      activePersonnel: 0,
      equipmentInService: 0,
      lastInspection: null,
      penalties: 0,
      creditFindings: 0,
      lateChangeFilings: 0,
      cmaCertificate: d.cmaCertificate ?? null,
      cmaCertificates: d.cmaCertificate
        ? [{ from: toShanghaiDate(stored.occurredAt), certificate: d.cmaCertificate }]
        : [],
      cmaRevoked: null,
      commitment: publishedCommitment(d.commitment),
      reports: [],
      registeredUscc: d.uscc,
      corrections: [],
      version: stored.version,
      updatedAt: stored.recordedAt,
      personnel: {},
      equipment: {},
    };
  }
  if (entry === null) return null;
  const next: RegistryEntry = { ...entry, version: stored.version, updatedAt: stored.recordedAt };
  switch (event.type) {
    case 'RegistrationReviewed': {
      const pending = next.pendingChange;
      if (next.status === 'registered' && pending) {
        // Approval publishes the change from the review's valid date; a return closes it and
        // the approved entry stands (seed 002 §七.8).
        const review = {
          outcome: event.data.outcome,
          ...(event.data.reason !== undefined && { reason: event.data.reason }),
          reviewedOn: event.data.reviewedOn,
          fields: Object.keys(pending.fields),
        };
        const names = next.legalRepresentativeNames;
        return event.data.outcome === 'approved'
          ? {
              ...next,
              ...pending.fields,
              pendingChange: null,
              lastChangeReview: review,
              ...(names && {
                legalRepresentativeNames: { approved: names.pending ?? names.approved },
              }),
            }
          : {
              ...next,
              pendingChange: null,
              lastChangeReview: review,
              ...(names && { legalRepresentativeNames: { approved: names.approved } }),
            };
      }
      return event.data.outcome === 'approved'
        ? {
            ...next,
            status: 'registered',
            returned: false,
            approvedOn: next.approvedOn ?? event.data.reviewedOn,
          }
        : { ...next, returned: true };
    }
    case 'RegistrationChanged': {
      const { changes, needsReview } = event.data;
      let c = changes;
      let pendingChange = next.pendingChange ?? null;
      let names = next.legalRepresentativeNames;
      if (next.status === 'registered') {
        // The domain's rule (agency.ts): a key field, or one already awaiting review, waits.
        const held = { ...pendingChange?.fields };
        const rest: typeof changes = { ...changes };
        const waits = (field: keyof PendingChangeView['fields']) =>
          field in held ||
          (field === 'legalRepresentative'
            ? needsReview &&
              changes.legalRepresentative!.name !== (names?.pending ?? names?.approved)
            : true);
        for (const field of [
          'name',
          'category',
          'monitoringTypes',
          'legalRepresentative',
        ] as const) {
          if (changes[field] === undefined || !waits(field)) continue;
          delete rest[field];
          if (field === 'legalRepresentative') {
            held.legalRepresentative = maskName(changes.legalRepresentative!.name);
            names = { approved: names?.approved ?? '', pending: changes.legalRepresentative!.name };
          } else if (field === 'monitoringTypes') held.monitoringTypes = changes.monitoringTypes;
          else held[field] = changes[field];
        }
        if (Object.keys(held).length > 0) {
          pendingChange =
            needsReview || !pendingChange
              ? {
                  fields: held,
                  changedAt: event.data.changedAt,
                  filedOn: event.data.filedOn,
                  reviewDueOn: event.data.reviewDueOn,
                }
              : { ...pendingChange, fields: held };
        }
        c = rest;
      } else if (changes.legalRepresentative !== undefined) {
        names = { approved: changes.legalRepresentative.name };
      }
      const stillFiling = next.status !== 'registered';
      return {
        ...next,
        pendingChange,
        ...(names && { legalRepresentativeNames: names }),
        ...(c.name !== undefined && { name: c.name }),
        ...(c.category !== undefined && { category: c.category }),
        ...(c.serviceTypes !== undefined && { serviceTypes: c.serviceTypes }),
        ...(c.monitoringTypes !== undefined && { monitoringTypes: c.monitoringTypes }),
        ...(c.scope !== undefined && { scope: c.scope }),
        ...(c.legalRepresentative !== undefined && {
          legalRepresentative: maskName(c.legalRepresentative.name),
        }),
        ...(c.keyPersonnel !== undefined && {
          keyPersonnel: Object.fromEntries(
            Object.entries(c.keyPersonnel).map(([role, name]) => [role, maskName(name ?? '')]),
          ),
        }),
        ...(c.cmaCertificate !== undefined && {
          cmaCertificate: c.cmaCertificate,
          cmaCertificates: [
            ...(next.cmaCertificates ?? []),
            { from: event.data.changedAt, certificate: c.cmaCertificate },
          ],
        }),
        ...(event.data.commitment !== undefined && {
          commitment: publishedCommitment(event.data.commitment),
        }),
        ...(needsReview &&
          stillFiling && {
            returned: false,
            reviewDueOn: event.data.reviewDueOn,
            reviewFiledOn: event.data.filedOn,
          }),
      };
    }
    case 'ChangeFiledLate':
      next.lateChangeFilings += 1;
      return next;
    case 'PersonnelJoined':
    case 'PersonnelLeft':
    case 'PersonnelMovedToNonTechnicalPost': {
      const status =
        event.type === 'PersonnelJoined'
          ? event.data.technical
            ? 'active'
            : 'non-technical'
          : event.type === 'PersonnelLeft'
            ? 'left'
            : 'non-technical';
      const personnel = withEntry(next.personnel, event.data.personId, status);
      // `next` is this call's own copy: set on it, not spread again (personnel and equipment
      // are three quarters of an agency's events, and a rebuild folds every one).
      next.personnel = personnel;
      next.activePersonnel = count(personnel, 'active');
      return next;
    }
    case 'EquipmentAdded':
    case 'EquipmentScrapped': {
      const equipment = withEntry(
        next.equipment,
        event.data.equipmentId,
        event.type === 'EquipmentAdded' ? 'in-service' : 'scrapped',
      );
      next.equipment = equipment;
      next.equipmentInService = count(equipment, 'in-service');
      return next;
    }
    case 'InspectionRecorded': {
      const { inspectedAt, method, findings } = event.data;
      const later = !next.lastInspection || inspectedAt >= next.lastInspection.inspectedAt;
      if (later) next.lastInspection = { inspectedAt, method, findings: findings.length };
      return next;
    }
    case 'PenaltyImposed':
      next.penalties += 1;
      return next;
    case 'CreditFindingRecorded':
      next.creditFindings += 1;
      return next;
    case 'AgencyDeregistered':
      return {
        ...next,
        status: 'deregistered',
        deregistered: { on: event.data.deregisteredOn, reason: event.data.reason },
        pendingChange: null,
      };
    case 'CmaQualificationRevoked': {
      const { revokedOn, decisionNumber, issuer } = event.data;
      return {
        ...next,
        cmaRevoked: {
          on: revokedOn,
          ...(decisionNumber !== undefined && { decisionNumber }),
          ...(issuer !== undefined && { issuer }),
        },
      };
    }
    case 'DirectoryApplicationFiled':
      return {
        ...next,
        directoryApplication: {
          applicationId: event.data.applicationId,
          appliedOn: event.data.appliedOn,
          status: 'pending',
          decidedOn: null,
        },
      };
    case 'DirectoryApplicationDecided': {
      const { applicationId, outcome, decidedOn } = event.data;
      const application = next.directoryApplication;
      return {
        ...next,
        ...(application?.applicationId === applicationId && {
          directoryApplication: { ...application, status: outcome, decidedOn },
        }),
        ...(outcome === 'approved' && {
          directoryReentries: [...(next.directoryReentries ?? []), decidedOn],
        }),
      };
    }
    case 'AgencyReported':
      return {
        ...next,
        reports: [
          ...(next.reports ?? []),
          { jurisdiction: event.data.jurisdiction, reportedOn: event.data.reportedOn },
        ],
      };
    case 'AgencyRecordCorrected': {
      const c = event.data;
      const view: CorrectionView = {
        field: c.field,
        ...(c.field === 'uscc' && { from: c.from, to: c.to }),
        ...(c.field === 'equipment.model' && {
          equipmentId: c.equipmentId,
          from: c.from,
          to: c.to,
        }),
        ...((c.field === 'personnel.idNumber' || c.field === 'personnel.withdrawn') && {
          personId: c.personId,
        }),
        reason: c.reason,
        ...(c.evidence !== undefined && { evidence: c.evidence }),
        article: c.article,
        correctedOn: c.correctedOn,
        correctedBy: typeof stored.metadata.actor === 'string' ? stored.metadata.actor : null,
        eventId: stored.eventId,
        recordedAt: stored.recordedAt,
      };
      const personnel =
        c.field === 'personnel.withdrawn'
          ? { ...next.personnel, [c.personId]: 'withdrawn' as const }
          : next.personnel;
      return {
        ...next,
        personnel,
        activePersonnel: count(personnel, 'active'),
        ...(c.field === 'uscc' && {
          uscc: c.to,
          registeredUscc: next.registeredUscc ?? entry.uscc,
        }),
        corrections: [...(next.corrections ?? []), view],
      };
    }
    case 'PenaltyFulfilled':
    case 'AssessmentRecorded':
    case 'UpgradeRequested':
    case 'CreditRepairRequested':
    case 'CreditRepairDecided':
    case 'ReevaluationProposed':
    case 'ReevaluationPublished':
      return next;
  }
}

export const registryProjection: Projection<RegistryEntry> = {
  name: 'registry',
  table: 'registry_entries',
  inline: 'stream',
  handles: new Set(AGENCY_EVENT_TYPES),
  keyOf: (event) =>
    event.streamId.startsWith('agency-') ? event.streamId.slice('agency-'.length) : null,
  evolve: (row, event) => evolveEntry(row, decodeAgencyEvent(event), event),
  columns: (row) => ({
    uscc: row.uscc,
    name: row.name,
    jurisdiction: row.jurisdiction,
    status: row.status,
    updated_at: row.updatedAt,
  }),
};
