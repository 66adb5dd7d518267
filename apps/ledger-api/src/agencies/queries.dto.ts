import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { JURISDICTIONS } from '@ledger/domain';
import { IsBareDate } from '../http/validators';

/**
 * Bounds of numeric query parameters: an unbounded `page=1e20` is an integer to JavaScript
 * but an OFFSET PostgreSQL cannot take (a 500, issue 9). 10,000 pages of 200 is every agency
 * of China several times over; a stream version is a PostgreSQL integer.
 */
export const MAX_PAGE = 10_000;
export const MAX_VERSION = 2_147_483_647;

export class AgencyListQuery {
  @ApiPropertyOptional({ enum: JURISDICTIONS })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: string;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    description:
      'only agencies that reported (报备) to this host jurisdiction (seed 000 Art. 4 ¶2, seed 002 §一.7)',
  })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  reportedTo?: string;

  @ApiPropertyOptional({ enum: ['pending-review', 'registered', 'deregistered'] })
  @IsOptional()
  @IsIn(['pending-review', 'registered', 'deregistered'])
  status?: string;

  @ApiPropertyOptional({ enum: ['A', 'B', 'C', 'D', 'E', 'ungraded', 'no-business', 'not-graded'] })
  @IsOptional()
  @IsIn(['A', 'B', 'C', 'D', 'E', 'ungraded', 'no-business', 'not-graded'])
  grade?: string;

  @ApiPropertyOptional({
    description:
      'the valid date the CMA certificate (cmaStatus, cmaLapsed) and, for Chongqing, the directory standing (seed 001 Art. 20) are judged on, YYYY-MM-DD; default today',
  })
  @IsOptional()
  @IsBareDate()
  asOf?: string;

  @ApiPropertyOptional({
    enum: ['true'],
    description:
      'only agencies whose CMA certificate has lapsed or been revoked on asOf (seed 000 Art. 2, seed 004 Art. 5(3))',
  })
  @IsOptional()
  @IsIn(['true'])
  cmaLapsed?: string;

  @ApiPropertyOptional({ description: 'part of the name, or the start of the USCC' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

/** `GET /api/v1/agencies/:uscc?asOf=`: the day the CMA certificate's and the directory standing are judged on. */
export class AgencyEntryQuery {
  @ApiPropertyOptional({
    description:
      'the valid date cmaStatus and, for Chongqing, the directory standing (seed 001 Art. 20) are judged on, YYYY-MM-DD; default today',
  })
  @IsOptional()
  @IsBareDate()
  asOf?: string;
}

/** The most events one page of a stream holds. */
export const EVENTS_PAGE_MAX = 1000;

export class EventsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_VERSION, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  fromVersion?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: EVENTS_PAGE_MAX,
    default: EVENTS_PAGE_MAX,
    description: 'events per page; a `Link: <…>; rel="next"` header names the next page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(EVENTS_PAGE_MAX)
  limit?: number;
}
