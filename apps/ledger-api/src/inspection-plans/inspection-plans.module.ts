import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { ExecuteInspectionPlanCommandHandler } from './execute-inspection-plan-command';
import { InspectionPlansController } from './inspection-plans.controller';
import { InspectionPlansService } from './inspection-plans.service';

@Module({
  imports: [AgenciesModule],
  controllers: [InspectionPlansController],
  providers: [ExecuteInspectionPlanCommandHandler, InspectionPlansService],
  exports: [InspectionPlansService],
})
export class InspectionPlansModule {}
