/**
 * The correctness core of `npm run bench:scale -- --smoke` (issue 14), at a tiny size so that
 * `npm test` covers it: a data set decided by the domain's deciders and batch-loaded, the real
 * app over HTTP on it (grading cycles with objections, every query kind, commands from
 * concurrent clients with read-your-writes, write latency), verify, the penalty export, and a
 * rebuild from zero that equals, row by row, what the live runners built. Timings are printed
 * by the benchmark, never asserted here.
 */
import { runScale, SECTIONS } from '../scripts/bench/scale-run';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('bench:scale --smoke, tiny', () => {
  it(
    'holds every correctness check',
    async () => {
      const lines: string[] = [];
      const { figures, checks } = await runScale({
        agencies: 16,
        years: 2,
        seed: 42,
        concurrency: 2,
        sections: new Set(SECTIONS),
        samples: 5,
        smallEvents: 0,
        clients: 2,
        commands: 6,
        writeSamples: 2,
        writeSizes: [10, 30],
        adminUrl: process.env.DATABASE_URL,
        log: (line) => lines.push(line),
      });
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      expect(checks.map((c) => c.name)).toEqual([
        'grading cycles over HTTP',
        'every query section answers 200 with a body',
        'commands under load answer 201',
        'read-your-writes',
        'verify',
        'rebuild reaches the head',
        'rebuild from zero equals the incrementally built tables',
      ]);
      const load = figures.load as { events: number; byType: Record<string, number> };
      expect(load.events).toBeGreaterThan(16 * 10);
      expect(load.byType.PersonnelJoined).toBeGreaterThan(0);
      expect((figures.gradingCycles as { cycles: number }).cycles).toBeGreaterThan(0);
    },
    HOOK_TIMEOUT_MS * 3,
  );
});
