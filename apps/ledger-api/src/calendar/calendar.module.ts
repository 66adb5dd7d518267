import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { CalendarController } from './calendar.controller';

/** The calendar routes. CalendarService lives beside the CommandPipeline that reads it. */
@Module({
  imports: [AgenciesModule],
  controllers: [CalendarController],
})
export class CalendarModule {}
