import type { Pool, PoolClient } from 'pg';
import { isIsoDate, startOfShanghaiDay } from '@ledger/domain';
import type { CreditRecordSummary, ExportFeed } from '@ledger/projections';
import { SnapshotCursor, type Column } from './stream';

/**
 * Where an export reached (ADR 029): the last global position it includes and the valid date
 * (asOf) it shows the records as of, written `<position>@<asOf>`. Every export answers it
 * (`X-Ledger-Position`, and the last row of a feed); passed back as `since`, the next export
 * sends only what changed from there. Position 0 (`since=0`) is the empty platform.
 */
export interface FeedCursor {
  position: number;
  asOf: string;
}

const CURSOR = /^(0|[1-9]\d{0,15})@(\d{4}-\d{2}-\d{2})$/;

export const EMPTY_PLATFORM: FeedCursor = { position: 0, asOf: '1900-01-01' };

/** `0` or `<position>@<YYYY-MM-DD>`; null when `value` is neither. */
export function parseCursor(value: string): FeedCursor | null {
  if (value === '0') return EMPTY_PLATFORM;
  const match = CURSOR.exec(value);
  if (!match) return null;
  const position = Number(match[1]);
  const asOf = match[2];
  // A real calendar date PostgreSQL takes: 2026-02-30 or year 0 is no position an export gave.
  if (!Number.isSafeInteger(position) || !isIsoDate(asOf) || asOf < '1900-01-01') return null;
  return { position, asOf };
}

export const formatCursor = (cursor: FeedCursor): string => `${cursor.position}@${cursor.asOf}`;

/**
 * Publication (公示), update (更新: shown before and now, sent again because what it names
 * changed, ADR 030) or withdrawal (停止公示) of one record, as a platform applies it: upsert,
 * upsert, delete.
 */
export type FeedChange = 'publish' | 'update' | 'withdraw';

/** A record of a feed export, with what the platform is to do with it. */
export interface FeedRow {
  uscc: string;
  name: string | null;
  jurisdiction: string | null;
  legal_representative: string | null;
  record_event_id: string;
  kind: string;
  position: string;
  recorded_at: string;
  /** The Shanghai date it was recorded: the day it went to the platforms. */
  recorded_on: string;
  occurred_on: string;
  display_until: string | null;
  summary: CreditRecordSummary & Record<string, unknown>;
  change: FeedChange;
  /** A withdrawal's first day no longer shown, and why. */
  stopped_on: string | null;
  stop_reason: 'repair' | 'display-period' | 'as-of' | null;
  /** The layouts' `displayed`: a publication is shown, a withdrawal no longer is. */
  displayed: boolean;
}

/**
 * Whether a record row `f` is publicly displayed at valid date `asOf` as the ledger stood at
 * global position `position` — the credit-record projection's public view (`creditRecordAt`),
 * with positions for system time: recorded by then, its agency's entry public by then, decided
 * by asOf, within its display period (NDRC Order No. 58), and not repaired by a decision known
 * by then and in force on asOf.
 */
const displayedAt = (asOf: string, position: string) => `(
    f.position <= ${position}
    AND f.published_position IS NOT NULL AND f.published_position <= ${position}
    AND f.occurred_on <= ${asOf}::date
    AND (f.display_until IS NULL OR f.display_until >= ${asOf}::date)
    AND NOT COALESCE(f.withdrawn_position <= ${position} AND f.withdrawn_on <= ${asOf}::date, false)
  )`;

export interface FeedRequest {
  feed: ExportFeed;
  /** What the platform holds: the previous export's cursor (EMPTY_PLATFORM for a first one). */
  since: FeedCursor;
  /** The valid date to show the records as of. */
  asOf: string;
  /** One jurisdiction's records (a regulator's), or all. */
  jurisdiction?: string;
}

/** The position every row of the export is read at: the export-feed projection's checkpoint. */
async function checkpointOf(client: PoolClient, name: string): Promise<number> {
  const { rows } = await client.query<{ position: string }>(
    'SELECT position FROM projection_checkpoints WHERE name = $1',
    [name],
  );
  return Number(rows[0]?.position ?? 0);
}

/** An export asked for something it cannot answer: a 400 naming the field. */
export class BadExportRequest extends Error {}

/** The export was asked to resume from a position the ledger's export model has not reached. */
export class FeedBehind extends BadExportRequest {
  constructor(
    readonly asked: number,
    readonly reached: number,
  ) {
    super(`since: position ${asked} is beyond what the export has reached (${reached})`);
  }
}

/**
 * Opens a feed export: every record whose display changed between `since` and (asOf, the
 * checkpoint), each once, oldest record first — publications of what is now shown and was not,
 * withdrawals of what was shown and is not — read from one snapshot through a server-side
 * cursor. The API and `npm run ledger -- export` both call it.
 */
export async function openFeed(
  pool: Pool,
  request: FeedRequest,
): Promise<SnapshotCursor<FeedRow, FeedCursor>> {
  return SnapshotCursor.open<FeedRow, FeedCursor>(pool, async (client) => {
    const position = await checkpointOf(client, 'export-feed');
    if (request.since.position > position) throw new FeedBehind(request.since.position, position);
    const now = displayedAt('$2', '$3');
    const before = displayedAt('$4', '$5');
    // An update (更新): shown at both points, and what it names (its agency's name or legal
    // representative on its date) became known after `since` (ADR 030).
    const renamed = `(f.party_position > $5)`;
    return {
      prepared: { position, asOf: request.asOf },
      sql: `
        SELECT f.key AS uscc, f.party_name AS name, f.jurisdiction, f.legal_representative,
               f.record_event_id, f.kind, f.position::text AS position,
               ledger_ts(f.recorded_at, true) AS recorded_at,
               to_char(f.recorded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS recorded_on,
               f.occurred_on::text AS occurred_on,
               f.display_until::text AS display_until, f.summary,
               CASE WHEN NOT ${now} THEN 'withdraw' WHEN ${before} THEN 'update'
                    ELSE 'publish' END AS change,
               CASE WHEN ${now} THEN NULL
                    WHEN COALESCE(f.withdrawn_position <= $3 AND f.withdrawn_on <= $2::date, false)
                      THEN f.withdrawn_on::text
                    WHEN f.display_until < $2::date THEN (f.display_until + 1)::text
                    ELSE NULL END AS stopped_on,
               CASE WHEN ${now} THEN NULL
                    WHEN COALESCE(f.withdrawn_position <= $3 AND f.withdrawn_on <= $2::date, false)
                      THEN 'repair'
                    WHEN f.display_until < $2::date THEN 'display-period'
                    ELSE 'as-of' END AS stop_reason,
               ${now} AS displayed
          FROM export_feed_records f
         WHERE f.feed = $1 AND ($6::text IS NULL OR f.jurisdiction = $6)
           AND (${now} IS DISTINCT FROM ${before} OR (${now} AND ${renamed}))
         ORDER BY f.position, f.record_event_id`,
      params: [
        request.feed,
        request.asOf,
        position,
        request.since.asOf,
        request.since.position,
        request.jurisdiction ?? null,
      ],
    };
  });
}

export interface PenaltyRow {
  uscc: string;
  name: string | null;
  jurisdiction: string | null;
  summary: Extract<CreditRecordSummary, { decisionNumber: string }>;
  recorded_at: string;
  displayed: boolean;
  /** 公示截止期 (NDRC Order No. 58). */
  display_until: string;
  /**
   * The agency's name and its legal representative's (法定代表人) on the decision date, from the
   * export-feed projection (ADR 030); the registry's present ones for a penalty it has not
   * reached yet (it follows the credit-record projection this listing reads).
   */
  legal_representative: string | null;
}

/**
 * The penalty export as it always was (no `since`, or a date or instant): every penalty
 * recorded at or after `since` (a bare date is the start of that Shanghai day), of one
 * jurisdiction or all, with whether each is still publicly displayed on `on`; oldest record
 * first, from a server-side cursor. It reaches the credit-record projection's checkpoint.
 */
export async function openPenaltyListing(
  pool: Pool,
  options: { since?: string; jurisdiction?: string; on: string },
): Promise<SnapshotCursor<PenaltyRow, FeedCursor>> {
  const since =
    options.since === undefined
      ? '1900-01-01T00:00:00Z'
      : /^\d{4}-\d{2}-\d{2}$/.test(options.since)
        ? startOfShanghaiDay(options.since).toISOString()
        : options.since;
  return SnapshotCursor.open<PenaltyRow, FeedCursor>(pool, async (client) => ({
    prepared: { position: await checkpointOf(client, 'credit-record'), asOf: options.on },
    sql: `SELECT c.key AS uscc, COALESCE(f.party_name, r.name) AS name, r.jurisdiction, c.summary,
            ledger_ts(c.recorded_at, true) AS recorded_at,
            COALESCE(f.legal_representative, r.doc->'legalRepresentativeNames'->>'approved') AS legal_representative,
            (NOT COALESCE(c.repair_status = 'approved' AND c.repair_decided_on <= $2::date, false)
              AND c.display_until >= $2::date) AS displayed, c.display_until::text AS display_until
       FROM credit_records c LEFT JOIN registry_entries r ON r.key = c.key
            LEFT JOIN export_feed_records f
              ON f.key = c.key AND f.feed = 'penalties' AND f.record_event_id = c.record_event_id
      WHERE c.kind = 'penalty' AND c.recorded_at >= $1::timestamptz AND ($3::text IS NULL OR r.jurisdiction = $3)
      ORDER BY c.recorded_at, c.record_event_id`,
    params: [since, options.on, options.jurisdiction ?? null],
  }));
}

const CHANGE_NAMES: Record<FeedChange, string> = {
  publish: '公示',
  update: '更新',
  withdraw: '停止公示',
};
const STOP_REASON_NAMES: Record<NonNullable<FeedRow['stop_reason']>, string> = {
  repair: '信用修复',
  'display-period': '公示期满',
  'as-of': '早于决定日期',
};

/** The value of 变更类型 in a feed's last row, whose 导出位置 is the cursor reached. */
export const TRAILER_CHANGE = '导出位置';

/**
 * The columns every feed adds after its layout's: the record's id (what a platform keys it
 * by), publish or withdraw, a withdrawal's first day not shown and its reason, and, in the last
 * row only, where the export reached.
 */
export const FEED_COLUMNS: readonly Column<FeedRow>[] = [
  ['记录标识', (r) => r.record_event_id],
  ['变更类型', (r) => CHANGE_NAMES[r.change]],
  ['停止公示日期', (r) => r.stopped_on],
  ['停止公示原因', (r) => (r.stop_reason === null ? null : STOP_REASON_NAMES[r.stop_reason])],
  ['导出位置', () => null],
];

/** The last row of a feed: where it reached, to pass as the next `since`. */
export const feedTrailer = (cursor: FeedCursor) => ({
  变更类型: TRAILER_CHANGE,
  导出位置: formatCursor(cursor),
});
