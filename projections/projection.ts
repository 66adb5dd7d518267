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
  keyOf(event: StoredEvent): string | null;
  evolve(row: Row | null, event: StoredEvent): Row | null;
  /** Extra columns stored beside the row document, for indexed queries. */
  columns(row: Row): Record<string, string | number | null>;
}
