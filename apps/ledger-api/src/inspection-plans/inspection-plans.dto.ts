import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DRAW_GRADES,
  JURISDICTIONS,
  PERIOD_PATTERN,
  SEED_PATTERN,
  type Jurisdiction,
} from '@ledger/domain';
import { CommandBodyDto } from '../agencies/dto/command-body.dto';
import { IsOneOf, IsRequired, IsText, OptionalNotNull } from '../http/validators';

/** `POST /api/v1/inspection-plans`: draw the 双随机 plan of a jurisdiction and period. */
export class DrawInspectionPlanDto extends CommandBodyDto {
  @ApiProperty({ enum: JURISDICTIONS, description: 'the jurisdiction whose agencies are drawn' })
  @IsRequired()
  @IsOneOf(JURISDICTIONS)
  jurisdiction!: Jurisdiction;

  @ApiProperty({
    description:
      'the inspection period: a year (2027), a half (2027-H1), a quarter (2027-Q1) or a month (2027-03); one plan per jurisdiction and period',
    example: '2027-Q1',
  })
  @IsRequired()
  @IsText({
    max: 7,
    pattern: PERIOD_PATTERN,
    patternMessage:
      'must be a year (2027), a half (2027-H1), a quarter (2027-Q1) or a month (2027-03)',
  })
  period!: string;

  @ApiPropertyOptional({
    description:
      'the draw seed, 32 to 128 hexadecimal digits (e.g. from a public lottery draw); default: 32 bytes from the ledger’s CSPRNG. Recorded with the plan.',
    example: '8f14e45fceea167a5a36dedd4bea2543c9f0e2b1d4a7c3b6e5f8a9d0c1b2e3f4',
  })
  @OptionalNotNull()
  @IsText({
    max: 128,
    pattern: SEED_PATTERN,
    patternMessage: 'must be 32 to 128 hexadecimal digits (16 to 64 bytes)',
  })
  seed?: string;
}

export class DrawnAgencyDto {
  @ApiProperty({ example: '91500103000000027D' })
  uscc!: string;

  @ApiProperty({ enum: DRAW_GRADES, description: 'the grade in force on the draw’s date' })
  grade!: string;
}

export class DrawAlgorithmDto {
  @ApiProperty({ example: 'sha256-ctr-fisher-yates' })
  name!: string;

  @ApiProperty({ example: 1 })
  version!: number;
}

const RATIOS = {
  type: 'object',
  description: 'share of each grade drawn (0–1), from the policy in force on the draw’s date',
  additionalProperties: { type: 'number' },
  example: { A: 0.05, B: 0.1, C: 0.3, D: 1, E: 1, ungraded: 1, 'no-business': 1 },
} as const;

export class InspectionPlanPolicyDto {
  @ApiProperty({ example: 'chongqing/2023' })
  id!: string;

  @ApiProperty({ example: '2023' })
  version!: string;

  @ApiProperty({ example: 'chongqing-22', description: 'the article that sets the shares' })
  article!: string;

  @ApiPropertyOptional({
    description: 'why the shares are what they are, where the text does not say',
  })
  assumption?: string;
}

/** `201` of a draw. */
export class InspectionPlanDrawnDto {
  @ApiProperty({ example: 'chongqing-2027-Q1' })
  planId!: string;

  @ApiProperty({ description: 'the seed drawn with (hexadecimal)' })
  seed!: string;

  @ApiProperty({ enum: ['given', 'generated'] })
  seedSource!: string;

  @ApiProperty(RATIOS)
  ratios!: Record<string, number>;

  @ApiProperty({ type: () => [DrawnAgencyDto] })
  drawn!: DrawnAgencyDto[];

  @ApiProperty({ example: 3 })
  version!: number;

  @ApiProperty({ example: 42 })
  position!: number;

  @ApiProperty({ type: [String] })
  eventIds!: string[];
}

export class PlanInspectionDto {
  @ApiProperty()
  eventId!: string;

  @ApiProperty({ example: '2027-02-10' })
  inspectedAt!: string;

  @ApiProperty({ example: 'on-site' })
  method!: string;

  @ApiProperty({ description: 'number of findings', example: 0 })
  findings!: number;
}

export class PlanProgressDto extends DrawnAgencyDto {
  @ApiProperty({ description: 'an inspection naming this plan has been recorded' })
  inspected!: boolean;

  @ApiProperty({ type: () => [PlanInspectionDto] })
  inspections!: PlanInspectionDto[];
}

/** `GET /api/v1/inspection-plans/:planId`. */
export class InspectionPlanDto {
  @ApiProperty({ example: 'chongqing-2027-Q1' })
  planId!: string;

  @ApiProperty({ enum: JURISDICTIONS })
  jurisdiction!: string;

  @ApiProperty({ example: '2027-Q1' })
  period!: string;

  @ApiProperty({ example: '2027-01-01' })
  periodStartsOn!: string;

  @ApiProperty({ example: '2027-03-31' })
  periodEndsOn!: string;

  @ApiProperty({ example: '2026-12-20', description: 'valid date of the draw' })
  drawnOn!: string;

  @ApiProperty({ type: () => InspectionPlanPolicyDto })
  policy!: InspectionPlanPolicyDto;

  @ApiProperty(RATIOS)
  ratios!: Record<string, number>;

  @ApiProperty({
    enum: ['floor', 'ceil'],
    description: 'sample size: floor or ceil of share × count',
  })
  rounding!: string;

  @ApiProperty({
    type: () => [DrawnAgencyDto],
    description: 'every agency supervised on drawnOn, by USCC',
  })
  candidates!: DrawnAgencyDto[];

  @ApiProperty()
  seed!: string;

  @ApiProperty({ enum: ['given', 'generated'] })
  seedSource!: string;

  @ApiProperty({ type: () => DrawAlgorithmDto })
  algorithm!: DrawAlgorithmDto;

  @ApiProperty({
    type: () => [PlanProgressDto],
    description: 'the agencies drawn, by USCC, with their inspections under this plan',
  })
  drawn!: PlanProgressDto[];

  @ApiProperty({ type: [String], description: 'USCCs drawn and not yet inspected under this plan' })
  toInspect!: string[];
}

/** `GET /api/v1/inspection-plans/:planId/verify`. */
export class InspectionPlanVerificationDto {
  @ApiProperty({ example: 'chongqing-2027-Q1' })
  planId!: string;

  @ApiProperty({ description: 're-drawn from the recorded inputs, the same agencies were drawn' })
  match!: boolean;

  @ApiProperty({ type: () => DrawAlgorithmDto })
  algorithm!: DrawAlgorithmDto;

  @ApiProperty({ type: () => [DrawnAgencyDto] })
  recorded!: DrawnAgencyDto[];

  @ApiProperty({ type: () => [DrawnAgencyDto] })
  redrawn!: DrawnAgencyDto[];
}
