/**
 * `GET /health/ready` (API.md "Health", ADR 009): 200 with each projection's position, lag,
 * leadership and last error while they keep up; 503 with the same body, and Retry-After, while
 * one is failing; `/health` stays liveness (200) meanwhile.
 */
import request from 'supertest';
import { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { registrationBody, startTestApp, type TestApp } from './support/app';
import { asBeijing, freshUscc } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

interface Ready {
  status: string;
  headPosition: number;
  projections: {
    name: string;
    position: number;
    lag: number;
    leader: boolean;
    lastError: { message: string } | null;
  }[];
}

describe('GET /health/ready', () => {
  let t: TestApp;
  let pool: Pool;
  beforeAll(async () => {
    t = await startTestApp('health_ready');
    pool = new Pool({ connectionString: t.db.url, max: 1 });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  }, HOOK_TIMEOUT_MS);

  const ready = () => request(t.app.getHttpServer()).get('/health/ready');
  async function until(status: number): Promise<Ready> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await ready();
      if (res.status === status) return res.body as Ready;
      if (Date.now() > deadline) throw new Error(`not ${status}: ${JSON.stringify(res.body)}`);
      await sleep(50);
    }
  }

  it('answers 200 with every projection at the head, led by this instance', async () => {
    const res = await ready().expect(200);
    expect(res.body).toMatchObject({ status: 'ready', headPosition: 0 });
    expect((res.body as Ready).projections).toEqual([
      { name: 'registry', position: 0, lag: 0, leader: true, lastError: null },
      { name: 'grade-history', position: 0, lag: 0, leader: true, lastError: null },
      { name: 'credit-record', position: 0, lag: 0, leader: true, lastError: null },
      { name: 'inspection-plans', position: 0, lag: 0, leader: true, lastError: null },
      { name: 'users', position: 0, lag: 0, leader: true, lastError: null },
    ]);
  });

  it('answers 503 with the failing projection and its error, then 200 once it recovers', async () => {
    await pool.query('ALTER TABLE registry_entries RENAME TO registry_entries_away');
    try {
      await request(t.app.getHttpServer())
        .post('/api/v1/agencies')
        .set('Authorization', asBeijing)
        .send({ ...registrationBody(freshUscc()), occurredAt: '2026-01-12' })
        .expect(201);
      const failing = await until(503);
      const registry = failing.projections.find((p) => p.name === 'registry')!;
      expect(failing.status).toBe('not-ready');
      expect(registry.lag).toBeGreaterThan(0);
      expect(registry.lastError?.message).toMatch(/registry_entries/);
      const res = await ready().expect(503);
      expect(res.headers['retry-after']).toBe('1');
      await request(t.app.getHttpServer()).get('/health').expect(200);
    } finally {
      await pool.query('ALTER TABLE registry_entries_away RENAME TO registry_entries');
    }
    const recovered = await until(200);
    expect(recovered.projections.every((p) => p.lag === 0 && p.lastError === null)).toBe(true);
  });
});
