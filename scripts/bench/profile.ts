/**
 * Where the benchmark's time goes (BENCHMARKS.md): not the benchmark itself, which is store.ts.
 * Run it like the npm scripts: node -r ts-node/register/transpile-only -r tsconfig-paths/register
 * scripts/bench/profile.ts ...
 *
 *   profile.ts writes [--synchronous-commit off] [--scale 1] [--pool-size 10] [--only append8]
 *     each write workload on an empty store, with what the server did meanwhile: commits,
 *     WAL flushes (pg_stat_wal.wal_sync), WAL bytes and full-page images per event, and how
 *     busy the machine's CPUs were (/proc/stat: user+system, iowait), and how much of that
 *     other processes took.
 *   profile.ts reads [--scale 1] [--keep] [--db name] [--rounds 3]
 *     fills a store like the benchmark's read store (or reuses --db), then reads all of it in
 *     pages of 1,000 several ways, each pass timed on its own: the adapter's readAll, its SQL
 *     as the adapter gets it, without JSON parsing in Node, without ledger_ts(), without the
 *     transaction-id filter, and the server's own time for a page (EXPLAIN ANALYZE).
 *   profile.ts prepare
 *     the client's work for an append without any server: ids, canonical hash template and
 *     the JSON payload, per append and per event.
 *
 * Uses DATABASE_URL's server (this script never starts one).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '@ledger/database';
import { PostgresEventStore, hashTemplate } from '@ledger/event-store';
import { OtherLoad } from './other-load';
import {
  WRITE_WORKLOADS,
  eventsWritten,
  inspectionRecorded,
  readEverything,
  runWrite,
  sizes,
  totalEvents,
} from './workloads';

const adminUrl = process.env.DATABASE_URL;
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const scale = Number(value('--scale') ?? 1);
const syncOff = value('--synchronous-commit') === 'off';
const poolSize = Number(value('--pool-size') ?? 10);

function cpuTimes(): { busy: number; iowait: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  return {
    busy: user + nice + system + irq + softirq + steal,
    iowait,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

async function serverCounters(url: string, database: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const wal = await client.query<{
      wal_sync: string;
      wal_bytes: string;
      wal_fpi: string;
      wal_write: string;
    }>('SELECT wal_sync, wal_bytes, wal_fpi, wal_write FROM pg_stat_wal');
    const db = await client.query<{ xact_commit: string }>(
      'SELECT xact_commit FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return {
      walSync: Number(wal.rows[0].wal_sync),
      walWrite: Number(wal.rows[0].wal_write),
      walBytes: Number(wal.rows[0].wal_bytes),
      walFpi: Number(wal.rows[0].wal_fpi),
      commits: Number(db.rows[0]?.xact_commit ?? 0),
    };
  } finally {
    await client.end();
  }
}

async function freshStore(name: string) {
  await createDatabaseIfMissing(adminUrl!, name);
  const url = withDatabase(adminUrl!, name);
  await migrate(url);
  const store = new PostgresEventStore({
    connectionString: url,
    poolSize,
    ...(syncOff ? { options: '-c synchronous_commit=off' } : {}),
  });
  store.pool.on('error', () => undefined);
  await Promise.all(Array.from({ length: poolSize }, () => store.pool.query('SELECT 1')));
  return { store, url };
}

async function profileWrites(): Promise<void> {
  const s = sizes(scale);
  console.log(
    `writes, scale ${scale}, pool of ${poolSize}` +
      `${syncOff ? ', synchronous_commit=off (NOT the benchmark)' : ''}`,
  );
  const only = value('--only')?.split(',');
  for (const workload of WRITE_WORKLOADS) {
    if (only && !only.includes(workload)) continue;
    const name = `bench_profile_${process.pid}_${workload}`;
    const { store } = await freshStore(name);
    try {
      // Stats are flushed by each backend at most once a second: wait for a quiet baseline.
      await new Promise((r) => setTimeout(r, 1500));
      const before = await serverCounters(adminUrl!, name);
      const cpuBefore = cpuTimes();
      const nodeBefore = process.cpuUsage();
      const otherLoad = new OtherLoad(`bench_profile_${process.pid}_`);
      const load = otherLoad.start();
      const started = performance.now();
      await runWrite(workload, store, s);
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = cpuTimes();
      const node = process.cpuUsage(nodeBefore);
      const otherCores = otherLoad.stop(load);
      // A backend flushes its statistics when its session ends (an idle one only every 10 s).
      await store.close();
      await new Promise((r) => setTimeout(r, 500));
      const after = await serverCounters(adminUrl!, name);
      const events = eventsWritten(workload, s);
      const commits = after.commits - before.commits;
      const ticks = cpuAfter.total - cpuBefore.total;
      console.log(
        JSON.stringify({
          workload,
          events,
          seconds: +seconds.toFixed(2),
          eventsPerSecond: Math.round(events / seconds),
          commits,
          walFlushes: after.walSync - before.walSync,
          commitsPerWalFlush: +(commits / Math.max(1, after.walSync - before.walSync)).toFixed(2),
          walBytesPerEvent: Math.round((after.walBytes - before.walBytes) / events),
          fullPageImages: after.walFpi - before.walFpi,
          otherProcessesCores: otherCores?.toFixed(2),
          machineCpuBusy: `${Math.round((100 * (cpuAfter.busy - cpuBefore.busy)) / ticks)}%`,
          machineIowait: `${Math.round((100 * (cpuAfter.iowait - cpuBefore.iowait)) / ticks)}%`,
          nodeCpuOfOneCore: `${Math.round((node.user + node.system) / 1e4 / seconds)}%`,
          msPerAppendPerWriter: +(
            (1000 * seconds) /
            (workload === 'append8'
              ? s.append8.appendsPerWriter
              : workload === 'append1'
                ? s.append1.appends
                : s.batch100.appends)
          ).toFixed(3),
        }),
      );
    } finally {
      if (!store.pool.ended) await store.close();
      await dropDatabase(adminUrl!, name);
    }
  }
}

const COLUMNS = `position, event_id, stream_id, version, type, schema_version, data, metadata`;
const VISIBLE = `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
const PAGE = `WHERE position > $1 AND ${VISIBLE} ORDER BY position LIMIT $2`;
/** The adapter's SELECT_EVENT. */
const ADAPTER = `SELECT ${COLUMNS}, ledger_ts(occurred_at, false) AS occurred_at,
  ledger_ts(recorded_at, true) AS recorded_at, prev_hash, hash FROM ledger_events`;
/**
 * ledger_ts is declared IMMUTABLE but calls to_char(), which is STABLE, so PostgreSQL cannot
 * inline it and runs it as a separate SQL function call per value. The same body declared
 * STABLE is inlined into the query.
 */
const STABLE_TS = `CREATE OR REPLACE FUNCTION bench_ts_stable(t timestamptz, micro boolean) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN micro
    THEN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END
  $$`;

type Parsing = 'pg' | 'text';

/** Read pages of 1,000 by position with `sql` ($1 after, $2 limit) until one comes back empty. */
async function pagesWith(client: Client, sql: string, parsing: Parsing): Promise<number> {
  const started = performance.now();
  let after = 0;
  for (;;) {
    const result = await client.query<{ position: string }>(
      parsing === 'pg'
        ? sql
        : { text: sql, types: { getTypeParser: () => (text: string) => text } },
      [after, 1000],
    );
    if (result.rows.length === 0) break;
    after = Number(result.rows[result.rows.length - 1].position);
  }
  return (performance.now() - started) / 1000;
}

/** The server's own execution time for every page (EXPLAIN ANALYZE, no per-node timing). */
async function serverTime(client: Client, select: string): Promise<number> {
  let total = 0;
  let after = 0;
  for (;;) {
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${select}`,
      [after, 1000],
    );
    const [plan] = rows[0]['QUERY PLAN'] as {
      'Execution Time': number;
      Plan: { 'Actual Rows': number };
    }[];
    if (plan.Plan['Actual Rows'] === 0) break;
    total += plan['Execution Time'];
    after += plan.Plan['Actual Rows']; // positions here are 1..N without gaps
  }
  return total / 1000;
}

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

async function profileReads(): Promise<void> {
  const s = sizes(scale);
  const expected = totalEvents(s);
  const rounds = Number(value('--rounds') ?? 3);
  const name = value('--db') ?? `bench_profile_${process.pid}_reads`;
  const { store, url } = await freshStore(name);
  const { rows: held } = await store.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM ledger_events',
  );
  const reuse = Number(held[0].n) > 0;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    if (!reuse) {
      console.error(`filling ${name} with ${expected} events (the three write workloads, untimed)`);
      for (const workload of WRITE_WORKLOADS) await runWrite(workload, store, s);
    }
    const { rows: gaps } = await client.query<{ max: string; n: string }>(
      'SELECT max(position) AS max, count(*) AS n FROM ledger_events',
    );
    if (gaps[0].max !== gaps[0].n) throw new Error('positions have gaps: serverTime() needs 1..N');
    await client.query(STABLE_TS);

    const first = await readEverything(store);
    console.log(
      `adapter readAll, ${reuse ? 'first pass of this run' : 'first read after the writes'}: ` +
        `${first.eventIds.length} events in ${first.seconds.toFixed(3)} s, ` +
        `${Math.round(first.eventIds.length / first.seconds)}/s`,
    );

    const plain = `SELECT ${COLUMNS}, occurred_at::text, recorded_at::text, prev_hash, hash FROM ledger_events`;
    const stable = `SELECT ${COLUMNS}, bench_ts_stable(occurred_at, false) AS occurred_at,
      bench_ts_stable(recorded_at, true) AS recorded_at, prev_hash, hash FROM ledger_events`;
    const variants: [string, () => Promise<number>][] = [
      [
        'adapter readAll (pg parsing + toStoredEvent)',
        async () => (await readEverything(store)).seconds,
      ],
      [
        'adapter SQL, pg parsing (JSON.parse, no toStoredEvent)',
        () => pagesWith(client, `${ADAPTER} ${PAGE}`, 'pg'),
      ],
      [
        'adapter SQL, rows left as text (no JSON.parse)',
        () => pagesWith(client, `${ADAPTER} ${PAGE}`, 'text'),
      ],
      ['adapter SQL, server execution only', () => serverTime(client, `${ADAPTER} ${PAGE}`)],
      [
        'ledger_ts declared STABLE (inlined), pg parsing',
        () => pagesWith(client, `${stable} ${PAGE}`, 'pg'),
      ],
      [
        'ledger_ts declared STABLE (inlined), as text',
        () => pagesWith(client, `${stable} ${PAGE}`, 'text'),
      ],
      [
        'ledger_ts declared STABLE, server execution only',
        () => serverTime(client, `${stable} ${PAGE}`),
      ],
      [
        'timestamps ::text (no formatting), as text',
        () => pagesWith(client, `${plain} ${PAGE}`, 'text'),
      ],
      ['timestamps ::text, server execution only', () => serverTime(client, `${plain} ${PAGE}`)],
      [
        'adapter SQL without the transaction-id filter, as text',
        () =>
          pagesWith(client, `${ADAPTER} WHERE position > $1 ORDER BY position LIMIT $2`, 'text'),
      ],
      [
        'position only (round trips + index scan), as text',
        () => pagesWith(client, `SELECT position FROM ledger_events ${PAGE}`, 'text'),
      ],
    ];
    const times = new Map<string, number[]>(variants.map(([label]) => [label, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [label, run] of variants) times.get(label)!.push(await run());
    }
    console.log(
      `\n${expected} events in pages of 1,000; median of ${rounds} rounds (every round in turn):`,
    );
    for (const [label] of variants) {
      const seconds = median(times.get(label)!);
      console.log(
        `  ${label.padEnd(58)} ${seconds.toFixed(3).padStart(7)} s ${String(Math.round(expected / seconds)).padStart(9)}/s` +
          `   [${times
            .get(label)!
            .map((t) => t.toFixed(2))
            .join(', ')}]`,
      );
    }
    const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (VERBOSE) ${ADAPTER} WHERE position > 110000 AND ${VISIBLE} ORDER BY position LIMIT 1000`,
    );
    console.log("\nEXPLAIN VERBOSE of the adapter's page (ledger_ts is called, not inlined):");
    for (const row of plan) console.log(`  ${row['QUERY PLAN']}`);
  } finally {
    await client.end();
    await store.close();
    if (!flag('--keep')) await dropDatabase(adminUrl!, name);
    else console.error(`kept ${name}`);
  }
}

/**
 * The client's share of an append without the server: what PostgresEventStore.append does
 * before it sends (prepareAppend: ids, canonical hash template, JSON text of the payload).
 */
function profilePrepare(): void {
  const s = sizes(scale);
  const prepare = (streamId: string, count: number) => {
    const payload = Array.from({ length: count }, () => {
      const event = inspectionRecorded();
      const prepared = {
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: event.metadata ?? {},
        occurredAt: new Date(event.occurredAt).toISOString(),
      };
      return { ...prepared, template: hashTemplate(streamId, prepared) };
    });
    return JSON.stringify(payload);
  };
  for (const [label, appends, events] of [
    ['append1 (one event per append)', s.append1.appends, 1],
    ['batch100 (100 events per append)', s.batch100.appends, s.batch100.eventsPerAppend],
  ] as const) {
    prepare('agency-0', events); // warm up
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < appends; i++)
      bytes += Buffer.byteLength(prepare(`agency-${i % 1000}`, events));
    const ms = performance.now() - started;
    console.log(
      `${label}: ${(ms / appends).toFixed(3)} ms per append, ${((1000 * ms) / (appends * events)).toFixed(1)} µs ` +
        `per event, ${Math.round(bytes / (appends * events))} bytes of payload per event`,
    );
  }
}

async function main(): Promise<void> {
  if (!adminUrl && args[0] !== 'prepare') throw new Error('set DATABASE_URL');
  if (args[0] === 'writes') await profileWrites();
  else if (args[0] === 'reads') await profileReads();
  else if (args[0] === 'prepare') profilePrepare();
  else throw new Error('usage: profile.ts writes|reads|prepare [options]');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
