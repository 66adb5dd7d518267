/**
 * The export feed's writes do not grow with an agency's history (issue 14, ADR 038): an
 * inspection adds its one row, the document keeps no list of them, and a change of party
 * restamps the rows it concerns. Whatever the path (the runner page by page, inline, a write
 * that finds another writer got there first), the rows equal those of a rebuild from zero.
 * Against real PostgreSQL.
 */
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent, type StoredEvent } from '@ledger/event-store';
import { agencyStreamId, type AgencyEvent } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { HOOK_TIMEOUT_MS } from '../../test/support/timeouts';
import { ProjectionRunner, foldEvent, writeRow, type Folded } from '../runner';
import { rebuildAll } from '../rebuild';
import { inlineProjections } from '../inline';
import type { Projection } from '../projection';
import { exportFeedProjection, type ExportFeedDocument } from './export-feed.projection';
import { creditRecordProjection } from '../credit-record';

const USCC = '91110105MA01ABCD1X';
const STREAM = agencyStreamId(USCC);

const registered: NewEvent[] = [
  {
    type: 'AgencyRegistered',
    data: {
      uscc: USCC,
      jurisdiction: 'beijing',
      name: '旧名监测',
      category: 'comprehensive',
      serviceTypes: ['public-monitoring'],
      legalRepresentative: { name: '王小明', phone: '13800000000' },
      contact: { phone: '13900000000', email: 'contact@example.cn' },
      commitment: { signedBy: '王小明', signedAt: '2020-01-02' },
      codeVerified: true,
      reviewDueOn: '2020-01-09',
    },
    occurredAt: '2020-01-02T09:00:00+08:00',
  },
  {
    type: 'RegistrationReviewed',
    data: { outcome: 'approved', reviewedOn: '2020-01-04' },
    occurredAt: '2020-01-04T10:00:00+08:00',
  },
];

const inspection = (i: number): NewEvent => {
  const day = new Date(Date.UTC(2020, 1, 1) + i * 9 * 86_400_000).toISOString().slice(0, 10);
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

/** A new name from 2021-06-01 (back-dated), reviewed and approved: earlier rows keep the old. */
const renamed: NewEvent[] = [
  {
    type: 'RegistrationChanged',
    data: {
      changes: { name: '新名监测' },
      changedAt: '2021-06-01',
      filedOn: '2021-06-10',
      needsReview: true,
      reviewDueOn: '2021-06-17',
    },
    occurredAt: '2021-06-10T09:00:00+08:00',
  },
  {
    type: 'RegistrationReviewed',
    data: { outcome: 'approved', reviewedOn: '2021-06-12' },
    occurredAt: '2021-06-12T10:00:00+08:00',
  },
];

describe('export feed: writes bounded by the event, not by the agency (issue 14)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;

  const rows = async () =>
    (
      await pool.query(
        `SELECT to_jsonb(r) - 'key' AS row FROM export_feed_records r WHERE key = $1
         ORDER BY feed, record_event_id`,
        [USCC],
      )
    ).rows.map(({ row }) => row as Record<string, unknown>);
  const rebuilt = async () => {
    await rebuildAll({ pool, store, projections: [exportFeedProjection] as Projection<unknown>[] });
    return rows();
  };
  const applyAll = async (runner: ProjectionRunner<unknown>, pageSize: number) => {
    for (let after = 0; ;) {
      const events = await store.readAll({ after, limit: pageSize });
      if (events.length === 0) return;
      after = await runner.apply(events);
    }
  };

  beforeEach(async () => {
    db = await createTestDatabase('export_feed_bounded');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
    pool = new Pool({ connectionString: db.url, max: 3 });
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('writes one row per inspection, keeps no list in the document, and restamps on a rename', async () => {
    const runner = new ProjectionRunner(exportFeedProjection, store, pool);
    await store.append(STREAM, registered);
    await applyAll(runner, 100);
    const docSize = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT octet_length(doc::text) AS n FROM export_feed_entries WHERE key = $1',
            [USCC],
          )
        ).rows[0].n,
      );
    /** Child rows written by the transaction that last wrote the document. */
    const writtenWithDocument = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM export_feed_records r, export_feed_entries e
             WHERE r.key = $1 AND e.key = $1 AND r.xmin::text = e.xmin::text`,
            [USCC],
          )
        ).rows[0].n,
      );
    await store.append(STREAM, [inspection(0)]);
    await applyAll(runner, 100);
    const sizeAfterOne = await docSize();
    // 80 inspections, one append and one page each: every write sends its inspection's row only.
    for (let i = 1; i <= 80; i++) {
      await store.append(STREAM, [inspection(i)]);
      await applyAll(runner, 100);
      expect(await writtenWithDocument()).toBe(1);
    }
    expect(await docSize()).toBe(sizeAfterOne);
    expect(await rows()).toHaveLength(81);

    // The rename (back-dated to 2021-06-01) restamps the rows dated from then, and only them.
    await store.append(STREAM, renamed);
    await applyAll(runner, 1);
    const names = (await rows()).map((r) => [r.occurred_on, r.party_name]);
    expect(
      names.filter(([on]) => String(on) < '2021-06-01').every(([, n]) => n === '旧名监测'),
    ).toBe(true);
    expect(
      names.filter(([on]) => String(on) >= '2021-06-01').every(([, n]) => n === '新名监测'),
    ).toBe(true);
    expect(names.some(([, n]) => n === '新名监测')).toBe(true);
    expect(names.some(([, n]) => n === '旧名监测')).toBe(true);

    const incremental = await rows();
    expect(await rebuilt()).toEqual(incremental);
  });

  it('gives the rows of a rebuild inline too, and when another writer got to the row first', async () => {
    const inline = new PostgresEventStore({
      connectionString: db.url,
      poolSize: 2,
      inline: [inlineProjections([exportFeedProjection] as Projection<unknown>[])],
    });
    try {
      await inline.append(STREAM, registered);
      for (let i = 0; i < 30; i++) await inline.append(STREAM, [inspection(i)]);
      await inline.append(STREAM, renamed);
      for (let i = 30; i < 40; i++) await inline.append(STREAM, [inspection(i)]);
    } finally {
      await inline.close();
    }
    const afterInline = await rows();
    expect(afterInline).toHaveLength(40);

    // A writer that loaded the row before the rename and the ten inspections after it, and
    // writes its fold of everything after another writer stored the row at the rename: its
    // upsert finds a row that is not the one it loaded, and writes the whole key again.
    const events: StoredEvent[] = await store.readAll({ after: 0, limit: 1000 });
    const renamedAt = events.findIndex(
      (e) => e.type === 'RegistrationReviewed' && e.position > events[1].position,
    );
    const fold = (upTo: number): Folded<ExportFeedDocument> => {
      const folded: Folded<ExportFeedDocument> = {
        before: null,
        beforePosition: 0,
        row: null,
        position: 0,
        eventRows: [],
      };
      for (const event of events.slice(0, upTo))
        foldEvent(exportFeedProjection, folded, event, USCC);
      return folded;
    };
    const loaded = fold(10);
    const stored = fold(renamedAt + 1);
    const client = await pool.connect();
    try {
      await client.query('DELETE FROM export_feed_records; DELETE FROM export_feed_entries');
      // The other writer: everything up to the rename.
      await writeRow(exportFeedProjection, client, USCC, stored.row, stored.position, stored);
      // This one: from what it loaded (position of event 10) to the end.
      const mine: Folded<ExportFeedDocument> = {
        before: loaded.row,
        beforePosition: loaded.position,
        row: loaded.row,
        position: loaded.position,
        eventRows: [],
      };
      for (const event of events.slice(10)) foldEvent(exportFeedProjection, mine, event, USCC);
      await writeRow(exportFeedProjection, client, USCC, mine.row, mine.position, mine);
    } finally {
      client.release();
    }
    expect(await rows()).toEqual(afterInline);
    expect(await rebuilt()).toEqual(afterInline);
  });

  it('keeps a credit-record row at the stream’s position for an agency with nothing recorded', async () => {
    // Without it the inline fold starts from position 0 and reads the agency's whole stream on
    // every append: a write that grows with the number of inspections.
    const inline = new PostgresEventStore({
      connectionString: db.url,
      poolSize: 2,
      inline: [inlineProjections([creditRecordProjection] as Projection<unknown>[])],
    });
    try {
      await inline.append(STREAM, registered);
      for (let i = 0; i < 5; i++) await inline.append(STREAM, [inspection(i)]);
    } finally {
      await inline.close();
    }
    const { rows: entries } = await pool.query<{ last_position: string; records: number }>(
      `SELECT last_position, jsonb_array_length(doc->'records') AS records
       FROM credit_record_entries WHERE key = $1`,
      [USCC],
    );
    expect(entries).toEqual([{ last_position: String(await store.headPosition()), records: 0 }]);
    expect((await pool.query('SELECT 1 FROM credit_records')).rowCount).toBe(0);
  });
});
