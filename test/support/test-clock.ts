/**
 * `LEDGER_TEST_CLOCK=2027-01-15T10:00:00+08:00 npm test`: every test file runs with Node's clock
 * moved to that instant (and running on from it), to prove that no test and no decision depends
 * on the day it runs (issue 8). Only `Date` is faked: timers, PostgreSQL's clock (and so
 * `recordedAt`) are the real ones. `.ci/run` runs one such shifted pass after the normal one.
 */
import { install } from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof install>;

/** The fake clock of a shifted run, for tests that move Node's clock themselves. */
export const shiftedClock = (): InstalledClock | undefined =>
  (globalThis as { ledgerTestClock?: InstalledClock }).ledgerTestClock;

const shifted = process.env.LEDGER_TEST_CLOCK;
// Installed once per test file, however often this module is loaded.
if (shifted && shiftedClock() === undefined) {
  const now = Date.parse(shifted);
  if (!Number.isFinite(now)) throw new Error(`LEDGER_TEST_CLOCK: not an instant: ${shifted}`);
  const clock = install({ now, toFake: ['Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  // The interval that moves the fake clock on must not keep a worker alive.
  (clock as unknown as { attachedInterval?: NodeJS.Timeout }).attachedInterval?.unref();
  (globalThis as { ledgerTestClock?: InstalledClock }).ledgerTestClock = clock;
}
