import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  generateSigningKeyPem,
  readSigningKey,
  type LedgerSigningKey,
} from '@ledger/event-store/transparency/note';
import { ConfigError, DEFAULT_LOG_ORIGIN, type LedgerConfig } from '../config';

export const SIGNING_KEY = Symbol('SIGNING_KEY');

/** Where the generated key lives when LEDGER_SIGNING_KEY is not set: beside the embedded data. */
export const defaultSigningKeyFile = (): string =>
  resolve(
    process.env.LEDGER_DATA_DIR ? dirname(process.env.LEDGER_DATA_DIR) : '.data',
    'ledger-signing-key.pem',
  );

/**
 * The ledger's Ed25519 key (ADR 026, 027): LEDGER_SIGNING_KEY when set; else the key file,
 * generated on first start (mode 600, created exclusively, so instances starting together
 * on one folder end up with the same key).
 */
export function loadSigningKey(
  config: Pick<LedgerConfig, 'signingKey' | 'signingKeyFile' | 'logOrigin'>,
): LedgerSigningKey {
  const name = config.logOrigin ?? DEFAULT_LOG_ORIGIN;
  try {
    if (config.signingKey !== undefined) return readSigningKey(config.signingKey, name);
    const file = config.signingKeyFile ?? defaultSigningKeyFile();
    try {
      return readSigningKey(readFileSync(file, 'utf8'), name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    mkdirSync(dirname(file), { recursive: true });
    // Written whole under another name, then linked: a reader never sees half a key.
    const draft = `${file}.${process.pid}.${Date.now()}`;
    writeFileSync(draft, generateSigningKeyPem(), { flag: 'wx', mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    return readSigningKey(readFileSync(file, 'utf8'), name);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `the ledger's signing key (LEDGER_SIGNING_KEY or its key file): ${(error as Error).message}`,
    );
  }
}
