/**
 * The ledger's one clock. It is read once per request, when the request arrives, and only to
 * default a command's valid time (`occurredAt`) and to refuse a valid time in the future:
 * no decision reads it. `recordedAt` is the event store's own system time.
 */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** How far ahead of the ledger's clock a valid time may be: clocks of clients drift. */
export const CLOCK_TOLERANCE_MS = 5 * 60 * 1000;

/** A clock that runs `offsetMs` ahead of the system's (tests moved into another year). */
export const offsetClock = (offsetMs: number): Clock => ({
  now: () => new Date(Date.now() + offsetMs),
});
