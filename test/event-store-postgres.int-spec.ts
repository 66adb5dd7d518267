import { Client } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from './support/database';
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
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

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
