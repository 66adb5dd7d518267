import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell, writeRows, type Column } from './stream';

type Row = { a: string | null; b: number | null; c: string };

/** Cells a spreadsheet or a CSV reader could trip on. */
const ROWS: Row[] = [
  { a: '北京环测科技有限公司', b: 5, c: 'plain' },
  { a: 'comma, inside', b: 0.123456, c: 'quote " inside' },
  { a: 'line\nbreak', b: null, c: 'carriage\rreturn' },
  { a: null, b: -1, c: '=HYPERLINK("http://x","y")' },
  { a: '', b: 1e21, c: "'already quoted" },
  { a: '"', b: 3, c: ' spaced , ' },
];
const COLUMNS: readonly Column<Row>[] = [
  ['名称', (r) => r.a],
  ['金额,万元', (r) => r.b],
  ['说明"', (r) => r.c],
];

async function written(format: 'csv' | 'ndjson', bom: boolean, trailer?: Record<string, string>) {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  // Two batches, as a cursor gives them.
  const count = await writeRows(out, format, COLUMNS, [ROWS.slice(0, 2), ROWS.slice(2)], {
    bom,
    ...(trailer && { trailer }),
  });
  return { text, count };
}

describe('the CSV and NDJSON an export writes, a line at a time', () => {
  it('writes the bytes csv-stringify writes: BOM, header, quoting, the formula prefix, the trailer', async () => {
    const trailer = { 说明: 'x' };
    const expected =
      stringify(
        ROWS.map((r) => COLUMNS.map(([, v]) => neutraliseCell(v(r)))),
        { header: true, columns: COLUMNS.map(([h]) => h), bom: true },
      ) + stringify([COLUMNS.map(([h]) => (h in trailer ? 'x' : null))]);
    expect(await written('csv', true, trailer)).toEqual({ text: expected, count: ROWS.length });
    expect((await written('csv', false)).text).toBe(
      stringify(
        ROWS.map((r) => COLUMNS.map(([, v]) => neutraliseCell(v(r)))),
        { header: true, columns: COLUMNS.map(([h]) => h) },
      ),
    );
  });

  it('writes the header alone when there are no rows', async () => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    await writeRows(out, 'csv', COLUMNS, [[]], { bom: true });
    expect(text).toBe('\ufeff名称,"金额,万元","说明"""\n');
  });

  it('writes each NDJSON line as JSON.stringify writes the row keyed by its headers, values as recorded', async () => {
    const { text, count } = await written('ndjson', true, { 导出位置: '1@2026-11-30' });
    const lines = text.split('\n');
    expect(count).toBe(ROWS.length);
    expect(lines.slice(0, ROWS.length)).toEqual(
      ROWS.map((r) => JSON.stringify(Object.fromEntries(COLUMNS.map(([h, v]) => [h, v(r)])))),
    );
    expect(lines.slice(ROWS.length)).toEqual(['{"导出位置":"1@2026-11-30"}', '']);
  });
});
