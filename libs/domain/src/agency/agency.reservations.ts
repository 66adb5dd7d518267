import { ConflictError } from '../shared/errors';
import { isEngaged, type AgencyState } from './agency';
import type { AgencyEvent } from './agency.events';

/**
 * One person, one agency (seed 002 §三, national-faq-3) spans agency streams, so the event
 * store keeps it (ADR 005): a hire claims the person's identity hash for the agency's stream, a
 * departure releases it. These are the values an agency's new events claim and release, in
 * the shape of the event store's `claim` and `release` options.
 */
export const PERSON_SCOPE = 'person';
/**
 * A penalty decision number (行政处罚决定书文号) is one decision: recorded once in a
 * jurisdiction, whichever agency it is filed against (issue 13: a second penalty with the same
 * number was exported twice). The key is the jurisdiction and the number; neither is personal.
 */
export const PENALTY_DECISION_SCOPE = 'penalty-decision';

/**
 * One USCC, one registration (seed 002 §七.1): a registration claims its code, and a
 * correction of the code (§七.2) claims the corrected one and gives up the one it corrects,
 * so that no agency can register under a code another record answers to (ADR 018). Codes
 * are public, not personal.
 */
export const USCC_SCOPE = 'uscc';

export const penaltyDecisionKey = (jurisdiction: string, decisionNumber: string): string =>
  `${jurisdiction}:${decisionNumber.trim()}`;

export interface PersonReservations {
  claim: { scope: string; key: string; holder: { uscc: string } }[];
  release: { scope: string; key: string }[];
}

/** What `events`, decided on `state`, claim and release for the agency `uscc`. */
export function personReservations(
  uscc: string,
  events: readonly AgencyEvent[],
  state: AgencyState,
): PersonReservations {
  const reservations: PersonReservations = { claim: [], release: [] };
  for (const event of events) {
    if (event.type === 'PersonnelJoined') {
      const key = event.data.idNumberHash;
      reservations.claim.push({ scope: PERSON_SCOPE, key, holder: { uscc } });
    } else if (event.type === 'PenaltyImposed' && state.jurisdiction !== undefined) {
      reservations.claim.push({
        scope: PENALTY_DECISION_SCOPE,
        // A host jurisdiction's penalty is numbered by the host (ADR 016).
        key: penaltyDecisionKey(
          event.data.recordingJurisdiction ?? state.jurisdiction,
          event.data.decisionNumber,
        ),
        holder: { uscc },
      });
    } else if (event.type === 'AgencyRegistered') {
      reservations.claim.push({ scope: USCC_SCOPE, key: event.data.uscc, holder: { uscc } });
    } else if (event.type === 'AgencyRecordCorrected') {
      const correction = event.data;
      if (correction.field === 'uscc') {
        // The code the stream is keyed by stays the agency's: the stream holds it.
        if (correction.to !== state.registeredUscc)
          reservations.claim.push({
            scope: USCC_SCOPE,
            key: correction.to,
            holder: { uscc: correction.to },
          });
        if (correction.from !== state.registeredUscc)
          reservations.release.push({ scope: USCC_SCOPE, key: correction.from });
      } else if (correction.field === 'personnel.withdrawn') {
        // An entry made in error holds no one (§三.10): the person is free for any agency.
        const person = state.personnel.get(correction.personId);
        if (person && isEngaged(person))
          reservations.release.push({ scope: PERSON_SCOPE, key: person.idNumberHash });
      } else if (correction.field === 'personnel.idNumber') {
        // The person's claim moves from the wrong number to the right one, in one append.
        const person = state.personnel.get(correction.personId);
        if (person && isEngaged(person)) {
          reservations.release.push({ scope: PERSON_SCOPE, key: correction.fromHash });
          reservations.claim.push({
            scope: PERSON_SCOPE,
            key: correction.toHash,
            holder: { uscc },
          });
        }
      }
    } else if (event.type === 'PersonnelLeft') {
      const person = state.personnel.get(event.data.personId);
      if (person) reservations.release.push({ scope: PERSON_SCOPE, key: person.idNumberHash });
    }
  }
  return reservations;
}

/** The decision number is already recorded in the jurisdiction (409). */
export class DuplicateDecisionNumber extends ConflictError {
  constructor(decisionNumber: string, recordedFor: string | undefined) {
    super(
      `penalty decision ${decisionNumber} is already recorded${recordedFor === undefined ? '' : ` for agency ${recordedFor}`}: one decision, one record`,
      'shuanggongshi-decision-number',
      'decisionNumber',
    );
  }
}

/**
 * The person is on the staff of another agency (409). `engagedAt` is that agency's USCC, for
 * whoever may be told it; the message names it as it always has.
 */
export class PersonEngagedElsewhere extends ConflictError {
  constructor(readonly engagedAt: string | undefined) {
    super(
      `this person is on the staff of ${engagedAt === undefined ? 'another agency' : `agency ${engagedAt}`}; record the departure there first`,
      'national-faq-3',
      'idNumber',
    );
  }
}

/** The corrected USCC is held by another registration (409, seed 002 §七.1). */
export class UsccAlreadyRegistered extends ConflictError {
  constructor(
    readonly code: string,
    field: string,
  ) {
    super(`an agency is already registered under ${code}`, 'national-faq-7-1', field);
  }
}
