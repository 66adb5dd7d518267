import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryEntryRow } from '@ledger/projections';
import { CalendarService } from '../calendar/calendar.service';
import { CommandPipeline } from '../commands/command-pipeline';
import { ProjectionsService } from '../projections/projections.service';
import { AgencyCommandsController } from './agency-commands.controller';
import { AgencyQueriesController } from './agency-queries.controller';
import { AgencyDirectory } from './agency-directory';
import { ExecuteAgencyCommandHandler } from './execute-agency-command';
import { LedgerController } from './ledger.controller';
import { PersonalData } from './personal-data.provider';
import { GradingService } from '../grading/grading.service';
import { PeopleService } from '../people/people.service';
import { PeopleController } from '../people/people.controller';

@Module({
  imports: [TypeOrmModule.forFeature([RegistryEntryRow])],
  controllers: [
    AgencyCommandsController,
    AgencyQueriesController,
    LedgerController,
    PeopleController,
  ],
  providers: [
    ExecuteAgencyCommandHandler,
    ProjectionsService,
    CommandPipeline,
    CalendarService,
    PersonalData,
    AgencyDirectory,
    GradingService,
    PeopleService,
  ],
  exports: [
    ProjectionsService,
    CommandPipeline,
    CalendarService,
    PersonalData,
    AgencyDirectory,
    GradingService,
  ],
})
export class AgenciesModule {}
