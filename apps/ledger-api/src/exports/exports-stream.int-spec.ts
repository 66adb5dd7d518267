/**
 * The exports stream from a server-side cursor in every format a clerk opens (issue 13 item 3):
 * a few thousand rows, read back with the tools a platform would use — exceljs's reader for
 * XLSX, csv-parse for CSV, JSON line by line for NDJSON — and a feed resumed from the position
 * the first one answered sends the withdrawals and nothing else.
 */
import { PassThrough } from 'node:stream';
import { Pool } from 'pg';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { HOOK_TIMEOUT_MS } from '../../../../test/support/timeouts';
import { seedPenaltyFeed } from '../../../../scripts/bench/export-seed';
import { readAuthorities } from './authorities';
import { FETCH_ROWS } from './stream';
import { runExport, type ExportRequest } from './run-export';

const PENALTIES = 3_000;

describe('streamed exports (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let lastPosition: number;
  const authorities = readAuthorities(undefined);

  beforeAll(async () => {
    db = await createTestDatabase('exports_stream');
    pool = new Pool({ connectionString: db.url, max: 2 });
    ({ lastPosition } = await seedPenaltyFeed(pool, {
      penalties: PENALTIES,
      agencies: 50,
      withdrawnEvery: 7,
      formulaEvery: 10,
    }));
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  async function exported(request: ExportRequest) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const { rows, head } = await runExport(pool, authorities, request, out, () => undefined);
    out.end();
    return { rows, head, bytes: Buffer.concat(chunks) };
  }

  const feed = { what: 'penalties', layout: 'necips', asOf: '2026-11-30', bom: true } as const;

  it('CSV: parses with csv-parse, a BOM, one row per penalty, the position in the last row, formulas inert', async () => {
    expect(PENALTIES).toBeGreaterThan(FETCH_ROWS * 2);
    const { rows, head, bytes } = await exported({ ...feed, format: 'csv' });
    expect(rows).toBe(PENALTIES);
    expect(head.position).toBe(`${lastPosition}@2026-11-30`);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const records = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(PENALTIES + 1);
    expect(records.slice(0, -1).every((r) => r['变更类型'] === '公示')).toBe(true);
    expect(records.at(-1)).toMatchObject({ 变更类型: '导出位置', 导出位置: head.position });
    const names = records.map((r) => r['企业名称']).filter((n) => n.includes('HYPERLINK'));
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith("'="))).toBe(true);
  });

  it('NDJSON: every line is a JSON object, the last one the position', async () => {
    const { bytes, head } = await exported({ ...feed, format: 'ndjson' });
    const lines = bytes.toString('utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const objects = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects).toHaveLength(PENALTIES + 1);
    expect(objects[0]).toMatchObject({ 违法行为类型: '其他违法行为', 变更类型: '公示' });
    expect(objects.at(-1)).toEqual({ 变更类型: '导出位置', 导出位置: head.position });
  });

  it('XLSX: opens with exceljs, the header, every row and the position, a formula-like name kept as text', async () => {
    const { bytes, head } = await exported({ ...feed, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(PENALTIES + 2);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual([
      '统一社会信用代码',
      '企业名称',
      '法定代表人',
      '决定书文号',
    ]);
    const last = (sheet.getRow(PENALTIES + 2).values as unknown[]).slice(1);
    expect(last).toContain(head.position);
    const formulaLike = (sheet.getColumn(2).values as unknown[]).find(
      (v) => typeof v === 'string' && v.startsWith('=HYPERLINK'),
    );
    expect(formulaLike).toBeDefined();
    sheet.eachRow((row) =>
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)),
    );
  });

  it('resumed from where the first reached, a later asOf sends only the withdrawals (repairs, then the ends of display)', async () => {
    const first = await exported({ ...feed, format: 'ndjson' });
    const repairs = await exported({
      ...feed,
      format: 'ndjson',
      since: first.head.position,
      asOf: '2026-12-01',
    });
    const changes = repairs.bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(changes.slice(0, -1).every((c) => c['变更类型'] === '停止公示')).toBe(true);
    expect(changes.slice(0, -1).every((c) => c['停止公示原因'] === '信用修复')).toBe(true);
    expect(changes).toHaveLength(Math.floor(PENALTIES / 7) + 1);
    const expiry = await exported({
      ...feed,
      format: 'ndjson',
      since: repairs.head.position,
      asOf: '2027-07-01',
    });
    expect(expiry.rows).toBe(PENALTIES - Math.floor(PENALTIES / 7));
    const again = await exported({
      ...feed,
      format: 'ndjson',
      since: expiry.head.position,
      asOf: '2027-07-01',
    });
    expect(again.rows).toBe(0);
  });

  it('the listing of earlier versions (no since) streams too, and answers the credit record position', async () => {
    const { rows, head } = await exported({
      what: 'penalties',
      layout: 'shuanggongshi',
      asOf: '2026-11-30',
      format: 'xlsx',
      bom: true,
    });
    expect(rows).toBe(0); // the seed fills the feed, not the credit-record projection
    expect(head.position).toBe('0@2026-11-30');
  });
});
