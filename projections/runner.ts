import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type ClientBase, type Pool, type PoolClient } from 'pg';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import type { ChildRow, EventChildRows, Projection } from './projection';

export interface StoredRow<Row> {
  row: Row | null;
  position: number;
  dirty: boolean;
}

/** What a write changes: the row as it was loaded, and the event child rows its events add. */
export interface RowChange<Row> {
  /** The stored row the fold started from (null: none), and its position (0: none). */
  before: Row | null;
  beforePosition: number;
  /** `children.events.rows` of every event folded, in order, not yet stamped. */
  eventRows: ChildRow[];
}

/** A row being folded: where it started, where it is, and the event rows of its events. */
export interface Folded<Row> extends RowChange<Row> {
  row: Row | null;
  position: number;
}

/** Applies one event to a folded row (the runner, the inline hook and the rebuild alike). */
export function foldEvent<Row>(
  projection: Projection<Row>,
  folded: { row: Row | null; position: number; eventRows?: ChildRow[] },
  event: StoredEvent,
  key: string,
): void {
  folded.row = projection.evolve(folded.row, event, key);
  folded.position = event.position;
  const events = projection.children?.events;
  // Its event rows could not be derived again: such a projection never drops a row.
  if (events && folded.row === null)
    throw new Error(`${projection.name}: a projection with event rows dropped the row ${key}`);
  if (events && folded.eventRows)
    for (const row of events.rows(key, event)) folded.eventRows.push(row);
}

/**
 * Lock space of the projections' advisory locks: the two-int form `(PROJECTION_LOCK_SPACE,
 * key)`. PostgreSQL keeps two-int keys apart from bigint keys (objsubid 2, not 1), so they can
 * never collide with the store's bigint keys (7308604937434072135, …140) or the migrator's.
 */
export const PROJECTION_LOCK_SPACE = 0x4c50; // "LP"

/** The second half of a projection's advisory lock key: 31 bits of sha256 of its name. */
export function projectionLockKey(name: string): number {
  return createHash('sha256').update(`projection:${name}`).digest().readInt32BE(0);
}

/** What a runner is doing, for `/health/ready` and operators. */
export interface ProjectionStatus {
  name: string;
  /** Last position applied to the table (this process's, or the lock holder's checkpoint). */
  position: number;
  /** True while this process holds the projection's lock and advances it. */
  leader: boolean;
  /** Set while the projection is failing (here, or in the instance that holds its lock). */
  lastError: { message: string; at: string; attempts: number } | null;
}

export interface ProjectionRunnerOptions {
  pollIntervalMs?: number;
  batchSize?: number;
  /** First wait after a failure; doubles on each failure in a row, up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Told of each failure (for the log); the runner retries after `retryInMs`. */
  onFailure?: (failure: {
    name: string;
    message: string;
    attempts: number;
    retryInMs: number;
  }) => void;
}

/**
 * Keeps one projection's table up to date from the event store: catches up from its
 * checkpoint, then follows live. Each page of events is applied in one transaction with the
 * checkpoint, so a crash never applies an event twice or loses one.
 *
 * Several processes may run the same projection on one database (ADR 009): only the one
 * holding the projection's session-level advisory lock applies events, on the very connection
 * that holds the lock, so losing the connection loses the lock and the transaction together.
 * The others follow the stored checkpoint and take the lock over when its holder goes. A
 * failure (a dropped connection, a bug) is kept in `status()` and retried with backoff; the
 * runner never stops by itself.
 */
export class ProjectionRunner<Row> {
  private checkpoint = 0;
  private readonly progress = new EventEmitter();
  private stopped = true;
  private loop?: Promise<void>;
  private waking = new AbortController();
  private wakeRequested = false;
  /** The dedicated connection; while `leader`, it holds the projection's advisory lock. */
  private lockClient?: Client;
  private leader = false;
  private failure?: { message: string; at: string; attempts: number };
  private sharedFailure?: { message: string; at: string };
  private reportedFailure = false;

  constructor(
    private readonly projection: Projection<Row>,
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.progress.setMaxListeners(0);
  }

  get position(): number {
    return this.checkpoint;
  }

  status(): ProjectionStatus {
    const own = this.failure;
    const shared = this.sharedFailure;
    return {
      name: this.projection.name,
      position: this.checkpoint,
      leader: this.leader,
      lastError: own ?? (shared ? { ...shared, attempts: 0 } : null),
    };
  }

  /**
   * Starts following: resolves once this process has caught up (as the lock holder) or has
   * read the holder's checkpoint, or once the first attempt failed (it is retried; see
   * `status()`).
   */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    this.loop = this.run(started);
    await ready;
  }

  /** Waits until the projection has applied `position`, at most `timeoutMs`. True when it has. */
  async waitFor(position: number, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.checkpoint < position) {
      // A failing projection will not get there soon: the caller answers without waiting.
      if (this.failure !== undefined || this.sharedFailure !== undefined) return false;
      this.wake();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([
        once(this.progress, 'advanced'),
        new Promise((r) => setTimeout(r, Math.min(left, 50))),
      ]);
    }
    return true;
  }

  /** Poll now instead of at the next interval (e.g. right after this process appended). */
  wake(): void {
    this.wakeRequested = true;
    // abort() builds a DOMException with a stack each time: once per sleep is enough (every
    // waiting command calls wake() on each turn of its wait).
    if (!this.waking.signal.aborted) this.waking.abort();
  }

  /** Stops following and releases the lock (by ending its connection). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waking.abort();
    await this.loop?.catch(() => undefined);
    await this.dropLockClient();
  }

  private async run(started: () => void): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollIntervalMs = this.options.pollIntervalMs ?? 100;
    const retryMs = this.options.retryMs ?? 100;
    const maxRetryMs = this.options.maxRetryMs ?? 5000;
    while (!this.stopped) {
      let wait = pollIntervalMs;
      try {
        const client = await this.connection();
        if (!this.leader) await this.tryLead(client);
        let full = false;
        if (this.leader) {
          const events = await this.store.readAll({ after: this.checkpoint, limit: batchSize });
          if (events.length > 0) {
            const applied = this.writesAny(events)
              ? await this.apply(events, client)
              : await this.advance(events[events.length - 1].position, client);
            this.checkpoint = Math.max(this.checkpoint, applied);
            this.progress.emit('advanced');
          }
          full = events.length >= batchSize;
        }
        if (this.failure !== undefined) await this.recovered();
        if (full) continue;
        started();
      } catch (error) {
        const attempts = (this.failure?.attempts ?? 0) + 1;
        this.failure = { message: describe(error), at: new Date().toISOString(), attempts };
        wait = Math.min(maxRetryMs, retryMs * 2 ** Math.min(attempts - 1, 16));
        wait = Math.round(wait * (0.75 + Math.random() * 0.5));
        await this.failed();
        this.options.onFailure?.({ name: this.projection.name, ...this.failure, retryInMs: wait });
        this.progress.emit('advanced');
        started();
      }
      if (this.stopped) break;
      if (!this.wakeRequested || this.failure !== undefined) {
        this.waking = new AbortController();
        await sleep(wait, undefined, { signal: this.waking.signal }).catch(() => undefined);
      }
      this.wakeRequested = false;
    }
    started();
  }

  /**
   * False when no event of the page can change the table: none of a type the projection
   * handles, or none it keys (an inspection without a plan, for the plans). Such pages are most
   * of what a runner reads (another projection's events), and `apply` would spend a transaction
   * of four statements on writing nothing but the checkpoint. True when it cannot tell.
   */
  private writesAny(events: StoredEvent[]): boolean {
    const { projection } = this;
    if (projection.applyBatch) return true;
    return events.some((event) => {
      if (!projection.handles.has(event.type)) return false;
      try {
        const keys = projection.keyOf(event);
        return keys !== null && (!Array.isArray(keys) || keys.length > 0);
      } catch {
        return true; // `apply` meets the same error, and reports it
      }
    });
  }

  /**
   * The checkpoint moved past a page with nothing to write, in one statement, and returned as
   * `apply` returns it (the stored one when that is further). The statement waits for the
   * checkpoint row's lock as `apply`'s fence does, so a rebuild in progress is waited for, and
   * its checkpoint is kept when it went further (GREATEST, as `apply`'s own update).
   */
  private async advance(last: number, client: Client): Promise<number> {
    const { rows } = await client.query<{ position: string }>(
      `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET
         position = GREATEST(projection_checkpoints.position, EXCLUDED.position),
         updated_at = now(), last_error = NULL, last_error_at = NULL
       RETURNING position`,
      [this.projection.name, last],
    );
    return Number(rows[0].position);
  }

  /** The dedicated connection, opened again when it was lost. */
  private async connection(): Promise<Client> {
    if (this.lockClient) return this.lockClient;
    // Bounded connect and TCP keepalive: an unreachable server fails the attempt (retried with
    // backoff) instead of hanging the runner, and its stop() with it.
    const client = new Client({
      ...this.pool.options,
      connectionTimeoutMillis: this.pool.options.connectionTimeoutMillis || 10_000,
      keepAlive: true,
    });
    // Whatever the server does to this connection is handled where it is used: a listener
    // keeps pg from throwing it out of the process (issue 9).
    client.on('error', () => {
      if (this.lockClient === client) {
        this.lockClient = undefined;
        this.leader = false;
      }
    });
    await client.connect();
    if (this.stopped) {
      await client.end().catch(() => undefined);
      throw new Error('stopped');
    }
    this.lockClient = client;
    return client;
  }

  /**
   * Takes the projection's lock if it is free; otherwise follows the holder's checkpoint and
   * the error it reported.
   */
  private async tryLead(client: Client): Promise<void> {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS locked',
      [PROJECTION_LOCK_SPACE, projectionLockKey(this.projection.name)],
    );
    // Read after the lock is taken (a new statement): the last holder's commits are visible.
    const stored = await this.readCheckpoint(client);
    this.checkpoint = Math.max(this.checkpoint, stored.position);
    if (rows[0].locked) {
      this.leader = true;
      this.sharedFailure = undefined;
    } else {
      this.sharedFailure = stored.lastError;
      this.progress.emit('advanced');
    }
  }

  private async failed(): Promise<void> {
    const client = this.lockClient;
    if (isConnectionLost(client)) {
      // A dropped connection lost the lock with it: connect again and compete for it.
      await this.dropLockClient();
      return;
    }
    // The lock holder tells the other instances why the projection is not advancing.
    if (this.leader && client) {
      await client
        .query(
          `INSERT INTO projection_checkpoints (name, position, updated_at, last_error, last_error_at)
           VALUES ($1, 0, now(), $2, now())
           ON CONFLICT (name) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = now()`,
          [this.projection.name, this.failure?.message ?? 'failed'],
        )
        .then(() => (this.reportedFailure = true))
        .catch(() => undefined);
    }
  }

  private async recovered(): Promise<void> {
    if (this.reportedFailure && this.lockClient) {
      await this.lockClient.query(
        'UPDATE projection_checkpoints SET last_error = NULL, last_error_at = NULL WHERE name = $1',
        [this.projection.name],
      );
      this.reportedFailure = false;
    }
    this.failure = undefined;
  }

  private async dropLockClient(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  /**
   * Applies events to the table in one transaction with the checkpoint, and returns the
   * checkpoint after it. Idempotent, and safe however many writers run at once (ADR 009): the
   * transaction first locks the projection's checkpoint row and skips every event at or below
   * it, and a row is only ever replaced by one with a higher position.
   */
  async apply(events: StoredEvent[], on?: Client | PoolClient): Promise<number> {
    const { projection } = this;
    let pooled: PoolClient | undefined;
    let client = on;
    if (client === undefined) {
      pooled = await this.pool.connect();
      // pg-pool removes its own listener while a client is checked out: without one, a
      // connection dropped in the middle of this transaction would end the process.
      pooled.on('error', ignore);
      client = pooled;
    }
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      const fence = await client.query<{ position: string }>(
        `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, 0, now())
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING position`,
        [projection.name],
      );
      const applied = Number(fence.rows[0].position);
      const last = events.length === 0 ? 0 : events[events.length - 1].position;
      if (last <= applied) {
        await client.query('COMMIT');
        return applied;
      }
      await this.applyWithin(client, events, applied);
      await client.query(
        `UPDATE projection_checkpoints SET position = GREATEST(position, $2), updated_at = now(),
           last_error = NULL, last_error_at = NULL
         WHERE name = $1`,
        [projection.name, last],
      );
      await client.query('COMMIT');
      return last;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (pooled) {
        pooled.removeListener('error', ignore);
        pooled.release(isConnectionLost(pooled) ? (failure ?? true) : undefined);
      }
    }
  }

  /** Applies the events after `applied` to the table, inside the caller's transaction. */
  private async applyWithin(
    client: Client | PoolClient,
    events: StoredEvent[],
    applied: number,
  ): Promise<void> {
    const { projection } = this;
    if (projection.applyBatch) {
      await projection.applyBatch(
        client,
        events.filter((event) => event.position > applied),
      );
      return;
    }
    const keyed: [StoredEvent, string[]][] = [];
    for (const event of events) {
      if (event.position <= applied || !projection.handles.has(event.type)) continue;
      const keys = projection.keyOf(event);
      keyed.push([event, keys === null ? [] : Array.isArray(keys) ? keys : [keys]]);
    }
    // Every row the page touches in one round trip, not one per key.
    const stored = await loadRows(projection, client, [
      ...new Set(keyed.flatMap(([, keys]) => keys)),
    ]);
    const rows = new Map<string, Folded<Row>>();
    for (const [event, keys] of keyed) {
      for (const key of keys) {
        let folded = rows.get(key);
        if (folded === undefined) {
          const { row, position } = stored.get(key) ?? { row: null, position: 0 };
          folded = { before: row, beforePosition: position, row, position, eventRows: [] };
          rows.set(key, folded);
        }
        if (event.position <= folded.position) continue;
        foldEvent(projection, folded, event, key);
      }
    }
    for (const [key, folded] of rows)
      if (folded.position > folded.beforePosition)
        await this.write(client, key, folded.row, folded.position, folded);
  }

  private async write(
    client: Client | PoolClient,
    key: string,
    row: Row | null,
    position: number,
    change: RowChange<Row>,
  ): Promise<void> {
    await writeRow(this.projection, client, key, row, position, change);
  }

  /**
   * Rebuilds the projection from position 0, safely while the API runs (issue 9): one
   * transaction locks the projection's checkpoint row (the fence every `apply` takes first, so
   * the live runner of any instance pauses on it), empties the table, applies every event
   * again and sets the checkpoint. Readers go on seeing the old rows until the commit swaps in
   * the new ones at once; the live runner then resumes from the rebuilt checkpoint.
   *
   * Readers see only events of appends already finished (ADR 007): with `until`, the rebuild
   * waits (at most `timeoutMs`) until it has applied that position.
   */
  async rebuild(
    until?: number,
    timeoutMs = 30_000,
    onProgress?: (position: number) => void,
  ): Promise<number> {
    const { projection } = this;
    const client = await this.pool.connect();
    client.on('error', ignore);
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, 0, now())
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name`,
        [projection.name],
      );
      if (projection.children) await client.query(`DELETE FROM ${projection.children.table}`);
      await client.query(`DELETE FROM ${projection.table}`);
      let position = 0;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = await this.store.readAll({ after: position, limit: 1000 });
        if (events.length > 0) {
          await this.applyWithin(client, events, position);
          position = events[events.length - 1].position;
          onProgress?.(position);
          continue;
        }
        if (until === undefined || position >= until) break;
        if (Date.now() > deadline)
          throw new Error(`rebuild reached ${position}, not ${until}, in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(
        `UPDATE projection_checkpoints SET position = $2, updated_at = now(),
           last_error = NULL, last_error_at = NULL
         WHERE name = $1`,
        [projection.name, position],
      );
      await client.query('COMMIT');
      this.checkpoint = position;
      this.progress.emit('advanced');
      return position;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', ignore);
      client.release(isConnectionLost(client) ? (failure ?? true) : undefined);
    }
  }

  private async readCheckpoint(
    client: Client,
  ): Promise<{ position: number; lastError?: { message: string; at: string } }> {
    const { rows } = await client.query<{
      position: string;
      last_error: string | null;
      last_error_at: Date | null;
    }>('SELECT position, last_error, last_error_at FROM projection_checkpoints WHERE name = $1', [
      this.projection.name,
    ]);
    if (rows.length === 0) return { position: 0 };
    const { position, last_error: message, last_error_at: at } = rows[0];
    return {
      position: Number(position),
      ...(message !== null && { lastError: { message, at: (at ?? new Date()).toISOString() } }),
    };
  }
}

/** A projection's row as stored, with the position of the last event applied to it (0: none). */
export async function loadRow<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
): Promise<StoredRow<Row>> {
  const { rows } = await client.query<{ doc: Row; last_position: string }>(
    `SELECT doc, last_position FROM ${projection.table} WHERE key = $1`,
    [key],
  );
  return rows.length === 0
    ? { row: null, position: 0, dirty: false }
    : { row: rows[0].doc, position: Number(rows[0].last_position), dirty: false };
}

/** The stored rows of `keys` (those that exist), in one query. */
export async function loadRows<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  keys: string[],
): Promise<Map<string, StoredRow<Row>>> {
  const found = new Map<string, StoredRow<Row>>();
  if (keys.length === 0) return found;
  const { rows } = await client.query<{ key: string; doc: Row; last_position: string }>(
    `SELECT key, doc, last_position FROM ${projection.table} WHERE key = ANY($1::text[])`,
    [keys],
  );
  for (const { key, doc, last_position } of rows)
    found.set(key, { row: doc, position: Number(last_position), dirty: false });
  return found;
}

/**
 * Writes one row, guarded by position (ADR 009): the upsert changes nothing when the stored row
 * is at that position or newer, and then the child rows are left as they are too. The parent
 * row is written (and so locked) first, so two writers of one key run one after the other. The
 * runner and the inline projections (ADR 034) write through here alike.
 *
 * A projection whose child rows have an `identity` or come from events is written as a change
 * from `change.before` (issue 14): only the child rows that differ are sent. That needs the
 * stored row to still be `before`, so its upsert expects `before`'s position (optimistic
 * concurrency); when another writer got there first, the write is done again as a whole.
 */
export async function writeRow<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
  row: Row | null,
  position: number,
  change: RowChange<Row>,
): Promise<void> {
  const children = projection.children;
  if (row !== null && children !== undefined && (children.identity || children.events)) {
    if (await upsert(projection, client, key, row, position, change.beforePosition))
      return writeChildChanges(projection, client, key, row, change);
    // Another writer changed the row since it was loaded: newer (nothing to do), or older than
    // this fold, which then replaces it and all of its derived child rows.
    const { rows } = await client.query<{ last_position: string }>(
      `SELECT last_position FROM ${projection.table} WHERE key = $1 FOR UPDATE`,
      [key],
    );
    if (rows.length > 0 && Number(rows[0].last_position) >= position) return;
    await upsert(projection, client, key, row, position, undefined);
    return writeChildrenWhole(projection, client, key, row, change.eventRows);
  }
  if (row === null) {
    const gone = await client.query(
      `DELETE FROM ${projection.table} WHERE key = $1 AND last_position < $2`,
      [key, position],
    );
    if (gone.rowCount === 0) return;
  } else if (!(await upsert(projection, client, key, row, position, undefined))) return;
  if (!children) return;
  // A statement of its own, after the parent's: its snapshot is taken once the parent row's
  // lock is held, so it sees the child rows of a writer this one waited for. (Folded into the
  // parent's statement as a CTE, it would use the snapshot from before the wait, miss them,
  // and the insert below would collide with them.)
  await client.query(`DELETE FROM ${children.table} WHERE key = $1`, [key]);
  if (row !== null) await insertChildren(client, children.table, key, children.rows(key, row));
}

/**
 * The parent row's upsert. With `expected` (the position it was loaded at; 0: absent), it
 * writes only over that very row: false when the stored row is another one. Without, it writes
 * over any older row: false when the stored row is at `position` or newer.
 */
async function upsert<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
  row: Row,
  position: number,
  expected: number | undefined,
): Promise<boolean> {
  const columns = projection.columns(row);
  const names = Object.keys(columns);
  const params = [key, JSON.stringify(row), position, ...Object.values(columns)];
  const insert = `INSERT INTO ${projection.table} AS t (key, doc, last_position${names.map((n) => `, ${n}`).join('')})
     VALUES ($1, $2, $3${names.map((_, i) => `, $${i + 4}`).join('')})`;
  const update = `UPDATE SET doc = EXCLUDED.doc, last_position = EXCLUDED.last_position
       ${names.map((n) => `, ${n} = EXCLUDED.${n}`).join('')}`;
  const written =
    expected === 0
      ? await client.query(`${insert} ON CONFLICT (key) DO NOTHING`, params)
      : await client.query(
          `${insert} ON CONFLICT (key) DO ${update} WHERE ${
            expected === undefined
              ? 't.last_position < EXCLUDED.last_position'
              : `t.last_position = $${params.length + 1}`
          }`,
          expected === undefined ? params : [...params, expected],
        );
  return written.rowCount !== 0;
}

/** The child rows of a write over `change.before`: what differs, and the new event rows. */
async function writeChildChanges<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
  row: Row,
  change: RowChange<Row>,
): Promise<void> {
  const { table, identity, events } = projection.children!;
  if (!identity) {
    // Derived rows without an identity are replaced; event rows stay.
    await replaceDerivedRows(projection, client, key, row);
  } else {
    const idOf = (child: ChildRow) => JSON.stringify(identity.map((name) => child[name]));
    const old = new Map<string, string>();
    if (change.before !== null)
      for (const child of projection.children!.rows(key, change.before))
        old.set(idOf(child), JSON.stringify(child));
    const changed: ChildRow[] = [];
    for (const child of projection.children!.rows(key, row)) {
      const id = idOf(child);
      const was = old.get(id);
      old.delete(id);
      if (was !== JSON.stringify(child)) changed.push(child);
    }
    // Gone, or changed: deleted, and the changed ones inserted as they are now.
    const stale = [...old.keys(), ...changed.map(idOf)];
    if (stale.length > 0)
      await client.query(
        `DELETE FROM ${table} WHERE key = $1 AND (${identity.join(', ')}) IN
           (SELECT ${identity.map((_, i) => `x->>${i}`).join(', ')} FROM json_array_elements($2::json) AS x)`,
        [key, `[${stale.join(',')}]`],
      );
    await insertChildren(client, table, key, changed);
  }
  if (!events) return;
  const stamp = stamper(events, row);
  await insertChildren(
    client,
    table,
    key,
    change.eventRows.map((child) => ({ ...child, ...stamp(String(child[events.stampBy])) })),
  );
  if (events.stampOf(change.before) !== events.stampOf(row))
    await restamp(projection, client, key, row);
}

/** Every child row of the key from `row`, after another writer's: event rows kept, restamped. */
async function writeChildrenWhole<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
  row: Row,
  eventRows: ChildRow[],
): Promise<void> {
  const { table, events } = projection.children!;
  await replaceDerivedRows(projection, client, key, row);
  if (!events) return;
  // The other writer may have inserted some of these already.
  await insertChildren(client, table, key, eventRows, 'ON CONFLICT DO NOTHING');
  await restamp(projection, client, key, row);
}

/** The key's child rows that `row` derives, replaced; its event rows stay. */
async function replaceDerivedRows<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
  row: Row,
): Promise<void> {
  const { table, events, rows } = projection.children!;
  await client.query(
    `DELETE FROM ${table} WHERE key = $1${events ? ` AND NOT (${events.where})` : ''}`,
    [key],
  );
  await insertChildren(client, table, key, rows(key, row));
}

/** `stamp` memoised by value: a key's event rows share few values (the writes and the rebuild). */
export function stamper<Row>(events: EventChildRows<Row>, row: Row): (value: string) => ChildRow {
  const memo = new Map<string, ChildRow>();
  return (value) => {
    let found = memo.get(value);
    if (found === undefined) memo.set(value, (found = events.stamp(row, value)));
    return found;
  };
}

/** Sets the stamped columns of every event row of the key from `row`: one update per stamp. */
async function restamp<Row>(
  projection: Projection<Row>,
  client: ClientBase,
  key: string,
  row: Row,
): Promise<void> {
  const { table, events } = projection.children!;
  const by = events!.stampBy;
  const { rows } = await client.query<{ value: string }>(
    `SELECT DISTINCT ${by}::text AS value FROM ${table} WHERE key = $1 AND (${events!.where})`,
    [key],
  );
  const stamp = stamper(events!, row);
  const groups = new Map<string, { columns: ChildRow; values: string[] }>();
  for (const { value } of rows) {
    const columns = stamp(value);
    const id = JSON.stringify(columns);
    const group = groups.get(id) ?? { columns, values: [] };
    group.values.push(value);
    groups.set(id, group);
  }
  for (const { columns, values } of groups.values()) {
    const names = Object.keys(columns);
    await client.query(
      `UPDATE ${table} SET ${names.map((n, i) => `${n} = $${i + 3}`).join(', ')}
       WHERE key = $1 AND (${events!.where}) AND ${by}::text = ANY($2::text[])`,
      [key, values, ...Object.values(columns)],
    );
  }
}

/** Inserts child rows of one key, in statements of at most `MAX_PARAMETERS` parameters. */
async function insertChildren(
  client: ClientBase,
  table: string,
  key: string,
  children: ChildRow[],
  suffix = '',
): Promise<void> {
  if (children.length === 0) return;
  const names = Object.keys(children[0]);
  // A statement takes at most 65,535 parameters (the protocol's limit): an agency with
  // thousands of inspections has more child rows than one statement can carry.
  const perStatement = Math.max(1, Math.floor((MAX_PARAMETERS - 1) / names.length));
  for (let from = 0; from < children.length; from += perStatement) {
    const chunk = children.slice(from, from + perStatement);
    const values = chunk.flatMap((child) => names.map((n) => child[n]));
    const tuples = chunk.map(
      (_, r) => `($1, ${names.map((_n, c) => `$${2 + r * names.length + c}`).join(', ')})`,
    );
    await client.query(
      `INSERT INTO ${table} (key, ${names.join(', ')}) VALUES ${tuples.join(', ')} ${suffix}`,
      [key, ...values],
    );
  }
}

/** The most parameters one statement may bind (the wire protocol counts them in 16 bits). */
export const MAX_PARAMETERS = 65_535;

function ignore(): void {}

/** True when pg no longer considers the client usable (its connection ended or broke). */
function isConnectionLost(client: Client | PoolClient | undefined): boolean {
  if (client === undefined) return true;
  const internals = client as unknown as { _ending?: boolean; _queryable?: boolean };
  return internals._ending === true || internals._queryable === false;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
