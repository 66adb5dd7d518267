/**
 * Issue 12's first walk, by the sign-in form (no token seam): the administrator that
 * LEDGER_ADMIN_PASSWORD created signs in, creates a Beijing regulator and an agency account from
 * the signed-in page (the session cookie, and the CSRF token every cookie write carries), and the
 * regulator then signs in with its own password. A wrong password is told apart in plain Chinese.
 */
import type { Browser, Page } from 'playwright-core';
import { HOOK_TIMEOUT_MS } from '../support/timeouts';
import { newUscc } from '../support/grading';
import {
  browserMissing,
  launchBrowser,
  newPage,
  seriousViolations,
  startConsoleApp,
  type ConsoleApp,
} from '../support/browser';

const describeInBrowser = browserMissing() ? describe.skip : describe;
const ADMIN_PASSWORD = 'browser-admin-password-1';

async function signIn(page: Page, url: string, username: string, password: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.locator('form button[type=submit]').click();
}

/** A write from the signed-in page, as the console sends it: the cookie, and the CSRF header or not. */
function postFromPage(page: Page, path: string, body: object, csrf: boolean): Promise<number> {
  return page.evaluate(
    async ({ path, body, csrf }) => {
      const token = document.cookie
        .split('; ')
        .find((part) => part.startsWith('ledger_csrf='))
        ?.slice('ledger_csrf='.length);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (csrf && token) headers['X-CSRF-Token'] = decodeURIComponent(token);
      const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
      return res.status;
    },
    { path, body, csrf },
  );
}

describeInBrowser('signing in with a password, in a browser', () => {
  let t: ConsoleApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startConsoleApp('browser_sign_in', { LEDGER_ADMIN_PASSWORD: ADMIN_PASSWORD });
    browser = await launchBrowser();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, HOOK_TIMEOUT_MS);

  it('an administrator signs in, creates a Beijing regulator and an agency account, and the regulator signs in', async () => {
    const page = await newPage(browser);
    await signIn(page, t.url, 'admin', 'not-the-password');
    await page.getByText('用户名或密码错误').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('button', { name: /退\s*出/ }).waitFor();

    const regulator = {
      username: 'bj-regulator',
      password: 'bj-regulator-password',
      role: 'regulator',
      jurisdiction: 'beijing',
    };
    // A cookie write without the CSRF token is refused; with it, the account is created.
    expect(await postFromPage(page, '/api/v1/users', regulator, false)).toBe(403);
    expect(await postFromPage(page, '/api/v1/users', regulator, true)).toBe(201);
    const agency = {
      username: 'bj-agency',
      password: 'bj-agency-password',
      role: 'agency',
      uscc: newUscc('beijing'),
    };
    expect(await postFromPage(page, '/api/v1/users', agency, true)).toBe(201);

    const second = await newPage(browser);
    await signIn(second, t.url, regulator.username, regulator.password);
    await second.waitForURL(/\/work/);
    await second.getByRole('button', { name: /退\s*出/ }).waitFor();
    expect(await second.getByText('bj-regulator', { exact: true }).count()).toBeGreaterThan(0);
    expect(await seriousViolations(second)).toEqual([]);
  });
});
