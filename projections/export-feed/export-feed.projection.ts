import type { StoredEvent } from '@ledger/event-store';
import { decodeAgencyEvent, toShanghaiDate, type AgencyEventType } from '@ledger/domain';
import type { ChildRow, Projection } from '../projection';
import {
  EMPTY_PARTY,
  partyChanged,
  partyDeregistered,
  partyOn,
  partyRegistered,
  partyReviewed,
  type PartyHistory,
  type PartyValues,
} from './party';
import {
  CREDIT_RECORD_EVENT_TYPES,
  evolveCreditRecord,
  type CreditRecordDocument,
  type CreditRecordKind,
} from '../credit-record/credit-record.projection';

/**
 * The read model of the incremental exports (ADR 029): every record a credit platform is sent,
 * with the global positions at which it, its approved repair and its agency's publication were
 * recorded, so that an export can tell exactly what the ledger displayed at any (asOf, position)
 * pair and send only what changed between two of them.
 *
 * The credit records are folded by the credit-record projection's own `evolveCreditRecord`
 * (the same display periods, the same repairs); this projection adds the positions, every
 * inspection (with or without findings: NECIPS publishes 抽查检查结果 either way) and whether the
 * agency's entry is public (registered or deregistered: API.md, a pending agency is not).
 */
export interface ExportFeedDocument {
  uscc: string;
  /** The home jurisdiction, from the registration. */
  jurisdiction: string | null;
  /** Position of the event that made the entry public (approval, or a deregistration). */
  publishedPosition: number | null;
  credit: CreditRecordDocument | null;
  /** recordEventId → position of the event that recorded it. */
  positions: Record<string, number>;
  /** recordEventId → position of the decision that approved a repair of it. */
  repairPositions: Record<string, number>;
  /**
   * The agency's name and legal representative over valid time, as each was learnt (ADR 030):
   * every record is sent with the ones on record on its own date. Absent from documents built
   * before ADR 030 (the migration rebuilds them).
   */
  party?: PartyHistory;
}

/** An inspection's public fields, as its export row's `summary` holds them. */
export interface FeedInspection {
  summary: {
    inspectedAt: string;
    method: string;
    authority: string | null;
    findings: { code: string; item?: string; description: string | null }[];
    measures: string[];
    planId?: string;
    businessType?: string;
    recordingAuthority?: string;
    recordedIn?: string;
  };
}

/** The three feeds an export reads: each route sends one. */
export type ExportFeed = 'penalties' | 'credit-findings' | 'inspections';

/** One row of `export_feed_records`. */
export type ExportFeedRow = {
  feed: ExportFeed;
  record_event_id: string;
  kind: CreditRecordKind | 'inspection';
  jurisdiction: string | null;
  position: number;
  recorded_at: string;
  occurred_on: string;
  /** Null: shown without end (an inspection result). */
  display_until: string | null;
  withdrawn_on: string | null;
  withdrawn_position: number | null;
  published_position: number | null;
  /** jsonb, as JSON text. */
  summary: string;
  /** The agency's name and legal representative on `occurred_on` (ADR 030). */
  party_name: string | null;
  legal_representative: string | null;
  /** Position from which the ledger knew those two as they are now. */
  party_position: number;
};

export const EXPORT_FEED_EVENT_TYPES: ReadonlySet<AgencyEventType> = new Set<AgencyEventType>([
  ...CREDIT_RECORD_EVENT_TYPES,
  'AgencyRegistered',
  'RegistrationChanged',
  'RegistrationReviewed',
  'AgencyDeregistered',
]);

/** The name and legal representative a registration or a change files, where it names them. */
function partyValues(fields: {
  name?: string;
  legalRepresentative?: { name: string };
}): PartyValues {
  return {
    ...(fields.name !== undefined && { name: fields.name }),
    ...(fields.legalRepresentative !== undefined && {
      legalRepresentative: fields.legalRepresentative.name,
    }),
  };
}

const bareDate = (value: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : toShanghaiDate(value);

export function evolveExportFeed(
  document: ExportFeedDocument | null,
  stored: StoredEvent,
): ExportFeedDocument {
  const current: ExportFeedDocument = document ?? {
    uscc: stored.streamId.slice('agency-'.length),
    jurisdiction: null,
    publishedPosition: null,
    credit: null,
    positions: {},
    repairPositions: {},
  };
  const event = decodeAgencyEvent(stored);
  const party = current.party ?? EMPTY_PARTY;
  switch (event.type) {
    case 'AgencyRegistered':
      return {
        ...current,
        jurisdiction: event.data.jurisdiction,
        party: partyRegistered(
          { name: event.data.name, legalRepresentative: event.data.legalRepresentative.name },
          stored.position,
        ),
      };
    case 'RegistrationChanged':
      return {
        ...current,
        party: partyChanged(
          party,
          partyValues(event.data.changes),
          bareDate(event.data.changedAt),
          stored.position,
        ),
      };
    case 'RegistrationReviewed': {
      const reviewed = partyReviewed(party, event.data.outcome, stored.position);
      // The first approval publishes the entry; later ones review changes of a public entry.
      return event.data.outcome === 'approved' && current.publishedPosition === null
        ? { ...current, publishedPosition: stored.position, party: reviewed }
        : { ...current, party: reviewed };
    }
    case 'AgencyDeregistered': {
      // A deregistered entry is public (API.md), even one never approved. Its records stay
      // displayed for their periods (ADR 030): nothing is withdrawn here.
      const deregistered = partyDeregistered(party);
      return current.publishedPosition === null
        ? { ...current, publishedPosition: stored.position, party: deregistered }
        : { ...current, party: deregistered };
    }
    default:
  }
  const credit = evolveCreditRecord(current.credit, stored) ?? current.credit;
  let { positions, repairPositions } = current;
  const added = credit?.records.find((r) => r.recordEventId === stored.eventId);
  if (added) positions = { ...positions, [stored.eventId]: stored.position };
  if (event.type === 'CreditRepairDecided' && event.data.outcome === 'approved')
    repairPositions = { ...repairPositions, [event.data.recordEventId]: stored.position };
  // An inspection is a row of its own (`inspectionRows`), not kept here: the document stays
  // the same size however many inspections the agency has had (issue 14).
  return { ...current, credit, positions, repairPositions };
}

/**
 * The row an inspection adds to the feed (NECIPS publishes 抽查检查结果 with or without
 * findings), without the columns its agency's document stamps (`stampColumns`).
 */
export function inspectionRows(stored: StoredEvent): ChildRow[] {
  if (stored.type !== 'InspectionRecorded') return [];
  const event = decodeAgencyEvent(stored);
  if (event.type !== 'InspectionRecorded') return [];
  const d = event.data;
  const summary: FeedInspection['summary'] = {
    inspectedAt: d.inspectedAt,
    method: d.method,
    authority: d.authority ?? null,
    findings: d.findings.map((f) => ({
      code: f.code,
      ...(f.item !== undefined && { item: f.item }),
      description: f.description ?? null,
    })),
    measures: d.measures ?? [],
    ...(d.planId !== undefined && { planId: d.planId }),
    ...(d.businessType !== undefined && { businessType: d.businessType }),
    ...(d.recordingAuthority !== undefined && { recordingAuthority: d.recordingAuthority }),
    ...(d.recordingJurisdiction !== undefined && { recordedIn: d.recordingJurisdiction }),
  };
  return [
    {
      feed: 'inspections',
      record_event_id: stored.eventId,
      kind: 'inspection',
      position: stored.position,
      recorded_at: stored.recordedAt,
      occurred_on: bareDate(d.inspectedAt),
      display_until: null,
      withdrawn_on: null,
      withdrawn_position: null,
      summary: JSON.stringify(summary),
    },
  ];
}

/** The columns of a row dated `date` that come from its agency's document. */
function stampColumns(document: ExportFeedDocument, date: string): ChildRow {
  const found = partyOn(document.party ?? EMPTY_PARTY, date);
  return {
    jurisdiction: document.jurisdiction,
    published_position: document.publishedPosition,
    party_name: found.name,
    legal_representative: found.legalRepresentative,
    party_position: found.position,
  };
}

/**
 * The rows of `export_feed_records` for one agency that its document derives: its credit
 * records. Its inspections' rows come from their events (`inspectionRows`).
 */
export function exportFeedRows(document: ExportFeedDocument): ExportFeedRow[] {
  /** Memoised by date: an agency's records share few dates. */
  const onDate = new Map<string, ChildRow>();
  const stamped = (date: string) => {
    let found = onDate.get(date);
    if (!found) onDate.set(date, (found = stampColumns(document, date)));
    return found as Pick<
      ExportFeedRow,
      | 'jurisdiction'
      | 'published_position'
      | 'party_name'
      | 'legal_representative'
      | 'party_position'
    >;
  };
  return (document.credit?.records ?? []).map((record): ExportFeedRow => {
    const latest = record.repairs.at(-1);
    // An approved repair is always the record's latest (the decider allows no other after it).
    const approved = latest?.status === 'approved' ? latest : undefined;
    return {
      ...stamped(record.occurredOn),
      feed: record.kind === 'penalty' ? 'penalties' : 'credit-findings',
      record_event_id: record.recordEventId,
      kind: record.kind,
      position: document.positions[record.recordEventId],
      recorded_at: record.recordedAt,
      occurred_on: record.occurredOn,
      display_until: record.displayUntil,
      withdrawn_on: approved?.decidedOn ?? null,
      withdrawn_position: approved
        ? (document.repairPositions[record.recordEventId] ?? null)
        : null,
      summary: JSON.stringify(record.summary),
    };
  });
}

export const exportFeedProjection: Projection<ExportFeedDocument> = {
  name: 'export-feed',
  table: 'export_feed_entries',
  inline: 'stream',
  handles: EXPORT_FEED_EVENT_TYPES,
  keyOf: (event) =>
    event.streamId.startsWith('agency-') ? event.streamId.slice('agency-'.length) : null,
  evolve: evolveExportFeed,
  columns: (document) => ({ published_position: document.publishedPosition }),
  children: {
    table: 'export_feed_records',
    rows: (_key, document) => exportFeedRows(document),
    identity: ['feed', 'record_event_id'],
    events: {
      where: "feed = 'inspections'",
      rows: (_key, event) => inspectionRows(event),
      stampBy: 'occurred_on',
      stamp: stampColumns,
      stampOf: (document) =>
        document === null
          ? ''
          : JSON.stringify([
              document.jurisdiction,
              document.publishedPosition,
              document.party ?? null,
            ]),
    },
  },
};
