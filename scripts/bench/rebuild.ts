/**
 * `npm run bench:rebuild`: the rebuild of every projection from zero (issue 14, `rebuildAll`).
 *
 * Fills a database with N events, then times `rebuildAll` over every projection the API runs
 * and prints the events per second, overall and per projection (its fold, writes and indexes).
 *
 * The events: a template history that reaches every projection (the property tests' grading
 * histories, plus addressees, people, a 双随机 plan and accounts: test/support/projections-
 * history.ts) is recorded through the store, then copied until there are N events: each copy
 * with its own USCCs (valid ones), event ids, cycle streams, plan and accounts, its positions
 * and system times after the previous copy's. The copies are inserted into the PostgreSQL
 * store's table directly (seconds instead of minutes of appends): their hash chains are the
 * template's, so `ledger verify` would refuse them; the projections do not read the chain.
 *
 * The server is DATABASE_URL's (its maintenance database), else a throwaway embedded one.
 *   --events 1000000     events to fill (default 1,000,000)
 *   --histories 40       grading histories in the template (default 40)
 *   --page 10000         events per page read (rebuildAll's batchSize)
 *   --keep               keep the database (its name is printed) and reuse it when it has
 *                        the events already: fill once, rebuild many times
 *   --runs 1             rebuilds to time, one after the other
 *   --lz4                write the rows with lz4 TOAST compression (default: the server's)
 *   --ab                 with --runs, every other run with --lz4 (an interleaved A/B)
 * Profile with `node --cpu-prof -r ts-node/register/transpile-only -r tsconfig-paths/register
 * scripts/bench/rebuild.ts --keep`; PostgreSQL's share is printed (its backends' CPU time).
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedDatabase,
} from '@ledger/database';
import { PostgresEventStore } from '@ledger/event-store';
import { usccOf } from '../../projections/grade-history/grade-history.property.support';
import { rebuildAll } from '../../projections/rebuild';
import { API_PROJECTIONS } from '../../apps/ledger-api/src/projections/projections.service';
import { recordProjectionsHistory } from '../../test/support/projections-history';

const FIRST_RUN = 1;

interface TemplateRow {
  position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  version: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  occurred_at: string;
  recorded_us: string;
  prev_hash: string | null;
  hash: string;
}

async function fill(url: string, events: number, histories: number): Promise<void> {
  const store = new PostgresEventStore({ connectionString: url });
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    const t0 = performance.now();
    const { agencies, names } = await recordProjectionsHistory(store, {
      seed: 14,
      histories,
      firstRun: FIRST_RUN,
    });
    const { rows: template } = await pool.query<TemplateRow>(
      `SELECT position, transaction_id, event_id, stream_id, version, type, schema_version,
              data::text AS data, metadata::text AS metadata, occurred_at::text AS occurred_at,
              (extract(epoch FROM recorded_at) * 1000000)::bigint::text AS recorded_us,
              prev_hash, hash
       FROM ledger_events ORDER BY position`,
    );
    const span = Number(template[template.length - 1].position);
    const firstUs = BigInt(template[0].recorded_us);
    const usSpan = BigInt(template[template.length - 1].recorded_us) - firstUs + 1000n;
    console.error(
      `template: ${template.length} events, ${agencies.length} agencies, in ${Math.round(performance.now() - t0)} ms`,
    );
    // What names a copy apart: USCCs (re-derived, valid), uuids, cycle streams, the plan.
    const uscc = new Map(agencies.map((code, i) => [code, i]));
    const named = new Set(names);
    const pattern = new RegExp(
      [
        '[0-9a-f]{8}(?=-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})',
        ...[...agencies, ...names]
          .sort((a, b) => b.length - a.length)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      ].join('|'),
      'g',
    );
    const jurisdictionOf = (code: string) =>
      ({ '11': 'beijing', '50': 'chongqing', '33': 'jiaxing', '65': 'urumqi' })[
        code.slice(2, 4)
      ] as 'beijing';
    if (agencies.length > 200) throw new Error('at most 200 agencies in the template');
    const copies = Math.ceil(events / template.length) - 1;
    let inserted = template.length;
    for (let c = 1; c <= copies && inserted < events; c++) {
      const hex = c.toString(16).padStart(8, '0');
      const rename = (text: string) =>
        text.replace(pattern, (match) => {
          if (match.length === 8) return hex;
          const i = uscc.get(match);
          if (i !== undefined)
            return usccOf(jurisdictionOf(match), 1000 + c * 20 + Math.floor(i / 10), i % 10);
          if (named.has(match)) return `${match}-c${c}`;
          return match;
        });
      // Copy c's agency i: run 1000 + 20c + ⌊i/10⌋, agency i mod 10 (200 agencies a copy at
      // most): codes of no other copy, nor of the template's runs.
      const rows = template.slice(0, Math.min(template.length, events - inserted)).map((row) => ({
        position: Number(row.position) + c * span,
        transaction_id: row.transaction_id,
        event_id: rename(row.event_id),
        stream_id: rename(row.stream_id),
        version: Number(row.version),
        type: row.type,
        schema_version: row.schema_version,
        data: rename(row.data),
        metadata: rename(row.metadata),
        occurred_at: row.occurred_at,
        recorded_at: usIso(BigInt(row.recorded_us) + BigInt(c) * usSpan),
        prev_hash: row.prev_hash,
        hash: row.hash,
      }));
      for (let i = 0; i < rows.length; i += 5000) {
        await pool.query(
          `INSERT INTO ledger_events (position, transaction_id, event_id, stream_id, version, type,
             schema_version, data, metadata, occurred_at, recorded_at, prev_hash, hash)
           SELECT position, transaction_id::xid8, event_id::uuid, stream_id, version, type,
             schema_version, data::jsonb, metadata::jsonb, occurred_at::timestamptz,
             recorded_at::timestamptz, prev_hash, hash
           FROM json_to_recordset($1::json) AS r(position bigint, transaction_id text,
             event_id text, stream_id text, version bigint, type text, schema_version integer,
             data text, metadata text, occurred_at text, recorded_at text, prev_hash text,
             hash text)`,
          [JSON.stringify(rows.slice(i, i + 5000))],
        );
      }
      inserted += rows.length;
      if (c % 50 === 0) console.error(`filled ${inserted} events`);
    }
    await pool.query('VACUUM ANALYZE ledger_events');
    console.error(`filled ${inserted} events in ${Math.round(performance.now() - t0)} ms`);
  } finally {
    await store.close();
    await pool.end();
  }
}

/** Microseconds since the epoch as ISO 8601 with six decimals. */
function usIso(us: bigint): string {
  const ms = Number(us / 1000n);
  return `${new Date(ms).toISOString().slice(0, 19)}.${(us % 1_000_000n).toString().padStart(6, '0')}Z`;
}

/**
 * PostgreSQL's share: the CPU time of this database's backends, sampled every 200 ms from
 * /proc (a backend that ends keeps what it was last seen using). Null when the server runs
 * elsewhere.
 */
function backendCpuMeter(pool: Pool): { stop(): Promise<number | null> } {
  const seen = new Map<number, number>();
  const baseline = new Map<number, number>();
  let first = true;
  let failed = false;
  const sample = async () => {
    try {
      const { rows } = await pool.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
      );
      for (const { pid } of rows) {
        let stat: string;
        try {
          stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch {
          continue; // ended since
        }
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        if (first) baseline.set(pid, ticks);
        seen.set(pid, ticks);
      }
      first = false;
    } catch {
      failed = true;
    }
  };
  const running = sample();
  const timer = setInterval(() => void sample(), 200);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await sample();
      if (failed || seen.size === 0) return null;
      let ticks = 0;
      for (const [pid, total] of seen) ticks += total - (baseline.get(pid) ?? 0);
      return ticks / 100;
    },
  };
}

async function main() {
  const argv = process.argv;
  if (argv.includes('--help')) {
    console.log(
      (
        /\/\*\*([\s\S]*?)\*\//.exec(
          await import('node:fs').then((fs) => fs.readFileSync(__filename, 'utf8')),
        )?.[1] ?? ''
      ).replace(/^ \* ?/gm, ''),
    );
    return;
  }
  const arg = (name: string, fallback: number) =>
    argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback;
  const events = arg('--events', 1_000_000);
  const histories = arg('--histories', 40);
  const page = arg('--page', 10_000);
  const runs = arg('--runs', 1);
  const keep = argv.includes('--keep');
  let embedded: EmbeddedDatabase | undefined;
  let admin = process.env.DATABASE_URL;
  const dataDir = resolve('.data', `bench-rebuild-${process.pid}`);
  if (!admin) {
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    admin = embedded.adminUrl;
  }
  const name = keep ? `ledger_bench_rebuild_${events}` : `ledger_bench_rebuild_${process.pid}`;
  await createDatabaseIfMissing(admin, name);
  const url = withDatabase(admin, name);
  try {
    await migrate(url);
    const pool = new Pool({ connectionString: url, max: 6 });
    const store = new PostgresEventStore({ connectionString: url });
    try {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger_events');
      if (Number(rows[0].n) < events) {
        if (Number(rows[0].n) > 0) throw new Error(`${name} holds ${rows[0].n} events: drop it`);
        await fill(url, events, histories);
      }
      for (let run = 1; run <= runs; run++) {
        const meter = backendCpuMeter(pool);
        const node0 = process.cpuUsage();
        const lz4 = argv.includes('--lz4') || (argv.includes('--ab') && run % 2 === 0);
        const result = await rebuildAll({
          pool,
          store,
          projections: API_PROJECTIONS,
          batchSize: page,
          ...(lz4 && { toastCompression: 'lz4' as const }),
        });
        const node = process.cpuUsage(node0);
        const pgCpu = await meter.stop();
        const seconds = result.ms / 1000;
        console.log(
          `run ${run}${lz4 ? ' (lz4)' : ''}: ${result.events} events in ${seconds.toFixed(1)} s: ${Math.round(result.events / seconds)} events/s` +
            ` (Node CPU ${((node.user + node.system) / 1e6).toFixed(1)} s` +
            (pgCpu !== null ? `, PostgreSQL backends CPU ${pgCpu.toFixed(1)} s)` : ')'),
        );
        if (result.phases)
          console.log(
            `  phases: ${Object.entries(result.phases)
              .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`)
              .join(', ')}`,
          );
        for (const [projection, ms] of Object.entries(result.perProjection))
          console.log(
            `  ${projection.padEnd(18)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${Math.round(
              result.events / Math.max(ms / 1000, 0.001),
            )
              .toString()
              .padStart(9)} events/s`,
          );
      }
    } finally {
      await store.close();
      await pool.end();
    }
  } finally {
    if (keep) console.error(`kept database ${name}`);
    else await dropDatabase(admin, name);
    await embedded?.stop();
    if (embedded) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
