import type { Writable } from 'node:stream';
import type { Pool } from 'pg';
import { publishedGrades, type PublishedGradeRow } from '@ledger/projections';
import type { AuthorityDirectory } from './authorities';
import {
  BadExportRequest,
  EMPTY_PLATFORM,
  FEED_COLUMNS,
  feedTrailer,
  formatCursor,
  openFeed,
  openPenaltyListing,
  parseCursor,
  type FeedCursor,
  type FeedRow,
  type PenaltyRow,
} from './feed';
import { creditFindingColumns, necipsInspectionColumns, necipsPenaltyColumns } from './necips';
import { shuanggongshiColumns } from './shuanggongshi';
import {
  CONTENT_TYPES,
  inSnapshot,
  SnapshotCursor,
  writeRows,
  type Column,
  type ExportFormat,
} from './stream';

/**
 * The ledger layout of penalties (the earlier, shorter one): the 行政相对人 (name, USCC), the
 * decision, its basis and content, the fine in 万元, the date and the authority; whether the
 * record is still publicly displayed (a repaired record is not, seed 000 Art. 20) and when the
 * ledger recorded it.
 */
export const PENALTY_COLUMNS: readonly Column<PenaltyRow>[] = [
  ['行政相对人名称', (r) => r.name],
  ['统一社会信用代码', (r) => r.uscc],
  ['行政处罚决定书文号', (r) => r.summary.decisionNumber],
  ['违法行为类型', (r) => r.summary.violationType],
  ['处罚依据', (r) => r.summary.legalBasis],
  ['处罚内容', (r) => r.summary.content],
  ['罚款金额（万元）', (r) => (r.summary.fineYuan === null ? null : r.summary.fineYuan / 10000)],
  ['处罚决定日期', (r) => r.summary.decidedAt],
  ['处罚机关', (r) => r.summary.authority],
  ['是否公示', (r) => (r.displayed ? '是' : '否')],
  ['记录时间', (r) => r.recorded_at],
  // Added after the others, so that a platform reading columns by position is not misled.
  ['公示截止期', (r) => r.display_until],
];

export type GradeRow = PublishedGradeRow & { name: string | null };

/**
 * One row per grade of a published cycle: the grade it published and every correction since
 * (an objection upheld after publication, a direct downgrade that revokes it), each with the
 * day it took effect and the day the next one did; 是否现行 says which one is in force.
 */
export const GRADE_COLUMNS: readonly Column<GradeRow>[] = [
  ['统一社会信用代码', (r) => r.uscc],
  ['机构名称', (r) => r.name],
  ['辖区', (r) => r.jurisdiction],
  ['评价年度', (r) => r.year],
  ['等级', (r) => r.grade],
  ['得分', (r) => r.score],
  ['风险等级', (r) => r.riskLevel],
  ['公布日期', (r) => r.publishedOn],
  ['评价办法版本', (r) => r.policyId],
  ['生效日期', (r) => r.from],
  ['截止日期', (r) => r.to],
  ['等级来源', (r) => r.cause],
  ['是否现行', (r) => (r.to === null ? '是' : '否')],
];

export const PENALTY_LAYOUTS = ['shuanggongshi', 'ledger', 'necips'] as const;
export type PenaltyLayout = (typeof PENALTY_LAYOUTS)[number];

/** What to export; the API and `npm run ledger -- export` both describe it so. */
export type ExportRequest = { format: ExportFormat; bom: boolean } & (
  | {
      what: 'penalties';
      layout: PenaltyLayout;
      /** A cursor (`<position>@<asOf>`, or `0`): the feed; a date or instant: the listing. */
      since?: string;
      asOf: string;
      jurisdiction?: string;
    }
  | { what: 'inspections' | 'credit-findings'; since?: string; asOf: string; jurisdiction?: string }
  | { what: 'grades'; jurisdiction?: string; year?: number }
);

/** What an export answers before its rows: where it reached, and how its bytes are typed. */
export interface ExportHead {
  reached: FeedCursor;
  /** `<position>@<asOf>`: the next export's `since`. */
  position: string;
  contentType: string;
  filename: string;
}

const FEEDS = {
  penalties: 'penalties',
  inspections: 'inspections',
  'credit-findings': 'credit-findings',
} as const;

/**
 * Runs one export into `out`: opens its snapshot, tells `onHead` where it reaches (the API
 * sets its headers from it), streams every row from the server-side cursor, and adds the
 * feed's last row. `out` is left open for the caller to end. Answers the rows written.
 */
export async function runExport(
  pool: Pool,
  authorities: AuthorityDirectory,
  request: ExportRequest,
  out: Writable,
  onHead: (head: ExportHead) => void,
): Promise<{ rows: number; head: ExportHead }> {
  const { format, bom } = request;
  const headOf = (reached: FeedCursor, name: string): ExportHead => ({
    reached,
    position: formatCursor(reached),
    contentType: CONTENT_TYPES[format],
    filename: `${name}.${format}`,
  });

  if (request.what === 'grades') {
    // Grades are few (one row per agency and cycle): read whole, in one snapshot.
    const { reached, grades } = await inSnapshot(pool, async (client) => {
      const { rows } = await client.query<{ position: string; today: string }>(
        `SELECT COALESCE((SELECT position FROM projection_checkpoints WHERE name = 'grade-history'), 0) AS position,
                to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS today`,
      );
      const published = await publishedGrades(client as unknown as Pool, {
        jurisdiction: request.jurisdiction,
        year: request.year,
      });
      const names = await client.query<{ key: string; name: string }>(
        'SELECT key, name FROM registry_entries WHERE key = ANY($1)',
        [published.map((r) => r.uscc)],
      );
      const nameOf = new Map(names.rows.map((n) => [n.key, n.name]));
      return {
        reached: { position: Number(rows[0].position), asOf: rows[0].today },
        grades: published.map((r) => ({ ...r, name: nameOf.get(r.uscc) ?? null })),
      };
    });
    const head = headOf(reached, 'grades');
    onHead(head);
    const rows = await writeRows(out, format, GRADE_COLUMNS, single(grades), {
      bom,
      sheet: 'grades',
    });
    return { rows, head };
  }

  const feedSince = request.since === undefined ? undefined : parseCursor(request.since);
  const listing = request.what === 'penalties' && request.layout !== 'necips';
  if (request.since !== undefined && !feedSince && !listing)
    throw new BadExportRequest(
      'since: this export is a feed: pass the position an export answered (X-Ledger-Position), or 0',
    );
  if (request.what === 'penalties' && listing && !feedSince) {
    // The listing as it always was: every penalty recorded since a time, displayed or not.
    const cursor = await openPenaltyListing(pool, {
      since: request.since,
      jurisdiction: request.jurisdiction,
      on: request.asOf,
    });
    return stream(cursor, 'penalties', penaltyListingColumns(authorities, request.layout), false);
  }
  const cursor = await openFeed(pool, {
    feed: FEEDS[request.what],
    since: feedSince ?? EMPTY_PLATFORM,
    asOf: request.asOf,
    jurisdiction: request.jurisdiction,
  });
  return stream(
    cursor,
    request.what,
    [...feedColumns(authorities, request), ...FEED_COLUMNS],
    true,
  );

  async function stream<Row>(
    cursor: SnapshotCursor<Row, FeedCursor>,
    name: string,
    columns: readonly Column<Row>[],
    feed: boolean,
  ) {
    try {
      const head = headOf(cursor.prepared, name);
      onHead(head);
      const rows = await writeRows(out, format, columns, cursor.batches(), {
        bom,
        sheet: name,
        ...(feed && { trailer: feedTrailer(cursor.prepared) }),
      });
      await cursor.close();
      return { rows, head };
    } catch (error) {
      await cursor.close(true);
      throw error;
    }
  }
}

function single<Row>(rows: Row[]): Iterable<Row[]> {
  return [rows];
}

function penaltyListingColumns(
  authorities: AuthorityDirectory,
  layout: PenaltyLayout,
): readonly Column<PenaltyRow>[] {
  return layout === 'ledger' ? PENALTY_COLUMNS : shuanggongshiColumns(authorities);
}

function feedColumns(
  authorities: AuthorityDirectory,
  request: Extract<ExportRequest, { what: 'penalties' | 'inspections' | 'credit-findings' }>,
): readonly Column<FeedRow>[] {
  if (request.what === 'inspections') return necipsInspectionColumns(authorities);
  if (request.what === 'credit-findings') return creditFindingColumns(authorities);
  const { layout } = request as Extract<ExportRequest, { what: 'penalties' }>;
  if (layout === 'necips') return necipsPenaltyColumns(authorities);
  if (layout === 'ledger') return PENALTY_COLUMNS as unknown as readonly Column<FeedRow>[];
  return shuanggongshiColumns(authorities) as unknown as readonly Column<FeedRow>[];
}
