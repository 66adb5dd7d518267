/**
 * `npm run verify`: checks every stream's hash chain in the ledger at DATABASE_URL (default: the
 * embedded one `npm start` runs, as for `npm run ledger`). Exit 1 when broken.
 */
import { PostgresEventStore } from '@ledger/event-store';
import { embeddedLedgerUrl, ledgerUrl } from './support/ledger-url';

const USAGE = `usage: npm run verify
  Checks every stream's hash chain of the ledger at DATABASE_URL (default: the embedded one
  npm start runs, ${embeddedLedgerUrl()}).
  Exit 0 when every chain holds, 1 when one is broken, 2 when the ledger cannot be reached.
  npm run ledger -- verify does the same with a progress bar.`;

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const url = ledgerUrl();
  const store = new PostgresEventStore({ connectionString: url });
  try {
    const report = await store.verify();
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  } catch (error) {
    console.error(
      `cannot verify the ledger at ${url.replace(/:[^:@/]*@/, ':***@')}: ${error instanceof Error ? error.message : String(error)}` +
        (process.env.DATABASE_URL ? '' : ' (is npm start running? or set DATABASE_URL)'),
    );
    return 2;
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
