/**
 * Evidence bundles for appeals (ADR 026): one file with an agency's events up to `knownAt`, the
 * calendar years and policy version its grade decision used, the decision with its explanation,
 * the events' inclusion proofs against a signed checkpoint, and a manifest signed with the
 * ledger's Ed25519 key. `verifyBundle` is pure: it needs no database and no server.
 */
import { createHash, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  agencyStreamId,
  calendarStreamId,
  calendarYearOf,
  decodeCycleEvent,
  gradeTimeline,
  objectionReviewDue,
  OfficialCalendar,
  periodAt,
  replayPublicity,
  type CalendarVersions,
  type CalendarYear,
  type GradingCycleStarted,
  type Jurisdiction,
} from '@ledger/domain';
import { eventHash, type StoredEvent } from '@ledger/event-store';
import { eventLeafData, leafHash, verifyInclusion } from '@ledger/event-store/transparency/merkle';
import {
  openCheckpoint,
  parseVerifierKey,
  type LedgerSigningKey,
} from '@ledger/event-store/transparency/note';
import { timelineFact } from '@ledger/projections';
import { gradeAnswer, type GradeAnswer } from '../grading/grading.service';

export const BUNDLE_FORMAT = 'ledger-evidence-bundle/1';
const CYCLE_STREAM_PREFIX = 'grading-cycle-';

/** What the bundle holds about persons, and why (ADR 026), stated in every manifest. */
export const PERSONAL_DATA_STATEMENT =
  'Events are carried exactly as stored, since their hashes cover those bytes: resident ID numbers and phone numbers are AES-256-GCM ciphertexts under per-person keys this bundle does not carry, and persons are matched by keyed hashes (ADR 005). No ID number is in clear; an erased person stays unreadable here too.';

/** One event of the bundle, as the signed manifest lists it. */
export interface ManifestEvent {
  eventId: string;
  streamId: string;
  version: number;
  position: number;
  type: string;
  hash: string;
  leafIndex: number;
}

/** A decision or deadline that was computed with the official calendar, and the versions it used. */
export interface CalendarUse {
  eventId: string;
  type: string;
  versions: CalendarVersions;
}

export interface EvidenceManifest {
  format: typeof BUNDLE_FORMAT;
  uscc: string;
  jurisdiction: Jurisdiction;
  asOf: string;
  knownAt: string;
  generatedAt: string;
  ledger: { origin: string; verifierKey: string };
  decision: GradeAnswer;
  policy: { jurisdiction: string; version: string };
  calendar: {
    uses: CalendarUse[];
    /** Each year version the uses name: from the ledger (events below) or built in (sha256 given). */
    years: { year: number; version: number; source: 'ledger' | 'built-in'; sha256?: string }[];
  };
  personalData: string;
  /** Which cycle events are in the bundle and why. */
  selection: string;
  events: ManifestEvent[];
  /** The C2SP tlog-checkpoint the inclusion proofs lead to. */
  checkpoint: string;
}

export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  manifest: EvidenceManifest;
  /** base64 Ed25519 signature of the RFC 8785 canonical JSON of `manifest`, by the ledger's key. */
  signature: string;
  events: StoredEvent[];
  /** Built-in calendar years (version 0) the decisions used: not ledger events, so carried whole. */
  builtInCalendarYears: CalendarYear[];
  inclusionProofs: { eventId: string; leafIndex: number; path: string[] }[];
}

/** The file's exact bytes: two-space JSON and a final newline (verify-bundle checks the layout). */
export const serializeBundle = (bundle: EvidenceBundle): string =>
  `${JSON.stringify(bundle, null, 2)}\n`;

const canonical = (value: unknown): string => {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not canonicalisable');
  return text;
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const signManifest = (manifest: EvidenceManifest, key: LedgerSigningKey): string =>
  sign(null, Buffer.from(canonical(manifest), 'utf8'), key.privateKey).toString('base64');

/**
 * The cycle events a grade replay reads, and nothing of other agencies beyond it: every start
 * (its policy, its dates, everyone's proposals, which were publicly displayed) and publication
 * (published grades), and this agency's own objections and their decisions. Other agencies'
 * objections (their reasons are not public) are left out; each event carried is proved on its
 * own by its hash and its inclusion proof.
 */
export function cycleEventsFor(uscc: string, events: readonly StoredEvent[]): StoredEvent[] {
  return events.filter(
    (e) =>
      e.type === 'GradingCycleStarted' ||
      e.type === 'GradingCyclePublished' ||
      ((e.type === 'ObjectionFiled' || e.type === 'ObjectionDecided') &&
        (e.data as { uscc?: string }).uscc === uscc),
  );
}

export const CYCLE_SELECTION =
  'grading-cycle events: every GradingCycleStarted and GradingCyclePublished, and the ObjectionFiled/ObjectionDecided of this agency only';

/** The calendar each cycle start and own objection used (ADR 008: recorded on the event). */
export function calendarUses(cycleEvents: readonly StoredEvent[]): CalendarUse[] {
  return cycleEvents.flatMap((e) => {
    const versions = (e.data as { calendar?: CalendarVersions }).calendar;
    return (e.type === 'GradingCycleStarted' || e.type === 'ObjectionFiled') && versions
      ? [{ eventId: e.eventId, type: e.type, versions }]
      : [];
  });
}

/** The grade decision replayed from the bundle's events alone, exactly as the API answers it. */
export function replayDecision(
  uscc: string,
  jurisdiction: Jurisdiction,
  asOf: string,
  knownAt: string,
  events: readonly StoredEvent[],
): GradeAnswer {
  const byPosition = [...events].sort((a, b) => a.position - b.position);
  const agency = byPosition.filter((e) => e.streamId === agencyStreamId(uscc));
  const cycles = byPosition.filter((e) => e.streamId.startsWith(CYCLE_STREAM_PREFIX));
  const periods = gradeTimeline(
    uscc,
    agency.map((e) => timelineFact(e)),
    cycles.map((e) => timelineFact(e)),
  );
  return gradeAnswer(uscc, jurisdiction, asOf, knownAt, periodAt(periods, asOf));
}

/** The official calendar at the versions a decision recorded, from the bundle alone. */
export function calendarAt(
  versions: CalendarVersions,
  events: readonly StoredEvent[],
  builtIn: readonly CalendarYear[],
): OfficialCalendar {
  const years: CalendarYear[] = [];
  for (const [key, version] of Object.entries(versions)) {
    const year = Number(key);
    if (version === 0) {
      const found = builtIn.find((y) => y.year === year);
      if (found) years.push(found);
      continue;
    }
    const recorded = events
      .filter((e) => e.streamId === calendarStreamId(year))
      .sort((a, b) => a.version - b.version)
      .slice(0, version);
    const entry =
      recorded.length === version ? calendarYearOf(year, recorded, undefined) : undefined;
    if (entry) years.push(entry);
  }
  return new OfficialCalendar(years);
}

export interface BundleFailure {
  /** Where in the file: a byte offset, or the JSON path of the part that fails. */
  where: string;
  reason: string;
}

export interface BundleVerification {
  ok: boolean;
  failures: BundleFailure[];
  uscc?: string;
  asOf?: string;
  knownAt?: string;
  decision?: {
    grade: string;
    policy: { jurisdiction: string; version: string };
    effectiveFrom: string | null;
    rules: { rule: string; article: string; facts: string[] }[];
  };
  calendar?: { eventId: string; what: string; recorded: string | null; replayed: string | null }[];
  checkpoint?: { origin: string; treeSize: number; rootHash: string };
  events?: number;
}

/** Where character `index` of the file is: its byte offset, and its line and column for an editor. */
function lineOf(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `byte ${Buffer.byteLength(before)} (line ${line}, column ${index - before.lastIndexOf('\n')})`;
}

/**
 * Verifies a bundle file offline: its layout byte for byte, the manifest's signature (by the
 * `trustedKey` when given, else the key the manifest names), the checkpoint's signature, every
 * event's hash and stream links, every inclusion proof, the built-in calendar years; then it
 * replays the decision and the calendar deadlines from the bundle alone and compares.
 */
export function verifyBundle(text: string, trustedKey?: string): BundleVerification {
  const failures: BundleFailure[] = [];
  const fail = (where: string, reason: string) => failures.push({ where, reason });
  let bundle: EvidenceBundle;
  try {
    bundle = JSON.parse(text) as EvidenceBundle;
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    fail(at ? lineOf(text, Number(at[1])) : 'file', `not JSON: ${message}`);
    return { ok: false, failures };
  }
  if (typeof bundle !== 'object' || bundle === null || bundle.format !== BUNDLE_FORMAT) {
    fail('format', `not an evidence bundle (${BUNDLE_FORMAT})`);
    return { ok: false, failures };
  }
  let layout: string;
  try {
    layout = serializeBundle(bundle);
  } catch {
    layout = '';
  }
  if (layout !== text) {
    let i = 0;
    while (i < text.length && text[i] === layout[i]) i++;
    fail(
      lineOf(text, i),
      'the file differs from the layout the ledger wrote (a byte was changed, added or removed here)',
    );
  }
  const { manifest } = bundle;
  const events = Array.isArray(bundle.events) ? bundle.events : [];
  try {
    const verifier = parseVerifierKey(trustedKey ?? manifest.ledger.verifierKey);
    if (trustedKey !== undefined && trustedKey.trim() !== manifest.ledger.verifierKey)
      fail('manifest.ledger.verifierKey', 'the bundle names another key than the one trusted');
    const signed = verify(
      null,
      Buffer.from(canonical(manifest), 'utf8'),
      verifier.publicKey,
      Buffer.from(String(bundle.signature), 'base64'),
    );
    if (!signed)
      fail(
        'signature',
        "the manifest's signature does not verify: the manifest or the signature was changed",
      );
    const opened = openCheckpoint(String(manifest.checkpoint), verifier);
    if (!opened.ok) {
      fail('manifest.checkpoint', opened.reason);
    } else {
      const { checkpoint } = opened;
      verifyEvents(bundle, events, checkpoint, fail);
      const result: BundleVerification = {
        ok: false,
        failures,
        uscc: manifest.uscc,
        asOf: manifest.asOf,
        knownAt: manifest.knownAt,
        checkpoint: {
          origin: checkpoint.origin,
          treeSize: checkpoint.treeSize,
          rootHash: checkpoint.rootHash.toString('base64'),
        },
        events: events.length,
        ...replay(bundle, events, fail),
      };
      result.ok = failures.length === 0;
      return result;
    }
  } catch (error) {
    fail('manifest', `cannot be read: ${(error as Error).message}`);
  }
  return { ok: false, failures };
}

function verifyEvents(
  bundle: EvidenceBundle,
  events: StoredEvent[],
  checkpoint: { treeSize: number; rootHash: Buffer },
  fail: (where: string, reason: string) => void,
): void {
  const listed = bundle.manifest.events;
  if (listed.length !== events.length)
    fail(
      'events',
      `the manifest lists ${listed.length} events and the bundle holds ${events.length}`,
    );
  const proofs = new Map(bundle.inclusionProofs.map((p, i) => [p.eventId, { ...p, i }]));
  events.forEach((event, i) => {
    const where = `events[${i}] (${event.streamId} v${event.version}, ${event.eventId})`;
    if (eventHash(event) !== event.hash)
      fail(where, 'its fields do not hash to its hash: the event was changed');
    const entry = listed[i];
    if (
      !entry ||
      entry.eventId !== event.eventId ||
      entry.hash !== event.hash ||
      entry.streamId !== event.streamId ||
      entry.version !== event.version ||
      entry.position !== event.position
    ) {
      fail(where, `it is not the event manifest.events[${i}] lists`);
      return;
    }
    const proof = proofs.get(event.eventId);
    if (!proof || proof.leafIndex !== entry.leafIndex) {
      fail(where, 'no inclusion proof for it');
      return;
    }
    const ok = verifyInclusion(
      entry.leafIndex,
      checkpoint.treeSize,
      leafHash(eventLeafData(event.hash)),
      proof.path.map((p) => Buffer.from(p, 'base64')),
      checkpoint.rootHash,
    );
    if (!ok)
      fail(
        `inclusionProofs[${proof.i}] (${event.eventId})`,
        `does not prove the event is leaf ${entry.leafIndex} of checkpoint ${checkpoint.treeSize}`,
      );
  });
  // Within each stream, consecutive versions link by prevHash; the agency's stream is whole.
  const streams = new Map<string, StoredEvent[]>();
  for (const event of events)
    streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  for (const [streamId, list] of streams) {
    list.sort((a, b) => a.version - b.version);
    list.forEach((event, i) => {
      const previous = list[i - 1];
      if (previous && previous.version + 1 === event.version && event.prevHash !== previous.hash)
        fail(
          `${streamId} v${event.version}`,
          'its prevHash is not the hash of the event before it',
        );
      if (streamId === agencyStreamId(bundle.manifest.uscc) && event.version !== i + 1)
        fail(
          `${streamId} v${event.version}`,
          `the agency's stream is not whole: version ${i + 1} is missing`,
        );
    });
  }
  bundle.manifest.calendar.years
    .filter((y) => y.source === 'built-in')
    .forEach((y) => {
      const carried = bundle.builtInCalendarYears.find((c) => c.year === y.year);
      if (!carried || sha256(canonical(carried)) !== y.sha256)
        fail(`builtInCalendarYears (${y.year})`, 'not the built-in year the manifest signed');
    });
}

function replay(
  bundle: EvidenceBundle,
  events: StoredEvent[],
  fail: (where: string, reason: string) => void,
): Pick<BundleVerification, 'decision' | 'calendar'> {
  const { manifest } = bundle;
  let decision: GradeAnswer;
  try {
    decision = replayDecision(
      manifest.uscc,
      manifest.jurisdiction,
      manifest.asOf,
      manifest.knownAt,
      events,
    );
  } catch (error) {
    fail('events', `the decision cannot be replayed from them: ${(error as Error).message}`);
    return {};
  }
  if (canonical(decision) !== canonical(manifest.decision))
    fail(
      'manifest.decision',
      `the decision replayed from the events (${decision.grade}) is not the one recorded (${manifest.decision.grade})`,
    );
  const calendar: NonNullable<BundleVerification['calendar']> = [];
  const starts = new Map<string, GradingCycleStarted['data']>();
  for (const event of [...events].sort((a, b) => a.position - b.position)) {
    if (!event.streamId.startsWith(CYCLE_STREAM_PREFIX)) continue;
    const decoded = decodeCycleEvent(event);
    if (decoded.type === 'GradingCycleStarted') {
      starts.set(event.streamId, decoded.data);
      if (!decoded.data.calendar) continue;
      const replayed = replayPublicity(
        decoded.data,
        calendarAt(decoded.data.calendar, events, bundle.builtInCalendarYears),
      );
      calendar.push(
        {
          eventId: event.eventId,
          what: 'publicityEndsOn',
          recorded: decoded.data.publicityEndsOn,
          replayed: replayed.publicityEndsOn,
        },
        {
          eventId: event.eventId,
          what: 'objectionWindowEndsOn',
          recorded: decoded.data.objectionWindowEndsOn,
          replayed: replayed.objectionWindowEndsOn,
        },
      );
    } else if (decoded.type === 'ObjectionFiled' && decoded.data.calendar) {
      const started = starts.get(event.streamId);
      if (!started) continue;
      const replayed = objectionReviewDue(
        started,
        decoded.data.filedOn,
        calendarAt(decoded.data.calendar, events, bundle.builtInCalendarYears),
      );
      calendar.push({
        eventId: event.eventId,
        what: 'reviewDueOn',
        recorded: decoded.data.reviewDueOn,
        replayed: replayed.reviewDueOn,
      });
    }
  }
  for (const check of calendar)
    if (check.recorded !== check.replayed)
      fail(
        `calendar (${check.eventId})`,
        `${check.what} replays to ${check.replayed}, recorded ${check.recorded}`,
      );
  return {
    decision: {
      grade: decision.grade,
      policy: decision.policy,
      effectiveFrom: decision.effectiveFrom,
      rules: decision.explanation,
    },
    calendar,
  };
}

/** What the built-in year's sha256 in the manifest is taken over. */
export const calendarYearDigest = (year: CalendarYear): string => sha256(canonical(year));
