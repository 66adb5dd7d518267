/**
 * Issue 9, item 1: connections that come and go. The app runs as `npm start` runs it, in a
 * child process; while it takes commands, follows its projections and walks the hash chains,
 * the test terminates every backend of its database (`pg_terminate_backend`), again and again.
 * The process must live, a request that lost its connection answers 503 with Retry-After
 * (never 500), nothing acknowledged is lost, the projections catch up and equal a rebuild, and
 * the app takes commands again without a restart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  eventually,
  LedgerDatabase,
  LoadRecord,
  projectionRows,
  readiness,
  startChildInstance,
  terminateBackends,
  verifyStatus,
  writeLoad,
  type Instance,
} from './support/instances';
import { HOOK_TIMEOUT_MS } from './support/timeouts';
import { API_PROJECTIONS } from '../apps/ledger-api/src/projections/projections.service';

const ROUNDS = 12;

describe('a dropped database connection', () => {
  let db: TestDatabase;
  let ledger: LedgerDatabase;
  let app: Instance;

  beforeAll(async () => {
    db = await createTestDatabase('connection_loss');
    ledger = new LedgerDatabase(db.url);
    app = await startChildInstance('app', db.url);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
    await ledger?.close();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  it(
    'fails only the requests that used it (503), and the app, its projections and verify carry on',
    async () => {
      const record = new LoadRecord();
      const verifies = new Map<number | string, number>();
      let done = false;
      const load = writeLoad(
        4,
        () => app,
        record,
        () => done,
      );
      const verifying = (async () => {
        while (!done) {
          const status = await verifyStatus(app);
          verifies.set(status, (verifies.get(status) ?? 0) + 1);
        }
      })();

      // Let some work start, then cut every connection of the app, round after round: the
      // command handlers', the projection runners' (and their locks), verify's, the pools'.
      await eventually(
        'first acknowledged commands',
        () => Promise.resolve(record.acknowledged.length),
        (n) => n >= 5,
      );
      let killed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        killed += await terminateBackends(ledger.pool);
        await sleep(250);
      }
      const acknowledgedDuringKills = record.acknowledged.length;
      // And work goes on afterwards, on new connections.
      await eventually(
        'commands acknowledged after the last kill',
        () => Promise.resolve([record.acknowledged.length, record.summary()] as const),
        ([n]) => n >= acknowledgedDuringKills + 10,
      );
      done = true;
      await Promise.all([load, verifying]);

      console.log(
        `connection loss: ${killed} backends terminated in ${ROUNDS} rounds; commands ${JSON.stringify(record.summary())}; verify ${JSON.stringify(Object.fromEntries(verifies))}`,
      );
      expect(killed).toBeGreaterThan(0);
      expect(app.alive()).toBe(true);
      expect(record.unexpected).toEqual([]);
      // Only 201, or 503 for a request whose connection was cut: never a 500, never silence.
      expect([...record.statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
      expect([...verifies.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
      expect(record.statuses.get(503) ?? 0).toBeGreaterThan(0);

      // Nothing acknowledged is lost.
      expect(await ledger.missing(record.acknowledged)).toEqual([]);

      // The projections resume from their checkpoints and catch up; readiness says so.
      const head = await ledger.head();
      const ready = await eventually(
        'GET /health/ready 200 with every projection at the head',
        () => readiness(app),
        ({ status, body }) => status === 200 && body!.projections.every((p) => p.position >= head),
      );
      expect(ready.body!.projections.map((p) => p.lastError)).toEqual(
        API_PROJECTIONS.map(() => null),
      );
      expect(await ledger.unregistered(record.registered)).toEqual([]);
      expect(app.alive()).toBe(true);
      expect(app.output()).not.toMatch(/uncaught|unhandled/i);

      // The same rows as a rebuild from zero, once the app is gone.
      await app.stop();
      const live = await projectionRows(ledger.pool);
      expect(live.registry_entries.length).toBeGreaterThanOrEqual(record.registered.length);
      expect(await ledger.rebuiltRows(db.url, head)).toEqual(live);
    },
    HOOK_TIMEOUT_MS * 3,
  );
});
