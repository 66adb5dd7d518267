import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

describe('the embedded PostgreSQL (npm start without DATABASE_URL)', () => {
  const dataDir = resolve(__dirname, '..', '.data', `restart-test-${process.pid}`);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts as whoever runs it, root included, keeps the ledger across a restart and has pg_trgm', () => {
    const output = execFileSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        resolve(__dirname, 'support', 'embedded-restart.ts'),
        dataDir,
      ],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
    );
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({
      first: 1,
      second: 1,
      // The embedded binaries ship pg_trgm: the search by name is indexed there too (ADR 037).
      trigram: expect.stringMatching(/USING gin \(name \S*gin_trgm_ops\)/),
    });
  }, 60_000);
});
