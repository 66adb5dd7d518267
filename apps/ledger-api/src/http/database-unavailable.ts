/**
 * Whether an error says the database connection was lost or cannot be had right now (a
 * restart, a failover, `pg_terminate_backend`, `idle_session_timeout`, a proxy): the request
 * that used it fails with `503` and `Retry-After`, and the pool connects again by itself.
 */

/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, and class 08 (connection exception). */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What pg and pg-pool say, without a code, of a connection that ended or never came. */
const MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Connection ended unexpectedly/,
  /^terminating connection due to/,
];

/** Seconds a client should wait before trying again. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, driverError, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
    return true;
  if (typeof code === 'string' && SYSTEM_CODES.has(code)) return true;
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  // TypeORM's QueryFailedError keeps pg's error as driverError; others chain it as cause.
  return isDatabaseUnavailable(driverError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}
