import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArrayOf,
  IsBareDate,
  IsOneOf,
  IsRequired,
  IsText,
  IsYuanAmount,
  OptionalNotNull,
  IsNestedArray,
} from '../../http/validators';
import { ResponsiblePersonDto } from './responsible-person.dto';
import { CommandBodyDto } from './command-body.dto';
import {
  BUSINESS_TYPES,
  PENALTY_CATEGORIES,
  VIOLATION_TYPES,
  type BusinessType,
  type PenaltyCategory,
  type ViolationType,
} from './enums';

/** 行政处罚: `POST /api/v1/agencies/:uscc/penalties`. */
export class ImposePenaltyDto extends CommandBodyDto {
  @ApiProperty({ description: '处罚决定书文号 (decision number)', maxLength: 100 })
  @IsRequired()
  @IsText({ max: 100 })
  decisionNumber!: string;

  @ApiProperty({
    description: '处罚决定日期 (date of the decision), YYYY-MM-DD',
    example: '2026-03-01',
  })
  @IsRequired()
  @IsBareDate()
  decidedAt!: string;

  @ApiPropertyOptional({
    description:
      '违法行为发生日期 (date of the conduct the decision concerns), YYYY-MM-DD: a decision after the agency deregistered is recorded when the conduct was on or before the deregistration (beijing-24)',
    example: '2026-02-15',
  })
  @OptionalNotNull()
  @IsBareDate()
  conductOn?: string;

  @ApiProperty({
    description: '违法行为类型: 数据造假 / 虚假报告 / 不实报告 / 运维造假 / 拒绝检查 / 其他',
    enum: VIOLATION_TYPES,
    enumName: 'ViolationType',
  })
  @IsRequired()
  @IsOneOf(VIOLATION_TYPES)
  violationType!: ViolationType;

  @ApiProperty({ description: '处罚依据 (legal basis)', maxLength: 1000 })
  @IsRequired()
  @IsText({ max: 1000 })
  legalBasis!: string;

  @ApiProperty({ description: '处罚内容 (content of the penalty, facts)', maxLength: 4000 })
  @IsRequired()
  @IsText({ max: 4000 })
  content!: string;

  @ApiPropertyOptional({
    description: '罚款金额 (fine, yuan; ≥ 0, at most 2 decimals)',
    minimum: 0,
  })
  @OptionalNotNull()
  @IsYuanAmount()
  fineYuan?: number;

  @ApiPropertyOptional({ description: '处罚机关 (deciding authority)', maxLength: 200 })
  @OptionalNotNull()
  @IsText({ max: 200 })
  authority?: string;

  @ApiPropertyOptional({
    description:
      '履行期限: the deadline to fulfil the decision, YYYY-MM-DD, on or after decidedAt. Unfulfilled past it, a Chongqing agency is E from the next day (seed 001 Art. 16(5)–(6))',
    example: '2026-03-16',
  })
  @OptionalNotNull()
  @IsBareDate()
  dueBy?: string;

  @ApiPropertyOptional({
    description: '监测业务类型 the violation concerns (seed 004 Art. 6)',
    enum: BUSINESS_TYPES,
    enumName: 'BusinessType',
  })
  @OptionalNotNull()
  @IsOneOf(BUSINESS_TYPES)
  businessType?: BusinessType;

  @ApiPropertyOptional({ description: '违法事实 (the facts found)', maxLength: 4000 })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  facts?: string;

  @ApiPropertyOptional({
    description: '处罚类别: 警告 / 罚款 / 没收 / 责令停产停业 / 吊销许可证件 / 其他 (no repeats)',
    enum: PENALTY_CATEGORIES,
    enumName: 'PenaltyCategory',
    isArray: true,
  })
  @OptionalNotNull()
  @IsArrayOf(PENALTY_CATEGORIES, { min: 1, max: PENALTY_CATEGORIES.length })
  categories?: PenaltyCategory[];

  @ApiPropertyOptional({
    description: '没收违法所得、没收非法财物的金额 (yuan; ≥ 0, at most 2 decimals)',
    minimum: 0,
  })
  @OptionalNotNull()
  @IsYuanAmount()
  confiscatedYuan?: number;

  @ApiPropertyOptional({
    description:
      'the persons responsible the decision names (相关责任人, seed 000 Art. 10; 涉事人员, seed 001 Art. 20(二)): each gets a credit record of their own, keyed by the hash of the ID number',
    type: () => [ResponsiblePersonDto],
  })
  @OptionalNotNull()
  @IsNestedArray(() => ResponsiblePersonDto, { max: 20 })
  responsiblePersons?: ResponsiblePersonDto[];
}
