import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REEVALUATION_BASES, type ReevaluationBasis } from '@ledger/domain';
import { CommandBodyDto } from '../agencies/dto/command-body.dto';
import { IsOneOf, IsRequired, IsText, OptionalNotNull } from '../http/validators';
import { Score } from './grading.dto';

/** `POST /api/v1/agencies/:uscc/reevaluations` (seed 000 Art. 22, 23). */
export class ProposeReevaluationDto extends CommandBodyDto {
  @ApiProperty({
    enum: REEVALUATION_BASES,
    description:
      'upgrade-request: answers the agency’s accepted upgrade request (beijing-23); supervision: a mid-cycle adjustment from day-to-day supervision (beijing-22)',
  })
  @IsRequired()
  @IsOneOf(REEVALUATION_BASES)
  basis!: ReevaluationBasis;

  @ApiProperty({ description: 'the new total score 0–100 (Art. 14)', minimum: 0, maximum: 100 })
  @IsRequired()
  @Score()
  score!: number;

  @ApiPropertyOptional({ maxLength: 4000 })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  reason?: string;
}

/** `POST /api/v1/reevaluations/:reevaluationId/publication`: after publicity (Art. 16). */
export class PublishReevaluationDto extends CommandBodyDto {}
