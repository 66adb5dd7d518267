import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBareDate,
  IsOneOf,
  IsRequired,
  IsResidentIdNumber,
  IsStrictBoolean,
  IsText,
  OptionalNotNull,
} from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { PERSONNEL_ROLES, type PersonnelRole } from './enums';

/**
 * 人员备案 (seed 002 §三): `POST /api/v1/agencies/:uscc/personnel`. One person, one agency at a
 * time; the answer names the person by an opaque `personId`, never by the ID number.
 */
export class AddPersonnelDto extends CommandBodyDto {
  @ApiProperty({
    description:
      '公民身份号码 (resident ID number, GB 11643, with its check character; upper-case X). Personal data: stored sealed, shown masked (110105********002X) to all but the regulator of the jurisdiction and admins',
    example: '11010519491231002X',
    minLength: 18,
    maxLength: 18,
  })
  @IsRequired()
  @IsResidentIdNumber()
  idNumber!: string;

  @ApiProperty({ description: '姓名 (name)', maxLength: 100 })
  @IsRequired()
  @IsText({ max: 100 })
  name!: string;

  @ApiProperty({ description: '岗位 (post)', enum: PERSONNEL_ROLES, enumName: 'PersonnelRole' })
  @IsRequired()
  @IsOneOf(PERSONNEL_ROLES)
  role!: PersonnelRole;

  @ApiPropertyOptional({ description: '技术人员 (holds a technical post)', default: true })
  @OptionalNotNull()
  @IsStrictBoolean()
  technical: boolean = true;

  @ApiPropertyOptional({
    description: '学历 (education; any degree the state recognises)',
    maxLength: 100,
  })
  @OptionalNotNull()
  @IsText({ max: 100 })
  education?: string;

  @ApiPropertyOptional({ description: '职称 (professional title)', maxLength: 100 })
  @OptionalNotNull()
  @IsText({ max: 100 })
  title?: string;

  @ApiPropertyOptional({
    description: '入职日期 (date joined, from the labour contract), YYYY-MM-DD',
    example: '2026-01-05',
  })
  @OptionalNotNull()
  @IsBareDate()
  joinedAt?: string;
}
