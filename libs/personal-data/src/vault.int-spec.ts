import { Pool } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { BulkSealer, PersonalDataVault } from './vault';
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

  describe('keys sealed for a request, settled once its command is decided (issue 9)', () => {
    const rowOf = async (subject: string) =>
      (
        await pool.query<{ pending_requests: number | null }>(
          'SELECT pending_requests FROM ledger_pii_keys WHERE subject = $1',
          [subject],
        )
      ).rows[0];

    it('removes the key a refused command made, and keeps the one a recorded command made', async () => {
      const refused = vault.sealing();
      await refused.seal('person:refused', 'resident-id', '11010519491231002X');
      expect(await rowOf('person:refused')).toEqual({ pending_requests: 1 });
      await refused.refused();
      expect(await rowOf('person:refused')).toBeUndefined();

      const recorded = vault.sealing();
      const sealed = await recorded.seal('person:recorded', 'resident-id', '11010519491231002X');
      await recorded.recorded();
      expect(await rowOf('person:recorded')).toEqual({ pending_requests: null });
      expect(await new PersonalDataVault(pool, 'test-secret').open(sealed)).toBe(
        '11010519491231002X',
      );
    });

    it('never removes a key another request in flight sealed with, whichever is refused first', async () => {
      // Two agencies hire the same person at once: one is refused (409), the other recorded.
      const first = vault.sealing();
      const second = vault.sealing();
      await first.seal('person:both', 'resident-id', '11010519491231002X');
      const kept = await second.seal('person:both', 'resident-id', '11010519491231002X');
      await first.refused();
      expect(await rowOf('person:both')).toEqual({ pending_requests: 1 });
      await second.recorded();
      expect(await new PersonalDataVault(pool, 'test-secret').open(kept)).toBe(
        '11010519491231002X',
      );
      // Both refused: the last one out removes it.
      const a = vault.sealing();
      const b = vault.sealing();
      await a.seal('person:neither', 'resident-id', '11010519491231002X');
      await b.seal('person:neither', 'resident-id', '11010519491231002X');
      await b.refused();
      expect(await rowOf('person:neither')).toEqual({ pending_requests: 1 });
      await a.refused();
      expect(await rowOf('person:neither')).toBeUndefined();
    });

    it('never removes a key a recorded command uses, nor an erased subject', async () => {
      const recorded = vault.sealing();
      await recorded.seal('agency:Y:contact', 'phone', '13812345678');
      await recorded.recorded();
      const later = vault.sealing();
      await later.seal('agency:Y:contact', 'phone', '13900000000');
      await later.refused();
      expect(await rowOf('agency:Y:contact')).toEqual({ pending_requests: null });

      await vault.erase('agency:Z:contact');
      const afterErasure = vault.sealing();
      await expect(afterErasure.seal('agency:Z:contact', 'phone', '13812345678')).rejects.toThrow(
        /erased/,
      );
      await afterErasure.refused();
      expect(await rowOf('agency:Z:contact')).toEqual({ pending_requests: null });
    });

    it('leaves the key of a request whose outcome is unknown pending for good', async () => {
      const unknown = vault.sealing();
      await unknown.seal('person:unknown', 'resident-id', '11010519491231002X');
      // Neither recorded() nor refused(): the process died, or the commit's answer was lost.
      const later = vault.sealing();
      await later.seal('person:unknown', 'resident-id', '11010519491231002X');
      await later.refused();
      expect(await rowOf('person:unknown')).toEqual({ pending_requests: 1 });
    });
  });

  it('opens what a bulk load sealed once its keys are flushed, and erases it as its own', async () => {
    const bulk = new BulkSealer(pool, 'test-secret');
    const idNumber = '110105198001010012';
    const hash = bulk.identityHash(idNumber);
    expect(hash).toBe(vault.identityHash(idNumber));
    const subject = `person:bulk-${hash}`;
    const sealed = bulk.seal(subject, 'resident-id', idNumber);
    const again = bulk.seal(subject, 'person-name', '王伟');
    expect(JSON.stringify(sealed)).not.toContain(idNumber);
    // Not flushed: the key is nowhere yet, so nothing opens it.
    expect(await new PersonalDataVault(pool, 'test-secret').open(sealed)).toBeNull();
    await bulk.flush();
    const reader = new PersonalDataVault(pool, 'test-secret');
    expect(await reader.open(sealed)).toBe(idNumber);
    expect(await reader.open(again)).toBe('王伟');
    await reader.erase(subject);
    expect(await new PersonalDataVault(pool, 'test-secret').open(sealed)).toBeNull();
  });
});
