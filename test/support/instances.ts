/**
 * Apps running against one database, as separate processes would in production: children
 * running `apps/ledger-api/src/main.ts` (through ts-node, as `npm run ledger` does), which a test
 * can SIGKILL, and in-process apps. Plus a write load over HTTP that records every command the
 * ledger acknowledged, and the projection tables next to a rebuild from zero (issue 9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PostgresEventStore } from '@ledger/event-store';
import { ProjectionRunner } from '@ledger/projections';
import { createApp } from '../../apps/ledger-api/src/create-app';
import { readConfig } from '../../apps/ledger-api/src/config';
import { API_PROJECTIONS } from '../../apps/ledger-api/src/projections/projections.service';
import { TEST_JWT_SECRET, registrationBody } from './app';
import { asAuditor, asBeijing, freshResidentId, freshUscc } from './fixtures';

const ROOT = resolve(__dirname, '../..');

export interface Instance {
  name: string;
  url: string;
  /** Still running: not exited, not killed. */
  alive(): boolean;
  /** What the process wrote (child processes only), for failure messages. */
  output(): string;
  /** SIGKILL (a child) : no shutdown hook runs, its sessions die with it. */
  kill(): Promise<void>;
  /** A clean shutdown. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** Waits (bounded) for `GET /health` to answer 200, failing early when `alive()` turns false. */
async function waitUntilUp(url: string, alive: () => boolean, output: () => string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!alive()) throw new Error(`instance exited while starting:\n${output()}`);
    const status = await fetch(`${url}/health`)
      .then((res) => res.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`instance not up after 90 s:\n${output()}`);
    await sleep(200);
  }
}

/** The app as `npm start` runs it (main.ts: migrations, then listen), in a child process. */
export async function startChildInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/ledger-api/src/main.ts',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        LEDGER_JWT_SECRET: TEST_JWT_SECRET,
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const instance: Instance = {
    name,
    url: `http://127.0.0.1:${port}`,
    alive,
    output: () => log,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
  try {
    await waitUntilUp(instance.url, alive, instance.output);
  } catch (error) {
    await instance.kill();
    throw error;
  }
  return instance;
}

/** The app in this process (as startTestApp configures it), listening on a port of its own. */
export async function startInProcessInstance(name: string, databaseUrl: string): Promise<Instance> {
  process.env.NODE_ENV = 'test';
  const app: NestExpressApplication = await createApp(
    readConfig({ LEDGER_JWT_SECRET: TEST_JWT_SECRET, PORT: '0' }, databaseUrl),
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closed = false;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    alive: () => !closed,
    output: () => '',
    kill: () => Promise.reject(new Error('an in-process app cannot be killed')),
    stop: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export interface Acknowledged {
  instance: string;
  path: string;
  position: number;
  eventIds: string[];
}

/** What a write load saw: every 201 with its events, and the count of every status. */
export class LoadRecord {
  readonly acknowledged: Acknowledged[] = [];
  /** Agencies whose registration was acknowledged. */
  readonly registered: string[] = [];
  readonly statuses = new Map<number | string, number>();
  /** Bodies of answers that are neither 201 nor 503 (at most 20), for failure messages. */
  readonly unexpected: string[] = [];

  count(status: number | string): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  summary(): Record<string, number> {
    return Object.fromEntries([...this.statuses].map(([k, v]) => [String(k), v]));
  }
}

let decisions = 0;

/**
 * The commands an agency goes through (filing, approval, a hire, an inspection, a penalty), each
 * as the beijing regulator, against `pick()`'s instance. A refused connection or a 503 ends the
 * agency's flow: the load moves on to a fresh agency, so a command is never sent twice.
 */
async function agencyFlow(pick: () => Instance, record: LoadRecord): Promise<void> {
  const uscc = freshUscc();
  decisions += 1;
  const steps: [string, object][] = [
    ['/api/v1/agencies', { ...registrationBody(uscc), occurredAt: '2026-01-12' }],
    [`/api/v1/agencies/${uscc}/review`, { outcome: 'approved', occurredAt: '2026-01-13' }],
    [
      `/api/v1/agencies/${uscc}/personnel`,
      {
        idNumber: freshResidentId(),
        name: '张三',
        role: 'laboratory-analysis',
        joinedAt: '2026-02-01',
      },
    ],
    [
      `/api/v1/agencies/${uscc}/inspections`,
      {
        inspectedAt: '2026-11-12',
        method: 'on-site',
        findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
        measures: ['written-notice'],
      },
    ],
    [
      `/api/v1/agencies/${uscc}/penalties`,
      {
        decisionNumber: `京环罚〔2026〕${decisions}号`,
        decidedAt: '2026-11-13',
        violationType: 'untrue-report',
        legalBasis: '《生态环境监测条例》第三十九条',
        content: '罚款人民币五万元',
        fineYuan: 50000,
      },
    ],
  ];
  for (const [path, body] of steps) {
    const instance = pick();
    let status: number | string;
    let answer: Record<string, unknown> = {};
    try {
      const res = await fetch(`${instance.url}${path}`, {
        method: 'POST',
        headers: { Authorization: asBeijing, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      status = res.status;
      answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    } catch {
      status = 'no answer';
    }
    record.count(status);
    if (status !== 201) {
      if (status !== 503 && status !== 'no answer' && record.unexpected.length < 20)
        record.unexpected.push(`${status} POST ${path}: ${JSON.stringify(answer)}`);
      return;
    }
    record.acknowledged.push({
      instance: instance.name,
      path,
      position: answer.position as number,
      eventIds: answer.eventIds as string[],
    });
    if (path === '/api/v1/agencies') record.registered.push(uscc);
  }
}

/** `workers` concurrent agency flows until `until()` says stop. */
export async function writeLoad(
  workers: number,
  pick: () => Instance,
  record: LoadRecord,
  until: () => boolean,
): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!until()) {
        await agencyFlow(pick, record);
        // Without a live instance to pick, an answerless flow returns at once: do not spin.
        await sleep(1);
      }
    }),
  );
}

/** `GET /api/v1/ledger/verify` as an auditor: its status (or 'no answer'). */
export async function verifyStatus(instance: Instance): Promise<number | string> {
  return fetch(`${instance.url}/api/v1/ledger/verify`, { headers: { Authorization: asAuditor } })
    .then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    })
    .catch(() => 'no answer');
}

/** `GET /health/ready`: status and body. */
export async function readiness(
  instance: Instance,
): Promise<{ status: number; body: ReadyBody | undefined }> {
  try {
    const res = await fetch(`${instance.url}/health/ready`);
    return { status: res.status, body: (await res.json()) as ReadyBody };
  } catch {
    return { status: 0, body: undefined };
  }
}

export interface ReadyBody {
  status: string;
  headPosition: number | null;
  projections: {
    name: string;
    position: number;
    lag: number | null;
    leader: boolean;
    lastError: { message: string } | null;
  }[];
}

/** Waits (bounded) until `check()` is true; the last value seen otherwise, in the error. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

/** Every table the API's projections write. */
export const PROJECTION_TABLES = [
  'registry_entries',
  'grade_history_entries',
  'grade_periods',
  'credit_record_entries',
  'credit_records',
  'inspection_plans',
  'export_feed_entries',
  'export_feed_records',
  // Leaves in global order: instances taking turns must build the tree a rebuild builds.
  'merkle_log_nodes',
  'notification_agencies',
  'notification_outbox',
  'ledger_users',
  'person_credit_entries',
  'person_credit_ids',
] as const;

/** Each projection table's rows, as canonical jsonb text, sorted. */
export async function projectionRows(pool: Pool): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of PROJECTION_TABLES) {
    const { rows } = await pool.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`,
    );
    tables[table] = rows.map((r) => r.row);
  }
  return tables;
}

/** Database facts a test checks: the head, the checkpoints, which events exist. */
export class LedgerDatabase {
  readonly pool: Pool;

  constructor(url: string) {
    this.pool = new Pool({ connectionString: url, max: 3 });
    this.pool.on('error', () => undefined);
  }

  async head(): Promise<number> {
    const { rows } = await this.pool.query<{ head: string }>(
      'SELECT coalesce(max(position), 0) AS head FROM ledger_events',
    );
    return Number(rows[0].head);
  }

  async checkpoints(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ name: string; position: string }>(
      'SELECT name, position FROM projection_checkpoints ORDER BY name',
    );
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.position)]));
  }

  /** The acknowledged event ids that are not in the ledger (should be none). */
  async missing(acknowledged: Acknowledged[]): Promise<string[]> {
    const ids = acknowledged.flatMap((a) => a.eventIds);
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT a.id FROM unnest($1::uuid[]) AS a(id)
       WHERE NOT EXISTS (SELECT 1 FROM ledger_events e WHERE e.event_id = a.id)`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** The agencies of `usccs` that have no registry entry. */
  async unregistered(usccs: string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ uscc: string }>(
      `SELECT a.uscc FROM unnest($1::text[]) AS a(uscc)
       WHERE NOT EXISTS (SELECT 1 FROM registry_entries r WHERE r.key = a.uscc)`,
      [usccs],
    );
    return rows.map((r) => r.uscc);
  }

  /** Every API projection rebuilt from position 0 up to `until`: the tables' rows then. */
  async rebuiltRows(url: string, until: number): Promise<Record<string, string[]>> {
    const store = new PostgresEventStore({ connectionString: url, poolSize: 2 });
    try {
      for (const projection of API_PROJECTIONS) {
        await new ProjectionRunner(projection, store, this.pool).rebuild(until, 120_000);
      }
    } finally {
      await store.close();
    }
    return projectionRows(this.pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Terminates every other backend on the pool's database: what a restart or a failover does. */
export async function terminateBackends(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ killed: string }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS killed FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return Number(rows[0].killed);
}
