import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AgenciesModule } from '../agencies/agencies.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, AgenciesModule], controllers: [HealthController] })
export class HealthModule {}
