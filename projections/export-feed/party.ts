/**
 * The party of a record as the platforms are sent it (ADR 030): the agency's name (行政相对人名称,
 * 企业名称) and its legal representative's name (法定代表人) as on record on the record's own
 * valid date, as the ledger knew them at a global position. A penalty decided in March names
 * the legal representative of March, whenever it is exported.
 *
 * Valid time of each value:
 * - the registration's values, and every change made before the first approval (which corrects
 *   the filing itself, seed 002 §七.8), hold from the start (`from: null`);
 * - a change of a registered agency's name or legal representative waits for its review
 *   (seed 002 §一.8, §七.8); approved, it holds from the day the change happened (`changedAt`,
 *   seed 000 Art. 6: the filing follows the change), not from the review; returned, or dropped
 *   by a deregistration, it never holds.
 * Every value is a version `(field, from, position)`: at a date `d`, as known at position `P`,
 * a field is the version recorded by `P` with the latest `from` on or before `d` (a later
 * position wins a tie, and a `from: null` is earlier than every date).
 */
export type PartyField = 'name' | 'legalRepresentative';

export interface PartyVersion {
  field: PartyField;
  /** The first day it holds; null: from the start (the filing as registered or corrected). */
  from: string | null;
  /** Global position of the event that made it known (a registration, change or approval). */
  position: number;
  value: string;
}

export interface PartyHistory {
  /** The first approval was recorded: key changes wait for a review from then on. */
  registered: boolean;
  deregistered: boolean;
  versions: PartyVersion[];
  /** Key changes awaiting review: the value filed and the day it happened. */
  pending: Partial<Record<PartyField, { value: string; changedAt: string }>>;
}

export const EMPTY_PARTY: PartyHistory = {
  registered: false,
  deregistered: false,
  versions: [],
  pending: {},
};

/** The party's values filed by a registration or a change (only those it names). */
export type PartyValues = Partial<Record<PartyField, string>>;

export function partyRegistered(values: Required<PartyValues>, position: number): PartyHistory {
  return {
    ...EMPTY_PARTY,
    versions: (Object.entries(values) as [PartyField, string][]).map(([field, value]) => ({
      field,
      from: null,
      position,
      value,
    })),
  };
}

/** The value of `field` recorded last, whatever its date: what the approved registration holds. */
function approvedValue(party: PartyHistory, field: PartyField): string | undefined {
  const latest = valueAt(party.versions, field, '9999-12-31', Number.MAX_SAFE_INTEGER);
  return latest?.value;
}

/**
 * A change filed (RegistrationChanged): before the first approval it corrects the filing from
 * the start; after it, a new value waits for review (as the domain's `evolve` holds it: a field
 * already waiting, or a value that differs from the approved one), and the same value is
 * nothing new.
 */
export function partyChanged(
  party: PartyHistory,
  values: PartyValues,
  changedAt: string,
  position: number,
): PartyHistory {
  let { versions, pending } = party;
  for (const [field, value] of Object.entries(values) as [PartyField, string][]) {
    if (!party.registered || party.deregistered) {
      versions = [
        ...versions,
        { field, from: party.registered ? changedAt : null, position, value },
      ];
    } else if (field in pending || value !== approvedValue(party, field)) {
      pending = { ...pending, [field]: { value, changedAt } };
    }
  }
  return { ...party, versions, pending };
}

/** A review: the first approval registers; a later one approves or returns the key changes. */
export function partyReviewed(
  party: PartyHistory,
  outcome: 'approved' | 'returned',
  position: number,
): PartyHistory {
  const waiting = Object.entries(party.pending) as [
    PartyField,
    { value: string; changedAt: string },
  ][];
  if (party.registered && waiting.length > 0) {
    return {
      ...party,
      pending: {},
      versions:
        outcome === 'approved'
          ? [
              ...party.versions,
              ...waiting.map(([field, { value, changedAt }]) => ({
                field,
                from: changedAt,
                position,
                value,
              })),
            ]
          : party.versions,
    };
  }
  return outcome === 'approved' ? { ...party, registered: true } : party;
}

/** A deregistration drops the changes awaiting review (seed 002 §七.9). */
export const partyDeregistered = (party: PartyHistory): PartyHistory => ({
  ...party,
  deregistered: true,
  pending: {},
});

/** Whether version `a` takes precedence over `b` at a date both hold on. */
const later = (a: PartyVersion, b: PartyVersion): boolean =>
  (a.from ?? '') > (b.from ?? '') || ((a.from ?? '') === (b.from ?? '') && a.position > b.position);

/** The version of `field` in force on `date` as known at `position`; undefined if none. */
export function valueAt(
  versions: readonly PartyVersion[],
  field: PartyField,
  date: string,
  position: number,
): PartyVersion | undefined {
  let best: PartyVersion | undefined;
  for (const v of versions) {
    if (v.field !== field || v.position > position || (v.from !== null && v.from > date)) continue;
    if (!best || later(v, best)) best = v;
  }
  return best;
}

/** A record's party on its date, and the position from which the ledger knew it so. */
export interface PartyOnDate {
  name: string | null;
  legalRepresentative: string | null;
  /**
   * The position of the last event that changed what the record names (its name or legal
   * representative on its date): an export from before it sent other values, so a later one
   * sends the record again (ADR 030).
   */
  position: number;
}

/**
 * The party on `date` as known now, and since which position it reads so: the versions are
 * taken in the order they were recorded, and each one that changes a value on `date` moves the
 * position.
 */
export function partyOn(party: PartyHistory, date: string): PartyOnDate {
  const byPosition = [...party.versions].sort((a, b) => a.position - b.position);
  const current: Partial<Record<PartyField, PartyVersion>> = {};
  let position = 0;
  for (const v of byPosition) {
    if (v.from !== null && v.from > date) continue;
    const held = current[v.field];
    if (held && !later(v, held)) continue;
    current[v.field] = v;
    if (held?.value !== v.value) position = v.position;
  }
  return {
    name: current.name?.value ?? null,
    legalRepresentative: current.legalRepresentative?.value ?? null,
    position,
  };
}
