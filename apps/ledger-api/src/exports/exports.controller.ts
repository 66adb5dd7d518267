import { BadRequestException, Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { toShanghaiDate } from '@ledger/domain';
import { CurrentActor, Public, Roles, type Actor } from '../auth';
import { DATABASE_POOL } from '../database-pool.module';
import { CLOCK, type Clock } from '../clock';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import { readAuthorities, type AuthorityDirectory } from './authorities';
import { BadExportRequest } from './feed';
import { runExport, type ExportHead, type ExportRequest } from './run-export';
import {
  CreditFindingExportQuery,
  GradeExportQuery,
  InspectionExportQuery,
  PenaltyExportQuery,
  type ExportFormat,
  type FeedExportQuery,
} from './exports.dto';
import { ApiQueryResponses, str } from '../http/openapi';

const EXPORT_ANSWER = str('the export');
const EXPORT_MEDIA = {
  'text/csv': str('UTF-8 CSV (with a byte order mark unless bom=false), a header row first'),
  'application/x-ndjson': str('one JSON object per line'),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': str('an XLSX workbook'),
};

export { neutraliseCell, type Column } from './stream';
export {
  GRADE_COLUMNS,
  PENALTY_COLUMNS,
  runExport,
  type GradeRow,
  type ExportRequest,
} from './run-export';
export type { PenaltyRow } from './feed';

const PRODUCES = [
  'text/csv',
  'application/x-ndjson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

/** The headers of an export: its type, its file name, and where it reached (ADR 029). */
function setHead(res: Response, head: ExportHead): void {
  res.setHeader('Content-Type', head.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${head.filename}"`);
  res.setHeader('X-Ledger-Position', head.position);
  res.setHeader('X-Ledger-As-Of', head.reached.asOf);
}

@ApiTags('exports')
@Controller('api/v1/exports')
export class ExportsController {
  private readonly logger = new Logger('exports');

  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.authorities = config.authorities ?? readAuthorities(undefined);
  }

  private readonly authorities: AuthorityDirectory;

  /** The valid date asked for: not later than the ledger's today (400 naming `asOf`). */
  private asOf(asked: string | undefined): string {
    const today = toShanghaiDate(this.clock.now());
    if (asked !== undefined && asked > today)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: [`asOf: must not be later than today (${today}): display is not known ahead`],
      });
    return asked ?? today;
  }

  /** Streams an export as the answer; a failure before the first byte is an HTTP error. */
  private async send(res: Response, request: ExportRequest): Promise<void> {
    let started = false;
    try {
      await runExport(this.pool, this.authorities, request, res, (head) => {
        setHead(res, head);
        started = true;
      });
      res.end();
    } catch (error) {
      if (error instanceof BadExportRequest)
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: [error.message],
        });
      if (!started) throw error;
      // Rows were already sent: the answer can only be cut short, which the client sees.
      this.logger.error(
        `export cut short: ${error instanceof Error ? error.message : String(error)}`,
      );
      res.destroy(error instanceof Error ? error : undefined);
    }
  }

  @Get('penalties')
  @Roles('regulator', 'auditor')
  @ApiProduces(...PRODUCES)
  @ApiQueryResponses(EXPORT_ANSWER, {
    description: 'one row per penalty (CSV with a header row, one JSON object a line, or XLSX)',
    produces: EXPORT_MEDIA,
  })
  @ApiOperation({
    summary:
      "Administrative penalties in the public credit platform's layout (a regulator gets its jurisdiction's); X-Ledger-Position is where it reached, the next since",
  })
  async penalties(
    @Query() query: PenaltyExportQuery,
    @Res() res: Response,
    @CurrentActor() actor?: Actor,
  ): Promise<void> {
    await this.send(res, {
      what: 'penalties',
      layout: query.layout ?? 'shuanggongshi',
      since: query.since,
      asOf: this.asOf(query.asOf),
      jurisdiction: jurisdictionOf(actor),
      ...rendering(query),
    });
  }

  @Get('inspections')
  @Roles('regulator', 'auditor')
  @ApiProduces(...PRODUCES)
  @ApiQueryResponses(EXPORT_ANSWER, {
    description: 'a feed: one row per record published or withdrawn, the position last',
    produces: EXPORT_MEDIA,
  })
  @ApiOperation({
    summary:
      "Inspection results (抽查检查结果) in the 国家企业信用信息公示系统 layout, as a feed: publications and withdrawals since the position given (a regulator gets its jurisdiction's)",
  })
  async inspections(
    @Query() query: InspectionExportQuery,
    @Res() res: Response,
    @CurrentActor() actor?: Actor,
  ): Promise<void> {
    await this.feed(res, 'inspections', query, actor);
  }

  @Get('credit-findings')
  @Roles('regulator', 'auditor')
  @ApiProduces(...PRODUCES)
  @ApiQueryResponses(EXPORT_ANSWER, {
    description: 'a feed: one row per record published or withdrawn, the position last',
    produces: EXPORT_MEDIA,
  })
  @ApiOperation({
    summary:
      "Credit findings, dishonesty listings and the other records of bad credit (不良信用信息) for the city credit platform, as a feed (a regulator gets its jurisdiction's)",
  })
  async creditFindings(
    @Query() query: CreditFindingExportQuery,
    @Res() res: Response,
    @CurrentActor() actor?: Actor,
  ): Promise<void> {
    await this.feed(res, 'credit-findings', query, actor);
  }

  @Get('grades')
  @ApiQueryResponses(EXPORT_ANSWER, {
    description: 'one row per published grade (CSV with a header row, or one JSON object a line)',
    produces: EXPORT_MEDIA,
  })
  @Public()
  @ApiProduces(...PRODUCES)
  @ApiOperation({
    summary:
      'Published grades: per cycle, the grade published and every correction since, each with the day it took effect (生效日期) and whether it is in force (是否现行)',
  })
  async grades(@Query() query: GradeExportQuery, @Res() res: Response): Promise<void> {
    await this.send(res, {
      what: 'grades',
      jurisdiction: query.jurisdiction,
      year: query.year,
      ...rendering(query),
    });
  }

  /** A feed (ADR 029): what changed since the position given, as of the valid date asked. */
  private feed(
    res: Response,
    what: 'inspections' | 'credit-findings',
    query: FeedExportQuery,
    actor: Actor | undefined,
  ): Promise<void> {
    return this.send(res, {
      what,
      since: query.since,
      asOf: this.asOf(query.asOf),
      jurisdiction: jurisdictionOf(actor),
      ...rendering(query),
    });
  }
}

/** A regulator gets its own jurisdiction's records; auditors and admins every jurisdiction's. */
const jurisdictionOf = (actor: Actor | undefined) =>
  actor?.role === 'regulator' ? actor.jurisdiction : undefined;

/** How every export is written: CSV unless asked otherwise, with a BOM unless bom=false. */
const rendering = (query: { format?: ExportFormat; bom?: 'true' | 'false' }) => ({
  format: query.format ?? 'csv',
  bom: query.bom !== 'false',
});
