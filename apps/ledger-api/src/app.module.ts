import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { LedgerConfig } from './config';
import { LEDGER_CONFIG } from './tokens';
import { AuthModule } from './auth/auth.module';
import { AccountsModule } from './accounts/accounts.module';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthModule } from './health/health.module';
import { AgenciesModule } from './agencies/agencies.module';
import { DatabasePoolModule } from './database-pool.module';
import { GradingModule } from './grading/grading.module';
import { ExportsModule } from './exports/exports.module';
import { CalendarModule } from './calendar/calendar.module';
import { InspectionPlansModule } from './inspection-plans/inspection-plans.module';
import { NotificationsModule } from './notifications/notifications.module';
import { TransparencyModule } from './transparency/transparency.module';
import { EvidenceModule } from './evidence/evidence.module';
import { CLOCK, SYSTEM_CLOCK, type Clock } from './clock';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from './logging';
import { DEFAULT_SEARCHES_PER_MINUTE } from './config';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig, clock: Clock = SYSTEM_CLOCK): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams()),
        CqrsModule.forRoot(),
        // One in-memory counter per instance: searches per address (ThrottlerGuard on the
        // search route) and bad tokens per address (AuthGuard).
        ThrottlerModule.forRoot([
          {
            name: 'default',
            ttl: 60_000,
            limit: config.searchesPerMinute ?? DEFAULT_SEARCHES_PER_MINUTE,
          },
        ]),
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
        AccountsModule,
        HealthModule,
        AgenciesModule,
        GradingModule,
        ExportsModule,
        CalendarModule,
        InspectionPlansModule,
        NotificationsModule,
        TransparencyModule,
        EvidenceModule,
      ],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [LEDGER_CONFIG, CLOCK],
    };
  }
}
