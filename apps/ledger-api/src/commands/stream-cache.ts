import type { EventStore, StoredEvent, StreamRead } from '@ledger/event-store';

/** A stream as read for a decision, and its folds memoised by version. */
export interface CachedStream {
  history: StoredEvent[];
  version: number;
  /**
   * The stream folded with `evolve`, memoised per `name` and version: only the events recorded
   * since the last decision on this stream are applied. `evolve` must be pure and must not
   * mutate the state it is given (the deciders' evolve functions return new states).
   */
  fold<S>(name: string, initial: S, evolve: (state: S, event: StoredEvent) => S): S;
}

interface Entry {
  version: number;
  history: StoredEvent[];
  folds: Map<string, { version: number; state: unknown }>;
}

/**
 * The streams this instance decided on lately, each with the events read so far: a command
 * reads only the events recorded since (`fromVersion`), so one on an agency with 5,000 events
 * costs about what one on a new agency does (issue 9, item 6). The store stays the truth: every
 * read asks it for what is new, so writes by other instances are seen, and a stale entry can
 * only cost a WrongExpectedVersion retry, never a wrong decision. Least recently used streams
 * are dropped past `capacity`.
 */
export class StreamCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 2_000,
  ) {}

  /**
   * The stream as it stands, and with it (`others`) the whole of each stream in `others`, in
   * one round trip where the store can (`readStreams`): a decision's calendar, say.
   */
  async read(
    streamId: string,
    others: readonly string[] = [],
  ): Promise<CachedStream & { others: StoredEvent[][] }> {
    const cached = this.entries.get(streamId);
    const fromVersion = (cached?.version ?? 0) + 1;
    const [fresh, ...rest] = await this.readTogether([
      { streamId, fromVersion },
      ...others.map((other) => ({ streamId: other })),
    ]);
    // A gap would mean the cached entry is not a prefix of the stream: start over.
    const continues = fresh.length === 0 || fresh[0].version === fromVersion;
    const entry: Entry =
      cached && continues
        ? {
            version: fresh.at(-1)?.version ?? cached.version,
            // A new array: a decision still holding the old one must not see it grow.
            history: fresh.length === 0 ? cached.history : cached.history.concat(fresh),
            folds: cached.folds,
          }
        : await this.fullRead(streamId, fresh, cached !== undefined);
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const { history, version, folds } = entry;
    return {
      history,
      version,
      others: rest,
      fold: <S>(name: string, initial: S, evolve: (state: S, event: StoredEvent) => S): S => {
        const memo = folds.get(name);
        const from = memo && memo.version <= version ? memo : { version: 0, state: initial };
        let state = from.state as S;
        for (let i = from.version; i < history.length; i++) state = evolve(state, history[i]);
        if (!memo || memo.version < version) folds.set(name, { version, state });
        return state;
      },
    };
  }

  private readTogether(reads: StreamRead[]): Promise<StoredEvent[][]> {
    if (reads.length > 1 && this.store.readStreams) return this.store.readStreams(reads);
    return Promise.all(
      reads.map(({ streamId, fromVersion }) => this.store.readStream(streamId, { fromVersion })),
    );
  }

  private async fullRead(
    streamId: string,
    fresh: StoredEvent[],
    hadEntry: boolean,
  ): Promise<Entry> {
    const history = hadEntry ? await this.store.readStream(streamId) : fresh;
    return { version: history.at(-1)?.version ?? 0, history, folds: new Map() };
  }
}
