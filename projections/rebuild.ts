import { Client, type ClientBase, type Pool } from 'pg';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import { appendLeaves, eventLeafData, leafHash } from '@ledger/event-store/transparency/merkle';
import type { ChildRow, Projection } from './projection';
import { PROJECTION_LOCK_SPACE, projectionLockKey, ProjectionRunner, stamper } from './runner';
import { merkleLogProjection } from './merkle-log/merkle-log.projection';
import { registryProjection } from './registry/registry.projection';
import { gradeHistoryProjection } from './grade-history/grade-history.projection';
import { creditRecordProjection } from './credit-record';
import { inspectionPlanProjection } from './inspection-plan/inspection-plan.projection';
import { notificationsProjection } from './notifications/notifications.projection';
import { usersProjection } from './users/users.projection';
import { exportFeedProjection } from './export-feed/export-feed.projection';
import { personCreditProjection } from './person-credit';

// pg's own conversion of a query parameter to its text form: a value written here is sent to
// the server exactly as the runner's parameterised upsert sends it, so both give one row.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

export interface RebuildProgress {
  /** Events read and folded so far. */
  applied: number;
  /**
   * The store's head position when the rebuild started (grows if the reader passes it): the
   * number of events, give or take the positions aborted appends left unused.
   */
  total: number;
  eventsPerSecond: number;
}

export interface RebuildOptions {
  pool: Pool;
  store: EventStore;
  /** Default: every projection of this library (ALL_PROJECTIONS). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of every kind
  projections?: Projection<any>[];
  onProgress?: (progress: RebuildProgress) => void;
  /** Events per page read from the store. Default 10,000. */
  batchSize?: number;
  /** TOAST compression of the rows written (`default_toast_compression`); default the server's. */
  toastCompression?: 'pglz' | 'lz4';
}

export interface RebuildResult {
  /** Events read (every event of the store up to the rebuilt checkpoint). */
  events: number;
  ms: number;
  /**
   * Milliseconds spent on each projection: folding the events in memory, writing its rows and
   * building its indexes (writes of two projections may overlap in time).
   */
  perProjection: Record<string, number>;
  /** Milliseconds of each phase: the pass over the store, the rows, the indexes, the swap. */
  phases?: { read: number; write: number; indexes: number; swap: number };
}

/** Every projection of this library: what `rebuildAll` rebuilds when not told which. */
export const ALL_PROJECTIONS = [
  registryProjection,
  gradeHistoryProjection,
  creditRecordProjection,
  inspectionPlanProjection,
  notificationsProjection,
  usersProjection,
  merkleLogProjection,
  exportFeedProjection,
  personCreditProjection,
] as Projection<unknown>[];

/** Suffix of the shadow tables a rebuild fills before swapping them in. */
export const REBUILD_SUFFIX = '__rebuild';
/** The rebuild's own advisory lock: one rebuild at a time on a database. */
export const REBUILD_LOCK_NAME = 'rebuild';

const ROWS_PER_INSERT = 2_000;
const MERKLE_NODES_PER_INSERT = 50_000;
/** Connections writing rows and building indexes side by side. */
const WRITERS = 2;

interface TableShape {
  table: string;
  shadow: string;
  /** Column name → its SQL type, in table order. */
  types: Map<string, string>;
  /** Primary key, unique and exclusion constraints (each backed by an index). */
  constraints: { name: string; definition: string }[];
  /** Other indexes, as `pg_get_indexdef` writes them. */
  indexes: { name: string; definition: string }[];
}

interface KeyedRow {
  row: unknown;
  position: number;
}

interface Target {
  projection: Projection<unknown>;
  shapes: TableShape[];
  ms: number;
  /** Keyed projections: every row, folded in memory from position 0. */
  rows?: Map<string, KeyedRow>;
  /** Their event child rows (`children.events`), by key, unstamped. */
  eventRows?: Map<string, ChildRow[]>;
  /** Keys changed since the bulk write (the tail applied under the fence). */
  dirty?: Set<string>;
  /** The Merkle log: the tree's size and right edge, and its pending inserts. */
  merkle?: { size: number; frontier: Buffer[]; writes: Promise<void>[] };
}

/**
 * Rebuilds projections from position 0 into shadow tables and swaps them in (ADR 033): one
 * `readAll` pass, pages prefetched, feeds every projection; keyed projections fold every row in
 * memory and write them set-based once at the end (JSON row sets, no per-row round trip), the
 * Merkle log appends its subtrees page by page; indexes and constraints are built after the
 * rows. Then one transaction takes every projection's checkpoint row (the fence of ADR 009, so
 * a live runner waits), applies the events appended meanwhile, swaps the tables and writes the
 * checkpoints. The API keeps answering from the old tables until that commit.
 */
export async function rebuildAll(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, store } = options;
  const projections = (options.projections ?? ALL_PROJECTIONS) as Projection<unknown>[];
  const pageSize = options.batchSize ?? 10_000;
  const started = performance.now();
  const lock = await lockConnection(pool);
  let shadowsMade = false;
  const targets: Target[] = [];
  try {
    await takeLocks(lock, projections);
    for (const projection of projections) {
      const tables = [
        projection.table,
        ...(projection.children ? [projection.children.table] : []),
      ];
      const shapes = await Promise.all(tables.map((table) => describeTable(lock, table)));
      const target: Target = { projection, shapes, ms: 0 };
      if (projection === merkleLogProjection) target.merkle = { size: 0, frontier: [], writes: [] };
      else if (projection.applyBatch === undefined) {
        target.rows = new Map();
        if (projection.children?.events) target.eventRows = new Map();
      }
      targets.push(target);
    }
    shadowsMade = true;
    for (const { shapes } of targets) for (const shape of shapes) await createShadow(lock, shape);

    // One pass over the store: the next page is read while this one is folded.
    const total = await store.headPosition();
    let applied = 0;
    let position = 0;
    const read = (after: number) => {
      const page = store.readAll({ after, limit: pageSize });
      page.catch(() => undefined); // awaited below; a fold failing meanwhile must not orphan it
      return page;
    };
    let next = read(0);
    for (;;) {
      const events = await next;
      if (events.length === 0) break;
      position = events[events.length - 1].position;
      next = read(position);
      for (const target of targets) fold(target, events, pool);
      // At most a few pages of Merkle subtrees in flight: memory stays bounded.
      for (const { merkle } of targets)
        while (merkle && merkle.writes.length > 4) await merkle.writes.shift();
      applied += events.length;
      const seconds = Math.max((performance.now() - started) / 1000, 0.001);
      options.onProgress?.({
        applied,
        total: Math.max(total, applied),
        eventsPerSecond: Math.round(applied / seconds),
      });
    }

    const phases = { read: performance.now() - started, write: 0, indexes: 0, swap: 0 };
    // Rows, then the indexes over them, two connections at a time.
    let t1 = performance.now();
    await inParallel(
      targets.map((target) => async () => {
        const t0 = performance.now();
        if (target.rows)
          await withClient(pool, async (c) => {
            if (options.toastCompression)
              await c.query(`SET default_toast_compression = ${options.toastCompression}`);
            try {
              await writeRows(c, target, target.rows!.keys());
            } finally {
              if (options.toastCompression) await c.query('RESET default_toast_compression');
            }
          });
        if (target.merkle) await Promise.all(target.merkle.writes.splice(0));
        target.ms += performance.now() - t0;
      }),
    );
    phases.write = performance.now() - t1;
    t1 = performance.now();
    await inParallel(
      targets.flatMap((target) =>
        target.shapes.map((shape) => async () => {
          const t0 = performance.now();
          await withClient(pool, (c) => buildIndexes(c, shape));
          target.ms += performance.now() - t0;
        }),
      ),
    );

    phases.indexes = performance.now() - t1;
    // The swap: under every fence, catch up with what was appended meanwhile, then swap.
    const swapStarted = performance.now();
    position = await swap(lock, store, targets, position, pageSize, (events) => {
      applied += events.length;
    });
    const swapMs = performance.now() - swapStarted;
    phases.swap = swapMs;
    for (const target of targets) target.ms += swapMs / Math.max(targets.length, 1);
    shadowsMade = false;

    // Any other projection that applies its pages itself: the runner's rebuild, in place.
    for (const target of targets) {
      if (target.rows || target.merkle) continue;
      const t0 = performance.now();
      await new ProjectionRunner(target.projection, store, pool).rebuild();
      target.ms += performance.now() - t0;
    }
    return {
      events: applied,
      ms: Math.round(performance.now() - started),
      perProjection: Object.fromEntries(
        targets.map((t) => [t.projection.name, Math.round(t.ms)] as const),
      ),
      phases: {
        read: Math.round(phases.read),
        write: Math.round(phases.write),
        indexes: Math.round(phases.indexes),
        swap: Math.round(phases.swap),
      },
    };
  } finally {
    if (shadowsMade) {
      for (const target of targets) await Promise.allSettled(target.merkle?.writes ?? []);
      for (const { shapes } of targets)
        for (const { shadow } of shapes)
          await lock.query(`DROP TABLE IF EXISTS ${shadow}`).catch(() => undefined);
    }
    await lock.end().catch(() => undefined);
  }
}

/**
 * A connection of its own for the rebuild's session-level advisory locks (as a runner's): they
 * go with it if the process dies.
 */
async function lockConnection(pool: Pool): Promise<Client> {
  const client = new Client({ ...pool.options, keepAlive: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * One rebuild at a time; and each projection's advisory lock (ADR 009) when no runner holds it,
 * so that no runner starts leading during the rebuild. A live leader keeps its lock: it is
 * kept out by the checkpoint fence during the swap instead (ADR 033).
 */
async function takeLocks(lock: Client, projections: Projection<unknown>[]): Promise<void> {
  const { rows } = await lock.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock($1, $2) AS locked',
    [PROJECTION_LOCK_SPACE, projectionLockKey(REBUILD_LOCK_NAME)],
  );
  if (!rows[0].locked) throw new Error('another rebuild is running on this database');
  for (const projection of projections) {
    await lock.query('SELECT pg_try_advisory_lock($1, $2)', [
      PROJECTION_LOCK_SPACE,
      projectionLockKey(projection.name),
    ]);
  }
}

async function describeTable(client: ClientBase, table: string): Promise<TableShape> {
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  const constraints = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname`,
    [table],
  );
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY i.relname`,
    [table],
  );
  return {
    table,
    shadow: `${table}${REBUILD_SUFFIX}`,
    types: new Map(columns.rows.map((c) => [c.name, c.type])),
    constraints: constraints.rows,
    indexes: indexes.rows,
  };
}

/** The table's columns, defaults and checks; no index, no key (they are built after the rows). */
async function createShadow(client: ClientBase, shape: TableShape): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${shape.shadow}`);
  await client.query(
    `CREATE TABLE ${shape.shadow} (LIKE ${shape.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
  );
}

/** Shadow name of an index or constraint, until the swap gives it the original's. */
const shadowName = (name: string) =>
  `${name.slice(0, 63 - REBUILD_SUFFIX.length)}${REBUILD_SUFFIX}`;

async function buildIndexes(client: ClientBase, shape: TableShape): Promise<void> {
  await client.query(`SET maintenance_work_mem = '256MB'`);
  for (const { name, definition } of shape.constraints) {
    await client.query(
      `ALTER TABLE ${shape.shadow} ADD CONSTRAINT ${shadowName(name)} ${definition}`,
    );
  }
  for (const { name, definition } of shape.indexes) {
    const match = /^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)( .*)$/s.exec(definition);
    if (!match) throw new Error(`cannot rebuild index ${name}: ${definition}`);
    await client.query(`${match[1]}${shadowName(name)}${match[3]}${shape.shadow}${match[5]}`);
  }
  await client.query(`ANALYZE ${shape.shadow}`);
}

/** Folds a page into a projection's state (and sends the Merkle log's new subtrees). */
function fold(target: Target, events: StoredEvent[], pool: Pool): void {
  const t0 = performance.now();
  const { projection, rows, merkle, dirty, eventRows } = target;
  const events_ = projection.children?.events;
  if (rows) {
    for (const event of events) {
      if (!projection.handles.has(event.type)) continue;
      const keys = projection.keyOf(event);
      if (keys === null) continue;
      for (const key of typeof keys === 'string' ? [keys] : keys) {
        const current = rows.get(key);
        // One event naming a key twice is applied to it once, as in the runner.
        if (current !== undefined && event.position <= current.position) continue;
        const row = projection.evolve(current === undefined ? null : current.row, event, key);
        if (current === undefined) rows.set(key, { row, position: event.position });
        else {
          current.row = row;
          current.position = event.position;
        }
        if (events_ && eventRows) {
          if (row === null)
            throw new Error(
              `${projection.name}: a projection with event rows dropped the row ${key}`,
            );
          const added = events_.rows(key, event);
          if (added.length > 0) {
            const list = eventRows.get(key);
            if (list) list.push(...added);
            else eventRows.set(key, added);
          }
        }
        dirty?.add(key);
      }
    }
  } else if (merkle) {
    const appended = appendLeaves(
      merkle.size,
      merkle.frontier,
      events.map((event) => leafHash(eventLeafData(event.hash))),
    );
    const leafEvents = new Map(events.map((event, i) => [merkle.size + i, event]));
    merkle.size = appended.size;
    merkle.frontier = appended.frontier;
    const shadow = target.shapes[0].shadow;
    for (let i = 0; i < appended.nodes.length; i += MERKLE_NODES_PER_INSERT) {
      const nodes = appended.nodes.slice(i, i + MERKLE_NODES_PER_INSERT);
      const write = insertMerkleNodes(pool, shadow, nodes, leafEvents);
      write.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
      merkle.writes.push(write);
    }
  }
  target.ms += performance.now() - t0;
}

function insertMerkleNodes(
  db: Pick<ClientBase, 'query'>,
  table: string,
  nodes: [number, number, Buffer][],
  leafEvents: Map<number, StoredEvent>,
): Promise<void> {
  return db
    .query(
      `INSERT INTO ${table} (level, idx, hash, position, event_id)
       SELECT l, i, decode(h, 'hex'), p, e
       FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[], $5::uuid[]) AS n(l, i, h, p, e)`,
      [
        nodes.map(([level]) => level),
        nodes.map(([, index]) => index),
        nodes.map(([, , hash]) => hash.toString('hex')),
        nodes.map(([level, index]) => (level === 0 ? leafEvents.get(index)!.position : null)),
        nodes.map(([level, index]) => (level === 0 ? leafEvents.get(index)!.eventId : null)),
      ],
    )
    .then(() => undefined);
}

/**
 * Writes the rows of the keys given (all of them, or the keys the tail changed), set-based:
 * each statement inserts a JSON array of rows. The document goes as JSON; every other value is
 * converted as pg converts a parameter and cast to its column's type by the server.
 */
async function writeRows(
  client: ClientBase,
  target: Target,
  keys: Iterable<string>,
): Promise<void> {
  const { projection, rows, shapes } = target;
  const [parent, child] = shapes;
  let parents: Record<string, unknown>[] = [];
  let children: Record<string, unknown>[] = [];
  // One statement at a time on the connection; the next chunk is built while it runs.
  let inFlight: Promise<unknown> = Promise.resolve();
  const send = async (shape: TableShape, chunk: Record<string, unknown>[]) => {
    const statement = insertStatement(shape, chunk);
    await inFlight;
    inFlight = client.query(statement.text, statement.values);
    inFlight.catch(() => undefined);
  };
  const flush = async (force: boolean) => {
    if (parents.length >= ROWS_PER_INSERT || (force && parents.length > 0)) {
      const chunk = parents;
      parents = [];
      await send(parent, chunk);
    }
    if (child && (children.length >= ROWS_PER_INSERT || (force && children.length > 0))) {
      const chunk = children;
      children = [];
      await send(child, chunk);
    }
  };
  for (const key of keys) {
    const stored = rows!.get(key);
    if (stored === undefined || stored.row === null) continue;
    const row: Record<string, unknown> = {
      key,
      doc: stored.row,
      last_position: stored.position,
    };
    for (const [name, value] of Object.entries(projection.columns(stored.row)))
      row[name] = textOf(value);
    parents.push(row);
    if (projection.children && child) {
      const push = (childRow: ChildRow) => {
        const out: Record<string, unknown> = { key };
        for (const [name, value] of Object.entries(childRow)) out[name] = textOf(value);
        children.push(out);
      };
      for (const childRow of projection.children.rows(key, stored.row)) push(childRow);
      const events = projection.children.events;
      if (events) {
        // Stamped from the row as it ends, as the runner's writes leave them.
        const stamp = stamper(events, stored.row);
        for (const childRow of target.eventRows?.get(key) ?? [])
          push({ ...childRow, ...stamp(String(childRow[events.stampBy])) });
      }
    }
    if (parents.length >= ROWS_PER_INSERT || children.length >= ROWS_PER_INSERT) await flush(false);
  }
  await flush(true);
  await inFlight;
}

function textOf(value: unknown): string | null {
  const text = prepareValue(value) as string | null | undefined;
  return text === null || text === undefined ? null : text;
}

/**
 * `INSERT … SELECT` from `json_to_recordset`: the documents as jsonb, every other column as the
 * text pg would have sent, cast to the column's type.
 */
function insertStatement(
  shape: TableShape,
  rows: Record<string, unknown>[],
): { text: string; values: [string] } {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  const columns = [...names].filter((name) => shape.types.has(name) || unknownColumn(shape, name));
  const record = columns.map((name) => `${quote(name)} ${name === 'doc' ? 'jsonb' : 'text'}`);
  const select = columns.map((name) =>
    name === 'doc' ? 'r.doc' : `r.${quote(name)}::${shape.types.get(name)}`,
  );
  return {
    text: `INSERT INTO ${shape.shadow} (${columns.map(quote).join(', ')})
     SELECT ${select.join(', ')} FROM json_to_recordset($1::json) AS r(${record.join(', ')})`,
    values: [JSON.stringify(rows)],
  };
}

function unknownColumn(shape: TableShape, name: string): never {
  throw new Error(`${shape.table} has no column ${name}`);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The one transaction that replaces the tables: every rebuilt projection's checkpoint row is
 * locked first (a live runner's next page waits on it, and one in flight commits before),
 * then the events appended since the pass are folded and written into the shadow tables, the
 * old tables are dropped, the shadow ones renamed, and the checkpoints set.
 */
async function swap(
  client: Client,
  store: EventStore,
  targets: Target[],
  from: number,
  pageSize: number,
  onTail: (events: StoredEvent[]) => void,
): Promise<number> {
  const swapped = targets.filter((t) => t.rows || t.merkle);
  await client.query('BEGIN');
  try {
    for (const { projection } of [...swapped].sort((a, b) =>
      a.projection.name < b.projection.name ? -1 : 1,
    )) {
      await client.query(
        `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, 0, now())
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name`,
        [projection.name],
      );
    }
    // Every runner's stored checkpoint is now at most the head: read up to it.
    for (const target of swapped) if (target.rows) target.dirty = new Set();
    let position = from;
    for (;;) {
      const events = await store.readAll({ after: position, limit: pageSize });
      if (events.length === 0) break;
      position = events[events.length - 1].position;
      onTail(events);
      for (const target of swapped) {
        fold(target, events, client as unknown as Pool);
        if (target.merkle) await Promise.all(target.merkle.writes.splice(0));
      }
    }
    for (const target of swapped) {
      if (!target.rows || target.dirty!.size === 0) continue;
      const keys = [...target.dirty!];
      for (const shape of [...target.shapes].reverse())
        await client.query(`DELETE FROM ${shape.shadow} WHERE key = ANY($1)`, [keys]);
      await writeRows(client, target, keys);
    }
    for (const { shapes } of swapped) {
      for (const shape of shapes) {
        await client.query(`DROP TABLE ${shape.table}`);
        await client.query(`ALTER TABLE ${shape.shadow} RENAME TO ${shape.table}`);
        for (const { name } of shape.constraints)
          await client.query(
            `ALTER TABLE ${shape.table} RENAME CONSTRAINT ${shadowName(name)} TO ${name}`,
          );
        for (const { name } of shape.indexes)
          await client.query(`ALTER INDEX ${shadowName(name)} RENAME TO ${name}`);
      }
    }
    await client.query(
      `UPDATE projection_checkpoints SET position = $2, updated_at = now(),
         last_error = NULL, last_error_at = NULL
       WHERE name = ANY($1)`,
      [swapped.map((t) => t.projection.name), position],
    );
    await client.query('COMMIT');
    return position;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function withClient<T>(pool: Pool, work: (client: ClientBase) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const ignore = () => undefined;
  client.on('error', ignore);
  let failure: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.removeListener('error', ignore);
    client.release(failure);
  }
}

/** Runs the tasks, `WRITERS` at a time. */
async function inParallel(tasks: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(WRITERS, tasks.length) }, worker));
}
