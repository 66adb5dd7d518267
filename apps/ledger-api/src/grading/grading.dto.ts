import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateNested, IsArray, ArrayMaxSize, IsObject } from 'class-validator';
import { JURISDICTIONS, type Jurisdiction } from '@ledger/domain';
import { CommandBodyDto } from '../agencies/dto/command-body.dto';
import {
  IsBareDate,
  IsIsoDateOrDateTime,
  IsNumberWithDecimals,
  IsOneOf,
  IsRequired,
  IsStrictBoolean,
  IsText,
  OptionalNotNull,
} from '../http/validators';

export const Score = (): PropertyDecorator => (target, key) => {
  IsNumberWithDecimals(2)(target, key);
  Min(0, { message: 'must be at least 0' })(target, key);
  Max(100, { message: 'must be at most 100' })(target, key);
};

export class StartGradingCycleDto extends CommandBodyDto {
  @ApiProperty({ enum: JURISDICTIONS, description: 'the jurisdiction whose agencies are graded' })
  @IsRequired()
  @IsOneOf(JURISDICTIONS)
  jurisdiction!: Jurisdiction;

  @ApiProperty({
    description: 'the natural year graded (Beijing Art. 13, Chongqing Art. 13)',
    example: 2025,
  })
  @IsRequired()
  @IsInt({ message: 'must be a whole year' })
  @Min(2004, { message: 'must be 2004 or later' })
  @Max(9999, { message: 'must be a year' })
  year!: number;
}

/** `occurredAt` is the publication date: grades take effect on it. */
export class PublishGradingCycleDto extends CommandBodyDto {}

export class FileObjectionDto extends CommandBodyDto {
  @ApiProperty({ description: 'the cycle whose proposal is objected to, e.g. beijing-2025' })
  @IsRequired()
  @IsText({
    max: 40,
    pattern: /^[a-z]+-\d{4}$/,
    patternMessage: 'must be a cycle id such as beijing-2025',
  })
  cycleId!: string;

  @ApiProperty({ description: '异议理由 (reason, with the evidence offered)', maxLength: 4000 })
  @IsRequired()
  @IsText({ max: 4000 })
  reason!: string;
}

export class DecideObjectionDto extends CommandBodyDto {
  @ApiProperty({ enum: ['upheld', 'rejected'] })
  @IsRequired()
  @IsOneOf(['upheld', 'rejected'])
  outcome!: 'upheld' | 'rejected';

  @ApiPropertyOptional({
    description: 'the revised score (required when upheld)',
    minimum: 0,
    maximum: 100,
  })
  @OptionalNotNull()
  @Score()
  revisedScore?: number;

  @ApiPropertyOptional({
    description: 'the revised risk score (Jiaxing)',
    minimum: 0,
    maximum: 100,
  })
  @OptionalNotNull()
  @Score()
  riskScore?: number;

  @ApiPropertyOptional({ maxLength: 4000 })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  reason?: string;
}

export class IndicatorDto {
  @ApiProperty({ description: 'indicator code of the jurisdiction’s indicator system' })
  @IsRequired()
  @IsText({ max: 40 })
  code!: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsRequired()
  @Score()
  score!: number;
}

export class RecordAssessmentDto extends CommandBodyDto {
  @ApiProperty({ example: 2025 })
  @IsRequired()
  @IsInt({ message: 'must be a whole year' })
  @Min(2004, { message: 'must be 2004 or later' })
  @Max(9999, { message: 'must be a year' })
  year!: number;

  @ApiProperty({ description: 'total score 0–100', minimum: 0, maximum: 100 })
  @IsRequired()
  @Score()
  score!: number;

  @ApiPropertyOptional({ type: () => [IndicatorDto] })
  @OptionalNotNull()
  @IsArray({ message: 'must be an array' })
  @ArrayMaxSize(200, { message: 'must have at most 200 items' })
  @IsObject({ each: true, message: 'each item must be an object' })
  @ValidateNested({ each: true })
  @Type(() => IndicatorDto)
  indicators?: IndicatorDto[];

  @ApiPropertyOptional({
    description: 'risk assessment score (Jiaxing (九))',
    minimum: 0,
    maximum: 100,
  })
  @OptionalNotNull()
  @Score()
  riskScore?: number;

  @ApiPropertyOptional({ description: 'no business in the year: not graded', default: false })
  @OptionalNotNull()
  @IsStrictBoolean()
  noBusiness?: boolean;
}

export class UpgradeRequestDto extends CommandBodyDto {
  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'what improved (scale, capability, staff, management, credit)',
  })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  reason?: string;
}

export class CreditRepairDto extends CommandBodyDto {
  @ApiProperty({ description: 'eventId of the record to repair (a penalty, a credit finding, …)' })
  @IsRequired()
  @IsText({ max: 36, pattern: /^[0-9a-f-]{36}$/, patternMessage: 'must be an event id' })
  recordEventId!: string;

  @ApiProperty({ maxLength: 4000 })
  @IsRequired()
  @IsText({ max: 4000 })
  reason!: string;
}

/** `POST /api/v1/agencies/:uscc/penalties/:penaltyEventId/fulfilment` (API.md v1.1). */
export class PenaltyFulfilmentDto extends CommandBodyDto {
  @ApiPropertyOptional({
    description:
      'the day the penalty was fulfilled (履行), YYYY-MM-DD; default: the valid date (occurredAt)',
    example: '2026-03-10',
  })
  @OptionalNotNull()
  @IsBareDate()
  fulfilledOn?: string;
}

export class DecideCreditRepairDto extends CommandBodyDto {
  @ApiProperty({ enum: ['approved', 'rejected'] })
  @IsRequired()
  @IsOneOf(['approved', 'rejected'])
  outcome!: 'approved' | 'rejected';

  @ApiPropertyOptional({ maxLength: 4000 })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  reason?: string;
}

/** `asOf` (valid time) and `knownAt` (system time); a bare date means the end of that day. */
export class BitemporalQuery {
  @ApiPropertyOptional({
    description: 'valid time: the grade in force then (default: now)',
    example: '2026-03-01',
  })
  @OptionalNotNull()
  @IsIsoDateOrDateTime()
  asOf?: string;

  @ApiPropertyOptional({
    description: 'system time: only facts recorded by then (default: now)',
    example: '2026-03-01',
  })
  @OptionalNotNull()
  @IsIsoDateOrDateTime()
  knownAt?: string;
}

export class KnownAtQuery {
  @ApiPropertyOptional({ description: 'system time: only facts recorded by then (default: now)' })
  @OptionalNotNull()
  @IsIsoDateOrDateTime()
  knownAt?: string;
}

export class ReplayDto extends BitemporalQuery {}
