/**
 * `npm run bench:commands`: commands over HTTP under concurrency, with read-your-writes checked
 * (issue 14). See `--help`.
 *
 * The real app in-process (createApp, listening on a free port) on a database of its own. K
 * agencies are registered and approved over HTTP (untimed). Then C clients, each in a loop:
 * `POST /api/v1/agencies/:uscc/inspections` (a finding, so the credit record gains an entry) on
 * a random agency, then at once `GET /api/v1/agencies/:uscc/credit-record`, which must hold the
 * record of the event the POST answered (`recordEventId`); one that does not is a miss, and any
 * miss fails the run (exit 1). The figures count POSTs (commands/s) and time each POST alone
 * (p50/p95/p99); the read is timed apart.
 *
 * Where a command's time goes is measured inside the app, by wrapping the command pipeline's
 * collaborators (not by changing them): the stream read, the append, the wait for the
 * projections; "decide" is the rest of the pipeline, "HTTP+auth" the POST's time outside it.
 */
import { rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedDatabase,
} from '@ledger/database';
import { organisationCodeCheckCharacter, usccCheckCharacter } from '@ledger/domain/identity';
import { createApp } from '../../apps/ledger-api/src/create-app';
import { readConfig } from '../../apps/ledger-api/src/config';
import { signToken } from '../../apps/ledger-api/src/auth/sign-token';
import { CommandPipeline } from '../../apps/ledger-api/src/commands/command-pipeline';
import { ProjectionsService } from '../../apps/ledger-api/src/projections/projections.service';
import { OtherLoad } from './other-load';

const HELP = `npm run bench:commands -- [options]

Commands over HTTP with read-your-writes checked: C clients POST inspections on K agencies,
each POST followed by a read of the agency's credit record that must show it.

  --agencies K      agencies registered and approved first (default 128)
  --clients C       concurrent clients (default 16)
  --seconds S       how long the timed run lasts (default 20)
  --count N         stop after N commands instead (whichever comes first)
  --warmup S        untimed commands before the run, in seconds (default 3)
  --inline on|off   LEDGER_INLINE_PROJECTIONS for the app (default: as the environment says, on)
  --cpu-prof FILE   write a V8 CPU profile of the process (app and loader) over the run
  --queries         also list the statements sent per command, by text (runners included)
  --runners         also tell, per projection runner, its page reads and writes and their time
  --json            also print one JSON object with the figures, on the last line
  --help            this text

The server is DATABASE_URL's (a database of its own is created and dropped), else a
throwaway embedded PostgreSQL. The app runs in this process, beside the load generator.
Exit 1 when any read missed its write or any command failed.`;

const SECRET = 'bench-commands-secret';

interface Options {
  agencies: number;
  clients: number;
  seconds: number;
  count: number;
  warmup: number;
  cpuProf?: string;
  json: boolean;
  queries: boolean;
  runners: boolean;
}

function parse(argv: string[]): Options | 'help' {
  const options: Options = {
    agencies: 128,
    clients: 16,
    seconds: 20,
    count: Infinity,
    warmup: 3,
    json: false,
    queries: false,
    runners: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return next;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${argv[i - 1]}: not a number`);
      return n;
    };
    switch (argv[i]) {
      case '--help':
        return 'help';
      case '--agencies':
        options.agencies = Math.max(1, Math.floor(number()));
        break;
      case '--clients':
        options.clients = Math.max(1, Math.floor(number()));
        break;
      case '--seconds':
        options.seconds = number();
        break;
      case '--count':
        options.count = Math.floor(number());
        break;
      case '--warmup':
        options.warmup = number();
        break;
      case '--inline':
        process.env.LEDGER_INLINE_PROJECTIONS = value();
        break;
      case '--cpu-prof':
        options.cpuProf = value();
        break;
      case '--json':
        options.json = true;
        break;
      case '--queries':
        options.queries = true;
        break;
      case '--runners':
        options.runners = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see --help)`);
    }
  }
  return options;
}

function uscc(n: number): string {
  const organisation = String(60_000_000 + n);
  const first17 = `91110108${organisation}${organisationCodeCheckCharacter(organisation)}`;
  return `${first17}${usccCheckCharacter(first17)}`;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** A small HTTP client on keep-alive connections: the loader should cost little beside the app. */
function client(port: number, authorization: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return (method: 'GET' | 'POST', path: string, body?: unknown) =>
    new Promise<{ status: number; body: unknown }>((done, fail) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: {
            authorization,
            ...(payload !== undefined && {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: kept as text for the error message
            }
            done({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', fail);
      req.end(payload);
    });
}

/** Time spent per stage inside the pipeline, summed over commands (ms). */
class Stages {
  read = 0;
  append = 0;
  wait = 0;
  pipeline = 0;
  commands = 0;
  reset() {
    this.read = this.append = this.wait = this.pipeline = this.commands = 0;
  }
}

function instrument(pipeline: CommandPipeline, stages: Stages): void {
  const inner = pipeline as unknown as {
    store: { append: (...args: unknown[]) => Promise<unknown> };
    streams: { read: (...args: unknown[]) => Promise<unknown> };
    projections: {
      waitFor: (...args: unknown[]) => Promise<unknown>;
      waitForAppend: (...args: unknown[]) => Promise<unknown>;
    };
    run: (...args: unknown[]) => Promise<unknown>;
  };
  const wrap = <T extends object>(
    target: T,
    method: keyof T & string,
    add: (ms: number) => void,
  ) => {
    // An older tree may lack a method (waitForAppend): the stage then reads 0.
    if (typeof target[method] !== 'function') return;
    const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
    (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        add(performance.now() - started);
      }
    };
  };
  wrap(inner.store, 'append', (ms) => (stages.append += ms));
  wrap(inner.streams, 'read', (ms) => (stages.read += ms));
  wrap(inner.projections, 'waitFor', (ms) => (stages.wait += ms));
  wrap(inner.projections, 'waitForAppend', (ms) => (stages.wait += ms));
  wrap(inner, 'run', (ms) => {
    stages.pipeline += ms;
    stages.commands += 1;
  });
}

interface RunnerStats {
  reads: number;
  empty: number;
  readMs: number;
  applies: number;
  applyMs: number;
  events: number;
  /** Pages with nothing to write: only the checkpoint moved (where the runner tells them apart). */
  advances: number;
  advanceMs: number;
}

/**
 * Each runner's page reads and page writes (`apply`), timed, by wrapping them on the runner
 * (not by changing it): where the wait for the projections goes. Zeroed when the run starts.
 */
function watchRunners(
  projections: ProjectionsService,
): Map<string, RunnerStats> & { reset(): void } {
  const stats = new Map<string, RunnerStats>() as Map<string, RunnerStats> & { reset(): void };
  const zero = (): RunnerStats => ({
    reads: 0,
    empty: 0,
    readMs: 0,
    applies: 0,
    applyMs: 0,
    events: 0,
    advances: 0,
    advanceMs: 0,
  });
  stats.reset = () => {
    for (const name of stats.keys()) stats.set(name, zero());
  };
  for (const runner of projections.runners) {
    const inner = runner as unknown as {
      projection: { name: string };
      store: { readAll: (...args: unknown[]) => Promise<unknown[]> };
      apply: (events: unknown[], ...rest: unknown[]) => Promise<number>;
      advance?: (...args: unknown[]) => Promise<number>;
    };
    const name = inner.projection.name;
    stats.set(name, zero());
    const store = inner.store;
    inner.store = Object.create(store) as typeof store;
    inner.store.readAll = async (...args: unknown[]) => {
      const started = performance.now();
      const page = await store.readAll(...args);
      const stat = stats.get(name)!;
      stat.reads++;
      stat.readMs += performance.now() - started;
      if (page.length === 0) stat.empty++;
      return page;
    };
    const apply = inner.apply.bind(runner);
    inner.apply = async (events: unknown[], ...rest: unknown[]) => {
      const started = performance.now();
      try {
        return await apply(events, ...rest);
      } finally {
        const stat = stats.get(name)!;
        stat.applies++;
        stat.applyMs += performance.now() - started;
        stat.events += events.length;
      }
    };
    if (typeof inner.advance !== 'function') continue;
    const advance = inner.advance.bind(runner);
    inner.advance = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await advance(...args);
      } finally {
        const stat = stats.get(name)!;
        stat.advances++;
        stat.advanceMs += performance.now() - started;
      }
    };
  }
  return stats;
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  process.env.NODE_ENV = 'test';
  let embedded: EmbeddedDatabase | undefined;
  let admin = process.env.DATABASE_URL;
  const dataDir = resolve('.data', `bench-commands-${process.pid}`);
  if (!admin) {
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    admin = embedded.adminUrl;
  }
  const name = `ledger_bench_commands_${process.pid}`;
  await createDatabaseIfMissing(admin, name);
  const url = withDatabase(admin, name);
  await migrate(url);
  const app = await createApp(
    readConfig(
      {
        LEDGER_JWT_SECRET: SECRET,
        PORT: '0',
        LEDGER_INLINE_PROJECTIONS: process.env.LEDGER_INLINE_PROJECTIONS,
      },
      url,
    ),
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const stages = new Stages();
  instrument(app.get(CommandPipeline), stages);
  const runnerStats = options.runners ? watchRunners(app.get(ProjectionsService)) : undefined;
  const regulator = `Bearer ${signToken({ sub: 'bench', role: 'regulator', jurisdiction: 'beijing' }, SECRET)}`;
  const call = client(port, regulator, options.clients + 4);
  const agencies = Array.from({ length: options.agencies }, (_, i) => uscc(i + 1));
  const load = new OtherLoad(name);
  let profiler: Session | undefined;
  let failures = 0;
  let misses = 0;
  const firstErrors: string[] = [];
  const latencies: number[] = [];
  const readLatencies: number[] = [];
  let commands = 0;
  let seconds = 0;
  let usage: ReturnType<OtherLoad['split']> | undefined;
  let nodeCpu = 0;
  let nodeSystemCpu = 0;
  let queries = 0;
  /** Statements by their text (first line, whitespace folded), with --queries. */
  const statements = new Map<string, number>();
  try {
    // Seed: K agencies registered and approved, over HTTP, a few at a time.
    for (let i = 0; i < agencies.length; i += 16) {
      await Promise.all(
        agencies.slice(i, i + 16).map(async (code, j) => {
          const registered = await call('POST', '/api/v1/agencies', {
            uscc: code,
            name: `北京环测第${i + j + 1}有限公司`,
            jurisdiction: 'beijing',
            category: 'comprehensive',
            serviceTypes: ['self-monitoring'],
            legalRepresentative: { name: '王明' },
            commitment: { signedBy: '王明', signedAt: '2026-01-12' },
            occurredAt: '2026-01-12',
          });
          if (registered.status !== 201)
            throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
          const reviewed = await call('POST', `/api/v1/agencies/${code}/review`, {
            outcome: 'approved',
            occurredAt: '2026-01-13',
          });
          if (reviewed.status !== 201)
            throw new Error(`review: ${reviewed.status} ${JSON.stringify(reviewed.body)}`);
        }),
      );
    }
    const inspection = {
      inspectedAt: '2026-03-02',
      method: 'on-site',
      findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
      occurredAt: '2026-03-02',
    };
    /** One command and its read; false when the read did not show the write. */
    const step = async (timed: boolean): Promise<void> => {
      const code = agencies[Math.floor(Math.random() * agencies.length)];
      const started = performance.now();
      const posted = await call('POST', `/api/v1/agencies/${code}/inspections`, inspection);
      const posting = performance.now() - started;
      if (posted.status !== 201) {
        failures++;
        if (firstErrors.length < 5)
          firstErrors.push(`POST ${posted.status} ${JSON.stringify(posted.body).slice(0, 300)}`);
        return;
      }
      const eventId = (posted.body as { eventIds: string[] }).eventIds[0];
      const reading = performance.now();
      const read = await call('GET', `/api/v1/agencies/${code}/credit-record`);
      const readMs = performance.now() - reading;
      const records = (read.body as { records?: { recordEventId: string }[] }).records ?? [];
      if (read.status !== 200 || !records.some((r) => r.recordEventId === eventId)) {
        misses++;
        if (firstErrors.length < 5)
          firstErrors.push(`read ${read.status}: ${eventId} not in the credit record`);
      }
      if (timed) {
        latencies.push(posting);
        readLatencies.push(readMs);
        commands++;
      }
    };
    const runFor = async (ms: number, count: number, timed: boolean) => {
      const until = performance.now() + ms;
      let started = 0;
      await Promise.all(
        Array.from({ length: options.clients }, async () => {
          while (performance.now() < until && started < count) {
            started++;
            await step(timed);
          }
        }),
      );
    };
    await runFor(options.warmup * 1000, Infinity, false);
    stages.reset();
    runnerStats?.reset();
    if (options.cpuProf) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    // Round trips to PostgreSQL, counted at the client: a figure the machine's load does not move.
    const query = Client.prototype.query as (...args: unknown[]) => unknown;
    Client.prototype.query = function counted(this: Client, ...args: unknown[]) {
      queries++;
      if (options.queries) {
        const first = args[0] as string | { text?: string; name?: string };
        const text = typeof first === 'string' ? first : (first?.text ?? first?.name ?? '?');
        const shown = text.replace(/\s+/g, ' ').trim().slice(0, 110);
        statements.set(shown, (statements.get(shown) ?? 0) + 1);
      }
      return query.apply(this, args);
    } as typeof Client.prototype.query;
    const sample = load.start();
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    await runFor(options.seconds * 1000, options.count, true);
    seconds = (performance.now() - began) / 1000;
    usage = load.split(sample);
    Client.prototype.query = query as typeof Client.prototype.query;
    const cpu = process.cpuUsage(cpuBefore);
    nodeCpu = cpu.user + cpu.system;
    nodeSystemCpu = cpu.system;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(options.cpuProf!, JSON.stringify(profile));
      profiler.disconnect();
    }
  } finally {
    await app.close();
    await dropDatabase(admin, name).catch(() => undefined);
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  latencies.sort((a, b) => a - b);
  readLatencies.sort((a, b) => a - b);
  const perCommand = (ms: number) => (stages.commands === 0 ? 0 : ms / stages.commands);
  const postMean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  const breakdown = {
    httpAuth: postMean - perCommand(stages.pipeline),
    streamRead: perCommand(stages.read),
    decide: perCommand(stages.pipeline - stages.read - stages.append - stages.wait),
    append: perCommand(stages.append),
    waitForProjections: perCommand(stages.wait),
  };
  const figures = {
    inline: process.env.LEDGER_INLINE_PROJECTIONS ?? 'on',
    agencies: options.agencies,
    clients: options.clients,
    seconds: Number(seconds.toFixed(2)),
    commands,
    commandsPerSecond: Math.round(commands / Math.max(seconds, 1e-9)),
    p50: Number(quantile(latencies, 0.5).toFixed(1)),
    p95: Number(quantile(latencies, 0.95).toFixed(1)),
    p99: Number(quantile(latencies, 0.99).toFixed(1)),
    readP50: Number(quantile(readLatencies, 0.5).toFixed(1)),
    readP99: Number(quantile(readLatencies, 0.99).toFixed(1)),
    misses,
    failures,
    meanMsPerStage: Object.fromEntries(
      Object.entries(breakdown).map(([k, v]) => [k, Number(v.toFixed(2))]),
    ),
    otherCores: usage === undefined ? null : Number(usage.otherCores.toFixed(2)),
    nodeCpuSeconds: Number((nodeCpu / 1e6).toFixed(2)),
    // Per command and its read, background work (the runners) included.
    nodeCpuMsPerCommand: Number((nodeCpu / 1e3 / Math.max(1, commands)).toFixed(2)),
    // Of which in the kernel (system calls: the sockets to PostgreSQL and to the clients).
    nodeSystemCpuMsPerCommand: Number((nodeSystemCpu / 1e3 / Math.max(1, commands)).toFixed(2)),
    // The PostgreSQL server's CPU for this database's sessions (and its own processes), Linux.
    postgresCpuMsPerCommand:
      usage === undefined
        ? null
        : Number(((usage.serverSeconds * 1e3) / Math.max(1, commands)).toFixed(2)),
    queriesPerCommand: Number((queries / Math.max(1, commands)).toFixed(1)),
  };
  console.log(
    `${figures.commands} commands in ${figures.seconds} s: ${figures.commandsPerSecond} commands/s, ` +
      `p50 ${figures.p50} ms, p95 ${figures.p95} ms, p99 ${figures.p99} ms ` +
      `(read after: p50 ${figures.readP50} ms, p99 ${figures.readP99} ms); ` +
      `misses ${misses}, failures ${failures}`,
  );
  console.log(
    'mean ms per command: ' +
      Object.entries(figures.meanMsPerStage)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  console.log(
    `node CPU ${figures.nodeCpuMsPerCommand} ms (${figures.nodeSystemCpuMsPerCommand} in the kernel), ` +
      (figures.postgresCpuMsPerCommand === null
        ? ''
        : `PostgreSQL CPU ${figures.postgresCpuMsPerCommand} ms, `) +
      `${figures.queriesPerCommand} queries per command and its read (runners included)`,
  );
  if (usage !== undefined)
    console.log(
      `other processes used ${usage.otherCores.toFixed(2)} cores meanwhile (machine has 2)`,
    );
  if (options.queries)
    for (const [text, n] of [...statements].sort((a, b) => b[1] - a[1]))
      console.log(`  ${(n / Math.max(1, commands)).toFixed(2).padStart(6)}  ${text}`);
  for (const error of firstErrors) console.log(`  ${error}`);
  if (runnerStats) {
    console.log('runners over the timed run (reads of a page, and the writes of the pages read):');
    for (const [name, st] of runnerStats) {
      const mean = (ms: number, n: number) => (n === 0 ? '-' : (ms / n).toFixed(1));
      console.log(
        `  ${name.padEnd(18)} ${String(st.reads).padStart(5)} reads (${st.empty} empty, ` +
          `${mean(st.readMs, st.reads)} ms), ${String(st.applies).padStart(5)} pages applied ` +
          `(${mean(st.applyMs, st.applies)} ms, ${mean(st.events, st.applies)} events), ` +
          `${st.advances} only moved the checkpoint (${mean(st.advanceMs, st.advances)} ms)`,
      );
    }
  }
  if (options.json) console.log(JSON.stringify(figures));
  return misses > 0 || failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
