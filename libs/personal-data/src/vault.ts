import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { maskResidentId, type PersonalDataKind, type SealedPersonalData } from '@ledger/domain';

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

export function mask(kind: PersonalDataKind, value: string): string {
  return kind === 'resident-id' ? maskResidentId(value) : maskPhone(value);
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
    if (!key)
      throw new Error(`personal data of ${subject} was erased; it cannot be recorded again`);
    const iv = randomBytes(12);
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
       ON CONFLICT (subject) DO UPDATE SET wrapped_key = NULL, erased_at = now()`,
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
