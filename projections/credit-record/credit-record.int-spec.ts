import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { agencyStreamId, type AgencyEvent } from '@ledger/domain';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { ProjectionRunner } from '../runner';
import { creditRecordProjection, type CreditRecordDocument } from './credit-record.projection';
import { creditRecordAt } from './credit-record.query';
import { HOOK_TIMEOUT_MS } from '../../test/support/timeouts';

const USCC = '91110105MA01ABCD1X';
const on = (date: string) => `${date}T10:00:00+08:00`;
const ev = (event: AgencyEvent, date: string): NewEvent => ({ ...event, occurredAt: on(date) });

const penalty: AgencyEvent = {
  type: 'PenaltyImposed',
  data: {
    decisionNumber: '京环法字〔2026〕12号',
    decidedAt: '2026-03-01',
    violationType: 'untrue-report',
    legalBasis: '《生态环境监测条例》第四十条',
    content: '出具不实监测报告',
    fineYuan: 50000,
    authority: '北京市生态环境局',
  },
};

describe('the credit-record projection', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  let runner: ProjectionRunner<CreditRecordDocument>;
  const append = (...events: NewEvent[]) => store.append(agencyStreamId(USCC), events);
  const rows = async () =>
    (
      await pool.query<Record<string, unknown>>(
        'SELECT * FROM credit_records ORDER BY key, record_event_id',
      )
    ).rows;
  const documents = async () =>
    (await pool.query<{ key: string }>('SELECT * FROM credit_record_entries ORDER BY key')).rows;
  const ids = (answer: { records: { recordEventId: string }[] }) =>
    answer.records.map((r) => r.recordEventId);

  /** System times between appends: each `known.x` is the recordedAt of the append it names. */
  const known: Record<string, string> = {};
  let penaltyId: string;
  let inspectionId: string;
  let lateFindingId: string;

  beforeAll(async () => {
    db = await createTestDatabase('credit_record');
    store = new PostgresEventStore({ connectionString: db.url });
    pool = new Pool({ connectionString: db.url });

    const recorded = await append(
      ev(penalty, '2026-03-01'),
      ev(
        {
          type: 'InspectionRecorded',
          data: { inspectedAt: '2026-03-05', method: 'record-review', findings: [] },
        },
        '2026-03-05',
      ),
      ev(
        {
          type: 'InspectionRecorded',
          data: {
            inspectedAt: '2026-03-10',
            method: 'on-site',
            findings: [{ code: 'record-keeping', description: '原始记录缺失' }],
            measures: ['written-notice'],
          },
        },
        '2026-03-10',
      ),
      ev(
        {
          type: 'ChangeFiledLate',
          data: {
            changedAt: '2026-01-10',
            filedOn: '2026-03-20',
            dueBy: '2026-02-10',
            article: 'beijing-6',
          },
        },
        '2026-03-20',
      ),
    );
    [penaltyId, , inspectionId] = recorded.eventIds;
    known.records = recorded.recordedAt;

    const repair = (repairId: string, recordEventId: string, recordType: string, date: string) =>
      ev(
        {
          type: 'CreditRepairRequested',
          data: { repairId, recordEventId, recordType, reason: '已整改', requestedOn: date },
        },
        date,
      );
    const decision = (
      repairId: string,
      recordEventId: string,
      outcome: 'approved' | 'rejected',
      date: string,
    ) =>
      ev(
        {
          type: 'CreditRepairDecided',
          data: { repairId, recordEventId, outcome, decidedOn: date },
        },
        date,
      );

    known.penaltyRepairRequested = (
      await append(repair('r1', penaltyId, 'PenaltyImposed', '2026-04-01'))
    ).recordedAt;
    known.penaltyRepairDecided = (
      await append(decision('r1', penaltyId, 'approved', '2026-04-10'))
    ).recordedAt;

    // A credit finding decided in February, recorded only now.
    const late = await append(
      ev(
        {
          type: 'CreditFindingRecorded',
          data: { kind: 'credit-bad', article: 'beijing-9-3', decidedAt: '2026-02-01' },
        },
        '2026-02-01',
      ),
    );
    [lateFindingId] = late.eventIds;
    known.lateFinding = late.recordedAt;

    // The inspection finding: a first repair rejected, a second one pending.
    known.inspectionRepairRequested = (
      await append(repair('r2', inspectionId, 'InspectionRecorded', '2026-04-15'))
    ).recordedAt;
    known.inspectionRepairRejected = (
      await append(decision('r2', inspectionId, 'rejected', '2026-04-20'))
    ).recordedAt;
    known.inspectionRepairAgain = (
      await append(repair('r3', inspectionId, 'InspectionRecorded', '2026-05-01'))
    ).recordedAt;

    // Another agency's record stays in its own rows.
    const other = await store.append(agencyStreamId('91110105MA01WXYZ2Y'), [
      ev(penalty, '2026-03-01'),
    ]);

    runner = new ProjectionRunner(creditRecordProjection, store, pool, {
      pollIntervalMs: 10,
      batchSize: 3,
    });
    await runner.start();
    expect(await runner.waitFor(other.position)).toBe(true);
    await runner.stop();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  it('shows a penalty with the public credit platform’s fields, and only inspections with findings', async () => {
    const answer = await creditRecordAt(pool, USCC, '2026-12-31', known.records, 'public');
    expect(answer).toMatchObject({ uscc: USCC, asOf: '2026-12-31', knownAt: known.records });
    expect(answer.records.map((r) => r.kind)).toEqual([
      'penalty',
      'inspection-finding',
      'late-change',
    ]);
    expect(answer.records[0]).toEqual({
      recordEventId: penaltyId,
      kind: 'penalty',
      occurredOn: '2026-03-01',
      recordedAt: known.records,
      summary: penalty.data,
      publiclyDisplayed: true,
      // An untrue report is serious dishonesty: displayed 1 to 3 years (NDRC Order No. 58).
      repairableFrom: '2027-03-01',
      displayUntil: '2029-02-28',
    });
    expect(answer.records[1].summary).toEqual({
      inspectedAt: '2026-03-10',
      method: 'on-site',
      authority: null,
      findings: [{ code: 'record-keeping', description: '原始记录缺失' }],
      measures: ['written-notice'],
    });
    expect(answer).toMatchObject({ penalties: 1, findings: 2 });
  });

  it('takes an approved repair’s record out of public display from the decision date on', async () => {
    const now = known.inspectionRepairAgain;
    const before = await creditRecordAt(pool, USCC, '2026-04-09', now, 'public');
    expect(ids(before)).toContain(penaltyId);
    expect(before.records.find((r) => r.recordEventId === penaltyId)).not.toHaveProperty('repair');

    const from = await creditRecordAt(pool, USCC, '2026-04-10', now, 'public');
    expect(ids(from)).not.toContain(penaltyId);
    expect(from.penalties).toBe(0);

    const full = await creditRecordAt(pool, USCC, '2026-04-10', now, 'full');
    expect(full.records.find((r) => r.recordEventId === penaltyId)).toMatchObject({
      publiclyDisplayed: false,
      repair: {
        repairId: 'r1',
        status: 'approved',
        requestedOn: '2026-04-01',
        decidedOn: '2026-04-10',
      },
    });
    expect(full.penalties).toBe(1);
  });

  it('still displays the record for a later asOf when the approval was not yet known', async () => {
    const pending = await creditRecordAt(
      pool,
      USCC,
      '2026-12-31',
      known.penaltyRepairRequested,
      'full',
    );
    expect(pending.records.find((r) => r.recordEventId === penaltyId)).toMatchObject({
      publiclyDisplayed: true,
      repair: { repairId: 'r1', status: 'pending', decidedOn: null },
    });
    const publicThen = await creditRecordAt(
      pool,
      USCC,
      '2026-12-31',
      known.penaltyRepairRequested,
      'public',
    );
    expect(ids(publicThen)).toContain(penaltyId);

    const beforeRequest = await creditRecordAt(pool, USCC, '2026-12-31', known.records, 'full');
    expect(beforeRequest.records.find((r) => r.recordEventId === penaltyId)?.repair).toBeNull();

    const decided = await creditRecordAt(
      pool,
      USCC,
      '2026-12-31',
      known.penaltyRepairDecided,
      'public',
    );
    expect(ids(decided)).not.toContain(penaltyId);
  });

  it('shows a record recorded late only to a knownAt after it was recorded', async () => {
    for (const asOf of ['2026-02-01', '2026-12-31']) {
      const earlier = await creditRecordAt(pool, USCC, asOf, known.penaltyRepairDecided, 'full');
      expect(ids(earlier)).not.toContain(lateFindingId);
      const later = await creditRecordAt(pool, USCC, asOf, known.lateFinding, 'public');
      expect(ids(later)).toContain(lateFindingId);
    }
    const beforeDecision = await creditRecordAt(
      pool,
      USCC,
      '2026-01-31',
      known.lateFinding,
      'full',
    );
    expect(beforeDecision.records).toEqual([]);
  });

  it('shows each repair of a record as it stood at knownAt', async () => {
    const repairAt = async (knownAt: string) =>
      (await creditRecordAt(pool, USCC, '2026-12-31', knownAt, 'full')).records.find(
        (r) => r.recordEventId === inspectionId,
      )?.repair;
    expect(await repairAt(known.lateFinding)).toBeNull();
    expect(await repairAt(known.inspectionRepairRequested)).toMatchObject({
      repairId: 'r2',
      status: 'pending',
    });
    expect(await repairAt(known.inspectionRepairRejected)).toMatchObject({
      repairId: 'r2',
      status: 'rejected',
      decidedOn: '2026-04-20',
    });
    expect(await repairAt(known.inspectionRepairAgain)).toMatchObject({
      repairId: 'r3',
      status: 'pending',
    });
  });

  it('gives identical rows when rebuilt from position 0', async () => {
    const children = await rows();
    const docs = await documents();
    expect(children).toHaveLength(5);
    expect(docs.map((d) => d.key)).toEqual(['91110105MA01ABCD1X', '91110105MA01WXYZ2Y']);
    await runner.rebuild(await store.headPosition());
    expect(await rows()).toEqual(children);
    expect(await documents()).toEqual(docs);
  });

  it('applies an event once however often it is handed over', async () => {
    const events = await store.readAll({ after: 0 });
    const children = await rows();
    const docs = await documents();
    await runner.apply(events);
    await runner.apply(events.slice(2, 6));
    expect(await rows()).toEqual(children);
    expect(await documents()).toEqual(docs);
  });

  it('refuses a malformed asOf or knownAt, naming it', async () => {
    await expect(creditRecordAt(pool, USCC, '2026-4-1', known.records, 'public')).rejects.toThrow(
      /asOf/,
    );
    await expect(creditRecordAt(pool, USCC, '2026-04-01', 'yesterday', 'public')).rejects.toThrow(
      /knownAt/,
    );
  });

  it('stops displaying each record at its maximum period by itself, and keeps it for regulators', async () => {
    // The inspection finding of 2026-03-10 and the late change are ordinary: 1 year.
    const publicOn = async (asOf: string) =>
      (await creditRecordAt(pool, USCC, asOf, known.records, 'public')).records.map((r) => r.kind);
    expect(await publicOn('2027-03-09')).toEqual(['penalty', 'inspection-finding', 'late-change']);
    expect(await publicOn('2027-03-10')).not.toContain('inspection-finding');
    expect(await publicOn('2029-03-01')).toEqual([]);
    const full = await creditRecordAt(pool, USCC, '2029-03-01', known.records, 'full');
    expect(full.records.map((r) => [r.kind, r.publiclyDisplayed])).toEqual([
      ['penalty', false],
      ['inspection-finding', false],
      ['late-change', false],
    ]);
  });

  it('keeps which host jurisdiction recorded a record (报备, ADR 016); the home’s records say nothing', async () => {
    const reporting = '91110105MA01HOST3Z';
    const hostPenalty: AgencyEvent = {
      type: 'PenaltyImposed',
      data: {
        ...penalty.data,
        decisionNumber: '渝环罚〔2026〕5号',
        recordingJurisdiction: 'chongqing',
      },
    };
    const before = await store.headPosition();
    await store.append(agencyStreamId(reporting), [
      ev(hostPenalty, '2026-03-01'),
      ev(penalty, '2026-03-01'),
    ]);
    await runner.apply(await store.readAll({ after: before }));
    const answer = await creditRecordAt(
      pool,
      reporting,
      '2026-04-01',
      new Date(Date.parse(known.records) + 3_600_000 * 24 * 365).toISOString(),
      'full',
    );
    const byDecision = Object.fromEntries(
      answer.records.map((r) => {
        const summary = r.summary as { decisionNumber: string; recordedIn?: string };
        return [summary.decisionNumber, summary.recordedIn ?? 'home'];
      }),
    );
    expect(byDecision).toEqual({
      '渝环罚〔2026〕5号': 'chongqing',
      '京环法字〔2026〕12号': 'home',
    });
  });
});
