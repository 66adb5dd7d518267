import { randomBytes } from 'node:crypto';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '@ledger/database';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run the tests with `npm test`, which starts an embedded PostgreSQL, or point DATABASE_URL at a server',
    );
  }
  return url;
}

/** A database of its own for one test file, migrated to the current schema. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const admin = serverUrl();
  const name = `ledger_test_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(admin, name);
  const url = withDatabase(admin, name);
  await migrate(url);
  return { url, drop: () => dropDatabase(admin, name) };
}
