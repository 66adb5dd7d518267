/**
 * A row with more child rows than one statement can carry (the protocol binds at most 65,535
 * parameters): an agency inspected thousands of times has one export-feed child row per
 * inspection, 16 columns each. Against real PostgreSQL, through the runner and inline.
 */
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { agencyStreamId, type AgencyEvent } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { HOOK_TIMEOUT_MS } from '../test/support/timeouts';
import { ProjectionRunner, MAX_PARAMETERS } from './runner';
import { inlineProjections } from './inline';
import { exportFeedProjection } from './export-feed/export-feed.projection';
import type { Projection } from './projection';

const USCC = '91110105MA01ABCD1X';
const INSPECTIONS = 4_400;

const inspection = (i: number): NewEvent => {
  const day = new Date(Date.UTC(2014, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  return {
    type: 'InspectionRecorded',
    data: {
      inspectedAt: day,
      method: 'on-site',
      findings: [],
      authority: '北京市生态环境局',
    } satisfies Extract<AgencyEvent, { type: 'InspectionRecorded' }>['data'],
    occurredAt: `${day}T10:00:00+08:00`,
  };
};

describe('child rows past one statement’s parameters', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('many_children');
    store = new PostgresEventStore({
      connectionString: db.url,
      poolSize: 2,
      inline: [inlineProjections([exportFeedProjection] as Projection<unknown>[])],
    });
    pool = new Pool({ connectionString: db.url, max: 2 });
    for (let from = 0; from < INSPECTIONS; from += 400)
      await store.append(
        agencyStreamId(USCC),
        Array.from({ length: 400 }, (_, i) => inspection(from + i)),
      );
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  const count = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM export_feed_records WHERE key = $1',
          [USCC],
        )
      ).rows[0].n,
    );

  it('writes them all, inline and by the runner, in several statements', async () => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'export_feed_records'`,
    );
    // The case is real: one statement could not carry these rows.
    expect(INSPECTIONS * Number(rows[0].n)).toBeGreaterThan(MAX_PARAMETERS);
    // Inline: each append wrote the agency's rows in its own transaction.
    expect(await count()).toBe(INSPECTIONS);
    // The runner, from zero, over the same events.
    await pool.query('DELETE FROM export_feed_records; DELETE FROM export_feed_entries');
    const runner = new ProjectionRunner(exportFeedProjection, store, pool, { batchSize: 5_000 });
    await runner.start();
    try {
      expect(await runner.waitFor(await store.headPosition(), 120_000)).toBe(true);
      expect(runner.status().lastError).toBeNull();
    } finally {
      await runner.stop();
    }
    expect(await count()).toBe(INSPECTIONS);
  });
});
