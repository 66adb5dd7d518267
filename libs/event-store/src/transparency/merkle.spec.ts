import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  appendLeaves,
  consistencyPath,
  EMPTY_ROOT,
  frontierOf,
  inclusionPath,
  leafHash,
  memoryTree,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/*
 * An independent reading of RFC 6962 §2.1 (the definitions of MTH, PATH and PROOF) and of
 * RFC 9162 §2.1.3.2 and §2.1.4.2 (the verification algorithms), written here from the RFC
 * text and sharing no code with ./merkle: the stored tree's proofs must pass the RFC's own
 * checks, not only ours.
 */
const H = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const ONE = Buffer.from([1]);
const ZERO = Buffer.from([0]);
const largestPow2Below = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
const MTH = (d: Buffer[]): Buffer => {
  if (d.length === 0) return H();
  if (d.length === 1) return H(ZERO, d[0]);
  const k = largestPow2Below(d.length);
  return H(ONE, MTH(d.slice(0, k)), MTH(d.slice(k)));
};
const PATH = (m: number, d: Buffer[]): Buffer[] => {
  if (d.length <= 1) return [];
  const k = largestPow2Below(d.length);
  return m < k
    ? [...PATH(m, d.slice(0, k)), MTH(d.slice(k))]
    : [...PATH(m - k, d.slice(k)), MTH(d.slice(0, k))];
};
const SUBPROOF = (m: number, d: Buffer[], b: boolean): Buffer[] => {
  const n = d.length;
  if (m === n) return b ? [] : [MTH(d)];
  const k = largestPow2Below(n);
  return m <= k
    ? [...SUBPROOF(m, d.slice(0, k), b), MTH(d.slice(k))]
    : [...SUBPROOF(m - k, d.slice(k), false), MTH(d.slice(0, k))];
};
const PROOF = (m: number, d: Buffer[]) => SUBPROOF(m, d, true);

/** RFC 9162 §2.1.3.2, step by step. */
function rfcVerifyInclusion(
  leafIndex: number,
  treeSize: number,
  hash: Buffer,
  inclusionPathArray: Buffer[],
  root: Buffer,
): boolean {
  if (leafIndex >= treeSize) return false; // 1
  let fn = leafIndex; // 2
  let sn = treeSize - 1;
  let r = hash; // 3
  for (const p of inclusionPathArray) {
    // 4
    if (sn === 0) return false; // 4a
    if (fn % 2 === 1 || fn === sn) {
      r = H(ONE, p, r); // 4b i
      if (fn % 2 !== 1) {
        // 4b ii
        do {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        } while (!(fn % 2 === 1 || fn === 0));
      }
    } else {
      r = H(ONE, r, p);
    }
    fn = Math.floor(fn / 2); // 4c
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root); // 5
}

/** RFC 9162 §2.1.4.2, step by step (first < second, both > 0). */
function rfcVerifyConsistency(
  first: number,
  second: number,
  firstHash: Buffer,
  secondHash: Buffer,
  consistencyPathArray: Buffer[],
): boolean {
  if (consistencyPathArray.length === 0) return false; // 1
  let path = consistencyPathArray;
  if (Number.isInteger(Math.log2(first))) path = [firstHash, ...path]; // 2
  let fn = first - 1; // 3
  let sn = second - 1;
  while (fn % 2 === 1) {
    // 4
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]; // 5
  let sr = path[0];
  for (const c of path.slice(1)) {
    // 6
    if (sn === 0) return false; // 6a
    if (fn % 2 === 1 || fn === sn) {
      fr = H(ONE, c, fr); // 6b i
      sr = H(ONE, c, sr); // 6b ii
      if (fn % 2 !== 1) {
        // 6b iii
        do {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        } while (!(fn % 2 === 1 || fn === 0));
      }
    } else {
      sr = H(ONE, sr, c);
    }
    fn = Math.floor(fn / 2); // 6c
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0; // 7
}

const leavesArb = (min: number) =>
  fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: min, maxLength: 70 });
const data = (raw: Uint8Array[]) => raw.map((r) => Buffer.from(r));

describe('the Merkle tree over the ledger (RFC 6962 §2.1)', () => {
  it('has the root of the RFC definition, for every size', () => {
    fc.assert(
      fc.property(leavesArb(0), (raw) => {
        const d = data(raw);
        const tree = memoryTree(d.map(leafHash));
        expect(rootHash(d.length, tree).equals(MTH(d))).toBe(true);
      }),
    );
    expect(rootHash(0, memoryTree([])).equals(EMPTY_ROOT)).toBe(true);
  });

  it("gives the RFC's audit path, which the RFC 9162 algorithm verifies; a changed leaf or path fails", () => {
    fc.assert(
      fc.property(
        leavesArb(1).chain((raw) =>
          fc.tuple(fc.constant(raw), fc.nat(raw.length - 1), fc.nat(raw.length - 1)),
        ),
        ([raw, m, size0]) => {
          const d = data(raw);
          const size = Math.max(size0 + 1, m + 1);
          const tree = memoryTree(d.map(leafHash));
          const path = inclusionPath(m, size, tree);
          const root = MTH(d.slice(0, size));
          expect(path.map((p) => p.toString('hex'))).toEqual(
            PATH(m, d.slice(0, size)).map((p) => p.toString('hex')),
          );
          const leaf = H(ZERO, d[m]);
          expect(rfcVerifyInclusion(m, size, leaf, path, root)).toBe(true);
          expect(verifyInclusion(m, size, leaf, path, root)).toBe(true);
          const other = H(ZERO, Buffer.concat([d[m], Buffer.from('x')]));
          expect(rfcVerifyInclusion(m, size, other, path, root)).toBe(false);
          expect(verifyInclusion(m, size, other, path, root)).toBe(false);
          if (path.length > 0) {
            const bent = path.map((p, i) => (i === 0 ? H(p) : p));
            expect(verifyInclusion(m, size, leaf, bent, root)).toBe(false);
          }
          expect(verifyInclusion(size, size, leaf, path, root)).toBe(false);
        },
      ),
    );
  });

  it("gives the RFC's consistency proof, which the RFC 9162 algorithm verifies; another old root fails", () => {
    fc.assert(
      fc.property(
        leavesArb(2).chain((raw) =>
          fc.tuple(fc.constant(raw), fc.integer({ min: 1, max: raw.length - 1 })),
        ),
        ([raw, first]) => {
          const d = data(raw);
          const second = d.length;
          const tree = memoryTree(d.map(leafHash));
          const proof = consistencyPath(first, second, tree);
          expect(proof.map((p) => p.toString('hex'))).toEqual(
            PROOF(first, d).map((p) => p.toString('hex')),
          );
          const [r1, r2] = [MTH(d.slice(0, first)), MTH(d)];
          expect(rfcVerifyConsistency(first, second, r1, r2, proof)).toBe(true);
          expect(verifyConsistency(first, second, r1, r2, proof)).toBe(true);
          // A first tree whose leaves were rewritten is not extended by the second.
          const rewritten = MTH([H(d[0]), ...d.slice(1, first)]);
          expect(rfcVerifyConsistency(first, second, rewritten, r2, proof)).toBe(false);
          expect(verifyConsistency(first, second, rewritten, r2, proof)).toBe(false);
        },
      ),
    );
  });

  it('appends leaf by leaf to the same perfect subtrees as a tree built at once', () => {
    fc.assert(
      fc.property(leavesArb(0), fc.array(fc.nat(5), { maxLength: 10 }), (raw, cuts) => {
        const leaves = data(raw).map(leafHash);
        const whole = memoryTree(leaves);
        let size = 0;
        let frontier: Buffer[] = [];
        const written = new Map<string, Buffer>();
        let at = 0;
        for (const cut of [...cuts, leaves.length]) {
          const batch = leaves.slice(at, Math.min(leaves.length, at + cut));
          at += batch.length;
          const next = appendLeaves(size, frontier, batch);
          for (const [level, index, hash] of next.nodes) written.set(`${level}:${index}`, hash);
          ({ size, frontier } = next);
        }
        expect(size).toBe(leaves.length);
        expect(frontier.length).toBe(frontierOf(size).length);
        for (const [key, hash] of written) {
          const [level, index] = key.split(':').map(Number);
          expect(hash.equals(whole(level, index))).toBe(true);
        }
      }),
    );
  });
});
