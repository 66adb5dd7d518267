/**
 * What the browser tests need before any app starts (their jest globalSetup): whether Chromium
 * is here, and a console build no older than its sources. Nothing of the app is imported.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CHROMIUM = process.env.LEDGER_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `browser tests are skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LEDGER_CHROMIUM)`;
}

const ROOT = resolve(__dirname, '../..');
const WEB_DIST = join(ROOT, 'apps/ledger-web/dist');
/**
 * Where the browser tests save their screenshots: docs/screenshots (the README's) when
 * LEDGER_SCREENSHOTS=1, else .data/screenshots, so that a test run leaves the tree clean.
 * A CJK font (Debian: fonts-wqy-microhei) makes them legible.
 */
export const SCREENSHOTS = join(
  ROOT,
  process.env.LEDGER_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots',
);

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the console when its build is missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const index = join(WEB_DIST, 'index.html');
  const web = join(ROOT, 'apps/ledger-web');
  const sources = Math.max(
    newestIn(join(web, 'src')),
    statSync(join(web, 'index.html')).mtimeMs,
    statSync(join(web, 'vite.config.mts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      join(web, 'vite.config.mts'),
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      // Jest sets NODE_ENV=test, which would make Vite build React and antd for development.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    },
  );
}
