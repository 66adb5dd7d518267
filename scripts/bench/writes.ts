/**
 * `npm run bench:writes`: command latency as an agency's stream grows (issue 9, item 6).
 *
 * The real app in-process (createApp, as main.ts runs it) on a database of its own. One agency
 * is registered and approved; its stream is then grown with recorded inspections appended
 * straight to the store, untimed, to 100, 1,000 and 5,000 events. At each size it times
 * `POST /agencies/:uscc/inspections` over HTTP: the first command after the growth (the
 * instance has not read those events yet: "cold") and then `--samples` more ("warm"), with p50
 * and p95. The ledger folds from the state of its last decision (StreamCache), so warm
 * commands cost about the same at every size.
 *
 * The server is DATABASE_URL's (its maintenance database), else a throwaway embedded one.
 *   --samples 40   commands timed at each size (default 40)
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedDatabase,
} from '@ledger/database';
import { agencyStreamId } from '@ledger/domain';
import { PostgresEventStore } from '@ledger/event-store';
import { createApp } from '../../apps/ledger-api/src/create-app';
import { readConfig } from '../../apps/ledger-api/src/config';
import { signToken } from '../../apps/ledger-api/src/auth/sign-token';

const SIZES = [100, 1_000, 5_000];
const SECRET = 'bench-writes-secret';
const USCC = '91110000802100433B';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<number> {
  const samples = Number(process.argv[process.argv.indexOf('--samples') + 1]) || 40;
  process.env.NODE_ENV = 'test';
  let embedded: EmbeddedDatabase | undefined;
  let admin = process.env.DATABASE_URL;
  const dataDir = resolve('.data', `bench-writes-${process.pid}`);
  if (!admin) {
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    admin = embedded.adminUrl;
  }
  const name = `ledger_bench_writes_${process.pid}`;
  await createDatabaseIfMissing(admin, name);
  const url = withDatabase(admin, name);
  await migrate(url);
  const app = await createApp(readConfig({ LEDGER_JWT_SECRET: SECRET, PORT: '0' }, url));
  await app.init();
  const http = app.getHttpServer();
  const store = new PostgresEventStore({ connectionString: url });
  const regulator = `Bearer ${signToken({ sub: 'bench', role: 'regulator', jurisdiction: 'beijing' }, SECRET)}`;
  const inspection = {
    inspectedAt: '2026-03-02',
    method: 'on-site',
    findings: [],
    occurredAt: '2026-03-02',
  };
  const post = async () => {
    const started = performance.now();
    const res = await request(http)
      .post(`/api/v1/agencies/${USCC}/inspections`)
      .set('Authorization', regulator)
      .send(inspection);
    if (res.status !== 201)
      throw new Error(`inspection: ${res.status} ${JSON.stringify(res.body)}`);
    return performance.now() - started;
  };
  const rows: { events: number; cold: number; p50: number; p95: number }[] = [];
  try {
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', regulator)
      .send({
        uscc: USCC,
        name: '北京环测科技有限公司',
        jurisdiction: 'beijing',
        category: 'comprehensive',
        serviceTypes: ['self-monitoring'],
        legalRepresentative: { name: '王明' },
        commitment: { signedBy: '王明', signedAt: '2026-01-12' },
        occurredAt: '2026-01-12',
      })
      .expect(201);
    await request(http)
      .post(`/api/v1/agencies/${USCC}/review`)
      .set('Authorization', regulator)
      .send({ outcome: 'approved', occurredAt: '2026-01-13' })
      .expect(201);
    for (const size of SIZES) {
      const streamId = agencyStreamId(USCC);
      let version = (await store.readStream(streamId)).at(-1)!.version;
      while (version < size) {
        const batch = Math.min(500, size - version);
        const result = await store.append(
          streamId,
          Array.from({ length: batch }, () => ({
            eventId: randomUUID(),
            type: 'InspectionRecorded',
            data: { inspectedAt: '2026-03-01', method: 'on-site', findings: [] },
            occurredAt: '2026-03-01T02:00:00.000Z',
            metadata: { actor: 'bench', role: 'regulator' },
          })),
          { expectedVersion: version },
        );
        version = result.version;
      }
      const cold = await post();
      const times: number[] = [];
      for (let i = 0; i < samples; i++) times.push(await post());
      times.sort((a, b) => a - b);
      rows.push({ events: size, cold, p50: quantile(times, 0.5), p95: quantile(times, 0.95) });
    }
  } finally {
    await store.close();
    await app.close();
    await dropDatabase(admin, name);
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log('events in stream | first command (ms) | p50 (ms) | p95 (ms)');
  for (const r of rows)
    console.log(`${r.events} | ${r.cold.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)}`);
  const ratio = rows.at(-1)!.p50 / rows[0].p50;
  console.log(`p50 at ${SIZES.at(-1)} / p50 at ${SIZES[0]}: ${ratio.toFixed(2)}`);
  console.log(JSON.stringify({ samples, rows, ratio }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
