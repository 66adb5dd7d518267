/**
 * Every projection the API runs, rebuilt from position 0: the call `npm run bench:scale` times
 * (issue 14). For now each projection is caught up in turn by the existing ProjectionRunner's
 * `rebuild` (one transaction each, as `npm run ledger -- rebuild all` does); a one-reader
 * rebuild feeding all projections replaces the body of this function, not its call site.
 */
import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { ProjectionRunner } from '@ledger/projections';
import { API_PROJECTIONS } from '../../apps/ledger-api/src/projections/projections.service';

export interface RebuildReport {
  /** The position every projection reached. */
  position: number;
  seconds: number;
  /** Seconds per projection, in the order they ran (absent when they run together). */
  projections?: Record<string, number>;
}

export async function rebuildAll({
  pool,
  store,
  onProgress,
}: {
  pool: Pool;
  store: EventStore;
  /** Called as events are applied: the projection and the position it reached. */
  onProgress?: (projection: string, position: number) => void;
}): Promise<RebuildReport> {
  const started = performance.now();
  const projections: Record<string, number> = {};
  let position = 0;
  for (const projection of API_PROJECTIONS) {
    const t0 = performance.now();
    position = await new ProjectionRunner(projection, store, pool).rebuild(
      undefined,
      undefined,
      (at) => onProgress?.(projection.name, at),
    );
    projections[projection.name] = (performance.now() - t0) / 1000;
  }
  return { position, seconds: (performance.now() - started) / 1000, projections };
}
