import { createHash } from 'node:crypto';
import type { GradeValue } from '../grading/grading.types';

/**
 * The 双随机 draw as a pure, versioned algorithm, so that anyone can re-draw a plan from its
 * recorded inputs and get the same agencies, on any machine and in any later version of the
 * ledger (ADR 011). A new algorithm is a new version; a recorded plan names the one it used.
 *
 * Version 1 (`sha256-ctr-fisher-yates`, after NIST SP 800-90A Hash_DRBG's counter idea and
 * Durstenfeld's shuffle):
 * 1. the candidates of each grade are sorted by USCC (ascending, code-unit order);
 * 2. the sample size of a grade is `floor(ratio × n)` or `ceil(ratio × n)` as the policy
 *    says, computed in whole basis points (no floating-point rounding);
 * 3. each grade has its own byte stream: block i = SHA-256(u16(len seed) ‖ seed ‖
 *    u16(len label) ‖ label ‖ u32(i)), seed = the seed's bytes, label = the grade in UTF-8,
 *    integers big-endian; the stream is the blocks in order;
 * 4. a uniform integer below m is the next big-endian u32 x of the stream with x below
 *    2^32 − (2^32 mod m), taken mod m (rejection: no modulo bias);
 * 5. a partial Fisher–Yates shuffle: for i from 0 to k − 1, swap place i with place
 *    i + uniform(n − i); the first k places are drawn;
 * 6. the plan lists the drawn agencies sorted by USCC.
 */
export const DRAW_ALGORITHM = { name: 'sha256-ctr-fisher-yates', version: 1 } as const;

export type DrawAlgorithm = { name: string; version: number };

/** The grades a candidate can have at the draw: a band, or why it has none. */
export const DRAW_GRADES: readonly GradeValue[] = [
  'A',
  'B',
  'C',
  'D',
  'E',
  'ungraded',
  'no-business',
];

export type Rounding = 'floor' | 'ceil';

export interface DrawCandidate {
  uscc: string;
  grade: GradeValue;
}

export interface DrawInputs {
  candidates: readonly DrawCandidate[];
  /** Share of each grade to inspect, 0–1 in whole basis points (0.0001). */
  ratios: Partial<Record<GradeValue, number>>;
  rounding: Rounding;
  /** Hexadecimal. */
  seed: string;
  algorithm: DrawAlgorithm;
}

/** A seed: 32 to 128 hexadecimal digits (128 to 512 bits), an even number of them. */
export const SEED_PATTERN = /^(?:[0-9a-fA-F]{2}){16,64}$/;

const BASIS_POINTS = 10_000;

/** How many of `n` agencies a ratio draws. */
export function sampleSize(ratio: number, n: number, rounding: Rounding): number {
  const points = Math.round(ratio * BASIS_POINTS);
  const exact = points * n;
  return rounding === 'floor' ? Math.floor(exact / BASIS_POINTS) : Math.ceil(exact / BASIS_POINTS);
}

/** The byte stream of one label under one seed, read as big-endian u32 words. */
function wordStream(seed: Buffer, label: string): () => number {
  const labelBytes = Buffer.from(label, 'utf8');
  const head = Buffer.concat([u16(seed.length), seed, u16(labelBytes.length), labelBytes]);
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 4 > block.length) {
      const index = Buffer.alloc(4);
      index.writeUInt32BE(counter++);
      block = createHash('sha256').update(head).update(index).digest();
      offset = 0;
    }
    const word = block.readUInt32BE(offset);
    offset += 4;
    return word;
  };
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

const TWO_32 = 2 ** 32;

function uniformBelow(next: () => number, m: number): number {
  const limit = TWO_32 - (TWO_32 % m);
  for (;;) {
    const x = next();
    if (x < limit) return x % m;
  }
}

const byUscc = (a: DrawCandidate, b: DrawCandidate) =>
  a.uscc < b.uscc ? -1 : a.uscc > b.uscc ? 1 : 0;

/**
 * The agencies a draw selects, sorted by USCC. Pure: the same inputs give the same answer.
 * Throws for an algorithm it does not know (a plan from a later version of the ledger).
 */
export function drawSample(inputs: DrawInputs): DrawCandidate[] {
  const { name, version } = inputs.algorithm;
  if (name !== DRAW_ALGORITHM.name || version !== DRAW_ALGORITHM.version)
    throw new Error(`unknown draw algorithm ${name} v${version}`);
  const seed = Buffer.from(inputs.seed.toLowerCase(), 'hex');
  const drawn: DrawCandidate[] = [];
  for (const grade of DRAW_GRADES) {
    const group = inputs.candidates.filter((c) => c.grade === grade).sort(byUscc);
    const k = sampleSize(inputs.ratios[grade] ?? 0, group.length, inputs.rounding);
    if (k === 0) continue;
    const next = wordStream(seed, grade);
    for (let i = 0; i < k; i++) {
      const j = i + uniformBelow(next, group.length - i);
      [group[i], group[j]] = [group[j], group[i]];
    }
    drawn.push(...group.slice(0, k));
  }
  return drawn.sort(byUscc);
}
