export type EventStoreKind = 'postgres' | 'eventstoredb';

/** Everything the ledger reads from its environment, read once at start. */
export interface LedgerConfig {
  /** PostgreSQL for the event store (postgres adapter) and the projections. */
  databaseUrl: string;
  eventStore: EventStoreKind;
  eventStoreConnectionString?: string;
  port: number;
  jwtSecret: string;
  /** Wraps the per-subject keys of personal data and keys the identity hash (ADR 005). */
  piiSecret: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
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
    port,
    // A development default keeps `npm start` to one command; main.ts warns when it is used.
    jwtSecret: env.LEDGER_JWT_SECRET ?? 'ledger-development-secret-change-me',
    piiSecret: env.LEDGER_PII_SECRET ?? 'ledger-development-pii-secret-change-me',
  };
}
