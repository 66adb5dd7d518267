/**
 * The EventStore port. Every adapter (PostgreSQL, EventStoreDB/KurrentDB) implements it and
 * passes the same contract suite (test/contract/event-store.contract.ts).
 *
 * Versions count from 1: a stream's version is the number of events in it, so `0` and
 * `'no-stream'` mean the same thing. Positions are global, strictly increasing in the order
 * readers see events; they may have gaps (an aborted append consumes positions).
 */
export type ExpectedVersion = 'no-stream' | 'any' | 'stream-exists' | number;

export interface EventMetadata {
  actor?: string;
  role?: string;
  correlationId?: string;
  causationId?: string;
  /** An append whose key was already stored returns the first append's result and appends nothing. */
  idempotencyKey?: string;
  [key: string]: unknown;
}

export interface NewEvent<Data = unknown> {
  /** Generated when absent. */
  eventId?: string;
  type: string;
  /** Version of the event's shape; upcasters read older ones. Default 1. */
  schemaVersion?: number;
  data: Data;
  metadata?: EventMetadata;
  /** Valid time: when the fact happened in the world, as stated by whoever records it. */
  occurredAt: Date | string;
}

export interface StoredEvent<Data = unknown> {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  /** ISO 8601 UTC, millisecond precision. */
  occurredAt: string;
  /** System time, set by the store, ISO 8601 UTC with microseconds; monotonic with `position`. */
  recordedAt: string;
  streamId: string;
  version: number;
  position: number;
  prevHash: string | null;
  hash: string;
}

/**
 * A value that at most one stream may hold at a time, across streams (one person, one agency:
 * ADR 005). `scope` names the kind of value, `key` the value itself; the key is stored, so it
 * must not be personal data in clear (a keyed hash is).
 */
export interface UniqueValue {
  scope: string;
  key: string;
}

/** A claim of a unique value for the appending stream. */
export interface UniqueClaim extends UniqueValue {
  /**
   * What a refused claimant may be told about the holder (e.g. `{ uscc }`), kept with the claim
   * and handed back in ReservationConflictError. Strings only, and nothing personal.
   */
  holder?: Record<string, string>;
}

export interface AppendOptions {
  expectedVersion?: ExpectedVersion;
  /**
   * Values this append claims for its stream. The events are appended only if every claim
   * holds: a value held by another stream refuses the whole append with
   * ReservationConflictError, and nothing of it is stored. A value the stream already holds
   * is held still. Of two concurrent claims of one value exactly one wins.
   */
  claim?: UniqueClaim[];
  /**
   * Values this append gives up, once its events are stored. Only the holder releases: a
   * value another stream holds, or nobody, is left as it is.
   */
  release?: UniqueValue[];
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append. */
  version: number;
  /** Global position of the last event appended. */
  position: number;
  eventIds: string[];
  recordedAt: string;
  /** True when the idempotency key had been stored before: nothing was appended. */
  replayed: boolean;
  /**
   * Names of the projections whose rows this append already brought up to date in its own
   * transaction (inline projections, ADR 034): a reader of their tables sees the events as soon
   * as the append has returned. An adapter without inline projections leaves it out; so does a
   * replayed append. Callers wait for the other projections as before.
   */
  projected?: string[];
}

export interface ReadStreamOptions {
  /** First version to read (inclusive). Default 1. */
  fromVersion?: number;
  /** System time: only events recorded at or before it (a `knownAt` query). */
  recordedUpTo?: Date | string;
  /** At most this many events (a page). Default: all. */
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive). Default 0: from the start. */
  after?: number;
  /** Page size. Default 1000. */
  limit?: number;
}

export interface SubscriptionOptions {
  /** Checkpoint: deliver events after this position (exclusive). Default 0. */
  after?: number;
  batchSize?: number;
  /** How long to wait between polls once caught up. Default 100 ms. */
  pollIntervalMs?: number;
  /** Called with every event, one at a time, in position order; the next waits for it. */
  handler?: (event: StoredEvent) => Promise<void> | void;
  /**
   * Instead of `handler`: called with each page of events (in position order) as it is read,
   * so a projection can apply a page in one transaction.
   */
  handleBatch?: (events: StoredEvent[]) => Promise<void> | void;
  /** Called when the handler or a read fails; the subscription has stopped by then. */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Last position handed to the handler. */
  readonly position: number;
  /** Resolves once the subscription has read everything that was there when it started. */
  readonly caughtUp: Promise<void>;
  /** Poll now instead of at the next interval (e.g. right after this process appended). */
  wake(): void;
  stop(): Promise<void>;
}

export interface VerifyReport {
  ok: boolean;
  streams: number;
  events: number;
  firstBadEvent?: {
    eventId: string;
    streamId: string;
    version: number;
    position: number;
    reason: string;
  };
}

/** One stream of a `readStreams` call. */
export interface StreamRead {
  streamId: string;
  /** Default 1. */
  fromVersion?: number;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * Several streams at once, each as `readStream` with that `fromVersion` returns it, in the
   * order asked. Optional: an adapter that can answer in one round trip offers it; without it,
   * callers read the streams one by one.
   */
  readStreams?(reads: StreamRead[]): Promise<StoredEvent[][]>;
  /**
   * The events an earlier append with this idempotency key stored (empty when none). Lets a
   * caller answer a repeated request before deciding anything again.
   */
  readByIdempotencyKey(streamId: string, key: string): Promise<StoredEvent[]>;
  /** Current version of a stream; 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** One page of all events in global order. Never skips an event committed later with a lower position. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Highest position a reader can see now. */
  headPosition(): Promise<number>;
  subscribeToAll(options: SubscriptionOptions): Subscription;
  /** Walks every stream's hash chain and reports the first event that does not match. */
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export interface VerifyOptions {
  /** Called as the walk goes on with the number of events checked so far (for a progress bar). */
  onProgress?(eventsChecked: number): void;
}
