import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import { loadSigningKey, SIGNING_KEY } from './signing-key';
import { TransparencyController } from './transparency.controller';
import { TransparencyService } from './transparency.service';

@Module({
  imports: [AgenciesModule],
  controllers: [TransparencyController],
  providers: [
    {
      provide: SIGNING_KEY,
      useFactory: (config: LedgerConfig) => loadSigningKey(config),
      inject: [LEDGER_CONFIG],
    },
    TransparencyService,
  ],
  exports: [SIGNING_KEY, TransparencyService],
})
export class TransparencyModule {}
