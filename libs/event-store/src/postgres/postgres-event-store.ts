import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type PoolClient, type PoolConfig, type QueryResult } from 'pg';
import canonicalize from 'canonicalize';
import { InvalidAppendError, ReservationConflictError, WrongExpectedVersionError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamRead,
  Subscription,
  SubscriptionOptions,
  UniqueClaim,
  UniqueValue,
  VerifyOptions,
  VerifyReport,
} from '../event-store.port';
import { chainBreak } from '../hash';

const PREV_HASH = '@@ledger:prevHash@@';
const RECORDED_AT = '@@ledger:recordedAt@@';
const VERSION = '@@ledger:version@@';
const NAME = /^[^@\s][^@]*$/;

/**
 * The canonical envelope of an event with placeholders where the store fills in what only it
 * knows (prevHash, recordedAt, version), in PostgreSQL `format()` syntax. Canonical JSON sorts
 * keys, so those three come after data and metadata; taking each placeholder's last occurrence
 * can never pick one that a client wrote inside its data.
 */
export function hashTemplate(
  streamId: string,
  event: Required<Pick<NewEvent, 'eventId' | 'type' | 'schemaVersion' | 'data' | 'metadata'>> & {
    occurredAt: string;
  },
): string {
  const text = canonicalize({
    data: event.data,
    eventId: event.eventId,
    metadata: event.metadata,
    occurredAt: event.occurredAt,
    prevHash: PREV_HASH,
    recordedAt: RECORDED_AT,
    schemaVersion: event.schemaVersion,
    streamId,
    type: event.type,
    version: VERSION,
  });
  if (text === undefined) throw new InvalidAppendError('event cannot be serialised as JSON');
  let template = text.replaceAll('%', '%%');
  for (const [placeholder, arg] of [
    [VERSION, '%3$s'],
    [RECORDED_AT, '%2$s'],
    [PREV_HASH, '%1$s'],
  ] as const) {
    const quoted = JSON.stringify(placeholder);
    const at = template.lastIndexOf(quoted);
    template = template.slice(0, at) + arg + template.slice(at + quoted.length);
  }
  return template;
}

interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  version: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  occurred_at: string;
  recorded_at: string;
  prev_hash: string | null;
  hash: string;
}

const EVENT_COLUMNS = `position, event_id, stream_id, version, type, schema_version, data, metadata,
  ledger_ts(occurred_at, false) AS occurred_at, ledger_ts(recorded_at, true) AS recorded_at, prev_hash, hash`;
const SELECT_EVENT = `SELECT ${EVENT_COLUMNS} FROM ledger_events`;

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    streamId: row.stream_id,
    version: Number(row.version),
    position: Number(row.position),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A row of `ledger_read_page`, every column as the server's text (`rowMode: 'array'`). */
type PageRow = [
  position: string,
  eventId: string,
  streamId: string,
  version: string,
  type: string,
  schemaVersion: string,
  data: string,
  metadata: string,
  occurredAt: string,
  recordedAt: string,
  prevHash: string | null,
  hash: string,
];

/** Every column left as the text the server sent: decoded by fromPageRow, not by pg. */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * `2026-03-01 09:30:00.12` (a timestamp's text, DateStyle ISO, trailing zeros dropped) as
 * `ledger_ts` writes it: `2026-03-01T09:30:00.120Z` with 3 digits, `…00.120000Z` with 6. Text
 * already in that form (`ledger_ts`'s, for years outside 1–9999) is kept.
 */
function isoText(text: string, digits: 3 | 6): string {
  if (text.charCodeAt(10) !== 32) return text;
  const fraction = text.length > 20 ? text.slice(20) : '';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${(fraction + '000000').slice(0, digits)}Z`;
}

function fromPageRow(row: PageRow): StoredEvent {
  return {
    eventId: row[1],
    type: row[4],
    schemaVersion: Number(row[5]),
    data: JSON.parse(row[6]) as unknown,
    metadata: JSON.parse(row[7]) as StoredEvent['metadata'],
    occurredAt: isoText(row[8], 3),
    recordedAt: isoText(row[9], 6),
    streamId: row[2],
    version: Number(row[3]),
    position: Number(row[0]),
    prevHash: row[10],
    hash: row[11],
  };
}

function isoInstant(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidAppendError(`${field}: not a valid date`);
  return date.toISOString();
}

function expectedText(expected: ExpectedVersion): string {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidAppendError(`expected version: ${expected} is not a version`);
    }
    return String(expected);
  }
  return expected;
}

interface PgError {
  code?: string;
  detail?: string;
}

interface AppendRow {
  event_id: string;
  version: string;
  position: string;
  recorded_at: string;
  replayed: boolean;
}

/**
 * A named statement: each connection parses and plans it once, not on every append (ADR 036).
 * `$4` is the events' canonical envelopes (hashTemplate), one per line.
 */
const APPEND = {
  name: 'ledger_append_envelopes',
  text: 'SELECT * FROM ledger_append_envelopes($1, $2, $3, $4)',
};

function prepareAppend(
  streamId: string,
  events: NewEvent[],
  options: AppendOptions,
): { name: string; text: string; values: unknown[] } {
  if (!NAME.test(streamId)) throw new InvalidAppendError(`stream id: "${streamId}" is not allowed`);
  if (events.length === 0)
    throw new InvalidAppendError('events: an append needs at least one event');
  // Canonical JSON holds no newline (one inside a string is written \n): it separates events.
  const envelopes = events
    .map((event) => {
      if (!NAME.test(event.type))
        throw new InvalidAppendError(`type: "${event.type}" is not allowed`);
      return hashTemplate(streamId, {
        eventId: event.eventId ?? randomUUID(),
        type: event.type,
        schemaVersion: event.schemaVersion ?? 1,
        data: event.data,
        metadata: event.metadata ?? {},
        occurredAt: isoInstant(event.occurredAt, 'occurredAt'),
      });
    })
    .join('\n');
  const idempotencyKey = events[0].metadata?.idempotencyKey ?? null;
  return {
    ...APPEND,
    values: [streamId, expectedText(options.expectedVersion ?? 'any'), idempotencyKey, envelopes],
  };
}

function appendResult(streamId: string, { rows }: QueryResult<AppendRow>): AppendResult {
  const last = rows[rows.length - 1];
  return {
    streamId,
    version: Number(last.version),
    position: Number(last.position),
    eventIds: rows.map((row) => row.event_id),
    recordedAt: last.recorded_at,
    replayed: last.replayed,
  };
}

function appendError(error: unknown, streamId: string, options: AppendOptions): unknown {
  const { code, detail } = error as PgError;
  if (code === 'LE001') {
    return new WrongExpectedVersionError(
      streamId,
      options.expectedVersion ?? 'any',
      Number(detail),
    );
  }
  return error;
}

/**
 * At most this many append calls run at once; appends made meanwhile wait and then go as one
 * call to `ledger_append_batch` (one transaction, one commit, one round trip for many). Two
 * cores were the machine this was measured on (BENCHMARKS.md, issue 14).
 */
const APPENDS_AT_ONCE = 2;
/** How long an append may wait for a running call before it goes anyway. */
const WAIT_LIMIT_MS = 50;
/** Pages read ahead and not yet asked for, at most (one per sequential reader). */
const READ_AHEAD_PAGES = 8;
/** Appends in one batch at most. */
const BATCH_LIMIT = 64;

interface WaitingAppend {
  streamId: string;
  params: ReturnType<typeof prepareAppend>;
  options: AppendOptions;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** A reader waiting for a shared page read (`readShared`). */
interface GatheredRead {
  after: number;
  resolve(page: StoredEvent[]): void;
  reject(error: unknown): void;
}

interface BatchRow extends AppendRow {
  item: number;
  error: string | null;
  detail: string | null;
}

/** The claims and releases of an append, checked, each list in one order (no deadlock between two). */
function reservationsOf(options: AppendOptions): {
  claims: UniqueClaim[];
  releases: UniqueValue[];
} {
  const check = (value: UniqueValue, at: string) => {
    // The KurrentDB adapter names a stream after the scope: the same rule in both.
    if (typeof value?.scope !== 'string' || !/^[a-z][a-z0-9-]*$/.test(value.scope))
      throw new InvalidAppendError(`${at}.scope: lower-case letters, digits and -`);
    if (typeof value.key !== 'string' || value.key.length === 0)
      throw new InvalidAppendError(`${at}.key: must be a non-empty string`);
  };
  const order = (a: UniqueValue, b: UniqueValue) =>
    a.scope.localeCompare(b.scope) || a.key.localeCompare(b.key);
  const claims = [...(options.claim ?? [])];
  const releases = [...(options.release ?? [])];
  claims.forEach((claim, i) => check(claim, `claim[${i}]`));
  releases.forEach((release, i) => check(release, `release[${i}]`));
  return { claims: claims.sort(order), releases: releases.sort(order) };
}

interface ReservationRow {
  stream_id: string;
  holder: Record<string, string>;
}

/**
 * What an inline projection is handed inside an append's transaction (ADR 034): the connection
 * of that transaction (for its own tables), the stream appended to, and a reader of that
 * stream's events as the transaction sees them, the appended ones included.
 */
export interface InlineProjectionContext {
  readonly client: PoolClient;
  readonly streamId: string;
  /** Types of the events this append stored, in order. */
  readonly types: readonly string[];
  /**
   * The stream's events after the one at `position`, up to this append's last, in version
   * order. When no event of this stream is at `position` (0: none yet), the whole stream up to
   * this append's last: the caller skips what it has already applied. Every earlier append of
   * the stream has committed (appends to one stream run one after the other), so nothing of
   * the stream is missing from the answer.
   */
  readStreamAfter(position: number): Promise<StoredEvent[]>;
}

/**
 * A projection applied in the append's transaction by this adapter (ADR 034). `apply` must keep
 * the projection's rows equal to what its runner would write; a failure of it rolls back only
 * the inline work (a savepoint): the events are stored, and the projection is left to its runner.
 */
export interface InlineProjection {
  /** The projections it keeps (one hook may keep several, to share round trips). */
  readonly names: readonly string[];
  apply(context: InlineProjectionContext): Promise<void>;
}

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Projections applied inside every append's transaction (ADR 034). Default none. */
  inline?: InlineProjection[];
}

/**
 * The default adapter. Appends are one call to `ledger_append` (one round trip); reads page by
 * position below the oldest of the ledger's own appends still running, so no reader skips an
 * event (ADR 002, ADR 007).
 */
export class PostgresEventStore implements EventStore {
  readonly pool: Pool;
  private closed = false;
  private readonly inline: InlineProjection[];
  /** Append calls running; appends made while APPENDS_AT_ONCE run wait, and go as one call. */
  private appendsRunning = 0;
  private readonly waiting: WaitingAppend[] = [];
  private waitTimer?: NodeJS.Timeout;
  /**
   * The page after each full page readAll returned, read while its caller handles that one
   * (a sequential reader's server and client time overlap). A full page can be handed over
   * later as it is: every event it holds was committed or rolled back for good below its last
   * position when it was read (ADR 002), so a later read of the same page returns the same
   * events. Keyed by after and limit, a few at a time: readers at different positions (the
   * projections catching up) do not discard each other's.
   */
  private readonly readAhead = new Map<string, Promise<StoredEvent[] | undefined>>();
  /**
   * Page reads asked for while one of the same limit is in flight, by limit: they go as one
   * read when it ends (`readShared`).
   */
  private readonly gathering = new Map<number, GatheredRead[]>();
  /** Limits with a shared page read in flight. */
  private readonly sharing = new Set<number>();

  constructor(
    options:
      | PostgresEventStoreOptions
      | (PoolConfig & { connectionString: string; inline?: InlineProjection[] }),
  ) {
    const { poolSize, inline, ...rest } = options as PostgresEventStoreOptions;
    this.inline = inline ?? [];
    this.pool = new Pool({ ...rest, max: poolSize ?? 10 });
    // A connection the server drops while idle is replaced by the pool; unhandled, pg would
    // throw it from the idle client and end the process.
    this.pool.on('error', (error) => {
      // Once closed, a connection the server ends is one being torn down: pg-pool's end()
      // resolves before its clients' goodbyes reach a server that may be stopping right after
      // (the embedded one on SIGTERM), and that is no loss to report.
      if (!this.closed) console.warn(`event store: idle connection lost: ${error.message}`);
    });
    // And from the moment a client exists: pg-pool hands a new client over from inside the
    // socket handler, so a FATAL in the same packet (pg_terminate_backend) would reach an
    // 'error' event before the caller could attach a listener. The query in flight still fails.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const params = prepareAppend(streamId, events, options);
    const reservations = reservationsOf(options);
    if (
      reservations.claims.length > 0 ||
      reservations.releases.length > 0 ||
      this.inline.length > 0
    ) {
      return this.appendReserving(streamId, params, reservations, options, events);
    }
    if (this.appendsRunning < APPENDS_AT_ONCE) return this.appendAlone(streamId, params, options);
    return new Promise((resolve, reject) => {
      this.waiting.push({ streamId, params, options, resolve, reject });
      // A call that waits long (a stream head locked by a transaction left open) must not hold
      // every other append back: after WAIT_LIMIT_MS the waiting ones go anyway.
      this.waitTimer ??= setTimeout(() => {
        this.waitTimer = undefined;
        this.sendWaiting(true);
      }, WAIT_LIMIT_MS);
    });
  }

  private async appendAlone(
    streamId: string,
    params: ReturnType<typeof prepareAppend>,
    options: AppendOptions,
  ): Promise<AppendResult> {
    this.appendsRunning++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return appendResult(streamId, await this.pool.query<AppendRow>(params));
        } catch (error) {
          // The same idempotency key won in a concurrent append: the next attempt replays it.
          if ((error as PgError).code === 'LE002' && attempt < 3) continue;
          throw appendError(error, streamId, options);
        }
      }
    } finally {
      this.appendsRunning--;
      this.sendWaiting();
    }
  }

  /** The appends that waited while APPENDS_AT_ONCE calls ran, as one call (ADR 036). */
  private sendWaiting(late = false): void {
    if (this.waiting.length === 0 || (!late && this.appendsRunning >= APPENDS_AT_ONCE)) return;
    const batch = this.waiting.splice(0, BATCH_LIMIT);
    if (this.waiting.length === 0 && this.waitTimer !== undefined) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
    }
    if (batch.length === 1) {
      const [{ streamId, params, options, resolve, reject }] = batch;
      this.appendAlone(streamId, params, options).then(resolve, reject);
      return;
    }
    this.appendsRunning++;
    void this.appendBatch(batch).finally(() => {
      this.appendsRunning--;
      this.sendWaiting();
    });
  }

  private async appendBatch(batch: WaitingAppend[]): Promise<void> {
    // Heads are locked in stream order, so two batches never wait for each other in a cycle;
    // appends to one stream keep their order (the sort is stable).
    const sorted = [...batch].sort((a, b) =>
      a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0,
    );
    let rows: BatchRow[];
    try {
      ({ rows } = await this.pool.query<BatchRow>({
        name: 'ledger_append_batch',
        text: 'SELECT * FROM ledger_append_batch($1, $2, $3, $4)',
        values: [0, 1, 2, 3].map((k) => sorted.map(({ params }) => params.values[k])),
      }));
    } catch {
      // One append failed the call (an idempotency key taken concurrently, an event id used
      // before): each is made again on its own, and only that one fails.
      for (const { streamId, params, options, resolve, reject } of sorted) {
        this.appendAlone(streamId, params, options).then(resolve, reject);
      }
      return;
    }
    sorted.forEach(({ streamId, options, resolve, reject }, k) => {
      const own = rows.filter((row) => row.item === k + 1);
      if (own.length > 0 && own[0].error !== null) {
        reject(appendError({ code: own[0].error, detail: own[0].detail }, streamId, options));
      } else {
        resolve(appendResult(streamId, { rows: own } as unknown as QueryResult<AppendRow>));
      }
    });
  }

  /**
   * An append with claims or releases (ADR 005): in one transaction, the events first (an
   * append must be its transaction's first write, ADR 002), then a row per claimed value in
   * `ledger_reservations`, whose primary key makes the second of two concurrent claims wait
   * for the first and find it held; then the released rows go. A refused claim rolls the
   * events back. A replayed append (its idempotency key stored before) changes nothing.
   */
  private async appendReserving(
    streamId: string,
    params: ReturnType<typeof prepareAppend>,
    { claims, releases }: { claims: UniqueClaim[]; releases: UniqueValue[] },
    options: AppendOptions,
    events: NewEvent[],
  ): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      // A connection lost while checked out fails the query in flight; without a listener pg
      // would also throw the error from the client and end the process.
      const onError = () => undefined;
      client.on('error', onError);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = appendResult(streamId, await client.query<AppendRow>(params));
        if (!result.replayed) {
          for (const { scope, key, holder } of claims) {
            // A no-op update on conflict returns the row as it stands: ours, or the holder's.
            const { rows } = await client.query<ReservationRow>(
              `INSERT INTO ledger_reservations (scope, key, stream_id, holder) VALUES ($1, $2, $3, $4)
               ON CONFLICT (scope, key) DO UPDATE SET scope = EXCLUDED.scope
               RETURNING stream_id, holder`,
              [scope, key, streamId, JSON.stringify(holder ?? {})],
            );
            if (rows[0].stream_id !== streamId) {
              throw new ReservationConflictError(scope, key, {
                streamId: rows[0].stream_id,
                holder: rows[0].holder,
              });
            }
          }
          for (const { scope, key } of releases) {
            await client.query(
              'DELETE FROM ledger_reservations WHERE scope = $1 AND key = $2 AND stream_id = $3',
              [scope, key, streamId],
            );
          }
        }
        const projected = result.replayed
          ? undefined
          : await this.applyInline(client, streamId, events, result.version);
        await client.query('COMMIT');
        return projected === undefined ? result : { ...result, projected };
      } catch (error) {
        // A client that cannot roll back is broken: discarded, not handed to the next caller.
        await client.query('ROLLBACK').catch((failed: Error) => (broken = failed));
        if ((error as PgError).code === 'LE002' && attempt < 3) continue;
        throw appendError(error, streamId, options);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
  }

  /**
   * Appends inside a transaction the caller has opened on `client`, so that other rows (a
   * uniqueness reservation, say) commit or roll back with the events. It must be the
   * transaction's first write (ADR 002); the caller commits.
   */
  async appendInTransaction(
    client: PoolClient,
    streamId: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const params = prepareAppend(streamId, events, options);
    let result: AppendResult;
    try {
      result = appendResult(streamId, await client.query<AppendRow>(params));
    } catch (error) {
      throw appendError(error, streamId, options);
    }
    if (result.replayed || this.inline.length === 0) return result;
    return {
      ...result,
      projected: await this.applyInline(client, streamId, events, result.version),
    };
  }

  /**
   * The inline projections (ADR 034), inside the append's transaction, after its events (and
   * its claims) are written: the rows commit with the events or not at all. Behind a savepoint:
   * should one fail, the inline work is undone, the append goes on, and the names returned are
   * none, so callers wait for the runners, which apply the events (and report the failure).
   */
  private async applyInline(
    client: PoolClient,
    streamId: string,
    events: NewEvent[],
    lastVersion: number,
  ): Promise<string[]> {
    const context: InlineProjectionContext = {
      client,
      streamId,
      types: events.map((event) => event.type),
      readStreamAfter: async (position) => {
        const { rows } = await client.query<EventRow>(
          `${SELECT_EVENT} WHERE stream_id = $1 AND version <= $3 AND version >
             COALESCE((SELECT version FROM ledger_events WHERE position = $2 AND stream_id = $1), 0)
           ORDER BY version`,
          [streamId, position, lastVersion],
        );
        return rows.map(toStoredEvent);
      },
    };
    await client.query('SAVEPOINT ledger_inline');
    let current = '';
    try {
      for (const projection of this.inline) {
        current = projection.names.join(', ');
        await projection.apply(context);
      }
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT ledger_inline');
      // The code, not the message: a constraint's message can quote the row's values.
      const { code } = error as PgError;
      const kind = error instanceof Error ? error.name : typeof error;
      console.warn(
        `event store: inline projection ${current} failed (${code ?? kind}); left to its runner`,
      );
      return [];
    }
    return this.inline.flatMap((projection) => projection.names);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [streamId, options.fromVersion ?? 1];
    let sql = `${SELECT_EVENT} WHERE stream_id = $1 AND version >= $2`;
    if (options.recordedUpTo !== undefined) {
      const { recordedUpTo } = options;
      isoInstant(recordedUpTo, 'recordedUpTo'); // validates; a string keeps its microseconds
      params.push(recordedUpTo instanceof Date ? recordedUpTo.toISOString() : recordedUpTo);
      sql += ' AND recorded_at <= $3::timestamptz';
    }
    sql += ' ORDER BY version';
    if (options.maxCount !== undefined) {
      params.push(Math.max(0, Math.floor(options.maxCount)));
      sql += ` LIMIT $${params.length}`;
    }
    const { rows } = await this.pool.query<EventRow>(sql, params);
    return rows.map(toStoredEvent);
  }

  /** The streams in one query: their rows in the order asked, each stream's by version. */
  async readStreams(reads: StreamRead[]): Promise<StoredEvent[][]> {
    const read: StoredEvent[][] = reads.map(() => []);
    if (reads.length === 0) return read;
    const { rows } = await this.pool.query<EventRow & { i: string }>(
      `SELECT r.i, ${EVENT_COLUMNS}
       FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS r(wanted, from_version, i)
       JOIN ledger_events ON stream_id = r.wanted AND version >= r.from_version
       ORDER BY r.i, version`,
      [reads.map((r) => r.streamId), reads.map((r) => r.fromVersion ?? 1)],
    );
    for (const row of rows) read[Number(row.i) - 1].push(toStoredEvent(row));
    return read;
  }

  /** Keys are global in this adapter: a key used on another stream is found too. */
  async readByIdempotencyKey(_streamId: string, key: string): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `${SELECT_EVENT} e WHERE EXISTS (SELECT 1 FROM ledger_idempotency k WHERE k.idempotency_key = $1
         AND e.stream_id = k.stream_id AND e.version BETWEEN k.first_version AND k.last_version)
       ORDER BY version`,
      [key],
    );
    return rows.map(toStoredEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: string }>(
      'SELECT version FROM ledger_streams WHERE stream_id = $1',
      [streamId],
    );
    return rows.length === 0 ? 0 : Number(rows[0].version);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? 1000;
    const key = `${after}:${limit}`;
    const ahead = this.readAhead.get(key);
    this.readAhead.delete(key);
    let page: StoredEvent[] | undefined;
    if (ahead !== undefined) {
      // Only a full page is taken: its positions are final (see readAhead). A short one may
      // predate an append our caller made before asking, so it is read again.
      const read = await ahead;
      if (read !== undefined && read.length === limit) page = read;
    }
    page ??= await this.readShared(after, limit);
    if (page.length === limit && limit > 0 && !this.closed) {
      const next = page[page.length - 1].position;
      this.readAhead.set(
        `${next}:${limit}`,
        this.readPage(next, limit).catch(() => undefined),
      );
      // The oldest goes first (a Map keeps insertion order).
      if (this.readAhead.size > READ_AHEAD_PAGES) {
        this.readAhead.delete(this.readAhead.keys().next().value!);
      }
    }
    return page;
  }

  /**
   * A page read shared by the readers that ask while another is in flight (issue 14): every
   * projection runner polls the head of the log, most of them at the same position, and each
   * read is a round trip and a scan of `pg_locks` (ADR 007). The first reader's page is read at
   * once; readers that ask meanwhile wait for it to end, then go as one read from the lowest
   * position among them. Each of them is thereby answered by a read that began after it asked,
   * so it sees every append that had finished by then, as its own read would. A reader further
   * on is given the page's events after its position, which are what its own read would have
   * returned, unless the page was full (its own could reach further): that reader reads alone.
   */
  private readShared(after: number, limit: number): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      const readers = this.gathering.get(limit);
      if (readers) readers.push({ after, resolve, reject });
      else this.gathering.set(limit, [{ after, resolve, reject }]);
      if (!this.sharing.has(limit)) this.sendShared(limit);
    });
  }

  private sendShared(limit: number): void {
    const readers = this.gathering.get(limit);
    if (readers === undefined) return;
    this.gathering.delete(limit);
    this.sharing.add(limit);
    const from = Math.min(...readers.map((reader) => reader.after));
    this.readRows(from, limit)
      .then(
        (rows) => {
          const full = rows.length === limit;
          for (const reader of readers) {
            if (full && reader.after !== from) {
              this.readPage(reader.after, limit).then(reader.resolve, reader.reject);
              continue;
            }
            try {
              // Decoded for each reader: none is handed objects another one holds.
              const own =
                reader.after === from ? rows : rows.filter((row) => Number(row[0]) > reader.after);
              reader.resolve(own.map(fromPageRow));
            } catch (error) {
              reader.reject(error);
            }
          }
        },
        (error: unknown) => {
          for (const reader of readers) reader.reject(error);
        },
      )
      .finally(() => {
        this.sharing.delete(limit);
        this.sendShared(limit);
      });
  }

  /**
   * One page of the global order: only events of transactions older than every append of this
   * ledger still in flight, since an append that commits later can only hold higher positions
   * (ADR 002, ADR 007). Rows come as arrays of text, decoded here (ADR 036).
   */
  private async readPage(after: number, limit: number): Promise<StoredEvent[]> {
    return (await this.readRows(after, limit)).map(fromPageRow);
  }

  private async readRows(after: number, limit: number): Promise<PageRow[]> {
    const { rows } = await this.pool.query<PageRow>({
      text: 'SELECT * FROM ledger_read_page($1, $2)',
      values: [after, limit],
      rowMode: 'array',
      types: AS_TEXT,
    });
    return rows;
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(
      'SELECT ledger_head_position() AS position',
    );
    return Number(rows[0].position);
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    return new PollingSubscription(this, options);
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    const client = await this.pool.connect();
    // pg-pool drops its own listener while a client is checked out: without one, a connection
    // the server drops during the walk would end the process instead of failing this call.
    const dropped = (error: Error) =>
      console.warn(`event store: connection lost during verify: ${error.message}`);
    client.on('error', dropped);
    let failure: Error | undefined;
    let streams = 0;
    let events = 0;
    let previous: StoredEvent | undefined;
    try {
      // Keyset pages over (stream_id, version): constant memory however big the ledger is.
      let after: [string, number] = ['', 0];
      for (;;) {
        const { rows } = await client.query<EventRow>(
          `${SELECT_EVENT} WHERE (stream_id, version) > ($1, $2) ORDER BY stream_id, version LIMIT 5000`,
          after,
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          const event = toStoredEvent(row);
          if (previous?.streamId !== event.streamId) {
            streams++;
            previous = undefined;
          }
          events++;
          const reason = chainBreak(event, previous);
          if (reason !== null) {
            const { eventId, streamId, version, position } = event;
            return {
              ok: false,
              streams,
              events,
              firstBadEvent: { eventId, streamId, version, position, reason },
            };
          }
          previous = event;
        }
        options.onProgress?.(events);
        after = [previous!.streamId, previous!.version];
      }
      const heads = await client.query<{ stream_id: string }>(
        `SELECT s.stream_id FROM ledger_streams s
         LEFT JOIN ledger_events e ON e.stream_id = s.stream_id AND e.version = s.version
         WHERE s.version > 0 AND (e.hash IS NULL OR e.hash IS DISTINCT FROM s.last_hash) LIMIT 1`,
      );
      if (heads.rows.length > 0) {
        const streamId = heads.rows[0].stream_id;
        const [last] = (await this.readStream(streamId)).slice(-1);
        return {
          ok: false,
          streams,
          events,
          firstBadEvent: {
            eventId: last?.eventId ?? '',
            streamId,
            version: last?.version ?? 0,
            position: last?.position ?? 0,
            reason: "the stream's head does not match its last event (events were removed)",
          },
        };
      }
      return { ok: true, streams, events };
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.removeListener('error', dropped);
      // A client whose connection broke is discarded, not handed to the next caller.
      client.release(failure);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }
}

/** Catch up by paging through readAll, then poll. Handler calls are strictly sequential. */
class PollingSubscription implements Subscription {
  position: number;
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private stopped = false;
  private waking = new AbortController();
  private wakeRequested = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly options: SubscriptionOptions,
  ) {
    this.position = options.after ?? 0;
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const pollIntervalMs = this.options.pollIntervalMs ?? 100;
    try {
      while (!this.stopped) {
        const events = await this.store.readAll({ after: this.position, limit: batchSize });
        if (events.length > 0 && this.options.handleBatch) {
          if (this.stopped) return;
          await this.options.handleBatch(events);
          this.position = events[events.length - 1].position;
        } else {
          for (const event of events) {
            if (this.stopped) return;
            await this.options.handler?.(event);
            this.position = event.position;
          }
        }
        if (events.length < batchSize) {
          this.markCaughtUp();
          if (!this.wakeRequested) {
            this.waking = new AbortController();
            await sleep(pollIntervalMs, undefined, { signal: this.waking.signal }).catch(
              () => undefined,
            );
          }
          this.wakeRequested = false;
        }
      }
    } catch (error) {
      this.stopped = true;
      this.markCaughtUp();
      // Nothing is thrown from here: an unobserved rejection would crash the process.
      (this.options.onError ?? ((e) => console.error('subscription stopped:', e)))(error);
    }
  }

  wake(): void {
    this.wakeRequested = true;
    this.waking.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waking.abort();
    await this.done.catch(() => undefined);
  }
}
