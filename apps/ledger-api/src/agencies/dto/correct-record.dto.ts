import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CORRECTABLE_FIELDS, type CorrectableField } from '@ledger/domain';
import { IsOneOf, IsRequired, IsText, OptionalNotNull } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';

const ISSUED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * 修改申请 (seed 002 §七.2, §三.11, §五.3): `POST /api/v1/agencies/:uscc/corrections`. A wrong
 * entry is set right by a compensating event; what was recorded stays, beside the correction.
 */
export class CorrectRecordDto extends CommandBodyDto {
  @ApiProperty({
    description:
      'What is corrected: the USCC (admin only, §七.2), a person’s resident ID number (admin only, §三.11), a non-technical person entered in error, withdrawn (admin only, §三.10), an equipment model (the agency, its regulator or an admin, §五.3)',
    enum: CORRECTABLE_FIELDS,
    enumName: 'CorrectableField',
  })
  @IsRequired()
  @IsOneOf(CORRECTABLE_FIELDS)
  field!: CorrectableField;

  @ApiPropertyOptional({
    description: 'the person (required for personnel.idNumber and personnel.withdrawn)',
  })
  @OptionalNotNull()
  @IsText({ max: 36, pattern: ISSUED_ID, patternMessage: 'must be a personId this ledger issued' })
  personId?: string;

  @ApiPropertyOptional({ description: 'the equipment (required for equipment.model)' })
  @OptionalNotNull()
  @IsText({
    max: 36,
    pattern: ISSUED_ID,
    patternMessage: 'must be an equipmentId this ledger issued',
  })
  equipmentId?: string;

  @ApiPropertyOptional({
    description:
      'The right value (required but for personnel.withdrawn): a USCC with its check characters, an 18-character resident ID number (personal data: stored sealed, never logged), or a model',
    maxLength: 100,
  })
  @OptionalNotNull()
  @IsText({ max: 100 })
  correctedValue?: string;

  @ApiProperty({ description: '修改原因 (why the entry was wrong)', maxLength: 1000 })
  @IsRequired()
  @IsText({ max: 1000, multiline: true })
  reason!: string;

  @ApiPropertyOptional({
    description: '佐证材料 (the supporting material: a document reference, number or link)',
    maxLength: 1000,
  })
  @OptionalNotNull()
  @IsText({ max: 1000 })
  evidence?: string;
}
