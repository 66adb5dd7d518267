import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBareDate,
  IsRequired,
  IsResidentIdNumber,
  IsText,
  OptionalNotNull,
} from '../../http/validators';

/**
 * A person the decision names responsible (相关责任人, seed 000 Art. 10; 涉事人员, seed 001 Art.
 * 20(二)). The ID number and the name are stored sealed under the person's key (ADR 005, 020);
 * the person's credit record is found by the keyed hash, never by the number.
 */
export class ResponsiblePersonDto {
  @ApiProperty({
    description:
      '公民身份号码 (resident ID number, GB 11643). Personal data: stored sealed, never answered in clear but to the regulator of the jurisdiction and admins',
    example: '11010519491231002X',
    minLength: 18,
    maxLength: 18,
  })
  @IsRequired()
  @IsResidentIdNumber()
  idNumber!: string;

  @ApiProperty({ description: '姓名 (name); personal data, stored sealed', maxLength: 100 })
  @IsRequired()
  @IsText({ max: 100 })
  name!: string;

  @ApiPropertyOptional({
    description: 'what the person did in the matter (e.g. 授权签字人, 技术负责人)',
    maxLength: 100,
  })
  @OptionalNotNull()
  @IsText({ max: 100 })
  role?: string;

  @ApiPropertyOptional({
    description:
      '禁止从业期限截止日 (last day of a ban from practising the decision imposes on the person), YYYY-MM-DD; runs from the decision date (seed 000 Art. 9(2)); penalties only',
    example: '2031-05-31',
  })
  @OptionalNotNull()
  @IsBareDate()
  bannedUntil?: string;
}
