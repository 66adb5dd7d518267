/**
 * The public search's indexes (issue 14, ADR 037) against real PostgreSQL: the migration
 * creates them; the planner uses them for the SQL the search sends (its page and its count), for
 * a `q` of 3 characters or more and for the start of a USCC; what the search finds through
 * them is what a full scan finds, with `%`, `_`, `\`, case and Chinese names; and where pg_trgm
 * cannot be created the migration still runs and the search answers the same.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, type Logger, type QueryRunner } from 'typeorm';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '@ledger/database';
import { RegistryEntryRow } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { HOOK_TIMEOUT_MS } from '../../../../test/support/timeouts';
import { matchingSearch } from './registry-search';

/** Enough rows that a full scan costs the planner more than the indexes do. */
const ROWS = 3_000;

/** Names the wildcards, case and CJK tests look for, beside generated ones. */
const SPECIAL: { key: string; name: string }[] = [
  { key: '91110105SPECIAL01A', name: '北京环境监测50%_有限公司' },
  { key: '91110105SPECIAL02B', name: '北京环境监测_A有限公司' },
  { key: '91110105SPECIAL03C', name: '北京环境监测\\检测站' },
  { key: '91110105SPECIAL04D', name: 'Beijing ABC Lab 北京' },
  { key: '91110105SPECIAL05E', name: 'beijing abc lab' },
  { key: '91500103SPECIAL06F', name: '重庆环境检测50有限公司' },
];

/** The registry rows: generated names use 环境检测, so 环境监测 finds the special ones only. */
async function seed(pool: Pool): Promise<void> {
  await pool.query(
    `INSERT INTO registry_entries (key, uscc, doc, last_position, name, jurisdiction, status, updated_at)
     SELECT key, key, '{}'::jsonb, i, name, 'beijing', 'registered', timestamptz '2026-01-01T00:00:00Z'
     FROM (SELECT i, '9111010' || lpad(i::text, 10, '0') || 'X' AS key,
                  '北京' || (ARRAY['华测', '中环', '绿源', '清源'])[1 + i % 4] || i || '环境检测有限公司' AS name
           FROM generate_series(1, $1::int) i) g
     UNION ALL
     SELECT key, key, '{}'::jsonb, 0, name, 'beijing', 'registered', timestamptz '2026-01-01T00:00:00Z'
     FROM json_to_recordset($2::json) AS s(key text, name text)`,
    [ROWS, JSON.stringify(SPECIAL)],
  );
  await pool.query('ANALYZE registry_entries');
}

/** Every SELECT TypeORM sends, with its parameters. */
class Captured implements Logger {
  queries: { sql: string; parameters: unknown[] }[] = [];
  logQuery(sql: string, parameters?: unknown[]) {
    if (/^SELECT/.test(sql)) this.queries.push({ sql, parameters: parameters ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** The search as the controller builds it (its other filters aside), on `runner`. */
const search = (source: DataSource, runner: QueryRunner, q: string, pageSize: number) =>
  matchingSearch(source.getRepository(RegistryEntryRow).createQueryBuilder('r', runner), q)
    .orderBy('r.name', 'ASC')
    .addOrderBy('r.key', 'ASC')
    .skip(0)
    .take(pageSize);

/** Every index a plan (EXPLAIN FORMAT JSON) reads. */
function indexesOf(plan: unknown): string[] {
  const found: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Name'] === 'string') found.push(node['Index Name']);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((plan as { Plan: Record<string, unknown> }[])[0].Plan);
  return found.sort();
}

/** Keys found for `q` (every page), and the count, with the planner told what it may not use. */
async function found(source: DataSource, q: string, settings: string[]) {
  const runner = source.createQueryRunner();
  try {
    await runner.startTransaction();
    for (const setting of settings) await runner.query(`SET LOCAL ${setting} = off`);
    const [rows, total] = await search(source, runner, q, 1_000).getManyAndCount();
    await runner.commitTransaction();
    return { keys: rows.map((row) => row.key), total };
  } finally {
    await runner.release();
  }
}

const FULL_SCAN = ['enable_indexscan', 'enable_bitmapscan', 'enable_indexonlyscan'];
const INDEXES = ['enable_seqscan'];

/** Queries of the wildcards, case and CJK tests, and the special keys each finds. */
const CASES: [q: string, keys: string[]][] = [
  ['环境监测', ['91110105SPECIAL01A', '91110105SPECIAL02B', '91110105SPECIAL03C']],
  ['50%_', ['91110105SPECIAL01A']],
  ['%', ['91110105SPECIAL01A']],
  ['_', ['91110105SPECIAL01A', '91110105SPECIAL02B']],
  ['\\', ['91110105SPECIAL03C']],
  ['测\\检', ['91110105SPECIAL03C']],
  ['ABC LAB', ['91110105SPECIAL04D', '91110105SPECIAL05E']],
  ['  abc  ', ['91110105SPECIAL04D', '91110105SPECIAL05E']],
  ['91110105special0', SPECIAL.slice(0, 5).map((s) => s.key)],
  ['91500103SPECIAL06F', ['91500103SPECIAL06F']],
];

describe('the public search, indexed (ADR 037)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let source: DataSource;
  const captured = new Captured();

  beforeAll(async () => {
    db = await createTestDatabase('registry_search');
    pool = new Pool({ connectionString: db.url, max: 2 });
    await seed(pool);
    source = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [RegistryEntryRow],
      logging: ['query'],
      logger: captured,
      poolSize: 2,
    });
    await source.initialize();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await source?.destroy();
    await pool?.end();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  it('the migration creates the trigram index on the name and text_pattern_ops indexes on the key and the USCC', async () => {
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_entries'`,
    );
    const definitions = new Map(rows.map((row) => [row.indexname, row.indexdef]));
    expect(definitions.get('registry_entries_name_trgm')).toMatch(
      /USING gin \(name \S*gin_trgm_ops\)/,
    );
    expect(definitions.get('registry_entries_key_pattern')).toMatch(/\(key text_pattern_ops\)/);
    expect(definitions.get('registry_entries_uscc_pattern')).toMatch(/\(uscc text_pattern_ops\)/);
    expect(definitions.get('registry_entries_name_key')).toMatch(/\(name, key\)/);
  });

  it('a plain ILIKE of 3 characters or more reads the trigram index', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) SELECT key FROM registry_entries WHERE name ILIKE '%abc%'`,
      );
      await client.query('COMMIT');
      expect(indexesOf(rows[0]['QUERY PLAN'])).toEqual(['registry_entries_name_trgm']);
    } finally {
      client.release();
    }
  });

  it.each([
    ['a name of 3 characters or more', '环境监测'],
    ['the start of a USCC', '91110105special0'],
  ])('the search’s page and count, for %s, can be read from the indexes alone', async (_, q) => {
    captured.queries = [];
    const runner = source.createQueryRunner();
    const plans: unknown[] = [];
    try {
      // A page smaller than what is found, so that TypeORM counts too.
      const [rows, total] = await search(source, runner, q, 2).getManyAndCount();
      expect(rows).toHaveLength(2);
      expect(total).toBeGreaterThan(2);
      expect(captured.queries.map(({ sql }) => /COUNT/.test(sql))).toEqual([false, true]);
      // What the SQL allows, not what the planner prefers on a table this small: no full scan,
      // and no walk down the (name, key) index either (on 3,000 rows, reading it in order until
      // the page is full may cost less than the bitmap; on the register it is measured in ADR 037).
      await runner.startTransaction();
      await runner.query('SET LOCAL enable_seqscan = off');
      await runner.query('SET LOCAL enable_indexscan = off');
      for (const { sql, parameters } of captured.queries) {
        const [row] = await runner.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
        plans.push(row['QUERY PLAN']);
      }
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    for (const plan of plans)
      expect(indexesOf(plan)).toEqual([
        'registry_entries_key_pattern',
        'registry_entries_name_trgm',
        'registry_entries_uscc_pattern',
      ]);
  });

  it.each(CASES)(
    'q=%j finds the same rows through the indexes as by a full scan: wildcards literal, any case',
    async (q, keys) => {
      const byIndexes = await found(source, q, INDEXES);
      const byScan = await found(source, q, FULL_SCAN);
      expect(byIndexes).toEqual(byScan);
      expect(byIndexes.keys.filter((key) => key.includes('SPECIAL')).sort()).toEqual(keys);
    },
  );

  it('1 or 2 characters: not indexed by trigrams, found all the same', async () => {
    const byIndexes = await found(source, '华测', INDEXES);
    expect(byIndexes).toEqual(await found(source, '华测', FULL_SCAN));
    expect(byIndexes.total).toBe(ROWS / 4);
  });
});

describe('the search without pg_trgm (a role that may not create it)', () => {
  const admin = process.env.DATABASE_URL!;
  const suffix = randomBytes(4).toString('hex');
  const name = `ledger_test_no_trgm_${suffix}`;
  const role = `ledger_test_no_trgm_${suffix}`;
  let pool: Pool;

  beforeAll(async () => {
    await createDatabaseIfMissing(admin, name);
    const client = new Client({ connectionString: withDatabase(admin, name) });
    await client.connect();
    try {
      // Tables in the schema, but no CREATE on the database: CREATE EXTENSION is refused.
      await client.query(`CREATE ROLE ${role} NOLOGIN`);
      await client.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
    } finally {
      await client.end();
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(admin, name);
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`DROP ROLE IF EXISTS ${role}`);
    await client.end();
  }, HOOK_TIMEOUT_MS);

  it('migrates, without the trigram index, and finds what the indexed search finds', async () => {
    const url = new URL(withDatabase(admin, name));
    url.searchParams.set('options', `-c role=${role}`);
    await migrate(url.toString());
    pool = new Pool({ connectionString: url.toString(), max: 2 });
    const { rows } = await pool.query<{ indexname: string; extension: string | null }>(
      `SELECT indexname, (SELECT extname FROM pg_extension WHERE extname = 'pg_trgm') AS extension
       FROM pg_indexes WHERE tablename = 'registry_entries' ORDER BY 1`,
    );
    expect(rows.map((row) => row.indexname)).toContain('registry_entries_key_pattern');
    expect(rows.map((row) => row.indexname)).not.toContain('registry_entries_name_trgm');
    expect(rows[0].extension).toBeNull();
    await seed(pool);
    const source = new DataSource({
      type: 'postgres',
      url: url.toString(),
      entities: [RegistryEntryRow],
      poolSize: 1,
    });
    await source.initialize();
    try {
      for (const [q, keys] of CASES) {
        const { keys: all } = await found(source, q, []);
        expect(all.filter((key) => key.includes('SPECIAL')).sort()).toEqual(keys);
      }
    } finally {
      await source.destroy();
    }
  });
});
