import type { StoredEvent } from '@ledger/event-store';
import {
  decodeAgencyEvent,
  displayPeriodOfRecord,
  toShanghaiDate,
  type AgencyEvent,
  type AgencyEventType,
} from '@ledger/domain';
import type { Projection } from '../projection';

/**
 * An agency's credit record (信用记录): its penalties, credit findings, late change filings and
 * inspections with findings, each with the credit repairs (信用修复, seed 000 Art. 20) asked
 * for it. Bitemporal: every record keeps its valid time (`occurredOn`, the decision date) and
 * its system time (`recordedAt`), every repair the system times of its request and decision,
 * so `creditRecordAt` answers any (asOf, knownAt) pair from the `credit_records` rows alone.
 * A repaired record is never dropped: only its public display stops.
 */
export interface CreditRecordDocument {
  uscc: string;
  /** In the order the ledger recorded them. */
  records: CreditRecord[];
  /** Stream version and system time of the last event applied. */
  version: number;
  updatedAt: string;
}

export type CreditRecordKind = 'penalty' | 'credit-finding' | 'late-change' | 'inspection-finding';

export interface CreditRecord {
  /** The event that recorded it: what a repair application names. */
  recordEventId: string;
  kind: CreditRecordKind;
  /** Valid time: the decision date (decidedAt, filedOn, inspectedAt), a bare date. */
  occurredOn: string;
  /** System time: when the ledger stored it. */
  recordedAt: string;
  summary: CreditRecordSummary;
  /** Every repair asked for it, oldest first; only the last can be pending or approved. */
  repairs: CreditRepair[];
  /** NDRC Order No. 58: the first day a repair may be applied for (its minimum display). */
  repairableFrom: string;
  /** 公示截止期: the last day it is displayed, at its maximum period (NDRC Order No. 58). */
  displayUntil: string;
}

/** The record's public fields; a penalty's are the public credit platform's. */
export type CreditRecordSummary =
  | {
      decisionNumber: string;
      decidedAt: string;
      violationType: string;
      legalBasis: string;
      content: string;
      fineYuan: number | null;
      authority: string | null;
      /** 履行期限, where the decision set one. */
      dueBy?: string;
      /** 违法事实, 处罚类别, 没收金额 (yuan), where given (the 双公示 layout). */
      facts?: string;
      categories?: string[];
      confiscatedYuan?: number;
      /** 监测业务类型 and the recording bureau (seed 004 Art. 2, 6), where given. */
      businessType?: string;
      recordingAuthority?: string;
      /** A host jurisdiction recorded it (ADR 016). */
      recordedIn?: string;
    }
  | {
      kind: string;
      article: string;
      decidedAt: string;
      description: string | null;
      /** The procurement ban's last day (Chongqing Art. 16(2)), for a blacklisting. */
      bannedUntil?: string;
      recordedIn?: string;
    }
  | { changedAt: string; filedOn: string; dueBy: string; article: string }
  | {
      inspectedAt: string;
      method: string;
      authority: string | null;
      findings: { code: string; description: string | null }[];
      measures: string[];
      recordedIn?: string;
    };

export type CreditRepairStatus = 'pending' | 'approved' | 'rejected';

export interface CreditRepair {
  repairId: string;
  reason: string;
  requestedOn: string;
  /** System time of the request. */
  requestedAt: string;
  status: CreditRepairStatus;
  decidedOn: string | null;
  decisionReason: string | null;
  /** System time of the decision. */
  decisionRecordedAt: string | null;
}

/** The child table's row, one per record; the repair columns describe its latest repair. */
export type CreditRecordRow = {
  record_event_id: string;
  kind: CreditRecordKind;
  occurred_on: string;
  recorded_at: string;
  /** jsonb, as JSON text. */
  summary: string;
  repair_id: string | null;
  repair_status: CreditRepairStatus | null;
  repair_requested_on: string | null;
  repair_requested_at: string | null;
  repair_decided_on: string | null;
  repair_recorded_at: string | null;
  /** jsonb, as JSON text: every repair, to show the one known at any knownAt. */
  repairs: string;
  repairable_from: string;
  display_until: string;
};

export const CREDIT_RECORD_EVENT_TYPES: ReadonlySet<AgencyEventType> = new Set<AgencyEventType>([
  'PenaltyImposed',
  'CreditFindingRecorded',
  'ChangeFiledLate',
  'InspectionRecorded',
  'CreditRepairRequested',
  'CreditRepairDecided',
]);

/** Dates in these events are bare (`YYYY-MM-DD`); an instant is read as its Shanghai date. */
function bareDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : toShanghaiDate(value);
}

/**
 * The host jurisdiction whose regulator recorded it (ADR 016); absent: the agency's home, which
 * the query names (this projection does not follow the registration).
 */
const recordedIn = (jurisdiction: string | undefined): { recordedIn?: string } =>
  jurisdiction === undefined ? {} : { recordedIn: jurisdiction };

/** The record an event adds, or null when it adds none (an inspection without findings). */
function recordOf(event: AgencyEvent, stored: StoredEvent): CreditRecord | null {
  // Most inspections find nothing: no record, and no display period to work out.
  if (event.type === 'InspectionRecorded' && event.data.findings.length === 0) return null;
  const { repairableFrom, displayUntil } = displayPeriodOfRecord(
    event.type,
    event.data as unknown as Record<string, unknown>,
  );
  const base = {
    recordEventId: stored.eventId,
    recordedAt: stored.recordedAt,
    repairs: [],
    repairableFrom,
    displayUntil,
  };
  switch (event.type) {
    case 'PenaltyImposed': {
      const d = event.data;
      return {
        ...base,
        kind: 'penalty',
        occurredOn: bareDate(d.decidedAt),
        summary: {
          decisionNumber: d.decisionNumber,
          decidedAt: d.decidedAt,
          violationType: d.violationType,
          legalBasis: d.legalBasis,
          content: d.content,
          fineYuan: d.fineYuan ?? null,
          authority: d.authority ?? null,
          ...(d.dueBy !== undefined && { dueBy: d.dueBy }),
          ...(d.facts !== undefined && { facts: d.facts }),
          ...(d.categories !== undefined && { categories: d.categories }),
          ...(d.confiscatedYuan !== undefined && { confiscatedYuan: d.confiscatedYuan }),
          ...(d.businessType !== undefined && { businessType: d.businessType }),
          ...(d.recordingAuthority !== undefined && { recordingAuthority: d.recordingAuthority }),
          ...recordedIn(d.recordingJurisdiction),
        },
      };
    }
    case 'CreditFindingRecorded': {
      const d = event.data;
      return {
        ...base,
        kind: 'credit-finding',
        occurredOn: bareDate(d.decidedAt),
        summary: {
          kind: d.kind,
          article: d.article,
          decidedAt: d.decidedAt,
          description: d.description ?? null,
          ...(d.bannedUntil !== undefined && { bannedUntil: d.bannedUntil }),
          ...recordedIn(d.recordingJurisdiction),
        },
      };
    }
    case 'ChangeFiledLate': {
      const d = event.data;
      return {
        ...base,
        kind: 'late-change',
        occurredOn: bareDate(d.filedOn),
        summary: { changedAt: d.changedAt, filedOn: d.filedOn, dueBy: d.dueBy, article: d.article },
      };
    }
    case 'InspectionRecorded': {
      const d = event.data;
      if (d.findings.length === 0) return null;
      return {
        ...base,
        kind: 'inspection-finding',
        occurredOn: bareDate(d.inspectedAt),
        summary: {
          inspectedAt: d.inspectedAt,
          method: d.method,
          authority: d.authority ?? null,
          findings: d.findings.map((f) => ({ code: f.code, description: f.description ?? null })),
          measures: d.measures ?? [],
          ...recordedIn(d.recordingJurisdiction),
        },
      };
    }
    default:
      return null;
  }
}

/** Applies `change` to the record `recordEventId`; a repair of a record not held changes nothing. */
function updateRecord(
  records: CreditRecord[],
  recordEventId: string,
  change: (record: CreditRecord) => CreditRecord,
): CreditRecord[] {
  return records.map((record) =>
    record.recordEventId === recordEventId ? change(record) : record,
  );
}

export function evolveCreditRecord(
  document: CreditRecordDocument | null,
  stored: StoredEvent,
): CreditRecordDocument | null {
  const event = decodeAgencyEvent(stored);
  const current: CreditRecordDocument = document ?? {
    uscc: stored.streamId.slice('agency-'.length),
    records: [],
    version: 0,
    updatedAt: stored.recordedAt,
  };
  let records = current.records;
  switch (event.type) {
    case 'CreditRepairRequested': {
      const d = event.data;
      records = updateRecord(records, d.recordEventId, (record) => ({
        ...record,
        repairs: [
          ...record.repairs,
          {
            repairId: d.repairId,
            reason: d.reason,
            requestedOn: bareDate(d.requestedOn),
            requestedAt: stored.recordedAt,
            status: 'pending',
            decidedOn: null,
            decisionReason: null,
            decisionRecordedAt: null,
          },
        ],
      }));
      break;
    }
    case 'CreditRepairDecided': {
      const d = event.data;
      records = updateRecord(records, d.recordEventId, (record) => ({
        ...record,
        repairs: record.repairs.map((repair) =>
          repair.repairId === d.repairId
            ? {
                ...repair,
                status: d.outcome,
                decidedOn: bareDate(d.decidedOn),
                decisionReason: d.reason ?? null,
                decisionRecordedAt: stored.recordedAt,
              }
            : repair,
        ),
      }));
      break;
    }
    default: {
      const record = recordOf(event, stored);
      if (record !== null) records = [...records, record];
    }
  }
  // Nothing recorded yet: no document (a repair or a finding-less inspection adds nothing).
  if (records.length === 0) return null;
  return { ...current, records, version: stored.version, updatedAt: stored.recordedAt };
}

/** One row per record for `credit_records`. */
export function creditRecordRows(document: CreditRecordDocument): CreditRecordRow[] {
  return document.records.map((record) => {
    const latest = record.repairs.at(-1);
    return {
      record_event_id: record.recordEventId,
      kind: record.kind,
      occurred_on: record.occurredOn,
      recorded_at: record.recordedAt,
      summary: JSON.stringify(record.summary),
      repair_id: latest?.repairId ?? null,
      repair_status: latest?.status ?? null,
      repair_requested_on: latest?.requestedOn ?? null,
      repair_requested_at: latest?.requestedAt ?? null,
      repair_decided_on: latest?.decidedOn ?? null,
      repair_recorded_at: latest?.decisionRecordedAt ?? null,
      repairs: JSON.stringify(record.repairs),
      repairable_from: record.repairableFrom,
      display_until: record.displayUntil,
    };
  });
}

export const creditRecordProjection: Projection<CreditRecordDocument> = {
  name: 'credit-record',
  table: 'credit_record_entries',
  inline: 'stream',
  handles: CREDIT_RECORD_EVENT_TYPES,
  keyOf: (event) =>
    event.streamId.startsWith('agency-') ? event.streamId.slice('agency-'.length) : null,
  // An agency with nothing recorded keeps an empty document: its position then moves with its
  // stream, so the inline fold (ADR 034) reads only the events after it, not the whole stream
  // on every append of an agency inspected thousands of times without a finding (issue 14).
  evolve: (document, stored) =>
    evolveCreditRecord(document, stored) ?? {
      uscc: stored.streamId.slice('agency-'.length),
      records: [],
      version: stored.version,
      updatedAt: stored.recordedAt,
    },
  columns: (document) => ({
    record_count: document.records.length,
    updated_at: document.updatedAt,
  }),
  children: {
    table: 'credit_records',
    rows: (_key, document) => creditRecordRows(document),
    identity: ['record_event_id'],
  },
};
