import { Pool } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { PersonalDataVault } from './vault';
import { HOOK_TIMEOUT_MS } from '../../../test/support/timeouts';

describe('personal data in the ledger (crypto-shredding)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let vault: PersonalDataVault;

  beforeAll(async () => {
    db = await createTestDatabase('vault');
    pool = new Pool({ connectionString: db.url });
    store = new PostgresEventStore({ connectionString: db.url });
    vault = new PersonalDataVault(pool, 'test-secret');
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('never stores the number in clear, and reveals it in full or masked', async () => {
    const idNumberHash = vault.identityHash('11010519491231002X');
    const sealed = await vault.seal(`person:${idNumberHash}`, 'resident-id', '11010519491231002X');
    await store.append('agency-X', [
      {
        type: 'PersonnelJoined',
        data: { personId: 'p1', idNumberHash, idNumber: sealed },
        occurredAt: '2026-01-05',
      },
    ]);
    const raw = await pool.query<{ data: unknown }>('SELECT data FROM ledger_events');
    expect(JSON.stringify(raw.rows)).not.toContain('11010519491231002X');
    expect(JSON.stringify(raw.rows)).not.toContain('110105');

    const [event] = await store.readStream('agency-X');
    expect(await vault.reveal(event.data, 'full')).toMatchObject({
      idNumber: '11010519491231002X',
    });
    expect(await vault.reveal(event.data, 'masked')).toMatchObject({
      idNumber: '110105********002X',
    });
  });

  it('gives the same person the same identity hash, under this secret only', () => {
    expect(vault.identityHash('11010519491231002x')).toBe(vault.identityHash('11010519491231002X'));
    expect(vault.identityHash('11010519491231002X')).not.toBe(
      vault.identityHash('110105199003071239'),
    );
    expect(new PersonalDataVault(pool, 'another').identityHash('11010519491231002X')).not.toBe(
      vault.identityHash('11010519491231002X'),
    );
  });

  it('erases for good by destroying the key, and the hash chain still holds', async () => {
    const subject = `person:${vault.identityHash('11010519491231002X')}`;
    await vault.erase(subject);
    const [event] = await store.readStream('agency-X');
    const fresh = new PersonalDataVault(pool, 'test-secret'); // no cached key
    expect(await fresh.reveal(event.data, 'full')).toMatchObject({ idNumber: '[erased]' });
    expect(await store.verify()).toMatchObject({ ok: true, events: 1 });
    const { rows } = await pool.query(
      'SELECT wrapped_key, erased_at FROM ledger_pii_keys WHERE subject = $1',
      [subject],
    );
    expect(rows[0]).toMatchObject({ wrapped_key: null, erased_at: expect.any(Date) });
    await expect(fresh.seal(subject, 'resident-id', '11010519491231002X')).rejects.toThrow(
      /erased/,
    );
  });

  it('keeps subject keys unreadable without the secret', async () => {
    const sealed = await vault.seal('agency:X:contact', 'phone', '13812345678');
    const stranger = new PersonalDataVault(pool, 'wrong-secret');
    await expect(stranger.open(sealed)).rejects.toThrow();
    expect(await vault.reveal(sealed, 'masked')).toBe('138****5678');
  });
});
