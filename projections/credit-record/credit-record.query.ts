import type { Pool } from 'pg';
import type {
  CreditRecordKind,
  CreditRecordSummary,
  CreditRepair,
  CreditRepairStatus,
} from './credit-record.projection';

export type CreditRecordView = 'public' | 'full';

/** A credit record as seen at (asOf, knownAt). */
export interface CreditRecordEntry {
  recordEventId: string;
  kind: CreditRecordKind;
  /** Valid time: the decision date, a bare date. */
  occurredOn: string;
  /** System time: when the ledger stored it (ISO 8601 UTC, microseconds). */
  recordedAt: string;
  summary: CreditRecordSummary;
  /**
   * False from the day an approved repair was decided (seed 000 Art. 20), once the decision
   * is known: NOT (approved AND decidedOn <= asOf AND decision recorded <= knownAt).
   */
  publiclyDisplayed: boolean;
  /** 公示截止期: the last day it is displayed, at its maximum period (NDRC Order No. 58, Art. 10). */
  displayUntil: string;
  /** The first day a repair may be applied for: its minimum display period has run. */
  repairableFrom: string;
  /** Full view only: the latest repair requested by knownAt, as it stood then; null if none. */
  repair?: CreditRepairAsKnown | null;
}

export interface CreditRepairAsKnown {
  repairId: string;
  /** `pending` while its decision was not yet recorded at knownAt. */
  status: CreditRepairStatus;
  reason: string;
  requestedOn: string;
  decidedOn: string | null;
  decisionReason: string | null;
}

export interface CreditRecordAnswer {
  uscc: string;
  asOf: string;
  knownAt: string;
  /** By occurredOn, then recordedAt. */
  records: CreditRecordEntry[];
  /** Penalty records among `records`. */
  penalties: number;
  /** Every other record among `records`: credit findings, inspection findings, late changes. */
  findings: number;
}

interface QueryRow {
  record_event_id: string;
  kind: CreditRecordKind;
  occurred_on: string;
  recorded_at: string;
  summary: CreditRecordSummary;
  publicly_displayed: boolean;
  display_until: string;
  repairable_from: string;
  repair: CreditRepair | null;
  repair_decision_known: boolean | null;
}

const APPROVED_BY = `COALESCE(c.repair_status = 'approved' AND c.repair_decided_on <= $2::date
                               AND c.repair_recorded_at <= $3::timestamptz, false)`;
/** Displayed on asOf: not repaired by then, and not past its maximum period (NDRC Order No. 58). */
const DISPLAYED = `(NOT ${APPROVED_BY} AND c.display_until >= $2::date)`;

/**
 * One query on `credit_records`, by key (primary key and index (key, occurred_on, recorded_at)).
 * The repair columns hold the record's latest repair; as the decider allows no new repair once
 * one is pending or approved, an approved repair is always the latest. The full view picks from the `repairs` history the
 * latest one requested by knownAt, so an earlier rejected repair shows as it stood then.
 */
const sql = (view: CreditRecordView) => `
  SELECT c.record_event_id, c.kind, c.occurred_on::text AS occurred_on,
         ledger_ts(c.recorded_at, true) AS recorded_at, c.summary,
         ${DISPLAYED} AS publicly_displayed,
         c.display_until::text AS display_until, c.repairable_from::text AS repairable_from,
         ${view === 'full' ? 'known.repair' : 'NULL'} AS repair,
         ${view === 'full' ? 'known.decision_known' : 'NULL'} AS repair_decision_known
  FROM credit_records c
  ${
    view === 'full'
      ? `LEFT JOIN LATERAL (
           SELECT r.repair,
                  COALESCE((r.repair->>'decisionRecordedAt')::timestamptz <= $3::timestamptz, false)
                    AS decision_known
           FROM jsonb_array_elements(c.repairs) WITH ORDINALITY AS r(repair, n)
           WHERE (r.repair->>'requestedAt')::timestamptz <= $3::timestamptz
           ORDER BY r.n DESC
           LIMIT 1
         ) known ON true`
      : ''
  }
  WHERE c.key = $1 AND c.occurred_on <= $2::date AND c.recorded_at <= $3::timestamptz
    ${view === 'public' ? `AND ${DISPLAYED}` : ''}
  ORDER BY c.occurred_on, c.recorded_at, c.record_event_id`;

function repairAsKnown(repair: CreditRepair, decisionKnown: boolean): CreditRepairAsKnown {
  return {
    repairId: repair.repairId,
    status: decisionKnown ? repair.status : 'pending',
    reason: repair.reason,
    requestedOn: repair.requestedOn,
    decidedOn: decisionKnown ? repair.decidedOn : null,
    decisionReason: decisionKnown ? repair.decisionReason : null,
  };
}

/**
 * An agency's credit record at valid time `asOf` (a bare date) as known at system time
 * `knownAt` (an ISO 8601 instant): the records decided by asOf and recorded by knownAt.
 * `public` gives only the records publicly displayed, without repairs (the public and public
 * credit platforms); `full` gives them all with their repair as known then (regulators,
 * auditors).
 */
export async function creditRecordAt(
  pool: Pool,
  uscc: string,
  asOf: string,
  knownAt: string,
  view: CreditRecordView,
): Promise<CreditRecordAnswer> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new RangeError('asOf must be a date YYYY-MM-DD');
  if (!/^\d{4}-\d{2}-\d{2}T/.test(knownAt) || Number.isNaN(Date.parse(knownAt))) {
    throw new RangeError('knownAt must be an ISO 8601 instant');
  }
  if (view !== 'public' && view !== 'full') throw new RangeError("view must be 'public' or 'full'");
  const { rows } = await pool.query<QueryRow>(sql(view), [uscc, asOf, knownAt]);
  const records = rows.map((row): CreditRecordEntry => {
    const entry: CreditRecordEntry = {
      recordEventId: row.record_event_id,
      kind: row.kind,
      occurredOn: row.occurred_on,
      recordedAt: row.recorded_at,
      summary: row.summary,
      publiclyDisplayed: row.publicly_displayed,
      displayUntil: row.display_until,
      repairableFrom: row.repairable_from,
    };
    if (view === 'public') return entry;
    return {
      ...entry,
      repair: row.repair && repairAsKnown(row.repair, row.repair_decision_known === true),
    };
  });
  const penalties = records.filter((record) => record.kind === 'penalty').length;
  return { uscc, asOf, knownAt, records, penalties, findings: records.length - penalties };
}
