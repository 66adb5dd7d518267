/**
 * The EventStore contract: every adapter runs this same suite (ADR 001). It proves the
 * guarantees the ledger stands on: optimistic concurrency, a gap-free global order for
 * readers, idempotent appends, and a hash chain that exposes tampering.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ReservationConflictError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '@ledger/event-store';
import { HOOK_TIMEOUT_MS } from '../support/timeouts';

export interface ContractSubject {
  store: EventStore;
  /** Appends and then keeps the transaction open for `holdMs` before committing (commits out of order). */
  appendHoldingCommit?: (
    streamId: string,
    events: NewEvent[],
    holdMs: number,
  ) => Promise<AppendResult>;
  /** Changes a stored event's data behind the store's back, as a superuser could. */
  tamper?: (eventId: string, data: unknown) => Promise<void>;
  dispose(): Promise<void>;
}

const inspection = (n: number, extra: Record<string, unknown> = {}): NewEvent => ({
  type: 'InspectionRecorded',
  data: { inspectedAt: '2026-03-01', method: 'on-site', n, ...extra },
  metadata: { actor: 'contract', correlationId: randomUUID() },
  occurredAt: '2026-03-01T09:30:00+08:00',
});

async function readEverything(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 500 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1].position;
  }
}

export function runEventStoreContract(name: string, connect: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    const stream = () => `agency-${randomUUID()}`;

    beforeAll(async () => {
      subject = await connect();
      store = subject.store;
    }, HOOK_TIMEOUT_MS);
    afterAll(() => subject?.dispose(), HOOK_TIMEOUT_MS);

    describe('appending and reading a stream', () => {
      it('numbers versions from 1, keeps valid time as given and sets system time itself', async () => {
        const id = stream();
        const first = await store.append(id, [inspection(1), inspection(2)], {
          expectedVersion: 'no-stream',
        });
        const second = await store.append(id, [inspection(3)], { expectedVersion: 2 });
        expect(first.version).toBe(2);
        expect(second.version).toBe(3);
        expect(second.position).toBeGreaterThan(first.position);

        const events = await store.readStream(id);
        expect(events.map((e) => e.version)).toEqual([1, 2, 3]);
        expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
        expect(events[0].occurredAt).toBe('2026-03-01T01:30:00.000Z');
        expect(events[0].metadata).toMatchObject({ actor: 'contract' });
        expect(events[0].schemaVersion).toBe(1);
        expect(events[0].prevHash).toBeNull();
        expect(events[1].prevHash).toBe(events[0].hash);
        expect(events.map((e) => e.eventId)).toEqual([...first.eventIds, ...second.eventIds]);
        expect(events[2].recordedAt >= events[0].recordedAt).toBe(true);
        expect(await store.streamVersion(id)).toBe(3);
        expect(await store.streamVersion(stream())).toBe(0);
        expect(await store.readStream(id, { fromVersion: 3 })).toHaveLength(1);
      });

      it('reads a stream as it was known at a system time', async () => {
        const id = stream();
        const early = await store.append(id, [inspection(1)]);
        await sleep(5);
        await store.append(id, [inspection(2)]);
        const known = await store.readStream(id, { recordedUpTo: early.recordedAt });
        expect(known.map((e) => e.version)).toEqual([1]);
      });

      it('keeps data byte for byte through the hash: quotes, percent signs, Chinese, placeholders', async () => {
        const id = stream();
        await store.append(id, [
          inspection(1, {
            findings: [
              { code: 'records', description: '原始记录不完整，"签字" 100% \\ 缺失 %s %1$s' },
            ],
            '@@ledger:prevHash@@': '"@@ledger:version@@"',
            emoji: '🧪',
            nested: { z: 1, a: [1.5, -0, 1e21, null, true] },
          }),
        ]);
        const report = await store.verify();
        expect(report).toMatchObject({ ok: true });
      });
    });

    describe('optimistic concurrency', () => {
      it('refuses an append at a stale or impossible expected version with the actual version', async () => {
        const id = stream();
        await store.append(id, [inspection(1)]);
        await expect(
          store.append(id, [inspection(2)], { expectedVersion: 'no-stream' }),
        ).rejects.toMatchObject({
          name: 'WrongExpectedVersionError',
          actual: 1,
        });
        await expect(
          store.append(id, [inspection(2)], { expectedVersion: 0 }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(
          store.append(stream(), [inspection(1)], { expectedVersion: 'stream-exists' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.streamVersion(id)).toBe(1);
      });

      it('lets exactly one of 20 concurrent appenders at the same version win', async () => {
        const id = stream();
        await store.append(id, [inspection(0)]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, n) =>
            store.append(id, [inspection(n + 1)], { expectedVersion: 1 }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('loses no write and duplicates none when 8 writers retry on conflict until done', async () => {
        const id = stream();
        const perWriter = 25;
        const writer = async (w: number) => {
          for (let i = 0; i < perWriter; i++) {
            const event = { ...inspection(i, { writer: w }), eventId: randomUUID() };
            for (;;) {
              const version = await store.streamVersion(id);
              try {
                await store.append(id, [event], { expectedVersion: version });
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedVersionError)) throw error;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
        const events = await store.readStream(id);
        expect(events).toHaveLength(8 * perWriter);
        expect(events.map((e) => e.version)).toEqual(
          Array.from({ length: 8 * perWriter }, (_, i) => i + 1),
        );
        expect(new Set(events.map((e) => e.eventId)).size).toBe(8 * perWriter);
        for (let w = 0; w < 8; w++) {
          const mine = events.filter((e) => (e.data as { writer: number }).writer === w);
          expect(mine.map((e) => (e.data as { n: number }).n)).toEqual(
            Array.from({ length: perWriter }, (_, i) => i),
          );
        }
      }, 120_000); // about 1,600 appends with the retries: 4 s on a quiet machine, over 5 s loaded
    });

    describe('idempotency', () => {
      it('answers a repeated key with the first result and appends nothing', async () => {
        const id = stream();
        const key = randomUUID();
        const events = [inspection(1), inspection(2)].map((e) => ({
          ...e,
          metadata: { ...e.metadata, idempotencyKey: key },
        }));
        const first = await store.append(id, events);
        const again = await store.append(
          id,
          events.map((e) => ({ ...e, eventId: undefined })),
        );
        expect(first.replayed).toBe(false);
        expect(again).toMatchObject({
          replayed: true,
          version: first.version,
          position: first.position,
          eventIds: first.eventIds,
        });
        expect(await store.readStream(id)).toHaveLength(2);
        const found = await store.readByIdempotencyKey(id, key);
        expect(found.map((e) => e.eventId)).toEqual(first.eventIds);
        expect(await store.readByIdempotencyKey(id, randomUUID())).toEqual([]);
      });

      it('appends once when the same key arrives 10 times at once', async () => {
        const id = stream();
        const key = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.append(id, [{ ...inspection(1), metadata: { idempotencyKey: key } }]),
          ),
        );
        expect(new Set(results.map((r) => r.eventIds[0])).size).toBe(1);
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect(await store.readStream(id)).toHaveLength(1);
      });
    });

    describe('the global order', () => {
      it('reads every event exactly once, in position order, page after page', async () => {
        const ids = [stream(), stream(), stream()];
        for (let i = 0; i < 30; i++) await store.append(ids[i % 3], [inspection(i)]);
        const all = await readEverything(store);
        const positions = all.map((e) => e.position);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
        expect(all.filter((e) => ids.includes(e.streamId))).toHaveLength(30);
        expect(await store.headPosition()).toBe(positions[positions.length - 1]);
        for (let i = 1; i < all.length; i++)
          expect(all[i].recordedAt >= all[i - 1].recordedAt).toBe(true);
      });

      it('hands a live subscriber every event exactly once, in order, while 8 writers commit out of order', async () => {
        const writers = 8;
        const perWriter = 2000;
        const start = await store.headPosition();
        const seen: StoredEvent[] = [];
        const resumed: number[] = [];
        let errors: unknown[] = [];
        const live = store.subscribeToAll({
          after: start,
          pollIntervalMs: 5,
          batchSize: 250,
          handler: (e) => void seen.push(e),
          onError: (e) => errors.push(e),
        });
        // A second consumer that stops and resumes from its checkpoint, as a projection does on
        // restart. One at a time: the next starts only once the last has stopped (a timer that
        // fired again while a slow stop() was pending once ran two of them, and the test saw a
        // "duplicate" that the store never delivered).
        let checkpoint = start;
        const resume = () =>
          store.subscribeToAll({
            after: checkpoint,
            pollIntervalMs: 5,
            handler: (e) => {
              resumed.push(e.position);
              checkpoint = e.position;
            },
            onError: (e) => errors.push(e),
          });
        let writing = true;
        const restarts = (async () => {
          let resumer = resume();
          while (writing) {
            await sleep(300);
            await resumer.stop();
            resumer = resume();
          }
          return resumer;
        })();

        const appended = new Set<string>();
        try {
          await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              const id = `agency-writer-${w}-${randomUUID()}`;
              for (let i = 0; i < perWriter; i++) {
                // Half the writers hold their transaction open a few ms after taking positions.
                const hold =
                  w % 2 === 1 && subject.appendHoldingCommit && i % 4 === 0 ? Math.random() * 6 : 0;
                const result = hold
                  ? await subject.appendHoldingCommit!(id, [inspection(i, { writer: w })], hold)
                  : await store.append(id, [inspection(i, { writer: w })]);
                result.eventIds.forEach((eventId) => appended.add(eventId));
              }
            }),
          );
        } finally {
          writing = false;
        }
        const resumer = await restarts;
        const head = await store.headPosition();
        while ((seen.at(-1)?.position ?? start) < head || checkpoint < head) await sleep(20);
        await live.stop();
        await resumer.stop();

        expect(errors).toEqual([]);
        const mine = seen.filter((e) => appended.has(e.eventId));
        expect(mine.length).toBe(writers * perWriter);
        expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
        const positions = seen.map((e) => e.position);
        for (let i = 1; i < positions.length; i++)
          expect(positions[i]).toBeGreaterThan(positions[i - 1]);
        expect(resumed).toEqual(positions);
        errors = [];
      }, 600_000); // 16,000 appends: about 60 s on a quiet machine, minutes under heavy load

      it('resolves caughtUp once the history is read, then keeps delivering', async () => {
        const id = stream();
        await store.append(id, [inspection(1)]);
        const seen: string[] = [];
        const sub = store.subscribeToAll({
          pollIntervalMs: 5,
          handler: (e) => void seen.push(e.streamId),
        });
        await sub.caughtUp;
        expect(seen).toContain(id);
        const later = stream();
        await store.append(later, [inspection(2)]);
        while (!seen.includes(later)) await sleep(5);
        await sub.stop();
      });
    });

    describe('unique values across streams (one person, one agency)', () => {
      const joined = (n: number): NewEvent => ({
        type: 'PersonnelJoined',
        data: { personId: randomUUID(), n },
        metadata: { actor: 'contract' },
        occurredAt: '2026-03-02T09:00:00+08:00',
      });
      const left: NewEvent = {
        type: 'PersonnelLeft',
        data: { leftAt: '2026-03-03' },
        metadata: { actor: 'contract' },
        occurredAt: '2026-03-03T09:00:00+08:00',
      };
      const person = () => ({ scope: 'person', key: randomUUID() });

      it('lets exactly one of two concurrent claims of a value win; the other stores nothing and learns the holder', async () => {
        const value = person();
        const [a, b] = [stream(), stream()];
        const outcomes = await Promise.allSettled(
          [a, b].map((id, n) =>
            store.append(id, [joined(n)], {
              expectedVersion: 'no-stream',
              claim: [{ ...value, holder: { uscc: id.slice('agency-'.length) } }],
            }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const winner = outcomes[0].status === 'fulfilled' ? a : b;
        const loser = winner === a ? b : a;
        expect(lost[0].reason).toBeInstanceOf(ReservationConflictError);
        expect(lost[0].reason).toMatchObject({
          scope: 'person',
          key: value.key,
          heldBy: { streamId: winner, holder: { uscc: winner.slice('agency-'.length) } },
        });
        expect(await store.streamVersion(loser)).toBe(0);
        expect(await store.streamVersion(winner)).toBe(1);
      });

      it('keeps the value for its holder until a departure releases it, then another stream may claim it', async () => {
        const value = person();
        const [a, b] = [stream(), stream()];
        await store.append(a, [joined(1)], { claim: [value] });
        // The holder claims it again (a retry): still held, by it.
        await store.append(a, [inspection(1)], { claim: [value] });
        await expect(store.append(b, [joined(2)], { claim: [value] })).rejects.toBeInstanceOf(
          ReservationConflictError,
        );
        // Another stream cannot release what it does not hold.
        await store.append(b, [left], { release: [value] });
        await expect(store.append(b, [joined(3)], { claim: [value] })).rejects.toMatchObject({
          heldBy: { streamId: a },
        });
        await store.append(a, [left], { release: [value] });
        await store.append(b, [joined(4)], { claim: [value] });
        await expect(store.append(a, [joined(5)], { claim: [value] })).rejects.toMatchObject({
          heldBy: { streamId: b },
        });
      });

      it('releases every value one append gives up (a deregistration releases its staff), and each may be claimed at once', async () => {
        const [x, y] = [person(), person()];
        const [a, b, c] = [stream(), stream(), stream()];
        await store.append(a, [joined(1), joined(2)], { claim: [x, y] });
        await store.append(a, [left, left], { release: [x, y] });
        const outcomes = await Promise.allSettled([
          store.append(b, [joined(3)], { claim: [x] }),
          store.append(c, [joined(4)], { claim: [y] }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
        await expect(store.append(a, [joined(5)], { claim: [x] })).rejects.toMatchObject({
          heldBy: { streamId: b },
        });
      });

      it('keeps the value held when two appends of its holder race for it and one is stored', async () => {
        const value = person();
        const [a, b] = [stream(), stream()];
        const outcomes = await Promise.allSettled(
          [1, 2].map((n) =>
            store.append(a, [joined(n)], { expectedVersion: 'no-stream', claim: [value] }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.streamVersion(a)).toBe(1);
        await expect(store.append(b, [joined(3)], { claim: [value] })).rejects.toMatchObject({
          heldBy: { streamId: a },
        });
      });

      it('holds nothing for an append that failed, and claims nothing again on a replay', async () => {
        const value = person();
        const [a, b] = [stream(), stream()];
        await store.append(a, [inspection(1)]);
        await expect(
          store.append(a, [joined(1)], { expectedVersion: 0, claim: [value] }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        const key = randomUUID();
        const keyed = { ...joined(2), metadata: { idempotencyKey: key } };
        const first = await store.append(b, [keyed], { claim: [value] });
        await store.append(b, [left], { release: [value] });
        const again = await store.append(b, [keyed], { claim: [value] });
        expect(again).toMatchObject({ replayed: true, eventIds: first.eventIds });
        // The replay stored nothing, so it holds nothing: a that failed before may claim now.
        await store.append(a, [joined(3)], { claim: [value] });
        expect((await store.readStream(a)).map((e) => e.type)).toEqual([
          'InspectionRecorded',
          'PersonnelJoined',
        ]);
      });
    });

    describe('the hash chain', () => {
      it('verifies an untouched ledger', async () => {
        await store.append(stream(), [inspection(1), inspection(2), inspection(3)]);
        const report = await store.verify();
        expect(report.ok).toBe(true);
        expect(report.firstBadEvent).toBeUndefined();
        expect(report.events).toBeGreaterThanOrEqual(3);
      });

      it('names the first event whose stored data was changed behind the store', async () => {
        if (!subject.tamper)
          return console.info(`${name}: events cannot be changed in place, nothing to tamper with`);
        const id = stream();
        const result = await store.append(id, [inspection(1), inspection(2), inspection(3)]);
        await subject.tamper(result.eventIds[1], {
          inspectedAt: '2026-03-01',
          method: 'off-site',
          n: 2,
        });
        const report = await store.verify();
        expect(report.ok).toBe(false);
        expect(report.firstBadEvent).toMatchObject({
          eventId: result.eventIds[1],
          streamId: id,
          version: 2,
        });
      });
    });
  });
}
