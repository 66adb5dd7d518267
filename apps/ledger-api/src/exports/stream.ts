import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import ExcelJS from 'exceljs';

/** What a clerk opens: CSV (UTF-8 BOM, formula-safe), NDJSON, or an Excel workbook. */
export const EXPORT_FORMATS = ['csv', 'ndjson', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

type Cell = string | number | null;

/** A column of an export: its header in the platform's layout, and the field it comes from. */
export type Column<Row> = readonly [header: string, value: (row: Row) => Cell];

/**
 * A cell a spreadsheet would take for a formula (OWASP, CSV injection: one beginning with `=`,
 * `+`, `-`, `@`, a tab or a carriage return), prefixed with a single quote so it is shown as
 * the text it is: an agency registered as `=HYPERLINK(…)` must not run in the credit
 * platform's spreadsheet. Numbers are written as numbers.
 */
export function neutraliseCell(value: Cell): Cell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * A CSV field as csv-stringify writes it by default (RFC 4180): empty for null, quoted when it
 * holds a comma, a quote or a line break, with its quotes doubled.
 */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows fetched per round trip from the server-side cursor. */
export const FETCH_ROWS = 100;

/**
 * A query's rows in batches from a server-side cursor (`DECLARE … CURSOR` and `FETCH n`) inside
 * one REPEATABLE READ, READ ONLY transaction on one pooled connection: the rows never sit in
 * this process all at once, and every statement of the export (its position first, then its
 * rows) reads one snapshot. `prepare` runs first in that snapshot (e.g. reads a checkpoint) and
 * gives the query's text and parameters.
 */
export class SnapshotCursor<Row, Prepared> {
  private constructor(
    private readonly client: PoolClient,
    readonly prepared: Prepared,
    private readonly sql: string,
    private readonly params: unknown[],
  ) {}

  static async open<Row, Prepared>(
    pool: Pool,
    prepare: (
      client: PoolClient,
    ) => Promise<{ prepared: Prepared; sql: string; params: unknown[] }>,
  ): Promise<SnapshotCursor<Row, Prepared>> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { prepared, sql, params } = await prepare(client);
      await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
      return new SnapshotCursor<Row, Prepared>(client, prepared, sql, params);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw error;
    }
  }

  private closed = false;

  async *batches(): AsyncGenerator<Row[]> {
    for (;;) {
      const { rows } = await this.client.query<Row & object>(
        `FETCH ${FETCH_ROWS} FROM export_rows`,
      );
      if (rows.length > 0) yield rows;
      if (rows.length < FETCH_ROWS) return;
    }
  }

  /** Ends the transaction and gives the connection back (safe to call twice). */
  async close(failed = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.query(failed ? 'ROLLBACK' : 'COMMIT');
      this.client.release();
    } catch (error) {
      this.client.release(error instanceof Error ? error : true);
    }
  }
}

/** `work` in one REPEATABLE READ, READ ONLY transaction: every query it makes reads one snapshot. */
export async function inSnapshot<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw error;
  }
}

/** Writes a chunk, waiting while the reader is behind: memory stays at one batch. */
async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk) && !out.destroyed) await once(out, 'drain');
}

async function waitForDrain(out: Writable): Promise<void> {
  if (out.writableNeedDrain && !out.destroyed) await once(out, 'drain');
}

export interface WriteOptions {
  /** CSV only: start with a UTF-8 BOM (Excel reads the Chinese then). */
  bom: boolean;
  /** A last row saying where the export reached (incremental feeds), in the columns' names. */
  trailer?: Record<string, Cell>;
  /** The worksheet's name (XLSX). */
  sheet?: string;
}

/**
 * Streams rows to `out` in `format`, batch by batch, and answers how many rows it wrote. `out`
 * is not ended: the caller ends it (an HTTP answer, a file, stdout).
 */
export async function writeRows<Row>(
  out: Writable,
  format: ExportFormat,
  columns: readonly Column<Row>[],
  batches: AsyncIterable<Row[]> | Iterable<Row[]>,
  options: WriteOptions,
): Promise<number> {
  const headers = columns.map(([h]) => h);
  const trailerCells = (trailer: Record<string, Cell>) =>
    headers.map((h) => (h in trailer ? trailer[h] : null));
  let count = 0;
  // CSV and NDJSON lines are built as text, a cell at a time, with no object or array per row:
  // the garbage of an export is then its strings (BENCHMARKS.md, "Memory of the streamed
  // exports"). The bytes are csv-stringify's and JSON.stringify's (stream.spec.ts).
  const values = columns.map(([, value]) => value);
  if (format === 'ndjson') {
    const keys = headers.map((h) => JSON.stringify(h));
    const line = (row: Row): string => {
      let text = '{';
      for (let c = 0; c < values.length; c += 1)
        text += `${c === 0 ? '' : ','}${keys[c]}:${JSON.stringify(values[c](row) ?? null)}`;
      return `${text}}\n`;
    };
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      count += batch.length;
      let chunk = '';
      for (const row of batch) chunk += line(row);
      await write(out, chunk);
    }
    if (options.trailer) await write(out, JSON.stringify(options.trailer) + '\n');
    return count;
  }
  if (format === 'csv') {
    const line = (cells: readonly Cell[]) => cells.map(csvField).join(',') + '\n';
    await write(out, (options.bom ? '\ufeff' : '') + line(headers));
    for await (const batch of batches) {
      count += batch.length;
      let chunk = '';
      for (const row of batch) {
        for (let c = 0; c < values.length; c += 1)
          chunk += (c === 0 ? '' : ',') + csvField(neutraliseCell(values[c](row)));
        chunk += '\n';
      }
      if (chunk !== '') await write(out, chunk);
    }
    if (options.trailer) await write(out, line(trailerCells(options.trailer)));
    return count;
  }
  // XLSX: exceljs's streaming writer, rows committed as they come and no shared-strings table
  // (which would hold every string until the end). A string cell is text to Excel, never a
  // formula, so values are written as recorded.
  // The zip is written through a pass-through that never ends `out`: the caller ends it.
  const zip = new PassThrough();
  zip.pipe(out, { end: false });
  const zipped = once(zip, 'end');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: zip,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(options.sheet ?? 'export');
  sheet.addRow(headers).commit();
  for await (const batch of batches) {
    count += batch.length;
    for (const row of batch) sheet.addRow(columns.map(([, v]) => v(row))).commit();
    await waitForDrain(out);
  }
  if (options.trailer) sheet.addRow(trailerCells(options.trailer)).commit();
  sheet.commit();
  await workbook.commit();
  await zipped;
  zip.unpipe(out);
  return count;
}
