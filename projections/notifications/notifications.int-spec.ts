/**
 * The notification outbox against real PostgreSQL (ADR 019): a row exists if and only if its
 * event committed, exactly once however often a page is applied or the projection rebuilt; the
 * dispatcher retries a failing sender until it delivers, and a crash between sending and
 * recording sends again (at least once).
 */
import { Pool } from 'pg';
import {
  PostgresEventStore,
  ReservationConflictError,
  WrongExpectedVersionError,
  type NewEvent,
} from '@ledger/event-store';
import { agencyStreamId, type SealedPersonalData } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { HOOK_TIMEOUT_MS } from '../../test/support/timeouts';
import { ProjectionRunner } from '../runner';
import { notificationsProjection, type AgencyNotificationsDoc } from './notifications.projection';
import {
  NotificationDispatcher,
  type NotificationSender,
  type OutgoingNotification,
} from '../../apps/ledger-api/src/notifications/notification-dispatcher';

const phone = (subject: string): SealedPersonalData => ({
  $pii: { subject, kind: 'phone', iv: 'iv', ct: 'ct', tag: 'tag' },
});
const registered = (uscc: string): NewEvent => ({
  type: 'AgencyRegistered',
  data: {
    uscc,
    jurisdiction: 'beijing',
    name: '北京环测',
    category: 'comprehensive',
    serviceTypes: ['self-monitoring'],
    legalRepresentative: { name: '王明', phone: phone(`agency:${uscc}:legal-representative`) },
    contact: { email: `lab-${uscc}@example.cn` },
    commitment: { signedBy: '王明', signedAt: '2026-01-05' },
    codeVerified: true,
    reviewDueOn: '2026-01-19',
  },
  occurredAt: '2026-01-12T10:00:00+08:00',
});
const approved: NewEvent = {
  type: 'RegistrationReviewed',
  data: { outcome: 'approved', reviewedOn: '2026-01-13' },
  occurredAt: '2026-01-13T10:00:00+08:00',
};

describe('the notification outbox (ADR 019)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  let runner: ProjectionRunner<AgencyNotificationsDoc>;
  let codes = 0;
  const uscc = () => `9111000080210${String(++codes).padStart(4, '0')}X`;

  beforeAll(async () => {
    db = await createTestDatabase('notifications');
    store = new PostgresEventStore({ connectionString: db.url });
    pool = new Pool({ connectionString: db.url });
    runner = new ProjectionRunner(notificationsProjection, store, pool);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  const catchUp = async () => runner.apply(await store.readAll({ after: 0, limit: 10_000 }));
  const outbox = async (key: string) =>
    (
      await pool.query<{ notification_id: string; kind: string; recipient: string }>(
        'SELECT notification_id, kind, recipient FROM notification_outbox WHERE key = $1 ORDER BY notification_id',
        [key],
      )
    ).rows;
  const delivery = async (notificationId: string) =>
    (
      await pool.query<{
        attempts: number;
        delivered_at: Date | null;
        delivered_by: string | null;
      }>(
        'SELECT attempts, delivered_at, delivered_by FROM notification_deliveries WHERE notification_id = $1',
        [notificationId],
      )
    ).rows[0];

  it('has a row for each committed event’s addressees, and none for an append that rolled back', async () => {
    const committed = uscc();
    const refused = uscc();
    await store.append(agencyStreamId(committed), [registered(committed)]);
    await store.append(agencyStreamId(committed), [approved], { expectedVersion: 1 });
    await store.append(agencyStreamId(refused), [registered(refused)]);
    // A stale version, and a claim another stream holds: both roll the events back.
    await expect(
      store.append(agencyStreamId(refused), [approved], { expectedVersion: 0 }),
    ).rejects.toThrow(WrongExpectedVersionError);
    const holder = uscc();
    await store.append(agencyStreamId(holder), [registered(holder)], {
      claim: [{ scope: 'test', key: refused }],
    });
    await expect(
      store.append(agencyStreamId(refused), [approved], {
        expectedVersion: 1,
        claim: [{ scope: 'test', key: refused }],
      }),
    ).rejects.toThrow(ReservationConflictError);

    await catchUp();
    expect((await outbox(committed)).map((n) => `${n.kind} ${n.recipient}`).sort()).toEqual([
      'filing-published contact',
      'filing-published legal-representative',
    ]);
    expect(await outbox(refused)).toEqual([]);

    // The same page again (a crash before the answer), then a rebuild: the same rows, once.
    const before = await outbox(committed);
    await runner.apply(await store.readAll({ after: 0, limit: 10_000 }));
    expect(await outbox(committed)).toEqual(before);
    await runner.rebuild();
    expect(await outbox(committed)).toEqual(before);
  });

  it('retries a failing sender with backoff until it delivers, recording each attempt', async () => {
    const code = uscc();
    await store.append(agencyStreamId(code), [registered(code), approved]);
    await catchUp();
    let failures = 2;
    const sent: OutgoingNotification[] = [];
    const flaky: NotificationSender = {
      name: 'flaky',
      deliver: (n) => {
        if (n.uscc === code && failures-- > 0) return Promise.reject(new Error('gateway down'));
        sent.push(n);
        return Promise.resolve();
      },
    };
    const dispatcher = new NotificationDispatcher(
      pool,
      () => Promise.resolve('13812345678'),
      () => flaky,
      { retryMs: 1, maxRetryMs: 5 },
    );
    const [legalRep] = (await outbox(code)).filter((n) => n.recipient === 'legal-representative');
    for (
      let round = 0;
      round < 50 && !(await delivery(legalRep.notification_id))?.delivered_at;
      round++
    ) {
      await dispatcher.dispatchDue();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await delivery(legalRep.notification_id)).toMatchObject({
      attempts: 3,
      delivered_at: expect.any(Date),
      delivered_by: 'flaky',
    });
    // The phone is opened for the sender only; the e-mail address is the one filed.
    expect(
      sent
        .filter((n) => n.uscc === code)
        .map((n) => n.address)
        .sort(),
    ).toEqual(['13812345678', `lab-${code}@example.cn`]);
    // Delivered notifications are not sent again.
    const count = sent.length;
    await dispatcher.dispatchDue();
    expect(sent).toHaveLength(count);
  });

  it('sends again after a crash between sending and recording (at least once)', async () => {
    const code = uscc();
    await store.append(agencyStreamId(code), [registered(code), approved]);
    await catchUp();
    const killer = new Pool({ connectionString: db.url, max: 1 });
    const sent: string[] = [];
    let crashed = false;
    const crashing: NotificationSender = {
      name: 'crashing',
      deliver: async (n) => {
        sent.push(n.notificationId);
        if (!crashed && n.uscc === code) {
          crashed = true;
          // The dispatcher's connection dies while it holds the row, before it marks it.
          await killer.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND state = 'idle in transaction'`,
          );
        }
      },
    };
    const dispatcher = new NotificationDispatcher(
      pool,
      () => Promise.resolve('13812345678'),
      () => crashing,
    );
    try {
      await expect(dispatcher.dispatchDue()).rejects.toThrow();
      const first = sent.at(-1)!;
      expect((await delivery(first))?.delivered_at ?? null).toBeNull();
      await dispatcher.dispatchDue();
      expect(sent.filter((id) => id === first)).toHaveLength(2);
      expect(await delivery(first)).toMatchObject({ attempts: 1, delivered_at: expect.any(Date) });
    } finally {
      await killer.end();
    }
  });
});
