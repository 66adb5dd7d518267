/**
 * Every projection the API runs, rebuilt from position 0: the call `npm run bench:scale` times
 * (issue 14). It is `rebuildAll` of `projections/rebuild.ts` (ADR 033): one pass over the store
 * feeding every projection, rows written set-based into shadow tables, indexes built after.
 */
import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { rebuildAll as rebuildProjections } from '@ledger/projections';
import { API_PROJECTIONS } from '../../apps/ledger-api/src/projections/projections.service';

export interface RebuildReport {
  /** The position every projection reached. */
  position: number;
  seconds: number;
  /** Seconds per projection (folding, writing and indexing; writes of two may overlap). */
  projections?: Record<string, number>;
  /** Seconds of each phase: the pass over the store, the rows, the indexes, the swap. */
  phases?: Record<string, number>;
}

export async function rebuildAll({
  pool,
  store,
  onProgress,
}: {
  pool: Pool;
  store: EventStore;
  /** Called as events are applied: what is being rebuilt and how many events it has read. */
  onProgress?: (projection: string, position: number) => void;
}): Promise<RebuildReport> {
  const result = await rebuildProjections({
    pool,
    store,
    projections: API_PROJECTIONS,
    onProgress: ({ applied }) => onProgress?.('all', applied),
  });
  const { rows } = await pool.query<{ position: string }>(
    'SELECT min(position) AS position FROM projection_checkpoints WHERE name = ANY($1)',
    [API_PROJECTIONS.map((projection) => projection.name)],
  );
  const seconds = (ms: number) => ms / 1000;
  return {
    position: Number(rows[0].position),
    seconds: seconds(result.ms),
    projections: Object.fromEntries(
      Object.entries(result.perProjection).map(([name, ms]) => [name, seconds(ms)]),
    ),
    ...(result.phases && {
      phases: Object.fromEntries(
        Object.entries(result.phases).map(([name, ms]) => [name, seconds(ms)]),
      ),
    }),
  };
}
