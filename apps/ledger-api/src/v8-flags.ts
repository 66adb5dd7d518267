import { setFlagsFromString } from 'node:v8';

/**
 * The V8 settings the API runs with (BENCHMARKS.md, "Memory of the streamed exports").
 *
 * `--heap-growing-percent=20`: after each full GC, V8 lets the old generation grow to 1.2 times
 * what survived (plus its minimum step) before the next one, instead of its default factor
 * (about 2 for a small heap). An export's rows are garbage once written, but some reach the
 * old generation, where nothing collects them until that limit: 100,000 penalties grew the
 * process by 70–115 MB, collected at once by one GC. A lower factor runs the full GC sooner, at
 * any heap size (no cap: a larger live heap still gets room), for a little more GC time.
 */
export const LEDGER_V8_FLAGS = ['--heap-growing-percent=20'] as const;

/** Applies LEDGER_V8_FLAGS to this process, before it allocates much. */
export function applyLedgerV8Flags(): void {
  for (const flag of LEDGER_V8_FLAGS) setFlagsFromString(flag);
}
