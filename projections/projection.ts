import type { ClientBase } from 'pg';
import type { StoredEvent } from '@ledger/event-store';

/** A row of a projection's child table, without its `key`. */
export type ChildRow = Record<string, string | number | boolean | null>;

/** See `Projection.children.events`. */
export interface EventChildRows<Row> {
  /** A SQL condition on the child table, true of these rows and of no row `rows()` derives. */
  where: string;
  /** The rows `event` adds for `key`, without the stamped columns. */
  rows(key: string, event: StoredEvent): ChildRow[];
  /** The column of an event row that its stamp depends on (read back as text). */
  stampBy: string;
  /** The document's columns of an event row whose `stampBy` column holds `value`. */
  stamp(row: Row, value: string): ChildRow;
  /** Equal for two documents that stamp every event row alike. */
  stampOf(row: Row | null): string;
}

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
    rows(key: string, row: Row): ChildRow[];
    /**
     * The columns that tell a key's child rows apart (the table's primary key after `key`; text
     * columns).
     * With them, a write sends only the child rows that changed (issue 14): those of the stored
     * document and of the new one are compared, not all deleted and inserted again.
     */
    identity?: readonly string[];
    /**
     * Child rows that events add and the document does not keep, so that the document stays
     * the same size however long its key's history grows (issue 14, ADR 037): each is inserted
     * once, when its event is applied, and never derived from the document again. The columns
     * that do depend on the document (`stamp`) are given from the document the write stores, and
     * set again on every event row of the key when a write changes them (`stampOf` differs).
     */
    events?: EventChildRows<Row>;
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
