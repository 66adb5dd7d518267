import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBareDate, IsRequired, IsText, OptionalNotNull } from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';

/** 仪器设备 (seed 002 §五): `POST /api/v1/agencies/:uscc/equipment`. */
export class AddEquipmentDto extends CommandBodyDto {
  @ApiProperty({ description: '设备名称 (name)', maxLength: 200 })
  @IsRequired()
  @IsText({ max: 200 })
  name!: string;

  @ApiPropertyOptional({ description: '规格型号 (model)', maxLength: 100 })
  @OptionalNotNull()
  @IsText({ max: 100 })
  model?: string;

  @ApiPropertyOptional({ description: '出厂编号 (serial number)', maxLength: 100 })
  @OptionalNotNull()
  @IsText({ max: 100 })
  serial?: string;

  @ApiPropertyOptional({ description: '生产厂家 (manufacturer)', maxLength: 200 })
  @OptionalNotNull()
  @IsText({ max: 200 })
  manufacturer?: string;

  @ApiPropertyOptional({ description: '购置日期 (date acquired), YYYY-MM-DD' })
  @OptionalNotNull()
  @IsBareDate()
  acquiredAt?: string;

  @ApiPropertyOptional({ description: '检定/校准有效期至 (calibrated until), YYYY-MM-DD' })
  @OptionalNotNull()
  @IsBareDate()
  calibratedUntil?: string;
}
