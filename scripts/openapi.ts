/**
 * `npm run openapi`: writes the API's OpenAPI document to docs/openapi.json, the contract a
 * client reads without running the ledger (issue 12 item 5). Built from the app's controllers
 * in Nest's preview mode: no database, no secret needed. `--check` writes nothing and exits 1
 * when the committed document is out of date (the unit test does the same).
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderOpenApiDocument } from '../apps/ledger-api/src/openapi-document';

export const OPENAPI_PATH = resolve(__dirname, '..', 'docs', 'openapi.json');

async function main(): Promise<number> {
  const text = await renderOpenApiDocument();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    if (committed === text) return 0;
    console.error('docs/openapi.json is out of date: run npm run openapi and commit it');
    return 1;
  }
  writeFileSync(OPENAPI_PATH, text);
  console.error(`wrote ${OPENAPI_PATH}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
