import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { JURISDICTIONS, type Jurisdiction } from '@ledger/domain';
import { IsIsoDateOrDateTime, IsOneOf, OptionalNotNull } from '../http/validators';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const BOM_DESCRIPTION =
  'CSV only: start with a UTF-8 byte order mark, so that Excel reads the Chinese (default true; false for tools that do not expect one)';

export const PENALTY_LAYOUTS = ['shuanggongshi', 'ledger'] as const;
export type PenaltyLayout = (typeof PENALTY_LAYOUTS)[number];

export class PenaltyExportQuery {
  @ApiPropertyOptional({
    enum: PENALTY_LAYOUTS,
    default: 'shuanggongshi',
    description:
      'shuanggongshi: the 信用中国 双公示 administrative-penalty layout, every field in order; ledger: the shorter layout of earlier versions (with 是否公示 and 记录时间)',
  })
  @OptionalNotNull()
  @IsOneOf(PENALTY_LAYOUTS)
  layout?: PenaltyLayout;

  @ApiPropertyOptional({
    description:
      'only penalties recorded at or after this time (an incremental feed); a bare date is the start of that day',
  })
  @OptionalNotNull()
  @IsIsoDateOrDateTime()
  since?: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @OptionalNotNull()
  @IsOneOf(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: BOM_DESCRIPTION })
  @OptionalNotNull()
  @IsOneOf(['true', 'false'])
  bom?: 'true' | 'false';
}

export class GradeExportQuery {
  @ApiPropertyOptional({ enum: JURISDICTIONS, description: 'default: every jurisdiction' })
  @OptionalNotNull()
  @IsOneOf(JURISDICTIONS)
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({ description: 'the graded year; default: every year published' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole year' })
  @Min(2004, { message: 'must be 2004 or later' })
  @Max(9999, { message: 'must be a year' })
  year?: number;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @OptionalNotNull()
  @IsOneOf(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: BOM_DESCRIPTION })
  @OptionalNotNull()
  @IsOneOf(['true', 'false'])
  bom?: 'true' | 'false';
}
