import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { createApp } from '../../apps/ledger-api/src/create-app';
import { readConfig } from '../../apps/ledger-api/src/config';
import type { Clock } from '../../apps/ledger-api/src/clock';
import { createTestDatabase, type TestDatabase } from './database';

export const TEST_JWT_SECRET = 'e2e-test-secret';

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  /**
   * The ledger's own system time (the database's clock, which stamps `recordedAt`): knownAt
   * instants come from it, never from the test's clock, which a shifted run moves.
   */
  ledgerNow(): Promise<string>;
  close(): Promise<void>;
}

/** The real app, configured as main.ts configures it, on a database of its own. */
export async function startTestApp(
  label: string,
  options: { clock?: Clock; env?: NodeJS.ProcessEnv } = {},
): Promise<TestApp> {
  process.env.NODE_ENV = 'test';
  const db = await createTestDatabase(label);
  const config = readConfig(
    { LEDGER_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', ...options.env },
    db.url,
  );
  const app = await createApp(config, options);
  await app.init();
  return {
    app,
    db,
    ledgerNow: async () => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ now: Date }>('SELECT clock_timestamp() AS now');
        return rows[0].now.toISOString();
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

import { signToken } from '../../apps/ledger-api/src/auth/sign-token';
import type { Actor } from '../../apps/ledger-api/src/auth';

/** `Authorization` header value for an actor, signed with the test app's secret. */
export const bearer = (actor: Actor): string => `Bearer ${signToken(actor, TEST_JWT_SECRET)}`;

export const actors = {
  admin: { sub: 'admin-1', role: 'admin' },
  beijing: { sub: 'reg-bj', role: 'regulator', jurisdiction: 'beijing' },
  chongqing: { sub: 'reg-cq', role: 'regulator', jurisdiction: 'chongqing' },
  auditor: { sub: 'aud-1', role: 'auditor' },
  reviewer: { sub: 'rev-1', role: 'reviewer' },
  agency: (uscc: string): Actor => ({ sub: `agency-${uscc}`, role: 'agency', uscc }),
} as const satisfies Record<string, Actor | ((uscc: string) => Actor)>;

/** Valid codes (GB 32100 check characters computed), for tests. */
export const CODES = {
  A: '91110000802100433B',
  B: '91350100M000100Y43',
  C: '91110105000000019Q',
  chongqing: '91500103000000027D',
  jiaxing: '913304020000000358',
  /** An early pilot code that fails its check character (DOMAIN.md). */
  pilot: '91350211M00013FA1N',
} as const;

/** A registration body as an agency would file it. */
export const registrationBody = (uscc: string, overrides: Record<string, unknown> = {}) => ({
  uscc,
  name: '北京环测科技有限公司',
  jurisdiction: 'beijing',
  category: 'comprehensive',
  serviceTypes: ['self-monitoring', 'public-monitoring'],
  monitoringTypes: ['testing'],
  scope: ['water', 'air'],
  legalRepresentative: { name: '王明', title: '总经理', phone: '13812345678' },
  commitment: { signedBy: '王明', signedAt: '2026-01-05' },
  addresses: { registered: '北京市朝阳区', workplace: '北京市朝阳区某路1号' },
  contact: { phone: '010-12345678', email: 'lab@example.cn' },
  keyPersonnel: { technicalLead: '李雷', qualityLead: '韩梅梅' },
  ...overrides,
});
