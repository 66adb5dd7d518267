import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { actorFromClaims } from '../apps/ledger-api/src/auth/actor';
import { parseExpiresIn, signToken } from '../apps/ledger-api/src/auth/sign-token';
import { readConfig } from '../apps/ledger-api/src/config';
import { runTokenCommand } from './token';

const ROOT = resolve(__dirname, '..');
const SECRET = 'token-script-spec-secret';
const USCC = '91110105MA01ABCD2X';
const jwt = new JwtService();
/** As `npm run token` runs it (package.json), on the test run's clock (LEDGER_TEST_CLOCK). */
const NODE_ARGS = [
  '-r',
  'ts-node/register/transpile-only',
  '-r',
  'tsconfig-paths/register',
  '-r',
  './test/support/test-clock.ts',
];
const runScript = (args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, [...NODE_ARGS, 'scripts/token.ts', ...args], {
    cwd: ROOT,
    env,
  });

function verified(token: string, secret = SECRET) {
  return actorFromClaims(jwt.verify(token, { secret, algorithms: ['HS256'] }));
}

describe('npm run token', () => {
  it('prints a token that verifies, when run as the script', async () => {
    const { stdout } = await runScript(
      ['--role', 'regulator', '--jurisdiction', 'beijing', '--sub', 'inspector-7'],
      { ...process.env, LEDGER_JWT_SECRET: SECRET },
    );
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(verified(token)).toEqual({
      ok: true,
      actor: { sub: 'inspector-7', role: 'regulator', jurisdiction: 'beijing' },
    });
  }, 60_000);

  it('exits 2 with the reason, as the script', async () => {
    await expect(runScript(['--role', 'regulator'], process.env)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--role regulator needs --jurisdiction'),
    });
  }, 60_000);

  it.each([
    [['--role', 'agency', '--uscc', USCC], { sub: 'local-agency', role: 'agency', uscc: USCC }],
    [['--role', 'auditor', '--sub', 'a-9'], { sub: 'a-9', role: 'auditor' }],
    [['--role', 'admin', '--expires-in', '600'], { sub: 'local-admin', role: 'admin' }],
    [
      ['--role', 'regulator', '--jurisdiction', 'urumqi', '--authority', 'market-regulation'],
      {
        sub: 'local-regulator',
        role: 'regulator',
        jurisdiction: 'urumqi',
        authority: 'market-regulation',
      },
    ],
  ])('signs %j', (argv, actor) => {
    const run = runTokenCommand(argv, { LEDGER_JWT_SECRET: SECRET });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBeUndefined();
    expect(verified(run.stdout ?? '')).toEqual({ ok: true, actor });
  });

  it('uses the development secret when LEDGER_JWT_SECRET is not set, and says so', () => {
    const run = runTokenCommand(['--role', 'reviewer'], {});
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/LEDGER_JWT_SECRET is not set/);
    expect(verified(run.stdout ?? '', readConfig({}, 'unused').jwtSecret).ok).toBe(true);
  });

  it('sets the expiry asked for', () => {
    const run = runTokenCommand(['--role', 'auditor', '--expires-in', '30m'], {
      LEDGER_JWT_SECRET: SECRET,
    });
    const payload = jwt.decode<{ iat: number; exp: number }>(run.stdout ?? '');
    expect(payload.exp - payload.iat).toBe(1800);
  });

  it.each([
    [[], '--role is required'],
    [['--role', 'root'], '--role must be one of'],
    [['--role', 'regulator'], '--role regulator needs --jurisdiction'],
    [['--role', 'regulator', '--jurisdiction', 'shanghai'], '--jurisdiction must be one of'],
    [
      ['--role', 'admin', '--jurisdiction', 'beijing'],
      '--jurisdiction applies only to --role regulator',
    ],
    [['--role', 'agency'], '--role agency needs --uscc'],
    [['--role', 'agency', '--uscc', 'abc'], '--uscc must be 18 characters'],
    [['--role', 'auditor', '--uscc', USCC], '--uscc applies only to --role agency'],
    [
      ['--role', 'regulator', '--jurisdiction', 'beijing', '--authority', 'market-regulation'],
      'market regulation records in urumqi only',
    ],
    [
      ['--role', 'auditor', '--authority', 'ecology'],
      '--authority applies only to --role regulator',
    ],
    [['--role', 'auditor', '--sub', ''], '--sub must not be empty'],
    [['--role', 'auditor', '--expires-in', 'soon'], '--expires-in must be seconds or a duration'],
    [['--role', 'auditor', '--color'], "Unknown option '--color'"],
    [['--role', 'auditor', 'extra'], 'extra'],
  ])('refuses %j with exit 2', (argv, message) => {
    const run = runTokenCommand(argv, { LEDGER_JWT_SECRET: SECRET });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBeUndefined();
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: npm run token');
  });

  it('prints usage on --help', () => {
    expect(runTokenCommand(['--help'], {})).toMatchObject({ exitCode: 0, stdout: /^usage:/ });
  });
});

describe('signToken', () => {
  it('refuses claims the ledger would refuse', () => {
    expect(() => signToken({ sub: 'x', role: 'regulator' }, SECRET)).toThrow(
      'token: a regulator needs jurisdiction',
    );
  });

  it.each([
    ['12h', '12h'],
    ['90', 90],
    ['7d', '7d'],
    ['0', undefined],
    ['-5', undefined],
    ['12 hours', undefined],
    ['', undefined],
  ])('parses --expires-in %j', (text, expected) => {
    expect(parseExpiresIn(text)).toBe(expected);
  });
});
