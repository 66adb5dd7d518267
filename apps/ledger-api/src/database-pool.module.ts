import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import type { LedgerConfig } from './config';

export const DATABASE_POOL = Symbol('DATABASE_POOL');

/**
 * One pool for what the API keeps in PostgreSQL besides the events: projections and the
 * personal-data keys. A connection the server drops (restart, failover) is logged and replaced
 * by the pool; unhandled, pg would throw it from an idle client and end the process.
 */
export function createPool(connectionString: string, max: number, logger: Logger): Pool {
  const pool = new Pool({ connectionString, max });
  pool.on('error', (error) => logger.warn(`idle database connection lost: ${error.message}`));
  return pool;
}

@Global()
@Module({})
export class DatabasePoolModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: DatabasePoolModule,
      providers: [
        {
          provide: DATABASE_POOL,
          useFactory: () => createPool(config.databaseUrl, 8, new Logger('database')),
        },
      ],
      exports: [DATABASE_POOL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
