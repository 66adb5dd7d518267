/**
 * Rebuild equals incremental (issue 14): each API projection's tables, every row as canonical
 * jsonb text in order, and where two such snapshots differ.
 */
import type { Pool } from 'pg';
import { API_PROJECTIONS } from '../../apps/ledger-api/src/projections/projections.service';

/** Each API projection table's rows, as canonical jsonb text, ordered. */
export async function projectionTables(pool: Pool): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const projection of API_PROJECTIONS)
    for (const table of [projection.table, projection.children?.table]) {
      if (!table) continue;
      const { rows } = await pool.query<{ row: string }>(
        `SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`,
      );
      tables[table] = rows.map((r) => r.row);
    }
  return tables;
}

/** Where two snapshots of the projection tables differ: one line per table, first row named. */
export function differences(
  incremental: Record<string, string[]>,
  rebuilt: Record<string, string[]>,
): string[] {
  const out: string[] = [];
  for (const table of Object.keys(incremental)) {
    const a = incremental[table];
    const b = rebuilt[table] ?? [];
    if (a.length === b.length && a.every((row, i) => row === b[i])) continue;
    const at = a.findIndex((row, i) => row !== b[i]);
    out.push(
      `${table}: ${a.length} rows incrementally, ${b.length} rebuilt; first difference at row ${at}: ${(a[at] ?? '(none)').slice(0, 200)} / ${(b[at] ?? '(none)').slice(0, 200)}`,
    );
  }
  return out;
}
