/**
 * The rebuild of issue 14 against real PostgreSQL: every projection rebuilt by `rebuildAll` in
 * one pass equals, row by row (child tables, checkpoints, indexes and constraints included),
 * what the runners built page by page as the history was recorded.
 */
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { agencyStreamId } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { HOOK_TIMEOUT_MS } from '../test/support/timeouts';
import { PROJECTION_TABLES, projectionRows } from '../test/support/instances';
import { API_PROJECTIONS } from '../apps/ledger-api/src/projections/projections.service';
import { recordProjectionsHistory } from '../test/support/projections-history';
import { ALL_PROJECTIONS, rebuildAll } from './rebuild';
import { ProjectionRunner } from './runner';

const TEST_TIMEOUT_MS = 300_000;
/** Fixed: the same histories on every run, so a failure can be replayed. */
const SEED = 140_014;

describe('rebuildAll: every projection from position 0 in one pass (issue 14)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  const runners: ProjectionRunner<unknown>[] = [];
  const checkpoints = new Map<string, number>();

  /** What the live runners do: each applies the pages it has not applied, in pages of 7. */
  const applyIncrementally = async () => {
    for (const runner of runners) {
      const name = runner.status().name;
      for (;;) {
        const events = await store.readAll({ after: checkpoints.get(name) ?? 0, limit: 7 });
        if (events.length === 0) break;
        checkpoints.set(name, await runner.apply(events));
      }
    }
  };
  const snapshot = async () => ({
    rows: await projectionRows(pool),
    checkpoints: (
      await pool.query<{ name: string; position: string }>(
        'SELECT name, position FROM projection_checkpoints ORDER BY name',
      )
    ).rows,
    schema: (
      await pool.query<{ def: string }>(
        `SELECT tablename || ': ' || indexdef AS def FROM pg_indexes
         WHERE tablename = ANY($1) ORDER BY 1`,
        [[...PROJECTION_TABLES]],
      )
    ).rows.concat(
      (
        await pool.query<{ def: string }>(
          `SELECT conrelid::regclass::text || ': ' || conname || ' ' || pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE conrelid::regclass::text = ANY($1) ORDER BY 1`,
          [[...PROJECTION_TABLES]],
        )
      ).rows,
    ),
  });

  beforeAll(async () => {
    db = await createTestDatabase('rebuild');
    store = new PostgresEventStore({ connectionString: db.url });
    pool = new Pool({ connectionString: db.url, max: 6 });
    for (const projection of API_PROJECTIONS)
      runners.push(new ProjectionRunner(projection, store, pool));
    await recordProjectionsHistory(store, {
      seed: SEED,
      histories: 4,
      firstRun: 900,
      afterAppend: applyIncrementally,
    });
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('rebuilds what the API runs, and only that', () => {
    expect(ALL_PROJECTIONS.map((p) => p.name).sort()).toEqual(
      API_PROJECTIONS.map((p) => p.name).sort(),
    );
  });

  it(
    'gives, from emptied tables, the rows, checkpoints and indexes the runners built page by page',
    async () => {
      const incremental = await snapshot();
      // Not vacuous: the history reaches every table of every projection.
      for (const table of PROJECTION_TABLES)
        expect({ table, rows: incremental.rows[table].length }).not.toEqual({ table, rows: 0 });
      // Emptied, and a checkpoint moved away: a projection the rebuild skipped stays empty and
      // its checkpoint wrong, and any event applied twice changes a row or adds one.
      for (const table of PROJECTION_TABLES) await pool.query(`DELETE FROM ${table}`);
      await pool.query('UPDATE projection_checkpoints SET position = 1');

      const progress: number[] = [];
      const result = await rebuildAll({
        pool,
        store,
        projections: API_PROJECTIONS,
        batchSize: 50,
        onProgress: (p) => progress.push(p.applied),
      });

      const rebuilt = await snapshot();
      expect(rebuilt.rows).toEqual(incremental.rows);
      expect(rebuilt.checkpoints).toEqual(incremental.checkpoints);
      expect(rebuilt.schema).toEqual(incremental.schema);
      const head = await store.headPosition();
      expect(result.events).toBe((await store.readAll({ after: 0, limit: 100_000 })).length);
      expect(Object.keys(result.perProjection).sort()).toEqual(
        API_PROJECTIONS.map((p) => p.name).sort(),
      );
      expect(progress[progress.length - 1]).toBe(result.events);
      expect(rebuilt.checkpoints.every((c) => Number(c.position) === head)).toBe(true);
      // No shadow table left behind.
      const { rows } = await pool.query(
        `SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild'`,
      );
      expect(rows).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'takes in events appended while a live runner leads, and the runner goes on from the rebuilt rows',
    async () => {
      const live = new ProjectionRunner(API_PROJECTIONS[0], store, pool, { pollIntervalMs: 10 });
      await live.start();
      try {
        const uscc = (
          await pool.query<{ key: string }>('SELECT key FROM registry_entries ORDER BY key LIMIT 1')
        ).rows[0].key;
        const inspection = (n: number): NewEvent => ({
          type: 'InspectionRecorded',
          data: { inspectedAt: `2026-05-${10 + n}`, method: 'on-site', findings: [] },
          occurredAt: `2026-05-${10 + n}T09:00:00+08:00`,
        });
        // Appended during the rebuild's pass: the swap's catch-up or the live runner takes it.
        let during: Promise<unknown> | undefined;
        await rebuildAll({
          pool,
          store,
          batchSize: 20,
          onProgress: () => {
            during ??= store.append(agencyStreamId(uscc), [inspection(1)]);
          },
        });
        expect(during).toBeDefined();
        await during;
        const after = await store.append(agencyStreamId(uscc), [inspection(2)]);
        expect(await live.waitFor(after.position, 30_000)).toBe(true);
        await applyIncrementally();
        const now = await snapshot();
        // The incremental path, from zero on a copy of the rules: the same rows.
        for (const table of PROJECTION_TABLES) await pool.query(`DELETE FROM ${table}`);
        await pool.query('DELETE FROM projection_checkpoints');
        checkpoints.clear();
        await live.stop();
        await applyIncrementally();
        const fromZero = await snapshot();
        expect(now.rows).toEqual(fromZero.rows);
        expect(now.checkpoints).toEqual(fromZero.checkpoints);
      } finally {
        await live.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
