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

import {
  H,
  MTH,
  PATH,
  PROOF,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
  ZERO,
} from '../../../../test/support/rfc9162';

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
