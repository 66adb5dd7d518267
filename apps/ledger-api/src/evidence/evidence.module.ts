import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { TransparencyModule } from '../transparency/transparency.module';
import { EvidenceController } from './evidence.controller';

@Module({ imports: [TransparencyModule, AgenciesModule], controllers: [EvidenceController] })
export class EvidenceModule {}
