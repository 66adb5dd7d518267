/**
 * The body of `npm run bench:scale` (issue 14): builds the national data set (scale-data.ts) in
 * a database of its own, runs the real app in-process over HTTP on it and measures every
 * section in one run; with `smoke`, the same at a small size, where what counts is the
 * correctness checks (rebuild equals incremental, every query answers, read-your-writes,
 * verify), never a timing. The CLI is scale.ts; test/bench-scale.e2e-spec.ts runs the checks.
 */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedDatabase,
} from '@ledger/database';
import { agencyStreamId, policyInForce, type Jurisdiction } from '@ledger/domain';
import { PostgresEventStore } from '@ledger/event-store';
import { BulkSealer } from '@ledger/personal-data';
import { createApp } from '../../apps/ledger-api/src/create-app';
import { readConfig } from '../../apps/ledger-api/src/config';
import { signToken } from '../../apps/ledger-api/src/auth/sign-token';
import type { Actor } from '../../apps/ledger-api/src/auth';
import { ProjectionsService } from '../../apps/ledger-api/src/projections/projections.service';
import { readAuthorities } from '../../apps/ledger-api/src/exports/authorities';
import { runExport } from '../../apps/ledger-api/src/exports/run-export';
import { DATA_END, dataStart, loadDataSet, Random, usccOf, type LoadReport } from './scale-data';
import { rebuildAll } from './scale-rebuild';
import { differences, projectionTables } from './scale-compare';

export const SECTIONS = [
  'load',
  'queries',
  'commands',
  'writes',
  'verify',
  'export',
  'rebuild',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface ScaleOptions {
  agencies: number;
  years: number;
  seed: number;
  /** Appends in flight while loading. */
  concurrency: number;
  sections: ReadonlySet<Section>;
  /** Query samples per kind and size. */
  samples: number;
  /** Concurrent HTTP clients, and the commands they give in all. */
  clients: number;
  commands: number;
  /** Timed commands at each stream size of the write-latency section. */
  writeSamples: number;
  writeSizes: [number, number];
  /**
   * How the app's tables are first built after the load: its live runners from zero, or one
   * `rebuildAll` pass before it starts (timed as `firstRebuild`).
   */
  firstBuild?: 'runners' | 'rebuild';
  /** Also measure the queries on a data set of about this many events (0: not). */
  smallEvents: number;
  /** A PostgreSQL maintenance URL; absent: an embedded server for the run. */
  adminUrl?: string;
  log: (line: string) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ScaleResult {
  figures: Record<string, unknown>;
  checks: Check[];
}

const SECRET = 'bench-scale-secret';
const MB = 1024 * 1024;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}

export function latency(times: number[], seconds: number): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return {
    n: sorted.length,
    p50: round(q(0.5), 2),
    p99: round(q(0.99), 2),
    max: round(sorted.at(-1) ?? 0, 2),
    perSecond: Math.round(sorted.length / seconds),
  };
}

const bearer = (actor: Actor) => `Bearer ${signToken(actor, SECRET)}`;
const regulator = (jurisdiction: Jurisdiction) =>
  bearer({ sub: `reg-${jurisdiction}`, role: 'regulator', jurisdiction });
const AUDITOR = bearer({ sub: 'bench-auditor', role: 'auditor' });

/** A small HTTP client over the app's listening port (keep-alive: fetch pools connections). */
class Http {
  constructor(private readonly base: string) {}

  async call(
    method: 'GET' | 'POST',
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; text: string; ms: number }> {
    const started = performance.now();
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(token && { authorization: token }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, ms };
  }
}

interface Ledger {
  url: string;
  pool: Pool;
  store: PostgresEventStore;
  app?: NestExpressApplication;
  http?: Http;
  load: LoadReport;
  loadStartedAt: string;
  loadEndedAt: string;
  drop(): Promise<void>;
}

async function ledgerNow(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return rows[0].now.toISOString();
}

/** A database of its own, migrated, loaded with the data set. */
async function buildLedger(
  admin: string,
  label: string,
  agencies: number,
  options: ScaleOptions,
): Promise<Ledger> {
  const name = `ledger_bench_scale_${label}_${process.pid}`;
  await dropDatabase(admin, name).catch(() => undefined);
  await createDatabaseIfMissing(admin, name);
  const url = withDatabase(admin, name);
  await migrate(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({
    connectionString: url,
    poolSize: Math.max(2, options.concurrency),
  });
  const seedRandom = new Random(options.seed, 0);
  const sealer = new BulkSealer(pool, readConfig({}, url).piiSecret, (n) => seedRandom.bytes(n));
  const loadStartedAt = await ledgerNow(pool);
  let lastLog = 0;
  const load = await loadDataSet(store, sealer, {
    seed: options.seed,
    agencies,
    years: options.years,
    concurrency: options.concurrency,
    onProgress: (done, events) => {
      if (performance.now() - lastLog < 5_000) return;
      lastLog = performance.now();
      options.log(`  load ${label}: ${done}/${agencies} agencies, ${events} events`);
    },
  });
  const loadEndedAt = await ledgerNow(pool);
  await pool.query('ANALYZE');
  return {
    url,
    pool,
    store,
    load,
    loadStartedAt,
    loadEndedAt,
    drop: async () => {
      await pool.end();
      await store.close();
      await dropDatabase(admin, name);
    },
  };
}

/** The real app, in-process, listening on a free port; answers once its projections are at the head. */
async function startApp(ledger: Ledger, log: (line: string) => void): Promise<number> {
  process.env.NODE_ENV = 'test';
  const started = performance.now();
  const app = await createApp(readConfig({ LEDGER_JWT_SECRET: SECRET, PORT: '0' }, ledger.url));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  ledger.app = app;
  ledger.http = new Http(`http://127.0.0.1:${port}`);
  const head = await ledger.store.headPosition();
  log(`  app up; its projection runners catch up to position ${head}`);
  await caughtUp(ledger);
  return (performance.now() - started) / 1000;
}

async function caughtUp(ledger: Ledger): Promise<void> {
  const head = await ledger.store.headPosition();
  const projections = ledger.app!.get(ProjectionsService);
  const done = await Promise.all(projections.runners.map((r) => r.waitFor(head, 3_600_000)));
  if (done.includes(false)) throw new Error(`projections did not reach ${head}`);
}

/**
 * The grading cycles of every jurisdiction and year a policy grades, over HTTP as a regulator
 * runs them (started early the next year), with objections from a few agencies, decided, then
 * published: late-recorded facts about past years, decided by the app's own handlers.
 */
async function gradingCycles(
  ledger: Ledger,
  options: ScaleOptions,
): Promise<Record<string, unknown>> {
  const http = ledger.http!;
  const random = new Random(options.seed, 999_999);
  const summary = { cycles: 0, proposals: 0, objections: 0, refused: [] as string[] };
  const firstYear = Number(dataStart(options.years).slice(0, 4));
  for (const jurisdiction of ['beijing', 'chongqing', 'jiaxing'] as Jurisdiction[]) {
    for (let year = firstYear; year < Number(DATA_END.slice(0, 4)); year++) {
      const startOn = `${year + 1}-01-20`;
      if (!policyInForce(jurisdiction, startOn)) continue;
      const token = regulator(jurisdiction);
      const started = await http.call('POST', '/api/v1/grading-cycles', token, {
        jurisdiction,
        year,
        occurredAt: startOn,
      });
      if (started.status !== 201) {
        summary.refused.push(
          `${jurisdiction} ${year}: ${started.status} ${started.text.slice(0, 160)}`,
        );
        continue;
      }
      const cycle = started.body as {
        cycleId: string;
        publicityEndsOn: string;
        proposals: { uscc: string }[];
      };
      summary.cycles++;
      summary.proposals += cycle.proposals.length;
      const objected = cycle.proposals.filter(() => random.chance(0.02));
      let lastDecision = startOn;
      for (const { uscc } of objected) {
        const filedOn = `${year + 1}-01-22`;
        const filed = await http.call(
          'POST',
          `/api/v1/agencies/${uscc}/objections`,
          bearer({ sub: `agency-${uscc}`, role: 'agency', uscc }),
          { cycleId: cycle.cycleId, reason: '评分有误，申请复核', occurredAt: filedOn },
        );
        if (filed.status !== 201) {
          summary.refused.push(`objection ${uscc}: ${filed.status} ${filed.text.slice(0, 160)}`);
          continue;
        }
        summary.objections++;
        const { objectionId } = filed.body as { objectionId: string };
        lastDecision = `${year + 1}-01-28`;
        const upheld = random.chance(0.3);
        const decided = await http.call(
          'POST',
          `/api/v1/objections/${objectionId}/decision`,
          token,
          {
            outcome: upheld ? 'upheld' : 'rejected',
            ...(upheld && { revisedScore: 85 }),
            reason: upheld ? '复核后调整评分' : '维持原评分',
            occurredAt: lastDecision,
          },
        );
        if (decided.status !== 201)
          summary.refused.push(`decision ${uscc}: ${decided.status} ${decided.text.slice(0, 160)}`);
      }
      const publishOn =
        cycle.publicityEndsOn > lastDecision
          ? nextDay(cycle.publicityEndsOn)
          : nextDay(lastDecision);
      const published = await http.call(
        'POST',
        `/api/v1/grading-cycles/${cycle.cycleId}/publish`,
        token,
        { occurredAt: publishOn },
      );
      if (published.status !== 201)
        summary.refused.push(
          `publish ${cycle.cycleId}: ${published.status} ${published.text.slice(0, 160)}`,
        );
    }
  }
  return summary;
}

const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const randomDate = (random: Random, from: string, to: string) => {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + Math.floor(random.next() * ((b - a) / 86_400_000 + 1)) * 86_400_000)
    .toISOString()
    .slice(0, 10);
};

/** grade, grade-history, credit-record and the public search, at random agencies and times. */
async function queries(
  ledger: Ledger,
  options: ScaleOptions,
  label: string,
): Promise<{ figures: Record<string, Latency>; failures: string[] }> {
  const http = ledger.http!;
  const random = new Random(options.seed, 777_777);
  // Public reads are of published agencies (open at the end of the data set); a regulator's
  // or an auditor's of any. knownAt: the end of the load (before the grading cycles were
  // recorded) or any instant since (after some or all of them).
  const picks = ledger.load.picks;
  const published = picks.filter((p) => p.status === 'registered');
  const since = Date.parse(ledger.loadEndedAt);
  const now = Date.parse(await ledgerNow(ledger.pool));
  const knownAt = () => new Date(since + random.next() * (now - since)).toISOString();
  const start = dataStart(options.years);
  const kinds: Record<string, () => { path: string; token?: string }> = {
    grade: () => {
      const { uscc } = random.pick(published);
      return {
        path: `/api/v1/agencies/${uscc}/grade?asOf=${randomDate(random, start, DATA_END)}&knownAt=${encodeURIComponent(knownAt())}`,
      };
    },
    'grade-history': () => {
      const { uscc } = random.pick(published);
      return {
        path: `/api/v1/agencies/${uscc}/grade-history?knownAt=${encodeURIComponent(knownAt())}`,
      };
    },
    'credit-record': () => {
      const { uscc } = random.pick(picks);
      return {
        path: `/api/v1/agencies/${uscc}/credit-record?asOf=${randomDate(random, start, DATA_END)}&knownAt=${encodeURIComponent(knownAt())}`,
        token: AUDITOR,
      };
    },
    search: () => {
      const { jurisdiction } = random.pick(picks);
      const q = random.pick([
        '华测',
        '中环',
        '绿源',
        '清源',
        '恒信',
        '博远',
        '蓝天',
        '诚信',
        String(random.int(1, 99)),
      ]);
      return {
        path: `/api/v1/agencies?jurisdiction=${jurisdiction}&q=${encodeURIComponent(q)}&page=1&pageSize=20`,
      };
    },
  };
  const figures: Record<string, Latency> = {};
  const failures: string[] = [];
  for (const [kind, next] of Object.entries(kinds)) {
    // Warm-up, unmeasured: the first requests compile the route's code.
    for (let i = 0; i < Math.min(20, options.samples); i++) {
      const { path, token } = next();
      await http.call('GET', path, token);
    }
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < options.samples; i++) {
      const { path, token } = next();
      const res = await http.call('GET', path, token);
      times.push(res.ms);
      if (res.status !== 200 || res.body === undefined)
        failures.push(`${label} ${kind} ${path}: ${res.status} ${res.text.slice(0, 160)}`);
    }
    figures[kind] = latency(times, (performance.now() - started) / 1000);
  }
  return { figures, failures };
}

/**
 * `clients` concurrent clients recording `commands` inspections in all on agencies open at the
 * end of the data set; after each answer the client reads the agency's credit record and
 * checks that it shows the inspection the answer named (read-your-writes).
 */
async function commandsUnderLoad(
  ledger: Ledger,
  options: ScaleOptions,
): Promise<{ figures: Record<string, unknown>; failures: string[]; stale: number }> {
  const http = ledger.http!;
  const random = new Random(options.seed, 555_555);
  const open = ledger.load.picks.filter((p) => p.status === 'registered');
  const times: number[] = [];
  const failures: string[] = [];
  let stale = 0;
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < options.commands) {
      next++;
      const { uscc, jurisdiction } = random.pick(open);
      const token = regulator(jurisdiction);
      const res = await http.call('POST', `/api/v1/agencies/${uscc}/inspections`, token, {
        inspectedAt: DATA_END,
        method: 'on-site',
        findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
        occurredAt: DATA_END,
      });
      times.push(res.ms);
      if (res.status !== 201) {
        failures.push(`inspection ${uscc}: ${res.status} ${res.text.slice(0, 160)}`);
        continue;
      }
      const [eventId] = (res.body as { eventIds: string[] }).eventIds;
      const read = await http.call('GET', `/api/v1/agencies/${uscc}/credit-record`, token);
      if (read.status !== 200) failures.push(`credit-record ${uscc}: ${read.status}`);
      else if (!read.text.includes(eventId)) stale++;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  return {
    figures: { clients: options.clients, ...latency(times, seconds), readYourWritesMissed: stale },
    failures,
    stale,
  };
}

/** Command latency on one agency at two stream sizes (the logic of scripts/bench/writes.ts). */
async function writeLatency(
  ledger: Ledger,
  options: ScaleOptions,
): Promise<Record<string, unknown>> {
  const http = ledger.http!;
  const uscc = usccOf('beijing', '110105', 9_000_000);
  const token = regulator('beijing');
  const registered = await http.call('POST', '/api/v1/agencies', token, {
    uscc,
    name: '北京环测科技有限公司（写入基准）',
    jurisdiction: 'beijing',
    category: 'comprehensive',
    serviceTypes: ['self-monitoring'],
    legalRepresentative: { name: '王明' },
    commitment: { signedBy: '王明', signedAt: '2026-01-12' },
    occurredAt: '2026-01-12',
  });
  const reviewed = await http.call('POST', `/api/v1/agencies/${uscc}/review`, token, {
    outcome: 'approved',
    occurredAt: '2026-01-13',
  });
  if (registered.status !== 201 || reviewed.status !== 201)
    throw new Error(
      `write-latency agency: ${registered.status} ${reviewed.status} ${registered.text}`,
    );
  const post = async () => {
    const res = await http.call('POST', `/api/v1/agencies/${uscc}/inspections`, token, {
      inspectedAt: '2026-03-02',
      method: 'on-site',
      findings: [],
      occurredAt: '2026-03-02',
    });
    if (res.status !== 201) throw new Error(`inspection: ${res.status} ${res.text}`);
    return res.ms;
  };
  const random = new Random(options.seed, 333_333);
  const rows: Record<string, unknown>[] = [];
  for (const size of options.writeSizes) {
    const streamId = agencyStreamId(uscc);
    let version = (await ledger.store.readStream(streamId)).at(-1)!.version;
    while (version < size) {
      const batch = Math.min(500, size - version);
      const result = await ledger.store.append(
        streamId,
        Array.from({ length: batch }, () => ({
          eventId: random.uuid(),
          type: 'InspectionRecorded',
          data: { inspectedAt: '2026-03-01', method: 'on-site', findings: [] },
          occurredAt: '2026-03-01T02:00:00.000Z',
          metadata: { actor: 'bench', role: 'regulator' },
        })),
        { expectedVersion: version },
      );
      version = result.version;
    }
    const cold = await post();
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < options.writeSamples; i++) times.push(await post());
    rows.push({
      events: size,
      coldMs: round(cold, 2),
      ...latency(times, (performance.now() - started) / 1000),
    });
  }
  const [small, large] = rows as { p50: number }[];
  return { rows, p50Ratio: round(large.p50 / small.p50, 2) };
}

class Sink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.bytes += chunk.length;
    setImmediate(done);
  }
}

/** The whole 双公示 penalty export, streamed into a sink, RSS sampled (scripts/bench/export.ts). */
async function penaltyExport(ledger: Ledger): Promise<Record<string, unknown>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const sink = new Sink();
  const started = performance.now();
  const { rows } = await runExport(
    ledger.pool,
    readAuthorities(undefined),
    {
      what: 'penalties',
      layout: 'shuanggongshi',
      since: '0',
      asOf: DATA_END,
      format: 'csv',
      bom: true,
    },
    sink,
    () => undefined,
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    rows,
    megabytes: round(sink.bytes / MB),
    seconds: round(seconds, 2),
    rssGrowthMB: round((peak - before) / MB),
    gc: gc !== undefined,
  };
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const { log, sections } = options;
  const figures: Record<string, unknown> = {};
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  };
  let embedded: EmbeddedDatabase | undefined;
  let admin = options.adminUrl;
  const dataDir = resolve('.data', `bench-scale-${process.pid}`);
  if (!admin) {
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    admin = embedded.adminUrl;
  }
  try {
    // Queries at about `smallEvents` events: the same generator on fewer agencies.
    if (sections.has('queries') && options.smallEvents > 0) {
      const agencies = Math.max(10, Math.round(options.smallEvents / 59));
      log(`small data set: ${agencies} agencies`);
      const small = await buildLedger(admin, 'small', agencies, options);
      try {
        await startApp(small, log);
        await gradingCycles(small, options);
        await caughtUp(small);
        const { figures: q, failures } = await queries(small, options, 'small');
        figures.queriesSmall = { events: await small.store.headPosition(), ...q };
        check(
          'queries answer at the small size',
          failures.length === 0,
          failures[0] ?? `${Object.keys(q).length} kinds × ${options.samples} all 200`,
        );
      } finally {
        await small.app?.close();
        await small.drop();
      }
    }
    log(`data set: ${options.agencies} agencies over ${options.years} years, seed ${options.seed}`);
    const ledger = await buildLedger(admin, 'full', options.agencies, options);
    try {
      const { load } = ledger;
      figures.load = {
        agencies: load.agencies,
        events: load.events,
        seconds: round(load.seconds),
        eventsPerSecond: load.eventsPerSecond,
        generateSeconds: round(load.generateSeconds),
        byType: load.byType,
        byProfile: load.byProfile,
        byJurisdiction: load.byJurisdiction,
        refused: load.refused,
      };
      log(`loaded ${load.events} events in ${round(load.seconds)} s (${load.eventsPerSecond}/s)`);
      // The export reads the export-feed projection: the live runners build it.
      const needsApp = ['queries', 'commands', 'writes', 'export', 'rebuild'].some((s) =>
        sections.has(s as Section),
      );
      if (needsApp && options.firstBuild === 'rebuild') {
        const head = await ledger.store.headPosition();
        let lastLog = 0;
        const report = await rebuildAll({
          pool: ledger.pool,
          store: ledger.store,
          onProgress: (_, applied) => {
            if (performance.now() - lastLog < 10_000) return;
            lastLog = performance.now();
            log(`  first build by rebuildAll: ${applied}/${head}`);
          },
        });
        figures.firstRebuild = {
          events: head,
          seconds: round(report.seconds),
          eventsPerSecond: Math.round(head / report.seconds),
          ...(report.phases && {
            phases: Object.fromEntries(
              Object.entries(report.phases).map(([k, v]) => [k, round(v)]),
            ),
          }),
          ...(report.projections && {
            projections: Object.fromEntries(
              Object.entries(report.projections).map(([k, v]) => [k, round(v)]),
            ),
          }),
        };
        log(`first build by rebuildAll: ${head} events in ${round(report.seconds)} s`);
      }
      if (needsApp) {
        const seconds = await startApp(ledger, log);
        const head = await ledger.store.headPosition();
        figures.catchUp = {
          events: head,
          seconds: round(seconds),
          eventsPerSecond: Math.round(head / seconds),
        };
        log(`live runners caught up from zero: ${head} events in ${round(seconds)} s`);
        const cycles = await gradingCycles(ledger, options);
        figures.gradingCycles = cycles;
        check(
          'grading cycles over HTTP',
          (cycles.refused as string[]).length === 0,
          (cycles.refused as string[])[0] ??
            `${String(cycles.cycles)} cycles, ${String(cycles.objections)} objections`,
        );
        await caughtUp(ledger);
      }
      if (sections.has('queries')) {
        const { figures: q, failures } = await queries(ledger, options, 'full');
        figures.queries = { events: await ledger.store.headPosition(), ...q };
        check(
          'every query section answers 200 with a body',
          failures.length === 0,
          failures[0] ?? `${Object.keys(q).length} kinds × ${options.samples}`,
        );
      }
      if (sections.has('commands')) {
        const { figures: c, failures, stale } = await commandsUnderLoad(ledger, options);
        figures.commands = c;
        check(
          'commands under load answer 201',
          failures.length === 0,
          failures[0] ?? `${options.commands} inspections`,
        );
        check(
          'read-your-writes',
          stale === 0,
          `${stale} of ${options.commands} reads after an answer missed its write`,
        );
      }
      if (sections.has('writes')) figures.writes = await writeLatency(ledger, options);
      if (sections.has('verify')) {
        const started = performance.now();
        const report = await ledger.store.verify();
        const seconds = (performance.now() - started) / 1000;
        figures.verify = {
          events: report.events,
          streams: report.streams,
          seconds: round(seconds),
          eventsPerSecond: Math.round(report.events / seconds),
        };
        check(
          'verify',
          report.ok,
          report.ok
            ? `${report.events} events in ${report.streams} streams`
            : JSON.stringify(report.firstBadEvent),
        );
      }
      if (sections.has('export')) figures.export = await penaltyExport(ledger);
      if (sections.has('rebuild')) {
        if (ledger.app) {
          await caughtUp(ledger);
          await ledger.app.close();
          ledger.app = undefined;
        }
        const head = await ledger.store.headPosition();
        const incremental = needsApp ? await projectionTables(ledger.pool) : undefined;
        let lastLog = 0;
        const report = await rebuildAll({
          pool: ledger.pool,
          store: ledger.store,
          onProgress: (projection, position) => {
            if (performance.now() - lastLog < 5_000) return;
            lastLog = performance.now();
            log(`  rebuild ${projection}: ${position}/${head}`);
          },
        });
        figures.rebuild = {
          events: head,
          seconds: round(report.seconds),
          eventsPerSecond: Math.round(head / report.seconds),
          ...(report.projections && {
            projections: Object.fromEntries(
              Object.entries(report.projections).map(([k, v]) => [k, round(v)]),
            ),
          }),
          ...(report.phases && {
            phases: Object.fromEntries(
              Object.entries(report.phases).map(([k, v]) => [k, round(v)]),
            ),
          }),
        };
        check(
          'rebuild reaches the head',
          report.position === head,
          `${report.position} of ${head}`,
        );
        if (incremental) {
          const diff = differences(incremental, await projectionTables(ledger.pool));
          check(
            'rebuild from zero equals the incrementally built tables',
            diff.length === 0,
            diff[0] ??
              `${Object.keys(incremental).length} tables, ${Object.values(incremental).reduce((n, rows) => n + rows.length, 0)} rows`,
          );
        }
      }
    } finally {
      await ledger.app?.close();
      await ledger.drop();
    }
  } finally {
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { figures, checks };
}
