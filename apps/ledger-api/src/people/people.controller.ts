import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiQueryResponses, anyObject } from '../http/openapi';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { bansInForce, toShanghaiDate } from '@ledger/domain';
import { personCreditOf } from '@ledger/projections';
import { Roles } from '../auth';
import { DATABASE_POOL } from '../database-pool.module';
import { ParsePersonRefPipe } from '../http';
import { AgencyEntryQuery } from '../agencies/queries.dto';
import { PeopleService } from './people.service';

/**
 * A person's own credit record (seed 000 Art. 10, 11; seed 001 Art. 20(二)–(三); ADR 020): the
 * decisions that named the person responsible and the bans they carry, with the ones in force on
 * `asOf`. Keyed by the identity hash (`personRef`) or any personId of the person's engagements;
 * never the ID number, the name or where the person works.
 */
@ApiTags('people')
@Controller('api/v1/people')
export class PeopleController {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly people: PeopleService,
  ) {}

  @Get(':personRef/credit')
  @ApiQueryResponses(
    anyObject("the person's credit record: the decisions that named them and their bans"),
    {
      notFound: 'no such person',
    },
  )
  @Roles('regulator', 'auditor', 'reviewer', 'admin')
  @ApiOperation({
    summary:
      "A person's credit record: the penalties and findings that named them responsible, their bans from practising and Chongqing directory bars (seed 000 Art. 9(2), 10; seed 001 Art. 20); by personRef or personId, never the ID number",
  })
  async credit(
    @Param('personRef', ParsePersonRefPipe) personRef: string,
    @Query() query: AgencyEntryQuery,
  ) {
    const doc = await personCreditOf(this.pool, personRef);
    if (!doc)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`personRef: no credit record for ${personRef}`],
      });
    const asOf = query.asOf ?? toShanghaiDate(new Date());
    const records = doc.records.filter((r) => r.decidedAt <= asOf);
    const bans = await this.people.bans(records, asOf);
    const inForce = new Set(bansInForce(bans, asOf));
    return {
      personRef: doc.idNumberHash,
      asOf,
      records: records.map(({ recordedAt: _r, ...record }) => record),
      bans: bans.map((ban) => ({ ...ban, inForce: inForce.has(ban) })),
    };
  }
}
