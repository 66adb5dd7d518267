import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { ProjectionRunner, registryProjection, type RegistryEntry } from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';

/** Runs the registry projection inside the API process and lets writes wait for it. */
@Injectable()
export class RegistryProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('registry projection');
  readonly runner: ProjectionRunner<RegistryEntry>;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(DATABASE_POOL) pool: Pool) {
    this.runner = new ProjectionRunner(registryProjection, store, pool);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  /**
   * Read-your-writes: a command answers once the registry shows it, or after a bounded wait
   * (then a read right after may still be behind, which is logged).
   */
  async waitFor(position: number): Promise<void> {
    if (!(await this.runner.waitFor(position, 5000))) {
      this.logger.warn(`registry is behind position ${position} after 5 s`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
