import canonicalize from 'canonicalize';
import type { StoredEvent } from '@ledger/event-store';
import {
  decodeAgencyEvent,
  decodeCycleEvent,
  decodeLedgerEvent,
  gradeTimeline,
  type GradePeriod,
  type TimelineFact,
} from '@ledger/domain';
import type { Projection } from '../projection';

/** A grade period with its system-time range: known from `systemFrom`, superseded at `systemTo`. */
export interface BitemporalPeriod extends GradePeriod {
  systemFrom: string;
  systemTo: string | null;
}

export interface GradeHistoryDoc {
  uscc: string;
  /** The facts the grade depends on, as compact as the timeline needs them. */
  agencyFacts: TimelineFact[];
  cycleFacts: TimelineFact[];
  /** Every period ever known, closed ones included: nothing is overwritten (SQL:2011 style). */
  periods: BitemporalPeriod[];
}

/** The agency facts a grade can depend on: registration, and what may downgrade it. */
const AGENCY_TYPES = [
  'AgencyRegistered',
  'PenaltyImposed',
  'PenaltyFulfilled',
  'CreditFindingRecorded',
  'InspectionRecorded',
  // The deregistration ends the grade in force (seed 000 Art. 24).
  'AgencyDeregistered',
  // A re-evaluation between cycles, published (seed 000 Art. 22, 23).
  'ReevaluationPublished',
];

/** An agency fact as the timeline needs it: an inspection keeps its date and finding codes only. */
function compactAgencyFact(event: StoredEvent): TimelineFact {
  if (event.type === 'AgencyRegistered')
    return timelineFact(event, {
      jurisdiction: (event.data as { jurisdiction: string }).jurisdiction,
      // Beijing Art. 8 counts credit management from the filing's valid date.
      ...((event.data as { filedOn?: string }).filedOn !== undefined && {
        filedOn: (event.data as { filedOn?: string }).filedOn,
      }),
    });
  const { type, data } = decodeAgencyEvent(event);
  if (type === 'InspectionRecorded')
    return timelineFact(event, {
      inspectedAt: data.inspectedAt,
      findings: data.findings.map(({ code }) => ({ code })),
    });
  return timelineFact(event, data);
}
const CYCLE_TYPES = ['GradingCycleStarted', 'GradingCyclePublished', 'ObjectionDecided'];

/**
 * A stored event as the grade timeline reads it: its data decoded to today's shape (ADR 010),
 * or compacted from that.
 */
export const timelineFact = (
  event: StoredEvent,
  data: unknown = decodeLedgerEvent(event).data,
): TimelineFact => ({
  eventId: event.eventId,
  streamId: event.streamId,
  position: event.position,
  type: event.type,
  data,
  occurredAt: event.occurredAt,
  recordedAt: event.recordedAt,
});

/** Keeps of a cycle event only what concerns this agency, so each document stays small. */
function compactCycleFact(uscc: string, event: StoredEvent): TimelineFact {
  const cycle = decodeCycleEvent(event);
  switch (cycle.type) {
    case 'GradingCycleStarted':
      return timelineFact(event, {
        policy: cycle.data.policy,
        cycleId: cycle.data.cycleId,
        year: cycle.data.year,
      });
    case 'GradingCyclePublished':
      return timelineFact(event, {
        publishedOn: cycle.data.publishedOn,
        grades: cycle.data.grades.filter((g) => g.uscc === uscc),
      });
    default:
      return timelineFact(event, cycle.data);
  }
}

/** Same valid-time content. Canonical JSON: a document read back from jsonb has other key order. */
/**
 * A period's canonical form without its system time, once per period object: the comparisons
 * below are every kept period against every computed one, for each event of the agency.
 */
const canonicalForms = new WeakMap<GradePeriod, string>();
const canonicalForm = (period: GradePeriod): string => {
  let form = canonicalForms.get(period);
  if (form === undefined) {
    const { systemFrom: _from, systemTo: _to, ...rest } = period as BitemporalPeriod;
    form = canonicalize(rest) ?? '';
    canonicalForms.set(period, form);
  }
  return form;
};
const samePeriod = (a: GradePeriod, b: GradePeriod) => canonicalForm(a) === canonicalForm(b);

/**
 * Recomputes the agency's valid-time history with the new fact, then closes (in system time)
 * the open periods that no longer hold and opens the new ones, at the fact's recordedAt.
 */
export function evolveGradeHistory(
  doc: GradeHistoryDoc | null,
  uscc: string,
  event: StoredEvent,
): GradeHistoryDoc {
  const current: GradeHistoryDoc = doc ?? { uscc, agencyFacts: [], cycleFacts: [], periods: [] };
  const next: GradeHistoryDoc = AGENCY_TYPES.includes(event.type)
    ? {
        ...current,
        // An inspection without findings can downgrade nothing: the document stays small.
        agencyFacts:
          event.type === 'InspectionRecorded' &&
          (event.data as { findings?: unknown[] }).findings?.length === 0
            ? current.agencyFacts
            : [...current.agencyFacts, compactAgencyFact(event)],
      }
    : { ...current, cycleFacts: [...current.cycleFacts, compactCycleFact(uscc, event)] };

  const now = event.recordedAt;
  const timeline = gradeTimeline(uscc, next.agencyFacts, next.cycleFacts);
  const periods: BitemporalPeriod[] = [];
  for (const period of current.periods) {
    const stillHolds = period.systemTo !== null || timeline.some((p) => samePeriod(p, period));
    if (stillHolds) periods.push(period);
    // Known and superseded at the same instant (one append): never visible, so not kept.
    else if (period.systemFrom !== now) periods.push({ ...period, systemTo: now });
  }
  for (const period of timeline) {
    const known = periods.some((p) => p.systemTo === null && samePeriod(p, period));
    if (!known) periods.push({ ...period, systemFrom: now, systemTo: null });
  }
  return { ...next, periods };
}

/** The published cycle a grade period belongs to: the grade export's row key. */
export interface PeriodCycle {
  cycleId: string;
  year: number;
  publishedOn: string;
}

/**
 * The cycle whose published grade each period is, or corrects: a cycle's publication and an
 * objection upheld after it belong to that cycle; a direct downgrade revokes the grade of the
 * cycle last published for the agency on or before its date (Chongqing Art. 16: 已评定等级的
 * 予以撤销), as a re-evaluation between cycles (Beijing Art. 22, 23) re-grades it, and belongs to none when no cycle had graded the agency yet. Pure, from the facts
 * the document holds, so a rebuild gives the same rows.
 */
export function cyclesOfPeriods(doc: GradeHistoryDoc): (PeriodCycle | null)[] {
  const cycles = new Map<string, { cycleId: string; year: number }>();
  const publications: { streamId: string; publishedOn: string; position: number }[] = [];
  for (const fact of doc.cycleFacts) {
    const data = fact.data as {
      cycleId?: string;
      year?: number;
      publishedOn?: string;
      grades?: unknown[];
    };
    if (fact.type === 'GradingCycleStarted' && data.cycleId && data.year !== undefined)
      cycles.set(fact.streamId, { cycleId: data.cycleId, year: data.year });
    if (fact.type === 'GradingCyclePublished' && data.publishedOn && data.grades?.length)
      publications.push({
        streamId: fact.streamId,
        publishedOn: data.publishedOn,
        position: fact.position,
      });
  }
  const cycleOf = (streamId: string | undefined): PeriodCycle | null => {
    const cycle = streamId === undefined ? undefined : cycles.get(streamId);
    const published = publications.find((p) => p.streamId === streamId);
    if (!cycle || !published) return null;
    return { ...cycle, publishedOn: published.publishedOn };
  };
  return doc.periods.map((period) => {
    // A direct downgrade and a re-evaluation both change the grade the last cycle published.
    if (period.cause !== 'direct-downgrade' && period.cause !== 'reevaluated')
      return cycleOf(doc.cycleFacts.find((f) => f.eventId === period.decidedBy.eventId)?.streamId);
    const revoked = publications
      .filter((p) => p.publishedOn <= period.from)
      .sort((a, b) => a.publishedOn.localeCompare(b.publishedOn) || a.position - b.position)
      .at(-1);
    return cycleOf(revoked?.streamId);
  });
}

const agencyKey = (event: StoredEvent) =>
  event.streamId.startsWith('agency-') ? event.streamId.slice('agency-'.length) : null;

export const gradeHistoryProjection: Projection<GradeHistoryDoc> = {
  name: 'grade-history',
  table: 'grade_history_entries',
  handles: new Set([...AGENCY_TYPES, ...CYCLE_TYPES]),
  keyOf(event) {
    if (AGENCY_TYPES.includes(event.type)) return agencyKey(event);
    const cycle = decodeCycleEvent(event);
    switch (cycle.type) {
      case 'GradingCycleStarted':
        return cycle.data.proposals.map((p) => p.uscc);
      case 'GradingCyclePublished':
        return cycle.data.grades.map((g) => g.uscc);
      case 'ObjectionDecided':
        return cycle.data.uscc;
      default:
        return null;
    }
  },
  evolve: (doc, event, key) => evolveGradeHistory(doc, key, event),
  columns: () => ({}),
  children: {
    table: 'grade_periods',
    rows: (_key, doc) => {
      const cycles = cyclesOfPeriods(doc);
      return doc.periods.map((p, i) => ({
        grade: p.grade,
        score: p.score,
        risk_level: p.riskLevel ?? null,
        valid_from: p.from,
        valid_to: p.to,
        cause: p.cause,
        decided_by_event: p.decidedBy.eventId,
        decided_by_position: p.decidedBy.position,
        policy_id: p.policy.id,
        policy_jurisdiction: p.policy.jurisdiction,
        policy_version: p.policy.version,
        explanation: JSON.stringify(p.explanation),
        system_from: p.systemFrom,
        system_to: p.systemTo,
        cycle_id: cycles[i]?.cycleId ?? null,
        cycle_year: cycles[i]?.year ?? null,
        cycle_published_on: cycles[i]?.publishedOn ?? null,
      }));
    },
  },
};
