/**
 * ADR 009 against real PostgreSQL: writers of one projection racing each other, one leader per
 * projection with handover, and a failing runner that retries, reports and recovers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { agencyStreamId, type AgencyEvent } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { HOOK_TIMEOUT_MS } from '../test/support/timeouts';
import { ProjectionRunner } from './runner';
import { creditRecordProjection, type CreditRecordDocument } from './credit-record';

const USCCS = ['91110105MA01ABCD1X', '91110105MA01WXYZ2Y', '91110000802100433B'];

const penalty = (n: number): NewEvent => ({
  type: 'PenaltyImposed',
  data: {
    decisionNumber: `京环法字〔2026〕${n}号`,
    decidedAt: '2026-03-01',
    violationType: 'untrue-report',
    legalBasis: '《生态环境监测条例》第四十条',
    content: '出具不实监测报告',
    fineYuan: 50000,
    authority: '北京市生态环境局',
  } satisfies Extract<AgencyEvent, { type: 'PenaltyImposed' }>['data'],
  occurredAt: '2026-03-01T10:00:00+08:00',
});

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in 60 s`);
    await sleep(20);
  }
}

describe('projection runners sharing one database (ADR 009)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  let decisions = 0;
  const runner = (options = {}) =>
    new ProjectionRunner<CreditRecordDocument>(creditRecordProjection, store, pool, {
      pollIntervalMs: 10,
      retryMs: 20,
      maxRetryMs: 200,
      ...options,
    });
  const appendSome = async (count: number) => {
    let position = 0;
    for (let i = 0; i < count; i++) {
      const uscc = USCCS[i % USCCS.length];
      position = (await store.append(agencyStreamId(uscc), [penalty(++decisions)])).position;
    }
    return position;
  };
  const tables = async () => ({
    entries: (
      await pool.query<{ row: string }>(
        'SELECT to_jsonb(t)::text AS row FROM credit_record_entries t ORDER BY 1',
      )
    ).rows,
    records: (
      await pool.query<{ row: string }>(
        'SELECT to_jsonb(t)::text AS row FROM credit_records t ORDER BY 1',
      )
    ).rows,
  });

  beforeAll(async () => {
    db = await createTestDatabase('runner');
    store = new PostgresEventStore({ connectionString: db.url });
    pool = new Pool({ connectionString: db.url, max: 12 });
    await appendSome(30);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('gives the rows of one rebuild when four writers apply the same events at once, in pages of their own', async () => {
    const head = await store.headPosition();
    await runner().rebuild(head);
    const rebuilt = await tables();
    expect(rebuilt.records).toHaveLength(30);

    await pool.query('DELETE FROM credit_records; DELETE FROM credit_record_entries');
    await pool.query("DELETE FROM projection_checkpoints WHERE name = 'credit-record'");
    const events = await store.readAll({ after: 0 });
    // Without the checkpoint fence and the position guard this failed with
    // `duplicate key value violates unique constraint "credit_records_pkey"` (issue 9).
    await Promise.all(
      [1, 2, 3, 7].map(async (size) => {
        const writer = runner();
        for (let at = 0; at < events.length; at += size)
          await writer.apply(events.slice(at, at + size));
      }),
    );
    expect(await tables()).toEqual(rebuilt);
  });

  it('never lets an older page replace a newer row, even with the checkpoint gone', async () => {
    const before = await tables();
    await pool.query("DELETE FROM projection_checkpoints WHERE name = 'credit-record'");
    const events = await store.readAll({ after: 0 });
    await runner().apply(events.slice(0, 10));
    expect(await tables()).toEqual(before);
  });

  it('is advanced by one runner at a time, and handed over when its leader stops', async () => {
    const first = runner();
    const second = runner();
    await first.start();
    await second.start();
    try {
      expect([first.status().leader, second.status().leader]).toEqual([true, false]);
      const position = await appendSome(3);
      // The follower sees the leader's progress through the stored checkpoint.
      expect(await second.waitFor(position, 30_000)).toBe(true);
      await first.stop();
      await until('the second runner leads', () => second.status().leader);
      const later = await appendSome(3);
      expect(await second.waitFor(later, 30_000)).toBe(true);
      const { rows } = await pool.query<{ position: string }>(
        "SELECT position FROM projection_checkpoints WHERE name = 'credit-record'",
      );
      expect(Number(rows[0].position)).toBeGreaterThanOrEqual(later);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('moves the stored checkpoint past events it has nothing to write for, and its followers with it', async () => {
    const leader = runner();
    const follower = runner();
    await leader.start();
    await follower.start();
    try {
      const before = await tables();
      // Another projection's events only: a page of them writes no row of this one.
      let position = 0;
      for (let i = 0; i < 3; i++)
        ({ position } = await store.append(`calendar-${2090 + i}`, [
          { type: 'SomethingElseRecorded', data: { n: i }, occurredAt: '2026-03-01T10:00:00Z' },
        ]));
      leader.wake();
      expect(await leader.waitFor(position, 30_000)).toBe(true);
      // The follower knows of it only through the stored checkpoint.
      expect(await follower.waitFor(position, 30_000)).toBe(true);
      const { rows } = await pool.query<{ position: string; last_error: string | null }>(
        "SELECT position, last_error FROM projection_checkpoints WHERE name = 'credit-record'",
      );
      expect(rows).toEqual([{ position: String(position), last_error: null }]);
      expect(await tables()).toEqual(before);
    } finally {
      await leader.stop();
      await follower.stop();
    }
  });

  it('retries a failing page with backoff, tells the followers why, and recovers', async () => {
    const leader = runner();
    const follower = runner();
    await leader.start();
    await follower.start();
    try {
      await pool.query('ALTER TABLE credit_records RENAME TO credit_records_away');
      const position = await appendSome(2);
      leader.wake();
      await until('the leader reports the failure', () => leader.status().lastError !== null);
      expect(leader.status().lastError!.message).toMatch(/credit_records/);
      await until('the follower reports it too', () => follower.status().lastError !== null);
      expect(await follower.waitFor(position, 100)).toBe(false);

      await pool.query('ALTER TABLE credit_records_away RENAME TO credit_records');
      await until('the leader applies the page', () => leader.position >= position);
      await until(
        'both clear the error',
        () => leader.status().lastError === null && follower.status().lastError === null,
      );
      expect(await follower.waitFor(position, 30_000)).toBe(true);
    } finally {
      await leader.stop();
      await follower.stop();
    }
  });
  it('rebuilds while a live runner follows and writers append: readers never see it empty, and nothing is lost', async () => {
    const live = runner();
    await live.start();
    try {
      const before = await appendSome(3);
      expect(await live.waitFor(before, 30_000)).toBe(true);
      const count = async () =>
        Number(
          (await pool.query<{ n: string }>('SELECT count(*) AS n FROM credit_records')).rows[0].n,
        );
      const initial = await count();
      const seen: number[] = [];
      let rebuilding = true;
      const writing = appendSome(12);
      const reading = (async () => {
        while (rebuilding) {
          seen.push(await count());
          await sleep(1);
        }
      })();
      const rebuilt = await runner().rebuild();
      rebuilding = false;
      await reading;
      const last = await writing;
      // The old rows stay until the new ones replace them in one commit.
      expect(seen.length).toBeGreaterThan(0);
      expect(initial).toBeGreaterThan(0);
      expect(seen.filter((n) => n < initial)).toEqual([]);
      expect(rebuilt).toBeGreaterThanOrEqual(before);
      // The live runner resumes from the rebuilt checkpoint and applies what came after it.
      live.wake();
      expect(await live.waitFor(last, 30_000)).toBe(true);
      const afterLive = await tables();
      await runner().rebuild(last);
      expect(await tables()).toEqual(afterLive);
    } finally {
      await live.stop();
    }
  });
});
