/**
 * The KurrentDB adapter against a real KurrentDB (or EventStoreDB >= 22.6) server, named by
 * EVENTSTORE_CONNECTION_STRING, e.g. `kurrentdb://localhost:2113?tls=false`. Use a server of
 * its own: verify() walks every stream on it, so events other programs wrote there fail it.
 * No server can run on the project's machines (no Docker, no binary in the registries), so
 * without the variable this file only says it was skipped.
 */
import { randomUUID } from 'node:crypto';
import {
  KurrentDBClient,
  NO_STREAM,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import { runEventStoreContract } from '../../../../test/contract/event-store.contract';
import type { NewEvent } from '../event-store.port';
import { createKurrentEventStore, type KurrentEventStore } from './kurrent-event-store';
import {
  appendToStreamOptions,
  idempotentEventId,
  reservationStreamId,
  versionToStreamState,
} from './mapping';
import { HOOK_TIMEOUT_MS } from '../../../../test/support/timeouts';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

const inspection = (n: number, metadata: NewEvent['metadata'] = {}): NewEvent => ({
  type: 'InspectionRecorded',
  data: { inspectedAt: '2026-03-01', method: 'on-site', n },
  metadata: { actor: 'kurrent-int-spec', ...metadata },
  occurredAt: '2026-03-01T09:30:00+08:00',
});

if (!connectionString) {
  console.info(
    'KurrentDB adapter tests skipped: EVENTSTORE_CONNECTION_STRING is not set (no server can run on this machine)',
  );
  describe.skip('KurrentDB adapter (needs EVENTSTORE_CONNECTION_STRING)', () => {
    it('runs the EventStore contract and the adapter tests against KurrentDB', () => undefined);
  });
} else {
  runEventStoreContract('KurrentDB', () => {
    const store = createKurrentEventStore(connectionString);
    // No tamper: KurrentDB cannot change a stored event in place, not even for an administrator.
    // No appendHoldingCommit: an append takes its position when it commits, there is no open
    // transaction to hold.
    return Promise.resolve({ store, dispose: () => store.close() });
  });

  describe('KurrentDB adapter', () => {
    let store: KurrentEventStore;
    let client: KurrentDBClient;
    const stream = () => `agency-kurrent-${randomUUID()}`;

    beforeAll(() => {
      store = createKurrentEventStore(connectionString);
      client = KurrentDBClient.connectionString(connectionString);
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await store.close();
      await client.dispose();
    }, HOOK_TIMEOUT_MS);

    it('passes streamState to the server, which refuses a stale one (the client ignores expectedRevision)', async () => {
      // Event types starting with $ are KurrentDB's own: readAll and verify() leave them out,
      // so these raw events do not disturb the ledger's chain.
      const id = stream();
      const probe = () => jsonEvent({ type: '$ledger-stream-state-probe', data: {} });
      await client.appendToStream(id, probe(), appendToStreamOptions(NO_STREAM));
      await expect(
        client.appendToStream(id, probe(), appendToStreamOptions(versionToStreamState(0))),
      ).rejects.toBeInstanceOf(KurrentWrongExpectedVersionError);
      await expect(
        client.appendToStream(id, probe(), appendToStreamOptions(versionToStreamState(1))),
      ).resolves.toMatchObject({ success: true, nextExpectedRevision: 1n });
    });

    it('returns recordedAt with microseconds and keeps its own fields out of the metadata', async () => {
      const id = stream();
      await store.append(id, [inspection(1), inspection(2)]);
      const events = await store.readStream(id);
      for (const event of events) {
        expect(event.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
        expect(event.metadata).toEqual({ actor: 'kurrent-int-spec' });
        expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(events[1].prevHash).toBe(events[0].hash);
    });

    it('derives the event ids of a keyed append from the key', async () => {
      const id = stream();
      const key = randomUUID();
      const result = await store.append(id, [
        inspection(1, { idempotencyKey: key }),
        inspection(2, { idempotencyKey: key }),
      ]);
      expect(result.eventIds).toEqual([
        idempotentEventId(id, key, 0),
        idempotentEventId(id, key, 1),
      ]);
    });

    it("keeps the chain whole when 'any' appends race on one stream", async () => {
      const id = stream();
      await Promise.all(Array.from({ length: 8 }, (_, n) => store.append(id, [inspection(n)])));
      const events = await store.readStream(id);
      expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
      expect(await store.verify()).toMatchObject({ ok: true });
    });

    it('claims a value on its reservation stream, and compensates the claim when the events are refused', async () => {
      const value = { scope: 'person', key: randomUUID() };
      const id = stream();
      await store.append(id, [inspection(1)]);
      await expect(
        store.append(id, [inspection(2)], { expectedVersion: 0, claim: [value] }),
      ).rejects.toMatchObject({ name: 'WrongExpectedVersionError' });
      const reservation = await store.readStream(reservationStreamId(value));
      expect(reservation.map((e) => e.type)).toEqual(['ReservationClaimed', 'ReservationReleased']);
      expect(reservation[0].data).toMatchObject({ scope: 'person', streamId: id });
      expect(reservation[1].data).toMatchObject({ streamId: id, reason: 'compensation' });
    });

    it('refuses events in names KurrentDB keeps for itself', async () => {
      await expect(store.append('$agency', [inspection(1)])).rejects.toMatchObject({
        name: 'InvalidAppendError',
      });
      await expect(
        store.append(stream(), [{ ...inspection(1), type: '$InspectionRecorded' }]),
      ).rejects.toMatchObject({ name: 'InvalidAppendError' });
    });
  });
}
