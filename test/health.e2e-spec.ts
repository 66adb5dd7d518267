import request from 'supertest';
import { startTestApp, type TestApp } from './support/app';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('GET /health', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp('health')), HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('answers 200 with the database and the event store up', async () => {
    const res = await request(t.app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, eventStore: { status: 'up', headPosition: 0 } },
    });
  });

  it('serves the OpenAPI document and its browsable page', async () => {
    const json = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toContain('/health');
    await request(t.app.getHttpServer()).get('/api/docs').expect(200);
  });
});
