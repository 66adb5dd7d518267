/**
 * The signed-in walks of issue 12, each as a person does it in Chromium: a regulator reviews a
 * filing from its queue, records a penalty and sees the 422 of a refused one beside the field;
 * an agency files an objection inside the publicity period (and sees the refusal outside it);
 * an appeal reviewer moves the knownAt slider and sees a late fact change the past; an auditor
 * verifies the ledger. Each page is checked with axe.
 *
 * Each walk signs in by the sign-in form, with a password, as an account an administrator made
 * for its role (signInAs); sign-in itself, with the accounts page, is sign-in.browser-spec.ts.
 */
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { Browser, Page } from 'playwright-core';
import { actors, bearer, registrationBody } from '../support/app';
import { approvedAgency, assess, newUscc, regulatorOf } from '../support/grading';
import { HOOK_TIMEOUT_MS } from '../support/timeouts';
import {
  browserMissing,
  launchBrowser,
  newPage,
  SCREENSHOTS,
  seriousViolations,
  signInAs,
  startConsoleApp,
  type ConsoleApp,
} from '../support/browser';

const describeInBrowser = browserMissing() ? describe.skip : describe;

describeInBrowser('signed-in walks in a browser', () => {
  let t: ConsoleApp;
  let http: App;
  let browser: Browser;
  const u: Record<string, string> = {};

  beforeAll(async () => {
    t = await startConsoleApp('browser_walks');
    http = t.app.getHttpServer();
    // A filing awaiting formal review (its 5 working days long past: overdue).
    u.filing = newUscc('beijing');
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', bearer(actors.agency(u.filing)))
      .send({
        ...registrationBody(u.filing, { name: '北京待审环境监测有限公司' }),
        occurredAt: '2026-02-02',
      })
      .expect(201);
    // An agency that deregistered on 2025-09-30: a penalty decided after that is refused.
    u.gone = await approvedAgency(http, 'beijing', { name: '北京已注销监测有限公司' });
    await request(http)
      .post(`/api/v1/agencies/${u.gone}/deregistration`)
      .set('Authorization', bearer(actors.agency(u.gone)))
      .send({ reason: 'voluntary', occurredAt: '2025-09-30' })
      .expect(201);
    // An agency graded in the 2025 cycle, published on 2026-01-12 with 5 working days of publicity.
    u.graded = await approvedAgency(http, 'beijing', { name: '北京异议监测有限公司' });
    await assess(http, u.graded, 'beijing', { score: 72 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulatorOf('beijing'))
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    // The appeal: an agency whose fraud penalty of 2025-06-01 was recorded late.
    u.appeal = await approvedAgency(http, 'beijing', { name: '北京复核监测有限公司' });
    await assess(http, u.appeal, 'beijing', { score: 95 });
    await request(http)
      .post(`/api/v1/agencies/${u.appeal}/penalties`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        decisionNumber: '京环罚〔2025〕201号',
        decidedAt: '2025-06-01',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款',
        occurredAt: '2025-06-01',
      })
      .expect(201);
    browser = await launchBrowser();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, HOOK_TIMEOUT_MS);

  const signedIn = async (actor: Parameters<typeof signInAs>[2]): Promise<Page> => {
    const page = await newPage(browser);
    await signInAs(page, t.url, actor);
    return page;
  };

  it('a regulator reviews a filing from the queue, records a penalty, and sees a refused one with its article', async () => {
    const page = await signedIn({ sub: 'reg-bj', role: 'regulator', jurisdiction: 'beijing' });
    await page.goto(`${t.url}/work`);
    const queue = page.getByTestId('queue-filings');
    await queue.getByRole('link', { name: '北京待审环境监测有限公司' }).waitFor();
    await queue.getByText('已逾期').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'regulator-queues.png'), fullPage: true });

    await queue.getByRole('link', { name: '北京待审环境监测有限公司' }).click();
    await page.getByTestId('agency-status').getByText('待审查').waitFor();
    await page.getByRole('radio', { name: '通过' }).check();
    await page.getByRole('button', { name: '提交' }).click();
    await activeTab(page).getByTestId('recorded').waitFor();
    await page.getByTestId('agency-status').getByText('已备案').waitFor();

    await page.getByRole('tab', { name: '行政处罚' }).click();
    await fillPenalty(page, '京环罚〔2026〕7号', '2026-03-02');
    await activeTab(page).getByTestId('recorded').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The deregistered agency: a decision after its deregistration is refused (Beijing Art. 24).
    await page.goto(`${t.url}/work/agencies/${u.gone}?tab=penalty`);
    await fillPenalty(page, '京环罚〔2026〕8号', '2026-03-02');
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toContain('第24条');
    // Beside the field the rule names: the decision date.
    const field = page.locator('.ant-form-item-has-error', { hasText: '决定日期' });
    await expect(field.innerText()).resolves.toContain('该操作未被记录');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'penalty-refused.png'), fullPage: true });
  });

  it('an agency files an objection inside the publicity period, and is refused outside it', async () => {
    const page = await signedIn(actors.agency(u.graded));
    await page.goto(`${t.url}/work`);
    await page.getByText('北京异议监测有限公司').first().waitFor();
    await page.getByLabel('周期编号').click();
    await page.locator('.ant-select-item-option').first().click();
    await page.getByLabel('理由').fill('评分中的监测报告数量统计有误，附证明材料');
    // Today is long after the publicity period of January: refused, with the article.
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByTestId('refusal').waitFor();
    expect(await page.getByTestId('refusal').innerText()).toMatch(/北京|第\d+条/);
    // Dated on the second day of publicity: filed, with its review due date.
    await pickDate(page, '发生日期（有效时间）', '2026-01-13');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByTestId('objection-filed').waitFor();
    await expect(page.getByTestId('objection-filed').innerText()).resolves.toMatch(
      /2026-\d\d-\d\d/,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a reviewer moves the knownAt slider and sees the late penalty change the past', async () => {
    const page = await signedIn(actors.reviewer);
    await page.goto(`${t.url}/audit/${u.appeal}`);
    const then = page.getByTestId('history-then');
    const now = page.getByTestId('history-now');
    // As known now: D from 2025-06-01, which was not known before the penalty was recorded.
    await now.getByText('2025-06-01').waitFor();
    await now.getByText('两个时点所知不同').waitFor();
    expect(await then.getByText('2025-06-01').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'bitemporal.png'), fullPage: true });

    // To the last recorded instant: what was known then is what is known now.
    await page.getByRole('slider', { name: '已知时间' }).focus();
    await page.keyboard.press('End');
    await then.getByText('2025-06-01').waitFor();
    expect(await page.getByText('两个时点所知不同').count()).toBe(0);

    // The timeline: both times of every event, and the chain.
    await page.getByRole('tab', { name: '事件时间线' }).click();
    await page.getByRole('cell', { name: 'PenaltyImposed' }).first().waitFor();
    expect(await page.getByText('链接断开').count()).toBe(0);
  });

  it("an auditor verifies the ledger's hash chains", async () => {
    const page = await signedIn(actors.auditor);
    await page.goto(`${t.url}/verify`);
    await page.getByRole('button', { name: '校验账本' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    await expect(result.innerText()).resolves.toMatch(/校验通过：\d+ 个流，\d+ 个事件/);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

/** The tab panel shown (the others are aria-hidden). */
const activeTab = (page: Page) => page.getByRole('tabpanel');

async function pickDate(page: Page, label: string, date: string): Promise<void> {
  const input = page.getByRole('textbox', { name: label });
  await input.click();
  await input.fill(date);
  // Tab commits the typed date; Enter would also submit the form.
  await input.press('Tab');
}

async function fillPenalty(page: Page, decisionNumber: string, decidedAt: string): Promise<void> {
  await page.getByLabel('处罚决定书文号').fill(decisionNumber);
  await pickDate(page, '决定日期', decidedAt);
  await page.getByLabel('违法类型').click();
  await page.locator('.ant-select-item-option', { hasText: '出具不实报告' }).click();
  await page.getByLabel('处罚依据').fill('《生态环境监测条例》第三十条');
  await page.getByLabel('处罚内容').fill('警告');
  await pickDate(page, '发生日期（有效时间）', decidedAt);
  await page.getByRole('button', { name: '提交' }).click();
}
