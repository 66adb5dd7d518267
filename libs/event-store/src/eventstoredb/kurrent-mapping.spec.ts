import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AppendToStreamOptions,
} from '@kurrent/kurrentdb-client';
import {
  APPEND_ID_KEY,
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
  packMetadata,
  positionToReadPosition,
  reservationStreamId,
  reservedMetadataKeys,
  revisionToVersion,
  satisfiesExpectedVersion,
  toMicrosecondIso,
  unpackMetadata,
  uuidV5,
  versionToRevision,
  versionToStreamState,
  type LedgerFields,
} from './mapping';

describe('KurrentDB mapping', () => {
  describe('versions count from 1, revisions from 0', () => {
    it('turns revision r into version r + 1 and back', () => {
      expect(revisionToVersion(0n)).toBe(1);
      expect(revisionToVersion(41n)).toBe(42);
      expect(versionToRevision(1)).toBe(0n);
      expect(versionToRevision(42)).toBe(41n);
    });

    it('refuses what has no counterpart', () => {
      expect(() => revisionToVersion(-1n)).toThrow(RangeError);
      expect(() => revisionToVersion(2n ** 53n)).toThrow(RangeError);
      expect(() => versionToRevision(0)).toThrow(RangeError);
      expect(() => versionToRevision(1.5)).toThrow(RangeError);
    });

    it('names "exactly at version n" as a stream state: 0 is no stream', () => {
      expect(versionToStreamState(0)).toBe(NO_STREAM);
      expect(versionToStreamState(1)).toBe(0n);
      expect(versionToStreamState(7)).toBe(6n);
      expect(() => versionToStreamState(-1)).toThrow(RangeError);
    });
  });

  describe('expected version to streamState', () => {
    it.each([
      ['no-stream', NO_STREAM],
      ['any', ANY],
      ['stream-exists', STREAM_EXISTS],
      [0, NO_STREAM],
      [1, 0n],
      [5, 4n],
    ] as const)('maps %p to %p', (expected, state) => {
      expect(expectedVersionToStreamState(expected)).toBe(state);
    });

    it('uses the client constants, whose values differ from the port words', () => {
      expect([NO_STREAM, ANY, STREAM_EXISTS]).toEqual(['no_stream', 'any', 'stream_exists']);
    });

    it('refuses a version that is not a count of events', () => {
      expect(() => expectedVersionToStreamState(-1)).toThrow(RangeError);
      expect(() => expectedVersionToStreamState(2.5)).toThrow(RangeError);
      expect(() => assertExpectedVersion('latest')).toThrow(RangeError);
      expect(() => assertExpectedVersion(Number.NaN)).toThrow(RangeError);
      expect(() => assertExpectedVersion(3)).not.toThrow();
    });

    it('tells which expectations name one exact version', () => {
      expect(isExactExpectation('no-stream')).toBe(true);
      expect(isExactExpectation(0)).toBe(true);
      expect(isExactExpectation(3)).toBe(true);
      expect(isExactExpectation('any')).toBe(false);
      expect(isExactExpectation('stream-exists')).toBe(false);
    });

    it.each([
      ['any', 0, true],
      ['any', 3, true],
      ['no-stream', 0, true],
      ['no-stream', 1, false],
      ['stream-exists', 0, false],
      ['stream-exists', 2, true],
      [0, 0, true],
      [2, 2, true],
      [2, 3, false],
    ] as const)('expectation %p against version %p: %p', (expected, current, ok) => {
      expect(satisfiesExpectedVersion(expected, current)).toBe(ok);
    });
  });

  describe("the client's actual state to the port's actual version", () => {
    it('reads no stream as 0 and revision r as r + 1', () => {
      expect(currentStateToVersion(NO_STREAM)).toBe(0);
      expect(currentStateToVersion(0n)).toBe(1);
      expect(currentStateToVersion(9n)).toBe(10);
    });

    it('reads a deleted or tombstoned stream (negative revision) as 0', () => {
      expect(currentStateToVersion(-5n)).toBe(0);
      expect(currentStateToVersion(-6n)).toBe(0);
    });
  });

  describe('the options of appendToStream', () => {
    it('carry the concurrency check as streamState and nothing else', () => {
      const options = appendToStreamOptions(versionToStreamState(3));
      expect(options).toEqual({ streamState: 2n });
      expect(Object.keys(options)).toEqual(['streamState']);
    });

    it('do not type-check with the old client name (checked by tsc --noEmit)', () => {
      // @ts-expect-error `expectedRevision` is @eventstore/db-client's name; this client ignores it.
      const stale: AppendToStreamOptions = { expectedRevision: 0n };
      // @ts-expect-error streamState is required where the adapter builds the options.
      const missing: ReturnType<typeof appendToStreamOptions> = {};
      expect([stale, missing]).toHaveLength(2);
    });
  });

  describe('positions', () => {
    it('turns the commit position into a number', () => {
      expect(commitToPosition(123_456n)).toBe(123_456);
      expect(() => commitToPosition(2n ** 53n)).toThrow(RangeError);
    });

    it('starts a read after 0 at the start, after n at the record n', () => {
      expect(positionToReadPosition(0)).toBe(START);
      expect(positionToReadPosition(4096)).toEqual({ commit: 4096n, prepare: 4096n });
      expect(() => positionToReadPosition(-1)).toThrow(RangeError);
    });
  });

  describe('recordedAt with microseconds', () => {
    it('writes a Date with 6 fractional digits in UTC', () => {
      expect(toMicrosecondIso(new Date('2026-11-22T23:37:05.123Z'))).toBe(
        '2026-11-22T23:37:05.123000Z',
      );
    });

    it('keeps the microseconds a string states and converts its offset to UTC', () => {
      expect(toMicrosecondIso('2026-11-22T23:37:05.123456Z')).toBe('2026-11-22T23:37:05.123456Z');
      expect(toMicrosecondIso('2026-11-23T07:37:05.1234567+08:00')).toBe(
        '2026-11-22T23:37:05.123456Z',
      );
      expect(toMicrosecondIso('2026-11-22T23:37:05Z')).toBe('2026-11-22T23:37:05.000000Z');
      expect(toMicrosecondIso('2026-03-01')).toBe('2026-03-01T00:00:00.000000Z');
    });

    it('compares in time order as plain strings', () => {
      const earlier = toMicrosecondIso('2026-11-22T23:37:05.123456Z');
      const later = toMicrosecondIso('2026-11-22T23:37:05.1235Z');
      expect(earlier < later).toBe(true);
    });

    it('refuses what is not a date', () => {
      expect(() => toMicrosecondIso('yesterday')).toThrow(RangeError);
    });
  });

  describe('event ids', () => {
    it('derives RFC 9562 version 5 UUIDs', () => {
      // The RFC's example: "www.example.com" in the DNS namespace.
      expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
        '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      );
    });

    it('gives a retried append the same ids, and other appends other ids', () => {
      const id = idempotentEventId('agency-1', 'key-1', 0);
      expect(isUuid(id)).toBe(true);
      expect(idempotentEventId('agency-1', 'key-1', 0)).toBe(id);
      expect(idempotentEventId('agency-1', 'key-1', 1)).not.toBe(id);
      expect(idempotentEventId('agency-2', 'key-1', 0)).not.toBe(id);
      expect(idempotentEventId('agency-1', 'key-2', 0)).not.toBe(id);
      // No ambiguity where the parts meet.
      expect(idempotentEventId('agency-1', 'key:1', 0)).not.toBe(
        idempotentEventId('agency-1:key', '1', 0),
      );
    });
  });

  describe('system streams and events', () => {
    it('are the ones whose name starts with $', () => {
      expect(isSystemStream('$all')).toBe(true);
      expect(isSystemStream('$$agency-1')).toBe(true);
      expect(isSystemStream('agency-1')).toBe(false);
      expect(isSystemEventType('$metadata')).toBe(true);
      expect(isSystemEventType('$>')).toBe(true);
      expect(isSystemEventType('InspectionRecorded')).toBe(false);
    });
  });

  describe("the ledger's fields in the metadata", () => {
    const fields: LedgerFields = {
      occurredAt: '2026-03-01T01:30:00.000Z',
      schemaVersion: 2,
      recordedAt: '2026-11-22T23:37:05.123000Z',
      prevHash: null,
      hash: 'a'.repeat(64),
    };

    it("round-trip beside the caller's metadata, which comes back without them", () => {
      const stored = packMetadata({ actor: 'inspector', idempotencyKey: 'k' }, fields, 'append-1');
      expect(stored).toMatchObject({
        actor: 'inspector',
        $occurredAt: fields.occurredAt,
        $recordedAt: fields.recordedAt,
        $prevHash: null,
        $hash: fields.hash,
        $schemaVersion: 2,
        [APPEND_ID_KEY]: 'append-1',
      });
      const read = unpackMetadata(JSON.parse(JSON.stringify(stored)));
      expect(read).toEqual({
        metadata: { actor: 'inspector', idempotencyKey: 'k' },
        fields,
        appendId: 'append-1',
      });
    });

    it('say what is missing from metadata the ledger did not write', () => {
      const read = unpackMetadata({ actor: 'someone', $hash: 'x' });
      expect(read.fields).toBeUndefined();
      expect(read.metadata).toEqual({ actor: 'someone' });
      expect(read.problem).toMatch(/\$occurredAt.*\$schemaVersion.*\$recordedAt.*\$prevHash/);
      expect(unpackMetadata(undefined).problem).toBe('metadata is not a JSON object');
    });

    it('are names the caller may not use', () => {
      expect(reservedMetadataKeys({ actor: 'a', $hash: 'x', $appendId: 'y' })).toEqual([
        '$hash',
        '$appendId',
      ]);
      expect(reservedMetadataKeys({ actor: 'a', $correlationId: 'c' })).toEqual([]);
    });
  });
});

describe('reservation streams', () => {
  it('name one stream per value, after its scope and the sha256 of its key', () => {
    const key = 'a3f1c2e4b5d6978812345678901234567890abcdefabcdefabcdefabcdefabcd';
    const id = reservationStreamId({ scope: 'person', key });
    expect(id).toMatch(/^person-reservation-[0-9a-f]{64}$/);
    expect(reservationStreamId({ scope: 'person', key })).toBe(id);
    expect(reservationStreamId({ scope: 'person', key: `${key}0` })).not.toBe(id);
    expect(reservationStreamId({ scope: 'equipment', key })).not.toBe(id);
    expect(isSystemStream(id)).toBe(false);
  });
});
