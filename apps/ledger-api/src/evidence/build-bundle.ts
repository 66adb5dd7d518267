import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  agencyStreamId,
  BUILT_IN_CALENDAR,
  calendarStreamId,
  cycleIdOf,
  cycleStreamId,
  type CalendarYear,
  type Jurisdiction,
} from '@ledger/domain';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import { verifierKey, type LedgerSigningKey } from '@ledger/event-store/transparency/note';
import { storedInclusionPath } from '@ledger/projections';
import { createCheckpoint, latestCheckpoint } from '../transparency/checkpoints';
import {
  BUNDLE_FORMAT,
  calendarUses,
  calendarYearDigest,
  CYCLE_SELECTION,
  cycleEventsFor,
  PERSONAL_DATA_STATEMENT,
  replayDecision,
  signManifest,
  type EvidenceBundle,
  type EvidenceManifest,
} from './bundle';

/** Earliest year the official calendar (and so any cycle) covers. */
const FIRST_CYCLE_YEAR = 2004;

export interface EvidenceSources {
  store: EventStore;
  pool: Pool;
  key: LedgerSigningKey;
  /** Resolves once the Merkle log holds `position` (the API's runner); absent in the CLI. */
  waitForLog?: (position: number) => Promise<void>;
}

/**
 * An agency's evidence bundle for a decision on `asOf` as known at `knownAt` (ADR 026): its
 * events up to `knownAt`, the cycle events its grade replay reads, the calendar versions they
 * recorded, each with its inclusion proof against a checkpoint that covers them (the latest,
 * or a new one), and the signed manifest.
 */
export async function buildEvidenceBundle(
  { store, pool, key, waitForLog }: EvidenceSources,
  uscc: string,
  asOf: string,
  knownAt: string,
  generatedAt: string,
): Promise<EvidenceBundle> {
  const agency = await store.readStream(agencyStreamId(uscc), { recordedUpTo: knownAt });
  const jurisdiction = await jurisdictionOf(pool, uscc, agency);
  // No cycle can have been recorded after now: a knownAt far ahead reads no more streams.
  const lastYear =
    Math.min(Number(knownAt.slice(0, 4)), new Date(generatedAt).getUTCFullYear()) + 1;
  const cycles = cycleEventsFor(
    uscc,
    (
      await Promise.all(
        Array.from({ length: lastYear - FIRST_CYCLE_YEAR + 1 }, (_, i) =>
          store.readStream(cycleStreamId(cycleIdOf(jurisdiction, FIRST_CYCLE_YEAR + i)), {
            recordedUpTo: knownAt,
          }),
        ),
      )
    ).flat(),
  );
  const uses = calendarUses(cycles);
  const builtIn: CalendarYear[] = [];
  const calendarEvents: StoredEvent[] = [];
  const years: EvidenceManifest['calendar']['years'] = [];
  const wanted = new Map<string, [number, number]>();
  for (const use of uses)
    for (const [year, version] of Object.entries(use.versions))
      wanted.set(`${year}:${version}`, [Number(year), version]);
  for (const [year, version] of [...wanted.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    if (version === 0) {
      const entry = BUILT_IN_CALENDAR.year(year);
      if (!entry) continue;
      builtIn.push(entry);
      years.push({ year, version, source: 'built-in', sha256: calendarYearDigest(entry) });
    } else {
      calendarEvents.push(...(await store.readStream(calendarStreamId(year))).slice(0, version));
      years.push({ year, version, source: 'ledger' });
    }
  }
  const byId = new Map([...agency, ...cycles, ...calendarEvents].map((e) => [e.eventId, e]));
  const events = [...byId.values()].sort((a, b) => a.position - b.position);
  const decision = replayDecision(uscc, jurisdiction, asOf, knownAt, events);

  const last = events.at(-1)?.position ?? 0;
  await waitForLog?.(last);
  const leaves = await leafIndexes(
    pool,
    events.map((e) => e.eventId),
  );
  const missing = events.find((e) => !leaves.has(e.eventId));
  if (missing)
    throw new ServiceUnavailableException({
      statusCode: 503,
      error: 'Service Unavailable',
      message: [`the Merkle log has not taken in event ${missing.eventId} yet: try again`],
    });
  const highest = Math.max(-1, ...leaves.values());
  let checkpoint = await latestCheckpoint(pool);
  if (!checkpoint || checkpoint.treeSize <= highest) checkpoint = await createCheckpoint(pool, key);
  const treeSize = checkpoint.treeSize;
  const inclusionProofs = await Promise.all(
    events.map(async (e) => ({
      eventId: e.eventId,
      leafIndex: leaves.get(e.eventId)!,
      path: (await storedInclusionPath(pool, leaves.get(e.eventId)!, treeSize)).map((p) =>
        p.toString('base64'),
      ),
    })),
  );
  const manifest: EvidenceManifest = {
    format: BUNDLE_FORMAT,
    uscc,
    jurisdiction,
    asOf,
    knownAt,
    generatedAt,
    ledger: { origin: key.name, verifierKey: verifierKey(key) },
    decision,
    policy: decision.policy,
    calendar: { uses, years },
    personalData: PERSONAL_DATA_STATEMENT,
    selection: CYCLE_SELECTION,
    events: events.map((e) => ({
      eventId: e.eventId,
      streamId: e.streamId,
      version: e.version,
      position: e.position,
      type: e.type,
      hash: e.hash,
      leafIndex: leaves.get(e.eventId)!,
    })),
    checkpoint: checkpoint.note,
  };
  return {
    format: BUNDLE_FORMAT,
    manifest,
    signature: signManifest(manifest, key),
    events,
    builtInCalendarYears: builtIn,
    inclusionProofs,
  };
}

async function jurisdictionOf(
  pool: Pool,
  uscc: string,
  agency: StoredEvent[],
): Promise<Jurisdiction> {
  const registered = agency.find((e) => e.type === 'AgencyRegistered');
  if (registered) return (registered.data as { jurisdiction: Jurisdiction }).jurisdiction;
  const { rows } = await pool.query<{ jurisdiction: Jurisdiction }>(
    'SELECT jurisdiction FROM registry_entries WHERE key = $1',
    [uscc],
  );
  if (rows.length === 0)
    throw new NotFoundException({
      statusCode: 404,
      error: 'Not Found',
      message: [`uscc: no agency ${uscc}`],
    });
  return rows[0].jurisdiction;
}

async function leafIndexes(pool: Pool, eventIds: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ event_id: string; idx: string }>(
    `SELECT event_id, idx FROM merkle_log_nodes WHERE level = 0 AND event_id = ANY($1::uuid[])`,
    [eventIds],
  );
  return new Map(rows.map((row) => [row.event_id, Number(row.idx)]));
}
