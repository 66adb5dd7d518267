import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import {
  EVENT_STORE,
  type AppendResult,
  type EventStore,
  type StoredEvent,
} from '@ledger/event-store';
import {
  ALL_PROJECTIONS,
  exportFeedProjection,
  ProjectionRunner,
  type ProjectionStatus,
} from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';

/**
 * Every projection the API reads, run inside the API process; writes wait for them. The
 * library's own list, so the API and `rebuildAll` cannot disagree on what there is.
 */
export const API_PROJECTIONS = ALL_PROJECTIONS;

/**
 * The API's projections whose rows are their stream's own (`inline: 'stream'`): an adapter that
 * can apply projections in the append's transaction is given these (ADR 034). Which adapter
 * did is told by each append's result (`projected`), never assumed here.
 */
export const INLINE_PROJECTIONS = API_PROJECTIONS.filter(
  (projection) =>
    projection.inline === 'stream' &&
    // The exports read the feed at its runner's checkpoint, a position no later row can fall
    // below (ADR 029): rows written inline ahead of it are not exported until the runner gets
    // there, so a command touching the feed waits for its runner either way (ADR 034).
    projection !== exportFeedProjection,
);

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
   * Read-your-writes after one append, waiting only where the next read could differ: for the
   * projections that have a row for one of the appended events (they handle its type and key
   * it) and that the append did not already bring up to date in its transaction (`projected`,
   * ADR 034). Projections that apply pages in global order (`applyBatch`: the Merkle log) are
   * not waited for here; their readers wait themselves (TransparencyService).
   */
  async waitForAppend(
    result: Pick<AppendResult, 'position' | 'projected'>,
    streamId: string,
    events: { type: string; data: unknown; schemaVersion?: number }[],
  ): Promise<void> {
    const done = new Set(result.projected ?? []);
    const stored = events.map(
      (event) =>
        ({
          ...event,
          schemaVersion: event.schemaVersion ?? 1,
          streamId,
          metadata: {},
          position: result.position,
        }) as unknown as StoredEvent,
    );
    const runners = this.runners.filter((runner, i) => {
      const projection = API_PROJECTIONS[i];
      if (done.has(projection.name) || projection.applyBatch) return false;
      return stored.some((event) => {
        if (!projection.handles.has(event.type)) return false;
        try {
          const keys = projection.keyOf(event);
          return keys !== null && (!Array.isArray(keys) || keys.length > 0);
        } catch {
          return true; // cannot tell: wait for it
        }
      });
    });
    const waited = await Promise.all(
      runners.map((runner) => runner.waitFor(result.position, 5000)),
    );
    if (waited.includes(false))
      this.logger.warn(
        `projections are behind position ${result.position} (failing, or not there in 5 s)`,
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
