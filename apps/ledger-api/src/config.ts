import { parseSmtpUrl, SmtpUrlError, type SmtpSettings } from './notifications/smtp-client';
import {
  AuthoritiesConfigError,
  readAuthorities,
  type AuthorityDirectory,
} from './exports/authorities';

export type EventStoreKind = 'postgres' | 'eventstoredb';

/** Everything the ledger reads from its environment, read once at start. */
export interface LedgerConfig {
  /** PostgreSQL for the event store (postgres adapter) and the projections. */
  databaseUrl: string;
  eventStore: EventStoreKind;
  eventStoreConnectionString?: string;
  /**
   * Whether the event store may apply the stream-keyed projections in the append's transaction
   * (ADR 034; LEDGER_INLINE_PROJECTIONS, default on). Off: every projection by its runner alone.
   */
  inlineProjections: boolean;
  port: number;
  jwtSecret: string;
  /** Wraps the per-subject keys of personal data and keys the identity hash (ADR 005). */
  piiSecret: string;
  /** The longest a bearer token may live (exp − iat), in seconds; tokens without exp are refused. */
  tokenMaxLifetimeSeconds?: number;
  /** Requests with a bad token one address may make per minute before it gets 429. */
  failedAuthPerMinute?: number;
  /** Public registry searches one address may make per minute before it gets 429. */
  searchesPerMinute?: number;
  /** Creates the account `admin` on first start when set (LEDGER_ADMIN_PASSWORD); never logged. */
  adminPassword?: string;
  /** How long a sign-in session lasts, in seconds (LEDGER_SESSION_LIFETIME). */
  sessionLifetimeSeconds?: number;
  /** Failed sign-ins per username, then per address, in 15 minutes before 429. */
  failedLoginsPerUsername?: number;
  failedLoginsPerAddress?: number;
  /** 处罚机关 and 数据来源单位 of each jurisdiction, for the 双公示 exports (LEDGER_AUTHORITIES). */
  authorities?: AuthorityDirectory;
  /**
   * The SMTP relay that delivers e-mail notifications (LEDGER_SMTP_URL, ADR 019); without it,
   * every notification goes to the log adapter.
   */
  smtp?: SmtpSettings;
  /** The notification dispatcher's poll and retry timings (tests shorten them). */
  notifications?: { pollIntervalMs?: number; retryMs?: number; maxRetryMs?: number };
  /**
   * The ledger's Ed25519 key (LEDGER_SIGNING_KEY: PKCS#8 PEM or base64 seed) for checkpoints
   * and evidence bundles; when absent, the one in `signingKeyFile`, generated on first start.
   */
  signingKey?: string;
  signingKeyFile?: string;
  /** The log's name in its checkpoints and signatures (LEDGER_LOG_ORIGIN). */
  logOrigin?: string;
  /** Seconds between automatic checkpoints (LEDGER_CHECKPOINT_INTERVAL); none when absent. */
  checkpointIntervalSeconds?: number;
}

export const DEFAULT_LOG_ORIGIN = 'ledger.invalid/regulatory-credit-ledger';

export const DEFAULT_FAILED_AUTH_PER_MINUTE = 100;
export const DEFAULT_SEARCHES_PER_MINUTE = 600;
/** A working day: a session ends by the evening of the day it began. */
export const DEFAULT_SESSION_LIFETIME_SECONDS = 8 * 3600;
export const DEFAULT_FAILED_LOGINS_PER_USERNAME = 5;
export const DEFAULT_FAILED_LOGINS_PER_ADDRESS = 20;

/** Default cap on a token's lifetime: a working day and a half. */
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 36 * 3600;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600`, `90m`, `12h` or `7d` as seconds; undefined when it is none of those. */
export function durationSeconds(text: string): number | undefined {
  const match = /^([1-9]\d*)([smhd]?)$/.exec(text.trim());
  return match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function inlineSwitch(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(`LEDGER_INLINE_PROJECTIONS must be "on" or "off", not "${value}"`);
}

export function readConfig(env: NodeJS.ProcessEnv, databaseUrl: string): LedgerConfig {
  const eventStore = (env.EVENT_STORE ?? 'postgres') as EventStoreKind;
  if (eventStore !== 'postgres' && eventStore !== 'eventstoredb') {
    throw new ConfigError(
      `EVENT_STORE must be "postgres" or "eventstoredb", not "${String(env.EVENT_STORE)}"`,
    );
  }
  if (eventStore === 'eventstoredb' && !env.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError(
      'EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (e.g. kurrentdb://localhost:2113?tls=false)',
    );
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number, not "${env.PORT}"`);
  return {
    databaseUrl,
    eventStore,
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING,
    inlineProjections: inlineSwitch(env.LEDGER_INLINE_PROJECTIONS),
    port,
    // A development default keeps `npm start` to one command; main.ts warns when it is used.
    jwtSecret: env.LEDGER_JWT_SECRET ?? 'ledger-development-secret-change-me',
    piiSecret: env.LEDGER_PII_SECRET ?? 'ledger-development-pii-secret-change-me',
    tokenMaxLifetimeSeconds: tokenMaxLifetime(env.LEDGER_TOKEN_MAX_LIFETIME),
    failedAuthPerMinute: perMinute(
      'LEDGER_FAILED_AUTH_PER_MINUTE',
      env.LEDGER_FAILED_AUTH_PER_MINUTE,
      DEFAULT_FAILED_AUTH_PER_MINUTE,
    ),
    searchesPerMinute: perMinute(
      'LEDGER_SEARCHES_PER_MINUTE',
      env.LEDGER_SEARCHES_PER_MINUTE,
      DEFAULT_SEARCHES_PER_MINUTE,
    ),
    authorities: authorities(env.LEDGER_AUTHORITIES),
    ...(env.LEDGER_SMTP_URL && { smtp: smtp(env.LEDGER_SMTP_URL) }),
    adminPassword: env.LEDGER_ADMIN_PASSWORD || undefined,
    sessionLifetimeSeconds: sessionLifetime(env.LEDGER_SESSION_LIFETIME),
    failedLoginsPerUsername: perMinute(
      'LEDGER_FAILED_LOGINS_PER_USERNAME',
      env.LEDGER_FAILED_LOGINS_PER_USERNAME,
      DEFAULT_FAILED_LOGINS_PER_USERNAME,
    ),
    failedLoginsPerAddress: perMinute(
      'LEDGER_FAILED_LOGINS_PER_ADDRESS',
      env.LEDGER_FAILED_LOGINS_PER_ADDRESS,
      DEFAULT_FAILED_LOGINS_PER_ADDRESS,
    ),
    signingKey: env.LEDGER_SIGNING_KEY,
    signingKeyFile: env.LEDGER_SIGNING_KEY_FILE,
    logOrigin: logOrigin(env.LEDGER_LOG_ORIGIN),
    checkpointIntervalSeconds: checkpointInterval(env.LEDGER_CHECKPOINT_INTERVAL),
  };
}

function smtp(text: string): SmtpSettings {
  try {
    return parseSmtpUrl(text);
  } catch (error) {
    if (error instanceof SmtpUrlError) throw new ConfigError(error.message);
    throw error;
  }
}

function logOrigin(text: string | undefined): string {
  if (text === undefined) return DEFAULT_LOG_ORIGIN;
  if (text === '' || /[\s+]/u.test(text))
    throw new ConfigError(
      `LEDGER_LOG_ORIGIN must be a name without spaces or "+" (e.g. example.gov.cn/ledger), not "${text}"`,
    );
  return text;
}

function checkpointInterval(text: string | undefined): number | undefined {
  if (text === undefined || text === '' || text === 'off') return undefined;
  const seconds = durationSeconds(text);
  if (seconds === undefined)
    throw new ConfigError(
      `LEDGER_CHECKPOINT_INTERVAL must be seconds or a duration such as 1h, or off, not "${text}"`,
    );
  return seconds;
}

function tokenMaxLifetime(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;
  const seconds = durationSeconds(text);
  if (seconds === undefined)
    throw new ConfigError(
      `LEDGER_TOKEN_MAX_LIFETIME must be seconds or a duration such as 12h, not "${text}"`,
    );
  return seconds;
}

function sessionLifetime(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SESSION_LIFETIME_SECONDS;
  const seconds = durationSeconds(text);
  if (seconds === undefined)
    throw new ConfigError(
      `LEDGER_SESSION_LIFETIME must be seconds or a duration such as 8h, not "${text}"`,
    );
  return seconds;
}

function perMinute(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a whole number of requests per minute, not "${text}"`);
  return value;
}

function authorities(text: string | undefined): AuthorityDirectory {
  try {
    return readAuthorities(text);
  } catch (error) {
    if (error instanceof AuthoritiesConfigError) throw new ConfigError(error.message);
    throw error;
  }
}
