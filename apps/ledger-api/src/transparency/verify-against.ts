import type { Pool } from 'pg';
import { eventHash, type EventStore, type StoredEvent } from '@ledger/event-store';
import {
  eventLeafData,
  leafHash,
  memoryTree,
  rootHash,
} from '@ledger/event-store/transparency/merkle';
import type { Checkpoint } from '@ledger/event-store/transparency/note';
import { leavesBetween, merkleLogSize, storedRoot } from '@ledger/projections';

/** What `verify --against` and `POST /ledger/verify` answer (ADR 027). */
export interface CheckpointVerification {
  ok: boolean;
  checkpoint: { origin: string; treeSize: number; rootHash: string };
  /** The root of the first `treeSize` events as they are stored now, their hashes recomputed. */
  recomputedRoot: string;
  firstBadEvent?: {
    leafIndex: number;
    eventId: string;
    streamId: string;
    version: number;
    position: number;
    reason: string;
  };
  /** Set when the ledger no longer extends the checkpoint but no single event can be named. */
  reason?: string;
}

/**
 * Whether today's ledger still extends a checkpoint: every one of its first `treeSize` events,
 * read as stored, its hash recomputed from its fields (never taken from the row), hashes to
 * the checkpoint's root. A superuser who rewrote a stream and every hash of its chain
 * consistently (ADR 004's open case) changed those leaves: the root differs, and the stored
 * tree, whose leaves were taken in when the events were first appended and which the checkpoint
 * signed, names the first event whose leaf is no longer the one committed to.
 */
export async function verifyAgainstCheckpoint(
  store: EventStore,
  pool: Pool,
  checkpoint: Checkpoint,
): Promise<CheckpointVerification> {
  const { treeSize } = checkpoint;
  const events: StoredEvent[] = [];
  let after = 0;
  while (events.length < treeSize) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) break;
    events.push(...page);
    after = page[page.length - 1].position;
  }
  const recomputed = events
    .slice(0, treeSize)
    .map((event) => leafHash(eventLeafData(eventHash(event))));
  const base = {
    checkpoint: {
      origin: checkpoint.origin,
      treeSize,
      rootHash: checkpoint.rootHash.toString('base64'),
    },
  };
  if (recomputed.length < treeSize) {
    return {
      ...base,
      ok: false,
      recomputedRoot: '',
      reason: `the checkpoint commits to ${treeSize} events and the ledger holds ${recomputed.length}: events were removed`,
    };
  }
  const root = rootHash(treeSize, memoryTree(recomputed));
  const recomputedRoot = root.toString('base64');
  if (root.equals(checkpoint.rootHash)) return { ...base, ok: true, recomputedRoot };
  // Which leaf changed: the stored tree, if it still has the checkpoint's root, says.
  const storedSize = await merkleLogSize(pool);
  if (storedSize >= treeSize && (await storedRoot(pool, treeSize)).equals(checkpoint.rootHash)) {
    const stored = await leavesBetween(pool, 0, treeSize);
    const index = stored.findIndex(
      (leaf, i) => leaf.eventId !== events[i].eventId || !leaf.leafHash.equals(recomputed[i]),
    );
    if (index >= 0) {
      const event = events[index];
      const leaf = stored[index];
      return {
        ...base,
        ok: false,
        recomputedRoot,
        firstBadEvent: {
          leafIndex: index,
          eventId: event.eventId,
          streamId: event.streamId,
          version: event.version,
          position: event.position,
          reason:
            leaf.eventId !== event.eventId
              ? `leaf ${index} committed to event ${leaf.eventId}, and the ledger now has ${event.eventId} there`
              : event.hash !== eventHash(event)
                ? 'its stored hash does not match its fields (a broken chain, see GET /ledger/verify)'
                : `its hash, recomputed from the event as stored, differs from the leaf checkpoint ${treeSize} committed to: the event was rewritten (with its chain)`,
        },
      };
    }
  }
  return {
    ...base,
    ok: false,
    recomputedRoot,
    reason: `the first ${treeSize} events no longer hash to the checkpoint's root, and the stored tree was rewritten or rebuilt since: verify against an earlier checkpoint to narrow down the first changed event`,
  };
}
