import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { stringify } from 'csv-stringify/sync';
import { startOfShanghaiDay, toShanghaiDate } from '@ledger/domain';
import { CurrentActor, Public, Roles, type Actor } from '../auth';
import {
  publishedGrades,
  type CreditRecordSummary,
  type PublishedGradeRow,
} from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';
import { CLOCK, type Clock } from '../clock';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import { readAuthorities, type AuthorityDirectory } from './authorities';
import { shuanggongshiColumns } from './shuanggongshi';
import { GradeExportQuery, PenaltyExportQuery, type ExportFormat } from './exports.dto';
import { ApiQueryResponses, str } from '../http/openapi';

const EXPORT_ANSWER = str('the export');
const EXPORT_MEDIA = {
  'text/csv': str('UTF-8 CSV (with a byte order mark unless bom=false), a header row first'),
  'application/x-ndjson': str('one JSON object per line'),
};

/** A penalty's public fields, as the credit-record projection keeps them. */
type PenaltySummary = Extract<CreditRecordSummary, { decisionNumber: string }>;

/** A column of an export: its header in the platform's layout, and the field it comes from. */
export type Column<Row> = readonly [header: string, value: (row: Row) => string | number | null];

/**
 * A cell a spreadsheet would take for a formula (OWASP, CSV injection: one beginning with `=`,
 * `+`, `-`, `@`, a tab or a carriage return), prefixed with a single quote so it is shown as
 * the text it is: an agency registered as `=HYPERLINK(…)` must not run in the credit
 * platform's spreadsheet. Numbers are written as numbers.
 */
export function neutraliseCell(value: string | number | null): string | number | null {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function send<Row>(
  res: Response,
  format: ExportFormat,
  name: string,
  columns: readonly Column<Row>[],
  rows: Row[],
  bom: boolean,
) {
  res.setHeader(
    'Content-Type',
    format === 'ndjson' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8',
  );
  res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  return renderExport(format, columns, rows, bom);
}

export interface PenaltyRow {
  uscc: string;
  name: string | null;
  jurisdiction: string | null;
  summary: PenaltySummary;
  recorded_at: string;
  displayed: boolean;
  /** 公示截止期 (NDRC Order No. 58). */
  display_until: string;
  /** The approved legal representative's name (法定代表人), as the registry holds it now. */
  legal_representative: string | null;
}

/**
 * The administrative-penalty layout of the public credit platforms (行政处罚信息): the
 * 行政相对人 (name, USCC), the decision, its basis and content, the fine in 万元, the date and
 * the authority; plus whether the record is still publicly displayed (a repaired record is not,
 * seed 000 Art. 20) and when the ledger recorded it.
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

/**
 * The penalties of the export, oldest record first: every one recorded at or after `since` (a
 * bare date is the start of that Shanghai day), of one jurisdiction or all, with whether each is
 * still publicly displayed on `on`. The API and `npm run ledger -- export` both read it.
 */
export async function penaltyRows(
  pool: Pool,
  options: { since?: string; jurisdiction?: string; on: string },
): Promise<PenaltyRow[]> {
  const since =
    options.since === undefined
      ? '1900-01-01T00:00:00Z'
      : /^\d{4}-\d{2}-\d{2}$/.test(options.since)
        ? startOfShanghaiDay(options.since).toISOString()
        : options.since;
  const { rows } = await pool.query<PenaltyRow>(
    `SELECT c.key AS uscc, r.name, r.jurisdiction, c.summary, ledger_ts(c.recorded_at, true) AS recorded_at,
            r.doc->'legalRepresentativeNames'->>'approved' AS legal_representative,
            (NOT COALESCE(c.repair_status = 'approved' AND c.repair_decided_on <= $2::date, false)
              AND c.display_until >= $2::date) AS displayed, c.display_until::text AS display_until
       FROM credit_records c LEFT JOIN registry_entries r ON r.key = c.key
      WHERE c.kind = 'penalty' AND c.recorded_at >= $1::timestamptz AND ($3::text IS NULL OR r.jurisdiction = $3)
      ORDER BY c.recorded_at, c.record_event_id`,
    [since, options.on, options.jurisdiction ?? null],
  );
  return rows;
}

/** A whole export as the bytes a file holds: CSV (with a BOM unless `bom` is false) or NDJSON. */
export function renderExport<Row>(
  format: ExportFormat,
  columns: readonly Column<Row>[],
  rows: Row[],
  bom: boolean,
): string {
  if (format === 'ndjson')
    return (
      rows
        .map((row) => JSON.stringify(Object.fromEntries(columns.map(([h, v]) => [h, v(row)]))))
        .join('\n') + (rows.length ? '\n' : '')
    );
  // The BOM tells Excel the file is UTF-8; without it, the Chinese is mojibake (issue 9).
  return stringify(
    rows.map((row) => columns.map(([, v]) => neutraliseCell(v(row)))),
    { header: true, columns: columns.map(([h]) => h), bom },
  );
}

export type GradeRow = PublishedGradeRow & { name: string | null };

/** The grade export's rows, each with the agency's name: the API and the CLI both read it. */
export async function gradeRows(
  pool: Pool,
  filter: { jurisdiction?: string; year?: number },
): Promise<GradeRow[]> {
  const rows = await publishedGrades(pool, filter);
  const names = await pool.query<{ key: string; name: string }>(
    'SELECT key, name FROM registry_entries WHERE key = ANY($1)',
    [rows.map((r) => r.uscc)],
  );
  const nameOf = new Map(names.rows.map((n) => [n.key, n.name]));
  return rows.map((r) => ({ ...r, name: nameOf.get(r.uscc) ?? null }));
}

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

@ApiTags('exports')
@Controller('api/v1/exports')
export class ExportsController {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.authorities = config.authorities ?? readAuthorities(undefined);
  }

  private readonly authorities: AuthorityDirectory;

  @Get('penalties')
  @Roles('regulator', 'auditor')
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiQueryResponses(EXPORT_ANSWER, {
    description: 'one row per penalty (CSV with a header row, or one JSON object a line)',
    produces: EXPORT_MEDIA,
  })
  @ApiOperation({
    summary:
      "Administrative penalties in the public credit platform's layout (a regulator gets its jurisdiction's)",
  })
  async penalties(
    @Query() query: PenaltyExportQuery,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const rows = await penaltyRows(this.pool, {
      since: query.since,
      jurisdiction: actor?.role === 'regulator' ? actor.jurisdiction : undefined,
      on: toShanghaiDate(this.clock.now()),
    });
    const columns =
      query.layout === 'ledger'
        ? PENALTY_COLUMNS
        : (shuanggongshiColumns(this.authorities) as readonly Column<PenaltyRow>[]);
    return send(res, query.format ?? 'csv', 'penalties', columns, rows, query.bom !== 'false');
  }

  @Get('grades')
  @ApiQueryResponses(EXPORT_ANSWER, {
    description: 'one row per published grade (CSV with a header row, or one JSON object a line)',
    produces: EXPORT_MEDIA,
  })
  @Public()
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOperation({
    summary:
      'Published grades: per cycle, the grade published and every correction since, each with the day it took effect (生效日期) and whether it is in force (是否现行)',
  })
  async grades(@Query() query: GradeExportQuery, @Res({ passthrough: true }) res: Response) {
    const rows = await gradeRows(this.pool, query);
    return send(res, query.format ?? 'csv', 'grades', GRADE_COLUMNS, rows, query.bom !== 'false');
  }
}
