import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { DirectoryController } from './directory.controller';
import { ReevaluationController } from './reevaluation.controller';
import { ExecuteCycleCommandHandler } from './execute-cycle-command';
import { GradingController } from './grading.controller';
import { GradingService } from './grading.service';

@Module({
  imports: [AgenciesModule],
  controllers: [GradingController, DirectoryController, ReevaluationController],
  providers: [ExecuteCycleCommandHandler, GradingService],
})
export class GradingModule {}
