/**
 * The national data set of bench:scale (issue 14) is the seed's alone: the same seed gives the
 * same events (ids, times, sealed bytes), another seed another set; and it holds what the
 * benchmark says it holds, late-recorded facts and a refusal now and then among them.
 */
import type { Pool } from 'pg';
import { decodeAgencyEvent, foldAgency } from '@ledger/domain';
import { BulkSealer } from '@ledger/personal-data';
import { agencyHistory, Random } from './scale-data';
import { differences } from './scale-compare';

const sealer = (seed: number) => {
  const random = new Random(seed, 0);
  return new BulkSealer({} as Pool, 'secret', (n) => random.bytes(n));
};

const histories = (seed: number, agencies: number) => {
  const bulk = sealer(seed);
  return Array.from({ length: agencies }, (_, i) => agencyHistory(seed, i, 10, bulk));
};

describe('the bench:scale data set', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = JSON.stringify(histories(42, 20).map((h) => h.appends));
    expect(JSON.stringify(histories(42, 20).map((h) => h.appends))).toBe(a);
    expect(JSON.stringify(histories(43, 20).map((h) => h.appends))).not.toBe(a);
  });

  it('folds back, as stored, to the state the decider reached, with facts recorded late', () => {
    let late = 0;
    let events = 0;
    for (const history of histories(7, 60)) {
      const stored = history.appends.flatMap((append) => append.events);
      events += stored.length;
      const folded = foldAgency(
        stored.map((e) =>
          decodeAgencyEvent({
            type: e.type,
            data: e.data,
            schemaVersion: e.schemaVersion ?? 1,
          }),
        ),
      );
      expect(folded.status).toBe(history.state.status);
      expect(folded.personnel.size).toBe(history.state.personnel.size);
      // A fact recorded after a fact of a later valid time: the stream's order is not valid time.
      for (let i = 1; i < stored.length; i++)
        if (stored[i].occurredAt < stored[i - 1].occurredAt) late++;
    }
    expect(events).toBeGreaterThan(60 * 20);
    expect(late).toBeGreaterThan(0);
  });

  it('never hires one person twice: a clash would be refused by the store as one person, two agencies', () => {
    const hashes = histories(42, 400).flatMap((h) =>
      h.appends.flatMap((a) =>
        a.events.flatMap((e) =>
          e.type === 'PersonnelJoined' ? [(e.data as { idNumberHash: string }).idNumberHash] : [],
        ),
      ),
    );
    expect(hashes.length).toBeGreaterThan(400 * 10);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe('differences between projection snapshots', () => {
  it('names the table and the first row that differ, and nothing when equal', () => {
    const rows = { t: ['{"key": "a"}', '{"key": "b"}'], u: ['{"key": "x"}'] };
    expect(differences(rows, { t: [...rows.t], u: [...rows.u] })).toEqual([]);
    const diff = differences(rows, { t: ['{"key": "a"}', '{"key": "c"}'], u: [...rows.u] });
    expect(diff).toHaveLength(1);
    expect(diff[0]).toMatch(/^t: 2 rows incrementally, 2 rebuilt; first difference at row 1/);
    expect(differences(rows, { t: rows.t, u: [] })[0]).toMatch(
      /^u: 1 rows incrementally, 0 rebuilt/,
    );
  });
});
