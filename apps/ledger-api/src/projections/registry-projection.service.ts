import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { ProjectionRunner, registryProjection, type RegistryEntry } from '@ledger/projections';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';

/** Runs the registry projection inside the API process and lets writes wait for it. */
@Injectable()
export class RegistryProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('registry projection');
  readonly pool: Pool;
  readonly runner: ProjectionRunner<RegistryEntry>;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(LEDGER_CONFIG) config: LedgerConfig) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
    this.runner = new ProjectionRunner(registryProjection, store, this.pool);
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
    await this.pool.end();
  }
}
