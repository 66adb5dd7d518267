/**
 * Issue 9, item 2: several instances, one database. A child instance starts first (so it holds
 * every projection's lock), two in-process apps join, and a write load goes to all three. The
 * child is SIGKILLed under load, another child starts, and the load goes on. Each projection
 * must then have exactly one leader among the live instances, reach the head, and hold the same
 * rows as a rebuild from zero.
 */
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  eventually,
  LedgerDatabase,
  LoadRecord,
  projectionRows,
  readiness,
  startChildInstance,
  startInProcessInstance,
  writeLoad,
  type Instance,
} from './support/instances';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

describe('several instances on one database', () => {
  let db: TestDatabase;
  let ledger: LedgerDatabase;
  const instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('several_instances');
    ledger = new LedgerDatabase(db.url);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await ledger?.close();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  /** Each projection's leaders among `live`, by name. */
  async function leaders(live: Instance[]): Promise<Record<string, string[]>> {
    const found: Record<string, string[]> = {};
    for (const instance of live) {
      const { body } = await readiness(instance);
      for (const p of body?.projections ?? []) {
        found[p.name] ??= [];
        if (p.leader) found[p.name].push(instance.name);
      }
    }
    return found;
  }

  it(
    'advance each projection from one instance at a time, hand it over on SIGKILL, and equal a rebuild',
    async () => {
      const first = await startChildInstance('child-1', db.url);
      instances.push(first);
      expect(await leaders([first])).toEqual({
        registry: ['child-1'],
        'grade-history': ['child-1'],
        'credit-record': ['child-1'],
        'inspection-plans': ['child-1'],
        users: ['child-1'],
      });
      const a = await startInProcessInstance('app-a', db.url);
      const b = await startInProcessInstance('app-b', db.url);
      instances.push(a, b);

      const record = new LoadRecord();
      let live: Instance[] = [first, a, b];
      let turn = 0;
      const pick = () => live[turn++ % live.length];
      let done = false;
      const load = writeLoad(6, pick, record, () => done);
      const acknowledgedBy = (name: string) =>
        record.acknowledged.filter((ack) => ack.instance === name).length;

      await eventually(
        'commands acknowledged by every instance',
        () => Promise.resolve(['child-1', 'app-a', 'app-b'].map(acknowledgedBy)),
        (counts) => counts.every((n) => n >= 5),
      );
      // The lock holder dies without a word, in the middle of the load.
      await first.kill();
      expect(first.alive()).toBe(false);
      live = [a, b];
      const second = await startChildInstance('child-2', db.url);
      instances.push(second);
      live = [a, b, second];
      await eventually(
        'commands acknowledged by the new instance',
        () => Promise.resolve(acknowledgedBy('child-2')),
        (n) => n >= 5,
      );
      done = true;
      await load;
      console.log(
        `several instances: commands ${JSON.stringify(record.summary())}, acknowledged per instance ${JSON.stringify(
          Object.fromEntries(
            ['child-1', 'app-a', 'app-b', 'child-2'].map((n) => [n, acknowledgedBy(n)]),
          ),
        )}`,
      );
      expect(record.unexpected).toEqual([]);
      expect(await ledger.missing(record.acknowledged)).toEqual([]);

      // Every projection at the head, one leader each among the live instances, all ready.
      const head = await ledger.head();
      await eventually(
        'every checkpoint at the head',
        () => ledger.checkpoints(),
        (c) =>
          ['registry', 'grade-history', 'credit-record', 'inspection-plans', 'users'].every(
            (n) => (c[n] ?? 0) >= head,
          ),
      );
      const handedOver = await eventually(
        'one leader per projection',
        () => leaders(live),
        (found) => Object.values(found).every((names) => names.length === 1),
      );
      expect(Object.keys(handedOver).sort()).toEqual([
        'credit-record',
        'grade-history',
        'inspection-plans',
        'registry',
        'users',
      ]);
      expect(Object.values(handedOver).flat()).not.toContain('child-1');
      for (const instance of live) {
        // A follower reads the leader's checkpoint on its next poll: wait for it, bounded.
        const { status, body } = await eventually(
          `${instance.name} ready, every projection at the head`,
          () => readiness(instance),
          (r) => r.status === 200 && r.body!.projections.every((p) => p.position >= head),
        );
        expect(status).toBe(200);
        expect(body!.projections.map((p) => [p.lag, p.lastError])).toEqual([
          [0, null],
          [0, null],
          [0, null],
          [0, null],
          [0, null],
        ]);
      }
      expect(await ledger.unregistered(record.registered)).toEqual([]);

      // The rows the instances built together are the rows of a rebuild from zero.
      for (const instance of live) await instance.stop();
      const together = await projectionRows(ledger.pool);
      expect(together.registry_entries.length).toBeGreaterThanOrEqual(record.registered.length);
      expect(await ledger.rebuiltRows(db.url, head)).toEqual(together);
    },
    HOOK_TIMEOUT_MS * 4,
  );
});
