import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBareDate, OptionalNotNull } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';

/**
 * 设备报废 (seed 002 §五.4: scrapped by status, never deleted):
 * `POST /api/v1/agencies/:uscc/equipment/:equipmentId/scrap`.
 */
export class ScrapEquipmentDto extends CommandBodyDto {
  @ApiPropertyOptional({
    description:
      "报废日期 (date scrapped), YYYY-MM-DD; default: today's date in Asia/Shanghai (not the day of occurredAt)",
    example: '2026-03-01',
  })
  @OptionalNotNull()
  @IsBareDate()
  scrappedAt?: string;
}
