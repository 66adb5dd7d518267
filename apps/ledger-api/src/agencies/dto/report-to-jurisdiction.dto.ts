import { ApiProperty } from '@nestjs/swagger';
import { IsOneOf, IsRequired } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { JURISDICTIONS, type Jurisdiction } from './enums';

/**
 * 报备 (seed 000 Art. 4 ¶2, seed 002 §一.7): `POST /api/v1/agencies/:uscc/reports`. An agency
 * registered in one jurisdiction reports to another (the host) by its USCC, without filing
 * again; from the report's valid date the host's regulator supervises it there (ADR 016).
 */
export class ReportToJurisdictionDto extends CommandBodyDto {
  @ApiProperty({
    description: '报备地: the host jurisdiction the agency reports to (not its home)',
    enum: JURISDICTIONS,
    enumName: 'Jurisdiction',
  })
  @IsRequired()
  @IsOneOf(JURISDICTIONS)
  jurisdiction!: Jurisdiction;
}

export { CommandAnswerDto } from '../../http/openapi';
