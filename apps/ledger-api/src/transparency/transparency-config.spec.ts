import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifierKey } from '@ledger/event-store/transparency/note';
import { ConfigError, DEFAULT_LOG_ORIGIN, readConfig } from '../config';
import { loadSigningKey } from './signing-key';

const URL = 'postgresql://localhost/ledger';

describe('the transparency log configuration (ADR 026, 027)', () => {
  it('signs no checkpoint on a timer unless LEDGER_CHECKPOINT_INTERVAL says how often', () => {
    expect(readConfig({}, URL).checkpointIntervalSeconds).toBeUndefined();
    expect(readConfig({ LEDGER_CHECKPOINT_INTERVAL: 'off' }, URL).checkpointIntervalSeconds).toBe(
      undefined,
    );
    expect(readConfig({ LEDGER_CHECKPOINT_INTERVAL: '90m' }, URL).checkpointIntervalSeconds).toBe(
      5400,
    );
    expect(() => readConfig({ LEDGER_CHECKPOINT_INTERVAL: 'hourly' }, URL)).toThrow(ConfigError);
  });

  it('names the log by LEDGER_LOG_ORIGIN, a note key name', () => {
    expect(readConfig({}, URL).logOrigin).toBe(DEFAULT_LOG_ORIGIN);
    expect(readConfig({ LEDGER_LOG_ORIGIN: 'sthjj.example/ledger' }, URL).logOrigin).toBe(
      'sthjj.example/ledger',
    );
    expect(() => readConfig({ LEDGER_LOG_ORIGIN: 'a b' }, URL)).toThrow(ConfigError);
    expect(() => readConfig({ LEDGER_LOG_ORIGIN: 'a+b' }, URL)).toThrow(ConfigError);
  });

  it('generates the key into its file on first start, private to the owner, and reads it back after', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'signing-key-')), 'data', 'key.pem');
    const first = loadSigningKey({ signingKeyFile: file });
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(verifierKey(loadSigningKey({ signingKeyFile: file }))).toBe(verifierKey(first));
  });

  it('takes LEDGER_SIGNING_KEY over the file, and refuses one that is not an Ed25519 key', () => {
    const seed = Buffer.alloc(32, 5).toString('base64');
    const key = loadSigningKey({ signingKey: seed, logOrigin: 'ledger.test/log' });
    expect(key.name).toBe('ledger.test/log');
    expect(() => loadSigningKey({ signingKey: 'not a key' })).toThrow(ConfigError);
  });
});
