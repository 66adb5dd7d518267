import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  EMAIL_PATTERN,
  IsArrayOf,
  IsBareDate,
  IsNestedObject,
  IsOneOf,
  IsRequired,
  IsStrictBoolean,
  IsText,
  IsTextArray,
  IsUscc,
  OptionalNotNull,
  PHONE_PATTERN,
} from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import {
  AGENCY_CATEGORIES,
  JURISDICTIONS,
  MONITORING_TYPES,
  SERVICE_TYPES,
  type AgencyCategory,
  type Jurisdiction,
  type MonitoringType,
  type ServiceType,
} from './enums';

const NAME = { max: 100 };
const ORGANISATION_NAME = { max: 200 };
const ADDRESS = { max: 500 };
const PHONE = { max: 40, pattern: PHONE_PATTERN, patternMessage: 'must be a phone number' };
const EMAIL = { max: 254, pattern: EMAIL_PATTERN, patternMessage: 'must be an e-mail address' };
export class LegalRepresentativeDto {
  @ApiProperty({ description: '法定代表人姓名 (name of the legal representative)', maxLength: 100 })
  @IsRequired()
  @IsText(NAME)
  name!: string;

  @ApiPropertyOptional({ description: '职务 (title)', maxLength: 100 })
  @OptionalNotNull()
  @IsText(NAME)
  title?: string;

  @ApiPropertyOptional({
    description: '联系电话 (phone); personal data, stored sealed',
    maxLength: 40,
    example: '010-12345678',
  })
  @OptionalNotNull()
  @IsText(PHONE)
  phone?: string;
}

/** 书面承诺 (seed 000 Annex 2), signed with the registration and after a change of name or legal representative. */
export class CommitmentDto {
  @ApiProperty({ description: '承诺人 (who signed the written commitment)', maxLength: 100 })
  @IsRequired()
  @IsText(NAME)
  signedBy!: string;

  @ApiProperty({ description: '签署日期 (date signed), YYYY-MM-DD', example: '2026-03-01' })
  @IsRequired()
  @IsBareDate()
  signedAt!: string;

  @ApiPropertyOptional({
    description:
      '承诺书版本 (version of the commitment text signed, e.g. the template edition); given with text, published with the registration',
    maxLength: 50,
    example: 'annex-2-2026',
  })
  @OptionalNotNull()
  @IsText({ max: 50 })
  version?: string;

  @ApiPropertyOptional({
    description:
      '承诺书全文 (the text signed, seed 000 Annex 2); given with version, published with the registration (seed 002 §六.1)',
    maxLength: 10000,
  })
  @OptionalNotNull()
  @IsText({ max: 10000, multiline: true })
  text?: string;
}

export class AddressesDto {
  @ApiPropertyOptional({ description: '注册地址 (registered address)', maxLength: 500 })
  @OptionalNotNull()
  @IsText(ADDRESS)
  registered?: string;

  @ApiPropertyOptional({ description: '实际办公/实验场所地址 (workplace address)', maxLength: 500 })
  @OptionalNotNull()
  @IsText(ADDRESS)
  workplace?: string;

  @ApiPropertyOptional({
    description: '在京办公地址 (office address in the jurisdiction, e.g. the Beijing office)',
    maxLength: 500,
  })
  @OptionalNotNull()
  @IsText(ADDRESS)
  office?: string;
}

export class ContactDto {
  @ApiPropertyOptional({
    description: '联系电话 (phone); personal data, stored sealed',
    maxLength: 40,
  })
  @OptionalNotNull()
  @IsText(PHONE)
  phone?: string;

  @ApiPropertyOptional({ description: '电子邮箱 (e-mail)', maxLength: 254 })
  @OptionalNotNull()
  @IsText(EMAIL)
  email?: string;
}

/** 检验检测机构资质认定证书 (CMA certificate). */
export class CmaCertificateDto {
  @ApiPropertyOptional({ description: '证书编号 (certificate number)', maxLength: 50 })
  @OptionalNotNull()
  @IsText({ max: 50 })
  number?: string;

  @ApiPropertyOptional({ description: '发证机关 (issuing authority)', maxLength: 200 })
  @OptionalNotNull()
  @IsText(ORGANISATION_NAME)
  issuer?: string;

  @ApiPropertyOptional({
    description: '发证日期 / 有效期起 (valid from), YYYY-MM-DD',
    example: '2023-12-31',
  })
  @OptionalNotNull()
  @IsBareDate()
  validFrom?: string;

  @ApiPropertyOptional({ description: '有效期至 (valid until), YYYY-MM-DD', example: '2029-12-31' })
  @OptionalNotNull()
  @IsBareDate()
  validUntil?: string;
}

/** 关键岗位人员: names of the people in the key roles. */
export class KeyPersonnelDto {
  @ApiPropertyOptional({ description: '技术负责人 (technical lead)', maxLength: 100 })
  @OptionalNotNull()
  @IsText(NAME)
  technicalLead?: string;

  @ApiPropertyOptional({ description: '质量负责人 (quality lead)', maxLength: 100 })
  @OptionalNotNull()
  @IsText(NAME)
  qualityLead?: string;

  @ApiPropertyOptional({ description: '授权签字人 (authorised signatory)', maxLength: 100 })
  @OptionalNotNull()
  @IsText(NAME)
  authorisedSignatory?: string;

  @ApiPropertyOptional({ description: '最高管理者 (top manager)', maxLength: 100 })
  @OptionalNotNull()
  @IsText(NAME)
  topManager?: string;
}

/**
 * 备案 (seed 000 Art. 4–5, Annex 1): `POST /api/v1/agencies`. The registration fields here
 * are also what `ChangeRegistrationDto.changes` may carry.
 */
export class RegisterAgencyDto extends CommandBodyDto {
  @ApiProperty({
    description:
      '统一社会信用代码 (USCC, GB 32100-2015): 18 characters, check characters verified unless acceptUnverifiedCode is true',
    example: '91110000802100433B',
    minLength: 18,
    maxLength: 18,
  })
  @IsRequired()
  @IsUscc((body) => (body as RegisterAgencyDto).acceptUnverifiedCode === true)
  uscc!: string;

  @ApiProperty({ description: '机构名称 (name of the agency)', maxLength: 200 })
  @IsRequired()
  @IsText(ORGANISATION_NAME)
  name!: string;

  @ApiProperty({
    description: '管辖地 (jurisdiction whose regulator reviews and grades it)',
    enum: JURISDICTIONS,
    enumName: 'Jurisdiction',
  })
  @IsRequired()
  @IsOneOf(JURISDICTIONS)
  jurisdiction!: Jurisdiction;

  @ApiProperty({
    description: '机构类别: 综合监测类 / 辐射专项监测类 / 自动监测运维 / 其他',
    enum: AGENCY_CATEGORIES,
    enumName: 'AgencyCategory',
  })
  @IsRequired()
  @IsOneOf(AGENCY_CATEGORIES)
  category!: AgencyCategory;

  @ApiProperty({
    description: '服务类型: 公共监测 / 自行监测 (at least one, no repeats)',
    enum: SERVICE_TYPES,
    enumName: 'ServiceType',
    isArray: true,
    minItems: 1,
  })
  @IsRequired()
  @IsArrayOf(SERVICE_TYPES, { min: 1, max: SERVICE_TYPES.length })
  serviceTypes!: ServiceType[];

  @ApiProperty({
    description: '法定代表人 (legal representative)',
    type: () => LegalRepresentativeDto,
  })
  @IsRequired()
  @IsNestedObject(() => LegalRepresentativeDto)
  legalRepresentative!: LegalRepresentativeDto;

  @ApiProperty({
    description: '书面承诺 (signed written commitment, seed 000 Annex 2)',
    type: () => CommitmentDto,
  })
  @IsRequired()
  @IsNestedObject(() => CommitmentDto)
  commitment!: CommitmentDto;

  @ApiPropertyOptional({
    description: '监测类型: 检验检测 / 自动监测运维 (no repeats)',
    enum: MONITORING_TYPES,
    enumName: 'MonitoringType',
    isArray: true,
  })
  @OptionalNotNull()
  @IsArrayOf(MONITORING_TYPES, { max: MONITORING_TYPES.length })
  monitoringTypes?: MonitoringType[];

  @ApiPropertyOptional({
    description:
      '业务范围 (business scope: water, air, soil, biology, noise, vibration, radiation …)',
    type: [String],
    maxItems: 50,
    example: ['water', 'air'],
  })
  @OptionalNotNull()
  @IsTextArray({ max: 50 }, { max: 100 })
  scope?: string[];

  @ApiPropertyOptional({ description: '地址 (addresses)', type: () => AddressesDto })
  @OptionalNotNull()
  @IsNestedObject(() => AddressesDto)
  addresses?: AddressesDto;

  @ApiPropertyOptional({ description: '联系方式 (contact)', type: () => ContactDto })
  @OptionalNotNull()
  @IsNestedObject(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ description: '所有制性质 / 出资情况 (ownership)', maxLength: 200 })
  @OptionalNotNull()
  @IsText(ORGANISATION_NAME)
  ownership?: string;

  @ApiPropertyOptional({
    description: '资质认定证书 (CMA certificate)',
    type: () => CmaCertificateDto,
  })
  @OptionalNotNull()
  @IsNestedObject(() => CmaCertificateDto)
  cmaCertificate?: CmaCertificateDto;

  @ApiPropertyOptional({ description: '关键岗位人员 (key personnel)', type: () => KeyPersonnelDto })
  @OptionalNotNull()
  @IsNestedObject(() => KeyPersonnelDto)
  keyPersonnel?: KeyPersonnelDto;

  @ApiPropertyOptional({
    description:
      'Take a USCC whose check character fails (some early pilot codes, e.g. 91350211M00013FA1N): regulator or admin only; the event records it',
    default: false,
  })
  @OptionalNotNull()
  @IsStrictBoolean()
  acceptUnverifiedCode?: boolean;
}
