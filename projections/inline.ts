import type { InlineProjection, StoredEvent } from '@ledger/event-store';
import type { Projection } from './projection';
import { foldEvent, writeRow, type Folded } from './runner';

/**
 * Projections as the PostgreSQL adapter applies them inside each append's transaction (ADR 034),
 * for read-your-writes without waiting for their runners. Only projections whose rows are their
 * stream's own (`inline: 'stream'`): the appending stream's row of each is brought from the
 * position stored in it to the append's last event by folding the stream's events in between,
 * read in the same transaction. So a row is exact whoever appended before (this adapter,
 * another process without inline projections, a script), and it is the row the runner computes:
 * the same pure `evolve`, the same events in the same order, written through the same position
 * guard (ADR 009, `writeRow`). The runners keep running these projections and find the rows
 * already there (they skip events at or below a row's position).
 *
 * One hook for all of them, so that they share two round trips: one query loads the stream's
 * row of every projection concerned, one reads the stream's events they have not seen.
 */
export function inlineProjections(projections: Projection<unknown>[]): InlineProjection {
  for (const projection of projections)
    if (projection.inline !== 'stream' || projection.applyBatch)
      throw new Error(`projection ${projection.name} cannot be applied inline (ADR 034)`);
  return {
    names: projections.map((projection) => projection.name),
    async apply({ client, streamId, types, readStreamAfter }) {
      const concerned: { projection: Projection<unknown>; key: string }[] = [];
      for (const projection of projections) {
        if (!types.some((type) => projection.handles.has(type))) continue;
        // keyOf reads the stream's id alone (inline: 'stream'): any event of the stream names it.
        const keys = projection.keyOf({ streamId, type: types[0] } as StoredEvent);
        const key = Array.isArray(keys) ? keys[0] : keys;
        if (typeof key === 'string') concerned.push({ projection, key });
      }
      if (concerned.length === 0) return;
      const { rows } = await client.query<{ i: number; doc: unknown; last_position: string }>(
        concerned
          .map(
            ({ projection }, i) =>
              `SELECT ${i} AS i, doc, last_position FROM ${projection.table} WHERE key = $${i + 1}`,
          )
          .join(' UNION ALL '),
        concerned.map(({ key }) => key),
      );
      const stored: { row: unknown; position: number }[] = concerned.map(() => ({
        row: null,
        position: 0,
      }));
      for (const { i, doc, last_position } of rows)
        stored[i] = { row: doc, position: Number(last_position) };
      const from = Math.min(...stored.map(({ position }) => position));
      const events = await readStreamAfter(from);
      // Positions follow versions within a stream (migration 1763862000000). A stream appended
      // to concurrently before that may have them out of order: its rows are left to the
      // runners, which apply by position (the savepoint undoes this hook's work).
      events.reduce((previous, { position }) => {
        if (position <= previous)
          throw new Error(`${streamId}: positions out of version order; left to the runners`);
        return position;
      }, from);
      for (const [i, { projection, key }] of concerned.entries()) {
        const { row, position } = stored[i];
        const folded: Folded<unknown> = {
          before: row,
          beforePosition: position,
          row,
          position,
          eventRows: [],
        };
        for (const event of events) {
          if (event.position <= folded.position || !projection.handles.has(event.type)) continue;
          foldEvent(projection, folded, event, key);
        }
        if (folded.position > position)
          await writeRow(projection, client, key, folded.row, folded.position, folded);
      }
    },
  };
}
