import type { StoredEvent } from '@ledger/event-store';
import type { PersonNamedResponsible, PersonnelJoined } from '@ledger/domain';
import type { Projection } from '../projection';

/** A decision that named the person responsible, as the person's credit record shows it. */
export interface PersonCreditRecord extends Omit<PersonNamedResponsible['data'], never> {
  recordedAt: string;
}

/**
 * A person's own credit record (seed 000 Art. 10, 11; seed 001 Art. 20(二)), keyed by the
 * identity hash (ADR 005, 020): the decisions that named the person, and the opaque personIds
 * of the person's engagements, so a personnel answer's personId finds the record. No ID number,
 * no name: the personal data stays sealed in the agency's events, erasable.
 */
export interface PersonCreditDoc {
  idNumberHash: string;
  personIds: string[];
  records: PersonCreditRecord[];
}

const PERSON_PREFIX = 'person-';

function evolvePersonCredit(
  doc: PersonCreditDoc | null,
  key: string,
  event: StoredEvent,
): PersonCreditDoc {
  const current: PersonCreditDoc = doc ?? { idNumberHash: key, personIds: [], records: [] };
  if (event.type === 'PersonnelJoined') {
    const { personId } = event.data as PersonnelJoined['data'];
    if (current.personIds.includes(personId)) return current;
    return { ...current, personIds: [...current.personIds, personId] };
  }
  const data = event.data as PersonNamedResponsible['data'];
  if (current.records.some((r) => r.recordEventId === data.recordEventId)) return current;
  return { ...current, records: [...current.records, { ...data, recordedAt: event.recordedAt }] };
}

export const personCreditProjection: Projection<PersonCreditDoc> = {
  name: 'person-credit',
  table: 'person_credit_entries',
  handles: new Set(['PersonNamedResponsible', 'PersonnelJoined']),
  keyOf(event) {
    if (event.type === 'PersonnelJoined')
      return (event.data as { idNumberHash?: string }).idNumberHash ?? null;
    return event.streamId.startsWith(PERSON_PREFIX)
      ? event.streamId.slice(PERSON_PREFIX.length)
      : null;
  },
  evolve: (doc, event, key) => evolvePersonCredit(doc, key, event),
  columns: () => ({}),
  children: {
    table: 'person_credit_ids',
    rows: (key, doc) => doc.personIds.map((personId) => ({ person_id: personId })),
    identity: ['person_id'],
  },
};
