import {
  openCheckpoint,
  openNote,
  parseVerifierKey,
  readSigningKey,
  signCheckpoint,
  signNote,
  verifierKey,
  verifierOf,
} from './note';

// The example key and note of Go's golang.org/x/mod/sumdb/note tests: the C2SP signed-note
// format byte for byte, signed by an implementation other than ours.
const GO_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (c2sp.org/signed-note, Ed25519)', () => {
  const go = readSigningKey(GO_SEED.toString('base64'), 'PeterNeumann');

  it("signs Go's example note to the same bytes and derives its verifier key", () => {
    expect(verifierKey(go)).toBe(GO_VERIFIER);
    expect(signNote(GO_TEXT, go)).toBe(GO_NOTE);
  });

  it("opens Go's note with its verifier key", () => {
    expect(openNote(GO_NOTE, parseVerifierKey(GO_VERIFIER))).toEqual({ ok: true, text: GO_TEXT });
  });

  it('refuses a note with one byte changed, in the text or the signature', () => {
    const verifier = parseVerifierKey(GO_VERIFIER);
    expect(openNote(GO_NOTE.replace('answer', 'Answer'), verifier).ok).toBe(false);
    const flipped = GO_NOTE.replace('x08go', 'x08gp');
    expect(openNote(flipped, verifier)).toMatchObject({ ok: false });
  });

  it('ignores signatures of other keys, and refuses a note none of ours signed', () => {
    const other = readSigningKey(Buffer.alloc(32, 7).toString('base64'), 'PeterNeumann');
    const opened = openNote(signNote(GO_TEXT, other), verifierOf(go));
    expect(opened).toMatchObject({ ok: false, reason: expect.stringContaining('no signature') });
  });

  it('reads back the verifier key of any key, "+" in its base64 included', () => {
    for (let seed = 0; seed < 64; seed++) {
      const key = readSigningKey(Buffer.alloc(32, seed).toString('base64'), 'ledger.test/log');
      const text = signNote(GO_TEXT, key);
      expect(openNote(text, parseVerifierKey(verifierKey(key))).ok).toBe(true);
    }
  });

  it('refuses a verifier key whose ID does not match', () => {
    expect(() => parseVerifierKey(GO_VERIFIER.replace('c74f20a3', 'c74f20a4'))).toThrow(
      'does not match',
    );
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  const key = readSigningKey(Buffer.alloc(32, 1).toString('base64'), 'ledger.test/log');
  const rootHash = Buffer.alloc(32, 9);

  it('are origin, size and base64 root, signed under the origin', () => {
    const note = signCheckpoint({ treeSize: 20852163, rootHash }, key);
    expect(note.split('\n').slice(0, 4)).toEqual([
      'ledger.test/log',
      '20852163',
      rootHash.toString('base64'),
      '',
    ]);
    expect(openCheckpoint(note, verifierOf(key))).toEqual({
      ok: true,
      checkpoint: { origin: 'ledger.test/log', treeSize: 20852163, rootHash },
    });
  });

  it('refuse a tree size with a leading zero or a short root', () => {
    const badSize = signNote(`ledger.test/log\n012\n${rootHash.toString('base64')}\n`, key);
    expect(openCheckpoint(badSize, verifierOf(key))).toMatchObject({ ok: false });
    const badRoot = signNote('ledger.test/log\n12\nAAAA\n', key);
    expect(openCheckpoint(badRoot, verifierOf(key))).toMatchObject({ ok: false });
  });
});
