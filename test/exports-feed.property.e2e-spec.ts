/**
 * Property (issue 13 item 4, ADR 029): a credit platform that applies the incremental exports
 * in order — upsert on 公示, delete on 停止公示, each export from the position the previous one
 * answered — holds exactly what the ledger publicly displays at the last export's asOf. Random
 * histories (penalties, credit findings, inspections with and without findings, repairs,
 * approvals of a pending agency, deregistrations, changes of name and legal representative
 * dated back over records already sent, approved or returned) with exports at random points
 * and random asOf dates, forward and back, in both CSV and NDJSON. And what it holds is what a
 * platform starting afresh at that point is sent, field for field (ADR 030: a record whose
 * party changed is sent again as 更新).
 */
import fc from 'fast-check';
import request from 'supertest';
import type { App } from 'supertest/types';
import { parse } from 'csv-parse/sync';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { approvedAgency, newUscc, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

/** The ledger's today for this test: every valid date of the histories is before it. */
const TODAY = '2029-12-31';

type Op =
  | { kind: 'penalty'; agency: number; fraud: boolean }
  | { kind: 'finding'; agency: number }
  | { kind: 'inspect'; agency: number; findings: boolean }
  | { kind: 'repair'; agency: number; pick: number }
  | { kind: 'approve' }
  | { kind: 'deregister'; agency: number }
  | {
      kind: 'change';
      agency: number;
      field: 'name' | 'legalRepresentative';
      /** Days before the filing that the change happened (over a month: filed late). */
      back: number;
      approved: boolean;
    }
  | { kind: 'export'; ahead: number; format: 'csv' | 'ndjson' };

const agencyArb = fc.integer({ min: 0, max: 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('penalty' as const),
      agency: agencyArb,
      fraud: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('finding' as const), agency: agencyArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('inspect' as const),
      agency: agencyArb,
      findings: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('repair' as const),
      agency: agencyArb,
      pick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'approve' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deregister' as const), agency: agencyArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('change' as const),
      agency: agencyArb,
      field: fc.constantFrom('name' as const, 'legalRepresentative' as const),
      back: fc.integer({ min: 0, max: 120 }),
      approved: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('export' as const),
      ahead: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
      format: fc.constantFrom('csv' as const, 'ndjson' as const),
    }),
  },
);

const historyArb = fc.array(fc.tuple(opArb, fc.integer({ min: 1, max: 75 })), {
  minLength: 8,
  maxLength: 22,
});

const DAY = 86_400_000;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);

/**
 * A row as a platform keeps it: every field but what it was told to do with it, as text (CSV
 * has no null and no numbers).
 */
const content = ({ 变更类型: _change, ...fields }: Row) =>
  Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, String(value ?? '')]));

type Row = Record<string, string | number | null>;

/** A credit platform: the rows it holds, by record id, and where its last export reached. */
class Platform {
  readonly rows = new Map<string, Row>();
  cursor = '0';
  asOf = '';
  readonly problems: string[] = [];

  apply(rows: Row[], header: string | undefined): void {
    const trailer = rows.at(-1);
    if (trailer?.['变更类型'] !== '导出位置') this.problems.push('no trailer row');
    for (const row of rows.slice(0, -1)) {
      const id = String(row['记录标识']);
      if (row['变更类型'] === '公示') {
        if (this.rows.has(id)) this.problems.push(`published twice: ${id}`);
        this.rows.set(id, row);
      } else if (row['变更类型'] === '更新') {
        if (!this.rows.has(id)) this.problems.push(`updated but never published: ${id}`);
        this.rows.set(id, row);
      } else if (row['变更类型'] === '停止公示') {
        if (!this.rows.delete(id)) this.problems.push(`withdrawn but never published: ${id}`);
      } else this.problems.push(`unknown change ${String(row['变更类型'])}`);
    }
    this.cursor = String(trailer?.['导出位置']);
    if (header !== this.cursor) this.problems.push(`header ${header} ≠ trailer ${this.cursor}`);
  }
}

function parseExport(text: string, format: 'csv' | 'ndjson'): Row[] {
  if (format === 'ndjson')
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Row);
  return parse(text, { bom: true, columns: true }) as Row[];
}

describe('property: incremental exports applied in order equal the public view', () => {
  let t: TestApp;
  let http: App;
  const auditor = bearer(actors.auditor);
  /** Every agency of every run: the platforms receive them all. */
  const agencies: string[] = [];
  /** Inspections recorded: [eventId, uscc, inspectedAt]. */
  const inspections: [string, string, string][] = [];
  /** Agencies whose entry is public (approved, or deregistered). */
  const published = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp('exports_feed_property', {
      clock: { now: () => new Date(`${TODAY}T04:00:00.000Z`) },
    });
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t?.close(), HOOK_TIMEOUT_MS);

  /** What the ledger shows the public on `asOf`: every agency's public credit record. */
  async function publicView(asOf: string) {
    const penalties = new Set<string>();
    const findings = new Set<string>();
    for (const uscc of agencies) {
      const res = await request(http).get(`/api/v1/agencies/${uscc}/credit-record?asOf=${asOf}`);
      if (res.status === 404) continue;
      expect(res.status).toBe(200);
      for (const record of (res.body as { records: { recordEventId: string; kind: string }[] })
        .records)
        (record.kind === 'penalty' ? penalties : findings).add(record.recordEventId);
    }
    const inspected = new Set(
      inspections.filter(([, uscc, on]) => published.has(uscc) && on <= asOf).map(([id]) => id),
    );
    return { penalties, findings, inspected };
  }

  it('for random histories and export points, the platform holds what the ledger displays', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        run += 1;
        const home = await approvedAgency(http, 'beijing');
        const pending = newUscc('chongqing');
        await request(http)
          .post('/api/v1/agencies')
          .set('Authorization', bearer(actors.agency(pending)))
          .send({
            ...registrationBody(pending, {
              jurisdiction: 'chongqing',
              name: `重庆待审监测${pending.slice(10, 14)}`,
              commitment: { signedBy: '王明', signedAt: '2025-01-06' },
            }),
            occurredAt: '2025-01-06',
          })
          .expect(201);
        agencies.push(home, pending);
        published.add(home);
        const mine = [home, pending];
        const jurisdictionOf = (uscc: string) => (uscc === home ? 'beijing' : 'chongqing');
        const records: Record<string, string[]> = { [home]: [], [pending]: [] };
        const platforms = {
          penalties: new Platform(),
          'credit-findings': new Platform(),
          inspections: new Platform(),
        };
        let on = '2025-02-01';
        let step = 0;

        const command = async (path: string, token: string, body: object, date: string) => {
          const res = await request(http)
            .post(path)
            .set('Authorization', token)
            .send({ ...body, occurredAt: date });
          expect(res.status).toBeLessThan(500);
          return res;
        };

        const exportAll = async (asOf: string, format: 'csv' | 'ndjson') => {
          for (const [what, platform] of Object.entries(platforms)) {
            const res = await request(http)
              .get(`/api/v1/exports/${what}`)
              .query({
                since: platform.cursor,
                asOf,
                format,
                ...(what === 'penalties' && { layout: 'necips' }),
              })
              .set('Authorization', auditor)
              .expect(200);
            platform.apply(parseExport(res.text, format), res.headers['x-ledger-position']);
            platform.asOf = asOf;
          }
          const view = await publicView(asOf);
          for (const platform of Object.values(platforms)) expect(platform.problems).toEqual([]);
          // Field for field what a platform starting afresh at that point is sent.
          for (const [what, platform] of Object.entries(platforms)) {
            const res = await request(http)
              .get(`/api/v1/exports/${what}`)
              .query({
                since: '0',
                asOf,
                format: 'ndjson',
                ...(what === 'penalties' && { layout: 'necips' }),
              })
              .set('Authorization', auditor)
              .expect(200);
            const afresh = new Platform();
            afresh.apply(parseExport(res.text, 'ndjson'), res.headers['x-ledger-position']);
            const fields = (rows: Map<string, Row>) =>
              Object.fromEntries(
                [...rows]
                  .map(([id, row]) => [id, content(row)] as const)
                  .sort(([a], [b]) => a.localeCompare(b)),
              );
            expect(fields(platform.rows)).toEqual(fields(afresh.rows));
          }
          expect([...platforms.penalties.rows.keys()].sort()).toEqual([...view.penalties].sort());
          expect([...platforms['credit-findings'].rows.keys()].sort()).toEqual(
            [...view.findings].sort(),
          );
          expect([...platforms.inspections.rows.keys()].sort()).toEqual([...view.inspected].sort());
        };

        for (const [op, days] of history) {
          on = min(addDays(on, days), TODAY);
          step += 1;
          const uscc = 'agency' in op ? mine[op.agency] : pending;
          const regulator = regulatorOf(jurisdictionOf(uscc));
          switch (op.kind) {
            case 'penalty': {
              const res = await command(
                `/api/v1/agencies/${uscc}/penalties`,
                regulator,
                {
                  decisionNumber: `罚〔${on}〕${uscc.slice(-6)}-${run}-${step}号`,
                  decidedAt: on,
                  violationType: op.fraud ? 'data-fraud' : 'other',
                  legalBasis: '《生态环境监测条例》',
                  content: '罚款',
                  fineYuan: 10000,
                },
                on,
              );
              if (res.status === 201)
                records[uscc].push((res.body as { eventIds: string[] }).eventIds[0]);
              break;
            }
            case 'finding': {
              const res = await command(
                `/api/v1/agencies/${uscc}/credit-findings`,
                regulator,
                { kind: 'credit-bad', article: `${jurisdictionOf(uscc)}-9`, decidedAt: on },
                on,
              );
              if (res.status === 201)
                records[uscc].push((res.body as { eventIds: string[] }).eventIds[0]);
              break;
            }
            case 'inspect': {
              const res = await command(
                `/api/v1/agencies/${uscc}/inspections`,
                regulator,
                {
                  inspectedAt: on,
                  method: 'on-site',
                  findings: op.findings ? [{ code: 'record-keeping' }] : [],
                },
                on,
              );
              if (res.status === 201) {
                const id = (res.body as { eventIds: string[] }).eventIds[0];
                inspections.push([id, uscc, on]);
                if (op.findings) records[uscc].push(id);
              }
              break;
            }
            case 'repair': {
              const record = records[uscc][op.pick % Math.max(1, records[uscc].length)];
              if (record === undefined) break;
              const asked = await command(
                `/api/v1/agencies/${uscc}/credit-repairs`,
                bearer(actors.agency(uscc)),
                { recordEventId: record, reason: '已整改' },
                on,
              );
              if (asked.status !== 201) break;
              await command(
                `/api/v1/credit-repairs/${(asked.body as { repairId: string }).repairId}/decision`,
                regulator,
                { outcome: 'approved' },
                on,
              );
              break;
            }
            case 'approve': {
              const res = await command(
                `/api/v1/agencies/${pending}/review`,
                regulatorOf('chongqing'),
                { outcome: 'approved' },
                on,
              );
              if (res.status === 201) published.add(pending);
              break;
            }
            case 'deregister': {
              const res = await command(
                `/api/v1/agencies/${uscc}/deregistration`,
                bearer(actors.agency(uscc)),
                { reason: 'voluntary' },
                on,
              );
              if (res.status === 201) published.add(uscc);
              break;
            }
            case 'change': {
              // Renamed, or a new legal representative, from `back` days before the filing
              // (never before the registration); then reviewed, where the agency is registered.
              const changedAt = max(addDays(on, -op.back), '2025-01-06');
              const changes =
                op.field === 'name'
                  ? { name: `更名监测${uscc.slice(10, 14)}-${step}` }
                  : { legalRepresentative: { name: `代表${step}` } };
              const filed = await command(
                `/api/v1/agencies/${uscc}/changes`,
                bearer(actors.agency(uscc)),
                { changes, changedAt, commitment: { signedBy: '李华', signedAt: on } },
                on,
              );
              if (filed.status !== 201 || !published.has(uscc)) break;
              await command(
                `/api/v1/agencies/${uscc}/review`,
                regulator,
                op.approved ? { outcome: 'approved' } : { outcome: 'returned', reason: '材料不全' },
                on,
              );
              break;
            }
            case 'export':
              await exportAll(min(addDays(on, op.ahead), TODAY), op.format);
              break;
          }
        }
        // The last export, at the end of the ledger's time: what is still shown then.
        await exportAll(TODAY, 'ndjson');
      }),
      {
        numRuns: Number(process.env.FEED_RUNS ?? 6),
        seed: process.env.FEED_SEED ? Number(process.env.FEED_SEED) : undefined,
      },
    );
    // Six histories of up to 22 steps over HTTP, each export point compared with a first
    // export too: past the default bound on a loaded machine, as valid-time.property's.
  }, 600_000);
});
