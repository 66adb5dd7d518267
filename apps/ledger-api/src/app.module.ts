import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { LedgerConfig } from './config';
import { LEDGER_CONFIG } from './tokens';
import { AuthModule } from './auth/auth.module';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthModule } from './health/health.module';
import { AgenciesModule } from './agencies/agencies.module';
import { DatabasePoolModule } from './database-pool.module';
import { GradingModule } from './grading/grading.module';
import { ExportsModule } from './exports/exports.module';
import { CalendarModule } from './calendar/calendar.module';
import { CLOCK, SYSTEM_CLOCK, type Clock } from './clock';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig, clock: Clock = SYSTEM_CLOCK): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        // Projections' tables; the schema comes from migrations (libs/database), never synchronize.
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
        }),
        EventStoreModule.forRoot(config),
        DatabasePoolModule.forRoot(config),
        AuthModule,
        HealthModule,
        AgenciesModule,
        GradingModule,
        ExportsModule,
        CalendarModule,
      ],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [LEDGER_CONFIG, CLOCK],
    };
  }
}
