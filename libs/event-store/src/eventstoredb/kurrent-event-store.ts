/**
 * The EventStore port on KurrentDB (EventStoreDB's successor), through the official client
 * `@kurrent/kurrentdb-client`. Why this client and how the port maps onto KurrentDB:
 * docs/adr/003-kurrentdb-client.md. The pure translations live in mapping.ts.
 */
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  KurrentDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendResult as KurrentAppendResult,
  type AllStreamSubscription,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type RecordedEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { InvalidAppendError, ReservationConflictError, WrongExpectedVersionError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  Subscription,
  SubscriptionOptions,
  UniqueClaim,
  UniqueValue,
  VerifyReport,
} from '../event-store.port';
import { eventHash } from '../hash';
import {
  appendToStreamOptions,
  assertExpectedVersion,
  commitToPosition,
  currentStateToVersion,
  expectedVersionToStreamState,
  idempotentEventId,
  isExactExpectation,
  isSystemEventType,
  isSystemStream,
  isUuid,
  positionToReadPosition,
  reservationStreamId,
  reservedMetadataKeys,
  revisionToVersion,
  satisfiesExpectedVersion,
  toMicrosecondIso,
  unpackMetadata,
  packMetadata,
  versionToStreamState,
  type LedgerFields,
} from './mapping';

/** An append with `expectedVersion: 'any'` (or a key) retries this often when another writer slips in. */
const MAX_APPEND_ATTEMPTS = 10;
const DEFAULT_PAGE_SIZE = 1000;

export function createKurrentEventStore(connectionString: string): KurrentEventStore {
  return new KurrentEventStore(KurrentDBClient.connectionString(connectionString));
}

export class KurrentEventStore implements EventStore {
  private readonly subscriptions = new Set<KurrentSubscription>();

  constructor(private readonly client: KurrentDBClient) {}

  /**
   * Claims and releases (ADR 005) go through a reservation stream per value; see
   * appendReserving. Everything else is one append (appendEvents).
   */
  async append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const { claim = [], release = [], ...rest } = options;
    if (claim.length === 0 && release.length === 0) {
      return this.appendEvents(streamId, events, rest);
    }
    return this.appendReserving(
      streamId,
      events,
      rest,
      checkedValues(claim),
      checkedValues(release),
    );
  }

  /**
   * KurrentDB writes one stream atomically, not two, so a claim is its own append, made first,
   * to the value's reservation stream (`<scope>-reservation-<sha256 of the key>`) at the
   * revision read: of two concurrent claims the server lets exactly one through, the other reads
   * again and finds the value held. Each claim names the events it guards. Then the events are
   * appended; if that fails, or is a replay (which stores nothing), the claim is compensated
   * (see compensate). Releases follow the stored events: a release that fails leaves the value
   * held (it is logged), which refuses a later claim rather than letting two streams hold it.
   */
  private async appendReserving(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
    claims: UniqueClaim[],
    releases: UniqueValue[],
  ): Promise<AppendResult> {
    assertWritableStreamId(streamId);
    // The ids the events will be stored under, known before the claim that guards them.
    const key = idempotencyKeyOf(events);
    const identified = events.map((event, index) => ({
      ...event,
      eventId:
        event.eventId?.toLowerCase() ??
        (key === undefined ? randomUUID() : idempotentEventId(streamId, key, index)),
    }));
    const eventIds = identified.map((event) => event.eventId);
    const claimed: { value: UniqueValue; version: number }[] = [];
    let result: AppendResult;
    try {
      for (const claim of claims) {
        claimed.push({ value: claim, version: await this.claimValue(streamId, claim, eventIds) });
      }
      result = await this.appendEvents(streamId, identified, options);
    } catch (error) {
      await this.compensate(streamId, claimed);
      throw error;
    }
    if (result.replayed) {
      await this.compensate(streamId, claimed);
      return result;
    }
    for (const value of releases) {
      try {
        await this.releaseValue(streamId, value);
      } catch (error) {
        console.warn(
          `event store: ${value.scope} reservation of ${streamId} not released: ${(error as Error).message}`,
        );
      }
    }
    return result;
  }

  /**
   * Claims a value for `streamId` (again, when the stream holds it: a concurrent append of the
   * same stream may still fail), guarding `eventIds`; the reservation stream's version after it.
   */
  private async claimValue(
    streamId: string,
    claim: UniqueClaim,
    eventIds: string[],
  ): Promise<number> {
    const reservation = reservationStreamId(claim);
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.reservationHead(reservation);
      if (head.claim && head.claim.streamId !== streamId) {
        throw new ReservationConflictError(claim.scope, claim.key, {
          streamId: head.claim.streamId,
          holder: head.claim.holder,
        });
      }
      const data: ReservationClaimed = {
        scope: claim.scope,
        key: claim.key,
        streamId,
        holder: claim.holder ?? {},
        eventIds,
      };
      try {
        const { version } = await this.appendEvents(
          reservation,
          [{ type: RESERVATION_CLAIMED, data, occurredAt: new Date() }],
          { expectedVersion: head.version },
        );
        return version;
      } catch (error) {
        // Another claim or release came first: read again, it may hold the value now.
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_APPEND_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  /** Releases a value `streamId` holds; a value held by another stream, or none, is left alone. */
  private async releaseValue(streamId: string, value: UniqueValue): Promise<void> {
    const reservation = reservationStreamId(value);
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.reservationHead(reservation);
      if (head.claim?.streamId !== streamId) return;
      try {
        await this.appendReleased(reservation, value, streamId, 'released', head.version);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_APPEND_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  /**
   * Undoes the claims of an append that stored nothing (it failed, or replayed an earlier one).
   * Only the author of the reservation's last claim undoes it (a later claim by the same stream
   * is that append's to keep or undo), and not while an event guarded by an earlier claim of
   * this stream since the last release is stored: two appends of one stream claimed the same
   * value and the other one won, or the replayed append still holds it. A failure here is
   * logged, not thrown: the append's own error is the answer.
   */
  private async compensate(
    streamId: string,
    claimed: { value: UniqueValue; version: number }[],
  ): Promise<void> {
    for (const { value, version } of claimed) {
      try {
        const reservation = reservationStreamId(value);
        const guarded = await this.claimsBefore(reservation, streamId);
        if (guarded.version !== version) continue;
        const stored = new Set((await this.readStream(streamId)).map((event) => event.eventId));
        if (guarded.eventIds.some((id) => stored.has(id))) continue;
        await this.appendReleased(reservation, value, streamId, 'compensation', version);
      } catch (error) {
        console.warn(
          `event store: ${value.scope} reservation of ${streamId} not compensated: ${(error as Error).message}`,
        );
      }
    }
  }

  private async appendReleased(
    reservation: string,
    value: UniqueValue,
    streamId: string,
    reason: 'released' | 'compensation',
    expectedVersion: number,
  ): Promise<void> {
    const data = { scope: value.scope, key: value.key, streamId, reason };
    await this.appendEvents(
      reservation,
      [{ type: RESERVATION_RELEASED, data, occurredAt: new Date() }],
      { expectedVersion },
    );
  }

  /** A reservation stream's version and, while claimed, its last claim. */
  private async reservationHead(
    reservation: string,
  ): Promise<{ version: number; claim?: ReservationClaimed }> {
    const records = this.readStreamRecords(reservation, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    });
    for await (const recorded of records) {
      const version = revisionToVersion(recorded.revision);
      if (recorded.type !== RESERVATION_CLAIMED) return { version };
      return { version, claim: recorded.data as unknown as ReservationClaimed };
    }
    return { version: 0 };
  }

  /**
   * The reservation's version, and the events guarded by the claims of `streamId` before the
   * last record (the claim being compensated) back to the last release.
   */
  private async claimsBefore(
    reservation: string,
    streamId: string,
  ): Promise<{ version: number; eventIds: string[] }> {
    let version = 0;
    const eventIds: string[] = [];
    const records = this.readStreamRecords(reservation, {
      direction: BACKWARDS,
      fromRevision: END,
    });
    for await (const recorded of records) {
      if (version === 0) {
        version = revisionToVersion(recorded.revision);
        continue;
      }
      if (recorded.type !== RESERVATION_CLAIMED) break;
      const claim = recorded.data as unknown as ReservationClaimed;
      if (claim.streamId !== streamId) break;
      eventIds.push(...claim.eventIds);
    }
    return { version, eventIds };
  }

  /**
   * Reads the stream's head (and, with an idempotency key, looks for the append that first used
   * the key), checks the expected version, then appends with `streamState` = the exact revision
   * it read, so the head it chained onto (prevHash) is still the head when the server commits.
   */
  private async appendEvents(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertWritableStreamId(streamId);
    if (!Array.isArray(events) || events.length === 0) {
      throw new InvalidAppendError('events: an append needs at least one event');
    }
    const expected = options.expectedVersion ?? 'any';
    try {
      assertExpectedVersion(expected);
    } catch (error) {
      throw new InvalidAppendError(`expectedVersion: ${(error as Error).message}`);
    }
    const idempotencyKey = idempotencyKeyOf(events);
    const drafts = events.map((event, index) => draftEvent(streamId, event, index, idempotencyKey));
    assertDistinctIds(drafts);
    // Look for an earlier append of these events: always with a key, and without one once the
    // server has answered an append of these ids as a repeat.
    let lookForEarlierAppend = idempotencyKey !== undefined;

    for (let attempt = 1; ; attempt += 1) {
      const head = await this.readHead(streamId, drafts, idempotencyKey, lookForEarlierAppend);
      if (head.replay) return head.replay;
      if (!satisfiesExpectedVersion(expected, head.version)) {
        throw new WrongExpectedVersionError(streamId, expected, head.version);
      }

      const appendId = randomUUID();
      const recordedAt = toMicrosecondIso(new Date());
      let prevHash = head.hash;
      const eventData: EventData[] = drafts.map((draft, index) => {
        const fields = chainFields(streamId, draft, head.version + index + 1, prevHash, recordedAt);
        prevHash = fields.hash;
        return jsonEvent({
          id: draft.eventId,
          type: draft.type,
          data: draft.data as JSONType,
          metadata: packMetadata(draft.metadata, fields, appendId),
        });
      });
      // The exact state that was read, for 'any' and 'stream-exists' too: else the chain could fork.
      const streamState = isExactExpectation(expected)
        ? expectedVersionToStreamState(expected)
        : versionToStreamState(head.version);

      let actual: number;
      try {
        const result = await this.client.appendToStream(
          streamId,
          eventData,
          appendToStreamOptions(streamState),
        );
        if (result.success) {
          const appended = await this.appendResult(streamId, result, drafts, appendId);
          if (appended) return appended;
          // KurrentDB's idempotence: these ids were already there, nothing was written. The next
          // read finds the earlier append and answers with it.
          lookForEarlierAppend = true;
          if (attempt < MAX_APPEND_ATTEMPTS) continue;
          throw new Error(
            `stream ${streamId}: the server took the append as a repeat, but no earlier append of its events was found`,
          );
        }
        // Only with `throwOnAppendFailure=false` in the connection string: -1 means no stream.
        actual = currentStateToVersion(
          result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision,
        );
      } catch (error) {
        if (!(error instanceof KurrentWrongExpectedVersionError)) throw error;
        actual = currentStateToVersion(error.actualState);
      }
      // Someone appended between our read and our write. With an exact expectation that is the
      // caller's conflict, unless a key makes it a possible repeat: read again to tell.
      const retry = lookForEarlierAppend || !isExactExpectation(expected);
      if (!retry || attempt >= MAX_APPEND_ATTEMPTS) {
        throw new WrongExpectedVersionError(streamId, expected, actual);
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const fromVersion = options.fromVersion ?? 1;
    if (!Number.isSafeInteger(fromVersion)) {
      throw new RangeError(`fromVersion must be an integer, got ${fromVersion}`);
    }
    const recordedUpTo =
      options.recordedUpTo === undefined ? undefined : toMicrosecondIso(options.recordedUpTo);
    if (isSystemStream(streamId)) return [];
    const events: StoredEvent[] = [];
    const records = this.readStreamRecords(streamId, {
      fromRevision: BigInt(Math.max(fromVersion, 1) - 1),
    });
    for await (const recorded of records) {
      const event = toStoredEvent(recorded).event;
      // Same-format ISO strings compare in time order.
      if (recordedUpTo !== undefined && event.recordedAt > recordedUpTo) continue;
      events.push(event);
      if (options.maxCount !== undefined && events.length >= options.maxCount) break;
    }
    return events;
  }

  /** Keys are per stream in this adapter (ADR 003). */
  async readByIdempotencyKey(streamId: string, key: string): Promise<StoredEvent[]> {
    return (await this.readStream(streamId)).filter(
      (event) => event.metadata.idempotencyKey === key,
    );
  }

  async streamVersion(streamId: string): Promise<number> {
    const records = this.readStreamRecords(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    });
    for await (const recorded of records) return revisionToVersion(recorded.revision);
    return 0;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
    }
    const events: StoredEvent[] = [];
    let cursor = after;
    let from: ReadPosition = positionToReadPosition(after);
    while (events.length < limit) {
      // The client's read includes the record at `from`, which was handed out already.
      const wanted = limit - events.length + 1;
      let seen = 0;
      let last: Position | undefined;
      const records = this.client.readAll({
        fromPosition: from,
        maxCount: wanted,
        filter: excludeSystemEvents(),
      });
      for await (const resolved of records) {
        seen += 1;
        const recorded = resolved.event;
        if (!recorded) continue;
        const position = positionOf(recorded, resolved);
        if (position.number <= cursor) continue;
        cursor = position.number;
        last = position.raw;
        if (!isLedgerRecord(recorded)) continue;
        events.push(toStoredEvent(recorded, position.raw.commit).event);
        if (events.length === limit) break;
      }
      if (seen < wanted || last === undefined) break;
      from = last;
    }
    return events;
  }

  async headPosition(): Promise<number> {
    const records = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      filter: excludeSystemEvents(),
    });
    for await (const resolved of records) {
      const recorded = resolved.event;
      if (recorded && isLedgerRecord(recorded)) return positionOf(recorded, resolved).number;
    }
    return 0;
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    const subscription = new KurrentSubscription(
      {
        readPage: (after, limit) => this.readAll({ after, limit }),
        subscribeAfter: (position) =>
          this.client.subscribeToAll({
            fromPosition: positionToReadPosition(position),
            filter: excludeSystemEvents(),
          }),
      },
      options,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Walks $all once in commit order, keeping each stream's last version and hash, and checks every
   * ledger event: its version follows the previous one (no event missing), its stored prevHash is
   * the previous event's hash, and its stored hash is the hash of what is stored. Stops at the
   * first bad event (counts are up to it, as in the PostgreSQL adapter).
   */
  async verify(): Promise<VerifyReport> {
    const heads = new Map<string, { version: number; hash: string | null }>();
    let events = 0;
    const records = this.client.readAll({ filter: excludeSystemEvents() });
    for await (const resolved of records) {
      const recorded = resolved.event;
      if (!recorded || !isLedgerRecord(recorded)) continue;
      events += 1;
      const { event, fields, problem } = toStoredEvent(recorded, resolved.commitPosition);
      const previous = heads.get(event.streamId) ?? { version: 0, hash: null };
      heads.set(event.streamId, { version: event.version, hash: fields?.hash ?? null });
      const reason = problem ?? chainProblem(event, fields, previous);
      if (reason !== undefined) {
        const { eventId, streamId, version, position } = event;
        return {
          ok: false,
          streams: heads.size,
          events,
          firstBadEvent: { eventId, streamId, version, position, reason },
        };
      }
    }
    return { ok: true, streams: heads.size, events };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** Reads a stream's records; a stream that does not exist reads as empty. */
  private async *readStreamRecords(
    streamId: string,
    options: Parameters<KurrentDBClient['readStream']>[1],
  ): AsyncGenerator<RecordedEvent> {
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) yield resolved.event;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }

  /**
   * The stream's version and last hash. With `lookForEarlierAppend` it reads the stream
   * backwards until it finds the events of an earlier append of these events (their ids, or the
   * idempotency key in their metadata): then `replay` is that append's result.
   */
  private async readHead(
    streamId: string,
    drafts: Draft[],
    idempotencyKey: string | undefined,
    lookForEarlierAppend: boolean,
  ): Promise<{ version: number; hash: string | null; replay?: AppendResult }> {
    let head: { version: number; hash: string | null } | undefined;
    const earlier: RecordedEvent[] = [];
    const ids = new Set(drafts.map((draft) => draft.eventId));
    const records = this.readStreamRecords(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      ...(lookForEarlierAppend ? {} : { maxCount: 1 }),
    });
    for await (const recorded of records) {
      const { metadata, fields } = unpackMetadata(recorded.metadata);
      head ??= { version: revisionToVersion(recorded.revision), hash: fields?.hash ?? null };
      if (!lookForEarlierAppend) break;
      const sameAppend =
        ids.has(recorded.id) ||
        (idempotencyKey !== undefined && metadata.idempotencyKey === idempotencyKey);
      if (sameAppend) earlier.push(recorded);
      else if (earlier.length > 0) break; // the events of one append are contiguous
    }
    if (!head) return { version: 0, hash: null };
    if (earlier.length === 0) return head;
    earlier.reverse();
    const last = toStoredEvent(earlier[earlier.length - 1]).event;
    return {
      ...head,
      replay: {
        streamId,
        version: last.version,
        position: last.position,
        eventIds: earlier.map((recorded) => recorded.id),
        recordedAt: last.recordedAt,
        replayed: true,
      },
    };
  }

  /**
   * The append's result, from its last event read back (for the server's `created` time and the
   * position); undefined when that event is not the one this attempt sent (see APPEND_ID_KEY).
   */
  private async appendResult(
    streamId: string,
    result: KurrentAppendResult,
    drafts: Draft[],
    appendId: string,
  ): Promise<AppendResult | undefined> {
    const records = this.readStreamRecords(streamId, {
      fromRevision: result.nextExpectedRevision,
      maxCount: 1,
    });
    for await (const recorded of records) {
      const { event, appendId: storedAppendId } = toStoredEvent(recorded, result.position?.commit);
      if (storedAppendId !== appendId) return undefined;
      return {
        streamId,
        version: event.version,
        position: event.position,
        eventIds: drafts.map((draft) => draft.eventId),
        recordedAt: event.recordedAt,
        replayed: false,
      };
    }
    // Read-your-writes holds on the leader (the default node preference).
    throw new Error(
      `stream ${streamId}: the event appended at revision ${result.nextExpectedRevision} cannot be read back`,
    );
  }
}

// -----------------------------------------------------------------------------------------------
// Reservations

const RESERVATION_CLAIMED = 'ReservationClaimed';
const RESERVATION_RELEASED = 'ReservationReleased';

interface ReservationClaimed {
  scope: string;
  key: string;
  /** The stream that holds the value. */
  streamId: string;
  holder: Record<string, string>;
  /** The events of the append this claim guards. */
  eventIds: string[];
}

function checkedValues<V extends UniqueValue>(values: V[]): V[] {
  values.forEach((value, i) => {
    if (typeof value?.scope !== 'string' || !/^[a-z][a-z0-9-]*$/.test(value.scope))
      throw new InvalidAppendError(`reservation[${i}].scope: lower-case letters, digits and -`);
    if (typeof value.key !== 'string' || value.key.length === 0)
      throw new InvalidAppendError(`reservation[${i}].key: must be a non-empty string`);
  });
  // One order for every append, so two appends claiming the same values meet on the first.
  return [...values].sort((a, b) => a.scope.localeCompare(b.scope) || a.key.localeCompare(b.key));
}

// -----------------------------------------------------------------------------------------------
// Appending

/** A NewEvent checked and normalised to exactly what will be stored (and hashed). */
interface Draft {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  occurredAt: string;
}

function assertWritableStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new InvalidAppendError('streamId: must be a non-empty string');
  }
  if (isSystemStream(streamId)) {
    throw new InvalidAppendError(
      `streamId: ${streamId} starts with $, which KurrentDB keeps for itself`,
    );
  }
}

/** The append's idempotency key: events of one append carry one key, or none. */
function idempotencyKeyOf(events: NewEvent[]): string | undefined {
  const keys = new Set<string>();
  events.forEach((event, index) => {
    const key: unknown = event?.metadata?.idempotencyKey;
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidAppendError(
        `events[${index}].metadata.idempotencyKey: must be a non-empty string`,
      );
    }
    keys.add(key);
  });
  if (keys.size > 1) {
    throw new InvalidAppendError(
      'metadata.idempotencyKey: the events of one append carry different keys',
    );
  }
  return keys.values().next().value;
}

function draftEvent(
  streamId: string,
  event: NewEvent,
  index: number,
  idempotencyKey: string | undefined,
): Draft {
  const at = `events[${index}]`;
  if (event === null || typeof event !== 'object')
    throw new InvalidAppendError(`${at}: not an event`);
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new InvalidAppendError(`${at}.type: must be a non-empty string`);
  }
  if (isSystemEventType(event.type)) {
    throw new InvalidAppendError(
      `${at}.type: ${event.type} starts with $, which KurrentDB keeps for itself`,
    );
  }
  if (
    event.eventId !== undefined &&
    (typeof event.eventId !== 'string' || !isUuid(event.eventId))
  ) {
    throw new InvalidAppendError(`${at}.eventId: must be a UUID`);
  }
  const schemaVersion = event.schemaVersion ?? 1;
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidAppendError(`${at}.schemaVersion: must be an integer >= 1`);
  }
  const metadata = event.metadata ?? {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidAppendError(`${at}.metadata: must be an object`);
  }
  const reserved = reservedMetadataKeys(metadata);
  if (reserved.length > 0) {
    throw new InvalidAppendError(`${at}.metadata: ${reserved.join(', ')} are kept by the ledger`);
  }
  const occurredAt =
    event.occurredAt instanceof Date || typeof event.occurredAt === 'string'
      ? new Date(event.occurredAt)
      : new Date(Number.NaN);
  if (Number.isNaN(occurredAt.getTime())) {
    throw new InvalidAppendError(`${at}.occurredAt: must be a date`);
  }
  return {
    eventId:
      event.eventId?.toLowerCase() ??
      (idempotencyKey === undefined
        ? randomUUID()
        : idempotentEventId(streamId, idempotencyKey, index)),
    type: event.type,
    schemaVersion,
    data: asStoredJson(event.data, `${at}.data`),
    metadata: asStoredJson(metadata, `${at}.metadata`) as EventMetadata,
    occurredAt: occurredAt.toISOString(),
  };
}

/** The value as it will read back from KurrentDB's JSON (so the hash covers what is stored). */
function asStoredJson(value: unknown, field: string): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidAppendError(
      `${field}: not serialisable as JSON (${(error as Error).message})`,
    );
  }
  if (text === undefined) throw new InvalidAppendError(`${field}: not serialisable as JSON`);
  return JSON.parse(text) as unknown;
}

function assertDistinctIds(drafts: Draft[]): void {
  const ids = new Set(drafts.map((draft) => draft.eventId));
  if (ids.size !== drafts.length) throw new InvalidAppendError('eventId: two events share an id');
}

function chainFields(
  streamId: string,
  draft: Draft,
  version: number,
  prevHash: string | null,
  recordedAt: string,
): LedgerFields {
  const hash: string = eventHash({
    data: draft.data,
    eventId: draft.eventId,
    metadata: draft.metadata,
    occurredAt: draft.occurredAt,
    prevHash,
    recordedAt,
    schemaVersion: draft.schemaVersion,
    streamId,
    type: draft.type,
    version,
  });
  return {
    occurredAt: draft.occurredAt,
    schemaVersion: draft.schemaVersion,
    recordedAt,
    prevHash,
    hash,
  };
}

// -----------------------------------------------------------------------------------------------
// Reading

/** A ledger event: not in one of KurrentDB's own streams, not one of its own event types. */
function isLedgerRecord(recorded: RecordedEvent): boolean {
  return !isSystemStream(recorded.streamId) && !isSystemEventType(recorded.type);
}

/** What servers before 22.6 send as the position of an event read from a stream: none. */
const NO_POSITION = 0xffffffffffffffffn;

function positionOf(
  recorded: RecordedEvent,
  resolved: AllStreamResolvedEvent | ResolvedEvent,
): { number: number; raw: Position } {
  const own = recorded.position;
  if (own && own.commit !== NO_POSITION) return { number: commitToPosition(own.commit), raw: own };
  const commit = resolved.commitPosition;
  if (commit === undefined || commit === NO_POSITION) throw missingPosition(recorded);
  return { number: commitToPosition(commit), raw: { commit, prepare: commit } };
}

function missingPosition(recorded: RecordedEvent): Error {
  return new Error(
    `KurrentDB returned event ${recorded.id} without its $all position (the adapter needs KurrentDB >= 22.6)`,
  );
}

/**
 * The port's view of a stored record. recordedAt is the system time the adapter wrote and
 * hashed (the server's `created` only for a record the adapter did not write), so anyone can
 * rehash a returned event with `eventHash` as they can one from the PostgreSQL adapter.
 * The hash fields come from the metadata the adapter wrote. `fields` is undefined (and `problem` says
 * why) for a record the adapter did not write: it reads with neutral values, verify() reports it.
 */
function toStoredEvent(
  recorded: RecordedEvent,
  commitPosition?: bigint,
): { event: StoredEvent; fields?: LedgerFields; appendId?: string; problem?: string } {
  const { metadata, fields, appendId, problem } = unpackMetadata(recorded.metadata);
  const own = recorded.position?.commit;
  const commit = own !== undefined && own !== NO_POSITION ? own : commitPosition;
  if (commit === undefined || commit === NO_POSITION) throw missingPosition(recorded);
  const recordedAt = fields?.recordedAt ?? toMicrosecondIso(recorded.created);
  return {
    event: {
      eventId: recorded.id,
      type: recorded.type,
      schemaVersion: fields?.schemaVersion ?? 1,
      data: recorded.data,
      metadata,
      occurredAt: fields?.occurredAt ?? recorded.created.toISOString(),
      recordedAt,
      streamId: recorded.streamId,
      version: revisionToVersion(recorded.revision),
      position: commitToPosition(commit),
      prevHash: fields?.prevHash ?? null,
      hash: fields?.hash ?? '',
    },
    fields,
    appendId,
    problem: problem ?? (recorded.isJson ? undefined : 'data is not JSON'),
  };
}

function chainProblem(
  event: StoredEvent,
  fields: LedgerFields | undefined,
  previous: { version: number; hash: string | null },
): string | undefined {
  if (!fields) return 'missing ledger metadata';
  if (event.version !== previous.version + 1) {
    return previous.version === 0
      ? `the stream's first readable event has version ${event.version}: earlier events are missing`
      : `version ${event.version} follows version ${previous.version}: events are missing`;
  }
  if (fields.prevHash !== previous.hash) {
    return `prevHash ${String(fields.prevHash)} is not the previous event's hash ${String(previous.hash)}`;
  }
  const recomputed: string = eventHash({
    data: event.data,
    eventId: event.eventId,
    metadata: event.metadata,
    occurredAt: fields.occurredAt,
    prevHash: fields.prevHash,
    recordedAt: fields.recordedAt,
    schemaVersion: fields.schemaVersion,
    streamId: event.streamId,
    type: event.type,
    version: event.version,
  });
  if (recomputed !== fields.hash) return 'hash does not match the stored event';
  return undefined;
}

// -----------------------------------------------------------------------------------------------
// Subscriptions

interface SubscriptionSource {
  readPage(after: number, limit: number): Promise<StoredEvent[]>;
  subscribeAfter(position: number): AllStreamSubscription;
}

/**
 * Catches up by reading $all in pages (caughtUp resolves when a page comes back short), then
 * follows the server's live subscription to $all from the last position handled. The handler
 * sees each event once, in position order, one at a time.
 */
class KurrentSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private current: number;
  private stopping = false;
  private live: AllStreamSubscription | undefined;
  private markCaughtUp: () => void = () => undefined;
  private readonly finished: Promise<void>;
  private readonly batchSize: number;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly options: SubscriptionOptions,
    private readonly onFinished: () => void,
  ) {
    this.current = options.after ?? 0;
    this.batchSize = options.batchSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(this.current) || this.current < 0) {
      throw new RangeError(`after must be an integer >= 0, got ${this.current}`);
    }
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`batchSize must be an integer >= 1, got ${this.batchSize}`);
    }
    // Also resolved when the subscription stops or fails first, as the PostgreSQL adapter does.
    this.caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
    this.finished = this.run().finally(this.onFinished);
  }

  get position(): number {
    return this.current;
  }

  /** Nothing to do: once caught up, the server pushes events as they are written. */
  wake(): void {}

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.markCaughtUp();
      await this.closeLive();
    }
    await this.finished;
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const page = await this.source.readPage(this.current, this.batchSize);
        if (page.length > 0 && this.options.handleBatch) {
          if (this.stopping) return;
          await this.options.handleBatch(page);
          this.current = page[page.length - 1].position;
        } else {
          for (const event of page) {
            if (this.stopping) return;
            await this.deliver(event);
          }
        }
        if (this.stopping) return;
        if (page.length < this.batchSize) break;
      }
      this.markCaughtUp();

      const live = this.source.subscribeAfter(this.current);
      this.live = live;
      for await (const resolved of live) {
        if (this.stopping) return;
        const recorded = resolved.event;
        if (!recorded || !isLedgerRecord(recorded)) continue;
        const { number } = positionOf(recorded, resolved);
        if (number <= this.current) continue; // the read starts at the last position handled
        await this.deliver(toStoredEvent(recorded, resolved.commitPosition).event);
      }
      if (!this.stopping) throw new Error('the KurrentDB subscription to $all ended');
    } catch (error) {
      if (this.stopping) return; // cancelling the live subscription surfaces here
      this.stopping = true;
      this.markCaughtUp();
      await this.closeLive();
      // Nothing is thrown from here: an unobserved rejection would crash the process.
      try {
        (this.options.onError ?? ((e) => console.error('subscription stopped:', e)))(error);
      } catch {
        // onError's own failure has nowhere to go; the subscription has stopped either way.
      }
    }
  }

  private async deliver(event: StoredEvent): Promise<void> {
    if (this.options.handleBatch) await this.options.handleBatch([event]);
    else await this.options.handler?.(event);
    this.current = event.position;
  }

  private async closeLive(): Promise<void> {
    const live = this.live;
    if (!live) return;
    try {
      await live.unsubscribe();
    } catch {
      // Already closed.
    }
    live.destroy();
  }
}
