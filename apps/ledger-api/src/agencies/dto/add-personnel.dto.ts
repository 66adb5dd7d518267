import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBareDate,
  IsNestedObject,
  IsOneOf,
  IsRequired,
  IsResidentIdNumber,
  IsStrictBoolean,
  IsText,
  IsUsccFormat,
  OptionalNotNull,
} from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { PERSONNEL_ROLES, type PersonnelRole } from './enums';

/**
 * The person left an agency that did not record it (defunct, or not acting): the hiring
 * agency records the departure there with its date and proof (seed 002 §三.6, §七.3).
 */
export class PriorDepartureDto {
  @ApiProperty({
    description: 'USCC of the agency the person left (上家机构)',
    example: '91110000802100433B',
  })
  @IsRequired()
  @IsUsccFormat()
  uscc!: string;

  @ApiProperty({
    description: '离职日期 (date the person left), YYYY-MM-DD',
    example: '2026-03-31',
  })
  @IsRequired()
  @IsBareDate()
  leftAt!: string;

  @ApiProperty({
    description: '离职证明 (proof of departure: a document reference, number or link)',
    maxLength: 1000,
  })
  @IsRequired()
  @IsText({ max: 1000 })
  proof!: string;
}

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

  @ApiPropertyOptional({
    description:
      "The departure from the previous agency, when that agency never recorded it (seed 002 §三.6, §七.3): recorded on both agencies, with its proof; the previous agency's regulator sees it",
    type: () => PriorDepartureDto,
  })
  @OptionalNotNull()
  @IsNestedObject(() => PriorDepartureDto)
  priorDeparture?: PriorDepartureDto;
}
