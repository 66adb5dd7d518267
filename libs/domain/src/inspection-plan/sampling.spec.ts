import fc from 'fast-check';
import type { GradeValue } from '../grading/grading.types';
import {
  DRAW_ALGORITHM,
  DRAW_GRADES,
  drawSample,
  sampleSize,
  type DrawCandidate,
  type DrawInputs,
} from './sampling';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const uscc = (i: number) => `91500103${String(i).padStart(9, '0')}X`;
const candidates = (grade: GradeValue, from: number, n: number): DrawCandidate[] =>
  Array.from({ length: n }, (_, i) => ({ uscc: uscc(from + i), grade }));
const CHONGQING = { A: 0.05, B: 0.1, C: 0.3, D: 1, E: 1, ungraded: 1, 'no-business': 1 };

const inputs = (over: Partial<DrawInputs> = {}): DrawInputs => ({
  candidates: [
    ...candidates('A', 0, 40),
    ...candidates('B', 100, 30),
    ...candidates('C', 200, 10),
    ...candidates('D', 300, 3),
    ...candidates('E', 400, 2),
  ],
  ratios: CHONGQING,
  rounding: 'floor',
  seed: SEED,
  algorithm: { ...DRAW_ALGORITHM },
  ...over,
});

describe('the sample size of a grade (whole basis points, no floating-point rounding)', () => {
  it.each([
    [0.05, 40, 'floor', 2],
    [0.05, 39, 'floor', 1],
    [0.05, 19, 'floor', 0],
    [0.05, 19, 'ceil', 1],
    [0.3, 10, 'floor', 3],
    [0.3, 10, 'ceil', 3],
    [0.1, 30, 'ceil', 3],
    [1, 7, 'floor', 7],
    [0, 7, 'ceil', 0],
  ] as const)('%p of %p, %s: %p', (ratio, n, rounding, k) => {
    expect(sampleSize(ratio, n, rounding)).toBe(k);
  });
});

describe('the draw (sha256-ctr-fisher-yates v1)', () => {
  it('draws each grade’s share: Chongqing Art. 22, A 5 %, B 10 %, C 30 %, D and E all', () => {
    const drawn = drawSample(inputs());
    const count = (grade: GradeValue) => drawn.filter((d) => d.grade === grade).length;
    expect([count('A'), count('B'), count('C'), count('D'), count('E')]).toEqual([2, 3, 3, 3, 2]);
  });

  it('gives the same agencies for the same inputs, whatever order the candidates come in', () => {
    const once = drawSample(inputs());
    const shuffled = inputs({ candidates: [...inputs().candidates].reverse() });
    expect(drawSample(shuffled)).toEqual(once);
    expect(once.map((d) => d.uscc)).toEqual([...once.map((d) => d.uscc)].sort());
  });

  it('is pinned: this seed draws these agencies in every later version of the ledger', () => {
    // A change to the algorithm that moves this result is a new algorithm version (ADR 011).
    const sampled = drawSample(inputs()).filter((d) => ['A', 'B', 'C'].includes(d.grade));
    expect(sampled.map((d) => `${d.grade} ${d.uscc}`)).toEqual([
      'A 91500103000000004X',
      'A 91500103000000032X',
      'B 91500103000000114X',
      'B 91500103000000117X',
      'B 91500103000000118X',
      'C 91500103000000203X',
      'C 91500103000000206X',
      'C 91500103000000207X',
    ]);
  });

  it('draws other agencies from another seed', () => {
    const other = drawSample(inputs({ seed: SEED.replace(/^00/, '01') }));
    expect(other).not.toEqual(drawSample(inputs()));
  });

  it('refuses an algorithm it does not know, rather than guess', () => {
    expect(() => drawSample(inputs({ algorithm: { name: 'mt19937', version: 1 } }))).toThrow(
      /unknown draw algorithm mt19937 v1/,
    );
  });
});

const arbitraryDraw = fc.record({
  groups: fc.array(
    fc.record({
      grade: fc.constantFrom(...DRAW_GRADES),
      n: fc.integer({ min: 0, max: 60 }),
    }),
    { maxLength: 7 },
  ),
  ratios: fc.record(
    Object.fromEntries(
      DRAW_GRADES.map((g) => [g, fc.integer({ min: 0, max: 10_000 }).map((p) => p / 10_000)]),
    ) as Record<GradeValue, fc.Arbitrary<number>>,
  ),
  rounding: fc.constantFrom('floor' as const, 'ceil' as const),
  seed: fc.uint8Array({ minLength: 16, maxLength: 64 }).map((b) => Buffer.from(b).toString('hex')),
});

describe('the draw respects the ratios (property)', () => {
  it('draws, of each grade, floor or ceil of ratio × n distinct candidates of that grade, and again the same', () => {
    fc.assert(
      fc.property(arbitraryDraw, ({ groups, ratios, rounding, seed }) => {
        let next = 0;
        const pool = groups.flatMap(({ grade, n }) => {
          const group = candidates(grade, next, n);
          next += n;
          return group;
        });
        const draw = { candidates: pool, ratios, rounding, seed, algorithm: DRAW_ALGORITHM };
        const drawn = drawSample(draw);
        expect(new Set(drawn.map((d) => d.uscc)).size).toBe(drawn.length);
        for (const grade of DRAW_GRADES) {
          const n = pool.filter((c) => c.grade === grade).length;
          const k = drawn.filter((d) => d.grade === grade).length;
          const share = ratios[grade] * n;
          if (rounding === 'floor') {
            // A ceiling (Chongqing Art. 22 不超过): never more than the share, less than one short.
            expect(k).toBeLessThanOrEqual(share + 1e-9);
            expect(k).toBeGreaterThan(share - 1 - 1e-9);
          } else {
            expect(k).toBeGreaterThanOrEqual(share - 1e-9);
            expect(k).toBeLessThan(share + 1 + 1e-9);
          }
          if (ratios[grade] === 1) expect(k).toBe(n);
        }
        const offered = new Set(pool.map((c) => `${c.grade} ${c.uscc}`));
        expect(drawn.every((d) => offered.has(`${d.grade} ${d.uscc}`))).toBe(true);
        expect(drawSample(draw)).toEqual(drawn);
      }),
      { numRuns: 100 },
    );
  });
});
