/**
 * Browser tests (test/browser/*.browser-spec.ts): Debian's Chromium driven by playwright-core,
 * never a downloaded browser (../shared/STACK.md). A test starts the real app on a port of its
 * own, serving the built console, and looks at the pages as a person does.
 */
import { CHROMIUM } from './console-build';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { bearer, startTestApp, type TestApp } from './app';
import type { Actor } from '../../apps/ledger-api/src/auth';

export { browserMissing, SCREENSHOTS } from './console-build';

/** The flags a headless Chromium needs on these machines (root, no network beyond the app). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright gives each launch a fresh, temporary user-data-dir of its own. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 120_000 });

/** A page in a context of its own (axe needs one), in Chinese, with generous timeouts. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  return page;
}

export interface ConsoleApp extends TestApp {
  url: string;
}

/** The real app on a free port of 127.0.0.1, serving the console. */
export async function startConsoleApp(label: string, env?: NodeJS.ProcessEnv): Promise<ConsoleApp> {
  const app = await startTestApp(label, env && { env });
  await app.app.listen(0, '127.0.0.1');
  const { port } = app.app.getHttpServer().address() as AddressInfo;
  return { ...app, url: `http://127.0.0.1:${port}` };
}

/**
 * Signs `actor` in for the page: the bearer seam of the console (apps/ledger-web/src/api/
 * client.ts, BEARER_KEY), for walks whose actors are the fixtures' tokens. Password sign-in by
 * the form is tested in test/browser/sign-in.browser-spec.ts.
 */
export async function signInAs(page: Page, baseUrl: string, actor: Actor): Promise<void> {
  const token = bearer(actor).slice('Bearer '.length);
  await page.goto(`${baseUrl}/login`);
  await page.evaluate(`sessionStorage.setItem('ledger.bearer', ${JSON.stringify(token)})`);
}

/** Serious and critical accessibility violations on the page as it is now (axe-core). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
}

export const BROWSER_TIMEOUT_MS = 60_000;
