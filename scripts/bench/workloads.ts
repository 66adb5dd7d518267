/**
 * The event-store benchmark workloads of ../shared/BENCH.md, kept exactly as written there so
 * that the same figures can be measured against other event stores. Used by store.ts (the
 * `bench:store` command) and by read-profile.ts (where the read time goes).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EventStore, ExpectedVersion, NewEvent, StoredEvent } from '@ledger/event-store';

/** The event data of BENCH.md, verbatim (276 bytes of UTF-8 as JSON). */
export const INSPECTION_DATA = {
  inspectedAt: '2026-03-01',
  method: 'on-site',
  authority: '北京市生态环境局',
  findings: [
    { code: 'records', description: '原始记录不完整，部分采样记录缺少采样人签字' },
    { code: 'samples', description: '样品流转单与实验室记录不一致' },
  ],
};

const OCCURRED_AT = '2026-03-01T09:30:00.000Z';

export function inspectionRecorded(): NewEvent {
  return {
    type: 'InspectionRecorded',
    data: INSPECTION_DATA,
    metadata: { actor: 'bench', correlationId: randomUUID() },
    occurredAt: OCCURRED_AT,
  };
}

export const WRITE_WORKLOADS = ['append1', 'append8', 'batch100'] as const;
export const READ_WORKLOADS = ['readAll', 'catchUp'] as const;
export const WORKLOADS = [...WRITE_WORKLOADS, ...READ_WORKLOADS] as const;
export type WriteWorkload = (typeof WRITE_WORKLOADS)[number];
export type Workload = (typeof WORKLOADS)[number];

/**
 * The sizes of BENCH.md multiplied by `scale` (1 for the real benchmark). Every write workload
 * has its own range of stream numbers, so the three can run one after the other into the same
 * store (the read store) and each still starts its streams with 'no-stream'.
 */
export interface Sizes {
  append1: { appends: number; streams: number; firstStream: number };
  append8: {
    writers: number;
    appendsPerWriter: number;
    streamsPerWriter: number;
    firstStream: number;
  };
  batch100: { appends: number; eventsPerAppend: number; firstStream: number };
}

export function sizes(scale: number): Sizes {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const append1 = n(20_000);
  const perWriter = n(100_000 / 8);
  return {
    append1: { appends: append1, streams: Math.min(1_000, append1), firstStream: 0 },
    append8: {
      writers: 8,
      appendsPerWriter: perWriter,
      streamsPerWriter: Math.min(1_000, perWriter),
      firstStream: 1_000,
    },
    batch100: { appends: n(1_000), eventsPerAppend: 100, firstStream: 9_000 },
  };
}

export function eventsWritten(workload: WriteWorkload, s: Sizes): number {
  switch (workload) {
    case 'append1':
      return s.append1.appends;
    case 'append8':
      return s.append8.writers * s.append8.appendsPerWriter;
    case 'batch100':
      return s.batch100.appends * s.batch100.eventsPerAppend;
  }
}

export function totalEvents(s: Sizes): number {
  return WRITE_WORKLOADS.reduce((sum, workload) => sum + eventsWritten(workload, s), 0);
}

export class ExactlyOnceError extends Error {}

/**
 * One writer appending one event at a time to `streams` streams in turn, each append with the
 * expected version the previous append to that stream returned ('no-stream' the first time).
 * `written` collects the ids of the events appended.
 */
async function writer(
  store: EventStore,
  appends: number,
  streams: number,
  firstStream: number,
  written?: string[],
): Promise<void> {
  const versions = new Array<number>(streams).fill(0);
  for (let i = 0; i < appends; i++) {
    const s = i % streams;
    const expectedVersion: ExpectedVersion = versions[s] === 0 ? 'no-stream' : versions[s];
    const result = await store.append(`agency-${firstStream + s}`, [inspectionRecorded()], {
      expectedVersion,
    });
    if (result.version !== versions[s] + 1) {
      throw new ExactlyOnceError(
        `agency-${firstStream + s}: version ${result.version} after ${versions[s]}`,
      );
    }
    versions[s] = result.version;
    written?.push(...result.eventIds);
  }
}

export async function runWrite(
  workload: WriteWorkload,
  store: EventStore,
  s: Sizes,
  written?: string[],
): Promise<void> {
  switch (workload) {
    case 'append1':
      return writer(store, s.append1.appends, s.append1.streams, s.append1.firstStream, written);
    case 'append8': {
      const { writers, appendsPerWriter, streamsPerWriter, firstStream } = s.append8;
      await Promise.all(
        Array.from({ length: writers }, (_, w) =>
          writer(
            store,
            appendsPerWriter,
            streamsPerWriter,
            firstStream + w * streamsPerWriter,
            written,
          ),
        ),
      );
      return;
    }
    case 'batch100': {
      const { appends, eventsPerAppend, firstStream } = s.batch100;
      for (let i = 0; i < appends; i++) {
        const events = Array.from({ length: eventsPerAppend }, inspectionRecorded);
        const result = await store.append(`agency-${firstStream + i}`, events, {
          expectedVersion: 'no-stream',
        });
        written?.push(...result.eventIds);
      }
      return;
    }
  }
}

/** What a reader saw, checked by `checkExactlyOnce`. */
export interface ReadOutcome {
  seconds: number;
  /** Event ids in the order they were handed over. */
  eventIds: string[];
}

/** Positions must grow strictly: a repeated or out-of-order event fails the run at once. */
class PositionCheck {
  private last = 0;
  see(event: StoredEvent, reader: string): void {
    if (!(event.position > this.last)) {
      throw new ExactlyOnceError(
        `${reader}: position ${event.position} (${event.eventId}) came after ${this.last}: ` +
          'an event was handed over twice or out of order',
      );
    }
    this.last = event.position;
  }
}

/** `readAll`: every event in global order from position 0, in pages of 1,000. */
export async function readEverything(store: EventStore, pageSize = 1_000): Promise<ReadOutcome> {
  const eventIds: string[] = [];
  const check = new PositionCheck();
  const started = performance.now();
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) break;
    for (const event of page) {
      check.see(event, 'readAll');
      eventIds.push(event.eventId);
    }
    after = page[page.length - 1].position;
  }
  return { seconds: (performance.now() - started) / 1000, eventIds };
}

/**
 * `catchUp`: a subscription from position 0 whose handler counts every event; timed until it
 * has seen `expected` events. It is then left to finish its catch-up (untimed) so that an
 * event handed over twice at the end would still be seen.
 */
export async function catchUp(
  store: EventStore,
  expected: number,
  batchSize = 1_000,
): Promise<ReadOutcome> {
  const eventIds: string[] = [];
  const check = new PositionCheck();
  let failure: Error | undefined;
  let seenAll!: () => void;
  const allSeen = new Promise<void>((resolve) => (seenAll = resolve));
  let seconds = 0;
  const started = performance.now();
  const subscription = store.subscribeToAll({
    after: 0,
    batchSize,
    handler: (event) => {
      check.see(event, 'catchUp');
      eventIds.push(event.eventId);
      if (eventIds.length === expected) {
        seconds = (performance.now() - started) / 1000;
        seenAll();
      }
    },
    onError: (error) => {
      failure = error instanceof Error ? error : new Error(String(error));
      seenAll();
    },
  });
  // caughtUp resolves once a short page was read: everything there is has been handed over.
  await Promise.race([allSeen, subscription.caughtUp]);
  await subscription.caughtUp;
  await subscription.stop();
  if (failure !== undefined) throw failure;
  if (seconds === 0) seconds = (performance.now() - started) / 1000;
  return { seconds, eventIds };
}

/** Every written event exactly once: as many as were written, each a written one, none twice. */
export function checkExactlyOnce(reader: string, outcome: ReadOutcome, written: Set<string>): void {
  const seen = new Set<string>();
  let unknown = 0;
  for (const id of outcome.eventIds) {
    if (!written.has(id)) unknown++;
    seen.add(id);
  }
  const duplicated = outcome.eventIds.length - seen.size;
  let missed = 0;
  for (const id of written) if (!seen.has(id)) missed++;
  if (duplicated > 0 || missed > 0 || unknown > 0 || outcome.eventIds.length !== written.size) {
    throw new ExactlyOnceError(
      `${reader}: saw ${outcome.eventIds.length} events of ${written.size} written: ` +
        `${missed} missed, ${duplicated} handed over twice, ${unknown} never written`,
    );
  }
}
