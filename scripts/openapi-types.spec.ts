import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// openapi-typescript is ESM all the way down, which Jest's CommonJS runtime cannot load: the
// check runs the script itself, as `npm run openapi:types -- --check` would.
describe("the console's generated API types", () => {
  it('are those of the API as it is (else: npm run openapi:types, and commit the result)', () => {
    const run = spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'scripts/openapi-types.ts',
        '--check',
      ],
      { cwd: resolve(__dirname, '..'), encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 150_000);
});
