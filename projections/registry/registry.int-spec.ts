import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { agencyStreamId, type AgencyEvent } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { ProjectionRunner } from '../runner';
import { registryProjection } from './registry.projection';
import { HOOK_TIMEOUT_MS } from '../../test/support/timeouts';

const at = '2026-01-05T10:00:00+08:00';
const ev = (event: AgencyEvent): NewEvent => ({ ...event, occurredAt: at });
const registered = (uscc: string, name: string): AgencyEvent => ({
  type: 'AgencyRegistered',
  data: {
    uscc,
    jurisdiction: 'beijing',
    name,
    category: 'comprehensive',
    serviceTypes: ['self-monitoring'],
    legalRepresentative: { name: '王小明' },
    keyPersonnel: { technicalLead: '李雷' },
    commitment: { signedBy: '王小明', signedAt: '2026-01-05' },
    codeVerified: true,
    reviewDueOn: '2026-01-12',
  },
});

describe('the registry projection', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  const rows = async () =>
    (
      await pool.query<Record<string, unknown>>(
        'SELECT key, doc, last_position, name, status FROM registry_entries ORDER BY key',
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase('registry');
    store = new PostgresEventStore({ connectionString: db.url });
    pool = new Pool({ connectionString: db.url });
    await store.append(agencyStreamId('A1'), [
      ev(registered('A1', '甲监测')),
      ev({ type: 'RegistrationReviewed', data: { outcome: 'approved', reviewedOn: '2026-01-07' } }),
    ]);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('follows the ledger live, and a rebuild from position 0 gives the same rows', async () => {
    const runner = new ProjectionRunner(registryProjection, store, pool, {
      pollIntervalMs: 10,
      batchSize: 2,
    });
    await runner.start();
    const { position } = await store.append(agencyStreamId('A1'), [
      ev({
        type: 'PersonnelJoined',
        data: {
          personId: 'p1',
          idNumberHash: 'h',
          idNumber: { $pii: { subject: 's', kind: 'resident-id', iv: '', ct: '', tag: '' } },
          name: '韩梅梅',
          role: 'field-sampling',
          technical: true,
        },
      }),
      ev({ type: 'EquipmentAdded', data: { equipmentId: 'e1', name: '采样器' } }),
      ev({
        type: 'InspectionRecorded',
        data: {
          inspectedAt: '2026-02-01',
          method: 'on-site',
          findings: [{ code: 'record-keeping' }],
        },
      }),
    ]);
    await store.append(agencyStreamId('B2'), [ev(registered('B2', '乙监测'))]);
    const last = await store.append(agencyStreamId('A1'), [
      ev({ type: 'PersonnelLeft', data: { personId: 'p1', leftAt: '2026-02-02' } }),
      ev({ type: 'EquipmentAdded', data: { equipmentId: 'e2', name: '色谱仪' } }),
    ]);
    expect(await runner.waitFor(last.position)).toBe(true);
    expect(position).toBeLessThan(last.position);
    await runner.stop();

    const live = await rows();
    expect(live).toHaveLength(2);
    expect(live[0]).toMatchObject({
      key: 'A1',
      status: 'registered',
      doc: {
        name: '甲监测',
        legalRepresentative: '王**',
        keyPersonnel: { technicalLead: '李*' },
        activePersonnel: 0,
        equipmentInService: 2,
        lastInspection: { inspectedAt: '2026-02-01', method: 'on-site', findings: 1 },
        approvedOn: '2026-01-07',
        version: 7,
      },
    });

    await runner.rebuild(last.position);
    expect(await rows()).toEqual(live);
  });

  it('keeps a key change of a registered agency out of the entry until approved; a return keeps the approved data (national-faq-7-8)', async () => {
    const uscc = 'C3';
    const change = (name: string, filedOn: string): AgencyEvent => ({
      type: 'RegistrationChanged',
      data: {
        changes: { name, legalRepresentative: { name: '赵强' }, scope: ['noise'] },
        changedAt: filedOn,
        filedOn,
        needsReview: true,
        reviewDueOn: '2026-03-09',
        commitment: { signedBy: '赵强', signedAt: filedOn },
      },
    });
    const review = (outcome: 'approved' | 'returned', reviewedOn: string): AgencyEvent => ({
      type: 'RegistrationReviewed',
      data: { outcome, reviewedOn, ...(outcome === 'returned' && { reason: '材料不全' }) },
    });
    const runner = new ProjectionRunner(registryProjection, store, pool, { pollIntervalMs: 10 });
    await runner.start();
    const entry = async (position: number) => {
      expect(await runner.waitFor(position)).toBe(true);
      return (await rows()).find((row) => row.key === uscc)!;
    };
    await store.append(agencyStreamId(uscc), [
      ev(registered(uscc, '丙监测')),
      ev({ type: 'RegistrationReviewed', data: { outcome: 'approved', reviewedOn: '2026-01-07' } }),
    ]);
    let at = await store.append(agencyStreamId(uscc), [ev(change('丙新监测', '2026-03-02'))]);
    expect(await entry(at.position)).toMatchObject({
      name: '丙监测',
      status: 'registered',
      doc: {
        name: '丙监测',
        legalRepresentative: '王**',
        scope: ['noise'],
        pendingChange: {
          fields: { name: '丙新监测', legalRepresentative: '赵*' },
          filedOn: '2026-03-02',
          reviewDueOn: '2026-03-09',
        },
      },
    });
    at = await store.append(agencyStreamId(uscc), [ev(review('returned', '2026-03-04'))]);
    expect(await entry(at.position)).toMatchObject({
      name: '丙监测',
      status: 'registered',
      doc: {
        legalRepresentative: '王**',
        pendingChange: null,
        lastChangeReview: { outcome: 'returned', reason: '材料不全', reviewedOn: '2026-03-04' },
      },
    });
    await store.append(agencyStreamId(uscc), [ev(change('丙新监测', '2026-03-05'))]);
    at = await store.append(agencyStreamId(uscc), [ev(review('approved', '2026-03-06'))]);
    expect(await entry(at.position)).toMatchObject({
      name: '丙新监测',
      doc: {
        legalRepresentative: '赵*',
        pendingChange: null,
        lastChangeReview: { outcome: 'approved', reviewedOn: '2026-03-06' },
      },
    });
    at = await store.append(agencyStreamId(uscc), [
      ev(change('丙再监测', '2026-03-10')),
      ev({
        type: 'AgencyDeregistered',
        data: { reason: 'voluntary', deregisteredOn: '2026-03-11' },
      }),
    ]);
    const last = await entry(at.position);
    expect(last).toMatchObject({
      name: '丙新监测',
      status: 'deregistered',
      doc: { pendingChange: null, deregistered: { on: '2026-03-11', reason: 'voluntary' } },
    });
    await runner.stop();
    await runner.rebuild(at.position);
    expect((await rows()).find((row) => row.key === uscc)).toEqual(last);
  });

  it('lists the host jurisdictions an agency reported to (报备, national-faq-1-7), the same after a rebuild', async () => {
    const uscc = 'D4';
    const runner = new ProjectionRunner(registryProjection, store, pool, { pollIntervalMs: 10 });
    await runner.start();
    await store.append(agencyStreamId(uscc), [
      ev(registered(uscc, '丁监测')),
      ev({ type: 'RegistrationReviewed', data: { outcome: 'approved', reviewedOn: '2026-01-07' } }),
    ]);
    const at = await store.append(agencyStreamId(uscc), [
      ev({ type: 'AgencyReported', data: { jurisdiction: 'chongqing', reportedOn: '2026-03-02' } }),
      ev({ type: 'AgencyReported', data: { jurisdiction: 'jiaxing', reportedOn: '2026-04-01' } }),
    ]);
    expect(await runner.waitFor(at.position)).toBe(true);
    const entry = (await rows()).find((row) => row.key === uscc)!;
    expect(entry).toMatchObject({
      status: 'registered',
      doc: {
        jurisdiction: 'beijing',
        reports: [
          { jurisdiction: 'chongqing', reportedOn: '2026-03-02' },
          { jurisdiction: 'jiaxing', reportedOn: '2026-04-01' },
        ],
      },
    });
    await runner.stop();
    await runner.rebuild(at.position);
    expect((await rows()).find((row) => row.key === uscc)).toEqual(entry);
  });

  it('applies an event once however often it is handed over', async () => {
    const runner = new ProjectionRunner(registryProjection, store, pool);
    const events = await store.readAll({ after: 0 });
    const before = await rows();
    await runner.apply(events);
    await runner.apply(events.slice(1, 3));
    expect(await rows()).toEqual(before);
  });
});
