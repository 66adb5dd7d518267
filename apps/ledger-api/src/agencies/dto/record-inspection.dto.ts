import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSPECTION_PLAN_ID } from '@ledger/domain';
import {
  IsArrayOf,
  IsBareDate,
  IsNestedArray,
  IsOneOf,
  IsRequired,
  IsText,
  OptionalNotNull,
} from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { ResponsiblePersonDto } from './responsible-person.dto';
import {
  BUSINESS_TYPES,
  FINDING_CODES,
  FINDING_ITEMS,
  INSPECTION_METHODS,
  MEASURES,
  type BusinessType,
  type FindingCode,
  type FindingItem,
  type InspectionMethod,
  type Measure,
} from './enums';

/** 检查发现的问题 (seed 004 Art. 7–12). */
export class InspectionFindingDto {
  @ApiProperty({
    description:
      '问题类型: 监测不规范, 样品管理, 记录管理, 质量体系, 能力不符, 不实报告, 虚假报告, 拒绝检查, 其他',
    enum: FINDING_CODES,
    enumName: 'FindingCode',
  })
  @IsRequired()
  @IsOneOf(FINDING_CODES)
  code!: FindingCode;

  @ApiPropertyOptional({
    description:
      '具体情形 (the article item under code, seed 004 Art. 7–14: urumqi-11-2 is 不实报告 item (二), under untrue-report); for an agency supervised in that jurisdiction, on a date its rules are in force',
    enum: FINDING_ITEMS,
    enumName: 'FindingItem',
  })
  @OptionalNotNull()
  @IsOneOf(FINDING_ITEMS)
  item?: FindingItem;

  @ApiPropertyOptional({ description: '问题描述 (description)', maxLength: 2000 })
  @OptionalNotNull()
  @IsText({ max: 2000 })
  description?: string;
}

/** 监督检查 (seed 001 Art. 6–9, seed 004 Art. 15): `POST /api/v1/agencies/:uscc/inspections`. */
export class RecordInspectionDto extends CommandBodyDto {
  @ApiProperty({
    description: '检查日期 (date of the inspection), YYYY-MM-DD',
    example: '2026-03-01',
  })
  @IsRequired()
  @IsBareDate()
  inspectedAt!: string;

  @ApiProperty({
    description: '检查方式: 现场检查 / 非现场检查 / 盲样考核 / 实验室间比对 / 档案核查',
    enum: INSPECTION_METHODS,
    enumName: 'InspectionMethod',
  })
  @IsRequired()
  @IsOneOf(INSPECTION_METHODS)
  method!: InspectionMethod;

  @ApiProperty({
    description: '检查发现 (findings; an empty array for an inspection that found nothing)',
    type: () => [InspectionFindingDto],
    maxItems: 100,
  })
  @IsRequired()
  @IsNestedArray(() => InspectionFindingDto, { max: 100 })
  findings!: InspectionFindingDto[];

  @ApiPropertyOptional({ description: '检查机关 (inspecting authority)', maxLength: 200 })
  @OptionalNotNull()
  @IsText({ max: 200 })
  authority?: string;

  @ApiPropertyOptional({
    description: '监管措施 (seed 001 Art. 9): 书面通知 / 约谈 / 公开通报 (no repeats)',
    enum: MEASURES,
    enumName: 'Measure',
    isArray: true,
  })
  @OptionalNotNull()
  @IsArrayOf(MEASURES, { max: MEASURES.length })
  measures?: Measure[];

  @ApiPropertyOptional({
    description:
      '双随机抽查计划 (the inspection plan this inspection carries out, e.g. chongqing-2027-Q1): the plan must have drawn this agency, and the inspection fall between the draw and the end of its period',
    example: 'chongqing-2027-Q1',
  })
  @OptionalNotNull()
  @IsText({
    max: 40,
    pattern: INSPECTION_PLAN_ID,
    patternMessage: 'must be a plan id such as chongqing-2027-Q1',
  })
  planId?: string;

  @ApiPropertyOptional({
    description:
      '监测业务类型 (seed 004 Art. 6): 委托监测 / 排污单位自行监测 / 土壤污染状况调查 / 环评现状与竣工验收监测 / 自动监测运维 / 其他',
    enum: BUSINESS_TYPES,
    enumName: 'BusinessType',
  })
  @OptionalNotNull()
  @IsOneOf(BUSINESS_TYPES)
  businessType?: BusinessType;

  @ApiPropertyOptional({
    description:
      'the persons responsible for what the inspection found (相关责任人, seed 000 Art. 10): each gets a credit record of their own, keyed by the hash of the ID number; no ban (a penalty imposes one)',
    type: () => [ResponsiblePersonDto],
  })
  @OptionalNotNull()
  @IsNestedArray(() => ResponsiblePersonDto, { max: 20 })
  responsiblePersons?: ResponsiblePersonDto[];
}
