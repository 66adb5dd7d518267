/**
 * Issue 12's first walk, by the sign-in form (no token seam): the administrator that
 * LEDGER_ADMIN_PASSWORD created signs in, creates a Beijing regulator and an agency account from
 * its 账号管理 page (the session cookie, and the CSRF token every cookie write carries), and the
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
  // Run in the page (a string: the test's TypeScript has no DOM types).
  return page.evaluate(`(async () => {
    const token = document.cookie.split('; ').find((part) => part.startsWith('ledger_csrf='));
    const headers = { 'content-type': 'application/json' };
    if (${csrf} && token) headers['X-CSRF-Token'] = decodeURIComponent(token.slice(12));
    const res = await fetch(${JSON.stringify(path)}, {
      method: 'POST',
      headers,
      body: ${JSON.stringify(JSON.stringify(body))},
    });
    return res.status;
  })()`);
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
    // A write with the session cookie but without its CSRF token is refused.
    expect(await postFromPage(page, '/api/v1/users', regulator, false)).toBe(403);

    // 账号管理: the administrator creates a Beijing regulator, then an agency's main account.
    await page.getByRole('link', { name: '账号管理' }).click();
    const form = page.locator('form#accounts');
    const choose = async (label: string, option: string) => {
      await form.getByLabel(label).click();
      await page.locator(`.ant-select-item-option[title="${option}"]`).click();
    };
    await form.getByLabel('用户名').fill(regulator.username);
    await form.getByLabel('密码').fill(regulator.password);
    await choose('辖区', 'beijing');
    await form.locator('button[type=submit]').click();
    await page.getByRole('cell', { name: regulator.username }).waitFor();

    const uscc = newUscc('beijing');
    await form.getByLabel('用户名').fill('bj-agency');
    await form.getByLabel('密码').fill('bj-agency-password');
    await choose('角色', 'agency');
    await form.getByLabel('统一社会信用代码').fill(uscc);
    await form.locator('button[type=submit]').click();
    await page.getByRole('cell', { name: 'bj-agency' }).waitFor();
    await page.getByRole('cell', { name: uscc }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const second = await newPage(browser);
    await signIn(second, t.url, regulator.username, regulator.password);
    await second.waitForURL(/\/work/);
    await second.getByRole('button', { name: /退\s*出/ }).waitFor();
    expect(await second.getByText('bj-regulator', { exact: true }).count()).toBeGreaterThan(0);
    expect(await seriousViolations(second)).toEqual([]);
  });

  it('a user changes their own password on 修改密码; an administrator resets another on 账号管理', async () => {
    const admin = await newPage(browser);
    await signIn(admin, t.url, 'admin', ADMIN_PASSWORD);
    await admin.getByRole('button', { name: /退\s*出/ }).waitFor();
    for (const username of ['pw-auditor', 'pw-reviewer']) {
      expect(
        await postFromPage(
          admin,
          '/api/v1/users',
          { username, password: `${username}-password-1`, role: username.slice(3) },
          true,
        ),
      ).toBe(201);
    }

    // The auditor changes their own password: a wrong current one is told in plain Chinese.
    const auditor = await newPage(browser);
    await signIn(auditor, t.url, 'pw-auditor', 'pw-auditor-password-1');
    await auditor.waitForURL(/\/audit/);
    await auditor.getByRole('button', { name: '修改密码' }).click();
    const form = auditor.locator('form#password');
    await form.getByLabel('当前密码').fill('not-the-password');
    await form.getByLabel('新密码', { exact: true }).fill('pw-auditor-password-2');
    await form.getByLabel('确认新密码').fill('pw-auditor-password-2');
    await form.locator('button[type=submit]').click();
    await auditor.getByText('当前密码错误').waitFor();
    expect(await seriousViolations(auditor)).toEqual([]);
    await form.getByLabel('当前密码').fill('pw-auditor-password-1');
    await form.locator('button[type=submit]').click();
    // Every session ends with the change, this one too: sign in again with the new password.
    await auditor.waitForURL(/\/login\?changed=1/);
    await auditor.getByText('密码已修改，请用新密码重新登录').waitFor();
    await signIn(auditor, t.url, 'pw-auditor', 'pw-auditor-password-1');
    await auditor.getByText('用户名或密码错误').waitFor();
    await signIn(auditor, t.url, 'pw-auditor', 'pw-auditor-password-2');
    await auditor.waitForURL(/\/audit/);

    // The administrator resets the reviewer's password from 账号管理.
    await admin.getByRole('link', { name: '账号管理' }).click();
    const row = admin.getByRole('row').filter({ hasText: 'pw-reviewer' });
    await row.getByRole('button', { name: '重置密码' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('新密码').fill('pw-reviewer-reset-1');
    await dialog.getByRole('button', { name: '重置密码' }).click();
    await admin.getByText('密码已重置，该账号的登录已全部失效').waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    const reviewer = await newPage(browser);
    await signIn(reviewer, t.url, 'pw-reviewer', 'pw-reviewer-password-1');
    await reviewer.getByText('用户名或密码错误').waitFor();
    await signIn(reviewer, t.url, 'pw-reviewer', 'pw-reviewer-reset-1');
    await reviewer.waitForURL(/\/audit/);
  });
});
