import type { ClientBase } from 'pg';
import type { StoredEvent } from '@ledger/event-store';

/**
 * A projection is pure: `evolve(row, event)` gives the next row (or null to drop it), for the
 * event types it lists, keyed by `keyOf(event)`. The runner stores rows with the position of
 * the last event applied to them, skips any event at or below it (idempotent), and keeps a
 * checkpoint per projection in the same transaction, so a rebuild from position 0 gives the
 * same rows.
 */
export interface Projection<Row> {
  /** Name of its checkpoint, and of its table. */
  readonly name: string;
  readonly table: string;
  readonly handles: ReadonlySet<string>;
  /** The row(s) an event concerns; a cycle's publication concerns every agency it grades. */
  keyOf(event: StoredEvent): string | string[] | null;
  evolve(row: Row | null, event: StoredEvent, key: string): Row | null;
  /** Extra columns stored beside the row document, for indexed queries. */
  columns(row: Row): Record<string, string | number | null>;
  /**
   * Rows of a child table derived from the document (e.g. bitemporal periods), rewritten for
   * the key in the same transaction as the document, so one indexed query can answer.
   */
  children?: {
    table: string;
    rows(key: string, row: Row): Record<string, string | number | boolean | null>[];
  };
  /**
   * Instead of rows by key: applies a page of events itself, inside the runner's transaction
   * and after its fence, in position order (events at or below the checkpoint left out). For
   * a projection that is not one document per key: the Merkle log appends leaves and the
   * subtrees they complete (ADR 027). `handles` and `keyOf` are then unused.
   */
  applyBatch?(client: ClientBase, events: StoredEvent[]): Promise<void>;
  /**
   * `'stream'`: every row is one stream's own, keyed from the stream's id alone (`keyOf` reads
   * `streamId` and nothing else), so a row's events are exactly that stream's events of the
   * types handled. Such a projection may also be applied inline, in the append's transaction
   * (ADR 034), where the stream's earlier appends have all committed and can be read.
   */
  readonly inline?: 'stream';
}
