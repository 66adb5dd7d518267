import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import {
  PostgresEventStore,
  hashTemplate,
  type NewEvent,
  type StoredEvent,
} from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from './support/database';
import { HOOK_TIMEOUT_MS } from './support/timeouts';
import { runEventStoreContract } from './contract/event-store.contract';

async function superuser<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

runEventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('contract');
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 12 });
  return {
    store,
    appendHoldingCommit: async (streamId, events, holdMs) => {
      const client = await store.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await store.appendInTransaction(client, streamId, events);
        await new Promise((r) => setTimeout(r, holdMs));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    tamper: (eventId, data) =>
      superuser(db.url, async (client) => {
        // A superuser can switch the triggers off: exactly what the hash chain is for.
        await client.query("SET session_replication_role = 'replica'");
        await client.query('UPDATE ledger_events SET data = $2 WHERE event_id = $1', [
          eventId,
          data,
        ]);
      }),
    dispose: async () => {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL event store: the database itself refuses to change the past', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let eventId: string;

  beforeAll(async () => {
    db = await createTestDatabase('immutability');
    store = new PostgresEventStore({ connectionString: db.url });
    ({
      eventIds: [eventId],
    } = await store.append('agency-immutable', [
      {
        type: 'AgencyRegistered',
        data: { name: '甲' },
        occurredAt: '2026-01-05',
        metadata: { idempotencyKey: 'k-1' },
      },
    ]));
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it.each([
    ['UPDATE', `UPDATE ledger_events SET data = '{}' WHERE event_id = $1`],
    ['DELETE', 'DELETE FROM ledger_events WHERE event_id = $1'],
    ['TRUNCATE', 'TRUNCATE ledger_events CASCADE'],
    [
      'UPDATE of the idempotency record',
      `UPDATE ledger_idempotency SET stream_id = 'x' WHERE $1::uuid IS NOT NULL`,
    ],
    ['DELETE of a stream head', 'DELETE FROM ledger_streams WHERE $1::uuid IS NOT NULL'],
  ])('refuses %s in raw SQL', async (_op, sql) => {
    const params = sql.includes('$1') ? [eventId] : [];
    await expect(store.pool.query(sql, params)).rejects.toMatchObject({ code: 'LE003' });
    const [event] = await store.readStream('agency-immutable');
    expect(event.data).toEqual({ name: '甲' });
    expect((await store.verify()).ok).toBe(true);
  });

  it('notices events removed behind its back through the stream head', async () => {
    await store.append('agency-shortened', [
      { type: 'AgencyRegistered', data: {}, occurredAt: '2026-01-05' },
      { type: 'InspectionRecorded', data: {}, occurredAt: '2026-01-06' },
    ]);
    await superuser(db.url, async (client) => {
      await client.query("SET session_replication_role = 'replica'");
      await client.query(
        "DELETE FROM ledger_events WHERE stream_id = 'agency-shortened' AND version = 2",
      );
    });
    const report = await store.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadEvent).toMatchObject({ streamId: 'agency-shortened' });
  });

  it('refuses an append that is not the first write of its transaction', async () => {
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE scratch (x int)');
      await client.query('INSERT INTO scratch VALUES (1)');
      await expect(
        store.appendInTransaction(client, 'agency-late', [
          { type: 'X', data: {}, occurredAt: '2026-01-01' },
        ]),
      ).rejects.toMatchObject({ code: '25000' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe("PostgreSQL event store: readers wait for the ledger's own appends, nothing else (ADR 007)", () => {
  let db: TestDatabase;
  let elsewhere: TestDatabase;
  let store: PostgresEventStore;
  const event = (n: number): NewEvent => ({
    type: 'InspectionRecorded',
    data: { n },
    occurredAt: '2026-03-01T09:30:00+08:00',
  });

  beforeAll(async () => {
    [db, elsewhere] = await Promise.all([
      createTestDatabase('horizon'),
      createTestDatabase('horizon_elsewhere'),
    ]);
    store = new PostgresEventStore({ connectionString: db.url });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store?.close();
    await Promise.all([db?.drop(), elsewhere?.drop()]);
  }, HOOK_TIMEOUT_MS);

  /** A transaction that has written (so it has a transaction id) and stays open until closed. */
  async function openTransaction(url: string): Promise<{ xid: string; close(): Promise<void> }> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE analyst_scratch (x int)');
    const { rows } = await client.query<{ xid: string }>(
      'SELECT pg_current_xact_id()::text AS xid',
    );
    return {
      xid: rows[0].xid,
      close: async () => {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  }

  /** Waits (bounded: it fails with `what`, not on Jest's timeout) until `done()` is true. */
  async function until(done: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !done(); waited += 10) {
      if (waited > 60_000) throw new Error(`still waiting for ${what}`);
      await sleep(10);
    }
  }

  it('reads and delivers new events at once while transactions stand open in another database and in its own', async () => {
    const start = await store.headPosition();
    const otherDatabase = await openTransaction(elsewhere.url);
    const sameDatabase = await openTransaction(db.url); // not an append: an analyst, a migration
    const seen: StoredEvent[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({
      after: start,
      pollIntervalMs: 5,
      handler: (e) => void seen.push(e),
      onError: (e) => errors.push(e),
    });
    try {
      // The server-wide horizon really is held back: the old rule would read nothing from here on.
      const { rows } = await store.pool.query<{ held: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) <= $1::xid8 AS held',
        [otherDatabase.xid],
      );
      expect(rows[0].held).toBe(true);

      const id = `agency-${randomUUID()}`;
      const first = await store.append(id, [event(1), event(2)]);
      expect((await store.readAll({ after: start })).map((e) => e.eventId)).toEqual(first.eventIds);
      expect(await store.headPosition()).toBe(first.position);

      await until(() => seen.length >= 2, 'the subscriber to catch up');
      const second = await store.append(id, [event(3)]);
      await until(() => seen.length >= 3, 'the subscriber to see a new event');
      expect(seen.map((e) => e.eventId)).toEqual([...first.eventIds, ...second.eventIds]);
      expect(errors).toEqual([]);
    } finally {
      await subscription.stop();
      await otherDatabase.close();
      await sameDatabase.close();
    }
  });

  it('holds readers back at an append still in flight, then hands over both events in position order', async () => {
    const start = await store.headPosition();
    const client = await store.pool.connect();
    let open = true;
    try {
      await client.query('BEGIN');
      const early = await store.appendInTransaction(client, `agency-${randomUUID()}`, [event(1)]);
      const late = await store.append(`agency-${randomUUID()}`, [event(2)]);
      expect(late.position).toBeGreaterThan(early.position);

      // late is committed, but a reader that took it would pass early for good.
      expect(await store.readAll({ after: start })).toEqual([]);
      expect(await store.headPosition()).toBe(start);
      // A reader in REPEATABLE READ falls back to the server-wide rule, which also waits.
      const rr = await store.pool.connect();
      try {
        await rr.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const { rows } = await rr.query<{ position: string }>(
          'SELECT position FROM ledger_read_all($1, 10)',
          [start],
        );
        expect(rows).toEqual([]);
      } finally {
        await rr.query('ROLLBACK');
        rr.release();
      }

      await client.query('COMMIT');
      open = false;
      const all = await store.readAll({ after: start });
      expect(all.map((e) => e.position)).toEqual([early.position, late.position]);
      expect(await store.headPosition()).toBe(late.position);
    } finally {
      if (open) await client.query('ROLLBACK');
      client.release();
    }
  });

  it('lets readers pass an append that rolled back', async () => {
    const start = await store.headPosition();
    const client = await store.pool.connect();
    let open = true;
    try {
      await client.query('BEGIN');
      await store.appendInTransaction(client, `agency-${randomUUID()}`, [event(1)]);
      const late = await store.append(`agency-${randomUUID()}`, [event(2)]);
      expect(await store.readAll({ after: start })).toEqual([]);
      await client.query('ROLLBACK');
      open = false;
      expect((await store.readAll({ after: start })).map((e) => e.eventId)).toEqual(late.eventIds);
    } finally {
      if (open) await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('PostgreSQL event store: lean reads and appends (ADR 036)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('lean');
    store = new PostgresEventStore({ connectionString: db.url });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  it('reads every field of every event the same through readAll as through readStream', async () => {
    const start = await store.headPosition();
    const streamId = `agency-${randomUUID()}`;
    // Whole seconds, tenths, a year below 1000: the timestamps' text drops trailing zeros.
    const times = [
      '2026-03-01T09:30:00.000Z',
      '2026-03-01T09:30:00.100Z',
      '0999-12-31T23:59:59.999Z',
    ];
    // One event per append, then several in one: the two ways through ledger_append_envelopes.
    for (const occurredAt of times) {
      await store.append(streamId, [
        { type: 'InspectionRecorded', data: { occurredAt }, occurredAt },
      ]);
    }
    await store.append(
      streamId,
      Array.from({ length: 40 }, (_, n) => ({
        type: 'InspectionRecorded',
        data: { n, text: '百分之百 %1$s %% "\n', nested: [{ a: null }] },
        metadata: { actor: 'test' },
        occurredAt: `2026-03-01T09:30:00.${String(n * 25).padStart(3, '0')}Z`,
      })),
    );
    const read = await store.readAll({ after: start });
    const stream = await store.readStream(streamId);
    expect(read).toHaveLength(43);
    expect(read).toEqual(stream);
    expect(read.slice(0, 3).map((e) => e.occurredAt)).toEqual(times);
    expect(read.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(e.recordedAt))).toBe(
      true,
    );
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('reads several streams in one call as readStream reads each, in the order asked', async () => {
    const [a, b, none] = ['a', 'b', 'none'].map((n) => `agency-${n}-${randomUUID()}`);
    const event = (n: number): NewEvent => ({
      type: 'InspectionRecorded',
      data: { n },
      occurredAt: '2026-03-01T09:30:00.120Z',
    });
    await store.append(a, [event(1), event(2), event(3)]);
    await store.append(b, [event(4)]);
    await store.append(a, [event(5)]);
    const read = await store.readStreams([
      { streamId: b },
      { streamId: none },
      { streamId: a, fromVersion: 2 },
      { streamId: a },
    ]);
    expect(read).toEqual([
      await store.readStream(b),
      [],
      await store.readStream(a, { fromVersion: 2 }),
      await store.readStream(a),
    ]);
    expect(read[2].map((e) => e.version)).toEqual([2, 3, 4]);
    expect(await store.readStreams([])).toEqual([]);
  });

  it('hands over a page read ahead only when it was full: an append made since is seen at once', async () => {
    const start = await store.headPosition();
    const streamId = `agency-${randomUUID()}`;
    const first = await store.append(streamId, [
      { type: 'InspectionRecorded', data: { n: 1 }, occurredAt: '2026-03-01' },
      { type: 'InspectionRecorded', data: { n: 2 }, occurredAt: '2026-03-01' },
    ]);
    // A full page of two: the next page (empty so far) is read ahead.
    const page = await store.readAll({ after: start, limit: 2 });
    expect(page.map((e) => e.eventId)).toEqual(first.eventIds);
    const late = await store.append(streamId, [
      { type: 'InspectionRecorded', data: { n: 3 }, occurredAt: '2026-03-01' },
    ]);
    const next = await store.readAll({ after: page[1].position, limit: 2 });
    expect(next.map((e) => e.eventId)).toEqual(late.eventIds);
  });

  it('shares a page read only with readers that asked before it was sent: an append made meanwhile is seen', async () => {
    // A client that holds back the answer of a page read until told: the read has run (its
    // snapshot is taken), but is still in flight for the store.
    let release: () => void = () => undefined;
    let holding: Promise<void> | undefined;
    let answered: () => void = () => undefined;
    const firstAnswered = new Promise<void>((resolve) => (answered = resolve));
    class HoldingClient extends Client {
      override query(...args: unknown[]): never {
        const [config] = args as [{ text?: string } | string];
        const text = typeof config === 'string' ? config : config.text;
        const held = holding;
        const callback = args.findIndex((arg) => typeof arg === 'function');
        if (held && callback >= 0 && text?.includes('ledger_read_page')) {
          const done = args[callback] as (...result: unknown[]) => void;
          args[callback] = (...result: unknown[]) => {
            answered();
            void held.then(() => done(...result));
          };
        }
        return (super.query as (...a: unknown[]) => never)(...args);
      }
    }
    const held = new PostgresEventStore({ connectionString: db.url, Client: HoldingClient });
    try {
      const start = await held.headPosition();
      const streamId = `agency-${randomUUID()}`;
      const early = await held.append(streamId, [
        { type: 'InspectionRecorded', data: { n: 1 }, occurredAt: '2026-03-01' },
      ]);
      holding = new Promise((resolve) => (release = resolve));
      const first = held.readAll({ after: start });
      // The server has answered the first read (the answer is held): a later append is not in it.
      await firstAnswered;
      const late = await held.append(streamId, [
        { type: 'InspectionRecorded', data: { n: 2 }, occurredAt: '2026-03-01' },
      ]);
      const second = held.readAll({ after: start });
      holding = undefined;
      release();
      expect((await first).map((e) => e.eventId)).toEqual(early.eventIds);
      // Asked after the append returned, while the first read was in flight: a read of its own
      // (or one shared only with readers that asked before it was sent) shows it.
      expect((await second).map((e) => e.eventId)).toEqual([...early.eventIds, ...late.eventIds]);
    } finally {
      release();
      await held.close();
    }
  });

  it('gives each of many concurrent appends its own outcome when they go as one call', async () => {
    const ev = (n: number, extra: Partial<NewEvent> = {}): NewEvent => ({
      type: 'InspectionRecorded',
      data: { n },
      occurredAt: '2026-03-01',
      ...extra,
    });
    const key = `k-${randomUUID()}`;
    const replayed = await store.append(`agency-${randomUUID()}`, [
      ev(0, { metadata: { idempotencyKey: key } }),
    ]);
    const taken = randomUUID();
    await store.append(`agency-${randomUUID()}`, [ev(0, { eventId: taken })]);
    const streams = Array.from({ length: 12 }, () => `agency-${randomUUID()}`);
    const together = (sixToEleven: 'no-stream' | 2, more: Promise<unknown>[]) =>
      Promise.allSettled([
        // Twelve at once: two go alone, the others wait and go together.
        ...streams.map((streamId, n) =>
          store.append(streamId, [ev(n), ev(n)], {
            expectedVersion: n < 6 ? 'no-stream' : sixToEleven,
          }),
        ),
        ...more,
      ]);
    // Refused and replayed inside the call: the others are stored.
    const first = await together(2, [
      store.append(streams[0], [ev(99)], { expectedVersion: 5 }),
      store.append(`agency-${randomUUID()}`, [ev(100, { metadata: { idempotencyKey: key } })]),
    ]);
    expect(first.map((o) => o.status)).toEqual([
      ...Array(6).fill('fulfilled'),
      ...Array(6).fill('rejected'), // streams 6–11 expected version 2: they have none yet
      'rejected',
      'fulfilled',
    ]);
    expect(first[12]).toMatchObject({ reason: { name: 'WrongExpectedVersionError' } });
    expect(first[13]).toMatchObject({ value: { replayed: true, eventIds: replayed.eventIds } });
    // An event id used before fails the whole call: each append is made again on its own.
    const second = await together('no-stream', [
      store.append(`agency-${randomUUID()}`, [ev(101, { eventId: taken })]),
    ]);
    expect(second.map((o) => o.status)).toEqual([
      ...Array(6).fill('rejected'), // streams 0–5 exist now
      ...Array(6).fill('fulfilled'), // streams 6–11 are new
      'rejected',
    ]);
    for (const streamId of streams) expect(await store.streamVersion(streamId)).toBe(2);
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('refuses an envelope that names another stream, leaving nothing behind', async () => {
    const streamId = `agency-${randomUUID()}`;
    const envelope = hashTemplate(`agency-${randomUUID()}`, {
      eventId: randomUUID(),
      type: 'InspectionRecorded',
      schemaVersion: 1,
      data: {},
      metadata: {},
      occurredAt: '2026-03-01T00:00:00.000Z',
    });
    await expect(
      store.pool.query('SELECT * FROM ledger_append_envelopes($1, $2, NULL, $3)', [
        streamId,
        'any',
        envelope,
      ]),
    ).rejects.toMatchObject({ code: '22023' });
    expect(await store.streamVersion(streamId)).toBe(0);
  });
});
