import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 (signature type 0x01), and
 * tlog-checkpoint bodies (c2sp.org/tlog-checkpoint): the ledger's signed tree heads, in the
 * format Go's checksum database, Sigstore's Rekor and the transparency-dev witnesses read.
 */

const ED25519 = 0x01;
/** An Ed25519 SubjectPublicKeyInfo is this 12-byte DER prefix and the 32-byte key. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface LedgerSigningKey {
  /** The note key name; the checkpoint's origin. */
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A PKCS#8 PEM Ed25519 private key, or the base64 of its 32-byte seed; throws otherwise. */
export function readSigningKey(text: string, name: string): LedgerSigningKey {
  const trimmed = text.trim();
  const privateKey = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : createPrivateKey({
        // PKCS#8 of an Ed25519 seed: a fixed 16-byte header and the 32 bytes.
        key: Buffer.concat([
          Buffer.from('302e020100300506032b657004220420', 'hex'),
          seedOf(trimmed),
        ]),
        format: 'der',
        type: 'pkcs8',
      });
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  return { name: checkKeyName(name), privateKey, publicKey: createPublicKey(privateKey) };
}

function seedOf(base64: string): Buffer {
  const seed = Buffer.from(base64, 'base64');
  if (seed.length !== 32 || seed.toString('base64') !== base64)
    throw new TypeError('the signing key must be a PKCS#8 PEM or the base64 of a 32-byte seed');
  return seed;
}

export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

function checkKeyName(name: string): string {
  if (name === '' || /[\s+]/u.test(name))
    throw new TypeError('a note key name is non-empty, without spaces or "+"');
  return name;
}

/** The 32 raw bytes of an Ed25519 public key. */
export const rawPublicKey = (key: KeyObject): Buffer =>
  key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]. */
export const keyId = (name: string, publicKey: Buffer): Buffer =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), publicKey]))
    .digest()
    .subarray(0, 4);

/**
 * The verifier key as Go's `note` package writes it: `<name>+<hex key ID>+<base64(0x01 ||
 * public key)>`. An auditor keeps this string; it names the key and carries it.
 */
export function verifierKey(key: LedgerSigningKey): string {
  const raw = rawPublicKey(key.publicKey);
  return `${key.name}+${keyId(key.name, raw).toString('hex')}+${Buffer.concat([
    Buffer.from([ED25519]),
    raw,
  ]).toString('base64')}`;
}

export interface Verifier {
  name: string;
  id: Buffer;
  publicKey: KeyObject;
}

/** Parses a verifier key string; throws a TypeError saying what is wrong. */
export function parseVerifierKey(text: string): Verifier {
  // The base64 key may itself hold "+": the name and the ID end at the first two.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text.trim());
  if (!match) throw new TypeError('a verifier key is <name>+<hex id>+<base64 key>');
  const [, name, idHex, keyBase64] = match;
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 33 || key[0] !== ED25519)
    throw new TypeError('the verifier key is not an Ed25519 (type 0x01) key');
  const raw = key.subarray(1);
  const id = keyId(checkKeyName(name), raw);
  if (id.toString('hex') !== idHex) throw new TypeError('the verifier key ID does not match');
  return {
    name,
    id,
    publicKey: createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    }),
  };
}

/** The verifier of our own key. */
export const verifierOf = (key: LedgerSigningKey): Verifier => parseVerifierKey(verifierKey(key));

/** Signs a note text (ending in a newline) with the ledger's key: text, blank line, signature. */
export function signNote(text: string, key: LedgerSigningKey): string {
  checkNoteText(text);
  const raw = rawPublicKey(key.publicKey);
  const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
  const encoded = Buffer.concat([keyId(key.name, raw), signature]).toString('base64');
  return `${text}\n\u2014 ${key.name} ${encoded}\n`;
}

function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new TypeError('a note text ends with a newline');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text))
    throw new TypeError('a note holds no control characters but newlines');
}

export type NoteCheck = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Opens a signed note: its text when a signature by `verifier` verifies over it. Signatures
 * of other keys are ignored, as the spec says; a failing one of our key fails the note.
 */
export function openNote(note: string, verifier: Verifier): NoteCheck {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    return { ok: false, reason: 'not a signed note: no blank line before the signatures' };
  const text = note.slice(0, split + 1);
  try {
    checkNoteText(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  let verified = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!match) return { ok: false, reason: `not a signature line: ${JSON.stringify(line)}` };
    const [, name, encoded] = match;
    const bytes = Buffer.from(encoded, 'base64');
    if (name !== verifier.name || bytes.length < 4 || !bytes.subarray(0, 4).equals(verifier.id))
      continue;
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, bytes.subarray(4)))
      return { ok: false, reason: `the signature of ${name} does not verify over the note text` };
    verified = true;
  }
  return verified
    ? { ok: true, text }
    : {
        ok: false,
        reason: `no signature by ${verifier.name} (key ${verifier.id.toString('hex')})`,
      };
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** The tlog-checkpoint note text: origin, tree size, base64 root hash, each on its line. */
export function checkpointText({ origin, treeSize, rootHash }: Checkpoint): string {
  checkKeyName(origin);
  return `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;
}

/** Parses a checkpoint's note text (extension lines are read and ignored). */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines.at(-1) !== '')
    throw new TypeError('a checkpoint is origin, tree size and root hash, one a line');
  const [origin, size, root] = lines;
  if (origin === '') throw new TypeError('the checkpoint has no origin');
  if (!/^(0|[1-9]\d*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new TypeError(`the tree size "${size}" is not a decimal without leading zeroes`);
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root)
    throw new TypeError('the root hash is not the base64 of 32 bytes');
  if (lines.slice(3, -1).some((line) => line === ''))
    throw new TypeError('a checkpoint has no empty extension lines');
  return { origin, treeSize: Number(size), rootHash };
}

/** A signed checkpoint note for the tree. */
export const signCheckpoint = (checkpoint: Omit<Checkpoint, 'origin'>, key: LedgerSigningKey) =>
  signNote(checkpointText({ ...checkpoint, origin: key.name }), key);

export type CheckpointCheck = { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string };

/** Opens and parses a signed checkpoint; its origin must be the verifier's name. */
export function openCheckpoint(note: string, verifier: Verifier): CheckpointCheck {
  const opened = openNote(note, verifier);
  if (!opened.ok) return opened;
  try {
    const checkpoint = parseCheckpointText(opened.text);
    if (checkpoint.origin !== verifier.name)
      return { ok: false, reason: `the checkpoint's origin is not ${verifier.name}` };
    return { ok: true, checkpoint };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
