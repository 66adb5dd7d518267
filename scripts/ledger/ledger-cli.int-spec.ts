/**
 * The calendar CLI as an administrator runs it, against a ledger database of its own. The
 * 2027 recorded here is FICTIONAL: no official calendar for 2027 exists yet.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { PostgresEventStore } from '@ledger/event-store';
import { agencyStreamId } from '@ledger/domain';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { HOOK_TIMEOUT_MS } from '../../test/support/timeouts';

const run = promisify(execFile);
/** Each CLI call starts Node and ts-node: tens of seconds apiece on a loaded two-core machine. */
const CLI_TEST_TIMEOUT_MS = 600_000;
const ROOT = resolve(__dirname, '../..');

describe('npm run ledger (calendar, verify, replay, rebuild, export)', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'calendar-cli-'));
  const file = (name: string, body: object) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const ledger = async (...args: string[]) => {
    try {
      const { stdout } = await run(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'scripts/ledger.ts',
          ...args,
        ],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url } },
      );
      return { code: 0, out: stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: failed.stdout + failed.stderr };
    }
  };
  const cli = (...args: string[]) => ledger('calendar', ...args);
  /** `npm run ledger -- …` with `input` on stdin (a password, as an operator pipes it). */
  const ledgerWithInput = (input: string, ...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'scripts/ledger.ts',
          ...args,
        ],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url } },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', (code) => done({ code, out }));
      child.stdin.end(input);
    });
  const fictional = {
    year: 2027,
    holidays: ['2027-01-01'],
    makeupWorkdays: [],
    source: { notice: 'TEST-ONLY fictional notice', issuedOn: '2026-11-20' },
  };

  beforeAll(async () => {
    db = await createTestDatabase('calendar_cli');
  }, HOOK_TIMEOUT_MS);
  afterAll(() => db.drop(), HOOK_TIMEOUT_MS);

  it(
    'shows a built-in year, and says how to record a missing one',
    async () => {
      const builtIn = await cli('show', '2026');
      expect(builtIn.code).toBe(0);
      expect(JSON.parse(builtIn.out)).toMatchObject({ year: 2026, version: 0, builtIn: true });
      const missing = await cli('show', '2027');
      expect(missing.out).toContain('npm run calendar -- import');
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'imports a year once; again changes nothing; a correction needs a reason',
    async () => {
      expect((await cli('import', file('a.json', fictional))).out).toContain('recorded version 1');
      expect((await cli('import', file('a.json', fictional))).out).toContain('nothing recorded');
      const noReason = await cli('import', file('b.json', { ...fictional, holidays: [] }));
      expect(noReason.code).toBe(2);
      expect(noReason.out).toContain('reason: ');
      const bad = await cli('import', file('c.json', { ...fictional, holidays: ['2028-01-01'] }));
      expect(bad.code).toBe(2);
      expect(bad.out).toContain('holidays.0: ');
      const corrected = await cli(
        'import',
        file('d.json', { ...fictional, holidays: [], reason: 'TEST' }),
      );
      expect(corrected.out).toContain('recorded version 2');
      expect(JSON.parse((await cli('show', '2027')).out)).toMatchObject({
        version: 2,
        holidays: [],
      });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'verifies the chains with an exit code, and replays a grade (exit 2 naming an unknown agency)',
    async () => {
      const verified = await ledger('verify');
      expect(verified.code).toBe(0);
      expect(verified.out).toContain('"ok": true');
      const unknown = await ledger('replay', '91110000802100433B', '--as-of', '2026-03-01');
      expect(unknown.code).toBe(2);
      expect(unknown.out).toContain('no agency 91110000802100433B');
    },
    CLI_TEST_TIMEOUT_MS,
  );
  it(
    'rebuilds one projection or all of them, and names the projections when given another',
    async () => {
      const all = await ledger('rebuild', '--json');
      expect(all.code).toBe(0);
      const report = JSON.parse(all.out.slice(all.out.indexOf('{')));
      expect([...report.projections].sort()).toEqual([
        'credit-record',
        'export-feed',
        'grade-history',
        'inspection-plans',
        'merkle-log',
        'notifications',
        'person-credit',
        'registry',
        'users',
      ]);
      expect(Object.keys(report.perProjection).sort()).toEqual([...report.projections].sort());
      const one = await ledger('rebuild', '--projection', 'registry');
      expect(one.code).toBe(0);
      expect(one.out).toMatch(/^rebuilt 1 projection \(registry\) from \d+ events in /m);
      const old = await ledger('rebuild', 'all');
      expect(old.code).toBe(0);
      expect(old.out).toContain('rebuilt 9 projections');
      const unknown = await ledger('rebuild', 'registy');
      expect(unknown.code).toBe(2);
      expect(unknown.out).toContain('no projection "registy": one of registry');
    },
    CLI_TEST_TIMEOUT_MS,
  );
  it(
    'exports the penalties as the API serves them: CSV with a BOM and neutralised cells, or NDJSON',
    async () => {
      const store = new PostgresEventStore({ connectionString: db.url });
      try {
        await store.append(agencyStreamId('91110105MA01ABCD1X'), [
          {
            type: 'PenaltyImposed',
            data: {
              decisionNumber: '京环法字〔2026〕7号',
              decidedAt: '2026-03-01',
              violationType: 'untrue-report',
              legalBasis: '《生态环境监测条例》第四十条',
              content: '=HYPERLINK("http://x")',
              fineYuan: 50000,
              authority: '北京市生态环境局',
            },
            occurredAt: '2026-03-01T10:00:00+08:00',
          },
        ]);
      } finally {
        await store.close();
      }
      expect((await ledger('rebuild', 'credit-record')).code).toBe(0);
      const out = join(dir, 'penalties.csv');
      const csv = await ledger('export', 'penalties', '--out', out);
      expect(csv.code).toBe(0);
      const body = readFileSync(out, 'utf8');
      expect(body.startsWith('\uFEFF行政相对人名称,')).toBe(true);
      expect(body).toContain('京环法字〔2026〕7号');
      expect(body).toContain(`"'=HYPERLINK(""http://x"")"`);
      const ndjson = await ledger(
        'export',
        'penalties',
        '--format',
        'ndjson',
        '--since',
        '2100-01-01',
      );
      expect(ndjson).toEqual({ code: 0, out: '' });
      const grades = await ledger('export', 'grades', '--year', '2025');
      expect(grades.code).toBe(0);
      expect(grades.out.startsWith('\uFEFF统一社会信用代码,机构名称,')).toBe(true);
      const badYear = await ledger('export', 'grades', '--year', '25');
      expect(badYear.code).toBe(2);
      expect(badYear.out).toContain('--year: a year');
      const bad = await ledger('export', 'penalties', '--jurisdiction', 'atlantis');
      expect(bad.code).toBe(2);
      expect(bad.out).toContain('--jurisdiction: one of beijing');
    },
    CLI_TEST_TIMEOUT_MS,
  );
  it(
    'exports a feed from the position the previous one answered, and refuses a since that is none',
    async () => {
      expect((await ledger('rebuild', 'export-feed')).code).toBe(0);
      const first = await ledger(
        'export',
        'inspections',
        '--format',
        'ndjson',
        '--as-of',
        '2026-11-30',
      );
      expect(first.code).toBe(0);
      const trailer = JSON.parse(first.out.trim().split('\n').at(-1)!) as Record<string, string>;
      expect(trailer).toEqual({
        变更类型: '导出位置',
        导出位置: expect.stringMatching(/^\d+@2026-11-30$/),
      });
      const next = await ledger(
        'export',
        'penalties',
        '--layout',
        'necips',
        '--format',
        'ndjson',
        '--since',
        trailer['导出位置'],
        '--as-of',
        '2026-11-30',
      );
      expect(next.code).toBe(0);
      expect(next.out.trim().split('\n')).toHaveLength(1);
      const bad = await ledger('export', 'inspections', '--since', '2026-11-01');
      expect(bad.code).toBe(2);
      expect(bad.out).toContain('--since: a position an export answered');
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'adds an account with the password from stdin, lists it (never the hash) and disables it',
    async () => {
      const added = await ledgerWithInput(
        'a-long-operator-password\n',
        'user',
        'add',
        'ops-admin',
        '--role',
        'admin',
      );
      expect(added).toMatchObject({ code: 0 });
      expect(added.out).toContain('created admin account "ops-admin"');
      expect(added.out).not.toContain('a-long-operator-password');
      const again = await ledgerWithInput(
        'another-long-password\n',
        'user',
        'add',
        'OPS-ADMIN',
        '--role',
        'admin',
      );
      expect(again.code).toBe(2);
      expect(again.out).toContain('the username is taken');
      const scope = await ledgerWithInput(
        'another-long-password\n',
        'user',
        'add',
        'bj',
        '--role',
        'regulator',
      );
      expect(scope.code).toBe(2);
      expect(scope.out).toContain('--jurisdiction: a regulator needs');
      const listed = await ledger('user', 'list');
      expect(JSON.parse(listed.out)).toEqual([
        expect.objectContaining({ username: 'ops-admin', role: 'admin', disabled: false }),
      ]);
      expect(listed.out).not.toContain('argon2');
      const disabled = await ledger('user', 'disable', 'ops-admin', '--reason', '调岗');
      expect(disabled).toMatchObject({ code: 0 });
      expect(JSON.parse((await ledger('user', 'list')).out)).toEqual([
        expect.objectContaining({ username: 'ops-admin', disabled: true }),
      ]);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
