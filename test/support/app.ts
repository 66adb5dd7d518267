import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../apps/ledger-api/src/create-app';
import { readConfig } from '../../apps/ledger-api/src/config';
import { createTestDatabase, type TestDatabase } from './database';

export const TEST_JWT_SECRET = 'e2e-test-secret';

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real app, configured as main.ts configures it, on a database of its own. */
export async function startTestApp(label: string): Promise<TestApp> {
  process.env.NODE_ENV = 'test';
  const db = await createTestDatabase(label);
  const config = readConfig({ LEDGER_JWT_SECRET: TEST_JWT_SECRET, PORT: '0' }, db.url);
  const app = await createApp(config);
  await app.init();
  return {
    app,
    db,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
