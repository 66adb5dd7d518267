import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
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
  guardClients(pool);
  return pool;
}

/**
 * A listener on every client from the moment it connects, checked out or not: pg-pool hands a
 * new client over from inside the socket handler, so a FATAL in the same packet (a restart,
 * `pg_terminate_backend`) would reach an 'error' event before the caller could attach one, and
 * end the process. The query in flight still fails (503), and the pool drops the client.
 */
export function guardClients(pool: Pool): void {
  pool.on('connect', (client) => client.on('error', () => undefined));
}

@Global()
@Module({})
export class DatabasePoolModule implements OnApplicationShutdown, OnModuleInit {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly modules: ModuleRef,
  ) {}

  /** TypeORM's pool (the registry's reads, /health) gets the same guard. */
  onModuleInit(): void {
    const dataSource = this.modules.get(DataSource, { strict: false });
    const master = (dataSource.driver as unknown as { master?: Pool }).master;
    if (master) guardClients(master);
  }

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
