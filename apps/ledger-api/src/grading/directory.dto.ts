import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandBodyDto } from '../agencies/dto/command-body.dto';
import { IsOneOf, IsRequired, IsText, OptionalNotNull } from '../http/validators';

/** `POST /api/v1/agencies/:uscc/directory-applications` (API.md v1.1; seed 001 Art. 20). */
export class DirectoryApplicationDto extends CommandBodyDto {
  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'why the agency should re-enter the directory (what it rectified)',
  })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  reason?: string;
}

/** `POST /api/v1/directory-applications/:applicationId/decision` (API.md v1.1). */
export class DecideDirectoryApplicationDto extends CommandBodyDto {
  @ApiProperty({
    enum: ['approved', 'rejected'],
    description: 'approved: the agency is back in the directory from the valid date (occurredAt)',
  })
  @IsRequired()
  @IsOneOf(['approved', 'rejected'])
  outcome!: 'approved' | 'rejected';

  @ApiPropertyOptional({ maxLength: 4000 })
  @OptionalNotNull()
  @IsText({ max: 4000 })
  reason?: string;
}
