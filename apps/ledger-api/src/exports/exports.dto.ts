import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { JURISDICTIONS, type Jurisdiction } from '@ledger/domain';
import {
  IsBareDate,
  IsOneOf,
  isIsoDateOrDateTime,
  OptionalNotNull,
  DATE_OR_DATE_TIME_MESSAGE,
} from '../http/validators';
import { parseCursor } from './feed';
import { PENALTY_LAYOUTS, type PenaltyLayout } from './run-export';
import { EXPORT_FORMATS, type ExportFormat } from './stream';

export { EXPORT_FORMATS, PENALTY_LAYOUTS, type ExportFormat, type PenaltyLayout };

const BOM_DESCRIPTION =
  'CSV only: start with a UTF-8 byte order mark, so that Excel reads the Chinese (default true; false for tools that do not expect one)';

const CURSOR_MESSAGE =
  'must be a position an export answered (X-Ledger-Position, e.g. 1234@2026-11-30), or 0 for the first';

/** `since` of a feed: a cursor an export answered, or 0; with `dates`, also a date or instant. */
function IsExportSince(dates: boolean): PropertyDecorator {
  return ValidateBy({
    name: 'isExportSince',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        (parseCursor(value) !== null || (dates && isIsoDateOrDateTime(value))),
      defaultMessage: () =>
        dates ? `${CURSOR_MESSAGE}; or ${DATE_OR_DATE_TIME_MESSAGE}` : CURSOR_MESSAGE,
    },
  });
}

const AS_OF_DESCRIPTION =
  'the valid date the records are shown as of (default: today in Asia/Shanghai; not later): a record whose display period ended by then is withdrawn';

const FEED_SINCE_DESCRIPTION =
  'the position the previous export answered (X-Ledger-Position, `<position>@<asOf>`): only what changed since is sent, publications, updates of a record whose agency’s name or legal representative on its date changed, and withdrawals (变更类型 公示, 更新, 停止公示); 0 or none: everything displayed';

export class PenaltyExportQuery {
  @ApiPropertyOptional({
    enum: PENALTY_LAYOUTS,
    default: 'shuanggongshi',
    description:
      'shuanggongshi: the 信用中国 双公示 administrative-penalty layout, every field in order; ledger: the shorter layout of earlier versions (with 是否公示 and 记录时间); necips: the 国家企业信用信息公示系统 行政处罚信息 layout (always a feed)',
  })
  @OptionalNotNull()
  @IsOneOf(PENALTY_LAYOUTS)
  layout?: PenaltyLayout;

  @ApiPropertyOptional({
    description: `${FEED_SINCE_DESCRIPTION}. A date or instant instead: every penalty recorded at or after it, displayed or not (the listing of earlier versions; a bare date is the start of that day)`,
  })
  @OptionalNotNull()
  @IsExportSince(true)
  since?: string;

  @ApiPropertyOptional({ description: AS_OF_DESCRIPTION })
  @OptionalNotNull()
  @IsBareDate()
  asOf?: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @OptionalNotNull()
  @IsOneOf(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: BOM_DESCRIPTION })
  @OptionalNotNull()
  @IsOneOf(['true', 'false'])
  bom?: 'true' | 'false';
}

/** The feeds of inspections (NECIPS 抽查检查结果) and of credit findings (the city platform). */
export class FeedExportQuery {
  @ApiPropertyOptional({ description: FEED_SINCE_DESCRIPTION })
  @OptionalNotNull()
  @IsExportSince(false)
  since?: string;

  @ApiPropertyOptional({ description: AS_OF_DESCRIPTION })
  @OptionalNotNull()
  @IsBareDate()
  asOf?: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @OptionalNotNull()
  @IsOneOf(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: BOM_DESCRIPTION })
  @OptionalNotNull()
  @IsOneOf(['true', 'false'])
  bom?: 'true' | 'false';
}

export class InspectionExportQuery extends FeedExportQuery {
  @ApiPropertyOptional({
    enum: ['necips'],
    default: 'necips',
    description: 'necips: the 国家企业信用信息公示系统 抽查检查结果信息 layout',
  })
  @OptionalNotNull()
  @IsOneOf(['necips'])
  layout?: 'necips';
}

export class CreditFindingExportQuery extends FeedExportQuery {
  @ApiPropertyOptional({
    enum: ['city'],
    default: 'city',
    description:
      'city: the 不良信用信息 layout of the city public credit platform (seed 000 Art. 11)',
  })
  @OptionalNotNull()
  @IsOneOf(['city'])
  layout?: 'city';
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
