/**
 * With LEDGER_TEST_CLOCK, the fake clock of test-clock.ts moves on from an interval. It must
 * stop with its test file: jest guards a finished file's globals with setters, and a tick
 * after that recurses through them until the worker dies ("Maximum call stack size").
 */
import { shiftedClock } from './test-clock';

afterAll(() => {
  shiftedClock()?.uninstall();
  delete (globalThis as { ledgerTestClock?: unknown }).ledgerTestClock;
});
