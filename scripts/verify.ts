/** `npm run verify`: checks every stream's hash chain in DATABASE_URL's ledger. Exit 1 when broken. */
import { PostgresEventStore } from '@ledger/event-store';

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'DATABASE_URL is not set: point it at the ledger (the embedded one is postgresql://postgres:postgres@127.0.0.1:54329/ledger while npm start runs)',
    );
    return 2;
  }
  const store = new PostgresEventStore({ connectionString: url });
  try {
    const report = await store.verify();
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
