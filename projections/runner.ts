import { EventEmitter, once } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import type { EventStore, StoredEvent, Subscription } from '@ledger/event-store';
import type { Projection } from './projection';

interface StoredRow<Row> {
  row: Row | null;
  position: number;
  dirty: boolean;
}

/**
 * Keeps one projection's table up to date from the event store: catches up from its
 * checkpoint, then follows live. Each page of events is applied in one transaction with the
 * checkpoint, so a crash never applies an event twice or loses one.
 */
export class ProjectionRunner<Row> {
  private subscription?: Subscription;
  private checkpoint = 0;
  private readonly progress = new EventEmitter();
  private failure?: unknown;

  constructor(
    private readonly projection: Projection<Row>,
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly options: { pollIntervalMs?: number; batchSize?: number } = {},
  ) {
    this.progress.setMaxListeners(0);
  }

  get position(): number {
    return this.checkpoint;
  }

  /** Catches up from the stored checkpoint, then keeps following. Resolves once caught up. */
  async start(): Promise<void> {
    this.checkpoint = await this.readCheckpoint();
    this.subscription = this.store.subscribeToAll({
      after: this.checkpoint,
      batchSize: this.options.batchSize ?? 500,
      pollIntervalMs: this.options.pollIntervalMs ?? 100,
      handleBatch: async (events) => {
        await this.apply(events);
        this.checkpoint = events[events.length - 1].position;
        this.progress.emit('advanced');
      },
      onError: (error) => {
        this.failure = error;
        this.progress.emit('advanced');
      },
    });
    await this.subscription.caughtUp;
    if (this.failure !== undefined)
      throw this.failure instanceof Error ? this.failure : new Error(JSON.stringify(this.failure));
  }

  /** Waits until the projection has applied `position`, at most `timeoutMs`. True when it has. */
  async waitFor(position: number, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.checkpoint < position && this.failure === undefined) {
      this.subscription?.wake();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([
        once(this.progress, 'advanced'),
        new Promise((r) => setTimeout(r, Math.min(left, 50))),
      ]);
    }
    return this.checkpoint >= position;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Applies events to the table; idempotent by the position stored with each row. */
  async apply(events: StoredEvent[]): Promise<void> {
    const { projection } = this;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const rows = new Map<string, StoredRow<Row>>();
      for (const event of events) {
        if (!projection.handles.has(event.type)) continue;
        const keys = projection.keyOf(event);
        for (const key of keys === null ? [] : Array.isArray(keys) ? keys : [keys]) {
          const current = rows.get(key) ?? (await this.load(client, key));
          if (event.position <= current.position) continue;
          rows.set(key, {
            row: projection.evolve(current.row, event, key),
            position: event.position,
            dirty: true,
          });
        }
      }
      for (const [key, { row, position, dirty }] of rows) {
        if (!dirty) continue;
        if (projection.children) {
          const { table, rows: childRows } = projection.children;
          await client.query(`DELETE FROM ${table} WHERE key = $1`, [key]);
          const children = row === null ? [] : childRows(key, row);
          if (children.length > 0) {
            const names = Object.keys(children[0]);
            const values = children.flatMap((child) => names.map((n) => child[n]));
            const tuples = children.map(
              (_, r) => `($1, ${names.map((_n, c) => `$${2 + r * names.length + c}`).join(', ')})`,
            );
            await client.query(
              `INSERT INTO ${table} (key, ${names.join(', ')}) VALUES ${tuples.join(', ')}`,
              [key, ...values],
            );
          }
        }
        if (row === null) {
          await client.query(`DELETE FROM ${projection.table} WHERE key = $1`, [key]);
          continue;
        }
        const columns = projection.columns(row);
        const names = Object.keys(columns);
        const params = [key, JSON.stringify(row), position, ...Object.values(columns)];
        await client.query(
          `INSERT INTO ${projection.table} (key, doc, last_position${names.map((n) => `, ${n}`).join('')})
           VALUES ($1, $2, $3${names.map((_, i) => `, $${i + 4}`).join('')})
           ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, last_position = EXCLUDED.last_position
           ${names.map((n) => `, ${n} = EXCLUDED.${n}`).join('')}`,
          params,
        );
      }
      await client.query(
        `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (name) DO UPDATE SET position = GREATEST(projection_checkpoints.position, EXCLUDED.position),
           updated_at = now()`,
        [projection.name, events[events.length - 1].position],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Drops the projection's rows and checkpoint and applies every event again from position 0.
   * Readers see only events of transactions older than every running one (ADR 002), so a long
   * transaction anywhere on the server can hide the newest events for a while: with `until`,
   * the rebuild waits (at most `timeoutMs`) until it has applied that position.
   */
  async rebuild(until?: number, timeoutMs = 30_000): Promise<void> {
    if (this.projection.children)
      await this.pool.query(`DELETE FROM ${this.projection.children.table}`);
    await this.pool.query(`DELETE FROM ${this.projection.table}`);
    await this.pool.query('DELETE FROM projection_checkpoints WHERE name = $1', [
      this.projection.name,
    ]);
    this.checkpoint = 0;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.store.readAll({ after: this.checkpoint, limit: 1000 });
      if (events.length > 0) {
        await this.apply(events);
        this.checkpoint = events[events.length - 1].position;
        continue;
      }
      if (until === undefined || this.checkpoint >= until) return;
      if (Date.now() > deadline)
        throw new Error(`rebuild reached ${this.checkpoint}, not ${until}, in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async load(client: PoolClient, key: string): Promise<StoredRow<Row>> {
    const { rows } = await client.query<{ doc: Row; last_position: string }>(
      `SELECT doc, last_position FROM ${this.projection.table} WHERE key = $1`,
      [key],
    );
    return rows.length === 0
      ? { row: null, position: 0, dirty: false }
      : { row: rows[0].doc, position: Number(rows[0].last_position), dirty: false };
  }

  private async readCheckpoint(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(
      'SELECT position FROM projection_checkpoints WHERE name = $1',
      [this.projection.name],
    );
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }
}
