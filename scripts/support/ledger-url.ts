/**
 * The ledger every operations command works on: DATABASE_URL, else the embedded PostgreSQL
 * that `npm start` runs without it (database `ledger` on EMBEDDED_PG_PORT, default 54329).
 * One default for `npm run ledger`, `npm run verify` and `npm run calendar` (issue 12 item 5).
 */
export function embeddedLedgerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `postgresql://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT || 54329}/ledger`;
}

export function ledgerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || embeddedLedgerUrl(env);
}
