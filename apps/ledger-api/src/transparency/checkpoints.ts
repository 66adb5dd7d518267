import type { Pool } from 'pg';
import { verifyConsistency } from '@ledger/event-store/transparency/merkle';
import { signCheckpoint, type LedgerSigningKey } from '@ledger/event-store/transparency/note';
import { merkleLogSize, storedConsistencyPath, storedRoot } from '@ledger/projections';

/** A signed tree head as the API and the export hand it out. */
export interface CheckpointAnswer {
  treeSize: number;
  /** base64, as in the note. */
  rootHash: string;
  /** The C2SP tlog-checkpoint signed note: what an auditor keeps. */
  note: string;
  createdAt: string;
}

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  note: string;
  created_at: Date;
}

const toAnswer = (row: CheckpointRow): CheckpointAnswer => ({
  treeSize: Number(row.tree_size),
  rootHash: row.root_hash.toString('base64'),
  note: row.note,
  createdAt: row.created_at.toISOString(),
});

/** Lock key of checkpoint signing: one signer at a time across instances. */
const CHECKPOINT_LOCK = 7308604937434072627n;

export class LogNotConsistentError extends Error {
  override readonly name = 'LogNotConsistentError';
}

/**
 * Signs the tree the Merkle log holds now, unless a checkpoint of that size exists (then that
 * one). A log must never sign a tree that does not extend one it signed before (tlog-checkpoint,
 * "Signatures"): the new root is first proved consistent with the last checkpoint's, from the
 * stored tree, and a failure refuses to sign.
 */
export async function createCheckpoint(
  pool: Pool,
  key: LedgerSigningKey,
): Promise<CheckpointAnswer> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK.toString()]);
    const size = await merkleLogSize(client);
    const existing = await client.query<CheckpointRow>(
      'SELECT * FROM ledger_checkpoints WHERE tree_size = $1',
      [size],
    );
    const root = await storedRoot(client, size);
    if (existing.rows.length > 0) {
      if (!existing.rows[0].root_hash.equals(root))
        throw new LogNotConsistentError(
          `the Merkle log of ${size} events no longer has the root checkpoint ${size} signed: refusing to sign (run POST /api/v1/ledger/verify with it)`,
        );
      await client.query('COMMIT');
      return toAnswer(existing.rows[0]);
    }
    const last = (
      await client.query<CheckpointRow>(
        'SELECT * FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1',
      )
    ).rows[0];
    if (last) {
      const lastSize = Number(last.tree_size);
      const proof = await storedConsistencyPath(client, lastSize, size);
      if (!verifyConsistency(lastSize, size, last.root_hash, root, proof))
        throw new LogNotConsistentError(
          `the Merkle log of ${size} events does not extend checkpoint ${lastSize}: refusing to sign (run POST /api/v1/ledger/verify with it)`,
        );
    }
    const note = signCheckpoint({ treeSize: size, rootHash: root }, key);
    const { rows } = await client.query<CheckpointRow>(
      `INSERT INTO ledger_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3)
       RETURNING *`,
      [size, root, note],
    );
    await client.query('COMMIT');
    return toAnswer(rows[0]);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function listCheckpoints(pool: Pool): Promise<CheckpointAnswer[]> {
  const { rows } = await pool.query<CheckpointRow>(
    'SELECT * FROM ledger_checkpoints ORDER BY tree_size',
  );
  return rows.map(toAnswer);
}

export async function checkpointOfSize(
  pool: Pool,
  size: number,
): Promise<CheckpointAnswer | undefined> {
  const { rows } = await pool.query<CheckpointRow>(
    'SELECT * FROM ledger_checkpoints WHERE tree_size = $1',
    [size],
  );
  return rows.map(toAnswer)[0];
}

export async function latestCheckpoint(pool: Pool): Promise<CheckpointAnswer | undefined> {
  const { rows } = await pool.query<CheckpointRow>(
    'SELECT * FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1',
  );
  return rows.map(toAnswer)[0];
}
