import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { JURISDICTIONS } from '@ledger/domain';

export class AgencyListQuery {
  @ApiPropertyOptional({ enum: JURISDICTIONS })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: string;

  @ApiPropertyOptional({ enum: ['pending-review', 'registered', 'deregistered'] })
  @IsOptional()
  @IsIn(['pending-review', 'registered', 'deregistered'])
  status?: string;

  @ApiPropertyOptional({ enum: ['A', 'B', 'C', 'D', 'E', 'ungraded', 'no-business'] })
  @IsOptional()
  @IsIn(['A', 'B', 'C', 'D', 'E', 'ungraded', 'no-business'])
  grade?: string;

  @ApiPropertyOptional({ description: 'part of the name, or the start of the USCC' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class EventsQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  fromVersion?: number;
}
