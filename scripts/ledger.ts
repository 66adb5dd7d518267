/**
 * The ledger's operations CLI: `npm run ledger -- <command> --help`.
 *
 *   calendar show <year>          the official calendar in force for a year
 *   calendar import <file.json>   record a year's official calendar from the State Council notice
 *   verify [--against <file>]     check every stream's hash chain (exit 1 when broken); with a
 *                                 checkpoint file, that the ledger still extends it (ADR 027)
 *   checkpoint                    sign a checkpoint of the Merkle log now; prints the note
 *   evidence <uscc>               an agency's signed evidence bundle for an appeal (ADR 026)
 *   verify-bundle <file>          check a bundle offline and replay its decision (no database)
 *   replay <uscc>                 recompute a grade from the raw events; exit 1 when it differs
 *   rebuild [--projection name…]  rebuild projections from zero in one pass, safely while the API runs
 *   export penalties|inspections|credit-findings|grades
 *                                 an export, as the API serves it, to a file or stdout
 *   export checkpoints            every signed tree head (NDJSON), for auditors to keep
 *   user add <username> --role …  create an account (asks for its password); user list; user disable
 *
 * It works on DATABASE_URL's ledger (default: the embedded one `npm start` runs).
 */
import { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { Pool } from 'pg';
import {
  asOfDate,
  GradingService,
  knownAtInstant,
} from '../apps/ledger-api/src/grading/grading.service';
import { PostgresEventStore } from '@ledger/event-store';
import { rebuildAll } from '@ledger/projections';
import { API_PROJECTIONS } from '../apps/ledger-api/src/projections/projections.service';
import {
  PENALTY_LAYOUTS,
  runExport,
  type ExportRequest,
  type PenaltyLayout,
} from '../apps/ledger-api/src/exports/run-export';
import { applyLedgerV8Flags } from '../apps/ledger-api/src/v8-flags';
import { EXPORT_FORMATS, type ExportFormat } from '../apps/ledger-api/src/exports/stream';
import { parseCursor } from '../apps/ledger-api/src/exports/feed';
import { readAuthorities } from '../apps/ledger-api/src/exports/authorities';
import { isIsoDate, JURISDICTIONS, toShanghaiDate } from '@ledger/domain';
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { importCalendar, readCalendarFile, showCalendar } from './ledger/calendar';
import { listCheckpoints } from '../apps/ledger-api/src/transparency/checkpoints';
import {
  describeVerification,
  evidenceBundle,
  signCheckpointNow,
  verifyAgainstFile,
  verifyBundleFile,
} from './ledger/evidence';
import { addUser, disableUser, listUsers, readPassword, type UserAddOptions } from './ledger/users';
import { migrate } from '@ledger/database';
import { ROLES } from '../apps/ledger-api/src/auth/actor';

import { embeddedLedgerUrl, ledgerUrl } from './support/ledger-url';

const EMBEDDED_URL = embeddedLedgerUrl();

async function withStore<T>(work: (store: PostgresEventStore) => Promise<T>): Promise<T> {
  const store = new PostgresEventStore({
    connectionString: ledgerUrl(),
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
  .option(
    '--against <file>',
    'a checkpoint (signed note) kept outside the ledger: check that the ledger still extends it and name the first event that no longer does',
  )
  .option('--key <verifierKey>', "with --against: the ledger's verifier key (default: its own)")
  .action(async (options: { against?: string; key?: string }) => {
    if (options.against !== undefined) {
      const against = options.against;
      const checked = await withStore(async (store) => {
        const pool = new Pool({ connectionString: ledgerUrl() });
        pool.on('error', () => undefined);
        try {
          return await verifyAgainstFile(store, pool, against, options.key);
        } finally {
          await pool.end();
        }
      });
      console.log(JSON.stringify(checked, null, 2));
      process.exitCode = checked.ok ? 0 : 1;
      return;
    }
    const report = await withStore(async (store) => {
      const total = await store.headPosition();
      const bar = new SingleBar(
        {
          format: 'verify [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left',
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
      try {
        return await store.verify({
          onProgress: (checked) => bar.update(Math.min(checked, total)),
        });
      } finally {
        bar.stop();
      }
    });
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.ok ? 0 : 1;
  });

program
  .command('replay')
  .argument('<uscc>', "the agency's unified social credit code")
  .option('--as-of <date>', 'valid time: the grade in force on this day (default: today)')
  .option('--known-at <instant>', 'system time: only facts recorded by then (default: now)')
  .description(
    'recompute the grade from the raw events alone and compare it with what the ledger recorded; exit 1 when they differ',
  )
  .action(async (uscc: string, options: { asOf?: string; knownAt?: string }) => {
    const outcome = await withStore(async (store) => {
      const pool = new Pool({ connectionString: ledgerUrl() });
      try {
        const now = new Date();
        return await new GradingService(store, pool).replay(
          uscc,
          asOfDate(options.asOf, now),
          knownAtInstant(options.knownAt, now),
        );
      } finally {
        await pool.end();
      }
    });
    console.log(JSON.stringify(outcome, null, 2));
    process.exitCode = outcome.match ? 0 : 1;
  });

program
  .command('rebuild')
  .argument(
    '[projection...]',
    'the same as --projection (kept for `rebuild all`, `rebuild registry`)',
  )
  .option(
    '--projection <name...>',
    `rebuild only these: ${API_PROJECTIONS.map((p) => p.name).join(', ')} (default: all)`,
  )
  .option('--progress', 'draw the progress bar (to stderr) even when it is not a terminal')
  .option('--page <events>', 'events per page read from the store', '10000')
  .option('--json', 'print the result as JSON instead of the summary line')
  .description(
    'rebuild projections from position 0 in one pass over the ledger, into new tables swapped in at the end (ADR 033): safe while the API runs, which answers from the old tables until then',
  )
  .action(
    async (
      positional: string[],
      options: { projection?: string[]; progress?: boolean; page: string; json?: boolean },
    ) => {
      const names = [...positional, ...(options.projection ?? [])].filter((n) => n !== 'all');
      const unknown = names.filter((n) => !API_PROJECTIONS.some((p) => p.name === n));
      if (unknown.length > 0)
        program.error(
          `no projection "${unknown[0]}": one of ${API_PROJECTIONS.map((p) => p.name).join(', ')}, or all`,
          { exitCode: 2 },
        );
      const page = Number(options.page);
      if (!Number.isSafeInteger(page) || page < 1)
        program.error('--page: a positive whole number of events', { exitCode: 2 });
      const chosen =
        names.length === 0
          ? API_PROJECTIONS
          : API_PROJECTIONS.filter((p) => names.includes(p.name));
      const showBar = options.progress === true || process.stderr.isTTY === true;
      const bar = new SingleBar(
        {
          format: `rebuild [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {eta_formatted} left`,
          stream: process.stderr,
          noTTYOutput: true,
          notTTYSchedule: 1000,
          etaBuffer: 20,
        },
        Presets.shades_classic,
      );
      const result = await withStore(async (store) => {
        const pool = new Pool({ connectionString: ledgerUrl(), max: 4 });
        pool.on('error', () => undefined);
        let started = false;
        try {
          return await rebuildAll({
            pool,
            store,
            projections: chosen,
            batchSize: page,
            onProgress: ({ applied, total, eventsPerSecond }) => {
              if (!showBar) return;
              if (!started) bar.start(Math.max(total, 1), 0, { rate: 0 });
              started = true;
              bar.setTotal(Math.max(total, applied, 1));
              bar.update(applied, { rate: eventsPerSecond });
            },
          });
        } finally {
          if (started) bar.stop();
          await pool.end();
        }
      });
      if (options.json) {
        console.log(JSON.stringify({ projections: chosen.map((p) => p.name), ...result }, null, 2));
        return;
      }
      const seconds = result.ms / 1000;
      console.log(
        `rebuilt ${chosen.length} projection${chosen.length === 1 ? '' : 's'} (${chosen.map((p) => p.name).join(', ')}) from ${result.events} events in ${seconds.toFixed(1)} s: ${Math.round(result.events / Math.max(seconds, 0.001))} events/s`,
      );
    },
  );

const EXPORTS = ['penalties', 'inspections', 'credit-findings', 'grades'] as const;

program
  .command('export')
  .argument('<what>', `${EXPORTS.join(', ')}, or checkpoints (NDJSON, every signed tree head)`)
  .option(
    '--since <position>',
    'the position the previous export answered (<position>@<asOf>, or 0): only what changed since; penalties also take a date or instant (every penalty recorded since)',
  )
  .option('--as-of <date>', 'the valid date the records are shown as of (default: today, Shanghai)')
  .option('--jurisdiction <name>', `one of ${JURISDICTIONS.join(', ')} (default: all)`)
  .option('--year <year>', 'grades: the graded year (default: every year published)')
  .option('--format <format>', EXPORT_FORMATS.join(', '), 'csv')
  .option(
    '--layout <layout>',
    'penalties: shuanggongshi (双公示, every field), ledger or necips (国家企业信用信息公示系统)',
    'shuanggongshi',
  )
  .option('--no-bom', 'CSV without the UTF-8 byte order mark')
  .option('--out <file>', 'write to this file instead of stdout')
  .description(
    'write an export exactly as GET /api/v1/exports/<what> serves it (as an auditor sees it: every jurisdiction, unless --jurisdiction); the position it reached goes to stderr',
  )
  .action(
    async (
      what: string,
      options: {
        since?: string;
        asOf?: string;
        jurisdiction?: string;
        year?: string;
        format: string;
        layout: string;
        bom: boolean;
        out?: string;
      },
    ) => {
      if (what === 'checkpoints') {
        // The signed tree heads, one JSON line each: what auditors keep outside the ledger.
        const pool = new Pool({ connectionString: ledgerUrl() });
        pool.on('error', () => undefined);
        try {
          const rows = await listCheckpoints(pool);
          const body = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
          if (options.out) {
            writeFileSync(options.out, body);
            console.error(`${rows.length} checkpoints written to ${options.out}`);
          } else process.stdout.write(body);
        } finally {
          await pool.end();
        }
        return;
      }
      if (!(EXPORTS as readonly string[]).includes(what))
        throw new Error(`no export "${what}": ${EXPORTS.join(', ')}`);
      if (!(EXPORT_FORMATS as readonly string[]).includes(options.format))
        throw new Error(`--format: ${EXPORT_FORMATS.join(', ')}`);
      if (!(PENALTY_LAYOUTS as readonly string[]).includes(options.layout))
        throw new Error(`--layout: ${PENALTY_LAYOUTS.join(', ')}`);
      if (
        options.jurisdiction &&
        !(JURISDICTIONS as readonly string[]).includes(options.jurisdiction)
      )
        throw new Error(`--jurisdiction: one of ${JURISDICTIONS.join(', ')}`);
      if (
        options.since !== undefined &&
        parseCursor(options.since) === null &&
        (what !== 'penalties' || Number.isNaN(Date.parse(options.since)))
      )
        throw new Error(
          `--since: a position an export answered (e.g. 1234@2026-11-30) or 0${what === 'penalties' ? '; or a date (YYYY-MM-DD) or an ISO 8601 instant' : ''}`,
        );
      const today = toShanghaiDate(new Date());
      if (options.asOf !== undefined && !(isIsoDate(options.asOf) && options.asOf <= today))
        throw new Error(`--as-of: a date (YYYY-MM-DD), not later than today (${today})`);
      const asOf = options.asOf ?? today;
      const year = options.year === undefined ? undefined : Number(options.year);
      if (year !== undefined && !(Number.isInteger(year) && year >= 2004 && year <= 9999))
        throw new Error('--year: a year, 2004 or later');
      const format = options.format as ExportFormat;
      const common = { format, bom: options.bom, jurisdiction: options.jurisdiction };
      const request: ExportRequest =
        what === 'grades'
          ? { ...common, what, year }
          : what === 'penalties'
            ? {
                ...common,
                what,
                layout: options.layout as PenaltyLayout,
                since: options.since,
                asOf,
              }
            : {
                ...common,
                what: what as 'inspections' | 'credit-findings',
                since: options.since,
                asOf,
              };
      // The export's memory as the API's (BENCHMARKS.md): full GCs sooner.
      applyLedgerV8Flags();
      const pool = new Pool({ connectionString: ledgerUrl() });
      pool.on('error', () => undefined);
      const out = options.out ? createWriteStream(options.out) : process.stdout;
      try {
        const { rows, head } = await runExport(
          pool,
          readAuthorities(process.env.LEDGER_AUTHORITIES),
          request,
          out,
          () => undefined,
        );
        if (options.out) {
          await new Promise<void>((resolve, reject) =>
            (out as WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())),
          );
          console.error(`${rows} ${what} written to ${options.out}`);
        }
        console.error(`position ${head.position} (pass it as --since next time)`);
      } finally {
        await pool.end();
      }
    },
  );

program
  .command('checkpoint')
  .description(
    'sign a checkpoint (C2SP tlog-checkpoint) of the Merkle log over every event, and print it: keep it outside the ledger',
  )
  .action(async () => {
    const note = await withStore(async (store) => {
      const pool = new Pool({ connectionString: ledgerUrl() });
      pool.on('error', () => undefined);
      try {
        return await signCheckpointNow(store, pool);
      } finally {
        await pool.end();
      }
    });
    process.stdout.write(note);
  });

program
  .command('evidence')
  .argument('<uscc>', "the agency's unified social credit code")
  .option('--as-of <date>', 'valid time: the grade decision in force on this day (default: today)')
  .option('--known-at <instant>', 'system time: only facts recorded by then (default: now)')
  .option('--out <file>', 'write to this file instead of stdout')
  .description(
    "write the agency's signed evidence bundle (as GET /api/v1/agencies/:uscc/evidence serves it)",
  )
  .action(async (uscc: string, options: { asOf?: string; knownAt?: string; out?: string }) => {
    const text = await withStore(async (store) => {
      const pool = new Pool({ connectionString: ledgerUrl() });
      pool.on('error', () => undefined);
      try {
        const now = new Date();
        return await evidenceBundle(
          store,
          pool,
          uscc,
          asOfDate(options.asOf, now),
          knownAtInstant(options.knownAt, now),
        );
      } finally {
        await pool.end();
      }
    });
    if (options.out) {
      writeFileSync(options.out, text);
      console.error(`evidence bundle written to ${options.out}`);
    } else process.stdout.write(text);
  });

program
  .command('verify-bundle')
  .argument('<file>', 'an evidence bundle')
  .option(
    '--key <verifierKey>',
    "the ledger's verifier key, from GET /api/v1/ledger/public-key (default: the one the bundle names, which proves integrity only)",
  )
  .option('--json', 'print the report as JSON')
  .description(
    'check a bundle offline (no database, no server): signature, every hash, inclusion proofs; replay the decision with the recorded policy and calendar versions; exit 1 when anything fails, saying where',
  )
  .action((file: string, options: { key?: string; json?: boolean }) => {
    const report = verifyBundleFile(file, options.key);
    console.log(
      options.json ? JSON.stringify(report, null, 2) : describeVerification(report, file),
    );
    process.exitCode = report.ok ? 0 : 1;
  });

const user = program
  .command('user')
  .description('accounts for signing in (POST /api/v1/auth/login): add, list, disable');

/** The ledger's schema first: `user add` may be the first thing run against a new database. */
async function withPool<T>(
  work: (store: PostgresEventStore, pool: Pool) => Promise<T>,
): Promise<T> {
  const url = ledgerUrl();
  await migrate(url);
  return withStore(async (store) => {
    const pool = new Pool({ connectionString: url });
    pool.on('error', () => undefined);
    try {
      return await work(store, pool);
    } finally {
      await pool.end();
    }
  });
}

user
  .command('add')
  .argument('<username>', '3 to 64 letters, digits or . _ @ -')
  .requiredOption('--role <role>', ROLES.join(', '))
  .option('--jurisdiction <name>', `a regulator's: ${JURISDICTIONS.join(', ')}`)
  .option(
    '--authority <authority>',
    "a regulator's recording authority: ecology (default) or market-regulation",
  )
  .option('--uscc <code>', "an agency's unified social credit code")
  .option('--no-main', "an agency's sub-account rather than its main account (主账号)")
  .option('--display-name <text>', 'a name to show, e.g. the post (岗位)')
  .description(
    'create an account; the password is asked for (or read from the first line of stdin), never given on the command line',
  )
  .action(async (username: string, options: UserAddOptions) => {
    const password = await readPassword();
    console.log(await withPool((store) => addUser(store, username, options, password)));
  });

user
  .command('list')
  .description('every account: role, scope, whether disabled, who created it and when')
  .action(async () => {
    console.log(await withPool((store, pool) => listUsers(store, pool)));
  });

user
  .command('disable')
  .argument('<user>', 'a username or a userId')
  .option('--reason <text>', 'why (recorded with the event)')
  .description('disable an account: its sessions end at once; the account and its history stay')
  .action(async (who: string, options: { reason?: string }) => {
    console.log(await withPool((store, pool) => disableUser(store, pool, who, options.reason)));
  });

/** What went wrong, as the API would say it (an HttpException carries its message list). */
function describe(error: unknown): string {
  const answer = (error as { getResponse?: () => unknown }).getResponse?.();
  const messages = (answer as { message?: unknown } | undefined)?.message;
  if (Array.isArray(messages)) return messages.join('\n');
  return error instanceof Error ? error.message : String(error);
}

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(describe(error));
    process.exit(2);
  },
);
