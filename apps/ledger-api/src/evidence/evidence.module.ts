import { Module } from '@nestjs/common';
import { TransparencyModule } from '../transparency/transparency.module';
import { EvidenceController } from './evidence.controller';

@Module({ imports: [TransparencyModule], controllers: [EvidenceController] })
export class EvidenceModule {}
