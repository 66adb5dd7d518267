import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBareDate, IsOneOf, IsRequired, IsText, OptionalNotNull } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import {
  AUTHORITY_DEREGISTRATION_REASONS,
  DEREGISTRATION_REASONS,
  type AuthorityDeregistrationReason,
  type DeregistrationReason,
} from './enums';

/** 注销 (seed 000 Art. 24, seed 002 §一.9–10): `POST /api/v1/agencies/:uscc/deregistration`. */
export class DeregisterAgencyDto extends CommandBodyDto {
  @ApiProperty({
    description: '注销原因: 自愿注销 / 法人主体终止 / 资质认定失效',
    enum: DEREGISTRATION_REASONS,
    enumName: 'DeregistrationReason',
  })
  @IsRequired()
  @IsOneOf(DEREGISTRATION_REASONS)
  reason!: DeregistrationReason;
}

/**
 * 注销 by the registration authority of its own motion, after verification (seed 002 §一.10):
 * `POST /api/v1/agencies/:uscc/deregistration-by-authority`.
 */
export class DeregisterByAuthorityDto extends CommandBodyDto {
  @ApiProperty({
    description:
      '注销原因: 资质认定失效 (the CMA certificate lapsed or was revoked, as recorded) / 法人主体终止',
    enum: AUTHORITY_DEREGISTRATION_REASONS,
    enumName: 'AuthorityDeregistrationReason',
  })
  @IsRequired()
  @IsOneOf(AUTHORITY_DEREGISTRATION_REASONS)
  reason!: AuthorityDeregistrationReason;

  @ApiProperty({
    description: '核实依据 (what the authority verified: a decision, a certificate, a register)',
    maxLength: 1000,
  })
  @IsRequired()
  @IsText({ max: 1000 })
  basis!: string;
}

/**
 * 资质认定撤销 (seed 004 Art. 16 ¶2): the CMA qualification revoked by the issuing authority,
 * recorded by market regulation. `POST /api/v1/agencies/:uscc/cma-revocation`.
 */
export class RecordCmaRevocationDto extends CommandBodyDto {
  @ApiProperty({
    description: '撤销日期 (date of the revocation), YYYY-MM-DD',
    example: '2026-04-01',
  })
  @IsRequired()
  @IsBareDate()
  revokedOn!: string;

  @ApiPropertyOptional({ description: '决定文号 (decision number)', maxLength: 100 })
  @OptionalNotNull()
  @IsText({ max: 100 })
  decisionNumber?: string;

  @ApiPropertyOptional({
    description: '发证机关 (the issuing authority that revoked it)',
    maxLength: 200,
  })
  @OptionalNotNull()
  @IsText({ max: 200 })
  issuer?: string;

  @ApiPropertyOptional({ description: '撤销原因 (reason)', maxLength: 2000 })
  @OptionalNotNull()
  @IsText({ max: 2000 })
  reason?: string;
}
