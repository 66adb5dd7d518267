import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryEntryRow } from '@ledger/projections';
import { RegistryProjectionService } from '../projections/registry-projection.service';
import { AgencyCommandsController } from './agency-commands.controller';
import { AgencyQueriesController } from './agency-queries.controller';
import { ExecuteAgencyCommandHandler } from './execute-agency-command';
import { LedgerController } from './ledger.controller';
import { PersonalData } from './personal-data.provider';

@Module({
  imports: [TypeOrmModule.forFeature([RegistryEntryRow])],
  controllers: [AgencyCommandsController, AgencyQueriesController, LedgerController],
  providers: [ExecuteAgencyCommandHandler, RegistryProjectionService, PersonalData],
})
export class AgenciesModule {}
