import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import {
  creditRecordProjection,
  gradeHistoryProjection,
  ProjectionRunner,
  registryProjection,
  type Projection,
} from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';

/** Every projection the API reads, run inside the API process; writes wait for them. */
export const API_PROJECTIONS = [
  registryProjection,
  gradeHistoryProjection,
  creditRecordProjection,
] as Projection<unknown>[];

@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  readonly runners: ProjectionRunner<unknown>[];

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(DATABASE_POOL) pool: Pool) {
    this.runners = API_PROJECTIONS.map(
      (projection) => new ProjectionRunner(projection, store, pool),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /**
   * Read-your-writes: a command answers once every projection shows it, or after a bounded
   * wait (then a read right after may still be behind, which is logged).
   */
  async waitFor(position: number): Promise<void> {
    const done = await Promise.all(this.runners.map((runner) => runner.waitFor(position, 5000)));
    if (done.includes(false))
      this.logger.warn(`projections are behind position ${position} after 5 s`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }
}
