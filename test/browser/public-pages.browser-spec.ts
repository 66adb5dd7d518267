/**
 * 备案信息查询 and an agency's public page, without signing in: a person searches by name,
 * opens the record, and sees its registration, its grade with the article, its grade history
 * and its displayed penalty; nothing of a pending filing is shown.
 */
import { join } from 'node:path';
import request from 'supertest';
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
  startConsoleApp,
  type ConsoleApp,
} from '../support/browser';

const describeInBrowser = browserMissing() ? describe.skip : describe;

describeInBrowser('the public pages in a browser', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let uscc: string;
  let pending: string;

  beforeAll(async () => {
    t = await startConsoleApp('browser_public');
    const http = t.app.getHttpServer();
    uscc = await approvedAgency(http, 'beijing', { name: '北京清源环境检测有限公司' });
    await assess(http, uscc, 'beijing', { score: 95 });
    await request(http)
      .post(`/api/v1/agencies/${uscc}/penalties`)
      .set('Authorization', regulatorOf('beijing'))
      .send({
        decisionNumber: '京环罚〔2025〕101号',
        decidedAt: '2025-06-01',
        violationType: 'data-fraud',
        legalBasis: '《生态环境监测条例》',
        content: '罚款五万元',
        fineYuan: 50000,
        occurredAt: '2025-06-01',
      })
      .expect(201);
    pending = newUscc('beijing');
    await request(http)
      .post('/api/v1/agencies')
      .set('Authorization', bearer(actors.agency(pending)))
      .send({
        ...registrationBody(pending, { name: '北京待审监测有限公司' }),
        occurredAt: '2026-01-05',
      })
      .expect(201);
    browser = await launchBrowser();
    page = await newPage(browser);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, HOOK_TIMEOUT_MS);

  it('finds an agency by part of its name, in Chinese, and not a pending filing', async () => {
    await page.goto(t.url);
    await page.getByRole('heading', { name: '备案信息查询' }).waitFor();
    await page.getByLabel('机构名称或统一社会信用代码').fill('北京');
    await page.getByRole('button', { name: '查询' }).click();
    const link = page.getByRole('link', { name: '北京清源环境检测有限公司' });
    await link.waitFor();
    await expectText(page, uscc);
    expect(await page.getByText('北京待审监测有限公司').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("opens the record: registration, the grade with the rule's article, the history chart, the penalty", async () => {
    await page.getByRole('link', { name: '北京清源环境检测有限公司' }).click();
    await page.getByRole('heading', { name: '北京清源环境检测有限公司' }).waitFor();
    await expectText(page, '备案信息');
    await expectText(page, '综合类');
    await expect(page.getByTestId('grade-in-force').innerText()).resolves.toContain('D');
    // The fraud penalty decided it: Beijing Art. 15, named in words.
    await expectText(page, '第15条');
    await page.getByRole('img', { name: '信用等级历史' }).locator('canvas').waitFor();
    await expectText(page, '京环罚〔2025〕101号');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'public-record.png'), fullPage: true });
  });

  it('answers a pending filing by code with "not found", and a reload keeps the page', async () => {
    await page.goto(`${t.url}/agencies/${pending}`);
    await expectText(page, '未找到该机构');
    await page.goto(`${t.url}/agencies/${uscc}`);
    await page.getByRole('heading', { name: '北京清源环境检测有限公司' }).waitFor();
  });

  it('switches to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expectText(page, 'Grade in force');
    await page.getByRole('button', { name: '中文' }).click();
    await expectText(page, '现行信用等级');
  });

  it('leaves the API its JSON 404s', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/json/);
    await request(t.app.getHttpServer()).get('/').expect(200).expect('content-type', /html/);
  });
});

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor();
}
