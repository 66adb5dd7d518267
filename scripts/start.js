#!/usr/bin/env node
/**
 * `npm start`: builds when the sources changed (scripts/build-if-changed.js), then runs the
 * ledger. `npm start -- --help` prints what it does and exits.
 */
'use strict';
const { resolve } = require('node:path');

const HELP = `npm start: runs the regulatory credit ledger's HTTP API (OpenAPI at /api/docs).

It builds first only when the sources changed since the last build, and without
DATABASE_URL runs an embedded PostgreSQL with its data in ./.data/pg.

Environment (README.md, "Configuration"):
  DATABASE_URL             PostgreSQL (default: the embedded one, port 54329)
  PORT                     HTTP port (default 3000)
  LEDGER_JWT_SECRET        HS256 secret of tokens and sessions (default: a development secret, with a warning)
  LEDGER_PII_SECRET        wraps the keys of personal data (default: a development secret, with a warning)
  LEDGER_ADMIN_PASSWORD    creates the account "admin" on first start
  LEDGER_SESSION_LIFETIME  how long a sign-in lasts (default 8h)

Without LEDGER_ADMIN_PASSWORD, create the first administrator while it runs:
  npm run ledger -- user add admin --role admin

Other commands: npm run ledger -- --help, npm run demo -- --help, npm run verify -- --help
`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}

try {
  require('./build-if-changed').buildIfChanged();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
require(resolve(__dirname, '..', 'dist/apps/ledger-api/src/main.js'));
