import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBareDate, IsRequired, IsText, OptionalNotNull } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';

/**
 * 离职 (seed 002 §三.5–6): `POST /api/v1/agencies/:uscc/personnel/:personId/departure`. The
 * person is never deleted; the departure is recorded with its date and proof.
 */
export class PersonnelDepartureDto extends CommandBodyDto {
  @ApiProperty({
    description: '离职日期 (date the person left), YYYY-MM-DD',
    example: '2026-03-31',
  })
  @IsRequired()
  @IsBareDate()
  leftAt!: string;

  @ApiPropertyOptional({
    description: '离职证明 (proof of departure: a document reference, number or link)',
    maxLength: 1000,
  })
  @OptionalNotNull()
  @IsText({ max: 1000 })
  proof?: string;
}
