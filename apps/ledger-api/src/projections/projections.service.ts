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
  exportFeedProjection,
  gradeHistoryProjection,
  inspectionPlanProjection,
  notificationsProjection,
  merkleLogProjection,
  personCreditProjection,
  ProjectionRunner,
  registryProjection,
  usersProjection,
  type Projection,
  type ProjectionStatus,
} from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';

/** Every projection the API reads, run inside the API process; writes wait for them. */
export const API_PROJECTIONS = [
  registryProjection,
  gradeHistoryProjection,
  creditRecordProjection,
  inspectionPlanProjection,
  notificationsProjection,
  usersProjection,
  merkleLogProjection,
  exportFeedProjection,
  personCreditProjection,
] as Projection<unknown>[];

/** Positions a projection may lag behind the store's head and still be ready. */
function readyMaxLag(): number {
  const value = Number(process.env.LEDGER_READY_MAX_LAG ?? 1000);
  return Number.isSafeInteger(value) && value >= 0 ? value : 1000;
}

export interface Readiness {
  ready: boolean;
  body: {
    status: 'ready' | 'not-ready';
    headPosition: number | null;
    maxLag: number;
    error?: string;
    projections: (ProjectionStatus & { lag: number | null })[];
  };
}

@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  readonly runners: ProjectionRunner<unknown>[];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_POOL) pool: Pool,
  ) {
    this.runners = API_PROJECTIONS.map(
      (projection) =>
        new ProjectionRunner(projection, store, pool, {
          onFailure: ({ name, message, attempts, retryInMs }) =>
            this.logger.warn(
              `projection ${name} failed (attempt ${attempts}): ${message}; retrying in ${retryInMs} ms`,
            ),
        }),
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
      this.logger.warn(
        `projections are behind position ${position} (failing, or not there in 5 s)`,
      );
  }

  /**
   * Readiness (`GET /health/ready`): each projection's position, lag behind the store's head
   * and last error. Not ready while one is failing or more than `maxLag` positions behind.
   */
  async readiness(): Promise<Readiness> {
    const maxLag = readyMaxLag();
    let headPosition: number;
    try {
      headPosition = await this.store.headPosition();
    } catch (error) {
      return {
        ready: false,
        body: {
          status: 'not-ready',
          headPosition: null,
          maxLag,
          error: `eventStore: ${error instanceof Error ? error.message : String(error)}`,
          projections: this.runners.map((runner) => ({ ...runner.status(), lag: null })),
        },
      };
    }
    const projections = this.runners.map((runner) => {
      const status = runner.status();
      return { ...status, lag: Math.max(0, headPosition - status.position) };
    });
    const ready = projections.every(({ lag, lastError }) => lastError === null && lag <= maxLag);
    return {
      ready,
      body: { status: ready ? 'ready' : 'not-ready', headPosition, maxLag, projections },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }
}
