import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIsoDateOrDateTime, OptionalNotNull } from '../../http/validators';

/** What every command body may carry (API.md, Conventions). */
export abstract class CommandBodyDto {
  @ApiPropertyOptional({
    description:
      '发生时间 (valid time): when the fact happened in the world. A date (that day in Asia/Shanghai) or a date-time with an offset. Default: now.',
    example: '2026-03-01T09:30:00+08:00',
  })
  @OptionalNotNull()
  @IsIsoDateOrDateTime()
  occurredAt?: string;
}
