/**
 * Read-your-writes under concurrency (issue 14, ADR 034): a command's answer means the next read
 * shows it, with many clients writing at once, some projections applied in the append's
 * transaction and others by their runners, and another process appending beside the API without
 * inline projections. Afterwards every projection table equals a rebuild from position 0: what
 * the inline projections wrote is what the runners would have written.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { PostgresEventStore } from '@ledger/event-store';
import { agencyStreamId } from '@ledger/domain';
import { startTestApp, type TestApp } from './support/app';
import { asBeijing, Ledger } from './support/fixtures';
import { LedgerDatabase, projectionRows } from './support/instances';
import { HOOK_TIMEOUT_MS } from './support/timeouts';
import { ProjectionsService } from '../apps/ledger-api/src/projections/projections.service';

const AGENCIES = 6;
const CLIENTS = 16;

// On: the credit record is applied in the append's transaction. Off: the command must wait for
// its runner (ProjectionsService.waitForAppend picks the runners an append's events touch).
describe.each([
  { inline: 'on', rounds: 6 },
  { inline: 'off', rounds: 3 },
])(
  'read-your-writes under concurrency, inline projections $inline (ADR 034)',
  ({ inline, rounds: ROUNDS }) => {
    let t: TestApp;
    let http: App;
    let foreign: PostgresEventStore;
    let database: LedgerDatabase;
    let closed = false;

    beforeAll(async () => {
      t = await startTestApp('read-your-writes', { env: { LEDGER_INLINE_PROJECTIONS: inline } });
      http = t.app.getHttpServer();
      // Another process on the same ledger, appending without inline projections.
      foreign = new PostgresEventStore({ connectionString: t.db.url, poolSize: 2 });
      database = new LedgerDatabase(t.db.url);
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await foreign.close();
      await database.close();
      if (!closed) await t.app.close();
      await t.db.drop();
    }, HOOK_TIMEOUT_MS);

    it('shows every acknowledged write to the next read, and the tables equal a rebuild', async () => {
      const ledger = new Ledger(http);
      const agencies = await Promise.all(
        Array.from({ length: AGENCIES }, async () => {
          const uscc = await ledger.agency();
          // The approval just answered: the registry shows it at once.
          const entry = await request(http).get(`/api/v1/agencies/${uscc}`).expect(200);
          expect(entry.body.status).toBe('registered');
          return uscc;
        }),
      );

      const misses: string[] = [];
      let n = 0;
      const foreignWrites = agencies.map(async (uscc, i) => {
        // A penalty the regulator's other system records straight into the store.
        await foreign.append(agencyStreamId(uscc), [
          {
            type: 'PenaltyImposed',
            data: {
              decisionNumber: `京环法字〔2026〕${900 + i}号`,
              decidedAt: '2026-03-01',
              violationType: 'untrue-report',
              legalBasis: '《生态环境监测条例》第四十条',
              content: '出具不实监测报告',
              fineYuan: 50000,
              authority: '北京市生态环境局',
            },
            occurredAt: '2026-03-01T10:00:00+08:00',
            metadata: { actor: 'other-system', role: 'regulator' },
          },
        ]);
      });
      await Promise.all([
        ...foreignWrites,
        ...Array.from({ length: CLIENTS }, async (_, client) => {
          for (let round = 0; round < ROUNDS; round++) {
            const uscc = agencies[(client + round) % AGENCIES];
            const posted = await request(http)
              .post(`/api/v1/agencies/${uscc}/inspections`)
              .set('Authorization', asBeijing)
              .send({
                inspectedAt: '2026-03-02',
                method: 'on-site',
                findings: [{ code: 'record-keeping', description: `第${++n}次` }],
                occurredAt: '2026-03-02',
              });
            expect(posted.status).toBe(201);
            const eventId = (posted.body as { eventIds: string[] }).eventIds[0];
            const record = await request(http)
              .get(`/api/v1/agencies/${uscc}/credit-record`)
              .set('Authorization', asBeijing)
              .expect(200);
            const records = (record.body as { records: { recordEventId: string }[] }).records;
            if (!records.some((r) => r.recordEventId === eventId)) misses.push(eventId);
          }
        }),
      ]);
      expect(misses).toEqual([]);

      // Once the runners have reached the head, the tables as inline and runners left them ...
      const head = await foreign.headPosition();
      const projections = t.app.get(ProjectionsService);
      await projections.waitFor(head);
      expect(projections.runners.every((runner) => runner.position >= head)).toBe(true);
      const live = await projectionRows(database.pool);
      closed = true;
      await t.app.close();
      // ... are the rows of a rebuild from position 0.
      const rebuilt = await database.rebuiltRows(t.db.url, head);
      expect(live).toEqual(rebuilt);
      // Not vacuous: each agency has its inspections and the foreign penalty in its record.
      expect(live.credit_records.length).toBe(CLIENTS * ROUNDS + AGENCIES);
    }, 180_000);
  },
);
