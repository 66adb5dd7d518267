/**
 * The Merkle log projection against real PostgreSQL (ADR 027): the stored tree, appended page by
 * page, is the RFC 6962 tree of every event's hash in global order, and its proofs verify.
 */
import { Pool } from 'pg';
import { PostgresEventStore, type StoredEvent } from '@ledger/event-store';
import {
  eventLeafData,
  leafHash,
  memoryTree,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '@ledger/event-store/transparency/merkle';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { HOOK_TIMEOUT_MS } from '../../test/support/timeouts';
import { ProjectionRunner } from '../runner';
import {
  leafOfEvent,
  merkleLogProjection,
  merkleLogSize,
  storedConsistencyPath,
  storedInclusionPath,
  storedRoot,
} from './merkle-log.projection';

describe('the Merkle log projection', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  let events: StoredEvent[];

  beforeAll(async () => {
    db = await createTestDatabase('merkle_log');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
    pool = new Pool({ connectionString: db.url, max: 2 });
    // 37 events over three streams, appended one or two at a time.
    for (let i = 0; i < 25; i++) {
      const stream = `merkle-test-${i % 3}`;
      const more = i % 2 === 0 ? 2 : 1;
      await store.append(
        stream,
        Array.from({ length: more }, (_, j) => ({
          type: 'Noted',
          data: { i, j },
          occurredAt: '2026-03-01T00:00:00Z',
        })),
      );
    }
    events = await store.readAll({ limit: 1000 });
    // Pages of 4: every page starts from a stored right edge, not from memory.
    const runner = new ProjectionRunner(merkleLogProjection, store, pool, { batchSize: 4 });
    await runner.start();
    await runner.waitFor(events.at(-1)!.position, 60_000);
    await runner.stop();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await pool?.end();
    await store?.close();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  const leaves = () => events.map((e) => leafHash(eventLeafData(e.hash)));

  it('holds one leaf per event, in global order', async () => {
    expect(await merkleLogSize(pool)).toBe(events.length);
    for (const [index, event] of events.entries()) {
      const leaf = await leafOfEvent(pool, event.eventId);
      expect(leaf).toMatchObject({ index, position: event.position, eventId: event.eventId });
      expect(leaf!.leafHash.equals(leaves()[index])).toBe(true);
    }
  });

  it('has, at every size, the root of the tree built from the events at once', async () => {
    const tree = memoryTree(leaves());
    for (let size = 0; size <= events.length; size++) {
      expect((await storedRoot(pool, size)).equals(rootHash(size, tree))).toBe(true);
    }
  });

  it('answers inclusion and consistency proofs that verify', async () => {
    const tree = memoryTree(leaves());
    for (const size of [1, 5, 16, 17, events.length]) {
      const root = rootHash(size, tree);
      for (let index = 0; index < size; index += 3) {
        const path = await storedInclusionPath(pool, index, size);
        expect(verifyInclusion(index, size, leaves()[index], path, root)).toBe(true);
      }
      for (const first of [1, 2, 3, 8, size]) {
        if (first > size) continue;
        const proof = await storedConsistencyPath(pool, first, size);
        expect(verifyConsistency(first, size, rootHash(first, tree), root, proof)).toBe(true);
      }
    }
  });

  it('rebuilds from position 0 to the same nodes', async () => {
    const nodes = async () =>
      (
        await pool.query<{ row: string }>(
          'SELECT to_jsonb(t)::text AS row FROM merkle_log_nodes t ORDER BY level, idx',
        )
      ).rows.map((r) => r.row);
    const before = await nodes();
    await new ProjectionRunner(merkleLogProjection, store, pool).rebuild();
    expect(await nodes()).toEqual(before);
  });
});
