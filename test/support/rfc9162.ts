import { createHash } from 'node:crypto';

/*
 * Test support: an independent reading of RFC 6962 §2.1 (the definitions of MTH, PATH and
 * PROOF) and of RFC 9162 §2.1.3.2 and §2.1.4.2 (the verification algorithms), written from the
 * RFC text and sharing no code with libs/event-store/src/transparency/merkle.ts: the ledger's
 * proofs must pass the RFC's own checks, not only ours.
 */
export const H = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const ONE = Buffer.from([1]);
export const ZERO = Buffer.from([0]);
const largestPow2Below = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
export const MTH = (d: Buffer[]): Buffer => {
  if (d.length === 0) return H();
  if (d.length === 1) return H(ZERO, d[0]);
  const k = largestPow2Below(d.length);
  return H(ONE, MTH(d.slice(0, k)), MTH(d.slice(k)));
};
export const PATH = (m: number, d: Buffer[]): Buffer[] => {
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
export const PROOF = (m: number, d: Buffer[]) => SUBPROOF(m, d, true);

/** RFC 9162 §2.1.3.2, step by step. */
export function rfcVerifyInclusion(
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
export function rfcVerifyConsistency(
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
