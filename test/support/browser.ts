/**
 * Browser tests (test/browser/*.browser-spec.ts): Debian's Chromium driven by playwright-core,
 * never a downloaded browser (../shared/STACK.md). A test starts the real app on a port of its
 * own, serving the built console, and looks at the pages as a person does.
 */
import { CHROMIUM } from './console-build';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { actors, bearer, startTestApp, type TestApp } from './app';
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

const PASSWORD = 'walk-password-of-the-test';
/** The account made for each actor, by its token's subject: one per actor and app. */
const accounts = new Map<string, string>();

/**
 * Signs `actor` in for the page as a person does: by the sign-in form, with a password. The
 * actor's account (its role and scope) is created once per app over HTTP by an administrator.
 */
export async function signInAs(page: Page, baseUrl: string, actor: Actor): Promise<void> {
  const key = `${baseUrl} ${actor.sub}`;
  let username = accounts.get(key);
  if (username === undefined) {
    username = `walk-${accounts.size + 1}-${actor.role}`;
    const res = await fetch(`${baseUrl}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer(actors.admin) },
      body: JSON.stringify({
        username,
        password: PASSWORD,
        role: actor.role,
        ...(actor.jurisdiction && { jurisdiction: actor.jurisdiction }),
        ...(actor.authority && { authority: actor.authority }),
        ...(actor.uscc && { uscc: actor.uscc }),
      }),
    });
    if (res.status !== 201)
      throw new Error(`account for ${actor.sub}: ${res.status} ${await res.text()}`);
    accounts.set(key, username);
  }
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
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
