/**
 * `npm run bench:scale`: the ledger at national scale (issue 14), measured in one run. See
 * USAGE below and BENCHMARKS.md ("National scale").
 */
import { runScale, SECTIONS, type Latency, type ScaleOptions, type Section } from './scale-run';

const USAGE = `usage: npm run bench:scale -- [options]

Generates a national data set through the domain's deciders (agencies over years: filings,
reviews, changes, staff in and out, equipment, inspections, penalties, credit findings,
assessments, repairs, late-recorded facts; grading cycles with objections over HTTP), loads it
through the event store's batch append, and measures, in one run, on the real app in-process:
  load       events/s of the batch load
  queries    grade?asOf&knownAt, grade-history, credit-record, public search: p50/p99, at about
             --small-events events and at the full size
  commands   --clients concurrent clients recording inspections on mixed agencies: commands/s,
             p50/p99, and read-your-writes (each answer's write in the next read)
  writes     command latency on one agency at two stream sizes (--write-sizes)
  verify     every stream's hash chain: events/s
  export     the whole 双公示 penalty export: rows, seconds, RSS growth
  rebuild    every API projection from position 0 (scripts/bench/scale-rebuild.ts), compared
             row by row with the tables the live runners built
Prints a table; with --json, one JSON object on the last line. Exit 1 when a correctness check
fails (never on a timing), 2 on bad arguments.

options:
  --agencies N        agencies (default 20000)
  --years N           years of history, ending ${'2026-11-30'} (default 10)
  --seed N            seed of the generator (default 42)
  --only a,b          sections: ${SECTIONS.join(',')} (default: all; load always runs)
  --concurrency N     appends in flight while loading (default 4)
  --samples N         requests per query kind and size (default 500)
  --small-events N    size of the small data set for the queries (default 10000; 0: none)
  --clients N         concurrent command clients (default 16)
  --commands N        commands they give in all (default 2000)
  --write-sizes A,B   stream sizes of the write-latency section (default 100,5000)
  --write-samples N   commands timed at each size (default 40)
  --first-build HOW   how the app's tables are first built after the load: runners (the live
                      projection runners catch up from zero; the default) or rebuild (one
                      rebuildAll pass before the app starts, timed; then the app's runners only
                      follow; the way to run the national size)
  --smoke             small and quick, for CI: 120 agencies, 2 years, fewer samples, no small
                      data set; fails only on a correctness check
  --json              one JSON object on the last line
  --help              this text
The server is DATABASE_URL's (a maintenance database: the run creates and drops its own
databases), else an embedded PostgreSQL for the run.`;

function parse(argv: string[]): (ScaleOptions & { json: boolean; smoke: boolean }) | string {
  const smoke = argv.includes('--smoke');
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const known = new Set([
    '--agencies',
    '--years',
    '--seed',
    '--only',
    '--concurrency',
    '--samples',
    '--small-events',
    '--clients',
    '--commands',
    '--write-sizes',
    '--write-samples',
    '--first-build',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (known.has(arg)) i++;
    else if (!['--smoke', '--json'].includes(arg)) return `unknown argument ${arg}`;
  }
  const int = (name: string, fallback: number, min = 0): number | string => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min ? n : `${name} takes an integer ≥ ${min}, not ${raw}`;
  };
  const numbers = {
    agencies: int('--agencies', smoke ? 120 : 20_000, 1),
    years: int('--years', smoke ? 2 : 10, 1),
    seed: int('--seed', 42),
    concurrency: int('--concurrency', 4, 1),
    samples: int('--samples', smoke ? 30 : 500, 1),
    smallEvents: int('--small-events', smoke ? 0 : 10_000),
    clients: int('--clients', smoke ? 4 : 16, 1),
    commands: int('--commands', smoke ? 100 : 2_000, 1),
    writeSamples: int('--write-samples', smoke ? 10 : 40, 1),
  };
  for (const v of Object.values(numbers)) if (typeof v === 'string') return v;
  const sizes = (value('--write-sizes') ?? (smoke ? '100,500' : '100,5000')).split(',').map(Number);
  if (
    sizes.length !== 2 ||
    !sizes.every((n) => Number.isInteger(n) && n >= 3) ||
    sizes[0] >= sizes[1]
  )
    return '--write-sizes takes two increasing integers ≥ 3, e.g. 100,5000';
  const firstBuild = value('--first-build') ?? 'runners';
  if (firstBuild !== 'runners' && firstBuild !== 'rebuild')
    return `--first-build takes runners or rebuild, not ${firstBuild}`;
  const only = value('--only');
  const sections = new Set<Section>(only ? (only.split(',') as Section[]) : SECTIONS);
  for (const s of sections) if (!SECTIONS.includes(s)) return `--only: unknown section ${s}`;
  sections.add('load');
  return {
    ...(numbers as Record<keyof typeof numbers, number>),
    sections,
    writeSizes: [sizes[0], sizes[1]],
    firstBuild,
    adminUrl: process.env.DATABASE_URL || undefined,
    log: (line) => console.error(line),
    json: argv.includes('--json'),
    smoke,
  };
}

function table(figures: Record<string, unknown>): string[] {
  const rows: [string, string][] = [];
  const f = figures as Record<string, Record<string, unknown> | undefined>;
  const lat = (l: Latency) => `p50 ${l.p50} ms, p99 ${l.p99} ms (${l.perSecond}/s sequential)`;
  if (f.load)
    rows.push([
      'load',
      `${String(f.load.events)} events, ${String(f.load.agencies)} agencies: ${String(f.load.eventsPerSecond)} events/s (${String(f.load.seconds)} s, of which generating ${String(f.load.generateSeconds)} s)`,
    ]);
  if (f.firstRebuild)
    rows.push([
      'first build by rebuildAll',
      `${String(f.firstRebuild.events)} events in ${String(f.firstRebuild.seconds)} s: ${String(f.firstRebuild.eventsPerSecond)} events/s`,
    ]);
  if (f.catchUp)
    rows.push([
      f.firstRebuild ? 'app start (runners at the head)' : 'live runners from zero',
      `${String(f.catchUp.eventsPerSecond)} events/s (${String(f.catchUp.seconds)} s)`,
    ]);
  if (f.rebuild)
    rows.push([
      'rebuild from zero',
      `${String(f.rebuild.events)} events in ${String(f.rebuild.seconds)} s: ${String(f.rebuild.eventsPerSecond)} events/s`,
    ]);
  for (const [key, label] of [
    ['queriesSmall', 'small'],
    ['queries', 'full'],
  ] as const) {
    const q = f[key] as (Record<string, Latency> & { events: number }) | undefined;
    if (!q) continue;
    for (const kind of ['grade', 'grade-history', 'credit-record', 'search'])
      if (kind in q) rows.push([`${kind} at ${q.events} events (${label})`, lat(q[kind])]);
  }
  if (f.commands) {
    const c = f.commands as unknown as Latency & { clients: number; readYourWritesMissed: number };
    rows.push([
      `commands, ${c.clients} clients`,
      `${c.perSecond} commands/s, p50 ${c.p50} ms, p99 ${c.p99} ms; read-your-writes missed ${c.readYourWritesMissed}`,
    ]);
  }
  if (f.writes) {
    const w = f.writes as {
      rows: (Latency & { events: number; coldMs: number })[];
      p50Ratio: number;
    };
    for (const r of w.rows)
      rows.push([
        `write on an agency of ${r.events} events`,
        `p50 ${r.p50} ms, p99 ${r.p99} ms, first ${r.coldMs} ms`,
      ]);
    rows.push(['write p50 ratio (large/small)', String(w.p50Ratio)]);
  }
  if (f.verify)
    rows.push([
      'verify',
      `${String(f.verify.events)} events: ${String(f.verify.eventsPerSecond)} events/s (${String(f.verify.seconds)} s)`,
    ]);
  if (f.export)
    rows.push([
      'penalty export (双公示, csv)',
      `${String(f.export.rows)} rows, ${String(f.export.megabytes)} MB in ${String(f.export.seconds)} s, RSS growth ${String(f.export.rssGrowthMB)} MB`,
    ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)} | ${v}`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parse(argv);
  if (typeof options === 'string') {
    console.error(`${options}\n\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const { figures, checks } = await runScale(options);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  for (const line of table(figures)) console.log(line);
  const failed = checks.filter((c) => !c.ok);
  console.log(
    failed.length === 0
      ? `all ${checks.length} checks held (${seconds} s)`
      : `${failed.length} of ${checks.length} checks FAILED: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}`,
  );
  if (options.json)
    console.log(
      JSON.stringify({
        options: {
          agencies: options.agencies,
          years: options.years,
          seed: options.seed,
          smoke: options.smoke,
          sections: [...options.sections],
        },
        seconds,
        figures,
        checks,
      }),
    );
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
