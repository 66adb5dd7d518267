import type { ClientBase, Pool } from 'pg';
import type { StoredEvent } from '@ledger/event-store';
import {
  appendLeaves,
  consistencyPath,
  eventLeafData,
  frontierOf,
  inclusionPath,
  leafHash,
  nodesRead,
  rootHash,
  type NodeSource,
} from '@ledger/event-store/transparency/merkle';
import type { Projection } from '../projection';

type Db = Pick<ClientBase | Pool, 'query'>;

export const MERKLE_LOG_TABLE = 'merkle_log_nodes';

/**
 * The Merkle log (ADR 027): leaf `i` is the `i`-th event in global order, its data the event's
 * hash as stored. Each page appends its leaves and the perfect subtrees they complete, in the
 * runner's transaction with its checkpoint; the tree's right edge is read first (O(log n)).
 */
export const merkleLogProjection: Projection<never> = {
  name: 'merkle-log',
  table: MERKLE_LOG_TABLE,
  handles: new Set<string>(),
  keyOf: () => null,
  evolve: () => null,
  columns: () => ({}),
  async applyBatch(client: ClientBase, events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const size = await merkleLogSize(client);
    const edge = frontierOf(size);
    const known = await readNodes(client, edge);
    const { nodes } = appendLeaves(
      size,
      edge.map(([level, index]) => known(level, index)),
      events.map((event) => leafHash(eventLeafData(event.hash))),
    );
    const leafEvents = new Map(events.map((event, i) => [size + i, event]));
    await client.query(
      `INSERT INTO ${MERKLE_LOG_TABLE} (level, idx, hash, position, event_id)
       SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[], $4::bigint[], $5::uuid[])`,
      [
        nodes.map(([level]) => level),
        nodes.map(([, index]) => index),
        nodes.map(([, , hash]) => hash),
        nodes.map(([level, index]) => (level === 0 ? leafEvents.get(index)!.position : null)),
        nodes.map(([level, index]) => (level === 0 ? leafEvents.get(index)!.eventId : null)),
      ],
    );
  },
};

/** How many leaves the stored tree holds. */
export async function merkleLogSize(db: Db): Promise<number> {
  const { rows } = await db.query<{ size: string }>(
    `SELECT coalesce(max(idx) + 1, 0) AS size FROM ${MERKLE_LOG_TABLE} WHERE level = 0`,
  );
  return Number(rows[0].size);
}

/** The stored perfect subtrees asked for, by primary key in one query, as a NodeSource. */
export async function readNodes(db: Db, wanted: [number, number][]): Promise<NodeSource> {
  const { rows } =
    wanted.length === 0
      ? { rows: [] }
      : await db.query<{ level: number; idx: string; hash: Buffer }>(
          `SELECT n.level, n.idx, n.hash FROM unnest($1::smallint[], $2::bigint[]) AS w(level, idx)
           JOIN ${MERKLE_LOG_TABLE} n ON n.level = w.level AND n.idx = w.idx`,
          [wanted.map(([level]) => level), wanted.map(([, index]) => index)],
        );
  const byKey = new Map(rows.map((row) => [`${row.level}:${row.idx}`, row.hash]));
  return (level, index) => {
    const hash = byKey.get(`${level}:${index}`);
    if (!hash) throw new RangeError(`the Merkle log holds no subtree ${level}:${index}`);
    return hash;
  };
}

/** Runs a tree computation on the stored tree: one read of the nodes it needs. */
async function onStoredTree<T>(db: Db, compute: (node: NodeSource) => T): Promise<T> {
  return compute(await readNodes(db, nodesRead(compute)));
}

export const storedRoot = (db: Db, size: number): Promise<Buffer> =>
  onStoredTree(db, (node) => rootHash(size, node));

export const storedInclusionPath = (db: Db, index: number, size: number): Promise<Buffer[]> =>
  onStoredTree(db, (node) => inclusionPath(index, size, node));

export const storedConsistencyPath = (db: Db, first: number, second: number): Promise<Buffer[]> =>
  onStoredTree(db, (node) => consistencyPath(first, second, node));

export interface MerkleLeaf {
  index: number;
  position: number;
  eventId: string;
  leafHash: Buffer;
}

/** The leaf of an event, or undefined when the log has not taken it in (yet). */
export async function leafOfEvent(db: Db, eventId: string): Promise<MerkleLeaf | undefined> {
  const { rows } = await db.query<{
    idx: string;
    position: string;
    event_id: string;
    hash: Buffer;
  }>(
    `SELECT idx, position, event_id, hash FROM ${MERKLE_LOG_TABLE}
     WHERE level = 0 AND event_id = $1`,
    [eventId],
  );
  return rows.map(toLeaf)[0];
}

/** Leaves [from, to) in order. */
export async function leavesBetween(db: Db, from: number, to: number): Promise<MerkleLeaf[]> {
  const { rows } = await db.query<{
    idx: string;
    position: string;
    event_id: string;
    hash: Buffer;
  }>(
    `SELECT idx, position, event_id, hash FROM ${MERKLE_LOG_TABLE}
     WHERE level = 0 AND idx >= $1 AND idx < $2 ORDER BY idx`,
    [from, to],
  );
  return rows.map(toLeaf);
}

const toLeaf = (row: { idx: string; position: string; event_id: string; hash: Buffer }) => ({
  index: Number(row.idx),
  position: Number(row.position),
  eventId: row.event_id,
  leafHash: row.hash,
});
