/**
 * `npm start` as an operator runs it, without DATABASE_URL (the embedded PostgreSQL), then
 * stopped as a service manager stops it: SIGTERM. It must exit 0, leave no database behind and
 * log nothing that looks like an error (issue 9, item 7: three warnings on every shutdown).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '@ledger/database';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('npm start as operators run it: JSON logs, then SIGTERM', () => {
  const dataDir = resolve(__dirname, '..', '.data', `shutdown-test-${process.pid}`);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }), HOOK_TIMEOUT_MS);

  it('logs a refused request as one JSON line, closes the app, then the embedded database, and exits 0 with no warning', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        resolve(__dirname, '..', 'apps/ledger-api/src/main.ts'),
      ],
      {
        cwd: resolve(__dirname, '..'),
        env: {
          ...process.env,
          DATABASE_URL: '',
          LEDGER_DATA_DIR: dataDir,
          EMBEDDED_PG_PORT: String(pgPort),
          PORT: String(port),
          LEDGER_JWT_SECRET: 'a-test-secret-of-at-least-32-characters!!',
          // Configured as in production: no warning of a development secret or of no administrator.
          LEDGER_PII_SECRET: 'a-test-pii-secret-of-at-least-32-characters',
          LEDGER_ADMIN_PASSWORD: 'a-test-admin-password',
          LEDGER_TEST_CLOCK: '',
          NODE_ENV: 'production',
          LEDGER_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const deadline = Date.now() + 150_000;
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`the ledger did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // A refused attempt leaves one JSON line: request id, correlation id, route, status, latency.
      const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged-signature';
      const refused = await fetch(
        `http://127.0.0.1:${port}/api/v1/agencies/91110105MA01ABCD1X/events`,
        {
          headers: { Authorization: `Bearer ${token}`, 'X-Correlation-Id': 'appeal-2026-42' },
        },
      );
      expect(refused.status).toBe(401);
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      const lines = output.split('\n').filter((line) => line.startsWith('{'));
      const requestLines = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.correlationId === 'appeal-2026-42');
      expect(requestLines).toEqual([
        expect.objectContaining({
          level: 40,
          req: expect.objectContaining({ id: refused.headers.get('x-request-id'), method: 'GET' }),
          res: { statusCode: 401 },
          responseTime: expect.any(Number),
          msg: expect.stringContaining(' 401'),
        }),
      ]);
      expect(output).not.toContain('forged-signature');
      // pino's numeric levels (warn is 40) and, before the app starts, Nest's named ones.
      const loud = lines.filter((line) => {
        const { level } = JSON.parse(line) as { level: number | string };
        if (line.includes('"correlationId":"appeal-2026-42"')) return false;
        return typeof level === 'number' ? level >= 40 : level !== 'log';
      });
      expect(loud).toEqual([]);
      expect(output).not.toMatch(/connection lost|terminating connection|ECONNRESET/);
      expect(output).toContain('"msg":"stopped"');
      // The embedded server stopped with the app: its port is free again.
      const stillThere = await fetch(`http://127.0.0.1:${pgPort}`).then(
        () => true,
        (error: { cause?: { code?: string } }) => error.cause?.code !== 'ECONNREFUSED',
      );
      expect(stillThere).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 240_000);
});
