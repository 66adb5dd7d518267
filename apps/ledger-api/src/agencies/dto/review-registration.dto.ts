import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOneOf, IsRequired, IsText, OptionalNotNull } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { REVIEW_OUTCOMES, type ReviewOutcome } from './enums';

/** 形式审查 (seed 000 Art. 7): `POST /api/v1/agencies/:uscc/review`. */
export class ReviewRegistrationDto extends CommandBodyDto {
  @ApiProperty({
    description: '审查结论: approved 通过 (published as the proof of registration) / returned 退回',
    enum: REVIEW_OUTCOMES,
    enumName: 'ReviewOutcome',
  })
  @IsRequired()
  @IsOneOf(REVIEW_OUTCOMES)
  outcome!: ReviewOutcome;

  @ApiPropertyOptional({
    description: '理由 (reason, e.g. what to correct when returned)',
    maxLength: 2000,
  })
  @OptionalNotNull()
  @IsText({ max: 2000 })
  reason?: string;
}
