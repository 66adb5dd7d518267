import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import {
  ConflictError,
  maskResidentId,
  type PersonalDataKind,
  type SealedPersonalData,
} from '@ledger/domain';

const ERASED = '[erased]';

function derive(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'regulatory-credit-ledger', purpose, 32));
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s/g, '');
  return digits.length <= 7
    ? '*'.repeat(digits.length)
    : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** A person's name keeps its first character (the family name, 张*): PIPL minimisation. */
export const maskPersonName = (name: string): string =>
  name.length === 0 ? '' : `${[...name][0]}${'*'.repeat(Math.max(1, [...name].length - 1))}`;

export function mask(kind: PersonalDataKind, value: string): string {
  if (kind === 'resident-id') return maskResidentId(value);
  if (kind === 'person-name') return maskPersonName(value);
  return maskPhone(value);
}

export const isSealed = (value: unknown): value is SealedPersonalData =>
  typeof value === 'object' && value !== null && '$pii' in value;

/**
 * Personal data (resident ID numbers, phone numbers) is never written to the ledger in clear.
 * Each data subject has its own AES-256-GCM key, kept in `ledger_pii_keys` outside the event
 * stream and wrapped by a key derived from LEDGER_PII_SECRET; events carry only ciphertext.
 * Erasing a subject destroys its key: the ciphertext in the events becomes unreadable for good,
 * and every hash in the chain still matches (ADR 005).
 */
export class PersonalDataVault {
  private readonly wrapKey: Buffer;
  private readonly hashKey: Buffer;
  private readonly keys = new Map<string, Buffer | null>();

  constructor(
    private readonly pool: Pool,
    secret: string,
  ) {
    this.wrapKey = derive(secret, 'subject-key-wrapping');
    this.hashKey = derive(secret, 'identity-hash');
  }

  /** Keyed hash of a resident ID number: the same person gives the same hash, nothing else does. */
  identityHash(idNumber: string): string {
    return createHmac('sha256', this.hashKey).update(idNumber.toUpperCase()).digest('hex');
  }

  async seal(
    subject: string,
    kind: PersonalDataKind,
    plaintext: string,
  ): Promise<SealedPersonalData> {
    const key = await this.subjectKey(subject, true);
    if (!key) throw erasedSubject();
    return sealWith(key, subject, kind, plaintext);
  }

  /**
   * Seals for one request whose command may yet be refused: keys it makes are removed again
   * when it is (see `SealingSession`).
   */
  sealing(): SealingSession {
    return new SealingSession(
      this.pool,
      (key) => this.wrap(key),
      (wrapped) => this.unwrap(wrapped),
    );
  }

  /** The plaintext, or null once the subject has been erased. */
  async open(sealed: SealedPersonalData): Promise<string | null> {
    const { subject, iv, ct, tag } = sealed.$pii;
    const key = await this.subjectKey(subject, false);
    if (!key) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Replaces every sealed value inside `data` by its plaintext (`full`) or its masked form. */
  async reveal<T>(data: T, mode: 'full' | 'masked'): Promise<T> {
    if (isSealed(data)) {
      const plaintext = await this.open(data);
      return (
        plaintext === null ? ERASED : mode === 'full' ? plaintext : mask(data.$pii.kind, plaintext)
      ) as T;
    }
    if (Array.isArray(data))
      return (await Promise.all(data.map((item) => this.reveal(item, mode)))) as T;
    if (typeof data === 'object' && data !== null) {
      const entries = await Promise.all(
        Object.entries(data).map(
          async ([key, value]) => [key, await this.reveal(value, mode)] as const,
        ),
      );
      return Object.fromEntries(entries) as T;
    }
    return data;
  }

  /** Destroys the subject's key: its data cannot be read again by anyone. */
  async erase(subject: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ledger_pii_keys (subject, wrapped_key, erased_at) VALUES ($1, NULL, now())
       ON CONFLICT (subject) DO UPDATE SET wrapped_key = NULL, erased_at = now(), pending_requests = NULL`,
      [subject],
    );
    this.keys.set(subject, null);
  }

  private async subjectKey(subject: string, create: boolean): Promise<Buffer | null> {
    const cached = this.keys.get(subject);
    if (cached !== undefined) return cached;
    if (create) {
      const key = randomBytes(32);
      await this.pool.query(
        'INSERT INTO ledger_pii_keys (subject, wrapped_key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING',
        [subject, this.wrap(key)],
      );
    }
    const { rows } = await this.pool.query<{ wrapped_key: Buffer | null }>(
      'SELECT wrapped_key FROM ledger_pii_keys WHERE subject = $1',
      [subject],
    );
    const key = rows[0]?.wrapped_key ? this.unwrap(rows[0].wrapped_key) : null;
    if (rows.length > 0) this.keys.set(subject, key);
    return key;
  }

  private wrap(key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    const ct = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]);
  }

  private unwrap(wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.wrapKey, wrapped.subarray(0, 12));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}

/**
 * Seals for a bulk load (the national-scale benchmark, issue 14): each subject's key is made in
 * memory and written with the others by `flush()`, one statement for many subjects, instead of
 * two round trips per subject. The ciphertexts are the vault's (the same key wrapping, the same
 * sealed shape), so the API opens them as it opens its own. `bytes` gives the keys and IVs: a
 * seeded source makes a data set reproducible. Not for requests: nothing here is ever refused.
 */
export class BulkSealer {
  private readonly wrapKey: Buffer;
  private readonly hashKey: Buffer;
  private readonly keys = new Map<string, Buffer>();
  private unwritten: [string, Buffer][] = [];

  constructor(
    private readonly pool: Pool,
    secret: string,
    private readonly bytes: (size: number) => Buffer = randomBytes,
  ) {
    this.wrapKey = derive(secret, 'subject-key-wrapping');
    this.hashKey = derive(secret, 'identity-hash');
  }

  /** The vault's keyed hash of a resident ID number (PersonalDataVault.identityHash). */
  identityHash(idNumber: string): string {
    return createHmac('sha256', this.hashKey).update(idNumber.toUpperCase()).digest('hex');
  }

  seal(subject: string, kind: PersonalDataKind, plaintext: string): SealedPersonalData {
    let key = this.keys.get(subject);
    if (!key) {
      key = this.bytes(32);
      this.keys.set(subject, key);
      const iv = this.bytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv);
      const ct = Buffer.concat([cipher.update(key), cipher.final()]);
      this.unwritten.push([subject, Buffer.concat([iv, cipher.getAuthTag(), ct])]);
    }
    return sealWith(key, subject, kind, plaintext, this.bytes(12));
  }

  /** Writes the keys made since the last flush; call it before appending events that use them. */
  async flush(): Promise<void> {
    const rows = this.unwritten;
    this.unwritten = [];
    for (let i = 0; i < rows.length; i += 5_000) {
      const page = rows.slice(i, i + 5_000);
      await this.pool.query(
        `INSERT INTO ledger_pii_keys (subject, wrapped_key)
         SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (subject) DO NOTHING`,
        [page.map(([subject]) => subject), page.map(([, wrapped]) => wrapped)],
      );
    }
  }
}

/**
 * The personal data one request seals, settled once its command is decided (issue 9). A key
 * must exist before the events that use it are appended, so a new subject's key is made when
 * the request seals, marked pending (`ledger_pii_keys.pending_requests` counts the requests in
 * flight that use it, NULL once settled). Then:
 * - `recorded()`: the command was recorded; its keys are settled for good.
 * - `refused()`: the ledger refused the command and appended nothing; a key no other request
 *   is still using and no recorded command ever used is removed, so a refused hire leaves no
 *   row behind.
 * - neither (the outcome is unknown, e.g. the connection dropped during the commit): the keys
 *   stay pending for good; a key an appended event may use is never removed.
 * Concurrent requests for one subject share its key and each raise the count, so the first to
 * be refused never removes the key the other is about to record with.
 */
export class SealingSession {
  private readonly subjects = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly wrap: (key: Buffer) => Buffer,
    private readonly unwrap: (wrapped: Buffer) => Buffer,
  ) {}

  async seal(
    subject: string,
    kind: PersonalDataKind,
    plaintext: string,
  ): Promise<SealedPersonalData> {
    if (!this.subjects.has(subject)) {
      // Always the database, never a cache: another instance may have removed a pending key.
      const { rows } = await this.pool.query<{ wrapped_key: Buffer | null }>(
        `INSERT INTO ledger_pii_keys (subject, wrapped_key, pending_requests) VALUES ($1, $2, 1)
         ON CONFLICT (subject) DO UPDATE SET pending_requests = ledger_pii_keys.pending_requests + 1
         RETURNING wrapped_key`,
        [subject, this.wrap(randomBytes(32))],
      );
      this.subjects.add(subject);
      this.keys.set(subject, rows[0].wrapped_key ? this.unwrap(rows[0].wrapped_key) : null);
    }
    const key = this.keys.get(subject);
    if (!key) {
      throw erasedSubject();
    }
    return sealWith(key, subject, kind, plaintext);
  }

  private readonly keys = new Map<string, Buffer | null>();

  /** The command was recorded (or was the replay of one that was): its keys stay. */
  async recorded(): Promise<void> {
    if (this.subjects.size === 0) return;
    await this.pool.query(
      'UPDATE ledger_pii_keys SET pending_requests = NULL WHERE subject = ANY($1) AND pending_requests IS NOT NULL',
      [[...this.subjects]],
    );
    this.subjects.clear();
  }

  /**
   * The ledger refused the command and appended nothing: each key this request made pending
   * is released, and removed when no request uses it any more. Two statements: between them
   * another request may raise a count from 0 again, and then the DELETE leaves its key be.
   */
  async refused(): Promise<void> {
    if (this.subjects.size === 0) return;
    const subjects = [...this.subjects];
    this.subjects.clear();
    const { rows } = await this.pool.query<{ subject: string }>(
      `UPDATE ledger_pii_keys SET pending_requests = pending_requests - 1
        WHERE subject = ANY($1) AND pending_requests > 0
        RETURNING subject, pending_requests`,
      [subjects],
    );
    if (rows.length === 0) return;
    await this.pool.query(
      'DELETE FROM ledger_pii_keys WHERE subject = ANY($1) AND pending_requests = 0',
      [rows.map((row) => row.subject)],
    );
  }
}

/**
 * Personal data of an erased subject offered again: a 409 the API answers, not a 500. The
 * message names neither the subject nor its keyed hash.
 */
function erasedSubject(): ConflictError {
  return new ConflictError(
    'this personal data was erased (ADR 005) and cannot be recorded again',
    'adr-005-erasure',
  );
}

function sealWith(
  key: Buffer,
  subject: string,
  kind: PersonalDataKind,
  plaintext: string,
  iv: Buffer = randomBytes(12),
): SealedPersonalData {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    $pii: {
      subject,
      kind,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
  };
}
