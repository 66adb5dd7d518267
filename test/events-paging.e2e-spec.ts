/** `GET …/events` pages (issue 9, item 6): `limit`, `fromVersion`, and a `Link` to the next page. */
import request from 'supertest';
import type { App } from 'supertest/types';
import { startTestApp, type TestApp } from './support/app';
import { asAuditor, asBeijing, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('an agency stream, a page at a time', () => {
  let t: TestApp;
  let http: App;
  let uscc: string;

  beforeAll(async () => {
    t = await startTestApp('events_paging');
    http = t.app.getHttpServer();
    const ledger = new Ledger(http);
    uscc = await ledger.agency();
    for (let day = 1; day <= 5; day++) {
      const inspectedAt = `2026-03-0${day}`;
      await ledger
        .post(`/api/v1/agencies/${uscc}/inspections`, asBeijing, {
          inspectedAt,
          method: 'on-site',
          findings: [],
          occurredAt: inspectedAt,
        })
        .expect(201);
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('follows Link rel="next" through every event once, in version order', async () => {
    const versions: number[] = [];
    let next: string | undefined = `/api/v1/agencies/${uscc}/events?limit=3`;
    let pages = 0;
    while (next) {
      const res: request.Response = await request(http)
        .get(next)
        .set('Authorization', asAuditor)
        .expect(200);
      pages++;
      versions.push(...(res.body as { version: number }[]).map((e) => e.version));
      next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    }
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pages).toBe(3);
  });

  it('refuses a page size out of bounds (400 naming limit)', async () => {
    const res = await request(http)
      .get(`/api/v1/agencies/${uscc}/events?limit=1001`)
      .set('Authorization', asAuditor)
      .expect(400);
    expect(res.body.message[0]).toMatch(/^limit: /);
  });
});
