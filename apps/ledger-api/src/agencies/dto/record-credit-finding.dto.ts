import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ARTICLE_PATTERN,
  IsBareDate,
  IsOneOf,
  IsRequired,
  IsText,
  OptionalNotNull,
  IsNestedArray,
} from '../../http/validators';
import { ResponsiblePersonDto } from './responsible-person.dto';
import { ValidateIf } from 'class-validator';
import { CommandBodyDto } from './command-body.dto';
import { CREDIT_FINDING_KINDS, type CreditFindingKind } from './enums';

/** 信用记录 (seed 000 Art. 9): `POST /api/v1/agencies/:uscc/credit-findings`. */
export class RecordCreditFindingDto extends CommandBodyDto {
  @ApiProperty({
    description:
      '类型: 信用不良 / 移送公安机关并立案 / 列入严重失信主体名单 / 移出严重失信主体名单 / 无故不参与信用评价 (jiaxing-11-1) / 列入政府采购严重违法失信行为记录 (chongqing-16-2, with bannedUntil)',
    enum: CREDIT_FINDING_KINDS,
    enumName: 'CreditFindingKind',
  })
  @IsRequired()
  @IsOneOf(CREDIT_FINDING_KINDS)
  kind!: CreditFindingKind;

  @ApiProperty({
    description: '依据条款 (the rule, `<source>-<article>[-<item>]`)',
    example: 'beijing-9-3',
    maxLength: 64,
    pattern: ARTICLE_PATTERN.source,
  })
  @IsRequired()
  @IsText({
    max: 64,
    pattern: ARTICLE_PATTERN,
    patternMessage: 'must be a rule id such as beijing-9-3',
  })
  article!: string;

  @ApiProperty({ description: '认定日期 (date decided), YYYY-MM-DD', example: '2026-03-01' })
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

  @ApiPropertyOptional({
    description:
      '禁入期限截止日 (last day of the procurement ban), YYYY-MM-DD: required for procurement-blacklisted, refused for any other kind; the E it causes ends the day after (chongqing-16-2)',
    example: '2027-06-30',
  })
  @ValidateIf(
    (o: RecordCreditFindingDto, value: unknown) =>
      value !== undefined || o.kind === 'procurement-blacklisted',
  )
  @IsRequired()
  @IsBareDate()
  bannedUntil?: string;

  @ApiPropertyOptional({ description: '情况说明 (description)', maxLength: 2000 })
  @OptionalNotNull()
  @IsText({ max: 2000 })
  description?: string;

  @ApiPropertyOptional({
    description:
      'the persons responsible the decision names (相关责任人, seed 000 Art. 10; 涉事人员, seed 001 Art. 20(二)): each gets a credit record of their own, keyed by the hash of the ID number',
    type: () => [ResponsiblePersonDto],
  })
  @OptionalNotNull()
  @IsNestedArray(() => ResponsiblePersonDto, { max: 20 })
  responsiblePersons?: ResponsiblePersonDto[];
}
