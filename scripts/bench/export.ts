/**
 * `npm run bench:export`: memory of the streamed exports (issue 13, item 3).
 *
 * Seeds 100,000 penalties straight into the export's read model (`export_feed_records` of the
 * export-feed projection, and the registry for the names: no events, seconds), then streams the
 * whole NECIPS penalty feed and the 双公示 layout in every format through `runExport` — the
 * function the API's controller and `npm run ledger -- export` call — into a sink that drops the
 * bytes, sampling the process's RSS every 20 ms. A warm-up pass over 3 % of the rows runs every
 * export once first. It prints, per export, the rows, the bytes, the time, the RSS growth over
 * the RSS before it (after a GC), the heap's peak growth and what the heap retains after a GC
 * at the end (nothing, if the export holds no rows): the goal is an RSS growth under 50 MB.
 *
 * The server is DATABASE_URL's (its maintenance database), else a throwaway embedded one.
 * Flags (also `--help`):
 *   --penalties 100000                  rows to seed
 *   --layouts necips,shuanggongshi      the penalty feeds to measure
 *   --formats csv,ndjson,xlsx           the formats to measure
 *   --no-ledger-v8-flags                without the V8 settings the API applies at start
 *                                       (apps/ledger-api/src/v8-flags.ts), to compare
 * V8 flags go before the script (BENCHMARKS.md), e.g. `node --expose-gc
 * --no-allocation-site-pretenuring -r ts-node/register/transpile-only -r
 * tsconfig-paths/register scripts/bench/export.ts`.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { Pool } from 'pg';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedDatabase,
} from '@ledger/database';
import { readAuthorities } from '../../apps/ledger-api/src/exports/authorities';
import { runExport, type ExportRequest } from '../../apps/ledger-api/src/exports/run-export';
import { EXPORT_FORMATS } from '../../apps/ledger-api/src/exports/stream';
import { applyLedgerV8Flags, LEDGER_V8_FLAGS } from '../../apps/ledger-api/src/v8-flags';
import { seedPenaltyFeed } from './export-seed';

const MB = 1024 * 1024;

/** A reader that takes every byte and keeps none. */
class Sink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.bytes += chunk.length;
    setImmediate(done);
  }
}

const HELP = `npm run bench:export -- [--penalties N] [--layouts L,…] [--formats F,…] [--no-ledger-v8-flags]

Seeds N penalties (default 100000) into the export feed's read model, then streams each penalty
feed (layouts: necips, shuanggongshi; default both) in each format (csv, ndjson, xlsx; default
all) into a sink, and prints the RSS growth of each (goal: under 50 MB). It runs with the V8
settings the API applies at start (${LEDGER_V8_FLAGS.join(' ')}); --no-ledger-v8-flags leaves
them out, to compare. BENCHMARKS.md,
"Memory of the streamed exports", has the figures and the V8 flags measured.
`;

async function main() {
  if (process.argv.includes('--help')) {
    process.stdout.write(HELP);
    return;
  }
  const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
  const list = (name: string, all: readonly string[]) =>
    process.argv.includes(name) ? arg(name).split(',') : [...all];
  const penalties = Number(process.argv.includes('--penalties') ? arg('--penalties') : 100_000);
  const layoutsWanted = list('--layouts', ['necips', 'shuanggongshi']);
  const formats = list('--formats', EXPORT_FORMATS) as (typeof EXPORT_FORMATS)[number][];
  const ledgerFlags = !process.argv.includes('--no-ledger-v8-flags');
  // As the API's main.ts does first: what is measured is the API's memory.
  if (ledgerFlags) applyLedgerV8Flags();
  console.error(`V8 flags: ${ledgerFlags ? LEDGER_V8_FLAGS.join(' ') : 'none'}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc)
    console.error('run with node --expose-gc for a settled baseline (npm run bench:export does)');
  let embedded: EmbeddedDatabase | undefined;
  let admin = process.env.DATABASE_URL;
  const dataDir = resolve('.data', `bench-export-${process.pid}`);
  if (!admin) {
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    admin = embedded.adminUrl;
  }
  const name = `ledger_bench_export_${process.pid}`;
  await createDatabaseIfMissing(admin, name);
  const url = withDatabase(admin, name);
  const results: {
    export: string;
    format: string;
    rows: number;
    megabytes: number;
    seconds: number;
    rssGrowthMB: number;
    heapPeakGrowthMB: number;
    heapRetainedMB: number;
  }[] = [];
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    await migrate(url);
    const seeded = performance.now();
    await seedPenaltyFeed(pool, { penalties, agencies: 2_000, formulaEvery: 100 });
    console.error(
      `seeded ${penalties} penalties in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const authorities = readAuthorities(undefined);
    const layouts = (
      [
        ['penalties necips feed', 'penalties', 'necips'],
        ['penalties 双公示 feed', 'penalties', 'shuanggongshi'],
      ] as [string, ExportRequest['what'], 'necips' | 'shuanggongshi'][]
    ).filter(([, , layout]) => layoutsWanted.includes(layout));
    // Warm-up, unmeasured: every layout and format once over the few penalties decided by
    // 2026-01-10 (~3 %), so that what is measured is a running server's export, not the first
    // compilation of its code.
    for (const [, , layout] of layouts)
      for (const format of formats)
        await runExport(
          pool,
          authorities,
          { what: 'penalties', layout, since: '0', asOf: '2026-01-10', format, bom: true },
          new Sink(),
          () => undefined,
        );
    for (const [label, what, layout] of layouts) {
      for (const format of formats) {
        gc?.();
        gc?.();
        const before = process.memoryUsage();
        let peak = before.rss;
        let heapPeak = before.heapUsed;
        const sampler = setInterval(() => {
          const now = process.memoryUsage();
          peak = Math.max(peak, now.rss);
          heapPeak = Math.max(heapPeak, now.heapUsed);
        }, 20);
        const sink = new Sink();
        const started = performance.now();
        const { rows } = await runExport(
          pool,
          authorities,
          { what: what as 'penalties', layout, since: '0', asOf: '2026-11-30', format, bom: true },
          sink,
          () => undefined,
        );
        const seconds = (performance.now() - started) / 1000;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        gc?.();
        const retained = process.memoryUsage().heapUsed - before.heapUsed;
        results.push({
          export: label,
          format,
          rows,
          megabytes: Math.round((sink.bytes / MB) * 10) / 10,
          seconds: Math.round(seconds * 10) / 10,
          rssGrowthMB: Math.round(((peak - before.rss) / MB) * 10) / 10,
          heapPeakGrowthMB: Math.round(((heapPeak - before.heapUsed) / MB) * 10) / 10,
          heapRetainedMB: Math.round((retained / MB) * 10) / 10,
        });
        console.error(JSON.stringify(results.at(-1)));
      }
    }
  } finally {
    await pool.end();
    await dropDatabase(admin, name);
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(
    'export | format | rows | MB written | seconds | RSS growth (MB) | heap peak growth (MB) | heap retained after GC (MB)',
  );
  for (const r of results)
    console.log(
      `${r.export} | ${r.format} | ${r.rows} | ${r.megabytes} | ${r.seconds} | ${r.rssGrowthMB} | ${r.heapPeakGrowthMB} | ${r.heapRetainedMB}`,
    );
  const worst = Math.max(...results.map((r) => r.rssGrowthMB));
  console.log(`largest RSS growth: ${worst} MB (goal: under 50 MB)`);
  console.log(JSON.stringify({ penalties, results, worst }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
