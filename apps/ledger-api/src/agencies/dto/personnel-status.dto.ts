import { ApiProperty } from '@nestjs/swagger';
import { IsBareDate, IsOneOf, IsRequired } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { PERSONNEL_STATUSES, type PersonnelStatus } from './enums';

/**
 * 人员状态变更 (seed 002 §三.9: 在职 → 转非技术岗):
 * `POST /api/v1/agencies/:uscc/personnel/:personId/status`.
 */
export class PersonnelStatusDto extends CommandBodyDto {
  @ApiProperty({
    description: '新状态: non-technical 转非技术岗 (moved to a non-technical post)',
    enum: PERSONNEL_STATUSES,
    enumName: 'PersonnelStatus',
  })
  @IsRequired()
  @IsOneOf(PERSONNEL_STATUSES)
  status!: PersonnelStatus;

  @ApiProperty({ description: '调岗日期 (date of the move), YYYY-MM-DD', example: '2026-03-01' })
  @IsRequired()
  @IsBareDate()
  changedAt!: string;
}
