/**
 * The ledger's operations CLI: `npm run ledger -- <command> --help`.
 *
 *   calendar show <year>          the official calendar in force for a year
 *   calendar import <file.json>   record a year's official calendar from the State Council notice
 *   verify                        check every stream's hash chain (exit 1 when broken)
 *
 * It works on DATABASE_URL's ledger (default: the embedded one `npm start` runs).
 */
import { Command } from 'commander';
import { PostgresEventStore } from '@ledger/event-store';
import { importCalendar, readCalendarFile, showCalendar } from './ledger/calendar';

const EMBEDDED_URL = 'postgresql://postgres:postgres@127.0.0.1:54329/ledger';

async function withStore<T>(work: (store: PostgresEventStore) => Promise<T>): Promise<T> {
  const store = new PostgresEventStore({
    connectionString: process.env.DATABASE_URL ?? EMBEDDED_URL,
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const program = new Command()
  .name('ledger')
  .description(
    `Operations on the regulatory credit ledger at DATABASE_URL (default: ${EMBEDDED_URL}, the embedded one npm start runs)`,
  )
  .showHelpAfterError();

const calendar = program
  .command('calendar')
  .description('the official PRC working-day calendar, one year at a time, as ledger data');

calendar
  .command('show')
  .argument('<year>', 'e.g. 2027')
  .description('print the version in force, its source notice and when it was recorded')
  .action(async (year: string) => {
    console.log(await withStore((store) => showCalendar(store, Number(year))));
  });

calendar
  .command('import')
  .argument(
    '<file>',
    'JSON: { year, holidays, makeupWorkdays, source: { notice, issuedOn }, reason? }',
  )
  .description(
    'record a year from the State Council notice; a different calendar for a year already recorded is a correction and needs "reason"',
  )
  .action(async (file: string) => {
    const command = readCalendarFile(file);
    console.log(await withStore((store) => importCalendar(store, command)));
  });

program
  .command('verify')
  .description("check every stream's hash chain; exit 1 when one is broken")
  .action(async () => {
    const report = await withStore((store) => store.verify());
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.ok ? 0 : 1;
  });

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
