/**
 * ADR 034 against real PostgreSQL: projections applied in the append's transaction by the
 * PostgreSQL adapter, beside their runner and beside another appender that has none.
 */
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { agencyStreamId, type AgencyEvent } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { HOOK_TIMEOUT_MS } from '../test/support/timeouts';
import { ProjectionRunner } from './runner';
import { inlineProjections } from './inline';
import { creditRecordProjection } from './credit-record';
import { exportFeedProjection } from './export-feed/export-feed.projection';
import type { Projection } from './projection';

const USCCS = ['91110105MA01ABCD1X', '91110105MA01WXYZ2Y', '91110000802100433B'];
const PROJECTIONS = [creditRecordProjection, exportFeedProjection] as Projection<unknown>[];

let decisions = 0;
const penalty = (): NewEvent => ({
  type: 'PenaltyImposed',
  data: {
    decisionNumber: `京环法字〔2026〕${++decisions}号`,
    decidedAt: '2026-03-01',
    violationType: 'untrue-report',
    legalBasis: '《生态环境监测条例》第四十条',
    content: '出具不实监测报告',
    fineYuan: 50000,
    authority: '北京市生态环境局',
  } satisfies Extract<AgencyEvent, { type: 'PenaltyImposed' }>['data'],
  occurredAt: '2026-03-01T10:00:00+08:00',
});

describe('inline projections in the append transaction (ADR 034)', () => {
  let db: TestDatabase;
  let inline: PostgresEventStore;
  let plain: PostgresEventStore;
  let pool: Pool;
  const rows = async () => {
    const tables: Record<string, string[]> = {};
    for (const table of [
      'credit_record_entries',
      'credit_records',
      'export_feed_entries',
      'export_feed_records',
    ])
      tables[table] = (
        await pool.query<{ row: string }>(
          `SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`,
        )
      ).rows.map((r) => r.row);
    return tables;
  };

  beforeAll(async () => {
    db = await createTestDatabase('inline');
    inline = new PostgresEventStore({
      connectionString: db.url,
      poolSize: 4,
      inline: [inlineProjections(PROJECTIONS)],
    });
    plain = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
    pool = new Pool({ connectionString: db.url, max: 4 });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await inline.close();
    await plain.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('shows each append in its rows at once, and leaves the rows a rebuild gives, beside a live runner and a plain appender', async () => {
    const runners = PROJECTIONS.map(
      (projection) =>
        new ProjectionRunner(projection, plain, pool, { pollIntervalMs: 5, batchSize: 7 }),
    );
    await Promise.all(runners.map((runner) => runner.start()));
    const stale: string[] = [];
    try {
      await Promise.all([
        // Eight writers through the inline adapter, each checking its own write right after.
        ...Array.from({ length: 8 }, async (_, writer) => {
          for (let i = 0; i < 15; i++) {
            const uscc = USCCS[(writer + i) % USCCS.length];
            const result = await inline.append(agencyStreamId(uscc), [penalty()]);
            expect(result.projected).toEqual(['credit-record', 'export-feed']);
            const { rows: row } = await pool.query<{ last_position: string }>(
              'SELECT last_position FROM credit_record_entries WHERE key = $1',
              [uscc],
            );
            if (Number(row[0]?.last_position ?? 0) < result.position)
              stale.push(`${uscc}@${result.position}`);
          }
        }),
        // Two writers without inline projections: the inline ones must fold their events in.
        ...Array.from({ length: 2 }, async (_, writer) => {
          for (let i = 0; i < 15; i++)
            await plain.append(agencyStreamId(USCCS[(writer + i) % USCCS.length]), [penalty()]);
        }),
      ]);
      expect(stale).toEqual([]);
      const head = await plain.headPosition();
      for (const runner of runners) expect(await runner.waitFor(head, 60_000)).toBe(true);
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
    }
    const live = await rows();
    expect(live.credit_records).toHaveLength(150);
    for (const projection of PROJECTIONS)
      await new ProjectionRunner(projection, plain, pool).rebuild(await plain.headPosition());
    expect(await rows()).toEqual(live);
  }, 120_000);

  it('folds in what another appender stored since the row was written, before the new event', async () => {
    const uscc = USCCS[0];
    await plain.append(agencyStreamId(uscc), [penalty(), penalty()]);
    const result = await inline.append(agencyStreamId(uscc), [penalty()]);
    const { rows: entry } = await pool.query<{ last_position: string; doc: { records: [] } }>(
      'SELECT last_position, doc FROM credit_record_entries WHERE key = $1',
      [uscc],
    );
    expect(Number(entry[0].last_position)).toBe(result.position);
    const all = (await plain.readStream(agencyStreamId(uscc))).filter(
      (event) => event.type === 'PenaltyImposed',
    );
    expect(entry[0].doc.records).toHaveLength(all.length);
  });

  it('keeps the append when an inline projection fails, undoes only the inline work and says so', async () => {
    const failing = new PostgresEventStore({
      connectionString: db.url,
      poolSize: 2,
      inline: [
        inlineProjections([creditRecordProjection]),
        {
          names: ['broken'],
          apply: async ({ client }) => {
            await client.query('SELECT * FROM no_such_table');
          },
        },
      ],
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const uscc = USCCS[1];
      const before = await pool.query<{ last_position: string }>(
        'SELECT last_position FROM credit_record_entries WHERE key = $1',
        [uscc],
      );
      const result = await failing.append(agencyStreamId(uscc), [penalty()]);
      expect(result.projected).toEqual([]);
      const [stored] = await plain.readStream(agencyStreamId(uscc), {
        fromVersion: result.version,
      });
      expect(stored.eventId).toBe(result.eventIds[0]);
      // The credit record's inline write went with the savepoint: its runner will apply it.
      const after = await pool.query<{ last_position: string }>(
        'SELECT last_position FROM credit_record_entries WHERE key = $1',
        [uscc],
      );
      expect(after.rows[0].last_position).toBe(before.rows[0].last_position);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('inline projection broken'));
    } finally {
      warn.mockRestore();
      await failing.close();
    }
  });
});
