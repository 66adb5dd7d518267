import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBareDate,
  IsNestedObject,
  IsRequired,
  IsText,
  IsArrayOfSize,
  OptionalNotNull,
} from '../http/validators';

export class CalendarSourceDto {
  @ApiProperty({
    description: '国务院办公厅通知文号 (the State Council notice), e.g. 国办发明电〔2025〕7号',
    maxLength: 200,
  })
  @IsRequired()
  @IsText({ max: 200 })
  notice!: string;

  @ApiProperty({ description: '发布日期 (date issued), YYYY-MM-DD', example: '2025-11-04' })
  @IsRequired()
  @IsBareDate()
  issuedOn!: string;
}

/** A year's official calendar as the State Council's notice gives it (API.md v1.1). */
export class RecordCalendarDto {
  @ApiProperty({
    description: '放假日 (days off that would otherwise be working days), dates of the year',
    type: [String],
    example: ['2027-01-01'],
  })
  @IsRequired()
  @IsArrayOfSize({ max: 366 })
  @IsBareDate({ each: true })
  holidays!: string[];

  @ApiProperty({
    description: '调休上班日 (weekend days that are working days), dates of the year',
    type: [String],
    example: [],
  })
  @IsRequired()
  @IsArrayOfSize({ max: 366 })
  @IsBareDate({ each: true })
  makeupWorkdays!: string[];

  @ApiProperty({ description: 'the notice the calendar comes from', type: () => CalendarSourceDto })
  @IsRequired()
  @IsNestedObject(() => CalendarSourceDto)
  source!: CalendarSourceDto;

  @ApiPropertyOptional({
    description: '更正理由: required when the year already has a version and the body differs',
    maxLength: 2000,
  })
  @OptionalNotNull()
  @IsText({ max: 2000 })
  reason?: string;
}
