import type { ExpectedVersion } from './event-store.port';

/** Optimistic concurrency: the stream is not at the version the writer read. The API answers 409. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** The store refused the events themselves (an empty append, a malformed stream id or type). */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

/**
 * An append claimed a unique value that another stream holds (AppendOptions.claim); nothing
 * was appended. `heldBy` says which stream holds it and what the holder chose to tell.
 */
export class ReservationConflictError extends Error {
  override readonly name = 'ReservationConflictError';
  constructor(
    readonly scope: string,
    readonly key: string,
    readonly heldBy: { streamId: string; holder: Record<string, string> },
  ) {
    super(`${scope}: the value is held by stream ${heldBy.streamId}`);
  }
}
