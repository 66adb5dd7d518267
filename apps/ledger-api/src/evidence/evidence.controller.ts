import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiQueryResponses, anyObject } from '../http/openapi';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import type { Jurisdiction } from '@ledger/domain';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { assertCanActOnAgency, CurrentActor, Roles, type Actor } from '../auth';
import { DATABASE_POOL } from '../database-pool.module';
import { BitemporalQuery } from '../grading/grading.dto';
import { asOfDate, knownAtInstant } from '../grading/grading.service';
import { ParseUsccPipe } from '../http/params';
import { AgencyDirectory } from '../agencies/agency-directory';
import { TransparencyService } from '../transparency/transparency.service';
import { serializeBundle } from './bundle';
import { buildEvidenceBundle } from './build-bundle';

/**
 * Who may take an agency's evidence bundle (ADR 026): the reviewer and the auditor, admins, the
 * regulator of its jurisdiction, and the agency itself, for its own: it is the party that
 * objects with evidence (Beijing Art. 16: "说明理由并提供相关证明材料"; Jiaxing (十六): "提供相关证据
 * 和材料"; Chongqing Art. 17–18: its opinion in publicity, then 复核) and may read and copy the
 * evidence a decision on it rests on (行政复议法 2023 Art. 47).
 */
export const EVIDENCE_READERS = ['regulator', 'reviewer', 'auditor', 'agency'] as const;

@ApiTags('audit')
@Controller('api/v1/agencies')
export class EvidenceController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly log: TransparencyService,
    private readonly directory: AgencyDirectory,
  ) {}

  @Get(':uscc/evidence')
  @ApiQueryResponses(anyObject('the signed evidence bundle (ADR 026)'), {
    notFound: 'no such agency',
  })
  @Roles(...EVIDENCE_READERS)
  @ApiProduces('application/json')
  @ApiOperation({
    summary:
      "The agency's evidence bundle for an appeal: its events up to knownAt with their hashes and inclusion proofs, the calendar and policy versions used, the grade decision as of asOf with its explanation, signed by the ledger",
    description:
      'Verify it offline with `npm run ledger -- verify-bundle FILE --key <verifierKey from GET /api/v1/ledger/public-key>`. Personal data stays as stored: ID and phone numbers sealed, never in clear (ADR 026).',
  })
  async evidence(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Query() query: BitemporalQuery,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    // A corrected USCC leads to the record, whose events stay under the code it registered
    // under (ADR 018); an agency's token carries the code the record answers to now.
    const entry = await this.directory.find(uscc);
    if (!entry)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`uscc: no agency ${uscc}`],
      });
    assertCanActOnAgency(
      actor,
      { uscc: entry.doc.uscc, jurisdiction: entry.jurisdiction as Jurisdiction },
      EVIDENCE_READERS,
    );
    const now = new Date();
    const asOf = asOfDate(query.asOf, now);
    const bundle = await buildEvidenceBundle(
      {
        store: this.store,
        pool: this.pool,
        key: this.log.key,
        waitForLog: (position) => this.log.waitForLog(position),
      },
      entry.key,
      asOf,
      knownAtInstant(query.knownAt, now),
      now.toISOString(),
    );
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="evidence-${uscc}-${asOf}.json"`);
    return serializeBundle(bundle);
  }
}
