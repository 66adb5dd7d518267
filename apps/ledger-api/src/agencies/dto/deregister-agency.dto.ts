import { ApiProperty } from '@nestjs/swagger';
import { IsOneOf, IsRequired } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { DEREGISTRATION_REASONS, type DeregistrationReason } from './enums';

/** 注销 (seed 000 Art. 24, seed 002 §一.9–10): `POST /api/v1/agencies/:uscc/deregistration`. */
export class DeregisterAgencyDto extends CommandBodyDto {
  @ApiProperty({
    description: '注销原因: 自愿注销 / 法人主体终止 / 资质认定失效',
    enum: DEREGISTRATION_REASONS,
    enumName: 'DeregistrationReason',
  })
  @IsRequired()
  @IsOneOf(DEREGISTRATION_REASONS)
  reason!: DeregistrationReason;
}
