import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { DirectoryController } from './directory.controller';
import { ReevaluationController } from './reevaluation.controller';
import { ExecuteCycleCommandHandler } from './execute-cycle-command';
import { GradingController } from './grading.controller';

@Module({
  imports: [AgenciesModule],
  controllers: [GradingController, DirectoryController, ReevaluationController],
  // GradingService comes from AgenciesModule: a hire reads grade histories too (ADR 020).
  providers: [ExecuteCycleCommandHandler],
})
export class GradingModule {}
