/**
 * Pure translations between the EventStore port and KurrentDB's client (no I/O, no server):
 * versions and revisions, expected versions and stream states, positions, timestamps, event ids
 * and the ledger's fields kept in an event's metadata. kurrent-mapping.spec.ts tests them.
 */
import { createHash } from 'node:crypto';
import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AppendStreamState,
  type AppendToStreamOptions,
  type CurrentStreamState,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import type { EventMetadata, ExpectedVersion, UniqueValue } from '../event-store.port';

// ---------------------------------------------------------------------------------------------
// Versions (port, from 1) and revisions (KurrentDB, from 0)

/** The port's version of the event at a KurrentDB revision: revisions count from 0, versions from 1. */
export function revisionToVersion(revision: bigint): number {
  if (revision < 0n) throw new RangeError(`a stream revision is never negative: ${revision}`);
  return safeNumber(revision + 1n, 'stream version');
}

/** KurrentDB's revision of the event at a port version (version 1 is revision 0). */
export function versionToRevision(version: number): bigint {
  assertVersion(version, 'version');
  if (version === 0) throw new RangeError('version 0 is "no event": it has no revision');
  return BigInt(version - 1);
}

/**
 * The KurrentDB stream state that means "the stream is exactly at this version": NO_STREAM for 0,
 * else the revision of the stream's last event.
 */
export function versionToStreamState(version: number): AppendStreamState {
  assertVersion(version, 'version');
  return version === 0 ? NO_STREAM : BigInt(version - 1);
}

/** The port's expected version as KurrentDB's `streamState`. A number n is "n events in the stream". */
export function expectedVersionToStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected) {
    case 'no-stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      return versionToStreamState(expected);
  }
}

/** Whether a stream at `current` (its version) satisfies the writer's expectation. */
export function satisfiesExpectedVersion(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return current === 0;
    case 'stream-exists':
      return current > 0;
    default:
      return current === expected;
  }
}

/** Whether an expectation names one exact version (a number, or 'no-stream' which is 0). */
export function isExactExpectation(expected: ExpectedVersion): boolean {
  return expected === 'no-stream' || typeof expected === 'number';
}

/**
 * The port's version from the client's `actualState` of a WrongExpectedVersionError: NO_STREAM is 0,
 * revision r is r + 1. The server reports deleted or tombstoned streams with negative revisions
 * (-5, -6): they hold no readable event, so 0.
 */
export function currentStateToVersion(state: CurrentStreamState): number {
  if (state === NO_STREAM) return 0;
  return state < 0n ? 0 : revisionToVersion(state);
}

/** Throws a RangeError unless `expected` is one of the port's expected versions. */
export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no-stream' || expected === 'stream-exists') return;
  if (typeof expected === 'number') {
    assertVersion(expected, 'expectedVersion');
    return;
  }
  throw new RangeError(
    `expectedVersion must be 'any', 'no-stream', 'stream-exists' or a version >= 0, got ${String(expected)}`,
  );
}

/**
 * The options of `appendToStream`, typed so that the concurrency check cannot be lost: the
 * client reads `streamState` and silently ignores `expectedRevision` (the name in
 * `@eventstore/db-client`), and here `streamState` is required. See docs/adr/003-kurrentdb-client.md.
 */
export type CheckedAppendOptions = AppendToStreamOptions &
  Required<Pick<AppendToStreamOptions, 'streamState'>>;

export function appendToStreamOptions(streamState: AppendStreamState): CheckedAppendOptions {
  return { streamState };
}

function assertVersion(version: number, name: string): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new RangeError(`${name} must be an integer >= 0, got ${version}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Positions

/** The port's position of an event: its $all commit position as a number. */
export function commitToPosition(commit: bigint): number {
  return safeNumber(commit, 'position');
}

/**
 * Where to start reading $all for "after `position`": the event at that position itself (the
 * client's reads start inclusive, callers skip it). KurrentDB writes each event of an append
 * with commit position = prepare position, so one number names a record.
 */
export function positionToReadPosition(position: number): ReadPosition {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`position must be an integer >= 0, got ${position}`);
  }
  if (position === 0) return START;
  const at = BigInt(position);
  return { commit: at, prepare: at };
}

function safeNumber(value: bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} ${value} is beyond 2^53`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Time

const ISO_WITH_FRACTION =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * ISO 8601 UTC with 6 fractional digits (`2026-11-22T23:37:05.123456Z`), the port's format for
 * recordedAt. A Date has milliseconds, so its last three digits are 0; a string keeps the
 * microseconds it states (digits beyond the sixth are cut, not rounded).
 */
export function toMicrosecondIso(input: Date | string): string {
  if (input instanceof Date) return withMicros(input, '000');
  const match = ISO_WITH_FRACTION.exec(input.trim());
  if (match) {
    const [, dateTime, fraction = '', zone] = match;
    const digits = fraction.padEnd(6, '0').slice(0, 6);
    return withMicros(new Date(`${dateTime}.${digits.slice(0, 3)}${zone}`), digits.slice(3));
  }
  return withMicros(new Date(input), '000');
}

function withMicros(date: Date, micros: string): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('not a valid date');
  return date.toISOString().replace(/Z$/, `${micros}Z`);
}

// ---------------------------------------------------------------------------------------------
// Event ids

/**
 * Namespace of the event ids the ledger derives from idempotency keys. Never change it: a
 * retried append must derive the ids it derived the first time.
 */
export const LEDGER_EVENT_ID_NAMESPACE = 'b80aabb4-2647-407f-899b-f7b5fb4b2ce5';

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new RangeError(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the `index`th event of an append carrying `idempotencyKey`: the same append, retried,
 * carries the same ids, so KurrentDB's own idempotence check recognises it too.
 */
export function idempotentEventId(streamId: string, idempotencyKey: string, index: number): string {
  return uuidV5(JSON.stringify([streamId, idempotencyKey, index]), LEDGER_EVENT_ID_NAMESPACE);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// ---------------------------------------------------------------------------------------------
// System streams and events

/** KurrentDB's own streams ($all, $settings, $$metadata, $ce-…) start with `$`. */
export function isSystemStream(streamId: string): boolean {
  return streamId.startsWith('$');
}

/** KurrentDB's own event types ($metadata, $> links, $statsCollected…) start with `$`. */
export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

// ---------------------------------------------------------------------------------------------
// The ledger's fields in an event's metadata

/**
 * What the ledger keeps beside the caller's metadata in a KurrentDB event's metadata. KurrentDB
 * has no column for them: `occurredAt` and `schemaVersion` belong to the event; `recordedAt`,
 * `prevHash` and `hash` make the hash chain (the hash covers `recordedAt` as written here, see
 * docs/adr/003-kurrentdb-client.md).
 */
export interface LedgerFields {
  occurredAt: string;
  schemaVersion: number;
  recordedAt: string;
  prevHash: string | null;
  hash: string;
}

export const LEDGER_METADATA_KEYS = {
  occurredAt: '$occurredAt',
  schemaVersion: '$schemaVersion',
  recordedAt: '$recordedAt',
  prevHash: '$prevHash',
  hash: '$hash',
} as const satisfies Record<keyof LedgerFields, string>;

/**
 * A random id per append attempt, outside the hash. KurrentDB answers a repeated append of the
 * same event ids at the same revision with success and writes nothing; this tells the adapter
 * whether the events it reads back are the ones it just sent.
 */
export const APPEND_ID_KEY = '$appendId';

const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.values(LEDGER_METADATA_KEYS),
  APPEND_ID_KEY,
]);

/** The caller's metadata keys the ledger keeps for itself, if any (an append must not use them). */
export function reservedMetadataKeys(metadata: EventMetadata): string[] {
  return Object.keys(metadata).filter((key) => RESERVED_KEYS.has(key));
}

export function packMetadata(
  metadata: EventMetadata,
  fields: LedgerFields,
  appendId: string,
): Record<string, unknown> {
  return {
    ...metadata,
    [APPEND_ID_KEY]: appendId,
    [LEDGER_METADATA_KEYS.occurredAt]: fields.occurredAt,
    [LEDGER_METADATA_KEYS.schemaVersion]: fields.schemaVersion,
    [LEDGER_METADATA_KEYS.recordedAt]: fields.recordedAt,
    [LEDGER_METADATA_KEYS.prevHash]: fields.prevHash,
    [LEDGER_METADATA_KEYS.hash]: fields.hash,
  };
}

/**
 * Splits stored metadata into the caller's metadata and the ledger's fields. `fields` is
 * undefined, and `problem` says why, when the ledger's fields are missing or malformed (an event
 * the ledger did not write, or one altered afterwards).
 */
export function unpackMetadata(stored: unknown): {
  metadata: EventMetadata;
  fields?: LedgerFields;
  appendId?: string;
  problem?: string;
} {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    return { metadata: {}, problem: 'metadata is not a JSON object' };
  }
  const record = stored as Record<string, unknown>;
  const metadata: EventMetadata = {};
  for (const [key, value] of Object.entries(record)) {
    if (!RESERVED_KEYS.has(key)) metadata[key] = value;
  }
  const occurredAt = record[LEDGER_METADATA_KEYS.occurredAt];
  const schemaVersion = record[LEDGER_METADATA_KEYS.schemaVersion];
  const recordedAt = record[LEDGER_METADATA_KEYS.recordedAt];
  const prevHash = record[LEDGER_METADATA_KEYS.prevHash];
  const hash = record[LEDGER_METADATA_KEYS.hash];
  const appendIdValue = record[APPEND_ID_KEY];
  const appendId = typeof appendIdValue === 'string' ? appendIdValue : undefined;
  const problems: string[] = [];
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    problems.push(LEDGER_METADATA_KEYS.occurredAt);
  }
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion)) {
    problems.push(LEDGER_METADATA_KEYS.schemaVersion);
  }
  if (typeof recordedAt !== 'string') problems.push(LEDGER_METADATA_KEYS.recordedAt);
  if (prevHash !== null && typeof prevHash !== 'string')
    problems.push(LEDGER_METADATA_KEYS.prevHash);
  if (typeof hash !== 'string') problems.push(LEDGER_METADATA_KEYS.hash);
  if (problems.length > 0) {
    return {
      metadata,
      appendId,
      problem: `missing or malformed ledger metadata: ${problems.join(', ')}`,
    };
  }
  return {
    metadata,
    appendId,
    fields: {
      occurredAt: new Date(occurredAt as string).toISOString(),
      schemaVersion: schemaVersion as number,
      recordedAt: recordedAt as string,
      prevHash: prevHash as string | null,
      hash: hash as string,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reservations (ADR 005)

/**
 * The reservation stream of a unique value: one per value, named after its scope and the
 * sha256 of its key (a fixed length and alphabet whatever the key), e.g.
 * `person-reservation-<64 hex digits>`.
 */
export function reservationStreamId({ scope, key }: UniqueValue): string {
  return `${scope}-reservation-${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
