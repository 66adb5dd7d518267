/**
 * ADR 010 end to end: a PenaltyImposed written as v1 by today's decider, stored and read back
 * by the PostgreSQL event store, decoded by an agency decode point that has moved on to a v2
 * of the penalty (API.md v1.1's `categories` and `dueBy`), grades exactly as the same penalty
 * written in v2 form does, and as it grades today.
 */
import { randomUUID } from 'node:crypto';
import {
  AGENCY_EVENT_SCHEMA,
  agencyStreamId,
  BUILT_IN_CALENDAR,
  decide,
  decodeAgencyEvent,
  eventDecoder,
  foldAgency,
  gradeTimeline,
  upcaster,
  type AgencyCommand,
  type AgencyEvent,
  type EventSchema,
  type PenaltyImposed,
  type TimelineFact,
} from '@ledger/domain';
import { PostgresEventStore, type NewEvent, type StoredEvent } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from './support/database';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

/** 处罚类别 (API.md v1.1). */
type PenaltyCategory =
  'warning' | 'fine' | 'confiscation' | 'suspension' | 'licence-revocation' | 'other';
type PenaltyImposedV1 = PenaltyImposed['data'];
/** The v2 a later release would write: what v1 said, plus the categories and the deadline. */
interface PenaltyImposedV2 extends Omit<PenaltyImposedV1, 'dueBy'> {
  categories: PenaltyCategory[];
  /** Fulfilment deadline; null where the decision set none or (v1) it was not recorded. */
  dueBy: string | null;
}
type AgencyEventV2 =
  | Exclude<AgencyEvent, { type: 'PenaltyImposed' }>
  | { type: 'PenaltyImposed'; data: PenaltyImposedV2 };

/** A v1 penalty says only whether a fine was imposed; nothing of a deadline. */
const penaltyV1ToV2 = upcaster<PenaltyImposedV1, PenaltyImposedV2>((v1) => ({
  ...v1,
  categories: v1.fineYuan !== undefined && v1.fineYuan > 0 ? ['fine'] : [],
  dueBy: null,
}));

const AGENCY_SCHEMA_V2: EventSchema<AgencyEventV2> = {
  ...AGENCY_EVENT_SCHEMA,
  current: { ...AGENCY_EVENT_SCHEMA.current, PenaltyImposed: 2 },
  upcasters: { ...AGENCY_EVENT_SCHEMA.upcasters, PenaltyImposed: { 1: penaltyV1ToV2 } },
};
const decodeV2 = eventDecoder(AGENCY_SCHEMA_V2);

const USCC = '91110000802100433B';
const calendar = BUILT_IN_CALENDAR;

/** The agency's history as today's decider writes it: registered, approved, two penalties. */
function historyV1(): AgencyEvent[] {
  const commands: AgencyCommand[] = [
    {
      type: 'RegisterAgency',
      on: '2026-01-05',
      calendar,
      data: {
        uscc: USCC,
        jurisdiction: 'beijing',
        name: '北京环测科技有限公司',
        category: 'comprehensive',
        serviceTypes: ['self-monitoring'],
        legalRepresentative: { name: '王明' },
        commitment: { signedBy: '王明', signedAt: '2026-01-05' },
        codeVerified: true,
      },
    },
    { type: 'ReviewRegistration', on: '2026-01-08', calendar, outcome: 'approved' },
    {
      type: 'ImposePenalty',
      on: '2026-02-10',
      calendar,
      data: {
        decisionNumber: '京环罚〔2026〕12号',
        decidedAt: '2026-02-10',
        violationType: 'other',
        legalBasis: '《生态环境监测条例》第三十条',
        content: '责令改正，罚款',
        fineYuan: 30000,
      },
    },
    {
      type: 'ImposePenalty',
      on: '2026-03-01',
      calendar,
      data: {
        decisionNumber: '京环罚〔2026〕31号',
        decidedAt: '2026-03-01',
        violationType: 'data-fraud',
        legalBasis: '《环境监测数据弄虚作假行为判定及处理办法》第四条',
        content: '篡改监测数据',
      },
    },
  ];
  const events: AgencyEvent[] = [];
  for (const command of commands) events.push(...decide(command, foldAgency(events)));
  return events;
}

describe('a v1 PenaltyImposed read through a v2 decode point (ADR 010)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('upcast');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await store.close();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  /** Appends the history one event per command, penalties in the given schema version. */
  async function record(streamId: string, penalty: (e: AgencyEvent) => NewEvent) {
    for (const event of historyV1()) {
      await store.append(streamId, [
        event.type === 'PenaltyImposed'
          ? penalty(event)
          : { type: event.type, data: event.data, occurredAt: '2026-03-02T10:00:00+08:00' },
      ]);
    }
    return store.readStream(streamId);
  }

  const facts = (stored: StoredEvent[], decode: (e: StoredEvent) => { data: unknown }) =>
    stored.map((e): TimelineFact => ({
      eventId: e.eventId,
      streamId: agencyStreamId(USCC),
      position: e.position,
      type: e.type,
      data: decode(e).data,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
    }));
  /** Periods without the event ids and positions, which differ between the two streams. */
  const grades = (stored: StoredEvent[], decode: (e: StoredEvent) => { data: unknown }) =>
    gradeTimeline(USCC, facts(stored, decode), []).map(
      ({ decidedBy: _d, explanation, ...period }) => ({
        ...period,
        explanation: explanation.map(({ facts: _f, ...rest }) => rest),
      }),
    );

  it('upcasts the stored v1 event to the v2 shape, and grades the same as the v2 form and as today', async () => {
    const v1 = await record(`agency-v1-${randomUUID()}`, (e) => ({
      type: e.type,
      data: e.data,
      occurredAt: '2026-03-02T10:00:00+08:00',
    }));
    const v2 = await record(`agency-v2-${randomUUID()}`, (e) => ({
      type: e.type,
      schemaVersion: 2,
      data: penaltyV1ToV2(e.data, { type: e.type, schemaVersion: 1, data: e.data }),
      occurredAt: '2026-03-02T10:00:00+08:00',
    }));

    const storedPenalties = v1.filter((e) => e.type === 'PenaltyImposed');
    expect(storedPenalties.map((e) => e.schemaVersion)).toEqual([1, 1]);
    expect(storedPenalties[0].data).not.toHaveProperty('categories');
    expect(storedPenalties.map((e) => decodeV2(e))).toEqual([
      {
        type: 'PenaltyImposed',
        data: { ...storedPenalties[0].data!, categories: ['fine'], dueBy: null },
      },
      {
        type: 'PenaltyImposed',
        data: { ...storedPenalties[1].data!, categories: [], dueBy: null },
      },
    ]);
    expect(v2.filter((e) => e.type === 'PenaltyImposed').map((e) => e.schemaVersion)).toEqual([
      2, 2,
    ]);

    const throughV2 = grades(v1, decodeV2);
    expect(throughV2).toEqual([
      expect.objectContaining({ grade: 'D', from: '2026-03-01', cause: 'direct-downgrade' }),
    ]);
    expect(grades(v2, decodeV2)).toEqual(throughV2);
    expect(grades(v1, decodeAgencyEvent)).toEqual(throughV2);
    // The state folded from either stream is the same too.
    expect(foldAgency(v2.map(decodeV2) as AgencyEvent[])).toEqual(
      foldAgency(v1.map(decodeAgencyEvent)),
    );
  });
});
